import { configError } from '../errors.ts';
import { toId } from './fields.ts';

/** stream name → that stream's stream_state, as the platform passed it. */
export type SourceState = Map<string, Record<string, unknown>>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Accepts the state as Airbyte's platform passes it: an array of per-stream AirbyteStateMessages, or the legacy
 * single object (stream name → stream state), or a LEGACY-typed message holding that object.
 */
export function parseState(input: unknown): SourceState {
  const state: SourceState = new Map();
  if (input === undefined || input === null) return state;
  if (Array.isArray(input)) {
    input.forEach((message, index) => {
      if (!isObject(message)) throw configError(`Invalid state: item ${index} is not an AirbyteStateMessage object.`);
      const type = message['type'] ?? (message['stream'] ? 'STREAM' : message['data'] ? 'LEGACY' : undefined);
      if (type === 'STREAM') {
        const stream = message['stream'];
        const name = isObject(stream) && isObject(stream['stream_descriptor']) ? stream['stream_descriptor']['name'] : undefined;
        if (typeof name !== 'string' || name === '') {
          throw configError(`Invalid state: item ${index} has no stream.stream_descriptor.name.`);
        }
        const streamState = (stream as Record<string, unknown>)['stream_state'];
        if (streamState !== undefined && streamState !== null && !isObject(streamState)) {
          throw configError(`Invalid state: stream_state of "${name}" must be an object.`);
        }
        if (isObject(streamState)) state.set(name, streamState);
      } else if (type === 'LEGACY') {
        mergeLegacy(state, message['data'], `item ${index}`);
      } else if (type === 'GLOBAL') {
        const global = message['global'];
        const streams = isObject(global) && Array.isArray(global['stream_states']) ? global['stream_states'] : [];
        for (const s of streams) {
          if (isObject(s) && isObject(s['stream_descriptor']) && typeof s['stream_descriptor']['name'] === 'string' && isObject(s['stream_state'])) {
            state.set(s['stream_descriptor']['name'], s['stream_state']);
          }
        }
      } else {
        throw configError(`Invalid state: item ${index} has unknown type ${JSON.stringify(type)} (expected STREAM, GLOBAL or LEGACY).`);
      }
    });
    return state;
  }
  mergeLegacy(state, input, 'the state');
  return state;
}

function mergeLegacy(state: SourceState, data: unknown, where: string): void {
  if (!isObject(data)) throw configError(`Invalid state: ${where} must be an array of state messages or an object.`);
  for (const [name, streamState] of Object.entries(data)) {
    if (!isObject(streamState)) throw configError(`Invalid state: the state of stream "${name}" must be an object.`);
    state.set(name, streamState);
  }
}

/**
 * Per-advertiser cursors of one stream, stored the way Airbyte's connector stores them, so states move between
 * the two: `{states: [{partition: {advertiser_id, parent_slice: {}}, cursor: {<field>: value}}]}`. Also read:
 * - a legacy top-level `{<field>: value}`, which serves every advertiser that has no cursor of its own;
 * - the low-code CDK's per-partition state: `state: {<field>: value}` (its global cursor) with
 *   `use_global_cursor` (true: the global cursor serves every advertiser, partitions are ignored) and
 *   `lookback_window` (its own lookback; this source re-reads its attribution window instead).
 */
export class PartitionCursors {
  private readonly cursors = new Map<string, string>();
  private readonly fallback: string | undefined;
  readonly field: string;

