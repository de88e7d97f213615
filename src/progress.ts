// Progress for people watching a read or a sync: per stream the rows done of the expected total (the source's
// ESTIMATE traces), the percentage and an ETA. Never on stdout, which carries the Airbyte protocol.

import type { AirbyteMessage } from './protocol/types.ts';
import { type LiveArea, liveArea } from './progress-live.ts';

export interface StreamProgress {
  name: string;
  rows: number;
  /** The latest ESTIMATE of the stream's rows; undefined until the source sent one. */
  expected: number | undefined;
  /** When the first record came (the rate is measured from there, not from the stream's setup calls). */
  firstRowAt: number | undefined;
  startedAt: number;
  done: boolean;
}

/** Per-stream counts, fed by the message stream as it passes. */
export class ReadProgress {
  readonly streams = new Map<string, StreamProgress>();
  readonly startedAt: number;
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
    this.startedAt = now();
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

  /** Seconds left by the rate so far; undefined without an estimate, a rate, or once past the estimate. */
  etaSeconds(stream: StreamProgress): number | undefined {
    const rate = this.rate(stream);
    if (stream.done || stream.expected === undefined || rate === undefined || rate <= 0 || stream.rows >= stream.expected) return undefined;
    return (stream.expected - stream.rows) / rate;
  }

  private stream(name: string): StreamProgress {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = { name, rows: 0, expected: undefined, firstRowAt: undefined, startedAt: this.now(), done: false };
      this.streams.set(name, stream);
    }
    return stream;
  }
}

/** Whole percent of the estimate; capped at 99 until the stream is done (the estimate is only an estimate). */
export function percentOf(stream: StreamProgress): number | undefined {
  if (stream.done) return 100;
  if (stream.expected === undefined || stream.expected <= 0) return undefined;
  return Math.min(99, Math.floor((stream.rows * 100) / stream.expected));
}

/** "ads_reports_daily 4,100 / 10,000 rows (41 %), 820 rows/s, ETA 7 s" */
export function describeStream(progress: ReadProgress, stream: StreamProgress, extra?: string): string {
  const percent = percentOf(stream);
  const rate = progress.rate(stream);
  const eta = progress.etaSeconds(stream);
  const parts = [
    `${stream.name} ${count(stream.rows)}${stream.expected !== undefined && !stream.done ? ` / ${count(Math.max(stream.expected, stream.rows))}` : ''} rows${percent !== undefined ? ` (${percent} %)` : ''}`,
    ...(rate !== undefined && !stream.done ? [`${count(Math.round(rate))} rows/s`] : []),
    ...(eta !== undefined ? [`ETA ${duration(eta)}`] : []),
    ...(extra ? [extra] : []),
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

/** A bar per stream for a terminal: "ads_reports_daily  [########------------]  41 %  4,100 / 10,000  ETA 7 s". */
export function barLines(progress: ReadProgress, columns: number, extra: (stream: string) => string | undefined = () => undefined): string[] {
  const streams = [...progress.streams.values()];
  const width = Math.max(...streams.map((s) => s.name.length), 6);
  const bar = Math.max(10, Math.min(30, columns - width - 50));
  return streams.map((s) => {
    const percent = percentOf(s);
    const filled = percent === undefined ? 0 : Math.round((percent / 100) * bar);
    const eta = progress.etaSeconds(s);
    const tail = [
      percent === undefined ? '  ? %' : `${String(percent).padStart(3)} %`,
      `${count(s.rows)}${s.expected !== undefined && !s.done ? ` / ${count(Math.max(s.expected, s.rows))}` : ''}`,
      s.done ? 'done' : eta !== undefined ? `ETA ${duration(eta)}` : '',
      extra(s.name) ?? '',
    ].filter((p) => p !== '');
    return `${s.name.padEnd(width)}  [${'#'.repeat(filled)}${'-'.repeat(bar - filled)}]  ${tail.join('  ')}`.slice(0, Math.max(20, columns - 1));
  });
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
    // A pseudo-terminal may report 0 columns: draw for a common width then.
    const draw = () => area.draw(barLines(progress, terminal.columns > 0 ? terminal.columns : 100, extra));
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
