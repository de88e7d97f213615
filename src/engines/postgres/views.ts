// Creating the views in Postgres after a sync. Each view carries a comment with a fingerprint of its SQL, so a
// sync whose streams, columns and entity tables did not change touches nothing, and a view that did change is
// replaced in one transaction with the rest: readers see the old views or the new ones, never none.
// `CREATE OR REPLACE VIEW` can only append columns; a new metric lands in the middle, so a changed view is
// dropped and created again (ours that depend on it first, and rebuilt after).

import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { WarehouseTables } from '../../analytics/model.ts';
import { describeReadyColumn } from '../../analytics/ready.ts';
import { planViews } from '../../analytics/views.ts';
import { configError } from '../../errors.ts';
import type { SinkStream } from '../../load/sink.ts';
import type { SinkKysely } from './database.ts';
import { postgresName } from './identifiers.ts';
import { columnsOf } from './introspect.ts';
import { postgresDialect, postgresReadyViewSql, postgresSpendViewSql, postgresTypedViewSql, postgresViewColumns } from './view-sql.ts';

/** Marks the views this connector made (and only those it may replace). */
export const VIEW_COMMENT_PREFIX = 'source-tiktok-marketing analytics view';

export interface WantedView {
  name: string;
  select: string;
  /** The typed view a ready view reads. */
  source: string | undefined;
  description: string;
  /** Column → what it holds, written as column comments (psql \d+ shows them). */
  columns: [string, string][];
}

export interface ViewRefresh {
  created: string[];
  unchanged: string[];
  /** Views not made because a table (or other relation that is not a view) of the schema has the name; absent when none. */
  skipped?: string[];
}

/** Every view to hold for these streams, typed views first, as Postgres SQL. */
export function wantedViews(schema: string, streams: readonly SinkStream[], tables: WarehouseTables): WantedView[] {
  const set = planViews(streams, tables);
  const byStream = new Map(streams.map((stream) => [stream.name, stream]));
  return [
    ...set.typed.map((plan) => {
      const names = postgresViewColumns(plan);
      return {
        name: postgresName(plan.view),
        select: postgresTypedViewSql(schema, byStream.get(plan.stream)!, plan),
        source: undefined,
        description: `Typed view of ${plan.stream}: one column per dimension and metric, names, currency and time zone joined.`,
        columns: plan.columns.map((column): [string, string] => [names.get(column.name) ?? postgresName(column.name), column.description]),
      };
    }),
    ...set.ready.map((plan) => {
      const typed = set.typed.find((t) => t.view === plan.source);
      const names = [...plan.groupBy.map((g) => g.name), ...plan.measures.map((m) => m.name)];
      return {
        name: postgresName(plan.view),
        select: postgresReadyViewSql(schema, plan),
        source: postgresName(plan.source),
        description: plan.description,
        columns: names.map((name): [string, string] => [postgresName(name), describeReadyColumn(plan, name, typed)]),
      };
    }),
    // Spend views read the raw tables themselves (no view of ours below them): replaced like typed views.
    ...set.spend.map((plan) => ({
      name: postgresName(plan.view),
      select: postgresSpendViewSql(schema, byStream, plan),
      source: undefined,
      description: plan.description,
      columns: [...plan.groupBy, ...plan.parts.map((p) => ({ name: p.as, description: p.description })), plan.total].map((c): [string, string] => [postgresName(c.name), c.description]),
    })),
  ];
}

export async function refreshPostgresViews(
  db: SinkKysely,
  schema: string,
  streams: readonly SinkStream[],
  warn: (line: string) => void = () => undefined,
): Promise<ViewRefresh> {
  const planned = wantedViews(schema, streams, await columnsOf(db, schema));
  // A view never takes the place of a relation it did not create: the planner steers around tables, and
  // anything else of that name (a materialized view, a foreign table, a sequence, …) skips the view, and the
  // ready views over it, with one warning each.
  const others = await relationsOf(db, schema);
  const skipped = new Set<string>();
  for (const view of planned) {
    const blocked = others.get(view.name) !== undefined ? view.name : view.source !== undefined && skipped.has(view.source) ? view.source : undefined;
    if (blocked === undefined) continue;
    skipped.add(view.name);
    warn(
      blocked === view.name
        ? `WARN analytics view ${schema}.${view.name} skipped: the schema has a ${others.get(view.name)} of that name that this connector did not create; rename it to get the view.\n`
        : `WARN analytics view ${schema}.${view.name} skipped: it reads ${schema}.${blocked}, which was skipped.\n`,
    );
  }
  const wanted = planned.filter((view) => !skipped.has(view.name));
  const refresh = await refreshWanted(db, schema, wanted);
  return skipped.size === 0 ? refresh : { ...refresh, skipped: [...skipped] };
}

