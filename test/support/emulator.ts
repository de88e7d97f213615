// The connector tests' emulator: the `tiktok-emulator` workspace package, started in-process with the test
// credentials (support/credentials.ts) the configs of configFor() carry.

import { fileURLToPath } from 'node:url';
import { type Emulator, type EmulatorOptions, startEmulator } from 'tiktok-emulator';
import { APP_ID, SECRET, TOKEN } from './credentials.ts';

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

/** The emulator's advertisers as it lists them (GET /_emulator/advertisers): ids, time zones, today…; type the fields read. */
export async function emulatedAdvertisers<Advertiser extends { advertiser_id: string } = { advertiser_id: string }>(api: Pick<Emulator, 'url'>): Promise<Advertiser[]> {
  return (await (await fetch(`${api.url}/_emulator/advertisers`)).json()) as Advertiser[];
}

/** The emulator's advertiser ids, in its order. */
export async function advertiserIds(api: Pick<Emulator, 'url'>): Promise<string[]> {
  return (await emulatedAdvertisers(api)).map((a) => a.advertiser_id);
}

/** The emulator package's bin, for a test that runs it in its own process: `runNode([EMULATOR_BIN, …])` (support/process.ts). */
export const EMULATOR_BIN = fileURLToPath(new URL('../../packages/tiktok-emulator/bin/tiktok-emulator.ts', import.meta.url));
