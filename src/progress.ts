// Progress for people watching a read or a sync: per stream the rows done of the expected total, the percentage, an
// ETA and what the stream waits on. Never on stdout, which carries the Airbyte protocol. The expected total is the
// source's ESTIMATE traces, or, in the source's own process, its plan itself (read-activity.ts), which also knows
// whether windows are left, the pace they finish at, and the waits.

import type { AirbyteMessage } from './protocol/types.ts';
import { type LiveArea, fitted, liveArea, terminalColumns, terminalRows } from './progress-live.ts';
import type { ReadActivity } from './read-activity.ts';
import type { StreamPlan } from './stream-plan.ts';

export interface StreamProgress {
  name: string;
  rows: number;
  /** The latest ESTIMATE of the stream's rows; undefined until the source sent one. */
  expected: number | undefined;
  /** When the first record came (the rate is measured from there, not from the stream's setup calls). */
  firstRowAt: number | undefined;
  startedAt: number;
  done: boolean;
  /** Its last STREAM_STATUS, lower case (`started` until one came). */
  status: string;
}

/** Per-stream counts, fed by the message stream as it passes. */
export class ReadProgress {
  readonly streams = new Map<string, StreamProgress>();
  readonly startedAt: number;
  private readonly now: () => number;
  private readonly activity: ReadActivity | undefined;

  /** `activity`: the plan of a read in this process (it runs on the same clock as `now`). */
  constructor(now: () => number = () => performance.now(), activity?: ReadActivity) {
    this.now = now;
    this.startedAt = now();
    this.activity = activity;
  }

  observe(message: AirbyteMessage): void {
    if (message.type === 'RECORD') {
      const stream = this.stream(message.record.stream);
      stream.rows++;
      stream.firstRowAt ??= this.now();
    } else if (message.type === 'TRACE') {
      const trace = message.trace;
      if (trace.type === 'ESTIMATE' && trace.estimate.type === 'STREAM' && trace.estimate.row_estimate !== undefined) {
        this.stream(trace.estimate.name).expected = trace.estimate.row_estimate;
      } else if (trace.type === 'STREAM_STATUS') {
        const stream = this.stream(trace.stream_status.stream_descriptor.name);
        stream.status = trace.stream_status.status.toLowerCase();
        if (trace.stream_status.status === 'COMPLETE' || trace.stream_status.status === 'INCOMPLETE') stream.done = true;
      }
    }
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /** Rows per second of one stream since its first row. */
  rate(stream: StreamProgress): number | undefined {
    if (stream.firstRowAt === undefined) return undefined;
    const seconds = (this.now() - stream.firstRowAt) / 1000;
    return seconds >= 0.5 ? stream.rows / seconds : undefined;
  }

  /** The expected rows: the plan's when the read is in this process, else the last ESTIMATE. */
  expected(stream: StreamProgress): number | undefined {
    return this.planOf(stream)?.estimate ?? stream.expected;
  }

  /** Whole percent of the expected rows (see percentOf). */
  percent(stream: StreamProgress): number | undefined {
    const plan = this.planOf(stream);
    return percentOf(stream, plan ? { expected: this.expected(stream), windowsLeft: plan.workLeft } : undefined);
  }

  /**
   * Seconds left. With the source's plan: its rows left at the pace its windows finish (undefined until that pace
   * is known, rather than a guess from the first rows). Without: the rows left by the rate so far; undefined
   * without an estimate, a rate, or once past the estimate.
   */
  etaSeconds(stream: StreamProgress): number | undefined {
    if (stream.done) return undefined;
    const plan = this.planOf(stream);
    if (plan) return plan.etaSeconds();
    const rate = this.rate(stream);
    if (stream.expected === undefined || rate === undefined || rate <= 0 || stream.rows >= stream.expected) return undefined;
    return (stream.expected - stream.rows) / rate;
  }

  /** What a stream still running waits on, in words ("3 TikTok report tasks processing"). */
  waitingOn(stream: StreamProgress): string | undefined {
    return stream.done ? undefined : this.activity?.waitingOn(stream.name);
  }

  private planOf(stream: StreamProgress): StreamPlan | undefined {
    return this.activity?.planOf(stream.name);
  }

  private stream(name: string): StreamProgress {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = { name, rows: 0, expected: undefined, firstRowAt: undefined, startedAt: this.now(), done: false, status: 'started' };
      this.streams.set(name, stream);
    }
    return stream;
  }
}

