import { createHash } from 'node:crypto';
import type { DirectoryClientOptions, DirectoryConnection } from './directory-client';
import { connectDirectory } from './directory-client';

/** Options of {@link createDirectoryConnectionPool}. */
export interface DirectoryConnectionPoolOptions {
  /** Idle connections kept per connection settings. @default 4 */
  maxIdle?: number;
  /** An idle connection is closed after this long. @default 30000 */
  idleMs?: number;
}

/** Bound directory connections, reused across publications. */
export interface DirectoryConnectionPool {
  /**
   * Runs `work` on a connection for these settings: an idle one when there is one, else a new one (with failover).
   * A connection that saw any failure is closed, never reused; a failure on a reused connection (the directory may
   * have dropped it while idle) is tried once more on a fresh one.
   */
  use<T>(options: DirectoryClientOptions, work: (connection: DirectoryConnection) => Promise<T>): Promise<T>;
  /** Closes every idle connection. */
  close(): Promise<void>;
}

/**
 * A pool of bound connections, so a burst of publications pays the TLS handshake and bind once per connection, not
 * once per certificate. Pooled by everything that makes a connection different, the password's hash included (a
 * rotated password gets new connections).
 */
export function createDirectoryConnectionPool(options: DirectoryConnectionPoolOptions = {}): DirectoryConnectionPool {
  const maxIdle = options.maxIdle ?? 4;
  const idleMs = options.idleMs ?? 30_000;
  const idle = new Map<string, Array<{ connection: DirectoryConnection; timer: NodeJS.Timeout }>>();
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
  const take = (key: string) => {
    const entry = idle.get(key)?.pop();
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    return entry.connection;
  };
  const giveBack = (key: string, connection: DirectoryConnection) => {
    const list = idle.get(key) ?? [];
    if (closed || list.length >= maxIdle) {
      void connection.close().catch(() => undefined);
      return;
    }
    const timer = setTimeout(() => {
      const current = idle.get(key);
      const index = current?.findIndex((e) => e.connection === connection) ?? -1;
      if (current && index >= 0) current.splice(index, 1);
      void connection.close().catch(() => undefined);
    }, idleMs);
    timer.unref?.();
    list.push({ connection, timer });
    idle.set(key, list);
  };

  return {
    async use(connectOptions, work) {
      const key = keyOf(connectOptions);
      const reused = take(key);
      const attempt = async (connection: DirectoryConnection) => {
        try {
          const result = await work(connection);
          giveBack(key, connection);
          return result;
        } catch (error) {
          await connection.close().catch(() => undefined);
          throw error;
        }
      };
      if (reused) {
        try {
          return await attempt(reused);
        } catch {
          // The directory may have closed an idle connection: one more try on a fresh one decides.
        }
      }
      return attempt(await connectDirectory(connectOptions));
    },
    async close() {
      closed = true;
      const all = [...idle.values()].flat();
      idle.clear();
      for (const e of all) clearTimeout(e.timer);
      await Promise.allSettled(all.map((e) => e.connection.close()));
    },
  };
}
