/** A destination for log lines that {@link turnBufferedLines} makes. */
export interface TurnBufferedLines {
  /** Takes a line (ending in a newline); it is written at the end of this turn of the event loop. */
  write(line: string): void;
  /** Writes what is waiting now, then calls `done` (pino's `logger.flush(cb)` passes it). */
  flush(done?: () => void): void;
}

/**
 * Lines written in one turn of the event loop, handed to `write` as one text at its end (`setImmediate`), and what
 * is left when the process exits. `serve` logs a line per request, and a write per line on the thread that serves
 * the requests costs it throughput. pino's own stream (SonicBoom) writes either every line synchronously, or from
 * libuv's thread pool: four more threads in a server held to 200 MB, and no less time on the serving thread.
 */
export function turnBufferedLines(write: (text: string) => void): TurnBufferedLines {
  let waiting: string[] = [];
  let scheduled = false;
  const writeWaiting = (): void => {
    scheduled = false;
    if (waiting.length === 0) return;
    const text = waiting.join('');
    waiting = [];
    write(text);
  };
  process.on('exit', writeWaiting);
  return {
    write(line) {
      waiting.push(line);
      if (scheduled) return;
      scheduled = true;
      setImmediate(writeWaiting);
    },
    flush(done) {
      writeWaiting();
      done?.();
    },
  };
}
