// Destination mode, for Airbyte-compatible orchestrators: `spec`, `check --config F` and
// `write --config F --catalog F` reading AirbyteMessages (JSON lines) from stdin. Stdout carries only
// Airbyte messages: each STATE is echoed once the rows it covers are committed, a LOG summary at the end,
// and one TRACE error if the load fails. Human-readable lines go to stderr.

import type { Readable, Writable } from 'node:stream';
import { readJsonFile } from '../config.ts';
import { asConnectorError, configError } from '../errors.ts';
import { parseCatalog } from '../protocol/catalog.ts';
import { errorTraceMessage, logMessage } from '../protocol/messages.ts';
import { MessageWriter } from '../protocol/output.ts';
import type { AirbyteMessage } from '../protocol/types.ts';
import { redact } from '../secrets.ts';
import { exitCodeFor, processStop, StoppedError, type StopRequest, untilStopped } from '../stop.ts';
import { containerNouns, containerOf, destinationSpecification, engineTitles, openSink, targetFromConfig } from '../engines/registry.ts';
import { loadMessages, newLoadProgress } from '../load/load-messages.ts';
import { linesOf, messagesOf } from '../load/message-lines.ts';
import { formatCount } from '../load/progress.ts';
import { type Command, PROGRAM } from './command.ts';
import { type CommandSpec, parseFlags, synopsis, usageOf, wantsHelp } from './flags.ts';

/** The destination's three commands, each with its flag table. */
export const DESTINATION_SPECS = {
  spec: { name: 'destination spec', summary: 'print the destination specification', flags: {} },
  check: {
    name: 'destination check',
    summary: `connect to ${engineTitles()} and try the ${containerNouns()}`,
    flags: { config: { value: 'FILE', required: true } },
  },
  write: {
    name: 'destination write',
    summary: 'load AirbyteMessages from stdin; echo each STATE once committed',
    flags: { config: { value: 'FILE', required: true }, catalog: { value: 'FILE', required: true } },
  },
} as const satisfies Record<string, CommandSpec>;

const USAGE = [`Usage: ${PROGRAM} destination spec|check|write [options]`, ...Object.values(DESTINATION_SPECS).map((spec) => `  ${synopsis(PROGRAM, spec)}   ${spec.summary}`)].join('\n');

/** `destination …` in the source's CLI; the destination's own bin runs the same without the word. */
export const destinationCommand: Command = {
  spec: {
    name: 'destination',
    summary: `spec | check | write: the ${engineTitles()} destination (AirbyteMessages on stdin)`,
    flags: {},
    details: Object.values(DESTINATION_SPECS).map((spec) => `  ${synopsis(PROGRAM, spec)}   ${spec.summary}`).join('\n'),
  },
  // `destination --help` and `destination write --help` alike: runDestination answers each with the right usage.
  invoke: (argv) => runDestinationCommand([...argv]),
};

export interface DestinationIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** `write` watches it: on SIGTERM it stops taking messages, commits what it can and exits with the signal's code. */
  stop?: StopRequest;
}

export async function runDestinationCommand(argv: string[]): Promise<number> {
  return runDestination(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, stop: processStop });
}

export async function runDestination(argv: string[], io: DestinationIo): Promise<number> {
  const out = new MessageWriter(io.stdout);
  const emit = async (message: AirbyteMessage): Promise<void> => {
    await out.write(message);
  };
  const [command, ...rest] = argv;
  // Usage on stdout, as every command answers --help: the human asked for it, no orchestrator reads it.
  if (command === 'help' || wantsHelp(argv)) {
    const subcommand = Object.entries(DESTINATION_SPECS).find(([name]) => name === command)?.[1];
    io.stdout.write(`${subcommand === undefined ? USAGE : usageOf(PROGRAM, subcommand)}\n`);
    return 0;
  }
  try {
    switch (command) {
      case 'spec':
        parseFlags(PROGRAM, DESTINATION_SPECS.spec, rest);
        await emit({
          type: 'SPEC',
          spec: {
            documentationUrl: 'https://github.com/source-tiktok-marketing/source-tiktok-marketing/blob/main/docs/sinks.md',
            connectionSpecification: destinationSpecification(),
            supportsIncremental: true,
            supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
          },
        });
        break;
      case 'check':
        await emit(await check(parseFlags(PROGRAM, DESTINATION_SPECS.check, rest).config));
        break;
      case 'write': {
        const values = parseFlags(PROGRAM, DESTINATION_SPECS.write, rest);
        await write(values.config, values.catalog, io, emit);
        break;
      }
      default:
        throw configError(command === undefined ? USAGE : `Unknown destination command "${command}".\n${USAGE}`);
    }
    await out.end();
    return 0;
  } catch (caught) {
    const error = asConnectorError(caught);
    io.stderr.write(redact(`${error.failureType}: ${error.message}\n`));
    if (error.failureType === 'system_error' && error.internal) io.stderr.write(redact(`${error.internal}\n`));
    await out.flush();
    await emit(errorTraceMessage(error));
    await out.end();
    return error instanceof StoppedError ? exitCodeFor(error.signalName) : 1;
  }
}

async function check(configPath: string): Promise<AirbyteMessage> {
  try {
    const target = targetFromConfig(readJsonFile(configPath, 'config'));
    const sink = await openSink(target);
    try {
      // Creates the schema and the state table if missing: proves the rights a sync needs.
      await sink.readState();
    } finally {
      await sink.close();
    }
    return { type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED', message: `Connected to ${target.display}, ${containerOf(target)}.` } };
  } catch (error) {
    // Airbyte reads check's verdict from the message, so a refused connection is an answer, not a crash.
    return { type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: redact(asConnectorError(error).message) } };
  }
}

async function write(configPath: string, catalogPath: string, io: DestinationIo, emit: (message: AirbyteMessage) => Promise<void>): Promise<void> {
  const target = targetFromConfig(readJsonFile(configPath, 'config'));
  const catalog = parseCatalog(readJsonFile(catalogPath, 'catalog'));
  const progress = newLoadProgress();
  const started = performance.now();
  const sink = await openSink(target);
  const fromStdin = messagesOf(linesOf(io.stdin));
  const messages = io.stop === undefined ? fromStdin : untilStopped(fromStdin, io.stop.watch());
  try {
    for await (const message of loadMessages(sink, catalog, messages, { progress })) {
      // The source's own LOG and TRACE messages already reached the orchestrator; only our acknowledgements go back.
      if (message.type === 'STATE') await emit(message);
    }
  } finally {
    await sink.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const parts = [...progress.streams].map(([name, counts]) => `${name}=${formatCount(counts.committed)}`);
  const summary = `Loaded into ${target.display} ${containerOf(target)} in ${seconds.toFixed(1)} s: ${parts.join(', ') || 'no streams'}.`;
  io.stderr.write(redact(`${summary}\n`));
  await emit(logMessage('INFO', summary));
  const failedStreams = [...progress.failedStreams];
  if (failedStreams.length > 0) {
    await emit(logMessage('WARN', `Streams reported as failed by the source; their rows after the last state were not committed: ${failedStreams.join(', ')}.`));
  }
}

