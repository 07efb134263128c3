// One request to join as a key steward sees it, wherever it is shown (the workspace's list, the
// notice on the live console and the notes): who was invited, the newcomer's key fingerprint to
// compare with the one on their screen, whether the request carries the invitation's secret kept
// on this device, and the two decisions.

import { _ } from "../i18n.js";
import { b64uDecode, fingerprint, verifyJoinProof } from "../td2/index.js";
import { personFor } from "./docs.js";
import { roleLabel } from "./labels.js";
import * as store from "./store.js";
import { fingerprintView, h, userText } from "./ui.js";

/**
 * Whether the request can be let in from this device: a team seat's knock comes from the signed-in
 * account; a link's knock must prove it holds the invitation's secret, which only the device that
 * made the invitation keeps.
 * @param {any} knock as listed by GET /dialogues/<id>/knocks
 * @param {any} [invitation] the knock's invitation, as listed by GET /dialogues/<id>/invitations
 * @returns {Promise<{ok: boolean, text: string}>}
 */
export async function proofState(knock, invitation) {
  if (invitation?.team_seat) return { ok: true, text: _("Team account, signed in.") };
  const kept = await store.load(store.keys.inviteSecret(knock.invite_id));
  if (!kept) return { ok: false, text: _("The invitation's secret is not on this device: the request cannot be checked here.") };
  try {
    const valid = await verifyJoinProof(kept.secret, b64uDecode(knock.x25519_public, 32), b64uDecode(knock.proof ?? "", 32));
    return valid
      ? { ok: true, text: _("The request carries the invitation's secret.") }
      : { ok: false, text: _("The request does not carry the invitation's secret. Do not let it in.") };
  } catch {
    return { ok: false, text: _("The request does not carry the invitation's secret. Do not let it in.") };
  }
}

/**
 * A request to join as a list item: name (from the invitee's person document, else the role),
 * role, fingerprint, the proof's check in words, "Codes match: let in" (only when the proof holds)
 * and "Refuse".
 * @param {any} knock
 * @param {{model: any, invitation?: any, decide: (approve: boolean, name: string) => void}} options
 * @returns {Promise<HTMLElement>}
 */
export async function knockItem(knock, { model, invitation, decide }) {
  const person = personFor(model, { inviteId: knock.invite_id });
  const name = person?.doc.display_name || roleLabel(knock.role);
  const proof = await proofState(knock, invitation);
  const print = await fingerprint(b64uDecode(knock.x25519_public, 32));
  return h("li", { class: "knock", dataset: { knockId: knock.knock_id } },
    userText("p", name, null, { class: "knock-name" }),
    h("p", { text: roleLabel(knock.role) }),
    h("p", { class: "fingerprint-large" }, fingerprintView(print, { "data-knock-fingerprint": "" })),
    h("p", { class: proof.ok ? "notice" : "error", text: proof.text }),
    h("div", { class: "row" },
      h("button", { type: "button", class: "primary", disabled: !proof.ok, text: _("Codes match: let in"), "aria-label": _("Codes match: let in %(name)s", { name }), onclick: () => decide(true, name) }),
      h("button", { type: "button", text: _("Refuse"), "aria-label": _("Refuse %(name)s", { name }), onclick: () => decide(false, name) })));
}
