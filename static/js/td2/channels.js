// Well-known channel ids: derived, so no one has to store or send them. The mirror of
// facilitator/td2/channels.py, checked against the `channel` vector section:
//   channel_id(name, dialogue_id) = SHA-256("td2/v1/channel/" || name || "/" || dialogue_id)[:16]
// The workspace uses `meta`, the live room `live`, the mediator team `team`, the notes `notes`.

import { concat, utf8 } from "./bytes.js";
import { ID_LENGTH } from "./ids.js";

/**
 * @param {string} name the channel's name (`meta`, `live`, `team`, `notes`)
 * @param {Uint8Array} dialogueId 16 bytes
 * @returns {Promise<Uint8Array>} the channel's 16-byte id
 */
export async function channelId(name, dialogueId) {
  const input = concat(utf8(`td2/v1/channel/${name}/`), dialogueId);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", input)).slice(0, ID_LENGTH);
}
