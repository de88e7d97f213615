// `npm run bigquery-local -- [flags]` (main.ts): starts the local BigQuery, prints its base URL as the first line
// of stdout (like the TikTok emulator) and serves until SIGTERM/SIGINT. Without the dev dependencies it says so in
// one line and exits 1.

import { type CommandSpec, parseFlags, usageOf, wantsHelp } from '../../src/commands/flags.ts';
import { listenFailureOf } from '../../src/commands/listen-failure.ts';
import { configError } from '../../src/errors.ts';
import { MissingDevDependencyError, startLocalBigQuery } from './index.ts';
import { untilStopSignal } from './stop-signal.ts';

/** The local BigQuery's flags, in the connector's one flag table (src/commands/flags.ts). */
export const BIGQUERY_LOCAL_SPEC = {
  name: '--',
  summary: 'the local BigQuery',
  flags: {
    port: { value: 'N', help: 'default 9050' },
    host: { value: 'H', help: 'default 127.0.0.1' },
    project: { value: 'P', help: 'default local-project' },
    dataset: { value: 'D', multiple: true, help: 'datasets to create at the start' },
    location: { value: 'L', help: 'default US' },
  },
  details:
    "  serves BigQuery's REST API v2 (datasets, tables, load and query jobs) on DuckDB, SQL checked by ZetaSQL;\n" +
    '  prints its base URL first: give it to the client as apiEndpoint (or to sync as bigquery://P/D?api_endpoint=URL)',
} as const satisfies CommandSpec;
const PROGRAM = 'npm run bigquery-local';
export const BIGQUERY_LOCAL_USAGE = usageOf(PROGRAM, BIGQUERY_LOCAL_SPEC);

interface Flags {
  port: number;
  host: string;
  projectId: string;
  datasets: string[];
  location: string;
}

export function parseBigQueryLocalArgs(argv: readonly string[]): Flags {
  const flags = parseFlags(PROGRAM, BIGQUERY_LOCAL_SPEC, argv);
  const port = flags.port ?? '9050';
  if (!/^\d+$/.test(port) || Number(port) > 65_535) throw configError(`--port expects a port number, got "${port}"\n${BIGQUERY_LOCAL_USAGE}`);
  return { port: Number(port), host: flags.host ?? '127.0.0.1', projectId: flags.project ?? 'local-project', datasets: flags.dataset, location: flags.location ?? 'US' };
}

export async function runBigQueryLocalCommand(argv: string[]): Promise<number> {
  let flags: Flags;
  if (wantsHelp(argv)) {
    process.stderr.write(`${BIGQUERY_LOCAL_USAGE}\n`);
    return 2;
  }
  try {
    flags = parseBigQueryLocalArgs(argv);
  } catch (error) {
    // The message ends with the usage.
    process.stderr.write(`bigquery-local: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  // Listening for the stop signal from the start: a SIGTERM while the analyzer boots still ends it cleanly
  // (Node's default action would exit at once and leave the ZetaSQL server running).
  const stopped = untilStopSignal();
  let endpoint;
  try {
    endpoint = await startLocalBigQuery({ port: flags.port, host: flags.host, projectId: flags.projectId, datasets: flags.datasets, location: flags.location });
  } catch (error) {
    const refusal = error instanceof MissingDevDependencyError ? error.message : listenFailureOf(error, flags.host, flags.port);
    if (refusal === undefined) throw error;
    process.stderr.write(`bigquery-local: ${refusal}\n`);
    return 1;
  }
  process.stdout.write(`${endpoint.url}\n`);
  process.stderr.write(`bigquery-local: project ${endpoint.projectId}, ZetaSQL analyzer started in ${Math.round(endpoint.analyzerStartMs)} ms; faults: POST ${endpoint.url}/_admin/faults\n`);
  await stopped;
  await endpoint.close();
  return 0;
}
