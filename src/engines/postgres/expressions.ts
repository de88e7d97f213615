// SQL for a key or cursor reference. A top-level field is its column; a nested one (a key such as
// ["dimensions", "ad_id"]) is a path into the jsonb column, as text for keys and as jsonb for cursors so that
// numbers still compare as numbers. The same text is used in the index and in ON CONFLICT, which must match.

import { sql, type RawBuilder } from 'kysely';
import type { FieldRef } from './layout.ts';

export function keyExpression(ref: FieldRef, table?: string): RawBuilder<unknown> {
  const column = table === undefined ? sql.id(ref.column) : sql.id(table, ref.column);
  return ref.path.length === 0 ? column : sql`(${column} #>> ${pathArray(ref.path)})`;
}

export function cursorExpression(ref: FieldRef, table?: string): RawBuilder<unknown> {
  const column = table === undefined ? sql.id(ref.column) : sql.id(table, ref.column);
  return ref.path.length === 0 ? column : sql`(${column} #> ${pathArray(ref.path)})`;
}

function pathArray(path: readonly string[]): RawBuilder<unknown> {
  return sql`ARRAY[${sql.join(path.map((part) => sql.lit(part)))}]::text[]`;
}
