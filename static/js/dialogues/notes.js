// Chatham House notes (docs/notes.md): sealed under the epoch's `note` key in the well-known
// `notes` channel, with the all-zero author handle, so neither the envelope nor the server's
// storage says who wrote or edited a note. An edit is a new envelope replacing the old one (the
// server keeps no older version); the note's `id` stays the same across edits.
//
// Off-the-record notes are the mediator team's alone: the same `note` envelopes, sealed under the
// epoch's team key K_team (docs/protocol.md, "Team channel") in the well-known `team` channel. The
// export's archive key never holds K_team, the server never sends that channel to anyone outside
// the team and leaves it out of the export bundle, and `readNotes` (all a summary reads) never
// asks for it.

import {
  b64uDecode, b64uEncode, buildAad, channelId, isTeamRole, openJson, randomId, sealJson,
} from "../td2/index.js";
import * as api from "./api.js";
import { StateError } from "./crypto-state.js";
import { newestVersions } from "./docs.js";

export const NOTE_KINDS = ["point", "idea", "proposal", "agreement", "disagreement", "question", "action"];
const ZERO_HANDLE = new Uint8Array(16);
const ZERO_TEXT = b64uEncode(ZERO_HANDLE);

async function notesChannel(state) {
  if (!state.notesChannel) {
    state.notesChannel = await channelId("notes", state.idBytes);
    state.notesChannelText = b64uEncode(state.notesChannel);
  }
  return state.notesChannel;
}

function looksLikeNote(value) {
  return (
    typeof value === "object" && value !== null && value.type === "note" &&
    typeof value.id === "string" && typeof value.item === "string" &&
    NOTE_KINDS.includes(value.kind) && typeof value.text === "string"
  );
}

/** Where notes go: the `notes` channel under the `note` subkeys, or (`team`) the team channel
 * under K_team, the mediator team's only. */
async function placeOf(state, team) {
  if (!team) {
    const channel = await notesChannel(state);
    return { channel, channelText: state.notesChannelText, keys: state.noteKeys, team: false };
  }
  if (!state.teamNotes) {
    const channel = await channelId("team", state.idBytes);
    state.teamNotes = { channel, channelText: b64uEncode(channel), keys: state.teamKeys, team: true };
  }
  return state.teamNotes;
}


async function openNote(state, place, env) {
  const entry = { env, note: null, error: null, team: place.team };
  const key = place.keys.get(env.epoch);
  if (env.kind !== "note" || env.channel_id !== place.channelText || env.author_handle !== ZERO_TEXT) {
    entry.error = "misplaced";
  } else if (!key) {
    entry.error = "no_key";
  } else {
    try {
      const aad = buildAad("note", state.idBytes, place.channel, env.epoch, b64uDecode(env.message_id, 16), ZERO_HANDLE);
      const note = await openJson(key, aad, b64uDecode(env.blob));
      if (looksLikeNote(note)) entry.note = note;
      else entry.error = "malformed";
    } catch {
      entry.error = "unreadable";
    }
  }
  return entry;
}

async function readFrom(state, place) {
  const envelopes = await api.get(
    `/dialogues/${state.id}/envelopes?channel=${encodeURIComponent(place.channelText)}`,
  );
  return Promise.all(envelopes.map((env) => openNote(state, place, env)));
}

/** Every current note of the notes channel, opened: [{env, note, error}] in `seq` order. These
 * are the only notes a summary or an export is ever made from. */
export async function readNotes(state) {
  return readFrom(state, await placeOf(state, false));
}

/** Every current off-the-record note of the team channel, opened ({env, note, error, team:
 * true}); none for anyone outside the mediator team, who hold no team key (and are refused). */
export async function readTeamNotes(state) {
  if (!isTeamRole(state.role)) return [];
  return readFrom(state, await placeOf(state, true));
}

/** Seals `note` (without author) under the current epoch; `replaces` makes it an edit. With
 * `team`, an off-the-record note: sealed under K_team in the team channel. */
export async function writeNote(state, note, replaces = null, { team = false } = {}) {
  if (team && !isTeamRole(state.role)) throw new StateError("no_current_key");
  const place = await placeOf(state, team);
  const key = place.keys.get(state.epoch);
  if (!key) throw new StateError("no_current_key");
  const messageId = randomId();
  const aad = buildAad("note", state.idBytes, place.channel, state.epoch, messageId, ZERO_HANDLE);
  const body = {
    kind: "note",
    channel_id: place.channelText,
    message_id: b64uEncode(messageId),
    epoch: state.epoch,
    author_handle: ZERO_TEXT,
    blob: b64uEncode(await sealJson(key, aad, { type: "note", ...note })),
  };
  if (replaces) body.replaces = replaces;
  await api.post(`/dialogues/${state.id}/envelopes`, body);
  return body.message_id;
}

export function deleteNote(state, messageId) {
  return api.del(`/dialogues/${state.id}/envelopes/${encodeURIComponent(messageId)}`);
}

/** The newest version of each note (by `id`), oldest first, and the entries that did not open. */
export function currentNotes(entries) {
  const { newest, errors } = newestVersions(entries, (entry) => (entry.note ? entry.note.id : null));
  const notes = [...newest.values()].sort((a, b) => a.env.seq - b.env.seq);
  return { notes, errors };
}
