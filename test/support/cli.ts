import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonLossless } from '../../src/json.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { runNode } from './process.ts';
import { assertProtocol, protocolAvailable } from './protocol.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The built entrypoint, as the bin, the Dockerfile and Airbyte run it. */
export const CLI = resolve(ROOT, 'dist/bin/source.js');

/** The built destination bin (package.json's destination-postgres-tiktok). */
export const DESTINATION_CLI = resolve(ROOT, 'dist/bin/destination.js');

/**
 * The built bins' runtime as their shebang sets it (src/bin/source.ts): the V8 flags (a 192 MB heap) and the malloc
 * environment. A test that runs the CLI this way runs it as users and the image do, memory limit included.
 */
export function shippedRuntime(bin = CLI): { flags: string[]; env: Record<string, string> } {
  const shebang = /^#!\S+\s+-S\s+((?:\w+=\S+\s+)*)node\s+(.*)$/.exec(readFileSync(bin, 'utf8').split('\n')[0] ?? '');
  if (shebang === null) throw new Error(`${bin} has no \`#!/usr/bin/env -S … node …\` shebang`);
  const env = Object.fromEntries(shebang[1]!.split(/\s+/).filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]));
  return { flags: shebang[2]!.split(/\s+/).filter(Boolean), env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  messages: AirbyteMessage[];
}

/** Runs the CLI; every stdout line must be a JSON AirbyteMessage valid against the official schema. */
export async function runCli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number; validate?: boolean } = {}): Promise<CliResult> {
  const { code, stdout, stderr } = await runNode([CLI, ...args], { cwd: ROOT, env: { ...process.env, ...options.env }, timeoutMs: options.timeoutMs ?? 110_000 });
  try {
    return { code, stdout, stderr, messages: parseMessages(stdout, options.validate ?? true) };
  } catch (error) {
    throw new Error(`${(error as Error).message}\nstderr: ${stderr.slice(0, 2000)}`);
  }
}

export function parseMessages(stdout: string, validate = true): AirbyteMessage[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      let message: unknown;
      try {
        message = parseJsonLossless(line);
      } catch {
        throw new Error(`stdout line is not JSON: ${line.slice(0, 300)}`);
      }
      if (validate && protocolAvailable) assertProtocol(JSON.parse(line));
      return message as AirbyteMessage;
    });
}

export const records = (messages: AirbyteMessage[], stream?: string) =>
  messages.flatMap((m) => (m.type === 'RECORD' && (!stream || m.record.stream === stream) ? [m.record.data] : []));
export const states = (messages: AirbyteMessage[]) => messages.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
export const traces = (messages: AirbyteMessage[]) => messages.flatMap((m) => (m.type === 'TRACE' ? [m.trace] : []));

/** The messages of one type, typed as such. */
export function ofType<T extends AirbyteMessage['type']>(messages: AirbyteMessage[], type: T): Extract<AirbyteMessage, { type: T }>[] {
  return messages.filter((m): m is Extract<AirbyteMessage, { type: T }> => m.type === type);
}
