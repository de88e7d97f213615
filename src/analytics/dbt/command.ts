// `source-tiktok-marketing dbt --destination postgres://…|bigquery://… --out DIR`: writes a dbt project for the
// streams already loaded there. Which streams are loaded is asked of the destination (Postgres: its tables;
// BigQuery: the sync state table); their schemas come from the connector's catalog (with --config, custom
// reports included), so descriptions and tests match what the sink created.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseFlags, requiredFlag } from '../../args.ts';
import { loadConfig } from '../../config.ts';
import { configError } from '../../errors.ts';
import type { AirbyteStream } from '../../protocol/types.ts';
import { redact } from '../../secrets.ts';
import { discover } from '../../source.ts';
import { connectTo, DEFAULT_SCHEMA, targetFromUrl } from '../../sinks/postgres/connection.ts';
import { postgresName } from '../../sinks/postgres/identifiers.ts';
import { dbtProjectFiles, type DbtTarget } from './project.ts';

const USAGE = `Usage: source-tiktok-marketing dbt --destination postgres://…|bigquery://PROJECT/DATASET --out DIR [--schema S] [--config FILE]
  Writes a dbt project (dbt_project.yml, profiles.yml, models/staging/sources.yml, one staging model per stream)
  for the streams loaded into the destination. --config adds the custom reports it defines.`;

export interface DbtOptions {
  destination: string;
  out: string;
  schema?: string | undefined;
  configPath?: string | undefined;
}

/** Writes the files; returns their paths relative to `out`. */
export async function writeDbtProject(options: DbtOptions): Promise<string[]> {
  const catalog = discover(options.configPath === undefined ? undefined : loadConfig(options.configPath));
  const { target, loaded } = options.destination.startsWith('bigquery:')
    ? await bigQueryDestination(options.destination, options.schema)
    : await postgresDestination(options.destination, options.schema);
  const streams = catalog.streams.filter((stream: AirbyteStream) => loaded(stream.name));
  if (streams.length === 0) {
    throw configError(`No loaded TikTok stream found in ${target.engine === 'postgres' ? 'schema' : 'dataset'} "${target.schema}"; run a sync first (or name the right --schema).`);
  }
  const files = dbtProjectFiles(target, streams);
  for (const [path, content] of files) {
    const full = join(options.out, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return [...files.keys()];
}

interface Destination {
  target: DbtTarget;
  loaded: (stream: string) => boolean;
}

async function postgresDestination(url: string, schema: string | undefined): Promise<Destination> {
  const target = targetFromUrl(url, schema ?? DEFAULT_SCHEMA);
  const client = await connectTo(target);
  let tables: Set<string>;
  try {
    const result = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'`,
      [target.schema],
    );
    tables = new Set(result.rows.map((row) => row.name));
  } finally {
    await client.end().catch(() => undefined);
  }
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get('sslmode');
  return {
    target: {
      engine: 'postgres',
      database: target.database,
      schema: target.schema,
      output: {
        type: 'postgres',
        host: parsed.hostname || 'localhost',
        port: Number(parsed.port || 5432),
        user: target.user,
        // Never the password itself: dbt reads it from the environment.
        password: "{{ env_var('TIKTOK_ADS_PG_PASSWORD', '') }}",
        dbname: target.database,
        schema: `${target.schema}_dbt`,
        threads: 4,
        ...(sslmode ? { sslmode } : {}),
      },
    },
    loaded: (stream) => tables.has(postgresName(stream)),
  };
}

async function bigQueryDestination(url: string, dataset: string | undefined): Promise<Destination> {
  const { targetFromBigQueryUrl } = await import('../../sinks/bigquery/target.ts');
  const { openBigQuerySink } = await import('../../sinks/bigquery/bigquery-sink.ts');
  const target = targetFromBigQueryUrl(url, dataset);
  const sink = openBigQuerySink(target);
  let names: Set<string>;
  try {
    names = new Set((await sink.readState()).keys());
  } finally {
    await sink.close();
  }
  return {
    target: {
      engine: 'bigquery',
      database: target.projectId,
      schema: target.dataset,
      output: {
        type: 'bigquery',
        method: 'oauth',
        project: target.projectId,
        dataset: `${target.dataset}_dbt`,
        threads: 4,
        ...(target.location ? { location: target.location } : {}),
      },
    },
    loaded: (stream) => names.has(stream),
  };
}

export async function runDbtCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, ['destination', 'out', 'schema', 'config'], USAGE);
  const out = requiredFlag(values, 'out', USAGE);
  const written = await writeDbtProject({ destination: requiredFlag(values, 'destination', USAGE), out, schema: values['schema'], configPath: values['config'] });
  process.stdout.write(redact(`Wrote a dbt project for ${written.filter((path) => path.endsWith('.sql')).length} streams into ${out}:\n${written.map((path) => `  ${path}`).join('\n')}\n`));
  process.stdout.write(`Next: cd ${out}, then \`dbt parse --profiles-dir .\` and \`dbt source freshness --profiles-dir .\` (Postgres: export TIKTOK_ADS_PG_PASSWORD first).\n`);
  return 0;
}
