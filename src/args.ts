import { parseArgs } from 'node:util';
import { configError } from './errors.ts';

/** `--name value` flags of one command; anything unknown is a config_error that shows the usage. */
export function parseFlags(argv: string[], names: readonly string[], usage: string): Record<string, string | undefined> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Record<string, string | undefined>;
  } catch (error) {
    throw configError(`${(error as Error).message}\n${usage}`);
  }
}

export function requiredFlag(values: Record<string, string | undefined>, name: string, usage: string): string {
  const value = values[name];
  if (!value) throw configError(`Missing --${name} FILE.\n${usage}`);
  return value;
}
