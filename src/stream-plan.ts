// A stream's planned work as the source learns it while reading: the expected rows, whether windows are left, and how
// long they should take. The source sends the estimate as an ESTIMATE trace; the progress display reads the rest.

/** The days of one finished window or report task, counted from the advertiser's first day (0). */
export interface FinishedSpan {
  /** First and last day of the span. */
  from: number;
  to: number;
  /** Days of it newly read (a task delivers only the days the synchronous lane did not read meanwhile). */
  days: number;
  rows: number;
  /** A synchronous window (its length is what the windows left will be like), or a report task's span. */
  window: boolean;
}

/**
 * The days over which an advertiser's rows per day are averaged, the latest read weighing most (exponentially):
 * accounts grow and shrink over months, and the days left lie next to the latest read (the synchronous lane reads
 * from the oldest day up), so the average of every day read would trail the account all the way.
 */
const DENSITY_MEMORY_DAYS = 60;

/** Windows finishing closer together than this tell no pace (several advertisers' first windows at once). */
const MIN_PACE_SPAN_MS = 200;

/** One advertiser's dated range of a stream: its days, and the rows of the days read so far. */
class AdvertiserWork {
  days: number;
  private readonly windowDays: number;
  private readonly pageSize: number;
  daysDone = 0;
  rows = 0;
  /** Requests the spans read so far took (see workOf). */
  workDone = 0;
  /** Report tasks running: their days' rows come with the task, not from the synchronous lane's requests. */
  readonly tasks = new Set<{ days: number; endsAt: number }>();
  private windows = 0;
  private windowDaysRead = 0;
  /** Rows and days read, each span's weight decaying with the days read after it (DENSITY_MEMORY_DAYS). */
  private recentRows = 0;
  private recentDays = 0;

  constructor(days: number, windowDays: number, pageSize: number) {
    this.days = days;
    this.windowDays = windowDays;
    this.pageSize = pageSize;
  }

  get daysLeft(): number {
    return this.days - this.daysDone;
  }

  /** Rows per day of the latest days read. */
  get density(): number | undefined {
    return this.recentDays > 0 ? this.recentRows / this.recentDays : undefined;
  }

  /** The requests the synchronous lane spends (or would have spent) on a span: its windows' pages. */
  workOf(span: FinishedSpan): number {
    if (span.window) return Math.max(1, Math.ceil(span.rows / this.pageSize));
    return this.requestsFor(span.days, span.rows);
  }

  finished(span: FinishedSpan): void {
    const days = Math.min(span.days, this.daysLeft);
    if (days <= 0 && span.rows === 0) return;
    const length = span.to - span.from + 1;
    this.workDone += this.workOf(span);
    this.daysDone += days;
    this.rows += span.rows;
    if (span.window) {
      this.windows++;
      this.windowDaysRead += length;
    }
    const fade = Math.exp(-days / DENSITY_MEMORY_DAYS);
    this.recentRows = this.recentRows * fade + span.rows;
    this.recentDays = this.recentDays * fade + days;
  }

  /** Rows expected in the days left, at the rows per day of the latest read (or the stream's, before any). */
  rowsLeft(fallbackDensity: number): number {
    return Math.max(0, this.daysLeft) * (this.density ?? fallbackDensity);
  }

  /**
   * Requests the synchronous lane has left: the days left but those in report tasks running (the plan sizes a task to
   * finish when the synchronous lane would reach it), in windows as long as those read so far, each of whole pages.
   */
  workLeft(fallbackDensity: number): number {
    const days = Math.max(0, this.daysLeft - this.daysInTasks());
    return this.daysLeft > 0 ? this.requestsFor(days, this.rowsLeft(fallbackDensity) * (days / this.daysLeft)) : 0;
  }

  /** Days in report tasks running (even one later than planned: its answer may come any moment). */
  daysInTasks(): number {
    let days = 0;
    for (const task of this.tasks) days += task.days;
    return days;
  }

  /** Milliseconds until the last task expected later is ready (0 if none). */
  tasksDueInMs(now: number): number {
    let due = 0;
    for (const task of this.tasks) due = Math.max(due, task.endsAt - now);
    return due;
  }

  private requestsFor(days: number, rows: number): number {
    if (days <= 0) return 0;
    const windowDays = this.windows > 0 ? this.windowDaysRead / this.windows : this.windowDays;
    // Windows are cut greedily from the first day left: a part window left over is one more request.
    const windows = Math.ceil(days / windowDays);
    return windows * Math.max(1, Math.ceil(rows / windows / this.pageSize));
  }
}

/**
 * A stream's planned work: per advertiser the days to read, and what the days read so far held. The expected total
 * is the rows read plus the rows the days left should hold (at the rows per day of the advertiser's latest days read,
 * else of the stream's), and advertisers not yet begun count like the average one begun: so it converges as windows finish instead of
 * growing as advertisers start. The ETA is the work left (requests, the pace a read is bound by) at the pace work
 * has been finishing.
 */
