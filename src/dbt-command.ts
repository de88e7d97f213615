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
import { loadedDestination } from '../loaded.ts';
import { dbtProjectFiles } from './project.ts';

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
  const { target, loaded } = await loadedDestination(options.destination, options.schema);
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

export async function runDbtCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, ['destination', 'out', 'schema', 'config'], USAGE);
  const out = requiredFlag(values, 'out', USAGE);
  const written = await writeDbtProject({ destination: requiredFlag(values, 'destination', USAGE), out, schema: values['schema'], configPath: values['config'] });
  process.stdout.write(redact(`Wrote a dbt project for ${written.filter((path) => path.endsWith('.sql')).length} streams into ${out}:\n${written.map((path) => `  ${path}`).join('\n')}\n`));
  process.stdout.write(`Next: cd ${out}, then \`dbt parse --profiles-dir .\` and \`dbt source freshness --profiles-dir .\` (Postgres: export TIKTOK_ADS_PG_PASSWORD first).\n`);
  return 0;
}
