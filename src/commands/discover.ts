import { loadConfig } from '../config.ts';
import { discoverMessages } from '../source.ts';
import { command } from './command.ts';
import { stdoutMessages } from './messages.ts';

export const discoverCommand = command(
  { name: 'discover', summary: 'print the catalog of streams', flags: { config: { value: 'FILE', required: true } } },
  async ({ config }) => {
    // The catalog depends on the config: its custom reports, and the sandbox's smaller set of streams.
    for (const message of discoverMessages(loadConfig(config))) await stdoutMessages.write(message);
    await stdoutMessages.end();
    return 0;
  },
);
