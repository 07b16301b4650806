import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Raises the calling thread's niceness (lowers its priority) where the system keeps niceness per thread (Linux:
 * `setpriority` on the thread's ID, which /proc/thread-self names). The exit-module thread runs this way on the
 * CPU the engine leaves: under load the scheduler gives it about a tenth of a core at niceness 10, and all of
 * whatever is idle. Returns false where it cannot.
 */
export function lowerThreadPriority(niceness: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
