// `source-tiktok-marketing dbt --destination URL --out DIR`: writes a dbt project for the streams already
// loaded there. Which streams are loaded is asked of the destination's engine (Engine.inspect); their schemas
// come from the connector's catalog (with --config, custom reports included), so descriptions and tests match
// what the sink created.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dbtProjectFiles } from '../analytics/dbt/project.ts';
import { loadConfig } from '../config.ts';
import { ENGINES, engineOf } from '../engines/registry.ts';
import { DESTINATION_HINT, destinationTarget } from './destination-target.ts';
import { configError } from '../errors.ts';
import type { AirbyteStream } from '../protocol/types.ts';
import { redact } from '../secrets.ts';
import { discover } from '../source.ts';
import { plainCommand } from './command.ts';


export interface DbtOptions {
  destination: string;
  out: string;
  schema?: string | undefined;
  configPath?: string | undefined;
}

/** Writes the files; returns their paths relative to `out`. */
export async function writeDbtProject(options: DbtOptions): Promise<string[]> {
  const catalog = discover(options.configPath === undefined ? undefined : loadConfig(options.configPath));
  const target = destinationTarget(options.destination, options.schema);
  const engine = engineOf(target);
  const destination = await engine.inspect(target);
  const streams = catalog.streams.filter((stream: AirbyteStream) => destination.loaded(stream.name));
  if (streams.length === 0) {
    throw configError(`No loaded TikTok stream found in ${engine.containerNoun} "${destination.container}"; run a sync first (or name the right --schema).`);
  }
  const files = dbtProjectFiles({ containerNoun: engine.containerNoun, destination, sql: await engine.warehouseSql() }, streams);
  for (const [path, content] of files) {
    const full = join(options.out, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return [...files.keys()];
}

/** What each engine asks of a person before dbt connects, as one hint for whichever engine they use. */
function setupHint(): string {
  const notes = ENGINES.flatMap((engine) => (engine.dbtSetup === undefined ? [] : [`${engine.title}: ${engine.dbtSetup}`]));
  return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
}

export const dbtCommand = plainCommand(
  {
    name: 'dbt',
    summary: 'write a dbt project for the loaded streams',
    flags: { destination: { value: DESTINATION_HINT, required: true }, out: { value: 'DIR', required: true }, schema: { value: 'S' }, config: { value: 'FILE' } },
    details:
      '  Writes a dbt project (dbt_project.yml, profiles.yml, models/staging/sources.yml, one staging model per stream)\n' +
      '  for the streams loaded into the destination. --config adds the custom reports it defines.',
  },
  async ({ destination, out, schema, config }) => {
    const written = await writeDbtProject({ destination, out, schema, configPath: config });
    process.stdout.write(redact(`Wrote a dbt project for ${written.filter((path) => path.endsWith('.sql')).length} streams into ${out}:\n${written.map((path) => `  ${path}`).join('\n')}\n`));
    process.stdout.write(`Next: cd ${out}, then \`dbt parse --profiles-dir .\` and \`dbt source freshness --profiles-dir .\`${setupHint()}.\n`);
    return 0;
  },
);
