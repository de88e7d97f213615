#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=256
// The second bin, `destination-postgres-tiktok`: the Postgres destination alone, for orchestrators that run
// sources and destinations as separate images or processes.
import { runDestinationCommand } from './destination.ts';

process.exitCode = await runDestinationCommand(process.argv.slice(2));
