// `tiktok-emulator [flags]` (bin/tiktok-emulator.ts): starts the emulator, prints its base URL as the first line
// of stdout and serves until SIGTERM/SIGINT.

import { startEmulator } from './index.ts';
import type { AdvertiserShape, EmulatorOptions } from './types.ts';
import { untilStopSignal } from './stop-signal.ts';

type Kind = 'int' | 'number' | 'string' | 'date' | 'switch' | 'off-switch' | 'list' | 'ints' | 'shape';

const FLAGS: Readonly<Record<string, [keyof EmulatorOptions, Kind]>> = {
  '--port': ['port', 'int'],
  '--host': ['host', 'string'],
  '--seed': ['seed', 'int'],
  '--advertisers': ['advertisers', 'int'],
  '--access-token': ['accessToken', 'string'],
  '--app-id': ['appId', 'string'],
  '--secret': ['secret', 'string'],
  '--qps': ['qps', 'number'],
  '--task-qps': ['taskQps', 'number'],
  '--fault-rate': ['faultRate', 'number'],
  '--now': ['now', 'date'],
  '--campaigns': ['campaignsPerAdvertiser', 'int'],
  '--adgroups': ['adgroupsPerCampaign', 'int'],
  '--ads': ['adsPerAdgroup', 'int'],
  '--history-days': ['historyDays', 'int'],
  '--max-report-rows': ['maxReportRows', 'int'],
  '--task-latency-ms': ['taskLatencyMs', 'int'],
  '--sandbox': ['sandbox', 'switch'],
  '--smart-plus-null-ad-ids': ['smartPlusNullAdIds', 'switch'],
  '--no-smart-plus-report-scope': ['smartPlusReportScope', 'off-switch'],
  '--images': ['imagesPerAdvertiser', 'int'],
  '--videos': ['videosPerAdvertiser', 'int'],
  '--creative-denied-advertiser': ['creativeDeniedAdvertiser', 'int'],
  '--tier': ['tier', 'string'],
  '--qpm': ['qpm', 'int'],
  '--qpd': ['qpd', 'int'],
  '--suspension-ms': ['suspensionMs', 'int'],
  '--fault-kinds': ['faultKinds', 'list'],
  '--max-fault-streak': ['maxFaultStreak', 'int'],
  '--slow-fault-ms': ['slowFaultMs', 'int'],
  '--task-ms-per-1000-rows': ['taskMsPer1000Rows', 'number'],
  '--task-concurrency': ['taskConcurrency', 'int'],
  '--task-failure-rate': ['taskFailureRate', 'number'],
  '--task-stall-rate': ['taskStallRate', 'number'],
  '--clock-speed': ['clockSpeed', 'number'],
  '--advertiser-qps': ['advertiserQps', 'int'],
  '--unreachable-advertisers': ['unreachableAdvertisers', 'ints'],
  '--deleted-advertisers': ['deletedAdvertisers', 'ints'],
  '--advertiser-shape': ['advertiserShapes', 'shape'],
};

