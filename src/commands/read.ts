import { loadConfig, readJsonFile } from '../config.ts';
import { withProgress } from '../progress.ts';
import { parseCatalog } from '../protocol/catalog.ts';
import { writeAll } from '../protocol/output.ts';
import { read } from '../source.ts';
import { processStop, untilStopped } from '../stop.ts';
import { createContext } from '../streams/context.ts';
import { parseState } from '../streams/state.ts';
import { command } from './command.ts';
import { stdoutMessages } from './messages.ts';

export const readCommand = command(
  {
    name: 'read',
    summary: 'emit records and state (Airbyte protocol on stdout)',
    flags: { config: { value: 'FILE', required: true }, catalog: { value: 'FILE', required: true }, state: { value: 'FILE' } },
  },
  async (flags) => {
    const config = loadConfig(flags.config);
    const catalog = parseCatalog(readJsonFile(flags.catalog, 'catalog'));
    const state = parseState(flags.state ? readJsonFile(flags.state, 'state') : undefined);
    // Its records are only written out: made as JSON lines at once (streams/context.ts). A SIGTERM ends the
    // messages with a StoppedError, which the bin reports as the one TRACE error.
    const messages = untilStopped(read(config, catalog, state, createContext(config, undefined, { output: 'lines' })), processStop.watch());
    await writeAll(withProgress(messages), stdoutMessages);
    return 0;
  },
);
