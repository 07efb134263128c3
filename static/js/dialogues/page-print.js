// /dialogues/<id>/print: the print pack, for the people in the room without a device and for the
// wall. The team picks a session, its languages and (key stewards) the invitation cards; the
// pack is made here, from the dialogue opened on this device, and printed or saved as PDF by the
// browser. Nothing is written to the server: the page only reads, as the workspace does.
//
// A card needs its invitation's secret, which only the device that made the invitation keeps
// (store.keys.inviteSecret): the others are listed, and said to be unprintable here.
// The catalogues of every supported locale are fetched, whatever the dialogue's languages: which
// ones a pack needs would tell the server the working languages, which it never learns.

import "../secure-context.js";
import { _, languageName, loadCatalog, loadOtherCatalogs, supportedLocales } from "../i18n.js";
import { inviteFragment } from "../td2/index.js";
import * as api from "./api.js";
import { openDialogue, readMeta } from "./crypto-state.js";
import { PARTICIPANT_ROLES, buildModel, personFor, pickText, preferences } from "./docs.js";
import { roleLabel } from "./labels.js";
import { pageLife, showDialogueTitle, showUnreadable } from "./page-life.js";
import { agendaSheet, cardSheets, invitationCard } from "./print-pack.js";
import * as store from "./store.js";
import { currentOrNext, formatRange, isValidTimeZone, viewerTimeZone } from "./time.js";
import { $, h, userText } from "./ui.js";

const root = $("print-page");
await Promise.all([loadCatalog(), loadOtherCatalogs(supportedLocales())]);

const page = {
  id: root.dataset.dialogueId,
  state: null,
  model: null,
  /** Open link invitations: {invitation, secret (or null when this device does not hold it)}. */
  invitations: [],
};

const prefs = () => preferences(page.model);

function workingLanguages() {
  const tags = page.model.dialogue?.doc.languages;
  return Array.isArray(tags) && tags.length ? tags.filter((tag) => typeof tag === "string") : [document.documentElement.lang];
}

function timeZone() {
  const zone = page.model.dialogue?.doc.timezone;
  return typeof zone === "string" && isValidTimeZone(zone) ? zone : viewerTimeZone();
}

function linkOf(inviteId, secret) {
  return `${window.location.origin}/j/${inviteId}#${inviteFragment(secret, page.state.anchor.fingerprint)}`;
}

function setupSessions() {
  const sessions = page.model.sessions;
  $("pack-no-session").hidden = sessions.length > 0;
  $("pack-session-field").hidden = sessions.length === 0;
  const chosen = currentOrNext(sessions)?.entry.doc.id ?? null;
  $("pack-session").replaceChildren(...sessions.map((entry) => {
    const title = pickText(entry.doc.title, prefs())?.text ?? _("(untitled)");
    return h("option", {
      value: entry.doc.id, selected: entry.doc.id === chosen,
      text: `${title} — ${formatRange(entry.doc.starts, entry.doc.ends, timeZone())}`,
    });
  }));
}

function setupLanguages() {
  $("pack-languages").replaceChildren(...workingLanguages().map((tag) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "language", value: tag, checked: true }),
    " ", h("span", { lang: tag, text: languageName(tag) }))));
}

function cardChoice({ invitation, secret }) {
  const person = personFor(page.model, { inviteId: invitation.invite_id });
  const name = person?.doc.display_name || "";
  const label = [roleLabel(invitation.role), person?.doc.language ? languageName(person.doc.language) : ""].filter(Boolean).join(" · ");
  if (!secret) {
    return h("li", { class: "card-choice unavailable", dataset: { inviteId: invitation.invite_id } },
      name ? userText("span", name, null, { class: "invitation-name" }) : null,
      h("span", { text: ` ${label} · ` }),
      h("span", { class: "hint", text: _("Its secret is not on this device: print its card on the device that made the invitation.") }));
  }
  const id = `card-${invitation.invite_id}`;
  return h("li", { class: "card-choice", dataset: { inviteId: invitation.invite_id } },
    h("input", { type: "checkbox", id, name: "card", value: invitation.invite_id, checked: true }),
    " ",
    h("label", { for: id },
      name ? userText("span", name, null, { class: "invitation-name" }) : null,
      h("span", { text: name ? ` · ${label}` : label })));
}

async function loadInvitations() {
  if (!page.state.isSteward) return;
  const listed = await api.get(`/dialogues/${page.id}/invitations`);
  const open = listed.filter((invitation) => !invitation.team_seat && invitation.status === "open"
    && PARTICIPANT_ROLES.includes(invitation.role));
  page.invitations = await Promise.all(open.map(async (invitation) => {
    const kept = await store.load(store.keys.inviteSecret(invitation.invite_id)).catch(() => null);
    return { invitation, secret: kept?.dialogueId === page.id ? kept.secret : null };
  }));
}

function setupCards() {
  $("pack-cards").hidden = !page.state.isSteward;
  if (!page.state.isSteward) return;
  $("card-list").replaceChildren(...page.invitations.map(cardChoice));
  $("card-empty").hidden = page.invitations.length > 0;
  $("card-unavailable").hidden = !page.invitations.some((entry) => !entry.secret);
}

function chosen(name) {
  return [...root.querySelectorAll(`input[name=${name}]:checked`)].map((input) => input.value);
}

/** The pack as chosen: an agenda sheet per language, then the cards, four to a sheet. */
function renderPack() {
  const working = workingLanguages();
  const session = page.model.sessions.find((entry) => entry.doc.id === $("pack-session").value);
  const sheets = session ? chosen("language").map((tag) => agendaSheet(page.model, session, tag, working, timeZone())) : [];
  const wanted = new Set(chosen("card"));
  const cards = page.invitations.filter((entry) => entry.secret && wanted.has(entry.invitation.invite_id)).map(({ invitation, secret }) => {
    const person = personFor(page.model, { inviteId: invitation.invite_id })?.doc;
    const tag = typeof person?.language === "string" && person.language ? person.language : working[0];
    return invitationCard({
      inviteId: invitation.invite_id, link: linkOf(invitation.invite_id, secret), role: invitation.role,
      name: person?.display_name || "", tag, expiresAt: invitation.expires_at, timeZone: timeZone(),
    });
  });
  const all = [...sheets, ...cardSheets(cards)];
  $("pack").replaceChildren(...all);
  $("pack-empty").hidden = all.length > 0;
  $("pack-print").disabled = all.length === 0;
}

const life = pageLife({ content: "print-content" });

try {
  page.state = await openDialogue(page.id);
  page.model = buildModel(await readMeta(page.state));
  await loadInvitations();
  showDialogueTitle(page.model, prefs(), _("Print pack"));
  showUnreadable(page.state, page.model.errors, _("Some items were written before you joined and are not readable on this device yet."));
  setupSessions();
  setupLanguages();
  setupCards();
  renderPack();
  $("pack-choices").addEventListener("change", renderPack);
  $("pack-print").addEventListener("click", () => window.print());
  $("loading").hidden = true;
  $("print-content").hidden = false;
} catch (error) {
  life.fail(error);
}
