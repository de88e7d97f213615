// Staging → table, one statement per commit, in the commit's transaction:
// - append_dedup: INSERT … SELECT DISTINCT ON (key) … ON CONFLICT (key) DO UPDATE, where within the batch
//   the latest cursor, then the latest extraction, then the last row received wins, and against the table
//   a row wins unless the stored one has a later cursor;
// - append: INSERT … SELECT;
// - overwrite: the table is emptied first (same transaction), then filled as above (deduplicated when the
//   stream has a key, so the table stays ready for a later merge).

import { sql, type RawBuilder } from 'kysely';
import { STAGE_SEQUENCE_COLUMN } from './copy.ts';
import type { SinkKysely } from './database.ts';
import { cursorExpression, keyExpression } from './expressions.ts';
import type { TableLayout } from './layout.ts';

export async function applyStage(db: SinkKysely, schema: string, layout: TableLayout, replace: boolean): Promise<void> {
  const target = sql.id(schema, layout.table);
  const stage = sql.id('pg_temp', layout.stage);
  if (replace) await sql`truncate table ${target}`.execute(db);
  const names = [...layout.airbyteColumns.map((column) => column.name), ...layout.columns.map((column) => column.name)];
  const columns = sql.join(names.map((name) => sql.id(name)));
  if (layout.key.length === 0) {
    await sql`insert into ${target} (${columns}) select ${columns} from ${stage}`.execute(db);
  } else {
    const keys = sql.join(layout.key.map((ref) => keyExpression(ref)));
    const order: RawBuilder<unknown>[] = [
      ...layout.key.map((ref) => keyExpression(ref)),
      ...(layout.cursor ? [sql`${cursorExpression(layout.cursor)} desc nulls last`] : []),
      sql`${sql.id('_airbyte_extracted_at')} desc`,
      sql`${sql.id(STAGE_SEQUENCE_COLUMN)} desc`,
    ];
    const select = sql`select distinct on (${keys}) ${columns} from ${stage} order by ${sql.join(order)}`;
    if (replace || layout.stream.disposition === 'overwrite') {
      await sql`insert into ${target} (${columns}) ${select}`.execute(db);
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
