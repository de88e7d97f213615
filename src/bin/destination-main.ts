// The second bin (package.json names it), once src/bin/destination.ts has checked the Node version: the destination
// alone, for orchestrators that run sources and destinations as separate images or processes.
import { runDestinationCommand } from '../commands/destination.ts';
import { exitQuietlyOnBrokenPipe } from './broken-pipe.ts';

exitQuietlyOnBrokenPipe();
process.exitCode = await runDestinationCommand(process.argv.slice(2));
