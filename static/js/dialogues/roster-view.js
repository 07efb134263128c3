// The roster: team members and participants from the verified roster and their person documents,
// people invited but not yet in, former members, and a balance view counted on this device.

import { _, ngettext, numberFormat } from "../i18n.js";
import { b64uDecode, fingerprint } from "../td2/index.js";
import { aliasEditor } from "./alias-editor.js";
import { personFor } from "./docs.js";
import { attendanceLabel, languageName, mediatorTypeLabel, roleLabel } from "./labels.js";
import { removeMember } from "./steward.js";
import { displayLocale } from "./time.js";
import { announce, fingerprintView, h, userText } from "./ui.js";

const prints = new Map();

async function printOf(publicKey) {
  if (!prints.has(publicKey)) prints.set(publicKey, await fingerprint(b64uDecode(publicKey, 32)));
  return prints.get(publicKey);
}

function isParticipantLike(role, doc) {
  if (role === "participant") return true;
  return role === "observer" && Boolean(doc && ("side" in doc || "attendance" in doc));
}

/** Everyone to list: current members, invited people, former members (from person docs). */
async function people(ws) {
  const rows = [];
  const inRoster = new Set();
  for (const entry of ws.state.roster) {
    inRoster.add(entry.handle);
    const person = personFor(ws.model, { handle: entry.handle });
    rows.push({ role: entry.role, doc: person?.doc ?? null, entry: person, handle: entry.handle, status: "member", print: await printOf(entry.x25519_public) });
  }
  const invitations = new Map(ws.invitations.map((invitation) => [invitation.invite_id, invitation]));
  for (const person of ws.model.persons) {
    const { doc } = person;
    if (doc.handle && !inRoster.has(doc.handle)) {
      rows.push({ role: doc.role, doc, entry: person, handle: doc.handle, status: "removed", print: null });
    } else if (!doc.handle && doc.invite_id) {
      const invitation = invitations.get(doc.invite_id);
      const status = invitation ? `invite_${invitation.status}` : "invite_open";
      if (status !== "invite_revoked") rows.push({ role: doc.role, doc, entry: person, handle: null, status, print: null });
    }
  }
  return rows;
}

function statusLabel(row, ws) {
  if (row.handle === ws.state.handle) return _("You");
  return {
    member: _("In the dialogue"),
    removed: _("Removed"),
    invite_open: _("Invited"),
    invite_used: _("Invited"),
    invite_expired: _("Invitation expired"),
  }[row.status] ?? row.status;
}

function actions(ws, row) {
  if (!ws.isSteward || row.status !== "member" || row.handle === ws.state.handle) return h("td");
  const name = row.doc?.display_name || row.print;
  return h("td", {}, h("button", {
    type: "button", class: "small danger", text: _("Remove"),
    "aria-label": _("Remove %(name)s from the dialogue", { name }),
    onclick: () => ws.guard(async () => {
      if (!window.confirm(_("Remove %(name)s? A new key is made without them; they lose access at once.", { name }))) return;
      await removeMember(ws, row.handle);
      await ws.refresh();
      announce(_("%(name)s was removed from the dialogue.", { name }));
    }),
  }));
}

/** The name, and for whoever may write the dialogue's documents its other spellings to edit. */
const nameCell = (ws, row) => h("td", {},
  userText("span", row.doc?.display_name || "—"),
  ws.canWrite && row.entry ? aliasEditor(ws, row.entry) : null);
const printCell = (row) => h("td", {}, row.print ? fingerprintView(row.print) : "—");
const textCell = (value) => h("td", {}, userText("span", typeof value === "string" && value ? value : "—"));

function teamDetails(doc) {
  if (!doc) return "—";
  const parts = [];
  if (doc.mediator_type) parts.push(mediatorTypeLabel(doc.mediator_type));
  if (Array.isArray(doc.language_pairs)) {
    parts.push(doc.language_pairs.filter(Array.isArray).map(([a, b]) => `${languageName(a)} → ${languageName(b)}`).join(", "));
  }
  if (Array.isArray(doc.languages)) parts.push(doc.languages.map(languageName).join(", "));
  return parts.filter(Boolean).join(" · ") || "—";
}

function teamRow(ws, row) {
  return h("tr", { class: `status-${row.status}`, dataset: { handle: row.handle ?? "" } },
    nameCell(ws, row), h("td", { text: roleLabel(row.role) }), h("td", { text: teamDetails(row.doc) }),
    printCell(row), h("td", { text: statusLabel(row, ws) }), actions(ws, row));
}

function participantRow(ws, row) {
  const doc = row.doc ?? {};
  return h("tr", { class: `status-${row.status}`, dataset: { handle: row.handle ?? "" } },
    nameCell(ws, row), textCell(doc.side), textCell(doc.affiliation),
    h("td", { text: doc.language ? languageName(doc.language) : "—" }),
    h("td", { text: doc.attendance ? attendanceLabel(doc.attendance) : "—" }),
    printCell(row), h("td", { text: statusLabel(row, ws) }), actions(ws, row));
}

function tally(rows, read) {
  const counts = new Map();
  for (const row of rows) {
    const key = read(row.doc ?? {}) || "";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function balanceTable(caption, counts, label) {
  return h("table", { class: "balance-table" },
    h("caption", { text: caption }),
    h("tbody", {}, counts.map(([key, count]) => h("tr", {},
      h("th", { scope: "row" }, key ? userText("span", label(key)) : _("Not recorded")),
      h("td", { text: numberFormat(displayLocale()).format(count) })))));
}

function renderBalance(rows) {
  const present = rows.filter((row) => row.status === "member");
  const holder = document.getElementById("balance");
  holder.replaceChildren(
    h("p", { text: ngettext("%(num)s participant in the roster", "%(num)s participants in the roster", present.length) }),
    balanceTable(_("By side"), tally(present, (doc) => (typeof doc.side === "string" ? doc.side.trim() : "")), (key) => key),
    balanceTable(_("By language"), tally(present, (doc) => doc.language), languageName),
    balanceTable(_("By attendance"), tally(present, (doc) => doc.attendance), attendanceLabel),
  );
}

export async function renderRoster(ws) {
  const rows = await people(ws);
  const participants = rows.filter((row) => isParticipantLike(row.role, row.doc));
  const team = rows.filter((row) => !isParticipantLike(row.role, row.doc));
  document.querySelector("#team-table tbody").replaceChildren(...team.map((row) => teamRow(ws, row)));
  document.querySelector("#participant-table tbody").replaceChildren(...participants.map((row) => participantRow(ws, row)));
  renderBalance(participants);
}
