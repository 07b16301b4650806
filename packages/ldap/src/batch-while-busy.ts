/**
 * Coalesces calls that arrive while an earlier batch is running into the next batch, so a burst costs a few
 * round trips and an idle caller waits for nobody: the first call runs alone (after the current microtask, which
 * lets calls made together go together), and the calls made meanwhile go together when it is done, at most
 * `maxBatch` at a time. Every caller of a batch gets the batch's result, or its error.
 */
export function batchWhileBusy<K, R>(
  run: (keys: readonly K[]) => Promise<R>,
  maxBatch: number,
): (key: K) => Promise<R> {
  const queue: Array<{ key: K; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  let busy = false;
  const pump = () => {
    if (busy || queue.length === 0) return;
    busy = true;
    const batch = queue.splice(0, Math.max(1, maxBatch));
    Promise.resolve()
      .then(() => run(batch.map((b) => b.key)))
      .then(
        (result) => {
          for (const b of batch) b.resolve(result);
        },
        (error: unknown) => {
          for (const b of batch) b.reject(error);
        },
      )
      .finally(() => {
        busy = false;
        pump();
      });
  };
  return (key) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ key, resolve, reject });
      if (!busy && queue.length === 1) queueMicrotask(pump);
    });
}
