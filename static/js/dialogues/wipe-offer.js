// A participant's device told it was removed from a dialogue still holds that dialogue's keys
// and the sealed messages it received. Where the removal is announced, it is offered the same
// "leave and wipe" as on the participant's home page, so the person need not go looking for it
// (a phone that may be searched at a checkpoint should not keep them a minute longer).

import { _ } from "../i18n.js";
import { wipeDevice } from "./device.js";
import { h, say } from "./ui.js";

/** Appends the wipe button and its result line to `container` (the removal notice). */
export function offerWipe(container) {
  const status = h("p", { id: "wipe-status", role: "status", hidden: true });
  const button = h("button", { type: "button", id: "wipe", class: "danger", text: _("Leave and wipe this device") });
  button.addEventListener("click", async () => {
    if (!window.confirm(_("Leave this dialogue on this device and delete its keys? You will need a new invitation to come back."))) return;
    button.disabled = true;
    await wipeDevice();
    button.hidden = true;
    status.hidden = false;
    say(status, _("This device has left the dialogue and holds no key any more."));
  });
  container.append(h("p", {}, button), status);
}
