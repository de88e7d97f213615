// `source-tiktok-marketing views --destination postgres://…|bigquery://…`: prints the SQL of the analytics views
// for the streams loaded there — a psql script for Postgres (what a sync does by itself unless --no-views), and
// the CREATE OR REPLACE VIEW statements for BigQuery, to run with `bq query` or in the console.

import { parseFlags, requiredFlag } from '../args.ts';
import { loadConfig } from '../config.ts';
import { configError } from '../errors.ts';
import { discover } from '../source.ts';
import { bigQueryViewStatements } from './bigquery-sql.ts';
import { loadedDestination, sinkStreamOf } from './loaded.ts';
import { postgresViewScript } from './postgres-views.ts';

const USAGE = `Usage: source-tiktok-marketing views --destination postgres://…|bigquery://PROJECT/DATASET [--schema S] [--config FILE]
  Prints the SQL of the analytics views for the streams loaded there (--config adds your custom reports).`;

export async function viewsSql(destination: string, schema: string | undefined, configPath: string | undefined): Promise<string> {
  const { target, loaded, tables } = await loadedDestination(destination, schema);
  const streams = discover(configPath === undefined ? undefined : loadConfig(configPath)).streams.filter((stream) => loaded(stream.name)).map(sinkStreamOf);
  if (streams.length === 0) throw configError(`No loaded TikTok stream found in "${target.schema}"; run a sync first (or name the right --schema).`);
  if (target.engine === 'bigquery') return bigQueryViewStatements(streams, target.database, target.schema, tables).map((statement) => `${statement};\n`).join('\n');
  return postgresViewScript(target.schema, streams, tables ?? new Map());
}

export async function runViewsCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, ['destination', 'schema', 'config'], USAGE);
  process.stdout.write(await viewsSql(requiredFlag(values, 'destination', USAGE), values['schema'], values['config']));
  return 0;
}
