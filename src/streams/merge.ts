type Settled<T> = { id: number; result: IteratorResult<T> } | { id: number; error: unknown };

/**
 * Runs up to `concurrency` producers at once and yields their items as they arrive. A producer is asked for its
 * next item only once the consumer has taken the previous one, so each holds at most one item: memory stays
 * flat, whatever the consumer's speed. (No Promise.race in a loop: every race leaves a reaction on each
 * still-pending promise, and those reactions keep every earlier winner's item alive.)
 */
export async function* mergeConcurrently<T>(producers: Iterable<() => AsyncGenerator<T>>, concurrency: number): AsyncGenerator<T> {
  const waiting = producers[Symbol.iterator]();
  const running = new Map<number, AsyncGenerator<T>>();
  const settled: Settled<T>[] = [];
  let wake: (() => void) | undefined;
  let nextId = 0;

  const pull = (id: number, iterator: AsyncGenerator<T>) => {
    iterator.next().then(
      (result) => settled.push({ id, result }),
      (error: unknown) => settled.push({ id, error }),
    ).finally(() => wake?.());
  };
  const startMore = () => {
    while (running.size < concurrency) {
      const step = waiting.next();
      if (step.done) return;
      const id = nextId++;
      const iterator = step.value();
      running.set(id, iterator);
      pull(id, iterator);
    }
  };

  try {
    startMore();
    while (running.size > 0) {
      if (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const item = settled.shift();
      if (!item) continue;
      const iterator = running.get(item.id);
      if (!iterator) continue;
      if ('error' in item) {
        running.delete(item.id);
        throw item.error;
      }
      if (item.result.done) {
        running.delete(item.id);
        startMore();
        continue;
      }
      yield item.result.value;
      pull(item.id, iterator);
    }
  } finally {
    // A failure (or the consumer stopping) ends every producer still running.
    await Promise.allSettled([...running.values()].map((iterator) => iterator.return(undefined)));
  }
}
