// The archive key panel of the summary page (docs/export.md, "Archive key" and "Bundle").
//
// A convener either makes the key here — X25519, extractable only long enough to seal it into a
// passphrase-protected key file that is downloaded at once; the passphrase is shown once and the
// private key is dropped — or pastes the public key that `facilitator keys archive-new` printed
// on an offline machine. Registering wraps every epoch secret this device holds to the key
// (`PUT /archive-key`) and announces the key in a sealed `archive_key` document, from which key
// stewards wrap every later epoch to it (crypto-state.js, cutEpoch). The ciphertext bundle is
// downloaded as it is, for `facilitator export --bundle` on the offline machine.

import { _ } from "../i18n.js";
import {
  b64uDecode,
  b64uEncode,
  exportKeyFile,
  fingerprint,
  generateMemberKeyPair,
  generatePassphrase,
  importX25519Public,
  signArchiveKey,
  unwrapEpochSecret,
  wrapEpochSecret,
} from "../td2/index.js";
import * as api from "./api.js";
import { ARCHIVE_HANDLE, StateError, archivePublic, openDialogue, readMeta, writeMeta } from "./crypto-state.js";
import { newDocId } from "./docs.js";
import { describe } from "./labels.js";
import { download } from "./summary-export.js";
import { $, announce, fingerprintView, say } from "./ui.js";


/** The newest `archive_key` document, or null: a new one replaces it, whoever wrote it. */
function newestArchiveDoc(entries) {
  let newest = null;
  for (const entry of entries) {
    if (entry.doc?.type !== "archive_key") continue;
    if (!newest || newest.env.seq < entry.env.seq) newest = entry;
  }
  return newest;
}

/**
 * Wraps every epoch secret this member holds (from its join to the current epoch) to the archive
 * key. Each secret is zeroed as soon as it is wrapped.
 */
async function archiveWraps(state, publicRaw) {
  const joined = state.members.find((m) => m.handle === state.handle)?.joined_epoch ?? 0;
  const mine = new Map((await api.get(`/dialogues/${state.id}/wraps`)).map((w) => [w.epoch, w.wrap]));
  const pair = { privateKey: state.keys.member.privateKey, publicKey: state.keys.member.publicKey };
  const wraps = [];
  for (let epoch = joined; epoch <= state.epoch; epoch += 1) {
    const record = state.records[epoch];
    const wrap = mine.get(epoch);
    if (!record || record.epoch !== epoch || !wrap) {
      throw new Error(_("This device does not hold the key of epoch %(epoch)s, so it cannot be given to the archive key.", { epoch }));
    }
    const secret = await unwrapEpochSecret(pair, state.idBytes, epoch, state.handleBytes, record.recordHash, b64uDecode(wrap));
    try {
      const sealed = await wrapEpochSecret(publicRaw, state.idBytes, epoch, ARCHIVE_HANDLE, record.recordHash, secret);
      wraps.push({ epoch, wrap: b64uEncode(sealed) });
    } finally {
      secret.fill(0);
    }
  }
  return wraps;
}

async function registerOnce(state, publicRaw) {
  const wraps = await archiveWraps(state, publicRaw);
  const result = await api.request("PUT", `/dialogues/${state.id}/archive-key`, {
    x25519_public: b64uEncode(publicRaw),
    wraps,
  });
  const older = newestArchiveDoc(await readMeta(state));
  // Signed with this convener's steward key: only a convener names the archive key.
  const signature = await signArchiveKey(state.keys.steward.privateKey, state.idBytes, publicRaw);
  const doc = {
    type: "archive_key", id: older?.doc.id ?? newDocId(), x25519_public: b64uEncode(publicRaw),
    signer: state.handle, signature: b64uEncode(signature),
  };
  await writeMeta(state, doc, older?.env.message_id ?? null);
  return result;
}

const isStale = (error) =>
  error instanceof api.ApiError &&
  (error.code === "epoch_stale" ||
    (error.code === "epoch_invalid" && error.params.reason === "archive_wraps") ||
    (error.code === "envelope_rejected" && error.params.reason === "epoch"));

/**
 * Registers `publicRaw` as the dialogue's archive key (replacing any earlier one). When someone
 * cut an epoch meanwhile, the keys are reopened and it is tried once more.
 * @returns {Promise<{state: object, result: object}>}
 */
export async function registerArchiveKey(state, publicRaw) {
  if (!state.keys.steward || state.role !== "convener") throw new StateError("archive_key_steward");
  await importX25519Public(publicRaw); // refuses a low-order point before anything is sent
  try {
    return { state, result: await registerOnce(state, publicRaw) };
  } catch (error) {
    if (!isStale(error)) throw error;
    const fresh = await openDialogue(state.id);
    return { state: fresh, result: await registerOnce(fresh, publicRaw) };
  }
}

