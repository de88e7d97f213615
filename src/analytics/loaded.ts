// Which of the connector's streams a destination already holds, and how to reach it: Postgres by its tables,
// BigQuery by the sync state table. Used by the `dbt` and `views` commands, which work on what was loaded.

import type { AirbyteStream } from '../protocol/types.ts';
import { columnsOf } from '../sinks/postgres/introspect.ts';
import { kyselyOver } from '../sinks/postgres/database.ts';
import { connectTo, DEFAULT_SCHEMA, targetFromUrl } from '../sinks/postgres/connection.ts';
import { postgresName } from '../sinks/postgres/identifiers.ts';
import type { SinkStream } from '../sinks/sink.ts';
import type { DbtTarget } from './dbt/project.ts';
import type { WarehouseTables } from './model.ts';

export interface Destination {
  target: DbtTarget;
  loaded: (stream: string) => boolean;
  /** The tables held, with their columns (BigQuery: undefined, the loaded entity streams stand for them). */
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

export function loadedDestination(url: string, schema: string | undefined): Promise<Destination> {
  return url.startsWith('bigquery:') ? bigQueryDestination(url, schema) : postgresDestination(url, schema);
}

async function postgresDestination(url: string, schema: string | undefined): Promise<Destination> {
  const target = targetFromUrl(url, schema ?? DEFAULT_SCHEMA);
  const client = await connectTo(target);
  let tables: WarehouseTables;
  try {
    tables = await columnsOf(kyselyOver(client), target.schema);
  } finally {
    await client.end().catch(() => undefined);
  }
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get('sslmode');
  return {
    target: {
      engine: 'postgres',
      database: target.database,
      schema: target.schema,
      output: {
        type: 'postgres',
        host: parsed.hostname || 'localhost',
        port: Number(parsed.port || 5432),
        user: target.user,
        // Never the password itself: dbt reads it from the environment.
        password: "{{ env_var('TIKTOK_ADS_PG_PASSWORD', '') }}",
        dbname: target.database,
        schema: `${target.schema}_dbt`,
        threads: 4,
        ...(sslmode ? { sslmode } : {}),
      },
    },
    loaded: (stream) => tables.has(postgresName(stream)),
    tables,
  };
}

async function bigQueryDestination(url: string, dataset: string | undefined): Promise<Destination> {
  const { targetFromBigQueryUrl } = await import('../sinks/bigquery/target.ts');
  const { openBigQuerySink } = await import('../sinks/bigquery/bigquery-sink.ts');
  const target = targetFromBigQueryUrl(url, dataset);
  const sink = openBigQuerySink(target);
  let names: Set<string>;
  try {
    names = new Set((await sink.readState()).keys());
  } finally {
    await sink.close();
  }
  return {
    target: {
      engine: 'bigquery',
      database: target.projectId,
      schema: target.dataset,
      output: {
        type: 'bigquery',
        method: 'oauth',
        project: target.projectId,
        dataset: `${target.dataset}_dbt`,
        threads: 4,
        ...(target.location ? { location: target.location } : {}),
      },
    },
    loaded: (stream) => names.has(stream),
    tables: undefined,
  };
}

