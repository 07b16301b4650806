import { hostname } from 'node:os';

/**
 * True when the claims of `owner` (`host:pid:random`, see `ExitOutbox.owner`) should be taken back: it is not
 * `self`, and it is a process of this host that no longer runs, or an earlier owner of this same process (an
 * exit-module thread that was started again). Owners on other hosts are left to their lease.
 */
export function claimOwnerIsGone(owner: string, self: string): boolean {
  if (owner === self) return false;
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return false;
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
