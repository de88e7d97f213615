import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBody } from '../../../src/tiktok/body-bytes.ts';
import { TikTokClient } from '../../../src/tiktok/client.ts';
import type { ListRows } from '../../../src/tiktok/list-rows.ts';
import { listenLocal } from '../../support/ports.ts';

/** A body that arrives in the given chunks, as a socket would deliver it; counts the chunks taken from it. */
function response(chunks: Uint8Array[], headers: Record<string, string> = {}): Response & { pulled: () => number } {
  let next = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (next < chunks.length) controller.enqueue(chunks[next++]!);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return Object.assign(new Response(body, { headers }), { pulled: () => next });
}

const bytesOf = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);
const chunksOf = (): Uint8Array[] => [bytesOf(70_000, 1), bytesOf(3, 2), bytesOf(150_000, 3)];
const expected = (chunks: Uint8Array[]): number[] => chunks.flatMap((chunk) => [...chunk]);
const total = 220_003;
const whole = async (r: Response): Promise<Uint8Array> => (await openBody(r, 0)).whole();

describe('openBody', () => {
  it('copies the chunks once into a buffer of the declared length', async () => {
    const chunks = chunksOf();
    const want = expected(chunks);
    const bytes = await whole(response(chunks, { 'content-length': String(total) }));
    expect(bytes.byteLength).toBe(total);
    expect(bytes.buffer.byteLength).toBe(total);
    expect([...bytes]).toEqual(want);
  });

  it('frees every chunk once copied: nothing of the socket-sized garbage waits for the collector', async () => {
    const chunks = chunksOf();
    await whole(response(chunks, { 'content-length': String(total) }));
    for (const chunk of chunks) expect((chunk.buffer as ArrayBuffer).detached).toBe(true);
  });

  it('grows when no length is declared, or a compressed length is', async () => {
    for (const headers of [{}, { 'content-length': '1000', 'content-encoding': 'gzip' }] as Record<string, string>[]) {
      const chunks = chunksOf();
      const want = expected(chunks);
      const bytes = await whole(response(chunks, headers));
      expect(bytes.byteLength).toBe(total);
      expect([...bytes]).toEqual(want);
    }
  });

  it('copes with a declared length that is wrong either way', async () => {
    for (const declared of ['10', String(total + 5000), 'not-a-number']) {
      const chunks = chunksOf();
      const want = expected(chunks);
      const bytes = await whole(response(chunks, { 'content-length': declared }));
      expect(bytes.byteLength).toBe(total);
      expect([...bytes]).toEqual(want);
    }
  });

  it('reads only the head it is asked for, and the rest when the whole is wanted', async () => {
    const chunks = [bytesOf(40, 1), bytesOf(40, 2), bytesOf(5000, 3), bytesOf(5000, 4)];
    const want = expected(chunks);
    const r = response(chunks, { 'content-length': '10080' });
    const body = await openBody(r, 64);
    expect(r.pulled()).toBe(2);
    expect([...body.head]).toEqual(want.slice(0, 80));
    const bytes = await body.whole();
    expect(r.pulled()).toBe(4);
    expect([...bytes]).toEqual(want);
    await expect(body.whole()).rejects.toThrow(/once/);
  });

  it('gives an empty array for an empty or absent body, and a head no longer than the body', async () => {
    expect((await whole(response([], { 'content-length': '0' }))).byteLength).toBe(0);
    expect((await whole(new Response(null, { status: 204 }))).byteLength).toBe(0);
    const short = await openBody(response([bytesOf(10, 1)]), 64);
    expect(short.head.byteLength).toBe(10);
    expect((await short.whole()).byteLength).toBe(10);
  });

  it('rejects when the body breaks off', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytesOf(10, 1));
        controller.error(new Error('socket hang up'));
      },
    });
    await expect(whole(new Response(body, { headers: { 'content-length': '100' } }))).rejects.toThrow(/socket hang up/);
  });
});

// A report page waiting for its reader stays in the socket: a consumer slower than the API must not make every
// request in flight an answer held in memory (bench P5), nor time out the answers it has not asked for yet.
describe('a success waiting for its reader', () => {
  const ROWS = 40_000;
  const row = (i: number) => `{"dimensions":{"ad_id":"${1_700_000_000_000_000_000n + BigInt(i)}","stat_time_day":"2026-01-01 00:00:00"},"metrics":{"spend":"${(i % 997) / 10}","impressions":"${i}","padding":"${'x'.repeat(300)}"}}`;
  const page = Buffer.from(`{"code":0,"message":"OK","request_id":"r1","data":{"list":[${Array.from({ length: ROWS }, (_, i) => row(i)).join(',')}],"page_info":{"page":1,"page_size":${ROWS},"total_number":${ROWS},"total_page":1}}}`);
  let server: Server;
  let answer: ServerResponse | undefined;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      answer = res;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(page.length) });
      res.end(page);
    });
    url = await listenLocal(server);
  });
  afterAll(() => server?.close());

  it('is left unread until its ticket is granted, past the request timeout, and then read whole', async () => {
    expect(page.length).toBeGreaterThan(12_000_000);
    const client = new TikTokClient({ baseUrl: url, accessToken: 't', requestsPerSecond: 100, taskRequestsPerSecond: 10, maxConcurrency: 2, timeoutMs: 1_000, maxRetries: 0, retryBaseMs: 5 });
    const ticket = await client.parseTicket();
    const call = client.get<{ list: ListRows }>('report/integrated/get/', { advertiser_id: '1' }, 'sync', { ticket });
    let settled = false;
    void call.then(() => (settled = true), () => (settled = true));
    // (A timeout of 1 s, not less: the rest of the 12 MB page must be read and parsed within it on a busy machine.)
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // Three times the timeout later: the answer is still mostly in the server's socket, and not failed.
    expect(settled).toBe(false);
    expect(answer!.writableFinished).toBe(false);
    expect(answer!.socket!.writableLength).toBeGreaterThan(page.length / 2);
    await ticket.acquire();
    const data = await call;
    expect(data.list.length).toBe(ROWS);
    const impressions = [...data.list].map((r) => (r as { metrics: { impressions: string } }).metrics.impressions);
    expect(impressions).toEqual(Array.from({ length: ROWS }, (_, i) => String(i)));
    expect(client.stats.requests).toBe(1);
    ticket.close();
  });

  it('is given up unread when its ticket is closed before its reader wants it: the rest is never downloaded', async () => {
    const client = new TikTokClient({ baseUrl: url, accessToken: 't', requestsPerSecond: 100, taskRequestsPerSecond: 10, maxConcurrency: 2, timeoutMs: 5_000, maxRetries: 3, retryBaseMs: 5 });
    const ticket = await client.parseTicket();
    const call = client.get('report/integrated/get/', { advertiser_id: '1' }, 'sync', { ticket });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const served = answer!;
    const closed = new Promise<void>((resolve) => served.once('close', () => resolve()));
    ticket.close();
    await expect(call).rejects.toThrow(/no longer wanted/);
    await closed;
    expect(served.writableFinished).toBe(false);
    expect(client.stats.requests).toBe(1);
  });
});
