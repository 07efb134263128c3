// One live room on this device: the verified dialogue, the live channel's keys, every envelope
// held (sealed on disk, opened in memory), the checks every receiver makes, the reducer's state,
// and the outbox that sends this member's messages exactly once, in order (outbox.js).
//
// History comes newest first (socket.js): the present is shown at once, older pages follow in the
// background (`loadOlder`, one page at a time) down to what the device holds. The room's state is
// a replay of the whole log, so until they are all in, `hasOlder` says it may be incomplete.
//
// Checks on each opened message, beyond the AEAD: `last_seq_seen` must be a seq below the
// message's own, and the envelope it names must reach this device (a gap is asked for with
// `catch_up`; one the server never fills is shown as withheld; a seq in older history not
// fetched yet is checked once its page is in); `sender_ctr` must increase per
// author and epoch, and the author's role (from the roster of the message's epoch) must allow
// the message: both are the reducer's (state.js). What fails is an error entry, never content.
//
// The mediator team's devices also hold the team channel (channel.js): its entries are kept
// apart (`teamOrdered`), never replayed into the room's state, checked with counters of their
// own, and accepted only from authors whose role is on the team.

import * as api from "../dialogues/api.js";
import { metaPath, metaPathOf, openDialogue, readMeta, roleAt } from "../dialogues/crypto-state.js";
import { signInDevice } from "../dialogues/device.js";
import { buildModel } from "../dialogues/docs.js";
import { openChannel, openEnvelope } from "./channel.js";
import { Held } from "./held.js";
import { History } from "./history.js";
import { LogWriter, loadLog } from "./log-store.js";
import { Outbox } from "./outbox.js";
import { LiveSocket } from "./socket.js";
import { buildLog, extendLog } from "./room-log.js";
import { jsonInt, replay } from "./state.js";

const POLL_MS = 8000;
const GAP_WAIT_MS = 800;
const OLDER_PAUSE_MS = 50; // between pages of older history: live traffic and drawing go first

export class LiveRoom {
  // The options the constructor copies in (described there).
  /** @type {string} */ dialogueId;
  /** @type {"team" | "device"} */ mode;
  /** @type {boolean} */ readOnly;
  /** @type {number} */ pollMs;
  /** @type {number} */ pageSize;
  /** @type {() => void} */ onChange;
  /** @type {(state: string) => void} */ onStatus;
  /** @type {(reason: string, error?: Error) => void} */ onStopped;
  /** @type {(error: Error) => void} */ onProblem;

  /**
   * @param {object} options
   * @param {string} options.dialogueId
   * @param {"team" | "device"} options.mode how this page signs in
   * @param {boolean} [options.readOnly] the projector: opens and shows, never sends
   * @param {number} [options.pollMs] how often the epoch and the agenda are checked
   * @param {number} [options.pageSize] envelopes per page of history (text-only mode: small)
   * @param {() => void} options.onChange state, entries or documents changed
   * @param {(state: string) => void} options.onStatus connection state
   * @param {(reason: string, error?: Error) => void} options.onStopped "removed" | "signed_out" |
   *   "refused" (the dialogue no longer verifies: `error` is the StateError)
   * @param {(error: Error) => void} options.onProblem a refused request, for the person
   */
  constructor(options) {
    Object.assign(this, { readOnly: false, pollMs: POLL_MS, pageSize: 500 }, options);
    this.state = null;
    this.live = null;
    this.model = null;
    this.held = new Held(); // seq -> {env, content, error, warning}
    this.ordered = []; // held entries of this room's channel, in seq order
    this.teamOrdered = []; // held entries of the team channel (the mediator team only)
    this.room = replay([], {});
    /** @type {import("./room-log.js").Log | null} */
    this.log = null; // what `ordered`, `teamOrdered` and `room` come from
    this.logState = null;
    this.sender = new Outbox(this);
    this.gaps = new Set();
    this.unchecked = new Set(); // seqs whose `last_seq_seen` lies in history not fetched yet
    this.history = new History();
    this.older = null;
    this.chain = Promise.resolve();
    this.status = "connecting";
    this.stopped = false;
  }

  get me() {
    return this.state.handle;
  }

  get role() {
    return this.state.role;
  }

  roles = (handle, epoch) => roleAt(this.state, epoch, handle);

