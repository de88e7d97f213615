// A sync: the source and a warehouse's sink in one process, no orchestrator needed (the `sync` command's work).
// The state lives in the destination (`<schema>._sync_state`), so a second run continues where the first
// ended. Output is for people: progress on stderr, a summary table on stdout, errors on stderr in words;
// the exit code says whether everything arrived (0) or not (1).

import type { SourceConfig } from './config.ts';
import { asConnectorError, configError, type ConnectorError } from './errors.ts';
import type { AirbyteCatalog, AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from './protocol/types.ts';
import { redact } from './secrets.ts';
import { discover, read } from './source.ts';
import type { DestinationTarget } from './engines/engine.ts';
import { containerOf, openSink } from './engines/registry.ts';
import { LEGACY_STATE_KEY, loadMessages, newLoadProgress, type LoadProgress } from './load/load-messages.ts';
import { formatCount, formatSeconds, textTable } from './load/progress.ts';
import { ReadProgress, observed, progressIntervalMs, startProgressDisplay } from './progress.ts';
import { dispositionFor, type Sink, type StoredState, type WriteDisposition } from './load/sink.ts';
import { planOf } from './plan/make-plan.ts';
import type { Plan } from './plan/plan.ts';
import { comparisonLine, plannedVsActual } from './plan/run-summary.ts';
import { type ReadContext, createContext } from './streams/context.ts';
import { parseState, type SourceState } from './streams/state.ts';
import { untilStopped } from './stop.ts';
import { TikTokApiError, toConnectorError } from './tiktok/errors.ts';

export interface SyncOptions {
  config: SourceConfig;
  target: DestinationTarget;
  /** Stream names; undefined for all. */
  streams?: readonly string[] | undefined;
  fullRefresh?: boolean;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
  progressIntervalMs?: number;
  /** The source's clock (real time, or TIKTOK_SOURCE_NOW, by default). */
  now?: () => Date;
  /**
   * 'only': read the stored state, make the plan, read no row (`sync --plan`); 'first': plan, then run, so the
   * summary says how close the plan was (`--summary-json`; the plan's probes cost a few requests); none: no plan.
   */
  plan?: 'only' | 'first' | undefined;
  /** Fires to stop before the end (SIGTERM): what the sink can commit is committed, then a StoppedError. */
  stop?: AbortSignal;
}

export interface StreamSummary {
  name: string;
  disposition: WriteDisposition;
  received: number;
  committed: number;
  failed: boolean;
  /**
   * What happened to the stream: ok (it ended and its rows are committed), failed (it started, and the source
   * reported it failed or the sync stopped before it ended), not run (the sync stopped before it began).
   */
  outcome: StreamOutcome;
}

export type StreamOutcome = 'ok' | 'failed' | 'not run';

export interface SyncResult {
  ok: boolean;
  seconds: number;
  streams: StreamSummary[];
  /** What stopped the sync, if something did. */
  error: ConnectorError | undefined;
  /** Errors the source reported while it carried on (one stream's failure). */
  reported: string[];
  /** What the run was expected to do (made at its start; the only product of --plan). */
  plan: Plan | undefined;
  /** The read's context: its client's and its own counters, for the run's summary. */
  context: ReadContext;
  /** What the warehouse billed, where it bills by bytes. */
  warehouse: { bytesProcessed: number; bytesBilled: number } | undefined;
}

/** The catalog `sync` configures: incremental wherever a stream supports it; --full-refresh overwrites. */
export function configuredCatalogFor(
  catalog: AirbyteCatalog,
  names: readonly string[] | undefined,
  fullRefresh: boolean,
): ConfiguredAirbyteCatalog {
  const byName = new Map(catalog.streams.map((stream) => [stream.name, stream]));
  const wanted = names === undefined ? [...byName.keys()] : [...new Set(names)];
  const unknown = wanted.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw configError(
      `Unknown stream${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}. Valid streams: ${[...byName.keys()].join(', ')}.`,
    );
  }
  if (wanted.length === 0) throw configError(`--streams names no stream. Valid streams: ${[...byName.keys()].join(', ')}.`);
  return {
    streams: wanted.map((name) => {
      const stream = byName.get(name)!;
      // Even a full refresh reads incrementally (from empty state) where it can, so it ends with a state and
      // the next run continues from there instead of starting over.
      const syncMode = stream.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh';
      const primaryKey = stream.source_defined_primary_key ?? [];
      return {
        stream,
        sync_mode: syncMode,
        destination_sync_mode: fullRefresh ? 'overwrite' : dispositionFor(syncMode, primaryKey),
        ...(stream.default_cursor_field ? { cursor_field: stream.default_cursor_field } : {}),
        primary_key: primaryKey,
      };
    }),
  };
}

/** The stored per-stream states in the form the source reads. */
export function sourceStateOf(stored: StoredState): SourceState {
  const messages: AirbyteStateMessage[] = [...stored].map(([name, state]) =>
    name === LEGACY_STATE_KEY
      ? { type: 'LEGACY', data: state }
      : { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } },
  );
  return parseState(messages);
}

