import { describe, expect, it } from 'vitest';
import { BufferPool, CopyBuffer } from '../../../../src/engines/postgres/copy-buffer.ts';

describe('COPY buffer pool', () => {
  it('keeps up to 8 chunks for reuse and frees the rest at once', () => {
    const pool = new BufferPool();
    const chunks = Array.from({ length: 12 }, () => pool.take());
    pool.give(chunks);
    expect(pool.kept).toBe(8);
    expect(chunks.slice(0, 8).every((chunk) => chunk.byteLength === 1024 * 1024)).toBe(true);
    // Freed, not left to the collector: their memory is gone now.
    expect(chunks.slice(8).every((chunk) => (chunk.buffer as ArrayBuffer).detached && chunk.byteLength === 0)).toBe(true);
    // Reuse hands the kept chunks out again before allocating.
    const again = pool.take();
    expect(chunks.slice(0, 8)).toContain(again);
  });

  it('frees an oversized one-off buffer, never a slice of a shared one', () => {
    const pool = new BufferPool();
    const big = Buffer.allocUnsafe(3 * 1024 * 1024);
    const shared = Buffer.from('shared pool slice');
    pool.give([big, shared]);
    expect((big.buffer as ArrayBuffer).detached).toBe(true);
    expect((shared.buffer as ArrayBuffer).detached).toBe(false);
    expect(shared.toString()).toBe('shared pool slice');
    expect(pool.kept).toBe(0);
  });

  it('hands over exactly the bytes appended, across chunks', () => {
    const pool = new BufferPool();
    const pending = new CopyBuffer(pool);
    const line = `1\t${'é'.repeat(40_000)}\n`;
    for (let i = 0; i < 30; i++) pending.append(line);
    const { views, buffers } = pending.take();
    expect(Buffer.concat(views).toString()).toBe(line.repeat(30));
    pool.give(buffers);
    expect(pool.kept).toBeLessThanOrEqual(8);
  });
});
