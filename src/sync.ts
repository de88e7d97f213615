// `source-tiktok-marketing sync`: the source and a warehouse's sink in one process, no orchestrator needed.
// The state lives in the destination (`<schema>._sync_state`), so a second run continues where the first
// ended. Output is for people: progress on stderr, a summary table on stdout, errors on stderr in words;
// the exit code says whether everything arrived (0) or not (1).

import { parseArgs } from 'node:util';
import { loadConfig, type SourceConfig } from './config.ts';
import { asConnectorError, configError, type ConnectorError } from './errors.ts';
import type { AirbyteCatalog, AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from './protocol/types.ts';
import { redact } from './secrets.ts';
import { discover, read } from './source.ts';
import type { DestinationTarget } from './engines/engine.ts';
import { containerNouns, containerOf, ENGINES, engineTitles, openSink, targetFromDestinationUrl, urlHints } from './engines/registry.ts';
import { LEGACY_STATE_KEY, loadMessages, newLoadProgress, type LoadProgress } from './load/load-messages.ts';
import { formatCount, formatSeconds, textTable } from './load/progress.ts';
import { ReadProgress, observed, progressIntervalMs, startProgressDisplay } from './progress.ts';
import { dispositionFor, type StoredState, type WriteDisposition } from './load/sink.ts';
import { createContext } from './streams/context.ts';
import { parseState, type SourceState } from './streams/state.ts';
import { TikTokApiError, toConnectorError } from './tiktok/errors.ts';

/** A URL form as a shell takes it: quoted when it holds characters the shell would read. */
const shellWord = (text: string) => (/[?&[\]]/.test(text) ? `'${text}'` : text);
const [FIRST_ENGINE, ...OTHER_ENGINES] = ENGINES;

const USAGE = [
  `Usage: source-tiktok-marketing sync --config FILE --destination ${shellWord(FIRST_ENGINE.urlForm)}`,
  `                                   [--schema tiktok_ads] [--streams a,b,…] [--full-refresh] [--no-views]`,
  ...OTHER_ENGINES.map((engine) => `       source-tiktok-marketing sync --config FILE --destination ${shellWord(engine.urlForm)} …`),
  `  Loads the streams (all, or those named) into ${engineTitles()}, one table per stream in the ${containerNouns()}.`,
  `  Incremental streams continue from the state stored in <schema>._sync_state; --full-refresh reads`,
  `  everything again from start_date and replaces the tables (and their state) when each stream completes.`,
  `  After the load, typed analytics views (<schema>.ads_daily, campaign_performance_daily, …) are created or`,
  `  updated; --no-views leaves them out.`,
].join('\n');

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
}

export interface StreamSummary {
  name: string;
  disposition: WriteDisposition;
  received: number;
  committed: number;
  failed: boolean;
}

