// `npm run bigquery-local -- [flags]` (main.ts): starts the local BigQuery, prints its base URL as the first line
// of stdout (like the TikTok emulator) and serves until SIGTERM/SIGINT. Without the dev dependencies it says so in
// one line and exits 1.

import { MissingDevDependencyError, startLocalBigQuery } from './index.ts';
import { untilStopSignal } from './stop-signal.ts';

export const BIGQUERY_LOCAL_USAGE = `usage: npm run bigquery-local -- [--port N] [--host H] [--project P] [--dataset D]… [--location L]
  serves BigQuery's REST API v2 (datasets, tables, load and query jobs) on DuckDB, SQL checked by ZetaSQL;
  prints its base URL first: give it to the client as apiEndpoint (or to sync as bigquery://P/D?api_endpoint=URL)`;

interface Flags {
  port: number;
  host: string;
  projectId: string;
  datasets: string[];
  location: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseBigQueryLocalArgs(argv: readonly string[]): Flags {
  const flags: Flags = { port: 9050, host: '127.0.0.1', projectId: 'local-project', datasets: [], location: 'US' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    switch (flag) {
      case '--port':
        if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new UsageError(`--port expects a port number, got "${value}"`);
        flags.port = Number(value);
        break;
      case '--host':
        flags.host = value;
        break;
      case '--project':
        flags.projectId = value;
        break;
      case '--dataset':
        flags.datasets.push(value);
        break;
      case '--location':
        flags.location = value;
        break;
      default:
        throw new UsageError(`unknown flag ${arg}`);
    }
  }
  return flags;
}

export async function runBigQueryLocalCommand(argv: string[]): Promise<number> {
  let flags: Flags;
  try {
    if (argv.includes('--help') || argv.includes('-h')) throw new UsageError('');
    flags = parseBigQueryLocalArgs(argv);
  } catch (error) {
    const message = error instanceof Error && error.message !== '' ? `bigquery-local: ${error.message}\n` : '';
    process.stderr.write(`${message}${BIGQUERY_LOCAL_USAGE}\n`);
    return 2;
  }
  let endpoint;
  try {
    endpoint = await startLocalBigQuery({ port: flags.port, host: flags.host, projectId: flags.projectId, datasets: flags.datasets, location: flags.location });
  } catch (error) {
    if (error instanceof MissingDevDependencyError) {
      process.stderr.write(`bigquery-local: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(`${endpoint.url}\n`);
  process.stderr.write(`bigquery-local: project ${endpoint.projectId}, ZetaSQL analyzer started in ${Math.round(endpoint.analyzerStartMs)} ms; faults: POST ${endpoint.url}/_admin/faults\n`);
  await untilStopSignal();
  await endpoint.close();
  return 0;
}
