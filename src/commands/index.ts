import { configError } from '../errors.ts';
import { checkCommand } from './check.ts';
import { type Command, PROGRAM } from './command.ts';
import { dbtCommand } from './dbt.ts';
import { destinationCommand } from './destination.ts';
import { discoverCommand } from './discover.ts';
import { synopsis } from './flags.ts';
import { readCommand } from './read.ts';
import { specCommand } from './spec.ts';
import { syncCommand } from './sync.ts';
import { tokenCommand } from './token.ts';
import { viewsCommand } from './views.ts';

/** Every command of the source's CLI, in the order the usage lists them. A new command is one file and one line here. */
export const COMMANDS: readonly Command[] = [
  specCommand, checkCommand, discoverCommand, readCommand, tokenCommand, syncCommand, destinationCommand, dbtCommand, viewsCommand,
];

/** The program's usage: each command's synopsis and what it does, from the commands' own tables. */
export function programUsage(): string {
  return [
    `Usage: ${PROGRAM} <command> [options]   (${PROGRAM} <command> --help: the command's usage)`,
    ...COMMANDS.map((command) => `  ${synopsis(PROGRAM, command.spec).slice(PROGRAM.length + 1)}\n      ${command.spec.summary}`),
  ].join('\n');
}

/** Runs the command argv names; answers its exit code. */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stderr.write(`${programUsage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.spec.name === name);
  if (command === undefined) throw configError(`Unknown command "${name}".\n${programUsage()}`);
  return command.invoke(rest);
}
