#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up
// The second bin (package.json names it): the destination alone, for orchestrators that run sources and
// destinations as separate images or processes. Only the Node version gate is imported statically: the destination
// needs Node 22, so it is loaded after it.
import { nodeIsSupported } from './node-gate.ts';

if (nodeIsSupported(import.meta.url)) await import('./destination-main.ts');
