// DuckDB and ZetaSQL are dev dependencies (ZetaSQL alone is ~340 MB): a production install lacks them, so they are
// imported on demand and their absence becomes one line to act on instead of a module-not-found stack.

import type * as DuckDB from '@duckdb/node-api';
import type * as ZetaSQL from '@fivetrandevelopers/zetasql';

export type DuckDBModule = typeof DuckDB;
export type ZetaSQLModule = typeof ZetaSQL;

export class MissingDevDependencyError extends Error {
  override name = 'MissingDevDependencyError';
}

const HINT = 'the local BigQuery needs the dev dependencies @duckdb/node-api and @fivetrandevelopers/zetasql: run `npm ci` (without --omit=dev) in the project';

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** Imports a dev dependency by name; its absence is a MissingDevDependencyError with one line to act on. */
export async function importDevDependency<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissing(error)) throw new MissingDevDependencyError(`${HINT} (${name} is not installed)`);
    throw error;
  }
}

export const loadDuckDB = (): Promise<DuckDBModule> => importDevDependency<DuckDBModule>('@duckdb/node-api');

export async function loadZetaSQL(): Promise<ZetaSQLModule> {
  // A CommonJS package: Node exposes its exports both as named exports and as `default`.
  const module = await importDevDependency<ZetaSQLModule>('@fivetrandevelopers/zetasql');
  return ((module as unknown as { default?: ZetaSQLModule }).default ?? module);
}

/** The package's analyzer binary: its own `runServer` pipes the server's output into our stdout, which would break
 * the command's "first stdout line is the URL" contract, so the binary is spawned directly. */
export async function zetaSQLServerBinary(): Promise<string> {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('@fivetrandevelopers/zetasql');
  } catch (error) {
    if (isMissing(error)) throw new MissingDevDependencyError(`${HINT} (@fivetrandevelopers/zetasql is not installed)`);
    throw error;
  }
  const suffix = (process.arch.startsWith('arm') ? '_arm' : '') + (process.platform === 'darwin' ? '' : '.so');
  return path.join(path.dirname(main), 'zetasql', `remote_server${suffix}`);
}
