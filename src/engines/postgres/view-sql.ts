// The views in Postgres' SQL. Bad metric text ('-', '', 'abc', an id beyond bigint) becomes NULL by a pattern
// test before the cast, because one failing cast would fail every query on the view. Patterns run inside CASE,
// whose branches Postgres evaluates in order.

import type { LogicalType, ReadyViewPlan, SpendViewPlan, TypedViewPlan } from '../../analytics/model.ts';
import { type Dialect, type RawTable, readyViewSelect, spendViewSelect, typedViewSelect } from '../../analytics/sql.ts';
import type { SinkStream } from '../../load/sink.ts';
import { distinctNames, postgresName } from './identifiers.ts';
import { planTable } from './layout.ts';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

const INTEGER = String.raw`^-?[0-9]{1,19}(\.0*)?$`;
const DECIMAL = String.raw`^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?$`;
const TYPES: Record<LogicalType, string> = {
  bigint: 'bigint',
  numeric: 'numeric',
  text: 'text',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
};

export const postgresDialect: Dialect = {
  id: quote,
  literal,
  type: (type) => TYPES[type],
  json(column, key, type) {
    const value = `(${column} ->> ${literal(key)})`;
    switch (type) {
      case 'bigint':
        return `case when ${value} ~ '${INTEGER}' then case when ${value}::numeric between -9223372036854775808 and 9223372036854775807 then ${value}::numeric::bigint end end`;
      case 'numeric':
        return `case when ${value} ~ '${DECIMAL}' then ${value}::numeric end`;
      case 'boolean':
        return `case lower(${value}) when 'true' then true when 'false' then false end`;
      default:
        return `nullif(${value}, '-')`;
    }
  },
  day: (column) => `${column}::date`,
  latestPerKey: (table, key, columns, loadedAt) =>
    `select distinct on (${quote(key)}) ${[key, ...columns].map(quote).join(', ')} from ${table} order by ${quote(key)}, ${quote(loadedAt)} desc`,
  ratio: (numerator, denominator, factor) => `${numerator}${factor === 1 ? '' : ` * ${factor}`} / nullif(${denominator}, 0)`,
  sum: (expression, type) => (type === 'bigint' ? `sum(${expression})::bigint` : `sum(${expression})`),
};

/** The raw table of a stream as the Postgres sink names it (its layout: shortened and deduplicated names). */
export function postgresRawTable(schema: string, stream: SinkStream, plan: TypedViewPlan): RawTable {
  const layout = planTable(stream, 0, undefined);
  const columns = new Map(layout.columns.map((column) => [column.property, column.name]));
  const viewNames = postgresViewColumns(plan);
  return {
    table: `${quote(schema)}.${quote(layout.table)}`,
    column: (property) => columns.get(property) ?? postgresName(property),
    viewColumn: (name) => viewNames.get(name) ?? postgresName(name),
    entity: (table) => `${quote(schema)}.${quote(postgresName(table))}`,
  };
}

/** The view's column names, as Postgres will hold them (shortened to 63 bytes, kept distinct). */
export function postgresViewColumns(plan: TypedViewPlan): Map<string, string> {
  return distinctNames(plan.columns.map((column) => column.name), new Set());
}

export function postgresTypedViewSql(schema: string, stream: SinkStream, plan: TypedViewPlan): string {
  return typedViewSelect(plan, postgresRawTable(schema, stream, plan), postgresDialect);
}

export function postgresReadyViewSql(schema: string, plan: ReadyViewPlan): string {
  return readyViewSelect(plan, `${quote(schema)}.${quote(postgresName(plan.source))}`, postgresDialect);
}

/** A spend view, its parts read from the raw tables (see spendViewSelect). */
export function postgresSpendViewSql(schema: string, streams: ReadonlyMap<string, SinkStream>, plan: SpendViewPlan): string {
  const parts = plan.parts.map(({ typed }) => {
    const raw = postgresRawTable(schema, streams.get(typed.stream)!, typed);
    return { select: typedViewSelect(typed, raw, postgresDialect), column: raw.viewColumn };
  });
  return spendViewSelect(plan, parts, postgresDialect);
}
