import { parseConfig } from '../../src/config.ts';
import type { AirbyteMessage, RecordData } from '../../src/protocol/types.ts';
import { defaultConfiguredCatalog, read } from '../../src/source.ts';
import { createClient, createContext } from '../../src/streams/context.ts';
import { parseState } from '../../src/streams/state.ts';
import type { TikTokClient } from '../../src/tiktok/client.ts';
import { assertProtocol, protocolAvailable } from './protocol.ts';

export interface InProcessRead {
  messages: AirbyteMessage[];
  requests: number;
}

/**
 * The source's read in-process (fast retries for tests), each message round-tripped through JSON as the CLI
 * writes it and validated against the protocol schema.
 */
export async function readInProcess(
  rawConfig: Record<string, unknown>,
  streams: string[],
  options: {
    state?: unknown;
    stopAfterRecords?: number;
    fullRefresh?: boolean;
    client?: Partial<ConstructorParameters<typeof TikTokClient>[0]>;
    /** The source's clock (to match an emulator whose clock is fixed far from today). */
    now?: Date;
    /** Called with each message as it comes (a test can act mid-read). */
    onMessage?: (message: AirbyteMessage) => void | Promise<void>;
  } = {},
): Promise<InProcessRead> {
  const config = parseConfig(rawConfig);
  const catalog = defaultConfiguredCatalog(streams);
  if (options.fullRefresh) for (const s of catalog.streams) s.sync_mode = 'full_refresh';
  const client = createClient(config, { retryBaseMs: 5, ...options.client });
  const messages: AirbyteMessage[] = [];
  let records = 0;
  for await (const message of read(config, catalog, parseState(options.state), createContext(config, client, options.now ? { now: () => new Date(options.now!) } : {}))) {
    const line = JSON.stringify(message);
    if (protocolAvailable) assertProtocol(JSON.parse(line));
    messages.push(JSON.parse(line, (_k, v, ctx) => (typeof v === 'number' && !Number.isSafeInteger(v) && ctx.source && /^\d+$/.test(ctx.source) ? ctx.source : v)) as AirbyteMessage);
    await options.onMessage?.(message);
    if (message.type === 'RECORD' && options.stopAfterRecords !== undefined && ++records >= options.stopAfterRecords) break;
  }
  return { messages, requests: client.stats.requests };
}

export const recordsOf = (messages: AirbyteMessage[], stream: string): RecordData[] =>
  messages.flatMap((m) => (m.type === 'RECORD' && m.record.stream === stream ? [m.record.data] : []));

/** The last STATE of each stream, as the platform would hand it back. */
export function lastStates(messages: AirbyteMessage[]): unknown[] {
  const byStream = new Map<string, AirbyteMessage>();
  for (const m of messages) if (m.type === 'STATE' && m.state.stream) byStream.set(m.state.stream.stream_descriptor.name, m);
  return [...byStream.values()].map((m) => (m.type === 'STATE' ? m.state : undefined));
}

/** Records keyed by primary key, the later one winning: what a deduplicating destination keeps. */
export function deduped(rows: RecordData[], key: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of rows) out.set(key.map((k) => String(row[k])).join('|'), JSON.stringify(row));
  return out;
}

/** Up to five differences between two deduplicated row sets (small, so a failing assertion prints fast). */
export function rowDifferences(actual: Map<string, string>, expected: Map<string, string>): string[] {
  const out: string[] = [];
  if (actual.size !== expected.size) out.push(`size ${actual.size} vs ${expected.size}`);
  for (const [key, value] of expected) {
    if (out.length >= 5) break;
    const got = actual.get(key);
    if (got !== value) out.push(`${key}: ${got?.slice(0, 200) ?? 'missing'} vs ${value.slice(0, 200)}`);
  }
  return out;
}
