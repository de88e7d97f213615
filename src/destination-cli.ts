#!/usr/bin/env node
// The second bin, `destination-postgres-tiktok`: the Postgres destination alone, for orchestrators that run
// sources and destinations as separate images or processes.
import { runDestinationCommand } from './destination.ts';

process.exitCode = await runDestinationCommand(process.argv.slice(2));
