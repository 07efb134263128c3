// /dialogues: the account's dialogues, titles decrypted on this device, and open team seats with a
// "join" action that makes a key on this device and knocks with it.

import "../secure-context.js";
import { _, loadCatalog } from "../i18n.js";
import { b64uDecode, b64uEncode } from "../td2/index.js";
import { createMemberKey, createStewardKey, deleteDialogueKeys, setMemberHandle } from "../keystore.js";
import * as api from "./api.js";
import { openDialogue, readMeta } from "./crypto-state.js";
import { buildModel, pickText, preferences } from "./docs.js";
import { describe, explain, roleLabel } from "./labels.js";
import * as store from "./store.js";
import { $, announce, fingerprintView, h, say, userText } from "./ui.js";

const POLL_MS = 3000;
await loadCatalog();

async function titleOf(summary) {
  try {
    const state = await openDialogue(summary.dialogue_id);
    const model = buildModel(await readMeta(state));
    return { title: pickText(model.dialogue?.doc.title, preferences(model)), note: null };
  } catch (error) {
    return { title: null, note: explain(error) };
  }
}

async function renderDialogues() {
  const summaries = await api.get("/dialogues");
  const rows = await Promise.all(summaries.map(async (summary) => {
    const { title, note } = await titleOf(summary);
    const name = title
      ? userText("a", title.text, title.lang, { href: `/dialogues/${summary.dialogue_id}` })
      : h("a", { href: `/dialogues/${summary.dialogue_id}`, text: _("Dialogue %(id)s", { id: summary.dialogue_id.slice(0, 6) }) });
    return h("li", { class: "dialogue" }, name, h("span", { class: "hint", text: ` · ${roleLabel(summary.role)}` }),
      note ? h("p", { class: "error", text: note }) : null);
  }));
  $("dialogue-list").replaceChildren(...rows);
  say($("dialogue-status"), rows.length ? "" : _("You are not in any dialogue yet."));
}

async function join(seat) {
  const member = await createMemberKey(seat.dialogue_id, { replace: true });
  try {
    const body = { x25519_public: b64uEncode(member.publicRaw) };
    if (seat.steward) {
      // A steward seat: this device also makes the signing key it will cut epochs with.
      const stewardKey = await createStewardKey(seat.dialogue_id, { replace: true });
      body.ed25519_public = b64uEncode(stewardKey.publicRaw);
    }
    const knock = await api.post(`/invitations/${seat.invite_id}/knocks`, body);
    await setMemberHandle(seat.dialogue_id, b64uDecode(knock.handle, 16));
    await store.save(store.keys.pendingJoin(seat.invite_id), {
      knockId: knock.knock_id, dialogueId: seat.dialogue_id, fingerprint: member.fingerprint, seat: true,
    });
  } catch (error) {
    await deleteDialogueKeys(seat.dialogue_id);
    throw error;
  }
  announce(_("Request sent. Compare your code with a key steward."));
}

function seatView(seat, pending) {
  const text = _("A seat in a dialogue team as %(role)s", { role: roleLabel(seat.role) });
  if (pending) {
    return h("li", { class: "seat", dataset: { inviteId: seat.invite_id } }, h("p", { text }),
      h("p", { text: _("Waiting for a key steward to compare this code and let you in:") }),
      h("p", { class: "fingerprint-large" }, fingerprintView(pending.fingerprint, { "data-seat-fingerprint": "" })));
  }
  const button = h("button", { type: "button", class: "primary", text: _("Join"), "aria-label": _("Join as %(role)s", { role: roleLabel(seat.role) }) });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await join(seat);
      await renderSeats();
    } catch (error) {
      say($("seat-status"), describe(error), "error");
      button.disabled = false;
    }
  });
  return h("li", { class: "seat", dataset: { inviteId: seat.invite_id } }, h("p", { text }), button);
}

let pendingSeats = [];

async function renderSeats() {
  const [seats, joins] = await Promise.all([api.get("/team-seats"), store.loadAll("join:")]);
  const pending = new Map(joins.filter(([, v]) => v.seat).map(([key, v]) => [key.slice(5), v]));
  pendingSeats = [...pending.entries()];
  $("seat-list").replaceChildren(...seats.map((seat) => seatView(seat, pending.get(seat.invite_id))));
  say($("seat-status"), seats.length ? "" : _("No open invitations."));
}

async function poll() {
  for (const [inviteId, pending] of pendingSeats) {
    try {
      const knock = await api.get(`/knocks/${pending.knockId}`);
      if (knock.status === "pending") continue;
      await store.forget(store.keys.pendingJoin(inviteId));
      if (knock.status === "approved") {
        announce(_("You are in the dialogue's team."));
        await renderDialogues();
      } else {
        await deleteDialogueKeys(pending.dialogueId);
        say($("seat-status"), _("A key steward refused the request."), "error");
      }
      await renderSeats();
    } catch {
      // try again at the next round
    }
  }
}

try {
  await Promise.all([renderDialogues(), renderSeats()]);
} catch (error) {
  say($("dialogue-status"), describe(error), "error");
}
window.setInterval(poll, POLL_MS);
