import { loadConfig } from '../config.ts';
import type { DestinationTarget } from '../engines/engine.ts';
import { ENGINES, containerNouns, engineTitles } from '../engines/registry.ts';
import { DESTINATION_HINT, destinationTarget } from './destination-target.ts';
import { type ConnectorError, asConnectorError } from '../errors.ts';
import { redact } from '../secrets.ts';
import { planText } from '../plan/plan-text.ts';
import { type RunSummary, runSummary } from '../plan/run-summary.ts';
import { type SyncResult, runSync, summaryText } from '../sync.ts';
import { writeSummaryFile } from './summary-file.ts';
import { exitCodeFor, processStop, StoppedError } from '../stop.ts';
import { PROGRAM, selfReportingCommand } from './command.ts';
import { type CommandSpec, parseFlags } from './flags.ts';

// `sync`: output is for people: progress on stderr, a summary table on stdout, errors on stderr in words; the exit
// code says whether everything arrived (0) or not (1).

/** A URL form as a shell takes it: quoted when it holds characters the shell would read. */
const shellWord = (text: string) => (/[?&[\]]/.test(text) ? `'${text}'` : text);

export const SYNC_SPEC = {
  name: 'sync',
  summary: `load the streams into ${engineTitles()}`,
  flags: {
    config: { value: 'FILE', required: true },
    destination: { value: DESTINATION_HINT, required: true, help: 'a URL, or a destination config file (the JSON `destination --config` takes) to keep passwords off the command line' },
    schema: { value: 'S', help: `the ${containerNouns()} (default tiktok_ads)` },
    streams: { value: 'a,b,…', help: 'only these streams' },
    'full-refresh': { help: 'read everything again from start_date; each table (and its state) is replaced when its stream completes' },
    'no-views': { help: 'leave out the typed analytics views' },
    plan: { help: 'print what the sync would do (dates, lanes, requests, share of the quota, time) and read no row' },
    'summary-json': { value: 'FILE', help: 'also write the summary (or, with --plan, the plan) to FILE as one JSON line; the sync plans first, to say how close the plan was' },
  },
  details: [
    ...ENGINES.map((engine) => `  e.g. --destination ${shellWord(engine.urlForm)}`),
    `  Loads the streams (all, or those named) into ${engineTitles()}, one table per stream in the ${containerNouns()}.`,
    '  Incremental streams continue from the state stored in <schema>._sync_state. After the load, typed analytics',
    '  views (<schema>.ads_daily, campaign_performance_daily, …) are created or updated.',
  ].join('\n'),
} as const satisfies CommandSpec;

export const syncCommand = selfReportingCommand(SYNC_SPEC, runSyncCommand);

/** `sync` on raw arguments: every failure, a bad flag included, is a line on stderr and exit 1. */
export async function runSyncCommand(argv: string[]): Promise<number> {
  let target: DestinationTarget | undefined;
  try {
    const flags = parseFlags(PROGRAM, SYNC_SPEC, argv);
    target = destinationTarget(flags.destination, flags.schema);
    // --no-views: no typed analytics views after the sync (README, "Analytics views").
    if (flags['no-views']) target = { ...target, views: false };
    const config = loadConfig(flags.config);
    const streams = flags.streams?.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const summaryFile = flags['summary-json'];
    // A summary for schedulers says how close the plan was: such a run plans first.
    const plan = flags.plan ? 'only' : summaryFile !== undefined ? 'first' : undefined;
    const result = await runSync({ config, target, streams, fullRefresh: flags['full-refresh'], plan, stop: processStop.watch() });
    if (flags.plan) {
      if (result.plan) process.stdout.write(redact(planText(result.plan)));
    } else if (result.streams.length > 0) process.stdout.write(redact(summaryText(result, target)));
    const stopped = result.error instanceof StoppedError ? result.error : undefined;
    const exitCode = stopped !== undefined ? exitCodeFor(stopped.signalName) : result.ok ? 0 : 1;
    if (summaryFile !== undefined) writeSummaryFile(summaryFile, syncSummary(result, flags.plan, exitCode));
    if (stopped !== undefined) {
      // Its message says it all: which signal, that the committed rows and their state are kept.
      printError(stopped);
      return exitCode;
    }
    if (result.error !== undefined) {
      printError(result.error);
      // Only when there is something to keep: a sync that never committed a row has nothing to continue from.
      if (result.streams.some((stream) => stream.committed > 0)) {
        process.stderr.write('Rows committed before the failure are kept; the next run continues from the last stored state.\n');
      } else if (result.streams.length > 0) {
        process.stderr.write('Nothing was committed; the next run starts from where this one did.\n');
      }
    } else if (!result.ok) {
      process.stderr.write(
        redact(`The source reported errors (${result.reported.length}); rows of the failed streams after their last state were not committed.\n`),
      );
    }
    return exitCode;
  } catch (error) {
    printError(asConnectorError(error));
    return 1;
  }
}

/** The sync's facts for --summary-json: rows committed per stream and what became of it. */
function syncSummary(result: SyncResult, planOnly: boolean, exitCode: number): RunSummary {
  return runSummary({
    command: 'sync',
    status: planOnly && result.ok ? 'planned' : result.ok ? 'succeeded' : 'failed',
    exitCode,
    seconds: result.seconds,
    streams: result.streams.map((stream) => ({ name: stream.name, rows: stream.committed, status: stream.outcome })),
    ctx: result.context,
    plan: result.plan,
    warehouse: result.warehouse,
    error: result.error,
  });
}

function printError(error: ConnectorError): void {
  const label = { config_error: 'Configuration error', transient_error: 'Temporary failure', system_error: 'Error' }[error.failureType];
  process.stderr.write(redact(`${label}: ${error.message}\n`));
  if (error.failureType === 'system_error' && error.internal) process.stderr.write(redact(`${error.internal}\n`));
}
