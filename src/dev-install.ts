// Some commands exist for development only: `demo` needs an embedded database server, the local warehouse
// endpoint needs DuckDB and ZetaSQL (~340 MB), all dev dependencies. An install from npm (or the Docker image)
// has production dependencies only, so these commands must say so in one line to act on instead of a
// module-not-found stack.

import { type ConnectorError, configError } from './errors.ts';

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

export function devInstallError(what: string, missing: readonly string[], alternative?: string): ConnectorError {
  const dependencies = `${missing.join(', ')} ${missing.length === 1 ? 'is a dev dependency' : 'are dev dependencies'}, not installed here`;
  return configError(`${what} needs the development install (${dependencies}): clone the repository and run npm ci${alternative ? `, ${alternative}` : ''}`);
}

/** Throws the one-line config error when a dev-only command runs where its dev dependencies are not installed.
 * Resolving (not importing) keeps the check cheap and free of side effects; it resolves from this package's own
 * node_modules, exactly where the command's later import looks. */
export function assertDevInstall(what: string, packages: readonly string[]): void {
  const missing = packages.filter((name) => {
    try {
      import.meta.resolve(name);
      return false;
    } catch (error) {
      if (isMissing(error)) return true;
      throw error;
    }
  });
  if (missing.length > 0) throw devInstallError(what, missing);
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
