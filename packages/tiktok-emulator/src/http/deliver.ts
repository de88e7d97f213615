// Sends the answer of a request the emulator carried out, or spoils it the way an injected fault says:
// the connection dropped, the body cut short, a body that is not JSON, a file that breaks off mid-stream.
// The request's effect (a task created or canceled) has already happened by then, as on a real server.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from '../limits/faults.ts';
import { bytesOf, sendHalf, sendStream, sendText } from './respond.ts';

export type Answer =
  | { kind: 'body'; status: number; body: string | Buffer; headers?: Readonly<Record<string, string>> }
  | { kind: 'stream'; contentType: string; fileName: string; chunks: Iterable<string> };

export async function deliver(req: IncomingMessage, res: ServerResponse, answer: Answer, request: string, fault: FaultKind | undefined): Promise<void> {
  if (res.destroyed) return;
  if (fault === 'drop') {
    req.socket.destroy();
    return;
  }
  if (answer.kind === 'stream') {
    // Every way of spoiling a file ends the same: it breaks off mid-stream.
    const cut = fault === 'truncate' || fault === 'invalidJson' || fault === 'streamCut';
    await sendStream(res, answer.contentType, answer.fileName, answer.chunks, request, cut);
    return;
  }
  if (fault === 'truncate' || fault === 'streamCut') {
    sendHalf(res, answer.body, request, answer.headers);
    return;
  }
  const body = fault === 'invalidJson' ? spoilJson(answer.body) : answer.body;
  sendText(res, answer.status, 'application/json; charset=utf-8', body, { ...answer.headers, 'X-Tt-Logid': request });
}

const DANGLING = Buffer.from(',"request_id":}');

/** The whole answer, then a dangling member: complete in length, but no JSON parser accepts it. */
function spoilJson(body: string | Buffer): Buffer {
  return Buffer.concat([bytesOf(body).subarray(0, -1), DANGLING]);
}

/** Resolves after `ms`, or as soon as the client goes away (true then). */
export function hold(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (gone: boolean) => {
      clearTimeout(timer);
      res.off('close', onClose);
      resolve(gone);
    };
    const onClose = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    res.on('close', onClose);
  });
}
