import { addDays, daysBetween } from './dates.ts';

/** Days start..end (dates YYYY-MM-DD), inclusive. */
export interface DaySpan {
  start: string;
  end: string;
}

/** Who holds a day. */
const FREE = 0;
/** Read (or being read) by the synchronous lane. */
const SYNC = 1;
/** In a report task still running: the synchronous lane may still take it from below. */
const TASK = 2;
/** Delivered by a finished task. */
const OWNED = 3;

/**
 * One advertiser's range as its two lanes share it. The synchronous lane reads from the first day up, report
 * tasks take days from the top down, so they meet in the middle. The synchronous lane never idles: when it
 * reaches the days of a task still running it reads them too, and the task, once finished, delivers only the
 * days nobody read meanwhile (a stalled or slow task costs no wall time, only its few requests). The checkpoint
 * may only cover a finished prefix: a later span done first waits until every day before it is done too.
 */
export class BackfillSpans {
  private readonly first: string;
  private readonly holder: Uint8Array;
  private readonly finished: Uint8Array;
  private prefix = -1;
  /** Spans of tasks still running (a window given back inside one returns to the task, not to the free days). */
  private readonly running: [number, number][] = [];

  constructor(start: string, end: string) {
    this.first = start;
    const days = start <= end ? daysBetween(start, end) + 1 : 0;
    this.holder = new Uint8Array(days);
    this.finished = new Uint8Array(days);
  }

  /** Days whose rows were all emitted. */
  get finishedDays(): number {
    let n = 0;
    for (const f of this.finished) n += f;
    return n;
  }

  /** Days no lane holds yet. */
  get freeDays(): number {
    let n = 0;
    for (const h of this.holder) if (h === FREE) n++;
    return n;
  }

  /**
   * Where the synchronous lane reads next: from the lowest day no finished lane holds, up through free days and
   * days of tasks still running. Undefined when nothing is left for it.
   */
  nextForSync(): DaySpan | undefined {
    let lo = 0;
    while (lo < this.holder.length && !this.syncMayRead(lo)) lo++;
    if (lo >= this.holder.length) return undefined;
    let hi = lo;
    while (hi + 1 < this.holder.length && this.syncMayRead(hi + 1)) hi++;
    return this.span(lo, hi);
  }

  /** The synchronous lane took these days (a window cut from nextForSync()). */
  takeForSync(span: DaySpan): void {
    this.mark(span, () => SYNC);
  }

  /** The top `days` days of the highest free stretch (fewer if it is shorter), for a report task. */
  takeForTask(days: number): DaySpan | undefined {
    let hi = this.holder.length - 1;
    while (hi >= 0 && this.holder[hi] !== FREE) hi--;
    if (hi < 0 || days <= 0) return undefined;
    let lo = hi;
    while (lo - 1 >= 0 && hi - (lo - 1) < days && this.holder[lo - 1] === FREE) lo--;
    const span = this.span(lo, hi);
    this.mark(span, () => TASK);
    this.running.push([lo, hi]);
    return span;
  }

  /**
   * The task finished: it delivers its days the synchronous lane did not take meanwhile. Returns whether a day
   * (YYYY-MM-DD) is the task's to deliver.
   */
  taskDelivers(span: DaySpan): (day: string) => boolean {
    this.stopped(span);
    this.mark(span, (h) => (h === TASK ? OWNED : h));
    return (day) => {
      const i = daysBetween(this.first, day);
      return i >= 0 && i < this.holder.length && this.holder[i] === OWNED && this.inside(span, i);
    };
  }

  /** Whether a running task's span still has days only it would deliver (else the task is not needed). */
  taskStillNeeded(span: DaySpan): boolean {
    const [lo, hi] = this.indices(span);
    for (let i = lo; i <= hi; i++) if (this.holder[i] === TASK) return true;
    return false;
  }

  /** A window TikTok found too large, or a task that failed: its days not read meanwhile are free again. */
  giveBack(span: DaySpan, from: 'sync' | 'task'): void {
    if (from === 'task') {
      this.stopped(span);
      this.mark(span, (h) => (h === TASK ? FREE : h));
      return;
    }
    this.mark(span, (h, i) => (h !== SYNC ? h : this.running.some(([a, b]) => i >= a && i <= b) ? TASK : FREE));
  }

  /**
   * Every row of these days was emitted (for a task: of the days it delivered). Returns the last day of the
   * finished prefix when it grew (the new checkpoint), else undefined.
   */
  finish(span: DaySpan, from: 'sync' | 'task'): string | undefined {
    const held = from === 'sync' ? SYNC : OWNED;
    const [lo, hi] = this.indices(span);
    for (let i = lo; i <= hi; i++) if (this.holder[i] === held) this.finished[i] = 1;
    const before = this.prefix;
    while (this.prefix + 1 < this.finished.length && this.finished[this.prefix + 1] === 1) this.prefix++;
    return this.prefix > before ? addDays(this.first, this.prefix) : undefined;
  }

  private syncMayRead(i: number): boolean {
    return this.holder[i] === FREE || this.holder[i] === TASK;
  }

  private mark(span: DaySpan, next: (holder: number, index: number) => number): void {
    const [lo, hi] = this.indices(span);
    for (let i = lo; i <= hi; i++) this.holder[i] = next(this.holder[i]!, i);
  }

  private stopped(span: DaySpan): void {
    const [lo, hi] = this.indices(span);
    const at = this.running.findIndex(([a, b]) => a === lo && b === hi);
    if (at >= 0) this.running.splice(at, 1);
  }

  private inside(span: DaySpan, i: number): boolean {
    const [lo, hi] = this.indices(span);
    return i >= lo && i <= hi;
  }

  private span(lo: number, hi: number): DaySpan {
    return { start: addDays(this.first, lo), end: addDays(this.first, hi) };
  }

  private indices(span: DaySpan): [number, number] {
    return [daysBetween(this.first, span.start), daysBetween(this.first, span.end)];
  }
}