/** What the source's plan says of a stream: its expected rows, and whether windows are left to read. */
export interface PlanFigures {
  expected: number | undefined;
  windowsLeft: boolean;
}

/** Below this while windows are left: 99 % means every window is read and only the stream's end is awaited. */
const WINDOWS_LEFT_CAP = 98;

/**
 * Whole percent of the expected rows; 100 only once the stream is done (the estimate is only an estimate), at most
 * 99 before, and at most 98 while the plan has windows left to read.
 */
export function percentOf(stream: StreamProgress, plan?: PlanFigures): number | undefined {
  if (stream.done) return 100;
  const expected = plan ? plan.expected : stream.expected;
  if (expected === undefined || expected <= 0) return undefined;
  return Math.min(plan?.windowsLeft ? WINDOWS_LEFT_CAP : 99, Math.floor((stream.rows * 100) / expected));
}

/** The stream's notes: what it waits on, then the caller's own (the sync's committed rows). */
function notesOf(progress: ReadProgress, stream: StreamProgress, extra: string | undefined): string[] {
  return [progress.waitingOn(stream), extra].filter((note): note is string => note !== undefined && note !== '');
}

/** "ads_reports_daily 4,100 / 10,000 rows (41 %), 820 rows/s, ETA 7 s" */
export function describeStream(progress: ReadProgress, stream: StreamProgress, extra?: string): string {
  const percent = progress.percent(stream);
  const expected = progress.expected(stream);
  const rate = progress.rate(stream);
  const eta = progress.etaSeconds(stream);
  const parts = [
    `${stream.name} ${count(stream.rows)}${expected !== undefined && !stream.done ? ` / ${count(Math.max(expected, stream.rows))}` : ''} rows${percent !== undefined ? ` (${percent} %)` : ''}`,
    ...(rate !== undefined && !stream.done ? [`${count(Math.round(rate))} rows/s`] : []),
    ...(eta !== undefined ? [`ETA ${duration(eta)}`] : []),
    ...notesOf(progress, stream, extra),
  ];
  return parts.join(', ');
}

/** One line for a log: the streams in progress in full, the finished ones counted. */
export function progressLine(progress: ReadProgress, extra: (stream: string) => string | undefined = () => undefined): string {
  const streams = [...progress.streams.values()];
  const active = streams.filter((s) => !s.done);
  const done = streams.filter((s) => s.done);
  const parts = active.map((s) => describeStream(progress, s, extra(s.name)));
  if (done.length > 0) parts.push(`${done.length} stream${done.length === 1 ? '' : 's'} done (${count(done.reduce((n, s) => n + s.rows, 0))} rows)`);
  if (parts.length === 0) parts.push('starting…');
  return `[progress ${duration(progress.elapsedMs() / 1000)}] ${parts.join('; ')}`;
}

/**
 * A bar per stream for a terminal: "ads_reports_daily  [########------------]  41 %  4,100 / 10,000  ETA 7 s".
 * More streams than `maxLines`: the finished ones share one line.
 */
