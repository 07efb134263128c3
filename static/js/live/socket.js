// The live connection: Socket.IO over the websocket transport only, authenticated by the session
// cookie (team account or participant device). On every (re)connection it sends `join_dialogue`
// with `latest` above the last `seq` held: the newest page first (a screenful), so the present
// is shown at once; what lies between that page and what is held is a hole of `history` (history.js),
// fetched afterwards page by page going back (`pageBack`). Then it pages forward with
// `catch_up` until `more` is false (a message stored while the server was answering the join
// reaches neither the page nor the room). Envelopes go to `onEnvelopes` in arrival order; the
// room drops any `seq` it already holds.
//
// Network drops: Socket.IO reconnects by itself; when the browser reports it is offline, the
// connection is closed at once (a dead websocket can look open for a minute) and reopened when
// the browser is back online. `membership_revoked` stops everything; nothing is wiped.

import { io } from "../../vendor/socket.io.js";

const ACK_TIMEOUT_MS = 15_000;
// The join's newest page: a screenful, so the present comes at once; later pages are full size.
const FIRST_PAGE = 50;

/** A refused event: `code` is the server's `error_occurred` code ("network" when no answer). */
export class LiveError extends Error {
  constructor(code, params = {}) {
    super(code);
    this.name = "LiveError";
    this.code = code;
    this.params = params;
  }
}

export class LiveSocket {
  // The options the constructor copies in (described there).
  /** @type {string} */ dialogueId;
  /** @type {number | undefined} */ pageSize;
  /** @type {() => number} */ lastSeq;
  /** @type {() => import("./history.js").History} */ historyOf;
  /** @type {(envelopes: object[]) => Promise<void>} */ onEnvelopes;
  /** @type {(state: string) => void} */ onStatus;
  /** @type {() => void} */ onSynced;
  /** @type {() => void} */ onHistory;
  /** @type {(reason: string) => void} */ onStopped;
  /** @type {(error: LiveError) => void} */ onError;
  /** @type {() => Promise<string | null>} */ reauthenticate;

  /**
   * @param {object} options
   * @param {string} options.dialogueId
   * @param {number} [options.pageSize] envelopes per page of history (at most 500)
   * @param {() => number} options.lastSeq the highest `seq` held now
   * @param {() => import("./history.js").History} options.historyOf the ranges not fetched yet,
   *   asked each time: the room sets them once it has read what the device holds
   * @param {(envelopes: object[]) => Promise<void>} options.onEnvelopes
   * @param {(state: string) => void} options.onStatus "connecting" | "catching_up" | "live" | "offline" | "stopped"
   * @param {() => void} options.onSynced after each completed catch-up
   * @param {() => void} options.onHistory after `history` changed
   * @param {(reason: string) => void} options.onStopped "removed" (this member) or "signed_out"
   * @param {(error: LiveError) => void} options.onError an `error_occurred` not tied to a request
   * @param {() => Promise<string | null>} options.reauthenticate after a refused handshake or a
   *   refused join: null to try again, or why to stop ("removed", "signed_out")
   */
  constructor(options) {
    Object.assign(this, options);
    this.socket = null;
    this.stopped = false;
    /** @type {Map<string, Promise<unknown>>} lane -> its last request */
    this.lanes = new Map();
    /** @type {Map<string, LiveError | null>} event waiting for its answer -> the error it got */
    this.waiting = new Map();
    this.generation = 0;
  }

  get history() {
    return this.historyOf();
  }

  get connected() {
    return Boolean(this.socket?.connected);
  }