  constructor(field: string, streamState: Record<string, unknown> | undefined, streamName: string) {
    this.field = field;
    const invalid = (what: string) => configError(`Invalid state for stream "${streamName}": ${what}.`);
    // A state none of whose keys this source (or Airbyte's TikTok connector) writes came from elsewhere: reading
    // on as if there were none would silently re-read from start_date.
    const keys = Object.keys(streamState ?? {});
    if (keys.length > 0 && !keys.some((key) => key === field || KNOWN_STATE_KEYS.has(key) || key.startsWith('__ab_'))) {
      throw invalid(
        `it holds ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')} but no "${field}" or "states" (a state from another connector or another stream?); remove it to read from start_date`,
      );
    }
    const cursorOf = (value: string): string => {
      const cursor = normaliseCursor(value);
      if (!CURSOR.test(cursor)) throw invalid(`the cursor ${JSON.stringify(value.slice(0, 40))} is not a date or date-time (YYYY-MM-DD[ HH:MM:SS])`);
      return cursor;
    };
    const legacy = streamState?.[field];
    if (legacy !== undefined && legacy !== null && typeof legacy !== 'string') throw invalid(`${field} must be a string`);
    const global = streamState?.['state'];
    const globalValue = isObject(global) ? global[field] : undefined;
    if (global !== undefined && global !== null && !isObject(global)) throw invalid('"state" must be an object');
    if (globalValue !== undefined && typeof globalValue !== 'string') throw invalid(`state.${field} must be a string`);
    const fallbackValue = typeof legacy === 'string' ? legacy : globalValue;
    this.fallback = fallbackValue !== undefined ? cursorOf(fallbackValue) : undefined;
    const useGlobal = streamState?.['use_global_cursor'];
    if (useGlobal !== undefined && typeof useGlobal !== 'boolean') throw invalid('"use_global_cursor" must be true or false');
    if (useGlobal === true) {
      if (this.fallback === undefined) throw invalid(`use_global_cursor is true but state.${field} is missing`);
      return;
    }
    const states = streamState?.['states'];
    if (states === undefined) return;
    if (!Array.isArray(states)) throw invalid('"states" must be an array');
    for (const entry of states) {
      const partition = isObject(entry) ? entry['partition'] : undefined;
      const cursor = isObject(entry) ? entry['cursor'] : undefined;
      const id = isObject(partition) ? partition['advertiser_id'] : undefined;
      const value = isObject(cursor) ? cursor[field] : undefined;
      if ((typeof id !== 'string' && typeof id !== 'number') || !/^\d+$/.test(String(id))) {
        throw invalid('each states[] entry needs partition.advertiser_id (digits)');
      }
      // The CDK writes an empty cursor for a partition it started but never finished: nothing to resume from.
      if (isObject(cursor) && Object.keys(cursor).length === 0) continue;
      if (typeof value !== 'string') throw invalid(`each states[] entry needs cursor.${field} (a string)`);
      this.cursors.set(String(id), cursorOf(value));
    }
  }

  get(advertiserId: string): string | undefined {
    return this.cursors.get(advertiserId) ?? this.fallback;
  }

  /** The advertiser ids that have a cursor of their own. */
  partitions(): string[] {
    return [...this.cursors.keys()];
  }

  /** Moves a partition's cursor to another id (a rounded id to the one it was rounded from); `to` keeps its own if it has one. */
  rename(from: string, to: string): void {
    const value = this.cursors.get(from);
    this.cursors.delete(from);
    if (value !== undefined && !this.cursors.has(to)) this.cursors.set(to, value);
  }

  /** Moves a cursor forward; it never moves back. */
  advance(advertiserId: string, value: string): void {
    const current = this.get(advertiserId);
    if (current === undefined || value > current) this.cursors.set(advertiserId, value);
  }

  toStreamState(): Record<string, unknown> {
    const states = [...this.cursors].map(([id, value]) => ({
      partition: { advertiser_id: toId(id), parent_slice: {} },
      cursor: { [this.field]: value },
    }));
    const state: Record<string, unknown> = { states };
    if (this.fallback !== undefined) state[this.field] = this.fallback;
    return state;
  }
}

/** Keys of Airbyte's per-partition states besides the cursor field (see PartitionCursors). */
const KNOWN_STATE_KEYS = new Set(['states', 'state', 'use_global_cursor', 'lookback_window', 'parent_state']);
const CURSOR = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Cursors compare as text: "YYYY-MM-DD HH:MM:SS". Airbyte states may hold ISO forms or bare dates. */
export function normaliseCursor(value: string): string {
  const text = value.trim().replace('T', ' ');
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text} 00:00:00`;
  return text.slice(0, 19);
}