export interface SyncResult {
  ok: boolean;
  seconds: number;
  streams: StreamSummary[];
  /** What stopped the sync, if something did. */
  error: ConnectorError | undefined;
  /** Errors the source reported while it carried on (one stream's failure). */
  reported: string[];
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
  let catalog: ConfiguredAirbyteCatalog | undefined;
  let error: ConnectorError | undefined;
  let stopProgress = (): void => undefined;
  try {
    catalog = configuredCatalogFor(discover(options.config), options.streams, options.fullRefresh ?? false);
    const sink = await openSink(options.target, log);
    try {
      const state = options.fullRefresh ? new Map() : sourceStateOf(await sink.readState());
      // Rows read of the source's estimate, with an ETA, and what the sink has committed of them.
      const reading = new ReadProgress();
      const display = startProgressDisplay(reading, {
        tty: options.log === undefined && process.stderr.isTTY === true,
        intervalMs: options.progressIntervalMs ?? progressIntervalMs(),
        write: log,
        extra: (name) => `${formatCount(progress.streams.get(name)?.committed ?? 0)} committed`,
      });
      stopProgress = () => display.stop();
      const messages = observed(read(options.config, catalog, state, createContext(options.config, undefined, options.now ? { now: options.now } : {})), reading);
      for await (const message of loadMessages(sink, catalog, messages, { progress })) {
        const note = noteOf(message);
        if (note !== undefined) {
          if (message.type === 'TRACE') reported.push(note);
          log(`${note}\n`);
        }
      }
    } finally {
      stopProgress();
      await sink.close();
    }
  } catch (caught) {
    error = caught instanceof TikTokApiError ? toConnectorError(caught) : asConnectorError(caught);
  }
  const streams: StreamSummary[] = (catalog?.streams ?? []).map((configured) => {
    const counts = progress.streams.get(configured.stream.name) ?? { received: 0, committed: 0 };
    return {
      name: configured.stream.name,
      disposition: configured.destination_sync_mode,
      received: counts.received,
      committed: counts.committed,
      failed: progress.failedStreams.has(configured.stream.name),
    };
  });
  return {
    ok: error === undefined && !failed(progress),
    seconds: (performance.now() - startedAt) / 1000,
    streams,
    error,
    reported,
  };
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
    stream.failed ? 'failed' : stream.received === stream.committed ? 'ok' : `${formatCount(stream.received - stream.committed)} not committed`,
  ]);
  const rate = formatCount(Math.round(total / Math.max(result.seconds, 0.001)));
  return [
    `${result.ok ? 'Synced' : 'Sync incomplete'}: ${formatCount(total)} rows into ${containerOf(target)} at ${target.display} in ${formatSeconds(result.seconds * 1000)} (${rate} rows/s).`,
    '',
    textTable(['stream', 'mode', 'rows synced', 'status'], rows),
  ].join('\n');
}

interface SyncArguments {
  configPath: string;
  destination: string;
  /** Undefined: the URL's container, else the engine's default. */
  schema: string | undefined;
  streams: string[] | undefined;
  fullRefresh: boolean;
  noViews: boolean;
}

function parseSyncArguments(argv: string[]): SyncArguments {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        destination: { type: 'string' },
        schema: { type: 'string' },
        streams: { type: 'string' },
        'full-refresh': { type: 'boolean' },
        'no-views': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw configError(`${(error as Error).message}\n${USAGE}`);
  }
  if (!values.config) throw configError(`Missing --config FILE.\n${USAGE}`);
  if (!values.destination) throw configError(`Missing --destination ${urlHints()}.\n${USAGE}`);
  const streams = values.streams?.split(',').map((name) => name.trim()).filter((name) => name !== '');
  return {
    configPath: values.config,
    destination: values.destination,
    schema: values.schema,
    streams,
    fullRefresh: values['full-refresh'] ?? false,
    noViews: values['no-views'] ?? false,
  };
}

export async function runSyncCommand(argv: string[]): Promise<number> {
  let target: DestinationTarget | undefined;
  try {
    const args = parseSyncArguments(argv);
    target = targetFromDestinationUrl(args.destination, args.schema);
    // --no-views: no typed analytics views after the sync (README, "Analytics views").
    if (args.noViews) target = { ...target, views: false };
    const config = loadConfig(args.configPath);
    const result = await runSync({ config, target, streams: args.streams, fullRefresh: args.fullRefresh });
    if (result.streams.length > 0) process.stdout.write(redact(summaryText(result, target)));
    if (result.error !== undefined) {
      printError(result.error);
      process.stderr.write('Rows committed before the failure are kept; the next run continues from the last stored state.\n');
    } else if (!result.ok) {
      process.stderr.write(
        redact(`The source reported errors (${result.reported.length}); rows of the failed streams after their last state were not committed.\n`),
      );
    }
    return result.ok ? 0 : 1;
  } catch (error) {
    printError(asConnectorError(error));
    return 1;
  }
}

function printError(error: ConnectorError): void {
  const label = { config_error: 'Configuration error', transient_error: 'Temporary failure', system_error: 'Error' }[error.failureType];
  process.stderr.write(redact(`${label}: ${error.message}\n`));
  if (error.failureType === 'system_error' && error.internal) process.stderr.write(redact(`${error.internal}\n`));
}