  /** A member's role in the newest verified roster. */
  roleNow(handle) {
    return this.state.roster.find((member) => member.handle === handle)?.role ?? null;
  }

  /** The epoch this member joined in: older envelopes are not readable here, by design. */
  joinedEpoch() {
    return this.state.members.find((member) => member.handle === this.me)?.joined_epoch ?? 0;
  }

  async openState() {
    try {
      return await openDialogue(this.dialogueId);
    } catch (error) {
      if (this.mode !== "device" || !(error instanceof api.ApiError) || error.status !== 401) throw error;
      await signInDevice(this.dialogueId);
      return openDialogue(this.dialogueId);
    }
  }

  /**
   * Opens everything and replays what this device holds, while the socket connects and the
   * dialogue's documents are asked for: on a slow network each of those is a round trip or
   * more that need not wait for the keys. The room is joined once it is open.
   */
  async start() {
    let open;
    const opened = new Promise((resolve, reject) => {
      open = { resolve, reject };
    });
    opened.catch(() => undefined);
    this.opening = opened;
    this.socket = new LiveSocket({
      dialogueId: this.dialogueId,
      pageSize: this.pageSize,
      lastSeq: () => this.lastSeq(),
      historyOf: () => this.history,
      onEnvelopes: (envelopes) => this.receive(envelopes, true),
      onStatus: (status) => this.setStatus(status),
      onSynced: () => this.synced(),
      onHistory: () => this.historyChanged(),
      onStopped: (reason) => this.stop(reason),
      onError: (error) => this.onProblem(error),
      reauthenticate: () => this.reauthenticate(),
    });
    this.socket.start(opened);
    try {
      metaPathOf(this.dialogueId).then(api.prefetch, () => undefined);
      const [state, saved] = await Promise.all([
        this.openState(),
        loadLog(this.dialogueId).catch(() => ({ envelopes: [], lastSeq: 0 })),
      ]);
      this.state = state;
      this.live = await openChannel(this.state, { team: !this.readOnly });
      this.model = buildModel(await readMeta(this.state));
      this.writer = new LogWriter(this.dialogueId);
      this.history = new History(saved.lastSeq);
      await this.receive(saved.envelopes, false);
    } catch (error) {
      open.reject(error);
      this.socket.stop();
      throw error;
    }
    open.resolve();
    this.reserveCounters();
    this.timer = window.setInterval(() => this.poll(), this.pollMs);
  }

  setStatus(status) {
    this.status = status;
    this.onStatus(status);
  }

  /** Forgets everything held in memory and stops, without a word (an ephemeral device being
   * cleared: the page shows its own screen). Waits for a log write in progress to finish. */
  async forget() {
    this.stopped = true;
    window.clearInterval(this.timer);
    window.clearTimeout(this.gapTimer);
    this.socket?.stop();
    await this.writer?.chain.catch(() => undefined);
    await this.chain.catch(() => undefined);
    this.held.clear();
    this.ordered = [];
    this.teamOrdered = [];
    this.log = null;
    this.sender.clear();
    this.gaps.clear();
    this.unchecked.clear();
    this.model = null;
    this.state = null;
    this.live = null;
    this.room = replay([], {});
  }

  stop(reason, error = null) {
    if (this.stopped) return;
    this.stopped = true;
    window.clearInterval(this.timer);
    this.socket?.stop();
    this.onStopped(reason, error);
  }

  /** Why the server refused us: null (try again), "removed" or "signed_out". */
  async reauthenticate() {
    // A handshake refused while the page is still opening waits for it: opening signs a
    // device in when it must, and two sign-ins at once would race.
    await this.opening?.catch(() => undefined);
    try {
      if (this.mode === "device") await signInDevice(this.dialogueId);
      await api.get(`/dialogues/${this.dialogueId}`);
      return null;
    } catch (error) {
      if (error instanceof api.ApiError && error.code === "dialogue_not_found") return "removed";
      if (error instanceof api.ApiError && error.status === 401) {
        return this.mode === "device" ? "removed" : "signed_out";
      }
      throw error;
    }
  }

  /** The highest `seq` held (any live envelope, opened or not): the resume point. */
  lastSeq() {
    return this.held.maxSeq;
  }

