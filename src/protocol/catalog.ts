import { Ajv } from 'ajv';
import { configError } from '../errors.ts';
import type { ConfiguredAirbyteCatalog } from './types.ts';

// The part of ConfiguredAirbyteCatalog the source relies on, checked before anything runs.
const schema = {
  type: 'object',
  required: ['streams'],
  properties: {
    streams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stream', 'sync_mode', 'destination_sync_mode'],
        properties: {
          stream: {
            type: 'object',
            required: ['name', 'json_schema', 'supported_sync_modes'],
            properties: {
              name: { type: 'string', minLength: 1 },
              json_schema: { type: 'object' },
              supported_sync_modes: { type: 'array', items: { enum: ['full_refresh', 'incremental'] } },
            },
          },
          sync_mode: { enum: ['full_refresh', 'incremental'] },
          destination_sync_mode: { enum: ['append', 'overwrite', 'append_dedup'] },
          cursor_field: { type: 'array', items: { type: 'string' } },
          primary_key: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile<ConfiguredAirbyteCatalog>(schema);

export function parseCatalog(input: unknown): ConfiguredAirbyteCatalog {
  if (validate(input)) {
    // A stream configured twice would be read twice and its two states would overwrite each other.
    const names = input.streams.map((s) => s.stream.name);
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice !== undefined) throw configError(`Invalid configured catalog: stream ${JSON.stringify(twice)} is configured more than once.`);
    return input;
  }
  const problems = (validate.errors ?? [])
    .map((e) => `${e.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'catalog'} ${e.message ?? 'is invalid'}`)
    .slice(0, 5);
  throw configError(`Invalid configured catalog: ${problems.join('; ')}.`);
}
