// The source's CLI, once src/bin/source.ts has checked the Node version. The runtime flags are on source.ts's
// shebang; why each is there is in docs/benchmarks/profiling.md ("The runtime flags").
import { describeError } from '../commands/errors.ts';
import { runCommand } from '../commands/index.ts';
import { emit, stdoutMessages } from '../commands/messages.ts';
import { errorTraceMessage } from '../protocol/messages.ts';
import { redact } from '../secrets.ts';
import { processStop } from '../stop.ts';
import { exitQuietlyOnBrokenPipe } from './broken-pipe.ts';

/** The exit code; after a stop (SIGTERM) at once, since requests the source abandoned may still be in flight. */
function exitWith(code: number): void {
  if (processStop.received !== undefined) process.exit(processStop.exitCode());
  process.exitCode = code;
}

exitQuietlyOnBrokenPipe();
processStop.install();
runCommand(process.argv.slice(2)).then(exitWith, async (error: unknown) => {
  const connectorError = describeError(error);
  process.stderr.write(`${redact(`${connectorError.failureType}: ${connectorError.message}`)}\n`);
  if (connectorError.internal) process.stderr.write(`${redact(connectorError.internal)}\n`);
  const cause = connectorError.cause;
  if (connectorError.failureType === 'system_error' && cause instanceof Error && cause.stack) {
    process.stderr.write(`${redact(cause.stack)}\n`);
  }
  await stdoutMessages.flush();
  await emit(errorTraceMessage(connectorError));
  exitWith(1);
});