export class StreamPlan {
  private readonly now: () => number;
  private readonly advertisers = new Map<string, AdvertiserWork>();
  private expectedAdvertisers = 0;
  /** When spans finished and the work they held: the pace is the work finished after the first, over the time since. */
  private firstFinishAt: number | undefined;
  private lastFinishAt: number | undefined;
  private workSinceFirst = 0;
  /** Report tasks created and not yet downloaded. */
  tasksProcessing = 0;

  constructor(now: () => number) {
    this.now = now;
  }

  /** How many advertisers the stream will read (those not begun yet are counted in the estimate). */
  expect(advertisers: number): void {
    this.expectedAdvertisers = advertisers;
  }

  /** An advertiser's range is known: `days` days, in windows of up to `windowDays` days and pages of `pageSize` rows. */
  begin(advertiserId: string, days: number, windowDays: number, pageSize: number): void {
    this.advertisers.set(advertiserId, new AdvertiserWork(days, windowDays, pageSize));
  }

  /** A window or a report task of the advertiser finished. */
  finished(advertiserId: string, span: FinishedSpan): void {
    const work = this.advertisers.get(advertiserId);
    if (!work) return;
    const at = this.now();
    const before = work.workDone;
    work.finished(span);
    // The pace is the synchronous lane's: a task's rows come all at once, whenever TikTok has made them.
    if (!span.window) return;
    if (this.firstFinishAt === undefined) this.firstFinishAt = at;
    else this.workSinceFirst += work.workDone - before;
    this.lastFinishAt = at;
  }

  /** The advertiser's reading ended (a skipped advertiser's too): the days it did not read are no longer expected. */
  ended(advertiserId: string): void {
    const work = this.advertisers.get(advertiserId);
    if (work) work.days = work.daysDone;
  }

  /**
   * A report task holds `days` days of the advertiser, expected ready in `expectedMs` (the task lane's cost model),
   * until the answer's release is called.
   */
  holdForTask(advertiserId: string, days: number, expectedMs: number): () => void {
    const work = this.advertisers.get(advertiserId);
    if (!work) return () => undefined;
    const task = { days, endsAt: this.now() + expectedMs };
    work.tasks.add(task);
    return () => work.tasks.delete(task);
  }

  /** Whether windows are left to read: days of an advertiser begun, or advertisers not begun. */
  get workLeft(): boolean {
    if (this.advertisers.size < this.expectedAdvertisers) return true;
    for (const work of this.advertisers.values()) if (work.daysLeft > 0) return true;
    return false;
  }

  /** The stream's expected rows; undefined until a window has finished (nothing to learn the density from). */
  get estimate(): number | undefined {
    const density = this.density();
    if (density === undefined) return undefined;
    let expected = 0;
    for (const work of this.advertisers.values()) expected += work.rows + work.rowsLeft(density);
    return Math.round(expected + this.notBegun() * this.meanDays() * density);
  }

  /**
   * Seconds until the stream's windows are all read: the synchronous lane's requests left at the pace its windows
   * have been finishing, less the time since the last finished. Undefined until windows finished a moment apart.
   */
  etaSeconds(): number | undefined {
    const density = this.density();
    if (density === undefined || this.firstFinishAt === undefined || this.lastFinishAt === undefined) return undefined;
    const spanMs = this.lastFinishAt - this.firstFinishAt;
    if (spanMs < MIN_PACE_SPAN_MS || this.workSinceFirst <= 0) return undefined;
    if (!this.workLeft) return 0;
    const now = this.now();
    let left = 0;
    let whole = 0;
    let tasksDueMs = 0;
    for (const work of this.advertisers.values()) {
      const workLeft = work.workLeft(density);
      left += workLeft;
      whole += work.workDone + workLeft;
      tasksDueMs = Math.max(tasksDueMs, work.tasksDueInMs(now));
    }
    // An advertiser not begun: as much work as the average one begun.
    left += (this.notBegun() * whole) / Math.max(1, this.advertisers.size);
    const seconds = Math.max(left / (this.workSinceFirst / (spanMs / 1000)) - (now - this.lastFinishAt) / 1000, tasksDueMs / 1000);
    // Only report tasks later than planned are left: when they come is TikTok's to say, not a number to make up.
    if (seconds <= 0 && this.tasksRunning()) return undefined;
    return Math.max(0, seconds);
  }

  private tasksRunning(): boolean {
    for (const work of this.advertisers.values()) if (work.tasks.size > 0) return true;
    return false;
  }

  /** The stream's rows per day read so far. */
  private density(): number | undefined {
    let rows = 0;
    let days = 0;
    for (const work of this.advertisers.values()) {
      rows += work.rows;
      days += work.daysDone;
    }
    return days > 0 ? rows / days : undefined;
  }

  private notBegun(): number {
    return Math.max(0, this.expectedAdvertisers - this.advertisers.size);
  }

  private meanDays(): number {
    let days = 0;
    for (const work of this.advertisers.values()) days += work.days;
    return this.advertisers.size > 0 ? days / this.advertisers.size : 0;
  }
}