async function refreshWanted(db: SinkKysely, schema: string, wanted: WantedView[]): Promise<ViewRefresh> {
  const existing = await viewsOf(db, schema);
  const changed = new Set<string>();
  for (const view of wanted) {
    const comment = existing.get(view.name);
    if (comment === fingerprint(view)) continue;
    if (existing.has(view.name) && !comment?.startsWith(VIEW_COMMENT_PREFIX)) {
      throw configError(
        `Schema "${schema}" has a view "${view.name}" that this connector did not create; rename it, or turn the analytics views off (sync --no-views, or "analytics_views": false in the destination config).`,
      );
    }
    changed.add(view.name);
  }
  // A ready view is rebuilt whenever the typed view it reads is.
  for (const view of wanted) if (view.source !== undefined && changed.has(view.source)) changed.add(view.name);
  if (changed.size === 0) return { created: [], unchanged: wanted.map((view) => view.name) };
  await db.transaction().execute(async (trx) => {
    for (const view of wanted) {
      if (view.source !== undefined && changed.has(view.name)) await sql`drop view if exists ${sql.id(schema, view.name)}`.execute(trx);
    }
    for (const view of wanted) {
      if (!changed.has(view.name)) continue;
      if (view.source === undefined) await replaceTyped(trx, schema, view);
      else await sql`create view ${sql.id(schema, view.name)} as ${sql.raw(view.select)}`.execute(trx);
      await sql`comment on view ${sql.id(schema, view.name)} is ${sql.lit(fingerprint(view))}`.execute(trx);
      await commentColumns(trx, schema, view);
    }
  });
  return { created: wanted.filter((view) => changed.has(view.name)).map((view) => view.name), unchanged: wanted.filter((view) => !changed.has(view.name)).map((view) => view.name) };
}

/**
 * Replaces a typed view in place when Postgres allows it (columns only appended: views a user built on it
 * survive), else drops and creates it. A user's view that depends on it then stops the drop, said so.
 */
async function replaceTyped(db: SinkKysely, schema: string, view: WantedView): Promise<void> {
  const target = sql.id(schema, view.name);
  await sql`savepoint replace_view`.execute(db);
  try {
    await sql`create or replace view ${target} as ${sql.raw(view.select)}`.execute(db);
    await sql`release savepoint replace_view`.execute(db);
    return;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // 42P16: columns dropped, renamed or moved; 42804: a column's type changed.
    if (code !== '42P16' && code !== '42804') throw error;
    await sql`rollback to savepoint replace_view`.execute(db);
  }
  try {
    await sql`drop view ${target}`.execute(db);
  } catch (error) {
    if ((error as { code?: unknown }).code === '2BP01') {
      throw configError(
        `View ${schema}.${view.name} must be rebuilt (its stream's columns changed) but other views depend on it: ${(error as { detail?: string }).detail ?? ''}. Drop them (and create them again after the sync), or turn the analytics views off.`,
        { cause: error },
      );
    }
    throw error;
  }
  await sql`create view ${target} as ${sql.raw(view.select)}`.execute(db);
}

/** All column comments of a view in one statement (one round trip, however many columns). */
async function commentColumns(db: SinkKysely, schema: string, view: WantedView): Promise<void> {
  if (view.columns.length === 0) return;
  const comments = view.columns.map(([column, text]) => sql`comment on column ${sql.id(schema, view.name, column)} is ${sql.lit(text)};`);
  const body = sql.join(comments, sql` `).compile(db).sql;
  // A dollar quote no description contains, so the block needs no escaping of its own.
  await sql.raw(`do $analytics$ begin ${body} end $analytics$`).execute(db);
}

/** The mark a view of ours carries: a fingerprint of its SQL (unchanged SQL, nothing to do) and what it is. */
function fingerprint(view: WantedView): string {
  return `${VIEW_COMMENT_PREFIX} ${createHash('sha256').update(view.select).digest('hex').slice(0, 16)}: ${view.description}`;
}

/**
 * The same views as one psql script (`views` command): dropped and created in one transaction, with the
 * comments a sync recognises as its own, so the next sync leaves them alone.
 */
export function postgresViewScript(schema: string, streams: readonly SinkStream[], tables: WarehouseTables): string {
  const { id, literal } = postgresDialect;
  const name = (view: string, column?: string) => [schema, view, ...(column === undefined ? [] : [column])].map(id).join('.');
  const wanted = wantedViews(schema, streams, tables);
  const statements = [
    ...[...wanted].reverse().map((view) => `drop view if exists ${name(view.name)}`),
    ...wanted.flatMap((view) => [
      `create view ${name(view.name)} as\n${view.select}`,
      `comment on view ${name(view.name)} is ${literal(fingerprint(view))}`,
      ...view.columns.map(([column, text]) => `comment on column ${name(view.name, column)} is ${literal(text)}`),
    ]),
  ];
  return ['begin;', ...statements.map((statement) => `${statement};`), 'commit;', ''].join('\n');
}

const RELATION_KINDS: Record<string, string> = { r: 'table', p: 'table', m: 'materialized view', f: 'foreign table', S: 'sequence', i: 'index', I: 'index', c: 'type', t: 'table' };

/** Relations of the schema that are not views (tables, materialized views, …), by name → what they are. */
async function relationsOf(db: SinkKysely, schema: string): Promise<Map<string, string>> {
  const { rows } = await sql<{ name: string; kind: string }>`
    select c.relname as name, c.relkind::text as kind
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind <> 'v'`.execute(db);
  return new Map(rows.map((row) => [row.name, RELATION_KINDS[row.kind] ?? 'relation']));
}

async function viewsOf(db: SinkKysely, schema: string): Promise<Map<string, string | null>> {
  const { rows } = await sql<{ name: string; comment: string | null }>`
    select c.relname as name, obj_description(c.oid, 'pg_class') as comment
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind = 'v'`.execute(db);
  return new Map(rows.map((row) => [row.name, row.comment]));
}
