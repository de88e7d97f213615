/**
 * Runs up to `concurrency` producers at once and yields their items as they arrive. Each producer has at most one
 * item in flight, so a slow consumer holds every producer back (memory stays flat).
 */
export async function* mergeConcurrently<T>(producers: Iterable<() => AsyncGenerator<T>>, concurrency: number): AsyncGenerator<T> {
  const waiting = producers[Symbol.iterator]();
  const running = new Map<number, { iterator: AsyncGenerator<T>; next: Promise<{ id: number; result: IteratorResult<T> }> }>();
  let nextId = 0;
  const pull = (id: number, iterator: AsyncGenerator<T>) =>
    iterator.next().then((result) => ({ id, result }));
  const startMore = () => {
    while (running.size < concurrency) {
      const step = waiting.next();
      if (step.done) return;
      const id = nextId++;
      const iterator = step.value();
      running.set(id, { iterator, next: pull(id, iterator) });
    }
  };
  try {
    startMore();
    while (running.size > 0) {
      const { id, result } = await Promise.race([...running.values()].map((r) => r.next));
      const entry = running.get(id);
      if (!entry) continue;
      if (result.done) {
        running.delete(id);
        startMore();
        continue;
      }
      entry.next = pull(id, entry.iterator);
      yield result.value;
    }
  } finally {
    // A failure (or the consumer stopping) ends every producer still running.
    await Promise.allSettled([...running.values()].map((r) => r.iterator.return(undefined)));
  }
}
