// The contract every warehouse engine implements (src/engines/<name>/). The engine knows tables,
// types and transactions; it knows nothing of TikTok and nothing of the message stream, which
// `loadMessages` (load-messages.ts) turns into calls on this interface.

import { configError } from '../errors.ts';
import type {
  AirbyteRecordMessage,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  JsonSchema,
  SyncMode,
} from '../protocol/types.ts';

/**
 * How a stream's rows meet the rows already in its table (dlt and Singer call these write dispositions):
 * - `append`: every row is added, duplicates and all;
 * - `overwrite`: the table's contents are replaced by this sync's rows when the stream completes;
 * - `append_dedup`: rows are merged on the primary key, the row with the latest cursor (then the latest
 *   extraction) wins.
 */
export type WriteDisposition = 'append' | 'overwrite' | 'append_dedup';

/** Everything an engine needs to know about one stream's table. */
export interface SinkStream {
  name: string;
  jsonSchema: JsonSchema;
  disposition: WriteDisposition;
  /** Paths into the record; empty when the stream has no key. */
  primaryKey: string[][];
  /** Path into the record; empty when the stream has no cursor. */
  cursorField: string[];
  /** Written to `_airbyte_generation_id`. */
  generationId: number;
  /** Written into `_airbyte_meta.sync_id` when the orchestrator gives one. */
  syncId: number | undefined;
}

/** Stream name → stream_state, as stored beside the data. */
export type StoredState = Map<string, Record<string, unknown>>;

/**
 * One stream's part of a commit. `state` undefined leaves the stored state as it is; null deletes it (an
 * overwrite that ended without state must not keep the state of the table it replaced).
 */
export interface StreamCommit {
  stream: string;
  state: Record<string, unknown> | null | undefined;
  /** Replace the table's rows with the staged ones (overwrite, at the stream's end). */
  replace: boolean;
}

export interface Sink {
  /** Creates or alters the tables (and the state table) for these streams; called once before any write. */
  prepare(streams: readonly SinkStream[]): Promise<void>;
  /** The state stored by earlier syncs. */
  readState(): Promise<StoredState>;
  /**
   * Stages one record. Staged rows are invisible to readers and lost if the process dies; they become table
   * rows only through `commit`. The engine encodes the record at once and sends staged rows in batches of
   * its choosing (by size), so memory stays flat; it returns a promise only when the caller must wait for a
   * batch to be taken, and undefined otherwise (a promise per record would cost more than the record).
   */
  stage(stream: string, record: AirbyteRecordMessage): Promise<void> | undefined;
  /** In one transaction: the staged rows of these streams become table rows and their states are stored. */
  commit(commits: readonly StreamCommit[]): Promise<void>;
  /**
   * Optional: whether a STATE of this stream should commit now. An engine whose commits are rationed (quotas
   * of load jobs per table per day, of statements per table per 10 s) answers false until enough rows or time
   * have gathered; the driver then holds the STATE and commits it, and acknowledges it, with the stream's next
   * commit. Absent means every STATE commits at once.
   */
  commitDue?(stream: string): boolean;
  /**
   * Called once the message stream has ended cleanly and the last commit is done: the engine finishes work it
   * deferred (an engine that filled a table in bulk builds its key index now).
   */
  finish(): Promise<void>;
  /** Releases the connection; anything staged and not committed is dropped. */
  close(): Promise<void>;
  /** Optional: what the run's queries cost where the warehouse bills by bytes (for the run's summary). */
  warehouseCost?(): { bytesProcessed: number; bytesBilled: number };
}

/** The one rule that picks a disposition: incremental with a key merges, incremental without appends, full refresh replaces. */
export function dispositionFor(syncMode: SyncMode, primaryKey: readonly (readonly string[])[]): WriteDisposition {
  if (syncMode === 'full_refresh') return 'overwrite';
  return primaryKey.length > 0 ? 'append_dedup' : 'append';
}

/**
 * The sink's view of a configured catalog. The orchestrator's `destination_sync_mode` is honoured as given
 * (it is the user's choice in Airbyte); a merge without a key is a configuration mistake, said so.
 */
export function sinkStreamsOf(catalog: ConfiguredAirbyteCatalog): SinkStream[] {
  const seen = new Set<string>();
  return catalog.streams.map((configured) => {
    const name = configured.stream.name;
    if (seen.has(name)) throw configError(`The catalog lists stream "${name}" twice.`);
    seen.add(name);
    return sinkStreamOf(configured);
  });
}

function sinkStreamOf(configured: ConfiguredAirbyteStream): SinkStream {
  const { stream } = configured;
  const primaryKey = nonEmptyPaths(configured.primary_key) ?? nonEmptyPaths(stream.source_defined_primary_key) ?? [];
  const cursorField = nonEmptyPath(configured.cursor_field) ?? nonEmptyPath(stream.default_cursor_field) ?? [];
  const disposition: WriteDisposition = configured.destination_sync_mode;
  if (disposition === 'append_dedup' && primaryKey.length === 0) {
    throw configError(
      `Stream "${stream.name}" is configured as append_dedup but has no primary key; give it one or choose append.`,
    );
  }
  return {
    name: stream.name,
    jsonSchema: stream.json_schema,
    disposition,
    // A key only matters to dedup, and to overwrite (which keeps the table ready for a later dedup sync).
    primaryKey: disposition === 'append' ? [] : primaryKey,
    cursorField,
    generationId: configured.generation_id ?? 0,
    syncId: configured.sync_id,
  };
}

function nonEmptyPaths(paths: string[][] | undefined): string[][] | undefined {
  const kept = (paths ?? []).filter((path) => path.length > 0);
  return kept.length > 0 ? kept : undefined;
}

function nonEmptyPath(path: string[] | undefined): string[] | undefined {
  return path && path.length > 0 ? path : undefined;
}
