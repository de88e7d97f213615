import { describe, expect, it } from 'vitest';
import { bodyBytes } from '../src/tiktok/body-bytes.ts';

/** A body that arrives in the given chunks, as a socket would deliver it. */
function response(chunks: Uint8Array[], headers: Record<string, string> = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(body, { headers });
}

const bytesOf = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);
const joined = (chunks: Uint8Array[]): number[] => chunks.flatMap((chunk) => [...chunk]);

describe('bodyBytes', () => {
  const chunks = [bytesOf(70_000, 1), bytesOf(3, 2), bytesOf(150_000, 3)];
  const total = 220_003;

  it('copies the chunks once into a buffer of the declared length', async () => {
    const bytes = await bodyBytes(response(chunks, { 'content-length': String(total) }));
    expect(bytes.byteLength).toBe(total);
    expect(bytes.buffer.byteLength).toBe(total);
    expect([...bytes]).toEqual(joined(chunks));
  });

  it('grows when no length is declared, or a compressed length is', async () => {
    for (const headers of [{}, { 'content-length': '1000', 'content-encoding': 'gzip' }] as Record<string, string>[]) {
      const bytes = await bodyBytes(response(chunks, headers));
      expect(bytes.byteLength).toBe(total);
      expect([...bytes]).toEqual(joined(chunks));
    }
  });

  it('copes with a declared length that is wrong either way', async () => {
    for (const declared of ['10', String(total + 5000), 'not-a-number']) {
      const bytes = await bodyBytes(response(chunks, { 'content-length': declared }));
      expect(bytes.byteLength).toBe(total);
      expect([...bytes]).toEqual(joined(chunks));
    }
  });

  it('gives an empty array for an empty or absent body', async () => {
    expect((await bodyBytes(response([], { 'content-length': '0' }))).byteLength).toBe(0);
    expect((await bodyBytes(new Response(null, { status: 204 }))).byteLength).toBe(0);
  });

  it('rejects when the body breaks off', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytesOf(10, 1));
        controller.error(new Error('socket hang up'));
      },
    });
    await expect(bodyBytes(new Response(body, { headers: { 'content-length': '100' } }))).rejects.toThrow(/socket hang up/);
  });
});
