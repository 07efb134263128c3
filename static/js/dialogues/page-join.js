// /j/<invite_id>#<secret>.<steward fingerprint>: a newcomer's device. The fragment leaves the
// address bar at once; the device makes its key, knocks with the HMAC proof, shows its own
// fingerprint in large type, waits for the steward's decision, then opens a device session by
// answering the key challenge and goes to the participant home. A participant on a shared or
// borrowed device can ask here for it to be cleared when the session closes (ephemeral.js).

import "../secure-context.js";
// First: the fragment leaves the address bar before any other module runs.
import { fragment } from "./join-fragment.js";
import { _, loadCatalog } from "../i18n.js";
import * as td2 from "../td2/index.js";
import { createMemberKey, deleteDialogueKeys, getDialogueKeys, setMemberHandle } from "../keystore.js";
import * as api from "./api.js";
import * as store from "./store.js";
import { signInDevice } from "./device.js";
import { markEphemeral } from "./ephemeral.js";
import { $, announce, say } from "./ui.js";

const POLL_MS = 2000;
const inviteId = $("join").dataset.inviteId;
const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));
await loadCatalog();

class Stop extends Error {}

// "Clear this device when the session closes": kept once the dialogue is known, from the start
// of its log (this device has seen no close yet).
let joiningDialogue = null;
let ephemeralTouched = false;
const ephemeralBox = $("join-ephemeral");
async function keepEphemeralChoice() {
  if (!joiningDialogue || !(ephemeralBox.checked || ephemeralTouched)) return;
  await markEphemeral(joiningDialogue, ephemeralBox.checked, { since: 0 }).catch(() => undefined);
}
ephemeralBox.addEventListener("change", () => {
  ephemeralTouched = true;
  keepEphemeralChoice();
});

/** A device that already joined this dialogue signs in again instead of knocking twice. */
async function alreadyMember(dialogueId) {
  const keys = await getDialogueKeys(dialogueId);
  if (!keys?.member || !keys.memberHandle) return false;
  try {
    await signInDevice(dialogueId);
    return true;
  } catch {
    return false;
  }
}

async function knock() {
  if (!fragment) throw new Stop(_("This invitation link is incomplete. Open the whole link you were given."));
  let parsed;
  try {
    parsed = td2.parseInviteFragment(fragment);
  } catch {
    throw new Stop(_("This invitation link is incomplete. Open the whole link you were given."));
  }
  const invitation = await api.get(`/invitations/${inviteId}`);
  if (await alreadyMember(invitation.dialogue_id)) return { dialogueId: invitation.dialogue_id, signedIn: true };
  if (invitation.status !== "open" || invitation.team_seat) {
    throw new Stop(_("This invitation is not valid: it may have expired, been revoked or been used already. Ask the person who invited you for a new one."));
  }
  const member = await createMemberKey(invitation.dialogue_id, { replace: true });
  const proof = await td2.joinProof(parsed.inviteSecret, member.publicRaw);
  const answer = await api.post(`/invitations/${inviteId}/knocks`, {
    x25519_public: td2.b64uEncode(member.publicRaw),
    proof: td2.b64uEncode(proof),
  });
  await setMemberHandle(invitation.dialogue_id, td2.b64uDecode(answer.handle, 16));
  await store.save(store.keys.anchor(invitation.dialogue_id), { fingerprint: parsed.stewardFingerprint, source: "invite" });
  const pending = { knockId: answer.knock_id, dialogueId: invitation.dialogue_id, stewardFingerprint: parsed.stewardFingerprint };
  await store.save(store.keys.pendingJoin(inviteId), pending);
  return pending;
}

async function decision(knockId) {
  for (;;) {
    try {
      const state = await api.get(`/knocks/${knockId}`);
      if (state.status !== "pending") return state.status;
    } catch (error) {
      if (error.status === 404) return "refused";
    }
    await sleep(POLL_MS);
  }
}

async function run() {
  const pending = (await store.load(store.keys.pendingJoin(inviteId))) ?? (await knock());
  joiningDialogue = pending.dialogueId;
  if (ephemeralBox.checked) await keepEphemeralChoice();
  if (!pending.signedIn) {
    const keys = await getDialogueKeys(pending.dialogueId);
    if (!keys?.member) throw new Stop(_("This device no longer holds the key it made. Open the invitation link again."));
    $("my-fingerprint").textContent = keys.member.fingerprint;
    $("steward-fingerprint").textContent = pending.stewardFingerprint;
    $("join-compare").hidden = false;
    say($("join-status"), _("Waiting for the facilitator to compare the code and let you in…"));
    const outcome = await decision(pending.knockId);
    await store.forget(store.keys.pendingJoin(inviteId));
    if (outcome !== "approved") {
      await deleteDialogueKeys(pending.dialogueId);
      await store.forget(store.keys.anchor(pending.dialogueId));
      await markEphemeral(pending.dialogueId, false).catch(() => undefined);
      throw new Stop(_("The facilitator did not let this device in. The key made for it has been deleted."));
    }
    say($("join-status"), _("You are in. Opening the dialogue…"));
    announce(_("You are in. Opening the dialogue…"));
    await signInDevice(pending.dialogueId);
  }
  await keepEphemeralChoice();
  window.location.replace(`/p/${pending.dialogueId}`);
}

try {
  await run();
} catch (error) {
  $("join-compare").hidden = true;
  say($("join-status"), "");
  const message = error instanceof Stop ? error.message : error.userMessage ?? _("Something went wrong on this device.");
  say($("join-error"), message, "error");
}
