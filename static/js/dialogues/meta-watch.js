// Whether the dialogue's meta documents changed since this page last opened them, learnt from a
// conditional GET (api.getIfChanged): a poll that finds the same list is answered with a 304
// and opens nothing again, however many documents the dialogue holds.

import * as api from "./api.js";
import { metaPath } from "./crypto-state.js";

export class MetaWatch {
  /** @param {{id: string, channelText: string}} state whose documents were just opened */
  constructor(state) {
    this.known = api.versionOf(metaPath(state));
  }

  /** Call right after a readMeta the page used: its answer is the one the page holds. */
  seen(state) {
    this.known = api.versionOf(metaPath(state));
  }

  /** True when the server's list differs from the one last seen (or none was seen). */
  async changed(state) {
    return (await api.getIfChanged(metaPath(state), this.known)) !== null;
  }
}
