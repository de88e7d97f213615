/** The most a declared Content-Length reserves up front; a longer body grows the buffer as it arrives. */
const MAX_RESERVED = 32 * 1024 * 1024;
const FIRST_SIZE = 64 * 1024;

/**
 * A response's body as one byte array, copied once from the socket's chunks into a buffer sized by its
 * Content-Length. `Response#arrayBuffer()` keeps every chunk until the end and then copies them all into a new
 * buffer, so a report page (1–2 MB) briefly held twice its size, for each of the requests in flight, and the
 * chunk-sized garbage fragmented the allocator (docs/benchmarks/profiling.md). A compressed or unannounced body
 * grows the buffer by doubling.
 */
export async function bodyBytes(response: Response): Promise<Uint8Array> {
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const identity = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() === 'identity';
  let buffer = new Uint8Array(identity && Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, MAX_RESERVED) : FIRST_SIZE);
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.max(buffer.byteLength * 2, size + chunk.byteLength));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(chunk, size);
    size += chunk.byteLength;
  }
  return size === buffer.byteLength ? buffer : buffer.subarray(0, size);
}
