// `source-tiktok-marketing views --destination URL`: prints the SQL of the analytics views for the streams
// loaded there, as the destination's engine writes it: the script a sync runs by itself (unless --no-views), or
// the statements to run by hand where the engine gives no way to run a script.

import { sinkStreamOf } from '../analytics/loaded.ts';
import { loadConfig } from '../config.ts';
import { engineOf } from '../engines/registry.ts';
import { DESTINATION_HINT, destinationTarget } from './destination-target.ts';
import { configError } from '../errors.ts';
import { discover } from '../source.ts';
import { plainCommand } from './command.ts';


export async function viewsSql(destination: string, schema: string | undefined, configPath: string | undefined): Promise<string> {
  const target = destinationTarget(destination, schema);
  const inspected = await engineOf(target).inspect(target);
  const streams = discover(configPath === undefined ? undefined : loadConfig(configPath)).streams.filter((stream) => inspected.loaded(stream.name)).map(sinkStreamOf);
  if (streams.length === 0) throw configError(`No loaded TikTok stream found in "${inspected.container}"; run a sync first (or name the right --schema).`);
  return (await engineOf(target).warehouseSql()).viewScript(inspected, streams);
}

export const viewsCommand = plainCommand(
  {
    name: 'views',
    summary: "print the analytics views' SQL for the streams loaded there (--config adds your custom reports)",
    flags: { destination: { value: DESTINATION_HINT, required: true }, schema: { value: 'S' }, config: { value: 'FILE' } },
  },
  async (flags) => {
    process.stdout.write(await viewsSql(flags.destination, flags.schema, flags.config));
    return 0;
  },
);
