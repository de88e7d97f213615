import { parseArgs } from 'node:util';
import { configError } from '../errors.ts';

// One table-driven flag parser for every command: a command declares its flags once, and the same declaration
// parses argv (strictly: an unknown or repeated-without-value flag is a config_error showing the usage), checks
// the required ones, and writes the usage text.

export interface ValueFlag {
  /** What the value is, for the usage and for the message when it is missing: FILE, URL, N, "a,b,…". */
  value: string;
  required?: boolean;
  /** Given any number of times: its values in order (an empty list when absent). */
  multiple?: boolean;
  help?: string;
}

/** A flag without a value (--listen, --full-refresh). */
export interface SwitchFlag {
  value?: undefined;
  help?: string;
}

export type FlagSpec = ValueFlag | SwitchFlag;

export interface CommandSpec<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  /** As typed after the program's name: `sync`, `destination write`. */
  name: string;
  /** One line for the program's list of commands. */
  summary: string;
  flags: F;
  /** Lines shown after the synopsis in the command's own usage. */
  details?: string;
}

export type FlagValues<F extends Record<string, FlagSpec>> = {
  [K in keyof F]: F[K] extends { value: string }
    ? F[K] extends { multiple: true }
      ? string[]
      : F[K] extends { required: true }
        ? string
        : string | undefined
    : boolean;
};

/** The command's synopsis: its name, then each flag, optional ones in brackets. */
export function synopsis(program: string, spec: CommandSpec): string {
  const parts = Object.entries(spec.flags).map(([name, flag]) => {
    const text = flag.value === undefined ? `--${name}` : `--${name} ${flag.value}`;
    if (flag.value !== undefined && flag.multiple) return `[${text}]…`;
    return flag.value !== undefined && flag.required ? text : `[${text}]`;
  });
  return [program, spec.name, ...parts].join(' ');
}

/** The usage of one command: synopsis, one line per flag that says something, then its details. */
export function usageOf(program: string, spec: CommandSpec): string {
  const lines = [`Usage: ${synopsis(program, spec)}`];
  const described = Object.entries(spec.flags).filter(([, flag]) => flag.help !== undefined);
  const width = Math.max(0, ...described.map(([name, flag]) => `--${name}${flag.value ? ` ${flag.value}` : ''}`.length));
  for (const [name, flag] of described) lines.push(`  ${`--${name}${flag.value ? ` ${flag.value}` : ''}`.padEnd(width)}  ${flag.help}`);
  if (spec.details) lines.push(spec.details);
  return lines.join('\n');
}

/** Whether argv asks for the command's usage instead of running it. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Parses argv by the command's table; a config_error (with the usage) for anything it does not declare or lacks. */
export function parseFlags<F extends Record<string, FlagSpec>>(program: string, spec: CommandSpec<F>, argv: readonly string[]): FlagValues<F> {
  const usage = usageOf(program, spec);
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(spec.flags).map(([name, flag]) => [
          name,
          flag.value === undefined ? { type: 'boolean' as const } : { type: 'string' as const, multiple: flag.multiple === true },
        ]),
      ),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw configError(`${(error as Error).message}\n${usage}`);
  }
  const parsed: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    const value = values[name];
    if (flag.value === undefined) {
      parsed[name] = value === true;
      continue;
    }
    if (flag.multiple) {
      const list = Array.isArray(value) ? value.map(String) : [];
      if (flag.required && list.length === 0) throw configError(`Missing --${name} ${flag.value}.\n${usage}`);
      parsed[name] = list;
      continue;
    }
    if (flag.required && (typeof value !== 'string' || value === '')) throw configError(`Missing --${name} ${flag.value}.\n${usage}`);
    parsed[name] = typeof value === 'string' ? value : undefined;
  }
  return parsed as FlagValues<F>;
}
