/**
 * Frees the memory behind a byte array now instead of at the collector's next pass over it. A buffer that has
 * outlived the young generation waits for a full GC, and one that has not still waits for the next scavenge: meanwhile
 * its memory is held, and in glibc's heap, garbage of mixed sizes interleaved with live allocations leaves holes that
 * raise the heap's high-water mark for good (docs/benchmarks/profiling.md).
 *
 * Only for bytes their caller owns outright: the `ArrayBuffer` is detached, so every other view of it empties.
 * `whole` (the default) frees only when the view spans the whole `ArrayBuffer`, never a slice of Node's shared pool or of a
 * larger buffer someone else holds; a caller that made the larger buffer itself passes false.
 */
export function freeMemory(view: ArrayBufferView, whole = true): void {
  const buffer = view.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.detached) return;
  if (whole && (view.byteOffset !== 0 || view.byteLength !== buffer.byteLength)) return;
  buffer.transfer(0);
}
