// Local ports for tests: a server of the test's own on a port the OS picks, or a port free right now.

import { type AddressInfo, type Server, createServer } from 'node:net';

/** Listens on 127.0.0.1 on a port the OS picks (an http.Server is a net.Server too); resolves with the base URL. */
export async function listenLocal(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on now (the OS's pick, let go at once): for a server started later, or one to refuse connections. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
