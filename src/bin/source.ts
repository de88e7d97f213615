#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --max-old-space-size=192 --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=60 --no-separate-gc-phases --no-wasm-tier-up
// The source's CLI. The flags above give a read or sync a fixed memory size whatever the row count; why each is
// there is in docs/benchmarks/profiling.md ("The runtime flags"). The Dockerfile passes the same (test/e2e/packaging.test.ts).
// Only the Node version gate is imported statically: the connector itself needs Node 22, so it is loaded after it.
import { nodeIsSupported } from './node-gate.ts';

if (nodeIsSupported(import.meta.url)) await import('./source-main.ts');
