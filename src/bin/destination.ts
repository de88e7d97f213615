#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up
// The second bin (package.json names it): the destination alone, for orchestrators that run sources and
// destinations as separate images or processes.
import { runDestinationCommand } from '../commands/destination.ts';

process.exitCode = await runDestinationCommand(process.argv.slice(2));
