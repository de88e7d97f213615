#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up
// The source's CLI. The flags above give a read or sync a fixed memory size whatever the row count; why each is
// there is in docs/benchmarks/profiling.md ("The runtime flags"). The Dockerfile passes the same (test/e2e/packaging.test.ts).
import { describeError } from '../commands/errors.ts';
import { runCommand } from '../commands/index.ts';
import { emit, stdoutMessages } from '../commands/messages.ts';
import { errorTraceMessage } from '../protocol/messages.ts';
import { redact } from '../secrets.ts';

runCommand(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const connectorError = describeError(error);
    process.stderr.write(`${redact(`${connectorError.failureType}: ${connectorError.message}`)}\n`);
    if (connectorError.internal) process.stderr.write(`${redact(connectorError.internal)}\n`);
    const cause = connectorError.cause;
    if (connectorError.failureType === 'system_error' && cause instanceof Error && cause.stack) {
      process.stderr.write(`${redact(cause.stack)}\n`);
    }
    await stdoutMessages.flush();
    await emit(errorTraceMessage(connectorError));
    process.exitCode = 1;
  },
);
