// The files of a dbt starting point for the loaded streams: dbt_project.yml, profiles.yml (connection without
// the password, which dbt reads from an environment variable), models/staging/sources.yml (column descriptions
// from the stream schemas, primary-key tests, freshness) and one staging model per stream, whose SQL is the
// typed view's (without the entity joins, which belong to marts, not staging).

import type { AirbyteStream } from '../../protocol/types.ts';
import { describeColumn } from '../descriptions.ts';
import { type LoadedDestination, sinkStreamOf } from '../loaded.ts';
import { LOADED_AT } from '../entities.ts';
import { planTypedView } from '../plan.ts';
import { logicalTypeOf, metricsOf, propertiesOf } from '../schema.ts';
import { type RawTable, typedViewSelect } from '../sql.ts';
import type { WarehouseSql } from '../warehouse.ts';
import { toYaml, type YamlValue } from './yaml.ts';

export const SOURCE_NAME = 'tiktok_ads';
export const PROJECT_NAME = 'tiktok_ads';

/** The destination the project reads, and its engine's words and SQL. */
export interface DbtTarget {
  /** What the engine calls the container of the tables. */
  containerNoun: string;
  destination: LoadedDestination;
  sql: WarehouseSql;
}

/** Path relative to the project directory → file content. */
export function dbtProjectFiles(target: DbtTarget, streams: readonly AirbyteStream[]): Map<string, string> {
  const files = new Map<string, string>();
  files.set('dbt_project.yml', toYaml({
    name: PROJECT_NAME,
    version: '1.0.0',
    'config-version': 2,
    profile: PROJECT_NAME,
    'model-paths': ['models'],
    'target-path': 'target',
    'clean-targets': ['target', 'dbt_packages'],
    models: { [PROJECT_NAME]: { staging: { '+materialized': 'view' } } },
  }));
  files.set('profiles.yml', toYaml({ [PROJECT_NAME]: { target: 'dev', outputs: { dev: target.destination.dbtOutput } } }));
  files.set('models/staging/sources.yml', toYaml({
    version: 2,
    sources: [{
      name: SOURCE_NAME,
      description: `TikTok Ads tables loaded by source-tiktok-marketing into ${target.containerNoun} ${target.destination.container}.`,
      database: target.destination.database,
      schema: target.destination.container,
      tables: streams.map((stream) => sourceTable(stream, target)),
    }],
  }));
  for (const stream of streams) files.set(`models/staging/${stagingModelName(stream.name)}.sql`, stagingModel(stream, target));
  return files;
}

export function stagingModelName(stream: string): string {
  return `stg_${SOURCE_NAME}__${stream.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

const keyOf = (stream: AirbyteStream): string[] => (stream.source_defined_primary_key ?? []).map((path) => path[0]).filter((name): name is string => name !== undefined);

function sourceTable(stream: AirbyteStream, target: DbtTarget): YamlValue {
  const key = keyOf(stream);
  const loaded = loadedTable(stream, target);
  const cursor = stream.default_cursor_field?.[0];
  // Freshness follows the report's own time where it has one (the newest day loaded); entity cursors
  // (modify_time) stand still while nobody edits the account, so those tables are judged by the load time.
  const reportTime = cursor !== undefined && cursor.startsWith('stat_time_') ? cursor : undefined;
  const keyExpression = target.sql.keyExpression(key.map((name) => target.sql.dialect.id(loaded.column(name))));
  return {
    name: stream.name,
    identifier: loaded.table === stream.name ? undefined : loaded.table,
    description: `Stream ${stream.name}${key.length > 0 ? `, one row per ${key.join(' + ')}` : ''}.`,
    loaded_at_field: loaded.column(reportTime ?? LOADED_AT),
    freshness: reportTime === 'stat_time_hour'
      ? { warn_after: { count: 12, period: 'hour' }, error_after: { count: 2, period: 'day' } }
      : { warn_after: { count: 2, period: 'day' }, error_after: { count: 4, period: 'day' } },
    // dbt core's unique test takes an expression: a composite key is tested as one concatenated value.
    data_tests: key.length > 1 ? [{ unique: { column_name: keyExpression } }] : undefined,
    columns: columnsOf(stream, key, loaded),
  };
}

function columnsOf(stream: AirbyteStream, key: string[], loaded: LoadedTable): YamlValue[] {
  return propertiesOf(stream.json_schema).map(([name, schema]) => {
    const inKey = key.includes(name);
    const metrics = name === 'metrics' || name === 'dimensions' ? propertiesOf(schema) : [];
    const description = metrics.length > 0
      ? `TikTok's ${name} as JSON: ${metrics.map(([metric, metricSchema]) => `${metric} (${logicalTypeOf(metricSchema) ?? 'json'})`).join(', ')}. Typed in ${stagingModelName(stream.name)}.`
      : describeColumn(name, logicalTypeOf(schema) ?? 'json', 'column', inKey);
    const tests: YamlValue[] = inKey ? (key.length === 1 ? ['unique', 'not_null'] : ['not_null']) : [];
    return { name: loaded.column(name), description, data_tests: tests.length > 0 ? tests : undefined };
  });
}

interface LoadedTable {
  table: string;
  column(property: string): string;
}

function loadedTable(stream: AirbyteStream, target: DbtTarget): LoadedTable {
  const { table, columns } = target.sql.tableOf(sinkStreamOf(stream));
  return { table, column: (property) => columns.get(property) ?? property };
}

function stagingModel(stream: AirbyteStream, target: DbtTarget): string {
  const { dialect } = target.sql;
  const loaded = loadedTable(stream, target);
  const source = `{{ source('${SOURCE_NAME}', '${stream.name}') }}`;
  const header = `-- Staging model for ${stream.name}, written by \`source-tiktok-marketing dbt\`: a starting point to edit.\n`;
  if (metricsOf(stream.json_schema) !== undefined) {
    const plan = planTypedView(sinkStreamOf(stream), stream.name, new Map());
    if (plan !== undefined) {
      // Staging reads one source: no entity joins, so the columns only those would fill are left out.
      plan.columns = plan.columns.filter((column) => column.source.kind !== 'null');
      const raw: RawTable = { table: source, column: loaded.column, viewColumn: (name) => name, entity: (table) => table };
      return `${header}${typedViewSelect(plan, raw, dialect)}\n`;
    }
  }
  const columns = [...propertiesOf(stream.json_schema).map(([name]) => loaded.column(name)), LOADED_AT];
  return `${header}select\n${columns.map((name) => `  ${dialect.id(name)}`).join(',\n')}\nfrom ${source}\n`;
}