  /** Connects now; joins once `ready` resolves (the room open and able to take envelopes). */
  start(ready = Promise.resolve()) {
    const socket = io({
      transports: ["websocket"],
      withCredentials: true,
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket = socket;
    socket.on("connect", () => {
      ready.then(() => this.connected && !this.stopped && this.sync(), () => undefined);
    });
    socket.on("disconnect", (reason) => this.dropped(reason));
    socket.on("connect_error", () => this.refused());
    socket.on("message_posted", (env) => this.onEnvelopes([env]));
    socket.on("membership_revoked", (payload) => {
      if (payload?.dialogue_id === this.dialogueId) this.stopWith("removed");
    });
    socket.on("error_occurred", (payload) => {
      const error = new LiveError(String(payload?.error ?? "internal_error"), payload?.params ?? {});
      const event = typeof payload?.event === "string" ? payload.event : null;
      if (event !== null && this.waiting.has(event)) this.waiting.set(event, error);
      else this.onError(error);
    });
    window.addEventListener("offline", () => {
      if (this.stopped || !socket.active) return;
      socket.disconnect(); // reopened on "online"
      this.onStatus("offline");
    });
    window.addEventListener("online", () => {
      if (!this.stopped && !socket.connected) socket.connect();
    });
    this.onStatus(navigator.onLine ? "connecting" : "offline");
    if (navigator.onLine) socket.connect();
  }

  stop() {
    this.stopped = true;
    this.socket?.disconnect();
    this.onStatus("stopped");
  }

  stopWith(reason) {
    if (this.stopped) return;
    this.stop();
    this.onStopped(reason);
  }

  dropped(reason) {
    this.generation += 1;
    if (this.stopped) return;
    this.onStatus("offline");
    // The server closed this connection (a removal, or a lapsed session): Socket.IO does not
    // retry those by itself.
    if (reason === "io server disconnect") this.refused();
  }

  async refused() {
    if (this.stopped || this.socket.active) return; // Socket.IO is still retrying by itself
    this.onStatus("offline");
    let reason = null;
    try {
      reason = await this.reauthenticate();
    } catch {
      // offline, or the server is down: try again a little later
      await new Promise((resolve) => window.setTimeout(resolve, 3000));
    }
    if (reason) this.stopWith(reason);
    else if (!this.stopped && !this.socket.connected) this.socket.connect();
  }

  /**
   * One acknowledged event at a time per lane, so an `error_occurred` (which names its event)
   * belongs to the request waiting for that event's answer. Sending has a lane of its own: a
   * message never waits behind a page of older history on a slow network. Rejects with
   * LiveError (the server's code, or "network").
   */
  request(event, payload) {
    const lane = event === "send_message" ? "send" : "history";
    const run = async () => {
      if (!this.socket?.connected) throw new LiveError("network");
      this.waiting.set(event, null);
      let answer;
      let error;
      try {
        answer = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
      } catch {
        throw new LiveError("network");
      } finally {
        error = this.waiting.get(event);
        this.waiting.delete(event);
      }
      if (answer === undefined || answer === null) throw error ?? new LiveError("internal_error");
      return answer;
    };
    const result = (this.lanes.get(lane) ?? Promise.resolve()).then(run, run);
    this.lanes.set(lane, result.catch(() => undefined));
    return result;
  }

  /** One page: `bounds` are `after_seq` and `before_seq` or `latest`; its envelopes go through
   * `onEnvelopes`. Resolves with the page's seqs and `more`. */
  async page(event, bounds, limit = this.pageSize) {
    const payload = { dialogue_id: this.dialogueId, ...bounds };
    if (limit && limit < 500) payload.limit = limit;
    const page = await this.request(event, payload);
    const messages = Array.isArray(page.messages) ? page.messages : [];
    await this.onEnvelopes(messages);
    return { seqs: messages.map((m) => m.seq).filter(Number.isInteger), more: Boolean(page.more) };
  }

  /** Fetches every live envelope after `afterSeq`, page by page, through `onEnvelopes`. */
  async pageFrom(event, afterSeq) {
    let cursor = afterSeq;
    for (;;) {
      const { seqs, more } = await this.page(event, { after_seq: cursor });
      if (seqs.length) cursor = Math.max(cursor, ...seqs);
      if (!more) return cursor;
    }
  }

  /** Fetches the newest page of the hole nearest the present; false when there is none. */
  async pageBack() {
    const hole = this.history.next();
    if (!hole || !this.connected) return false;
    const { seqs, more } = await this.page("catch_up", { after_seq: hole.after, before_seq: hole.before });
    this.history.paged(hole, seqs, more);
    this.onHistory();
    return true;
  }

  /** Joins (or rejoins) the room at its newest page, then pages forward to the present. */
  async sync() {
    const generation = this.generation;
    this.onStatus("catching_up");
    try {
      const after = this.history.joinFrom(this.lastSeq());
      const first = Math.min(this.pageSize || 500, FIRST_PAGE);
      const { seqs, more } = await this.page("join_dialogue", { after_seq: after, latest: true }, first);
      this.history.joined(after, seqs, more);
      this.onHistory();
      await this.pageFrom("catch_up", Math.max(after, ...seqs));
      if (generation !== this.generation || this.stopped) return;
      this.onStatus("live");
      this.onSynced();
    } catch (error) {
      if (error.code === "dialogue_not_found" || error.code === "not_authenticated") {
        const reason = await this.reauthenticate().catch(() => null);
        if (reason) return this.stopWith(reason);
      }
      if (generation === this.generation && !this.stopped) {
        this.onError(error);
        window.setTimeout(() => generation === this.generation && this.connected && this.sync(), 2000);
      }
    }
  }

  /** Asks again for everything between `afterSeq` and `beforeSeq` (exclusive: around a seq named
   * by a `last_seq_seen` and not held), going back page by page. */
  async fill(afterSeq, beforeSeq) {
    this.onStatus("catching_up");
    try {
      let before = beforeSeq;
      for (;;) {
        const { seqs, more } = await this.page("catch_up", { after_seq: afterSeq, before_seq: before });
        if (!more || !seqs.length) break;
        before = Math.min(...seqs);
      }
    } finally {
      if (!this.stopped) this.onStatus(this.connected ? "live" : "offline");
    }
  }

  /** Sends a sealed envelope; resolves with `{seq, message_id}` once stored. */
  send(envelope) {
    return this.request("send_message", { dialogue_id: this.dialogueId, envelope });
  }
}
