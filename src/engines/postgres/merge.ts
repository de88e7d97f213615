// Staging → table, in the commit's transaction. Where a stream has a key, only the winners of the staged
// rows are taken (DISTINCT ON (key): the latest cursor, then the last row received), and then:
// - merge: INSERT … ON CONFLICT (key) DO UPDATE, where a row wins unless the stored one has a later
//   cursor (a stream without a key just inserts);
// - replace (overwrite at the stream's end): the table is emptied and filled, and its key index rebuilt in
//   one piece afterwards, which is much cheaper than maintaining it row by row.

import { sql, type RawBuilder } from 'kysely';
import { STAGE_SEQUENCE_COLUMN } from './copy.ts';
import type { SinkKysely } from './database.ts';
import { cursorExpression, keyExpression } from './expressions.ts';
import { createKeyIndex, dropKeyIndexes } from './ddl.ts';
import type { TableLayout } from './layout.ts';

export type ApplyMode = 'merge' | 'replace';

export async function applyStage(db: SinkKysely, schema: string, layout: TableLayout, mode: ApplyMode, nullsNotDistinct: boolean): Promise<void> {
  const target = sql.id(schema, layout.table);
  const stage = sql.id('pg_temp', layout.stage);
  if (mode === 'replace') {
    await dropKeyIndexes(db, schema, { ...layout, create: false });
    await sql`truncate table ${target}`.execute(db);
  }
  const names = [...layout.airbyteColumns.map((column) => column.name), ...layout.columns.map((column) => column.name)];
  const columns = sql.join(names.map((name) => sql.id(name)));
  if (layout.key.length === 0) {
    await sql`insert into ${target} (${columns}) select ${columns} from ${stage}`.execute(db);
  } else {
    const keys = sql.join(layout.key.map((ref) => keyExpression(ref)));
    const sequence = sql.id(STAGE_SEQUENCE_COLUMN);
    const order: RawBuilder<unknown>[] = [
      ...layout.key.map((ref) => keyExpression(ref)),
      ...(layout.cursor ? [sql`${cursorExpression(layout.cursor)} desc nulls last`] : []),
      sql`${sequence} desc`,
    ];
    // The winners are picked on narrow rows (key, cursor, sequence) and joined back, so the sort never
    // carries the wide ones. Rows of one sync arrive in extraction order, so the sequence breaks ties.
    const select = sql`select ${columns} from ${stage} where ${sequence} in (
      select distinct on (${keys}) ${sequence} from ${stage} order by ${sql.join(order)})`;
    if (mode === 'replace') {
      await sql`insert into ${target} (${columns}) ${select}`.execute(db);
      await createKeyIndex(db, schema, layout, nullsNotDistinct);
    } else {
      const updates = sql.join(names.map((name) => sql`${sql.id(name)} = excluded.${sql.id(name)}`));
      const newer = layout.cursor
        ? sql` where ${cursorExpression(layout.cursor, 'stored')} is null or ${cursorExpression(layout.cursor, 'excluded')} >= ${cursorExpression(layout.cursor, 'stored')}`
        : sql``;
      await sql`insert into ${target} as stored (${columns}) ${select}
        on conflict (${keys}) do update set ${updates}${newer}`.execute(db);
    }
  }
  await sql`truncate table ${stage}`.execute(db);
}
