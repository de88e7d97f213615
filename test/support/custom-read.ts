import { parseConfig } from '../../src/config.ts';
import type { AirbyteMessage } from '../../src/protocol/types.ts';
import { defaultConfiguredCatalog, read } from '../../src/source.ts';
import { createClient, createContext } from '../../src/streams/context.ts';
import { parseState } from '../../src/streams/state.ts';
import { assertProtocol, protocolAvailable } from './protocol.ts';

/**
 * A read whose catalog comes from the config itself (custom reports, sandbox): in-process, fast retries, every
 * message round-tripped through JSON as the CLI writes it (19-digit ids kept as text) and checked against the
 * protocol schema.
 */
export async function readWithConfig(rawConfig: Record<string, unknown>, streams: string[], state?: unknown): Promise<AirbyteMessage[]> {
  const config = parseConfig(rawConfig);
  const catalog = defaultConfiguredCatalog(streams, config);
  const ctx = createContext(config, createClient(config, { retryBaseMs: 5 }));
  const messages: AirbyteMessage[] = [];
  for await (const message of read(config, catalog, parseState(state), ctx)) {
    const line = JSON.stringify(message);
    if (protocolAvailable) assertProtocol(JSON.parse(line));
    messages.push(
      JSON.parse(line, (_k, v, c: { source?: string }) =>
        typeof v === 'number' && !Number.isSafeInteger(v) && c.source && /^\d+$/.test(c.source) ? c.source : v,
      ) as AirbyteMessage,
    );
  }
  return messages;
}