  /** The highest `seq` held outside the team channel: what a message to the room says it has
   * seen (people off the team never receive team envelopes, so naming one would look withheld). */
  lastRoomSeq() {
    return this.held.maxRoomSeq;
  }

  /** True when this device holds the team channel (a member of the mediator team). */
  get hasTeam() {
    return Boolean(this.live?.team);
  }

  /** Takes envelopes in, one batch at a time: drop what is held, open, check, replay. */
  receive(envelopes, persist) {
    const work = async () => {
      const fresh = [];
      for (const env of envelopes) {
        if (!env || !Number.isInteger(env.seq) || this.held.has(env.seq)) continue;
        this.held.set(env.seq, null); // reserved: a duplicate in the same batch is dropped too
        fresh.push(env);
      }
      if (!fresh.length) return;
      const opened = await Promise.all(fresh.map((env) => openEnvelope(this.state, this.live, env)));
      for (const entry of opened) this.held.set(entry.env.seq, entry);
      if (persist) this.writer.append(fresh, this.heldThrough());
      if (opened.some((entry) => entry.error === "no_key" && entry.env.epoch > this.state.epoch)) {
        await this.reloadKeys();
      }
      for (const entry of opened) this.check(entry);
      // A batch that follows everything held (the live case) extends the log in place; keys
      // reloaded meanwhile (a new roster) or an entry out of order means computing it again.
      if (this.log && this.logState === this.state && extendLog(this.log, opened)) this.useLog(this.log);
      else this.rebuild();
    };
    this.chain = this.chain.then(work, work);
    return this.chain;
  }

  /** The receiver's checks of `last_seq_seen`; gaps are filled later (a broadcast may be early). */
  check(entry) {
    if (!entry.content) return;
    const seen = jsonInt(entry.content.last_seq_seen);
    if (seen === null || seen < 0 || seen >= entry.env.seq) {
      entry.error = "bad_counter";
      entry.content = null;
      return;
    }
    entry.seen = seen;
    if (seen > 0 && !this.held.has(seen)) {
      if (this.history.unfetched(seen)) {
        this.unchecked.add(entry.env.seq); // older history not fetched yet: not a gap (yet)
        return;
      }
      this.gaps.add(entry.env.seq);
      window.clearTimeout(this.gapTimer);
      this.gapTimer = window.setTimeout(() => this.fillGaps(), GAP_WAIT_MS);
    }
  }

  /** Everything up to this `seq` is held: what the saved log resumes from. */
  heldThrough() {
    return this.history.through(this.lastSeq());
  }

  /** True while older history exists on the server that this device has not fetched. */
  get hasOlder() {
    return this.history.hasOlder;
  }

  /** Fetches the previous page of older history (a no-op when there is none); calls made while
   * one is on its way share it. */
  loadOlder() {
    if (!this.older) {
      const page = async () => {
        if (this.stopped || !this.socket) return;
        await this.socket.pageBack();
      };
      this.older = page().finally(() => {
        this.older = null;
      });
    }
    return this.older;
  }

  /** Older history, page after page, while connected (after the present is in). */
  async fillOlder() {
    if (this.fillingOlder) return;
    this.fillingOlder = true;
    try {
      while (this.hasOlder && !this.stopped && this.socket?.connected && this.status === "live") {
        await this.loadOlder();
        await new Promise((resolve) => window.setTimeout(resolve, OLDER_PAUSE_MS));
      }
    } catch {
      // offline again: resumed after the next catch-up
    } finally {
      this.fillingOlder = false;
    }
  }

  /** A page changed what is known of the log: checks waiting on it complete, the saved log's
   * resume point moves, and the pages learn whether history is complete. */
  historyChanged() {
    for (const seq of this.unchecked) {
      const entry = this.held.get(seq);
      if (!entry?.content || this.history.unfetched(entry.seen)) {
        if (!entry?.content) this.unchecked.delete(seq);
        continue;
      }
      this.unchecked.delete(seq);
      if (!this.held.has(entry.seen)) this.gaps.add(seq);
    }
    if (this.gaps.size && this.status === "live") {
      window.clearTimeout(this.gapTimer);
      this.gapTimer = window.setTimeout(() => this.fillGaps(), GAP_WAIT_MS);
    }
    this.writer?.append([], this.heldThrough());
    if (!this.stopped) this.onStatus(this.status);
  }

