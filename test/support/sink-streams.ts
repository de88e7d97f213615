// Sink streams as the connector's catalog declares them, and records for them: what a sink is handed, without a source.

import { parseConfig } from '../../src/config.ts';
import type { SinkStream } from '../../src/load/sink.ts';
import type { AirbyteRecordMessage } from '../../src/protocol/types.ts';
import { discover } from '../../src/source.ts';
import { configFor } from './credentials.ts';

export const catalog = discover(parseConfig(configFor('http://127.0.0.1:1')));

export function sinkStream(name: string, disposition: SinkStream['disposition'] = 'append_dedup'): SinkStream {
  const stream = catalog.streams.find((s) => s.name === name)!;
  return {
    name,
    jsonSchema: stream.json_schema,
    disposition,
    primaryKey: stream.source_defined_primary_key ?? [],
    cursorField: stream.default_cursor_field ?? [],
    generationId: 3,
    syncId: 42,
  };
}

export const record = (stream: string, data: Record<string, unknown>, emitted_at = Date.UTC(2026, 9, 1)): AirbyteRecordMessage => ({ stream, data, emitted_at });
