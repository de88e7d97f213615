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
