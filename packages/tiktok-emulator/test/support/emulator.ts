// The emulator's own test helpers: a started emulator with test credentials, and clients of its control routes.

import { fileURLToPath } from 'node:url';
import { type Emulator, type EmulatorOptions, type FaultKind, startEmulator } from '../../src/index.ts';

export const TOKEN = 'tok-3f9c2a7be51d4e0c8a6f';
export const APP_ID = '7268034192837465012';
export const SECRET = 'sec-9d81b7c4e2a64f35b0c1';

/** The package's bin, as `npx tiktok-emulator` runs it (spawn it with process.execPath). */
export const BIN = fileURLToPath(new URL('../../bin/tiktok-emulator.ts', import.meta.url));

/** An emulator on a free port, seed 42, three advertisers, the test credentials; `options` override. */
export async function emulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({
    port: 0,
    seed: 42,
    advertisers: 3,
    accessToken: TOKEN,
    appId: APP_ID,
    secret: SECRET,
    ...options,
  });
}

/**
 * The shape that gives one advertiser 25,000 ads, above TikTok's 20,000-ad cap of synchronous reports:
 * `emulator({ advertiserShapes: { 0: MANY_ADS } })`. Its report/integrated/get/ answers then cover the newest
 * 20,000 ads only, with an `X-Tt-Ads-Throttle` header; each campaign holds 1,000 ads, so `filtering`
 * campaign_ids of up to 20 campaigns gives a complete answer. Keep `historyDays` small: reports add up per day.
 */
export const MANY_ADS = { campaignsPerAdvertiser: 25, adgroupsPerCampaign: 20, adsPerAdgroup: 50 } as const;

/**
 * The next `count` calls to `paths` (route keys or prefixes; default report/integrated/get/) answer `kind`
 * — 'code40133', 'code40016', 'code40100' or any other fault kind — then the emulator serves again. The same
 * at startup: `emulator({ initialFaults: { kinds: ['code40133'], paths: ['report/integrated/get/'], requests: 3 } })`.
 */
export async function failNext(emu: Emulator, kind: FaultKind, count: number, paths: readonly string[] = ['report/integrated/get/']): Promise<void> {
  const response = await fetch(`${emu.url}/_emulator/faults`, {
    method: 'POST',
    body: JSON.stringify({ rate: 1, kinds: [kind], paths, for_requests: count }),
  });
  if (!response.ok) throw new Error(`emulator refused the fault plan: ${await response.text()}`);
}

/**
 * Marks an advertiser the token may no longer operate (every call naming it answers 40001), deleted (40300),
 * or serves it again (`ok`). At startup: `emulator({ unreachableAdvertisers: [1], deletedAdvertisers: [2] })`
 * (advertiser indexes). oauth2/advertiser/get/ keeps listing such advertisers.
 */
export async function setAdvertiserAccess(emu: Emulator, advertiserId: string, access: 'ok' | 'unreachable' | 'deleted'): Promise<void> {
  const response = await fetch(`${emu.url}/_emulator/advertiser-access`, {
    method: 'POST',
    body: JSON.stringify({ advertiser_id: advertiserId, access }),
  });
  if (!response.ok) throw new Error(`emulator refused the advertiser access: ${await response.text()}`);
}
