import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** One signed-in console session, kept on the server; the browser holds only its random id, in a cookie. */
export interface ConsoleSession {
  /** The caller's identity; its role is looked up again at every request. */
  readonly identity: string;
  /** The hash of the credential the caller signed in with (see `CallerDirectory.current`). */
  readonly credential: { readonly kind: 'token' | 'certificate'; readonly hash: string };
  /** The synchronizer token every change must carry in `x-csrf-token`. */
  readonly csrfToken: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

/** Options of {@link ConsoleSessionStore}. */
export interface ConsoleSessionStoreOptions {
  /** A session unused this long ends. @default 15 minutes */
  idleMs?: number;
  /** A session ends this long after sign-in, used or not. @default 8 hours */
  absoluteMs?: number;
  /** At most this many sessions at once; the least recently used goes first. @default 10000 */
  maxSessions?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The console's server-side sessions. A session id is 256 random bits; the store keys sessions by the id's SHA-256,
 * so the ids themselves are never kept. A session ends when idle for `idleMs`, `absoluteMs` after sign-in, at
 * sign-out, and when the server stops (the store is in memory: a restart signs everyone out, which a CA console
 * can afford and which keeps session secrets off the disk).
 */
export class ConsoleSessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: ConsoleSessionStoreOptions = {}) {
    this.idleMs = options.idleMs ?? 15 * 60_000;
    this.absoluteMs = options.absoluteMs ?? 8 * 3_600_000;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** How long a new session's cookie may live, in seconds (the absolute limit). */
  get maxAgeSeconds(): number {
    return Math.floor(this.absoluteMs / 1000);
  }

  /** Starts a session; returns the id for the cookie (shown nowhere else) and the session. */
  create(identity: string, credential: ConsoleSession['credential']): { id: string; session: ConsoleSession } {
    this.prune();
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: ConsoleSession = {
      identity,
      credential,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    };
    this.sessions.set(_key(id), session);
    return { id, session };
  }

  /** The live session of a cookie value, marked as used now; `undefined` for an unknown or expired one. */
  get(id: string | undefined): ConsoleSession | undefined {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const key = _key(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const now = this.now();
    if (now - session.lastSeenAt > this.idleMs || now - session.createdAt > this.absoluteMs) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeenAt = now;
    // Most recently used last: the eviction order.
    this.sessions.delete(key);
    this.sessions.set(key, session);
    return session;
  }

  /** Ends a session; true when there was one. */
  destroy(id: string | undefined): boolean {
    return id ? this.sessions.delete(_key(id)) : false;
  }

  /** Ends every session of an identity (compared case-insensitively); returns how many. */
  destroyAllOf(identity: string): number {
    let n = 0;
    for (const [key, session] of this.sessions) {
      if (session.identity.toLowerCase() === identity.toLowerCase()) {
        this.sessions.delete(key);
        n++;
      }
    }
    return n;
  }

  /** How many sessions are live. */
  get size(): number {
    this.prune();
    return this.sessions.size;
  }

  /** Drops expired sessions. */
  prune(): void {
    const now = this.now();
    for (const [key, session] of this.sessions) {
      if (now - session.lastSeenAt > this.idleMs || now - session.createdAt > this.absoluteMs)
        this.sessions.delete(key);
    }
  }
}

/** True when `presented` is the session's CSRF token, compared in constant time. */
export function csrfTokenMatches(session: ConsoleSession, presented: string | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

function _key(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
