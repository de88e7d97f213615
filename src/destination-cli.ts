#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --max-old-space-size=192 --heap-growing-percent=100
// The second bin, `destination-postgres-tiktok`: the Postgres destination alone, for orchestrators that run
// sources and destinations as separate images or processes.
import { runDestinationCommand } from './destination.ts';

process.exitCode = await runDestinationCommand(process.argv.slice(2));
