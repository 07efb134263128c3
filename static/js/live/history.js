// Which parts of the live log this device has asked the server for. A device joins at the newest
// page (the present first) and fetches older pages afterwards, so what it holds can have holes:
// ranges of `seq` (exclusive bounds) the server may hold envelopes in that this device has not
// fetched yet. Seqs are shared by every kind of envelope and channel, so "held" can only be known
// from what was asked for, never from consecutive numbers.
//
// Until the first join, everything above the saved contiguous log is unknown: one open hole
// (`before` is Infinity), which the join closes.

export class History {
  /** @param {number} through every envelope up to this `seq` is held (the saved log) */
  constructor(through = 0) {
    /** @type {{after: number, before: number}[]} */
    this.holes = [{ after: through, before: Infinity }];
  }

  /** True while the server holds envelopes in a range this device has not fetched yet. */
  get hasOlder() {
    return this.holes.some((hole) => hole.before !== Infinity);
  }

  /** True when `seq` lies in a range not fetched yet: nothing can be said of it. */
  unfetched(seq) {
    return this.holes.some((hole) => hole.after < seq && seq < hole.before);
  }

  /** Everything up to this `seq` is held (`newest`: the highest held, when there is no hole). */
  through(newest) {
    return this.holes.length ? Math.min(...this.holes.map((hole) => hole.after)) : newest;
  }

  /** Where a join starts: above the saved log on the first one, else above the newest held. */
  joinFrom(newest) {
    return this.holes.find((hole) => hole.before === Infinity)?.after ?? newest;
  }

  /** The join's page (the newest envelopes above `after`, `more` when older ones of that range
   * wait) came in: what lies between `after` and the page is a hole. */
  joined(after, seqs, more) {
    this.holes = this.holes.filter((hole) => hole.before !== Infinity);
    if (more && seqs.length) this.holes.push({ after, before: Math.min(...seqs) });
  }

  /** The next range to fetch going back: the newest hole (nearest the present). */
  next() {
    let best = null;
    for (const hole of this.holes) {
      if (hole.before !== Infinity && (!best || hole.before > best.before)) best = hole;
    }
    return best;
  }

  /** A page back of `hole` came in: the newest envelopes of it, `more` when older ones wait. */
  paged(hole, seqs, more) {
    if (more && seqs.length) hole.before = Math.min(hole.before, ...seqs);
    else this.holes = this.holes.filter((other) => other !== hole);
  }
}
