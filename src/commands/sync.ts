import { loadConfig } from '../config.ts';
import type { DestinationTarget } from '../engines/engine.ts';
import { ENGINES, containerNouns, engineTitles, targetFromDestinationUrl, urlHints } from '../engines/registry.ts';
import { type ConnectorError, asConnectorError } from '../errors.ts';
import { redact } from '../secrets.ts';
import { exitCodeFor, processStop, StoppedError } from '../stop.ts';
import { runSync, summaryText } from '../sync.ts';
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
    destination: { value: urlHints(), required: true },
    schema: { value: 'S', help: `the ${containerNouns()} (default tiktok_ads)` },
    streams: { value: 'a,b,…', help: 'only these streams' },
    'full-refresh': { help: 'read everything again from start_date; each table (and its state) is replaced when its stream completes' },
    'no-views': { help: 'leave out the typed analytics views' },
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
    target = targetFromDestinationUrl(flags.destination, flags.schema);
    // --no-views: no typed analytics views after the sync (README, "Analytics views").
    if (flags['no-views']) target = { ...target, views: false };
    const config = loadConfig(flags.config);
    const streams = flags.streams?.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const result = await runSync({ config, target, streams, fullRefresh: flags['full-refresh'], stop: processStop.watch() });
    if (result.streams.length > 0) process.stdout.write(redact(summaryText(result, target)));
    if (result.error instanceof StoppedError) {
      // Its message says it all: which signal, that the committed rows and their state are kept.
      printError(result.error);
      return exitCodeFor(result.error.signalName);
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
