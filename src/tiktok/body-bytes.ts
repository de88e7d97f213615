import { freeMemory } from '../free-memory.ts';

/** The most a declared Content-Length reserves up front; a longer body grows the buffer as it arrives. */
const MAX_RESERVED = 32 * 1024 * 1024;
const FIRST_SIZE = 64 * 1024;

/**
 * A response body opened by its first bytes, the rest left unread (in the socket, where the kernel and the
 * server hold it, not this process) until `whole` is asked for. A report page is ~1.5 MB: read as soon as it
 * arrived, every answer waiting for a slow consumer held its bytes here, up to one per request in flight
 * (docs/benchmarks/profiling.md). Node's fetch stops reading a socket whose body nobody reads once ~64 KB wait.
 */
export interface OpenedBody {
  /** The first bytes: at least as many as asked for, unless the body is shorter. */
  readonly head: Uint8Array;
  /** The whole body, head included, as one byte array; reads what is left. Call it once. */
  whole(): Promise<Uint8Array>;
  /** Gives up the rest unread (fetch then drops the connection) and frees the head. */
  cancel(): void;
}

/**
 * Reads a body's first `headBytes` (0: none) and leaves the rest for `whole`, which copies the chunks once into a
 * buffer sized by the Content-Length. `Response#arrayBuffer()` keeps every chunk until the end and then copies
 * them all into a new buffer, so a page briefly held twice its size and the chunk-sized garbage fragmented the
 * allocator. A compressed or unannounced body grows the buffer by doubling.
 *
 * Each chunk is freed as soon as it is copied. Node's fetch hands the reader a fresh copy of every chunk it read
 * from the socket (`new Uint8Array(bytes)` in undici's fetch), which nothing else holds; left to the collector, up
 * to ~8 MB of these 1–64 KB copies waited for the next scavenge in glibc's heap, and the holes they left there
 * made a long read's memory creep. So the body must come from `fetch` (or another source whose chunks are the
 * reader's).
 */
export async function openBody(response: Response, headBytes: number): Promise<OpenedBody> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let headSize = 0;
  let done = reader === undefined;
  while (!done && headSize < headBytes) {
    const next = await reader!.read();
    if (next.done) done = true;
    else {
      chunks.push(next.value);
      headSize += next.value.byteLength;
    }
  }
  const head = chunks.length === 1 ? chunks[0]! : concat(chunks, headSize);
  let used = false;
  return {
    head,
    async whole(): Promise<Uint8Array> {
      if (used) throw new Error('A body is read whole once, and not after it is cancelled.');
      used = true;
      const declared = Number(response.headers.get('content-length') ?? Number.NaN);
      const identity = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() === 'identity';
      let buffer = new Uint8Array(identity && Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, MAX_RESERVED) : Math.max(FIRST_SIZE, headSize));
      let size = 0;
      const append = (chunk: Uint8Array): void => {
        if (size + chunk.byteLength > buffer.byteLength) {
          const grown = new Uint8Array(Math.max(buffer.byteLength * 2, size + chunk.byteLength));
          grown.set(buffer.subarray(0, size));
          freeMemory(buffer);
          buffer = grown;
        }
        buffer.set(chunk, size);
        size += chunk.byteLength;
        freeMemory(chunk);
      };
      append(head);
      while (!done) {
        const next = await reader!.read();
        if (next.done) done = true;
        else append(next.value);
      }
      return size === buffer.byteLength ? buffer : buffer.subarray(0, size);
    },
    cancel(): void {
      if (used) return;
      used = true;
      freeMemory(head);
      if (!done) reader!.cancel().catch(() => undefined);
    },
  };
}

/** The chunks as one array; each is freed once copied. */
function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
    freeMemory(chunk);
  }
  return joined;
}
