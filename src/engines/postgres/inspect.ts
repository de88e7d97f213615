// What a Postgres schema holds: its tables with their columns (one query), which say both which streams were
// loaded and which entity tables the views can join.

import type { LoadedDestination } from '../../analytics/loaded.ts';
import { connectTo } from './connection.ts';
import { kyselyOver } from './database.ts';
import { dbtOutputOf } from './dbt-profile.ts';
import { postgresName } from './identifiers.ts';
import { columnsOf, type SchemaColumns } from './introspect.ts';
import type { PostgresTarget } from './target.ts';

export async function inspectPostgres(target: PostgresTarget): Promise<LoadedDestination> {
  const client = await connectTo(target);
  let tables: SchemaColumns;
  try {
    tables = await columnsOf(kyselyOver(client), target.schema);
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    database: target.database,
    container: target.schema,
    dbtOutput: dbtOutputOf(target),
    loaded: (stream) => tables.has(postgresName(stream)),
    tables,
  };
}
