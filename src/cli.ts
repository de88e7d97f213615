#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up
// The flags above make the memory a read or sync needs a fixed size, reached in its first seconds, however many
// rows follow (bench P5): report syncs allocate GB of short-lived strings, and with V8's default sizing the heap
// (and RSS) grows to ~400 MB though less than 50 MB is alive. The young generation has a fixed size (4 MB
// semi-spaces, as V8's --predictable-gc-schedule sizes it), full size from the start, and stays that size while a
// full collection marks: by default (--separate-gc-phases) V8 stops scavenging during incremental marking and lets
// the young generation grow past its size instead, by however much is allocated before marking ends, which is a
// matter of thread scheduling (8 MB young generations measured at 27-35 MB). The old generation grows 60 % past
// what a full collection left alive. Two malloc arenas: glibc otherwise gives each of V8's GC and compiler threads
// its own, and RSS grows with their fragmentation; a fixed 64 KB mmap threshold gives report pages (1-2 MB each)
// and the sockets' 64 KB read buffers mappings of their own, returned to the system when freed, instead of
// fragmenting the heap a little more each minute (with 1 MB, a 100 k-row read's peak was 111 or 121 MB by
// chance). WebAssembly stays on its baseline compiler: optimising the HTTP parser of Node's fetch (llhttp, one
// huge function) takes ~24 MB of compiler memory at some moment of a run, for no measurable speed. The Dockerfile
// passes the same (test/packaging.test.ts keeps them equal).
import { parseFlags, requiredFlag } from './args.ts';
import { loadConfig, readJsonFile } from './config.ts';
import { engineTitles, urlHints } from './engines/registry.ts';
import { type ConnectorError, asConnectorError, configError } from './errors.ts';
import { parseCatalog } from './protocol/catalog.ts';
import { errorTraceMessage } from './protocol/messages.ts';
import { MessageWriter, writeAll } from './protocol/output.ts';
import type { AirbyteMessage } from './protocol/types.ts';
import { redact } from './secrets.ts';
import { check, discoverMessages, read, specification } from './source.ts';
import { createContext } from './streams/context.ts';
import { parseState } from './streams/state.ts';
import { TikTokApiError, toConnectorError } from './tiktok/errors.ts';
import { withProgress } from './progress.ts';
import { runTokenCommand } from './token-command.ts';

const USAGE = `Usage: source-tiktok-marketing <command> [options]
  spec                                             print the connector specification
  check    --config FILE                           test the credentials and reach the advertisers
  discover --config FILE                           print the catalog of streams
  read     --config FILE --catalog FILE [--state FILE]   emit records and state (Airbyte protocol on stdout)
  token    --app-id A --secret S --auth-code C [--api-base-url URL]   trade an auth_code for the long-term token
  token    --listen --app-id A --secret S [--port N]   the whole authorisation flow: URL, local redirect, token
  sync     --config FILE --destination ${urlHints()} [--schema S] [--streams a,b] [--full-refresh]   load into ${engineTitles()}
  destination spec | check --config FILE | write --config FILE --catalog FILE   ${engineTitles()} destination (stdin)
  dbt      --destination ${urlHints()} --out DIR [--schema S] [--config FILE]   write a dbt project for the loaded streams
  views    --destination ${urlHints()} [--schema S] [--config FILE]   print the analytics views' SQL`;

const out = new MessageWriter();

async function emit(message: AirbyteMessage): Promise<void> {
  await out.write(message);
  await out.end();
}

const options = (argv: string[], names: string[]) => parseFlags(argv, names, USAGE);
const required = (values: Record<string, string | undefined>, name: string) => requiredFlag(values, name, USAGE);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'spec':
      options(rest, []);
      await emit({ type: 'SPEC', spec: specification });
      return 0;
    case 'check': {
      const values = options(rest, ['config']);
      let status;
      try {
        status = await check(loadConfig(required(values, 'config')));
      } catch (error) {
        // Airbyte reads check's verdict from the message; an unusable config is a verdict too.
        status = { status: 'FAILED' as const, message: redact(describe(error).message) };
      }
      await emit({ type: 'CONNECTION_STATUS', connectionStatus: { ...status, ...(status.message ? { message: redact(status.message) } : {}) } });
      return 0;
    }
    case 'discover': {
      const values = options(rest, ['config']);
      // The catalog depends on the config: its custom reports, and the sandbox's smaller set of streams.
      for (const message of discoverMessages(loadConfig(required(values, 'config')))) await out.write(message);
      await out.end();
      return 0;
    }
    case 'read': {
      const values = options(rest, ['config', 'catalog', 'state']);
      const config = loadConfig(required(values, 'config'));
      const catalog = parseCatalog(readJsonFile(required(values, 'catalog'), 'catalog'));
      const state = parseState(values['state'] ? readJsonFile(values['state'], 'state') : undefined);
      // Its records are only written out: made as JSON lines at once (streams/context.ts).
      await writeAll(withProgress(read(config, catalog, state, createContext(config, undefined, { output: 'lines' }))), out);
      return 0;
    }
    case 'token':
      // Not an Airbyte command: the long-term token to put in the config (from an auth_code, or the whole flow).
      return runTokenCommand(rest);
    case 'sync': {
      const { runSyncCommand } = await import('./sync.ts');
      return runSyncCommand(rest);
    }
    case 'destination': {
      const { runDestinationCommand } = await import('./destination.ts');
      return runDestinationCommand(rest);
    }
    case 'views': {
      const { runViewsCommand } = await import('./views-command.ts');
      return runViewsCommand(rest);
    }
    case 'dbt': {
      const { runDbtCommand } = await import('./dbt-command.ts');
      return runDbtCommand(rest);
    }
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stderr.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw configError(`Unknown command "${command}".\n${USAGE}`);
  }
}

function describe(error: unknown): ConnectorError {
  return error instanceof TikTokApiError ? toConnectorError(error) : asConnectorError(error);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const connectorError = describe(error);
    process.stderr.write(`${redact(`${connectorError.failureType}: ${connectorError.message}`)}\n`);
    if (connectorError.internal) process.stderr.write(`${redact(connectorError.internal)}\n`);
    const cause = connectorError.cause;
    if (connectorError.failureType === 'system_error' && cause instanceof Error && cause.stack) {
      process.stderr.write(`${redact(cause.stack)}\n`);
    }
    await out.flush();
    await emit(errorTraceMessage(connectorError));
    process.exitCode = 1;
  },
);
