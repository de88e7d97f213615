// Which of the connector's streams a destination already holds, and how dbt reaches it: what the `dbt` and
// `views` commands work on. The engine finds it out (Engine.inspect); this is what it answers.

import type { SinkStream } from '../load/sink.ts';
import type { AirbyteStream } from '../protocol/types.ts';
import type { YamlValue } from './dbt/yaml.ts';
import type { WarehouseTables } from './model.ts';

export interface LoadedDestination {
  /** The database (or project) that holds the container. */
  database: string;
  /** The container (schema, dataset) that holds the loaded tables. */
  container: string;
  /** The output of dbt's profiles.yml that reaches it (no secret in it). */
  dbtOutput: { [key: string]: YamlValue };
  loaded: (stream: string) => boolean;
  /**
   * The tables held, with their columns; undefined where the engine does not list them (the loaded entity
   * streams then stand for them).
   */
  tables: WarehouseTables | undefined;
}

/** A catalog stream as a sink sees it when it merges on the stream's own key. */
export function sinkStreamOf(stream: AirbyteStream): SinkStream {
  return {
    name: stream.name,
    jsonSchema: stream.json_schema,
    disposition: 'append_dedup',
    primaryKey: (stream.source_defined_primary_key ?? []).filter((path) => path.length > 0),
    cursorField: stream.default_cursor_field ?? [],
    generationId: 0,
    syncId: undefined,
  };
}
