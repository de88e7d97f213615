// A report stream's typed view, planned from what the sink knows: the stream's JSON schema (top-level typed
// columns, and `metrics` / `dimensions` objects whose properties are typed) and its primary key. Nothing here
// lists streams: a report stream added to the definitions gets its view without an edit.

import type { JsonSchema } from '../protocol/types.ts';
import type { SinkStream } from '../load/sink.ts';
import { describeColumn } from './descriptions.ts';
import { ENTITY_TABLES, LEVEL_IDS, LOADED_AT } from './entities.ts';
import type { ColumnSource, EntityJoin, TypedViewPlan, ViewColumn, WarehouseTables } from './model.ts';
import { logicalTypeOf, metricsOf, propertiesOf } from './schema.ts';

const OBJECT_COLUMNS = new Set(['metrics', 'dimensions']);
const TIMES = ['stat_time_day', 'stat_time_hour'];

/** Undefined for streams that are not reports (no `metrics` object in the schema). */
export function planTypedView(stream: SinkStream, view: string, tables: WarehouseTables): TypedViewPlan | undefined {
  const metrics = metricsOf(stream.jsonSchema);
  if (metrics === undefined) return undefined;
  const top = propertiesOf(stream.jsonSchema);
  const dimensions = propertiesOf(top.find(([name]) => name === 'dimensions')?.[1]);
  const keyNames = keyOf(stream, dimensions);
  const columns = new Map<string, ViewColumn>();
  const add = (name: string, schema: JsonSchema, origin: 'column' | 'metrics' | 'dimensions') => {
    let type = logicalTypeOf(schema);
    if (type === undefined) return;
    // Text that should be a time is kept as text inside JSON: a cast of a malformed one would fail every query.
    if (origin !== 'column' && (type === 'date' || type === 'timestamp' || type === 'timestamptz')) type = 'text';
    const key = keyNames.includes(name);
    const fromJson: ColumnSource = { kind: 'json', property: origin, key: name };
    const existing = columns.get(name);
    if (existing !== undefined) {
      // `dimensions` repeats the top-level id and time columns: those stay. A metric that is also a column
      // (an id at the top level and in `metrics`, a name also joined) becomes one column, the first non-null.
      if (origin !== 'metrics') return;
      if (existing.source.kind === 'null') existing.source = fromJson;
      else if (existing.type === type || (existing.type !== 'date' && existing.type !== 'timestamp' && existing.type !== 'timestamptz')) {
        existing.source = { kind: 'coalesce', sources: [existing.source, fromJson] };
      }
      return;
    }
    if (origin === 'column' && name === 'stat_time_day' && (type === 'timestamp' || type === 'timestamptz' || type === 'date')) {
      columns.set(name, { name, type: 'date', source: { kind: 'day', property: name }, description: describeColumn(name, 'date', origin, key) });
      return;
    }
    const source: ColumnSource = origin === 'column' ? { kind: 'column', property: name } : fromJson;
    const documented = typeof schema['description'] === 'string' ? schema['description'] : undefined;
    columns.set(name, { name, type, source, description: describeColumn(name, type, origin, key, documented) });
  };
  for (const [name, schema] of top) if (!OBJECT_COLUMNS.has(name)) add(name, schema, 'column');
  for (const [name, schema] of dimensions) add(name, schema, 'dimensions');
  // Ids first (they decide the joins), then names, currency and time zone, then the metrics.
  const isId = (name: string, schema: JsonSchema) => LEVEL_IDS.has(name) && logicalTypeOf(schema) === 'bigint';
  for (const [name, schema] of metrics) if (isId(name, schema)) add(name, schema, 'metrics');
  const joins = planJoins(columns, tables);
  for (const [name, schema] of metrics) if (!isId(name, schema)) add(name, schema, 'metrics');
  columns.set(LOADED_AT, { name: LOADED_AT, type: 'timestamptz', source: { kind: 'column', property: LOADED_AT }, description: describeColumn(LOADED_AT, 'timestamptz', 'column', false) });
  const key = keyNames.filter((name) => columns.has(name));
  return {
    stream: stream.name,
    view,
    columns: [...columns.values()],
    joins,
    key,
    time: TIMES.find((time) => key.includes(time)) ?? TIMES.find((time) => columns.has(time)),
    breakdowns: key.filter((name) => !LEVEL_IDS.has(name) && !TIMES.includes(name)),
  };
}

/** Key fields as column names; a stream loaded without a key (append) is keyed by its dimensions. */
function keyOf(stream: SinkStream, dimensions: [string, JsonSchema][]): string[] {
  const paths = stream.primaryKey.map((path) => (path[0] === 'dimensions' && path.length === 2 ? path[1] : path.length === 1 ? path[0] : undefined));
  if (paths.length > 0 && paths.every((name) => name !== undefined)) return paths as string[];
  return dimensions.map(([name]) => name);
}

/**
 * A join per entity whose id the report has. Where the entity table is missing (or its key is not a bigint),
 * the view still has the columns, NULL (names fall back to the report's own, when it has them), so queries
 * written against the view keep working when the entity stream is loaded later.
 */
function planJoins(columns: Map<string, ViewColumn>, tables: WarehouseTables): EntityJoin[] {
  const joins: EntityJoin[] = [];
  for (const entity of ENTITY_TABLES) {
    const id = columns.get(entity.key);
    if (id === undefined) continue;
    const table = tables.get(entity.table);
    const keyType = table?.get(entity.key);
    const joinable = table !== undefined && table.has(entity.key) && table.has(LOADED_AT) && (keyType === undefined || keyType === 'bigint');
    const read = joinable ? entity.columns.filter((column) => table.has(column.column)) : [];
    if (read.length > 0) joins.push({ alias: entity.alias, table: entity.table, key: entity.key, on: id.source, columns: read.map((c) => c.column) });
    for (const column of entity.columns) {
      if (columns.has(column.name)) continue;
      const source: ColumnSource = read.includes(column) ? { kind: 'joined', alias: entity.alias, column: column.column } : { kind: 'null' };
      columns.set(column.name, { name: column.name, type: column.type, source, description: column.description });
    }
  }
  return joins;
}
