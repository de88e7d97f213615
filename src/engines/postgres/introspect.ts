// What the schema holds today: tables, their columns and the types `format_type` gives them. One query for
// the whole schema, so preparing forty streams costs one round trip, not forty.

import { sql } from 'kysely';
import type { SinkKysely } from './database.ts';

/** Table name → column name → type, columns in table order. */
export type SchemaColumns = Map<string, Map<string, string>>;

export async function columnsOf(db: SinkKysely, schema: string): Promise<SchemaColumns> {
  const { rows } = await sql<{ table_name: string; column_name: string; column_type: string }>`
    select c.relname as table_name, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as column_type
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
    order by c.relname, a.attnum`.execute(db);
  const tables: SchemaColumns = new Map();
  for (const row of rows) {
    let columns = tables.get(row.table_name);
    if (columns === undefined) tables.set(row.table_name, (columns = new Map()));
    columns.set(row.column_name, row.column_type);
  }
  return tables;
}

/** Names of the key indexes this sink made on a table (marked by their comment). */
export async function keyIndexesOf(db: SinkKysely, schema: string, table: string): Promise<string[]> {
  const { rows } = await sql<{ index_name: string }>`
    select i.relname as index_name
    from pg_catalog.pg_index x
    join pg_catalog.pg_class i on i.oid = x.indexrelid
    join pg_catalog.pg_class t on t.oid = x.indrelid
    join pg_catalog.pg_namespace n on n.oid = t.relnamespace
    where n.nspname = ${schema} and t.relname = ${table}
      and obj_description(i.oid, 'pg_class') = ${KEY_INDEX_COMMENT}`.execute(db);
  return rows.map((row) => row.index_name);
}

export const KEY_INDEX_COMMENT = 'source-tiktok-marketing: primary key of the stream, used to merge (append_dedup)';

export async function serverVersion(db: SinkKysely): Promise<number> {
  const { rows } = await sql<{ version: string }>`select current_setting('server_version_num') as version`.execute(db);
  return Number(rows[0]?.version ?? 0);
}