export function barLines(
  progress: ReadProgress,
  columns: number,
  extra: (stream: string) => string | undefined = () => undefined,
  maxLines = Number.POSITIVE_INFINITY,
): string[] {
  const all = [...progress.streams.values()];
  const finished = all.filter((s) => s.done);
  const collapse = all.length > maxLines && finished.length > 0;
  const streams = collapse ? all.filter((s) => !s.done) : all;
  const head = collapse
    ? [fitted(`${finished.length} stream${finished.length === 1 ? '' : 's'} done (${count(finished.reduce((n, s) => n + s.rows, 0))} rows)`, columns)]
    : [];
  const width = Math.max(...streams.map((s) => s.name.length), 6);
  const bar = Math.max(10, Math.min(30, columns - width - 50));
  const lines = streams.map((s) => {
    const percent = progress.percent(s);
    const expected = progress.expected(s);
    const filled = percent === undefined ? 0 : Math.round((percent / 100) * bar);
    const eta = progress.etaSeconds(s);
    const tail = [
      percent === undefined ? '  ? %' : `${String(percent).padStart(3)} %`,
      `${count(s.rows)}${expected !== undefined && !s.done ? ` / ${count(Math.max(expected, s.rows))}` : ''}`,
      s.done ? 'done' : eta !== undefined ? `ETA ${duration(eta)}` : '',
      ...notesOf(progress, s, extra(s.name)),
    ].filter((p) => p !== '');
    // Never as wide as the terminal: a line that wraps takes two rows, and the redraw would erase one too few.
    return fitted(`${s.name.padEnd(width)}  [${'#'.repeat(filled)}${'-'.repeat(bar - filled)}]  ${tail.join('  ')}`, columns);
  });
  return [...head, ...lines];
}

export interface ProgressDisplayOptions {
  /** A live bar (redrawn in place) instead of plain lines. */
  tty: boolean;
  /** Plain lines: how often. */
  intervalMs?: number;
  /** Plain lines go here (a line each time, with its newline). */
  write?: (text: string) => void;
  /** The terminal for the live bar (stderr by default). */
  terminal?: NodeJS.WriteStream;
  /** More to say per stream (the sync's committed rows). */
  extra?: (stream: string) => string | undefined;
}

export interface ProgressDisplay {
  /** Stops the display; the bar's last state stays on screen. */
  stop(): void;
}

/** Shows the progress until stopped: plain lines every few seconds, or a live bar on a terminal. */
export function startProgressDisplay(progress: ReadProgress, options: ProgressDisplayOptions): ProgressDisplay {
  const extra = options.extra ?? (() => undefined);
  if (options.tty) {
    const terminal = options.terminal ?? process.stderr;
    const area: LiveArea = liveArea(terminal);
    const draw = () => area.draw(barLines(progress, terminalColumns(terminal), extra, terminalRows(terminal)));
    const timer = setInterval(draw, 250);
    timer.unref();
    return {
      stop: () => {
        clearInterval(timer);
        draw();
        area.release();
      },
    };
  }
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const timer = setInterval(() => write(`${progressLine(progress, extra)}\n`), options.intervalMs ?? progressIntervalMs());
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export interface WithProgressOptions extends Partial<ProgressDisplayOptions> {
  progress?: ReadProgress;
}

/**
 * Passes messages through unchanged while a display shows their progress on stderr; a last line at the end
 * (also when the read fails: what was done before stays visible).
 */
export async function* withProgress(messages: AsyncIterable<AirbyteMessage>, options: WithProgressOptions = {}): AsyncGenerator<AirbyteMessage> {
  const progress = options.progress ?? new ReadProgress();
  const tty = options.tty ?? (options.write === undefined && process.stderr.isTTY === true);
  const display = startProgressDisplay(progress, { ...options, tty });
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  let ended = 'stopped';
  try {
    for await (const message of messages) {
      progress.observe(message);
      yield message;
    }
    ended = 'done';
  } finally {
    display.stop();
    // "stopped" when the read failed or its reader quit: what was done before stays visible either way.
    if (!tty) write(`${progressLine(progress, options.extra).replace(/^\[progress /, `[progress ${ended}, `)}\n`);
  }
}

/** Feeds a ReadProgress from messages passing by (sync: between source and sink). */
export async function* observed(messages: AsyncIterable<AirbyteMessage>, progress: ReadProgress): AsyncGenerator<AirbyteMessage> {
  for await (const message of messages) {
    progress.observe(message);
    yield message;
  }
}

/**
 * How often plain progress lines come: every 5 s, or TIKTOK_SOURCE_PROGRESS_SECONDS (a number above 0) for
 * people who want them more or less often.
 */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env['TIKTOK_SOURCE_PROGRESS_SECONDS'] ?? '');
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(50, seconds * 1000) : 5000;
}

const count = (n: number) => n.toLocaleString('en-US');

/** "7 s", "4 min 05 s", "2 h 10 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
