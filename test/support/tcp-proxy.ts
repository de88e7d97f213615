// A TCP forwarder in front of a server, that a test can take away mid-sync (the destination "goes away") while
// the server behind it, and the data it holds, stays there to be inspected. It can also play a server restart
// (every connection dropped, new ones refused for a while, then accepted again) and a COMMIT whose answer is lost.

import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { listenLocal } from './ports.ts';

export interface TcpProxy {
  url: string;
  /** Stops listening and resets every open connection: from now on the address refuses connections. */
  close(): Promise<void>;
  /** A restart: resets every open connection and refuses new ones for `refuseMs`, then accepts again. */
  interrupt(refuseMs: number): Promise<void>;
  /**
   * The next time a client sends bytes containing `text` (e.g. "commit"), they reach the server (or, with
   * `reach: false`, do not), but the answer never comes back: the connection is dropped `afterMs` later.
   * Resolves when that has happened.
   */
  loseAnswerTo(text: string, options?: { afterMs?: number; reach?: boolean }): Promise<void>;
  /** Connections accepted so far. */
  readonly accepted: number;
}

interface AnswerTrap {
  text: string;
  afterMs: number;
  reach: boolean;
  sprung: () => void;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let trap: AnswerTrap | undefined;
  let accepted = 0;
  const server = createServer((incoming) => {
    accepted++;
    const outgoing = connect(Number(port), hostname);
    sockets.add(incoming);
    sockets.add(outgoing);
    let answering = true;
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
    incoming.on('data', (chunk: Buffer) => {
      const armed = trap;
      const sprung = armed !== undefined && chunk.includes(armed.text);
      if (!sprung || armed.reach) outgoing.write(chunk);
      if (sprung) {
        trap = undefined;
        answering = false;
        setTimeout(() => {
          incoming.resetAndDestroy();
          outgoing.destroy();
          armed.sprung();
        }, armed.afterMs);
      }
    });
    outgoing.on('data', (chunk: Buffer) => {
      if (answering) incoming.write(chunk);
    });
  });
  const url = await listenLocal(server);
  const listeningPort = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.resetAndDestroy();
    });
  return {
    url,
    close: stop,
    async interrupt(refuseMs) {
      await stop();
      await new Promise((resolve) => setTimeout(resolve, refuseMs));
      await new Promise<void>((resolve) => server.listen(listeningPort, '127.0.0.1', resolve));
    },
    loseAnswerTo(text, { afterMs = 100, reach = true } = {}) {
      return new Promise<void>((resolve) => {
        trap = { text, afterMs, reach, sprung: resolve };
      });
    },
    get accepted() {
      return accepted;
    },
  };
}
