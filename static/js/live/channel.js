// The live room's TD2 channel: its derived id, the `msg` subkey of every epoch this device can
// unwrap, and sealing / opening `msg` envelopes. The server relays and orders envelopes; only
// here do they become content. An envelope that does not open is an error, never content.
//
//   channel_id("live") = SHA-256("td2/v1/channel/live/" || dialogue_id)[:16]
//   (the well-known channel derivation of docs/dialogue-content.md)
//
// The mediator team (conveners, facilitators, interpreters, rapporteurs) also holds the team
// backchannel: channel_id("team"), sealed under K_team, derived from each epoch's team secret
// that only they receive (docs/protocol.md, "Team channel"). Other members have no team key and
// the server never sends them that channel's envelopes.

import {
  b64uDecode,
  b64uEncode,
  buildAad,
  channelId,
  openJson,
  randomId,
  sealJson,
  isTeamRole,
} from "../td2/index.js";

/** The sealed plaintext must fit the server's 16 KiB blob limit (64 padding blocks, framed). */
export const MAX_PLAINTEXT_BYTES = 16_000;

/** Derives the live channel id and takes the `msg` subkeys of every epoch this member holds a
 * wrap for, opened with the dialogue (crypto-state.openDialogue, which keeps them on the device);
 * for the mediator team (unless `team` is false: the projector) also the team channel's id and
 * K_team of every epoch. */
export async function openChannel(state, { team: withTeam = true } = {}) {
  const channel = await channelId("live", state.idBytes);
  const keys = new Map(state.msgKeys);
  const team = await channelId("team", state.idBytes);
  const live = { channel, channelText: b64uEncode(channel), keys, team: null };
  if (withTeam && isTeamRole(state.role)) {
    live.team = { channel: team, channelText: b64uEncode(team), keys: new Map(state.teamKeys) };
  }
  return live;
}

/** Which of this room's channels an envelope is on: "live", "team" or null. */
export function channelOf(live, env) {
  if (env.channel_id === live.channelText) return "live";
  if (live.team && env.channel_id === live.team.channelText) return "team";
  return null;
}

/**
 * Opens one envelope: {env, content, error}. `error` is a code: "other_channel" (not this room),
 * "no_key", "unreadable" (altered, or sealed for someone else), "malformed" (not a JSON object).
 */
export async function openEnvelope(state, live, env) {
  const entry = { env, content: null, error: null, channel: channelOf(live, env) };
  if (env.kind !== "msg" || entry.channel === null) {
    entry.error = "other_channel";
    return entry;
  }
  const side = entry.channel === "team" ? live.team : live;
  const key = side.keys.get(env.epoch);
  if (!key) {
    entry.error = "no_key";
    return entry;
  }
  try {
    const aad = buildAad(
      "msg", state.idBytes, side.channel, env.epoch,
      b64uDecode(env.message_id, 16), b64uDecode(env.author_handle, 16),
    );
    const content = await openJson(key, aad, b64uDecode(env.blob));
    if (content !== null && typeof content === "object" && !Array.isArray(content)) entry.content = content;
    else entry.error = "malformed";
  } catch {
    entry.error = "unreadable";
  }
  return entry;
}

/** A sealed envelope of this member under the current epoch (for `send_message`), on the room
 * or, with `team`, on the team channel. */
export async function sealEnvelope(state, live, content, { team = false } = {}) {
  const side = team ? live.team : live;
  const key = side?.keys.get(state.epoch);
  if (!key) throw Object.assign(new Error("no_current_key"), { code: "no_current_key" });
  if (new TextEncoder().encode(JSON.stringify(content)).length > MAX_PLAINTEXT_BYTES) {
    throw Object.assign(new Error("too_long"), { code: "too_long" });
  }
  const messageId = randomId();
  const aad = buildAad("msg", state.idBytes, side.channel, state.epoch, messageId, state.handleBytes);
  return {
    channel_id: side.channelText,
    message_id: b64uEncode(messageId),
    epoch: state.epoch,
    author_handle: state.handle,
    blob: b64uEncode(await sealJson(key, aad, content)),
  };
}
