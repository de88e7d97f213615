// What `--destination` names: a URL (one of the engines' schemes), or a destination config file — the JSON that
// `destination --config` takes — so a password or a key never has to be on the command line, where `ps` shows it
// to everyone on the machine for the whole sync.

import { existsSync } from 'node:fs';
import { readJsonFile } from '../config.ts';
import { type EngineTarget, targetFromConfig, targetFromDestinationUrl, urlHints } from '../engines/registry.ts';
import { configError } from '../errors.ts';

/** The flag's value as the usage shows it. */
export const DESTINATION_HINT = `${urlHints()}|FILE.json`;

const HAS_SCHEME = /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The target a `--destination` value names; `container` (--schema) applies to a URL only. */
export function destinationTarget(value: string, container: string | undefined): EngineTarget {
  if (HAS_SCHEME.test(value)) return targetFromDestinationUrl(value, container);
  // Never repeated back: a mistyped URL may hold a password.
  if (!existsSync(value)) throw configError(`--destination takes a URL (${urlHints()}) or a destination config file, and this is neither (no such file).`);
  const config = readJsonFile(value, 'destination config');
  if (container !== undefined) {
    throw configError(`--schema applies to a destination URL; with a destination config file (${value}) put the schema or dataset in the file.`);
  }
  return targetFromConfig(config);
}