export const EMULATOR_USAGE = `usage: tiktok-emulator [--port N] [--host H] [--seed S] [--advertisers N]
  [--access-token T] [--app-id A] [--secret X] [--qps Q] [--task-qps Q] [--fault-rate F] [--now ISO]
  [--campaigns N] [--adgroups N] [--ads N] [--history-days N] [--max-report-rows N] [--task-latency-ms N]
  [--sandbox] [--images N] [--videos N] [--creative-denied-advertiser INDEX]
  [--tier basic|advanced|premium|ultimate|sandbox] [--qpm N] [--qpd N] [--suspension-ms N] [--fault-kinds K,K…] [--max-fault-streak N]
  [--slow-fault-ms N] [--task-ms-per-1000-rows N] [--task-concurrency N] [--task-failure-rate F]
  [--task-stall-rate F] [--clock-speed X] [--advertiser-qps N] [--unreachable-advertisers I,I…]
  [--deleted-advertisers I,I…] [--advertiser-shape INDEX:CAMPAIGNS:ADGROUPS:ADS (repeatable)]
  [--no-smart-plus-report-scope] [--smart-plus-null-ad-ids]`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Flags → options (defaults: port 8787, seed 1, 3 advertisers, token "emulator-token"). */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorOptions {
  const options: EmulatorOptions = {
    port: 8787, seed: 1, advertisers: 3, accessToken: 'emulator-token', appId: 'emulator-app', secret: 'emulator-secret',
  };
  const target = options as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[flag];
    if (spec === undefined) throw new UsageError(`unknown flag ${arg}`);
    // A switch takes no value: its presence turns it on (an off-switch, off).
    if (spec[1] === 'switch' || spec[1] === 'off-switch') {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
      target[spec[0]] = spec[1] === 'switch';
      continue;
    }
    const text = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (text === undefined || text === '') throw new UsageError(`${flag} needs a value`);
    const [key, kind] = spec;
    if (kind === 'shape') {
      // Repeatable: each one shapes one advertiser (e.g. 0:25:20:50 gives advertiser 0 25,000 ads).
      const shapes = (target[key] ?? {}) as Record<number, AdvertiserShape>;
      const [index, shape] = parseShape(flag, text);
      target[key] = { ...shapes, [index]: shape };
      continue;
    }
    target[key] = convert(flag, text, kind);
  }
  return options;
}

function convert(flag: string, text: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'int': {
      if (!/^-?\d+$/.test(text)) throw new UsageError(`${flag} expects an integer, got "${text}"`);
      return Number(text);
    }
    case 'number': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} expects a number, got "${text}"`);
      return value;
    }
    case 'switch':
      return true;
    case 'off-switch':
      return false;
    case 'list':
      return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
    case 'ints':
      return text.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
        if (!/^\d+$/.test(item)) throw new UsageError(`${flag} expects advertiser indexes, got "${item}"`);
        return Number(item);
      });
    case 'shape':
      return parseShape(flag, text);
    case 'date': {
      const value = new Date(text);
      if (Number.isNaN(value.getTime())) throw new UsageError(`${flag} expects an ISO date-time, got "${text}"`);
      return value;
    }
  }
}

/** `INDEX:CAMPAIGNS:ADGROUPS:ADS` → the advertiser index and its shape. */
function parseShape(flag: string, text: string): [number, AdvertiserShape] {
  const parts = text.split(':');
  if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p))) throw new UsageError(`${flag} expects INDEX:CAMPAIGNS:ADGROUPS:ADS, got "${text}"`);
  const [index, campaignsPerAdvertiser, adgroupsPerCampaign, adsPerAdgroup] = parts.map(Number) as [number, number, number, number];
  return [index, { campaignsPerAdvertiser, adgroupsPerCampaign, adsPerAdgroup }];
}

export async function runEmulatorCommand(argv: string[]): Promise<void> {
  let options: EmulatorOptions;
  try {
    if (argv.includes('--help') || argv.includes('-h')) throw new UsageError('');
    options = parseEmulatorArgs(argv);
  } catch (error) {
    return usageExit(error);
  }
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    if (error instanceof RangeError) return usageExit(new UsageError(error.message));
    const listenFailure = listenFailureOf(error, options);
    if (listenFailure === undefined) throw error;
    process.stderr.write(`emulator: ${listenFailure}\n`);
    process.exit(1);
  }
  process.stdout.write(`${emulator.url}\n`);
  await untilStopSignal();
  await emulator.close();
}

/** A port that cannot be had, in one line naming the flag to change; undefined for any other failure. */
export function listenFailureOf(error: unknown, options: Pick<EmulatorOptions, 'port' | 'host'>): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 8787}`;
  if (code === 'EADDRINUSE') return `port ${options.port} is already in use (${where}); choose another --port N, or --port 0 for any free port`;
  if (code === 'EACCES') return `not allowed to listen on ${where}; choose a --port above 1023`;
  if (code === 'EADDRNOTAVAIL') return `this machine has no address ${options.host}; choose another --host`;
  return undefined;
}

function usageExit(error: unknown): never {
  const message = error instanceof Error && error.message !== '' ? `emulator: ${error.message}\n` : '';
  process.stderr.write(`${message}${EMULATOR_USAGE}\n`);
  process.exit(2);
}
