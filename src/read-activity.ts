// What a read knows about its own plan and what it waits on, for the progress display of the same process. These are
// not Airbyte messages: stdout stays the protocol (the source sends the estimate from here as an ESTIMATE trace) and
// the display reads the rest in-process.

/** One advertiser's dated range of a stream: its days, and what the finished windows covered. */
interface AdvertiserWork {
  days: number;
  daysDone: number;
  rows: number;
}

/**
 * A stream's planned work: per advertiser the days to read, and the rows of the days read so far. The expected total
 * is the rows read plus, for every day left, the rows per day learnt so far (the advertiser's own, else the
 * stream's), and advertisers not yet begun count like the average one begun: so it converges as windows finish
 * instead of growing as advertisers start.
 */
export class StreamPlan {
  private readonly now: () => number;
  private readonly advertisers = new Map<string, AdvertiserWork>();
  private expectedAdvertisers = 0;
  /** When windows finished and the rows they held, for the pace (rows finished after the first, over the time since). */
  private firstFinishAt: number | undefined;
  private lastFinishAt: number | undefined;
  private rowsSinceFirst = 0;
  /** Report tasks created and not yet downloaded. */
  tasksProcessing = 0;

  constructor(now: () => number) {
    this.now = now;
  }

  /** How many advertisers the stream will read (those not begun yet are counted in the estimate). */
  expect(advertisers: number): void {
    this.expectedAdvertisers = advertisers;
  }

  /** An advertiser's range is known: `days` days to read. */
  begin(advertiserId: string, days: number): void {
    this.advertisers.set(advertiserId, { days, daysDone: 0, rows: 0 });
  }

  /** A window (or a report task) finished: `days` more days of the advertiser are read, holding `rows` rows. */
  finished(advertiserId: string, days: number, rows: number): void {
    const work = this.advertisers.get(advertiserId);
    if (!work) return;
    const at = this.now();
    work.daysDone = Math.min(work.days, work.daysDone + days);
    work.rows += rows;
    if (this.firstFinishAt === undefined) this.firstFinishAt = at;
    else this.rowsSinceFirst += rows;
    this.lastFinishAt = at;
  }

  /** Rows of the windows finished. */
  get rowsDone(): number {
    let rows = 0;
    for (const work of this.advertisers.values()) rows += work.rows;
    return rows;
  }

  /** Whether windows are left to read: days of an advertiser begun, or advertisers not begun. */
  get workLeft(): boolean {
    if (this.advertisers.size < this.expectedAdvertisers) return true;
    for (const work of this.advertisers.values()) if (work.daysDone < work.days) return true;
    return false;
  }

  /** The stream's expected rows; undefined until a window has finished (nothing to learn the density from). */
  get estimate(): number | undefined {
    let rows = 0;
    let daysDone = 0;
    let days = 0;
    for (const work of this.advertisers.values()) {
      rows += work.rows;
      daysDone += work.daysDone;
      days += work.days;
    }
    if (daysDone === 0) return rows > 0 ? rows : undefined;
    const streamDensity = rows / daysDone;
    let expected = 0;
    for (const work of this.advertisers.values()) {
      const density = work.daysDone > 0 ? work.rows / work.daysDone : streamDensity;
      expected += work.rows + density * (work.days - work.daysDone);
    }
    const notBegun = Math.max(0, this.expectedAdvertisers - this.advertisers.size);
    if (notBegun > 0 && this.advertisers.size > 0) expected += notBegun * (days / this.advertisers.size) * streamDensity;
    return Math.round(expected);
  }

  /**
   * Seconds until the stream's windows are all read: the rows left at the pace windows have been finishing at
   * (rows finished since the first window, over the time since it finished), less the time since the last one.
   * Undefined until two windows finished a moment apart.
   */
  etaSeconds(): number | undefined {
    const now = this.now();
    const estimate = this.estimate;
    if (estimate === undefined || this.firstFinishAt === undefined || this.lastFinishAt === undefined) return undefined;
    const spanMs = this.lastFinishAt - this.firstFinishAt;
    if (spanMs < MIN_PACE_SPAN_MS || this.rowsSinceFirst <= 0) return undefined;
    const left = Math.max(0, estimate - this.rowsDone);
    const seconds = left / (this.rowsSinceFirst / (spanMs / 1000)) - (now - this.lastFinishAt) / 1000;
    return this.workLeft ? Math.max(0, seconds) : 0;
  }
}

/** Windows finishing closer together than this tell no pace (several advertisers' first windows at once). */
const MIN_PACE_SPAN_MS = 200;

/** The waits a read's client may be in right now, described ("waiting 12 s for TikTok's rate limit"). */
export type WaitNote = () => string | undefined;

export class ReadActivity {
  private readonly plans = new Map<string, StreamPlan>();
  readonly now: () => number;
  private readonly waits: WaitNote;

  constructor(options: { now?: () => number; waits?: WaitNote } = {}) {
    this.now = options.now ?? (() => performance.now());
    this.waits = options.waits ?? (() => undefined);
  }

  /** The stream's plan, made on first use. */
  plan(stream: string): StreamPlan {
    let plan = this.plans.get(stream);
    if (!plan) {
      plan = new StreamPlan(this.now);
      this.plans.set(stream, plan);
    }
    return plan;
  }

  /** The stream's plan if it has one (dated report streams do). */
  planOf(stream: string): StreamPlan | undefined {
    return this.plans.get(stream);
  }

  /** What the stream waits on now, in words: report tasks it has running, and the client's wait for TikTok's limits. */
  waitingOn(stream: string): string | undefined {
    const tasks = this.plans.get(stream)?.tasksProcessing ?? 0;
    const notes = [
      ...(tasks > 0 ? [`${tasks} TikTok report task${tasks === 1 ? '' : 's'} processing`] : []),
      ...[this.waits()].filter((note) => note !== undefined),
    ];
    return notes.length > 0 ? notes.join(', ') : undefined;
  }
}
