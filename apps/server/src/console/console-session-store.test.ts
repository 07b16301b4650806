import { describe, expect, it } from 'vitest';
import { ConsoleSessionStore, csrfTokenMatches } from './console-session-store';

const credential = { kind: 'token' as const, hash: 'sha256:00' };

describe('ConsoleSessionStore', () => {
  it('gives each sign-in a new random id and CSRF token, and finds the session by the id only', () => {
    const store = new ConsoleSessionStore();
    const a = store.create('CONTOSO\\alice', credential);
    const b = store.create('CONTOSO\\alice', credential);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(store.get(a.id)?.identity).toBe('CONTOSO\\alice');
    expect(store.get(`${a.id.slice(0, -1)}x`)).toBeUndefined();
    expect(store.get('not a session id')).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });

  it('ends a session when idle too long, at the absolute limit, and at sign-out', () => {
    let now = 1_000_000;
    const store = new ConsoleSessionStore({ idleMs: 1000, absoluteMs: 5000, now: () => now });
    const idle = store.create('C\\a', credential);
    now += 1001;
    expect(store.get(idle.id)).toBeUndefined();
    const busy = store.create('C\\a', credential);
    for (let i = 0; i < 5; i++) {
      now += 900;
      expect(store.get(busy.id), `use ${i}`).toBeDefined();
    }
    now += 900;
    expect(store.get(busy.id)).toBeUndefined();
    const out = store.create('C\\a', credential);
    expect(store.destroy(out.id)).toBe(true);
    expect(store.get(out.id)).toBeUndefined();
    expect(store.destroy(out.id)).toBe(false);
  });

  it('evicts the least recently used session beyond the limit', () => {
    const store = new ConsoleSessionStore({ maxSessions: 2 });
    const a = store.create('C\\a', credential);
    const b = store.create('C\\b', credential);
    store.get(a.id);
    store.create('C\\c', credential);
    expect(store.get(a.id)).toBeDefined();
    expect(store.get(b.id)).toBeUndefined();
    expect(store.size).toBe(2);
  });

  it('compares CSRF tokens exactly', () => {
    const { session } = new ConsoleSessionStore().create('C\\a', credential);
    expect(csrfTokenMatches(session, session.csrfToken)).toBe(true);
    expect(csrfTokenMatches(session, `${session.csrfToken}x`)).toBe(false);
    expect(csrfTokenMatches(session, undefined)).toBe(false);
    expect(csrfTokenMatches(session, '')).toBe(false);
  });
});
