// The conveners' device policy in the workspace: "clear every participant's device when a
// session closes". It is a field of the sealed `dialogue` document (`participant_devices`,
// docs/dialogue-content.md), so the server never learns it; participants' devices read it and
// enforce it (ephemeral.js). Team members see it; only conveners change it.

import { _ } from "../i18n.js";
import { writeMeta } from "./crypto-state.js";
import { policyOf } from "./ephemeral.js";
import { $, say } from "./ui.js";


export function setupDevicePolicy(ws) {
  $("policy-ephemeral").addEventListener("change", (event) => {
    const box = event.target;
    const entry = ws.model.dialogue;
    if (!entry) return;
    ws.guard(async () => {
      box.disabled = true;
      try {
        const doc = { ...entry.doc, participant_devices: box.checked ? "ephemeral" : "keep" };
        await writeMeta(ws.state, doc, entry.env.message_id);
        await ws.refresh();
        say($("policy-status"), box.checked
          ? _("Participants' devices will be cleared when a session closes.")
          : _("Participants' devices will keep the dialogue when a session closes."));
      } finally {
        box.disabled = ws.state.role !== "convener";
      }
    });
  });
}

export function renderDevicePolicy(ws) {
  const form = $("device-policy");
  form.hidden = !ws.isTeam || !ws.model.dialogue;
  const box = $("policy-ephemeral");
  box.checked = policyOf(ws.model) === "ephemeral";
  box.disabled = ws.state.role !== "convener";
}
