import { createHash } from 'node:crypto';
import type { DirectoryClientOptions } from './connect-directory';
import { connectDirectory } from './connect-directory';
import type { DirectoryConnection } from './directory-connection';
import { DIRECTORY_ERROR_CODES, DirectoryError } from './directory-error';

/** Publications that share one pooled connection before another is opened. @default 8 */
export const DEFAULT_LDAP_CONNECTION_SHARING = 8;

/** Options of {@link createDirectoryConnectionPool}. */
export interface DirectoryConnectionPoolOptions {
  /** Idle connections kept per connection settings. @default 4 */
  maxIdle?: number;
  /** An idle connection is closed after this long. @default 30000 */
  idleMs?: number;
  /**
   * Publications that share one connection at a time, their requests pipelined on it; a new connection is opened
   * only when every open one is this busy. @default {@link DEFAULT_LDAP_CONNECTION_SHARING} (8)
   */
  maxSharing?: number;
}

/** Bound directory connections, reused across publications. */
export interface DirectoryConnectionPool {
  /**
   * Runs `work` on a connection for these settings: an open one with room when there is one, else a new one (with
   * failover). A connection on which anything but a directory's answer failed (a reset, a timeout, a bind or TLS
   * failure) takes no new work and is closed when its last user is done; such a failure on a connection that had
   * already served (the directory may have dropped it while idle) is tried once more on a fresh one.
   */
  use<T>(
    options: DirectoryClientOptions,
    work: (connection: DirectoryConnection) => Promise<T>,
    limits?: { maxSharing?: number },
  ): Promise<T>;
  /** Closes every idle connection, and every busy one once its users are done. */
  close(): Promise<void>;
}

interface Slot {
  readonly key: string;
  readonly ready: Promise<DirectoryConnection>;
  users: number;
  served: boolean;
  broken: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * A pool of bound connections, so a burst of publications pays the TLS handshake and bind once per connection, not
 * once per certificate. Concurrent publications share a connection (LDAP lets requests be pipelined): a directory
 * that serializes its writes, as Samba's does, spends less on lock hand-overs between its workers when one
 * connection carries the burst, and the connection's account lookups can be batched. Pooled by everything that
 * makes a connection different, the password's hash included (a rotated password gets new connections).
 */
export function createDirectoryConnectionPool(options: DirectoryConnectionPoolOptions = {}): DirectoryConnectionPool {
  const maxIdle = options.maxIdle ?? 4;
  const idleMs = options.idleMs ?? 30_000;
  const defaultSharing = options.maxSharing ?? DEFAULT_LDAP_CONNECTION_SHARING;
  const slots = new Map<string, Slot[]>();
  const factoryIds = new WeakMap<object, number>();
  let factories = 0;
  let closed = false;

  const keyOf = (o: DirectoryClientOptions) => {
    let factory = 0;
    if (o.ldapClientFactory) {
      factory = factoryIds.get(o.ldapClientFactory) ?? ++factories;
      factoryIds.set(o.ldapClientFactory, factory);
    }
    return JSON.stringify([
      o.servers,
      o.bindDN ?? null,
      o.bindPassword === undefined ? null : createHash('sha256').update(o.bindPassword).digest('hex'),
      o.caFile ?? null,
      o.startTLS ?? false,
      o.timeoutMs ?? null,
      o.userCertificateAttribute ?? null,
      o.accountSchema ?? null,
      factory,
    ]);
  };
  const drop = (slot: Slot): Promise<void> => {
    const list = slots.get(slot.key);
    const index = list?.indexOf(slot) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    if (list?.length === 0) slots.delete(slot.key);
    clearTimeout(slot.timer);
    return slot.ready.then((c) => c.close()).catch(() => undefined);
  };
  // The busiest connection with room, so a burst stays on as few connections as it needs.
  const pick = (key: string, maxSharing: number) => {
    let best: Slot | undefined;
    for (const slot of slots.get(key) ?? []) {
      if (!slot.broken && slot.users < maxSharing && (!best || slot.users > best.users)) best = slot;
    }
    return best;
  };
  const open = (key: string, connectOptions: DirectoryClientOptions): Slot => {
    const slot: Slot = { key, ready: connectDirectory(connectOptions), users: 0, served: false, broken: false };
    slot.ready.catch(() => undefined); // the users of the slot see the failure
    slots.set(key, [...(slots.get(key) ?? []), slot]);
    return slot;
  };
  const release = (slot: Slot, keep: boolean) => {
    slot.users--;
    if (!keep) slot.broken = true;
    if (slot.users > 0) return;
    if (slot.broken || closed) return void drop(slot);
    const idle = (slots.get(slot.key) ?? []).filter((s) => s.users === 0 && !s.broken);
    if (idle.length > maxIdle) return void drop(slot);
    clearTimeout(slot.timer);
    slot.timer = setTimeout(() => void drop(slot), idleMs);
    slot.timer.unref?.();
  };
  const attempt = async <T>(slot: Slot, work: (connection: DirectoryConnection) => Promise<T>): Promise<T> => {
    slot.users++;
    clearTimeout(slot.timer);
    try {
      const result = await work(await slot.ready);
      slot.served = true;
      release(slot, true);
      return result;
    } catch (error) {
      release(slot, _keepsConnection(error));
      throw error;
    }
  };

  return {
    async use(connectOptions, work, limits) {
      const key = keyOf(connectOptions);
      const reused = pick(key, Math.max(1, limits?.maxSharing ?? defaultSharing));
      if (!reused?.served) return attempt(reused ?? open(key, connectOptions), work);
      try {
        return await attempt(reused, work);
      } catch (error) {
        if (_keepsConnection(error)) throw error;
      }
      // The directory may have closed an idle connection: one more try on a fresh one decides.
      return attempt(open(key, connectOptions), work);
    },
    async close() {
      closed = true;
      await Promise.all(
        [...slots.values()]
          .flat()
          .filter((s) => s.users === 0)
          .map(drop),
      );
    },
  };
}

/** Whether a failure was the directory's answer on a healthy connection (nothing found, access denied, …). */
function _keepsConnection(error: unknown): boolean {
  if (!DirectoryError.isInstance(error)) return false;
  return (
    error.code === DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND ||
    error.code === DIRECTORY_ERROR_CODES.ACCOUNT_AMBIGUOUS ||
    (error.code === DIRECTORY_ERROR_CODES.OPERATION_FAILED && !error.isRetryable)
  );
}
