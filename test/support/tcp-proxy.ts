// A TCP forwarder in front of a server, that a test can take away mid-sync (the destination "goes away") while
// the server behind it, and the data it holds, stays there to be inspected.

import { createServer, connect, type Socket } from 'node:net';
import { listenLocal } from './ports.ts';

export interface TcpProxy {
  url: string;
  /** Stops listening and resets every open connection: from now on the address refuses connections. */
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((incoming) => {
    const outgoing = connect(Number(port), hostname);
    sockets.add(incoming);
    sockets.add(outgoing);
    incoming.on('error', () => outgoing.destroy());
    outgoing.on('error', () => incoming.destroy());
    incoming.on('close', () => {
      sockets.delete(incoming);
      outgoing.destroy();
    });
    outgoing.on('close', () => {
      sockets.delete(outgoing);
      incoming.destroy();
    });
    incoming.pipe(outgoing);
    outgoing.pipe(incoming);
  });
  const url = await listenLocal(server);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.resetAndDestroy();
      }),
  };
}
