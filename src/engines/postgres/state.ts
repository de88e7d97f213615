// The sync state, stored beside the data it describes (as dlt does): `<schema>._sync_state`, one row per
// stream. It is written inside the transaction that commits the stream's rows, so the two never disagree.

import { sql } from 'kysely';
import { systemError } from '../../errors.ts';
import { parseJsonLossless } from '../../json.ts';
import type { StoredState } from '../../load/sink.ts';
import type { SinkKysely } from './database.ts';
import { jsonText } from './encode.ts';

export const STATE_TABLE = '_sync_state';

export async function ensureStateTable(db: SinkKysely, schema: string): Promise<void> {
  await db.schema
    .withSchema(schema)
    .createTable(STATE_TABLE)
    .ifNotExists()
    .addColumn('stream_name', 'text', (column) => column.primaryKey())
    .addColumn('state', 'jsonb', (column) => column.notNull())
    .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function readStoredState(db: SinkKysely, schema: string): Promise<StoredState> {
  // As text, parsed losslessly: a state may hold ids beyond 2^53.
  const rows = await db
    .withSchema(schema)
    .selectFrom(STATE_TABLE)
    .select(['stream_name', sql<string>`state::text`.as('state')])
    .orderBy('stream_name')
    .execute();
  const states: StoredState = new Map();
  for (const row of rows) {
    const state = parseJsonLossless(row.state);
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw systemError(`The stored state of stream "${row.stream_name}" in ${schema}.${STATE_TABLE} is not a JSON object.`);
    }
    states.set(row.stream_name, state as Record<string, unknown>);
  }
  return states;
}

export async function storeState(db: SinkKysely, schema: string, stream: string, state: Record<string, unknown>): Promise<void> {
  const value = sql<string>`${jsonText(state)}::jsonb`;
  await db
    .withSchema(schema)
    .insertInto(STATE_TABLE)
    .values({ stream_name: stream, state: value, updated_at: sql<Date>`now()` })
    .onConflict((conflict) => conflict.column('stream_name').doUpdateSet({ state: value, updated_at: sql<Date>`now()` }))
    .execute();
}

export async function deleteState(db: SinkKysely, schema: string, stream: string): Promise<void> {
  await db.withSchema(schema).deleteFrom(STATE_TABLE).where('stream_name', '=', stream).execute();
}
