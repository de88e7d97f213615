// The second bin (package.json names it), once src/bin/destination.ts has checked the Node version: the destination
// alone, for orchestrators that run sources and destinations as separate images or processes.
import { runDestinationCommand } from '../commands/destination.ts';
import { processStop } from '../stop.ts';
import { exitQuietlyOnBrokenPipe } from './broken-pipe.ts';

exitQuietlyOnBrokenPipe();
processStop.install();
const code = await runDestinationCommand(process.argv.slice(2));
// After a stop nothing more is wanted (stdin may still be open): exit now, with the signal's code.
if (processStop.received !== undefined) process.exit(code);
process.exitCode = code;
