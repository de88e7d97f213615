// Spelling the planned views as SQL. The shape of both statements is the same in every engine; a Dialect
// supplies the parts that differ (quoting, casts that turn bad values into NULL, JSON access, latest row per key).

import type { ColumnSource, EntityJoin, LogicalType, Measure, ReadyViewPlan, SpendViewPlan, TypedViewPlan } from './model.ts';

export interface Dialect {
  /** A quoted identifier. */
  id(name: string): string;
  /** A string literal. */
  literal(text: string): string;
  /** The engine's name of a logical type. */
  type(type: LogicalType): string;
  /** A key of a JSON object column as the type; NULL when the value is missing, '-' or does not fit. */
  json(column: string, key: string, type: LogicalType): string;
  /** A timestamp column's date. */
  day(column: string): string;
  /** The entity table reduced to its latest row per key. */
  latestPerKey(table: string, key: string, columns: readonly string[], loadedAt: string): string;
  /** A ratio of two aggregates, NULL when the denominator is 0 or NULL. */
  ratio(numerator: string, denominator: string, factor: number): string;
  /** A sum with the engine's result type for the logical type. */
  sum(expression: string, type: LogicalType): string;
}

export interface RawTable {
  /** The qualified, quoted table. */
  table: string;
  /** The table column that holds a stream property. */
  column(property: string): string;
  /** The view's name for a planned column (engines with short names shorten it). */
  viewColumn(name: string): string;
  /** A qualified, quoted entity table. */
  entity(table: string): string;
}

const ROW = 'r';

export function typedViewSelect(plan: TypedViewPlan, raw: RawTable, dialect: Dialect): string {
  const expression = (source: ColumnSource, type: LogicalType): string => {
    switch (source.kind) {
      case 'column':
        return `${ROW}.${dialect.id(raw.column(source.property))}`;
      case 'day':
        return dialect.day(`${ROW}.${dialect.id(raw.column(source.property))}`);
      case 'json':
        return dialect.json(`${ROW}.${dialect.id(raw.column(source.property))}`, source.key, type);
      case 'coalesce':
        return `coalesce(${source.sources.map((inner) => expression(inner, type)).join(', ')})`;
      case 'joined':
        return `${dialect.id(source.alias)}.${dialect.id(source.column)}`;
      case 'null':
        return `cast(null as ${dialect.type(type)})`;
    }
  };
  const columns = plan.columns.map((column) => `  ${expression(column.source, column.type)} as ${dialect.id(raw.viewColumn(column.name))}`);
  const joins = plan.joins.map((join: EntityJoin) => {
    const latest = dialect.latestPerKey(raw.entity(join.table), join.key, join.columns, '_airbyte_extracted_at');
    // The report's id may be an expression (an id inside `metrics`), typed as the key column.
    return `left join (${latest}) ${dialect.id(join.alias)} on ${dialect.id(join.alias)}.${dialect.id(join.key)} = ${expression(join.on, 'bigint')}`;
  });
  return [`select`, columns.join(',\n'), `from ${raw.table} ${ROW}`, ...joins].join('\n');
}

export function readyViewSelect(plan: ReadyViewPlan, source: string, dialect: Dialect): string {
  const column = (name: string) => dialect.id(name);
  const sumOf = (name: string | undefined) => (name === undefined ? undefined : `sum(${column(name)})`);
  const measure = (m: Measure): string => {
    if (m.kind === 'ratio') {
      const numerator = sumOf(plan.measures.some((x) => x.kind === 'sum' && x.column === m.numerator) ? m.numerator : undefined);
      const denominator = sumOf(plan.measures.some((x) => x.kind === 'sum' && x.column === m.denominator) ? m.denominator : undefined);
      if (numerator === undefined || denominator === undefined) return `cast(null as ${dialect.type('numeric')})`;
      return dialect.ratio(numerator, denominator, m.factor);
    }
    if (m.column === undefined) return `cast(null as ${dialect.type(m.type)})`;
    const sum = m.zeroWhenNone === true ? (expression: string) => `coalesce(${dialect.sum(expression, m.type)}, 0)` : (expression: string) => dialect.sum(expression, m.type);
    const filter = m.filter;
    if (filter === undefined) return sum(column(m.column));
    const list = ('values' in filter ? filter.values : filter.others).map((value) => dialect.literal(value)).join(', ');
    const condition = 'values' in filter
      ? `${column(filter.column)} in (${list})`
      : `(${column(filter.column)} is null or ${column(filter.column)} not in (${list}))`;
    return sum(`case when ${condition} then ${column(m.column)} end`);
  };
  const groups = plan.groupBy.map((group) => `  ${column(group.column)} as ${column(group.name)}`);
  const measures = plan.measures.map((m) => `  ${measure(m)} as ${column(m.name)}`);
  return [
    `select`,
    [...groups, ...measures].join(',\n'),
    `from ${source}`,
    ...(plan.groupBy.length > 0 ? [`group by ${plan.groupBy.map((group) => column(group.column)).join(', ')}`] : []),
  ].join('\n');
}

/** One part of a spend view as its engine spells it: the typed view's SELECT and its column names. */
export interface SpendPart {
  select: string;
  column(name: string): string;
}

/**
 * The parts' rows stacked (each part's amount in its own column, NULL in the others), then summed per group:
 * every amount is 0 where a part has no row, so the total is their plain sum.
 */
export function spendViewSelect(plan: SpendViewPlan, parts: readonly SpendPart[], dialect: Dialect): string {
  const id = (name: string) => dialect.id(name);
  const none = `cast(null as ${dialect.type('numeric')})`;
  const branches = plan.parts.map((part, i) => {
    const typed = parts[i]!;
    const groups = plan.groupBy.map((group) => `t.${id(typed.column(group.column))} as ${id(group.name)}`);
    const amounts = plan.parts.map((other) => `${other === part ? `t.${id(typed.column(part.spend))}` : none} as ${id(other.as)}`);
    return `select ${[...groups, ...amounts].join(', ')}\nfrom (\n${typed.select}\n) t`;
  });
  const sums = plan.parts.map((part) => `coalesce(${dialect.sum(`u.${id(part.as)}`, 'numeric')}, 0)`);
  return [
    'select',
    [...plan.groupBy.map((group) => `  u.${id(group.name)}`), ...plan.parts.map((part, i) => `  ${sums[i]} as ${id(part.as)}`), `  ${sums.join(' + ')} as ${id(plan.total.name)}`].join(',\n'),
    `from (\n${branches.join('\nunion all\n')}\n) u`,
    `group by ${plan.groupBy.map((group) => `u.${id(group.name)}`).join(', ')}`,
  ].join('\n');
}
