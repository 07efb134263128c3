// The key steward's panel: participant invitations (link and QR code drawn here, secret kept on
// this device to check knocks), team seats, open invitations, and requests to join with the
// newcomer's fingerprint and the proof checked against the kept secret (knock-view.js).

import { _, currentLocale, dateTimeFormat, supportedLocales } from "../i18n.js";
import { b64uEncode, inviteFragment, inviteSecretHash, randomId, randomInviteSecret } from "../td2/index.js";
import { splitAliases } from "../export/anonymise/model.js";
import * as api from "./api.js";
import { writeMeta } from "./crypto-state.js";
import { ATTENDANCE, MEDIATOR_TYPES, PARTICIPANT_ROLES, STEWARD_ROLES, TEAM_ROLES, newDocId, parseLanguagePairs, parseLanguages, personFor } from "./docs.js";
import { attendanceLabel, languageName, mediatorTypeLabel, roleLabel } from "./labels.js";
import { qrSvg } from "./qr.js";
import { displayLocale, formatIsolated } from "./time.js";
import { approveKnock } from "./steward.js";
import { knockItem } from "./knock-view.js";
import * as store from "./store.js";
import { $, announce, copyText, h, onSubmit, options, userText } from "./ui.js";

const value = (id) => $(id).value.trim();

let shownInvite = null;

function showLink(ws, inviteId, secret) {
  shownInvite = inviteId;
  const link = `${window.location.origin}/j/${inviteId}#${inviteFragment(secret, ws.state.anchor.fingerprint)}`;
  $("invite-link").textContent = link;
  $("invite-qr").replaceChildren(qrSvg(link, _("QR code of the invitation link")));
  $("invite-result").hidden = false;
  $("invite-copy").onclick = () => copyText(link);
}

async function inviteParticipant(ws) {
  const inviteId = b64uEncode(randomId());
  const secret = randomInviteSecret();
  const hours = Number.parseInt(value("invite-hours"), 10);
  if (!Number.isInteger(hours) || hours < 1 || hours > 336) throw new Error(_("An invitation is valid for 1 to 336 hours."));
  const role = $("invite-role").value;
  await api.post(`/dialogues/${ws.id}/invitations`, {
    invite_id: inviteId, role, secret_hash: b64uEncode(await inviteSecretHash(secret)), expires_in_s: hours * 3600,
  });
  await store.save(store.keys.inviteSecret(inviteId), { dialogueId: ws.id, secret });
  const doc = {
    type: "person", id: newDocId(), invite_id: inviteId, display_name: value("invite-name"), role,
    side: value("invite-side"), affiliation: value("invite-affiliation"),
    language: $("invite-language").value, attendance: $("invite-attendance").value,
  };
  // Other spellings of the name, sealed with the rest of the document; the summary's anonymiser
  // looks for them like the name.
  const aliases = splitAliases(value("invite-aliases"));
  if (aliases.length) doc.aliases = aliases;
  await writeMeta(ws.state, doc);
  $("participant-invite").reset();
  showLink(ws, inviteId, secret);
  announce(_("Invitation link created."));
}

async function addSeat(ws) {
  const role = $("seat-role").value;
  const username = value("seat-username");
  if (username.length < 3) throw new Error(_("Enter the team member's username."));
  const inviteId = b64uEncode(randomId());
  // Only conveners and (lead) facilitators can hold a steward key.
  const steward = $("seat-steward").checked && STEWARD_ROLES.includes(role);
  await api.post(`/dialogues/${ws.id}/invitations`, { invite_id: inviteId, role, username, steward });
  const doc = { type: "person", id: newDocId(), invite_id: inviteId, display_name: value("seat-name"), role };
  if (role === "facilitator" && $("seat-mediator-type").value) doc.mediator_type = $("seat-mediator-type").value;
  const pairs = parseLanguagePairs(value("seat-pairs"));
  if (pairs.length) doc.language_pairs = pairs;
  const languages = parseLanguages(value("seat-languages"));
  if (languages.length) doc.languages = languages;
  await writeMeta(ws.state, doc);
  $("seat-form").reset();
  announce(_("%(username)s can now join from their dialogues page.", { username }));
}

async function knockView(ws, knock, invitations) {
  const decide = (approve, name) => ws.guard(async () => {
    if (approve) {
      await approveKnock(ws, knock);
      announce(_("%(name)s is now in the dialogue.", { name }));
    } else {
      await api.post(`/dialogues/${ws.id}/knocks/${knock.knock_id}/refuse`);
      announce(_("Request refused."));
    }
    await ws.refresh();
  });
  return knockItem(knock, { model: ws.model, invitation: invitations.get(knock.invite_id), decide });
}

