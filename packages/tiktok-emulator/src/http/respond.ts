// Writing answers: the JSON envelope, streamed files with backpressure, and deterministic request ids.

import type { ServerResponse } from 'node:http';
import { hash32 } from '../data/hash.ts';

/** TikTok-like log id: a timestamp then hex digits, here derived from the seed and request number. */
export function requestId(seed: number, sequence: number, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-T:]/g, '');
  const hex = [1, 2, 3].map((k) => hash32(seed, sequence, k).toString(16).padStart(8, '0')).join('').slice(0, 20);
  return `${stamp}${hex.toUpperCase()}`;
}

export function envelope(code: number, message: string, request: string, data: unknown): string {
  return JSON.stringify({ code, message, request_id: request, data });
}

const CLOSE = Buffer.from('}');

/** The envelope around data that is already UTF-8 JSON. */
export function rawEnvelope(request: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`{"code":0,"message":"OK","request_id":${JSON.stringify(request)},"data":`), data, CLOSE]);
}

/** A body as bytes: text encoded once (Buffer.byteLength and then end(string) would each run UTF-8 over it). */
export function bytesOf(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  const bytes = bytesOf(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': bytes.length, ...extra });
  res.end(bytes);
}

export function sendEnvelope(res: ServerResponse, status: number, code: number, message: string, request: string, data: unknown): void {
  sendText(res, status, 'application/json; charset=utf-8', envelope(code, message, request, data), { 'X-Tt-Logid': request });
}

/** HTTP 200, chunked, and only the first half of `body`: what a client sees when a response is cut short. */
export function sendHalf(res: ServerResponse, body: string | Buffer, request: string, extra: Readonly<Record<string, string>> = {}): void {
  res.writeHead(200, { ...extra, 'Content-Type': 'application/json; charset=utf-8', 'X-Tt-Logid': request });
  const bytes = bytesOf(body);
  res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
}

/**
 * Writes chunks as the socket accepts them, so a huge file never sits in memory. With `cut`, the
 * connection breaks mid-file: after the first chunk and half of the second (half of the first when there is
 * only one), so the client sees an unfinished chunked body it can detect.
 */
export async function sendStream(res: ServerResponse, contentType: string, fileName: string, chunks: Iterable<string>, request: string, cut = false): Promise<void> {
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${fileName.replace(/"/g, '')}"`,
    'X-Tt-Logid': request,
  });
  try {
    let held: string | undefined;
    for (const chunk of chunks) {
      if (res.destroyed) return;
      if (cut) {
        // Hold the first chunk back: only a second one tells whether the file has more than one.
        if (held === undefined) {
          held = chunk;
          continue;
        }
        if (!res.write(held)) await drained(res);
        return breakOff(res, chunk);
      }
      if (!res.write(chunk)) await drained(res);
    }
    if (cut) return breakOff(res, held ?? '');
    res.end();
  } catch (error) {
    // Headers are gone: the only honest signal left is a broken connection.
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Writes the first half of `chunk`, then breaks the connection. */
function breakOff(res: ServerResponse, chunk: string): void {
  res.write(chunk.slice(0, Math.ceil(chunk.length / 2)), () => res.destroy());
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
