// /dialogues/new: the convener's browser makes the dialogue id, its handle, its X25519 member key
// and Ed25519 steward key (non-extractable, in the keystore), the genesis epoch secret, record,
// signature and wrap; the server gets ciphertext and public values only. Then the `dialogue`
// document and the convener's own `person` document are sealed and posted.

import "../secure-context.js";
import { _, loadCatalog } from "../i18n.js";
import {
  GENESIS_PREV_HASH,
  b64uEncode,
  buildEpochRecord,
  randomId,
  randomSecret,
  recordHash,
  rosterHash,
  signEpochRecord,
  wrapEpochSecret,
} from "../td2/index.js";
import { createMemberKey, createStewardKey, deleteDialogueKeys, setMemberHandle } from "../keystore.js";
import * as api from "./api.js";
import { openDialogue, teamWraps, writeMeta } from "./crypto-state.js";
import { RULES, TRACKS, newDocId, parseLanguages } from "./docs.js";
import { describe, languageName, ruleLabel, trackLabel } from "./labels.js";
import { timeZones, viewerTimeZone, zoneChoiceLabel } from "./time.js";
import { $, busy, options, readTexts, say, textInputs } from "./ui.js";

await loadCatalog();

const form = $("new-dialogue");
const titleLabel = (tag) => _("Title in %(language)s", { language: languageName(tag) });

// The working languages in the order they were chosen (the first is the dialogue's first
// language): ticked boxes of the interface's languages, then tags typed for others.
const ticked = [...form.querySelectorAll("#language-boxes input:checked")].map((box) => box.value);

function chosenLanguages() {
  return [...new Set([...ticked, ...parseLanguages($("languages-other").value)])];
}

function renderTitleInputs() {
  const values = readTexts($("title-fields"));
  textInputs($("title-fields"), chosenLanguages(), values, { name: "title", label: titleLabel });
}

$("language-boxes").addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement)) return;
  const at = ticked.indexOf(box.value);
  if (box.checked && at < 0) ticked.push(box.value);
  if (!box.checked && at >= 0) ticked.splice(at, 1);
  renderTitleInputs();
});

options($("timezone"), timeZones().map((zone) => [zone, zoneChoiceLabel(zone)]), viewerTimeZone());
options($("track"), TRACKS.map((code) => [code, trackLabel(code)]), "II");
options($("confidentiality"), RULES.map((code) => [code, ruleLabel(code)]), "chatham_house");
renderTitleInputs();
$("languages-other").addEventListener("input", renderTitleInputs);

/** Makes the keys and the signed genesis epoch, and registers the dialogue. */
async function createDialogue() {
  const dialogueId = randomId();
  const handle = randomId();
  const id = b64uEncode(dialogueId);
  const member = await createMemberKey(id);
  try {
    const steward = await createStewardKey(id);
    await setMemberHandle(id, handle);
    const roster = [{ handle, x25519Public: member.publicRaw, role: "convener" }];
    const record = buildEpochRecord(dialogueId, 0, GENESIS_PREV_HASH, await rosterHash(roster), handle, Date.now());
    const signature = await signEpochRecord(steward.privateKey, record);
    const secret = randomSecret();
    const hash = await recordHash(record);
    const wrap = await wrapEpochSecret(member.publicRaw, dialogueId, 0, handle, hash, secret);
    secret.fill(0);
    const team = await teamWraps(roster, dialogueId, 0, hash);
    const entry = { handle: b64uEncode(handle), x25519_public: b64uEncode(member.publicRaw), role: "convener" };
    await api.post("/dialogues", {
      dialogue_id: id,
      member: { handle: entry.handle, x25519_public: entry.x25519_public, ed25519_public: b64uEncode(steward.publicRaw) },
      genesis: {
        epoch: 0, record: b64uEncode(record), signature: b64uEncode(signature),
        roster: [entry], wraps: [{ handle: entry.handle, wrap: b64uEncode(wrap) }], team_wraps: team,
      },
    });
    return id;
  } catch (error) {
    await deleteDialogueKeys(id);
    throw error;
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = $("form-status");
  say(status, "");
  const languages = chosenLanguages();
  const title = readTexts($("title-fields"));
  if (!languages.length) return say(status, _("Name at least one working language."), "error");
  if (!Object.keys(title).length) return say(status, _("Give the dialogue a title."), "error");
  await busy(form, async () => {
    try {
      say(status, _("Making this dialogue's keys on this device…"));
      const id = await createDialogue();
      const state = await openDialogue(id);
      await writeMeta(state, {
        type: "dialogue", id: newDocId(), title, languages, timezone: $("timezone").value,
        track: $("track").value, confidentiality_default: $("confidentiality").value,
        participant_devices: $("ephemeral-policy").checked ? "ephemeral" : "keep",
      });
      await writeMeta(state, {
        type: "person", id: newDocId(), handle: state.handle,
        display_name: $("display-name").value.trim(), role: "convener",
      });
      window.location.assign(`/dialogues/${id}`);
    } catch (error) {
      say(status, describe(error), "error");
    }
  });
});
