// What only a key steward's device does: admit a newcomer or remove a member by cutting a new
// epoch; the current documents travel with it, sealed again under the new epoch, and the
// newcomer's person document now points at their handle.

import { _ } from "../i18n.js";
import { cutEpoch, openDialogue, readMeta, writeMeta } from "./crypto-state.js";
import { newDocId } from "./docs.js";
import * as store from "./store.js";

function withHandle(doc, handle) {
  const { invite_id: _inviteId, ...rest } = doc;
  return { ...rest, handle };
}

/** Admits the device that knocked: a new epoch whose roster adds it, approving the knock. */
export async function approveKnock(ws, knock) {
  const newcomer = { handle: knock.handle, x25519_public: knock.x25519_public, role: knock.role };
  const entries = await readMeta(ws.state);
  const isTheirs = (doc) => doc.type === "person" && doc.invite_id === knock.invite_id;
  await cutEpoch(ws.state, [...ws.state.roster, newcomer], {
    approve: [knock.knock_id],
    stewards: knock.ed25519_public ? [{ handle: knock.handle, ed25519_public: knock.ed25519_public }] : [],
    entries,
    change: (doc) => (isTheirs(doc) ? withHandle(doc, knock.handle) : doc),
  });
  ws.state = await openDialogue(ws.id);
  if (!entries.some((entry) => entry.doc && isTheirs(entry.doc))) {
    await writeMeta(ws.state, {
      type: "person", id: newDocId(), handle: knock.handle, display_name: "", role: knock.role,
    });
  }
  await store.forget(store.keys.inviteSecret(knock.invite_id));
}

/** Removes a member: a new epoch without them. The server then ends their sessions. */
export async function removeMember(ws, handle) {
  if (handle === ws.state.handle) throw new Error(_("You cannot remove yourself."));
  const entries = await readMeta(ws.state);
  await cutEpoch(ws.state, ws.state.roster.filter((entry) => entry.handle !== handle), { entries });
  ws.state = await openDialogue(ws.id);
}