/**
 * A participant's own language: any language the interface speaks, the dialogue's working
 * languages first (those that interpretation covers), each group named.
 * @param {HTMLSelectElement} select
 * @param {string[]} working
 */
function languageChoice(select, working) {
  const option = (tag) => h("option", { value: tag, lang: tag, text: languageName(tag) });
  const others = supportedLocales().filter((tag) => !working.includes(tag));
  others.sort((a, b) => languageName(a).localeCompare(languageName(b), currentLocale()));
  const groups = [h("optgroup", { label: _("Working languages") }, working.map(option))];
  if (others.length) groups.push(h("optgroup", { label: _("Other languages") }, others.map(option)));
  select.replaceChildren(...groups);
}

function statusText(status) {
  return { open: _("Open"), used: _("Used"), revoked: _("Revoked"), expired: _("Expired") }[status] ?? status;
}

async function invitationView(ws, invitation) {
  const person = personFor(ws.model, { inviteId: invitation.invite_id });
  const name = person?.doc.display_name || "—";
  const expires = formatIsolated(dateTimeFormat(displayLocale(), { dateStyle: "medium", timeStyle: "short" }), new Date(invitation.expires_at));
  const kept = invitation.team_seat || invitation.status !== "open" ? null : await store.load(store.keys.inviteSecret(invitation.invite_id));
  const kind = invitation.team_seat ? _("team seat") : _("link");
  const until = _("expires %(when)s", { when: expires });
  return h("li", { class: `invitation status-${invitation.status}` },
    userText("span", name, null, { class: "invitation-name" }),
    h("span", { text: ["", roleLabel(invitation.role), kind, statusText(invitation.status)].join(" · ") }),
    invitation.status === "open" ? h("span", { class: "hint", text: ` · ${until}` }) : null,
    kept ? h("button", { type: "button", class: "small", text: _("Show link"), onclick: () => showLink(ws, invitation.invite_id, kept.secret) }) : null,
    invitation.status === "open" ? h("button", {
      type: "button", class: "small", text: _("Revoke"), "aria-label": _("Revoke the invitation of %(name)s", { name }),
      onclick: () => ws.guard(async () => {
        await api.del(`/dialogues/${ws.id}/invitations/${invitation.invite_id}`);
        await store.forget(store.keys.inviteSecret(invitation.invite_id));
        await ws.refresh();
        announce(_("Invitation revoked."));
      }),
    }) : null);
}

/** Re-renders the knocks and invitations (already fetched into ws.knocks / ws.invitations). */
export async function renderStewardPanel(ws) {
  if (!ws.isSteward) return;
  const invitations = new Map(ws.invitations.map((invitation) => [invitation.invite_id, invitation]));
  for (const invitation of ws.invitations) {
    // A secret is only needed while its invitation can still be used.
    if (invitation.status !== "open") store.forget(store.keys.inviteSecret(invitation.invite_id)).catch(() => {});
  }
  const knocks = await Promise.all(ws.knocks.map((knock) => knockView(ws, knock, invitations)));
  $("knock-list").replaceChildren(...knocks);
  $("knock-empty").hidden = knocks.length > 0;
  // Used invitations show up in the roster instead; a used or revoked link is not shown again.
  const shown = ws.invitations.filter((i) => i.status === "open" || i.status === "expired").reverse();
  if (shownInvite && !ws.invitations.some((i) => i.invite_id === shownInvite && i.status === "open")) {
    $("invite-result").hidden = true;
    shownInvite = null;
  }
  $("invitation-list").replaceChildren(...(await Promise.all(shown.map((invitation) => invitationView(ws, invitation)))));
}

function bind(ws, form, status, work) {
  onSubmit(form, status, async () => {
    await work(ws);
    await ws.refresh();
  });
}

export function setupStewardPanel(ws) {
  if (!ws.isSteward) return;
  $("steward-fingerprint").textContent = ws.state.anchor.fingerprint;
  languageChoice($("invite-language"), ws.languages());
  options($("invite-attendance"), ATTENDANCE.map((code) => [code, attendanceLabel(code)]));
  options($("invite-role"), PARTICIPANT_ROLES.map((code) => [code, roleLabel(code)]));
  options($("seat-role"), TEAM_ROLES.map((code) => [code, roleLabel(code)]), "facilitator");
  options($("seat-mediator-type"), [["", "—"], ...MEDIATOR_TYPES.map((code) => [code, mediatorTypeLabel(code)])]);
  bind(ws, $("participant-invite"), $("invite-status"), inviteParticipant);
  bind(ws, $("seat-form"), $("seat-status"), addSeat);
}