  async fillGaps() {
    const missing = () => [...this.gaps].filter((seq) => !this.held.has(this.held.get(seq)?.seen));
    if (!missing().length || !this.socket?.connected) return;
    // Each seq named is asked for again between the held envelopes around it: a page or so.
    const held = [...this.held.keys()].sort((a, b) => a - b);
    const ranges = new Map();
    for (const seen of new Set(missing().map((seq) => this.held.get(seq).seen))) {
      let after = 0;
      let before = seen + 1;
      for (const seq of held) {
        if (seq < seen) after = seq;
        else if (seq > seen) {
          before = seq;
          break;
        }
      }
      ranges.set(`${after}:${before}`, [after, before]);
    }
    try {
      for (const [after, before] of ranges.values()) await this.socket.fill(after, before);
      await this.chain;
    } catch {
      return; // offline again: checked after the next catch-up
    }
    for (const seq of missing()) this.held.get(seq).warning = "withheld";
    this.gaps.clear();
    this.rebuild();
    this.flush();
    this.fillOlder();
  }

  synced() {
    if (this.gaps.size) this.fillGaps();
    this.flush();
    this.fillOlder();
  }

  /** Stores this member's next counters in the current epoch ahead of the first send in it. */
  reserveCounters() {
    if (!this.readOnly) this.sender.reserve();
  }

  /** Re-verifies the dialogue (a new epoch: new keys, new roster), then reopens what did not open. */
  async reloadKeys() {
    this.state = await this.openState();
    this.live = await openChannel(this.state, { team: !this.readOnly });
    this.reserveCounters();
    for (const [seq, entry] of this.held) {
      if (entry?.error === "no_key") this.held.set(seq, await openEnvelope(this.state, this.live, entry.env));
    }
  }

  /** The room's log, state and refusals computed again from everything held (room-log.js). */
  rebuild() {
    this.useLog(buildLog([...this.held.values()], this.roles));
  }

  useLog(log) {
    this.log = log;
    this.logState = this.state; // the roster the log was checked against
    this.ordered = log.ordered;
    this.teamOrdered = log.teamOrdered;
    this.room = log.room;
    this.onChange();
  }

  async poll() {
    if (this.stopped || !navigator.onLine) return;
    try {
      // Both asks are conditional (api.js): while nothing changes, each is a 304 of headers, and
      // the documents are opened again only when their list changed or a new epoch's keys came.
      const info = await api.get(`/dialogues/${this.dialogueId}`);
      const newEpoch = info.current_epoch !== this.state.epoch;
      if (newEpoch) {
        await (this.chain = this.chain.then(() => this.reloadKeys()));
        this.rebuild();
      }
      // The list readMeta asks for (dialogues/meta-watch.js's metaPath); the first poll takes
      // the answer start() opened as the one seen.
      const path = metaPath(this.state);
      this.metaVersion ??= api.versionOf(path);
      if (!newEpoch && (await api.getIfChanged(path, this.metaVersion)) === null) return;
      const entries = await readMeta(this.state);
      this.metaVersion = api.versionOf(path);
      const signature = JSON.stringify([this.state.epoch, entries.map((e) => e.env.message_id)]);
      if (signature !== this.metaSignature) {
        this.metaSignature = signature;
        this.model = buildModel(entries);
        this.onChange();
      }
    } catch (error) {
      if (error?.name === "StateError") this.stop("refused", error);
      else if (error instanceof api.ApiError && error.status !== 0) {
        const reason = await this.reauthenticate().catch(() => null);
        if (reason) this.stop(reason);
      }
    }
  }

  /** Queues a message of this member: `{type, ...fields}`; counters are added when sealed.
   * With `team`, on the team channel (the mediator team only). */
  send(content, { team = false } = {}) {
    if (this.readOnly || this.stopped || (team && !this.hasTeam)) return;
    this.sender.push(content, team);
    // When it can go at once, it is drawn as pending once it has left (flush): drawing first
    // would hold the message back on a slow phone.
    if (!this.flush()) this.onChange();
  }

  /** Starts sending what waits (outbox.js); false when it cannot start now. */
  flush() {
    return this.sender.flush();
  }

  /** This member's messages not yet acknowledged, first to go first. */
  get outbox() {
    return this.sender.items;
  }
}
