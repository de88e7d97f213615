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

/** The emulator package's bin, for a test that runs it in its own process: `spawn(process.execPath, [EMULATOR_BIN, …])`. */
export const EMULATOR_BIN = fileURLToPath(new URL('../../packages/tiktok-emulator/bin/tiktok-emulator.ts', import.meta.url));
