// Creating and evolving tables. A new schema property becomes a new column (ALTER TABLE … ADD COLUMN), never
// a failed sync; an existing column keeps its type (the encoder then fits values to it).

import { sql } from 'kysely';
import { configError } from '../../errors.ts';
import { STAGE_SEQUENCE_COLUMN } from './copy.ts';
import type { SinkKysely } from './database.ts';
import { cursorExpression, keyExpression } from './expressions.ts';
import { KEY_INDEX_COMMENT, keyIndexesOf } from './introspect.ts';
import { AIRBYTE_COLUMNS, keyIndexName, type TableLayout } from './layout.ts';

export async function ensureSchema(db: SinkKysely, schema: string, user: string): Promise<void> {
  // Looked up first: CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even when this one exists,
  // and a loader is often given a schema of its own and nothing more.
  const { rows } = await sql<{ found: boolean }>`select exists (select from pg_catalog.pg_namespace where nspname = ${schema}) as found`.execute(db);
  if (rows[0]?.found) return;
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (error) {
    if ((error as { code?: unknown }).code === '42501') {
      throw configError(
        `User "${user}" may not create schema "${schema}". Create it first (CREATE SCHEMA "${schema}" AUTHORIZATION "${user}") or grant CREATE on the database.`,
        { cause: error },
      );
    }
    throw error;
  }
}

const AIRBYTE_COLUMN_NAMES = new Set(AIRBYTE_COLUMNS.map((column) => column.name));

export async function createOrEvolveTable(db: SinkKysely, schema: string, layout: TableLayout): Promise<void> {
  if (layout.create) {
    let builder = db.schema.withSchema(schema).createTable(layout.table);
    for (const column of layout.missing) {
      builder = AIRBYTE_COLUMN_NAMES.has(column.name) && column.name !== '_airbyte_generation_id'
        ? builder.addColumn(column.name, sql.raw(column.type), (c) => c.notNull())
        : builder.addColumn(column.name, sql.raw(column.type));
    }
    await builder.execute();
    return;
  }
  if (layout.missing.length === 0) return;
  const [first, ...rest] = layout.missing;
  if (first === undefined) return;
  let builder = db.schema.withSchema(schema).alterTable(layout.table).addColumn(first.name, sql.raw(first.type));
  for (const column of rest) builder = builder.addColumn(column.name, sql.raw(column.type));
  await builder.execute();
}

/**
 * The unique index that ON CONFLICT merges on. Made once per key; if the table already holds duplicates
 * (it was appended to before, or loaded in bulk), the older copies are removed first, as a merge would have.
 */
export async function ensureKeyIndex(db: SinkKysely, schema: string, layout: TableLayout, nullsNotDistinct: boolean): Promise<void> {
  const wanted = keyIndexName(layout);
  const existing = layout.create ? [] : await keyIndexesOf(db, schema, layout.table);
  for (const name of existing) {
    if (name !== wanted) await sql`drop index ${sql.id(schema, name)}`.execute(db);
  }
  if (existing.includes(wanted)) return;
  if (!layout.create) await removeDuplicates(db, schema, layout);
  await createKeyIndex(db, schema, layout, nullsNotDistinct);
}

/** Keeps one row per key: the latest cursor, then the latest extraction. */
export async function removeDuplicates(db: SinkKysely, schema: string, layout: TableLayout): Promise<void> {
  const keys = sql.join(layout.key.map((ref) => keyExpression(ref)));
  const order = [
    ...(layout.cursor ? [sql`${cursorExpression(layout.cursor)} desc nulls last`] : []),
    sql`${sql.id('_airbyte_extracted_at')} desc nulls last`,
    // Rows loaded by COPY lie in arrival order, near enough: the later one wins what is left of a tie.
    sql`ctid desc`,
  ];
  await sql`
    delete from ${sql.id(schema, layout.table)} where ctid in (
      select ctid from (
        select ctid, row_number() over (partition by ${keys} order by ${sql.join(order)}) as copy_number
        from ${sql.id(schema, layout.table)}
      ) numbered where copy_number > 1
    )`.execute(db);
}

/** The key index on a table known to hold one row per key. */
export async function createKeyIndex(db: SinkKysely, schema: string, layout: TableLayout, nullsNotDistinct: boolean): Promise<void> {
  const name = keyIndexName(layout);
  const keys = sql.join(layout.key.map((ref) => keyExpression(ref)));
  await sql`create unique index ${sql.id(name)} on ${sql.id(schema, layout.table)} (${keys})${nullsNotDistinct ? sql` nulls not distinct` : sql``}`.execute(db);
  await sql`comment on index ${sql.id(schema, name)} is ${sql.lit(KEY_INDEX_COMMENT)}`.execute(db);
}

export async function isEmpty(db: SinkKysely, schema: string, layout: TableLayout): Promise<boolean> {
  if (layout.create) return true;
  const { rows } = await sql<{ empty: boolean }>`select not exists (select from ${sql.id(schema, layout.table)}) as empty`.execute(db);
  return rows[0]?.empty ?? false;
}

/** Before appends (which may add duplicates) and bulk loads (faster without the index to maintain). */
export async function dropKeyIndexes(db: SinkKysely, schema: string, layout: TableLayout): Promise<void> {
  if (layout.create) return;
  for (const name of await keyIndexesOf(db, schema, layout.table)) {
    await sql`drop index ${sql.id(schema, name)}`.execute(db);
  }
}

/**
 * The staging table: temporary, so it lives in this session only and vanishes with it, whatever kills the
 * process. It has the table's loaded columns with the table's types, plus the arrival sequence.
 */
export async function createStage(db: SinkKysely, layout: TableLayout): Promise<void> {
  await sql`drop table if exists ${sql.id('pg_temp', layout.stage)}`.execute(db);
  let builder = db.schema.createTable(layout.stage).temporary().addColumn(STAGE_SEQUENCE_COLUMN, 'bigint');
  for (const column of layout.airbyteColumns) builder = builder.addColumn(column.name, sql.raw(column.type));
  for (const column of layout.columns) builder = builder.addColumn(column.name, sql.raw(column.type));
  await builder.execute();
}
