// The local TikTok API for Business emulator: `startEmulator` serves a deterministic, seeded world of
// advertisers, campaigns, ad groups, ads and reports under /open_api/v1.3/ on a node:http server.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClock } from './clock.ts';
import { World } from './data/world.ts';
import { createHandler } from './http/server.ts';
import { resolveOptions } from './options.ts';
import { EmulatorState } from './state.ts';
import type { Emulator, EmulatorOptions } from './types.ts';

export type { AdvertiserShape, Emulator, EmulatorOptions, EmulatorStats, FaultKind, InitialFaults, Tier } from './types.ts';
/** Every fault kind the emulator can inject (POST /_emulator/faults `kinds`, the `--fault-kinds` flag). */
export { FAULT_KINDS } from './limits/faults.ts';

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const clock = new EmulatorClock(resolved.fixedNow, resolved.clockSpeed);
  const state = new EmulatorState(new World(resolved, () => clock.now()), clock);
  let url = '';
  const server = createServer({ keepAlive: true }, createHandler(state, () => url));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;
  return {
    url,
    stats: () => state.stats.snapshot(),
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}