/** Parses a pasted public key (base64url, 32 bytes), or null. */
export function parsePublic(text) {
  try {
    return b64uDecode(String(text).trim(), 32);
  } catch {
    return null;
  }
}

/**
 * Wires the panel. `page` has `id`, `state` (replaced after a reload) and `entries` (the opened
 * `meta` envelopes) and `reload()`.
 */
export function setupArchivePanel(page) {
  let made = null; // the public half of a key made here, until it is registered
  let offline = null;
  const status = $("archive-status");
  const fileName = `facilitator-archive-${page.id.slice(0, 8)}.key`;

  async function register(publicRaw, button) {
    say(status, "");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const { state } = await registerArchiveKey(page.state, publicRaw);
      page.state = state;
      await page.reload();
      return true;
    } catch (error) {
      say(status, describe(error), "error");
      return false;
    } finally {
      button.removeAttribute("aria-busy");
      button.disabled = false;
    }
  }

  /** Registers the key; once it is, `clear()` puts its form away and the page says so. */
  async function registerThenClear(publicRaw, button, clear) {
    if (!(await register(publicRaw, button))) return;
    clear();
    announce(_("The archive key is registered."));
  }

  $("archive-generate").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    say(status, "");
    button.disabled = true;
    try {
      let pair = await generateMemberKeyPair({ extractable: true });
      let passphrase = generatePassphrase();
      const publicRaw = pair.publicRaw;
      const file = await exportKeyFile(pair.privateKey, passphrase);
      pair = null; // the private key is gone with the last reference to it
      download(fileName, file, "application/json");
      $("archive-passphrase").textContent = passphrase;
      passphrase = null;
      $("archive-made-fingerprint").textContent = await fingerprint(publicRaw);
      $("archive-saved").checked = false;
      $("archive-register-made").disabled = true;
      $("archive-made").hidden = false;
      made = publicRaw;
      announce(_("The key file was downloaded. Write down the passphrase now: it is not shown again."));
    } catch (error) {
      say(status, describe(error), "error");
    } finally {
      button.disabled = false;
    }
  });

  $("archive-saved").addEventListener("change", (event) => {
    $("archive-register-made").disabled = !(event.currentTarget.checked && made);
  });

  $("archive-register-made").addEventListener("click", async (event) => {
    if (!made) return;
    await registerThenClear(made, event.currentTarget, () => {
      made = null;
      $("archive-passphrase").textContent = "";
      $("archive-made").hidden = true;
      $("archive-make").open = false;
    });
  });

  $("archive-public-input").addEventListener("input", async (event) => {
    offline = parsePublic(event.currentTarget.value);
    const check = $("archive-offline-check");
    $("archive-register-offline").disabled = !offline;
    if (!offline) {
      check.hidden = true;
      return;
    }
    const key = offline;
    const print = await fingerprint(key);
    if (key !== offline) return;
    $("archive-offline-fingerprint").textContent = print;
    check.hidden = false;
  });

  $("archive-register-offline").addEventListener("click", async (event) => {
    if (!offline) return;
    await registerThenClear(offline, event.currentTarget, () => {
      offline = null;
      $("archive-public-input").value = "";
      $("archive-offline-check").hidden = true;
      $("archive-register-offline").disabled = true;
      $("archive-offline").open = false;
    });
  });

  $("bundle-download").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    const shown = $("bundle-status");
    say(shown, "");
    button.disabled = true;
    try {
      const bundle = await api.get(`/dialogues/${page.id}/export`);
      const announced = await archivePublic(page.state, page.entries).catch(() => null);
      download(`facilitator-bundle-${page.id.slice(0, 8)}.json`, `${JSON.stringify(bundle)}\n`, "application/json");
      if (announced && bundle.archive?.x25519_public !== b64uEncode(announced)) {
        say(shown, _("Warning: the server names another archive key than the one a convener announced in the dialogue. Do not rely on this bundle; register the key again."), "error");
      } else if (!bundle.archive) {
        say(shown, _("The bundle was downloaded, but no archive key is registered: it cannot be opened until one is."), "error");
      } else {
        say(shown, _("The bundle was downloaded."));
      }
    } catch (error) {
      say(shown, describe(error), "error");
    } finally {
      button.disabled = false;
    }
  });
}

/** Shows the archive key a convener announced in the dialogue, by its fingerprint. */
export async function renderArchiveKey(page) {
  const holder = $("archive-current");
  let key;
  try {
    key = await archivePublic(page.state, page.entries);
  } catch (error) {
    holder.replaceChildren(describe(error));
    return;
  }
  if (!key) {
    holder.replaceChildren(_("No archive key is registered yet. Without one, no export can be made on the command line."));
    return;
  }
  holder.replaceChildren(
    `${_("Registered archive key")}: `,
    fingerprintView(await fingerprint(key), { id: "archive-fingerprint" }),
  );
}
