let depth = 0;
const queue = new Set<() => void>();

/**
 * Runs `fn`, then calls each listener queued during it once. State is fully
 * updated before any listener runs, so listeners always read a consistent
 * snapshot, and a change touching many entries notifies each listener once.
 */
export const batch = (fn: () => void): void => {
  depth++;
  try {
    fn();
  } finally {
    if (!--depth) {
      // A Set visits members added while iterating, so listeners queued by a
      // listener still run in this flush.
      for (const listener of queue) {
        queue.delete(listener);
        listener();
      }
    }
  }
};

/** Queues a listener for the end of the current batch. */
export const enqueue = (listener: () => void): void => void queue.add(listener);
