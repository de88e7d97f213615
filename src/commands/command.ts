import { redact } from '../secrets.ts';
import { describeError } from './errors.ts';
import { type CommandSpec, type FlagSpec, type FlagValues, parseFlags, usageOf, wantsHelp } from './flags.ts';

/** The program's name in usage lines and messages. */
export const PROGRAM = 'source-tiktok-marketing';

/** A command of the table: its declaration (flags, usage) and how to run it on raw arguments. */
export interface Command {
  spec: CommandSpec;
  /** Runs the command; answers its exit code. `--help` prints its usage instead. */
  invoke(argv: readonly string[]): Promise<number>;
}

/** A command from its flag table and the function that runs it on the parsed flags. */
export function command<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, run: (flags: FlagValues<F>) => Promise<number>, program = PROGRAM): Command {
  return selfReportingCommand(spec, (argv) => run(parseFlags(program, spec, argv)), program);
}

/**
 * A command that parses its own flags (with the same table) because it reports every failure itself, a bad flag
 * included, in its own way (`sync` in words on stderr, the destination as a TRACE on stdout).
 */
export function selfReportingCommand(spec: CommandSpec, run: (argv: string[]) => Promise<number>, program = PROGRAM): Command {
  return {
    spec,
    async invoke(argv) {
      if (wantsHelp(argv)) {
        process.stdout.write(`${usageOf(program, spec)}\n`);
        return 0;
      }
      return run([...argv]);
    },
  };
}

/**
 * A command whose stdout is its product for a pipe or a person (SQL for psql or bq, a list of files), not Airbyte
 * messages: a failure is one line on stderr (the usage a bad flag brings is left to --help) and exit 1, never a
 * TRACE on stdout.
 */
export function plainCommand<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, run: (flags: FlagValues<F>) => Promise<number>, program = PROGRAM): Command {
  return selfReportingCommand(
    spec,
    async (argv) => {
      try {
        return await run(parseFlags(program, spec, argv));
      } catch (caught) {
        const error = describeError(caught);
        const [first = '', ...more] = error.message.split('\n');
        const hint = more.length > 0 && more.some((line) => line.startsWith('Usage:')) ? ` (${program} ${spec.name} --help shows the usage)` : '';
        process.stderr.write(redact(`${spec.name}: ${error.failureType}: ${first}${hint}\n`));
        return 1;
      }
    },
    program,
  );
}