/** Runs one sync; never throws for a failure of the sync itself, which is in the result. */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(redact(line)));
  const startedAt = performance.now();
  const progress = newLoadProgress();
  const reported: string[] = [];
  const ctx = createContext(options.config, undefined, options.now ? { now: options.now } : {});
  let plan: Plan | undefined;
  let catalog: ConfiguredAirbyteCatalog | undefined;
  let error: ConnectorError | undefined;
  let stopProgress = (): void => undefined;
  let warehouse: SyncResult['warehouse'];
  // The destination's credentials and target are checked before any work: a refusal here ends the sync with
  // that error alone, and no streams (none was started).
  let sink: Sink;
  try {
    sink = await openSink(options.target, log);
  } catch (caught) {
    return { ok: false, seconds: (performance.now() - startedAt) / 1000, streams: [], error: asConnectorError(caught), reported, plan, context: ctx, warehouse: undefined };
  }
  try {
    try {
      catalog = configuredCatalogFor(discover(options.config), options.streams, options.fullRefresh ?? false);
      const state = options.fullRefresh ? new Map() : sourceStateOf(await sink.readState());
      if (options.plan !== undefined) plan = await planOf(ctx, catalog, state, options.plan === 'only', (line) => log(`[plan] ${line}\n`));
      if (options.plan === 'only') return { ok: true, seconds: (performance.now() - startedAt) / 1000, streams: [], error, reported, plan, context: ctx, warehouse: undefined };
      // Rows read of the source's plan, with an ETA and its waits, and what the sink has committed of them.
      const reading = new ReadProgress(undefined, ctx.activity);
      const display = startProgressDisplay(reading, {
        tty: options.log === undefined && process.stderr.isTTY === true,
        intervalMs: options.progressIntervalMs ?? progressIntervalMs(),
        write: log,
        extra: (name) => `${formatCount(progress.streams.get(name)?.committed ?? 0)} committed`,
      });
      stopProgress = () => display.stop();
      const fromSource = observed(read(options.config, catalog, state, ctx), reading);
      const messages = options.stop === undefined ? fromSource : untilStopped(fromSource, options.stop);
      for await (const message of loadMessages(sink, catalog, messages, { progress })) {
        const note = noteOf(message);
        if (note !== undefined) {
          if (message.type === 'TRACE') reported.push(note);
          log(`${note}\n`);
        }
      }
    } finally {
      stopProgress();
      warehouse = sink.warehouseCost?.();
      await sink.close();
    }
  } catch (caught) {
    error = caught instanceof TikTokApiError ? toConnectorError(caught) : asConnectorError(caught);
  }
  const streams: StreamSummary[] = (catalog?.streams ?? []).map((configured) => {
    const name = configured.stream.name;
    const counts = progress.streams.get(name) ?? { received: 0, committed: 0 };
    const outcome = outcomeOf(name, counts.received, progress, error);
    return { name, disposition: configured.destination_sync_mode, received: counts.received, committed: counts.committed, failed: outcome === 'failed', outcome };
  });
  return {
    ok: error === undefined && !failed(progress),
    seconds: (performance.now() - startedAt) / 1000,
    streams,
    error,
    reported,
    plan,
    context: ctx,
    warehouse,
  };
}

/** What happened to one stream of the sync (StreamSummary.outcome). */
function outcomeOf(name: string, received: number, progress: LoadProgress, error: ConnectorError | undefined): StreamOutcome {
  if (progress.failedStreams.has(name)) return 'failed';
  if (progress.completedStreams.has(name)) return 'ok';
  // A sync that ended without any error: every stream went through (a source that sends no STREAM_STATUS included).
  if (error === undefined && !progress.failed) return 'ok';
  return progress.startedStreams.has(name) || received > 0 ? 'failed' : 'not run';
}

function failed(progress: LoadProgress): boolean {
  return progress.failed || progress.failedStreams.size > 0;
}

/** What of the source's own messages a person should see: warnings, errors, and the read summary. */
function noteOf(message: AirbyteMessage): string | undefined {
  if (message.type === 'LOG') {
    const { level, message: text } = message.log;
    if (level === 'DEBUG' || level === 'TRACE') return undefined;
    return `[source ${level.toLowerCase()}] ${text}`;
  }
  if (message.type === 'TRACE' && message.trace.type === 'ERROR') {
    const { error } = message.trace;
    const stream = error.stream_descriptor ? ` (stream ${error.stream_descriptor.name})` : '';
    return `[source error${stream}] ${error.message}`;
  }
  return undefined;
}

export function summaryText(result: SyncResult, target: DestinationTarget): string {
  const total = result.streams.reduce((sum, stream) => sum + stream.committed, 0);
  const rows = result.streams.map((stream) => [
    stream.name,
    stream.disposition,
    formatCount(stream.committed),
    stream.outcome === 'ok' && stream.received !== stream.committed
      ? `${formatCount(stream.received - stream.committed)} not committed`
      : stream.outcome === 'failed' && stream.received > stream.committed
        ? `failed, ${formatCount(stream.received - stream.committed)} not committed`
        : stream.outcome,
  ]);
  const rate = formatCount(Math.round(total / Math.max(result.seconds, 0.001)));
  const comparison = result.plan ? `\n${comparisonLine(plannedVsActual(result.plan, result.context.client.stats.requests, result.seconds))}\n` : '';
  return [
    `${result.ok ? 'Synced' : 'Sync incomplete'}: ${formatCount(total)} rows into ${containerOf(target)} at ${target.display} in ${formatSeconds(result.seconds * 1000)} (${rate} rows/s).`,
    '',
    textTable(['stream', 'mode', 'rows synced', 'status'], rows),
  ].join('\n') + comparison;
}
