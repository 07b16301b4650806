import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupCa } from '@certexit/engine';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/start-server';
import { startServer } from '../../src/http/start-server';

/**
 * The console's session and the server's browser defences, over plain HTTP on loopback (the browser tests drive the
 * same over HTTPS in Chromium): sign-in, the cookie, the CSRF token on changes, cross-site changes and form posts
 * refused, the security headers on every answer.
 */
describe('console sessions and CSRF (HTTP)', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-console-session-'));
  let server: RunningServer;
  let manager: string;
  let requester: string;

  beforeAll(async () => {
    const dir = join(work, 'ca');
    await setupCa({ dir, commonName: 'Session Test CA', type: 'standalone-root', exitModules: [] });
    server = await startServer({
      dir,
      listen: '127.0.0.1:0',
      logger: pino({ level: 'silent' }),
      builtins: {},
      processMetrics: false,
    });
    manager = server.callers.add('CERTEXIT\\admin', 'manager').token;
    requester = server.callers.add('CERTEXIT\\user', 'requester').token;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const signIn = async (token: string) => {
    const answer = await post('/console/session', { token });
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get('set-cookie')!;
    const id = /^certexit-session=([^;]+)/.exec(cookie)![1]!;
    const session = (await answer.json()) as { csrfToken: string; role: string };
    return { cookie: `certexit-session=${id}`, setCookie: cookie, ...session };
  };

  it('signs in into a session cookie that is HttpOnly, Secure and SameSite=Strict, rotated at every sign-in', async () => {
    const first = await signIn(manager);
    expect(first.setCookie).toMatch(/; Path=\/; Max-Age=28800; HttpOnly; Secure; SameSite=Strict$/);
    expect(first.role).toBe('manager');
    const second = await signIn(manager);
    expect(second.cookie).not.toBe(first.cookie);
    expect(second.csrfToken).not.toBe(first.csrfToken);
    const state = await fetch(`${server.url}/console/session`, { headers: { cookie: second.cookie } });
    expect(await state.json()).toMatchObject({
      signedIn: true,
      identity: 'CERTEXIT\\admin',
      csrfToken: second.csrfToken,
    });
    // Without a session the page learns how to sign in, with a 200 (a browser logs every 4xx as an error).
    const none = await fetch(`${server.url}/console/session`);
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({
      signedIn: false,
      caName: 'Session Test CA',
      certificateSignIn: false,
      certificatePresented: false,
    });
  });

  it('refuses a change made with the session cookie but without its CSRF token, and accepts it with the token', async () => {
    const session = await signIn(manager);
    const change = { crlSchedule: { CRLOverlapUnits: 2 } };
    const without = await post('/v1/ca/properties/crl-schedule', change, { cookie: session.cookie });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { message: string }).message).toMatch(/x-csrf-token/);
    const wrong = await post('/v1/ca/properties/crl-schedule', change, { cookie: session.cookie, 'x-csrf-token': 'x' });
    expect(wrong.status).toBe(403);
    expect(
      server.authority.ca.registry.getValue(`${server.authority.ca.registryPath}\\CRLOverlapUnits`),
    ).toBeUndefined();
    const right = await post('/v1/ca/properties/crl-schedule', change, {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
    });
    expect(right.status).toBe(200);
    const [entry] = await server.authority.ca.store.listAudit({ limit: 1 });
    expect(entry).toMatchObject({ identity: 'CERTEXIT\\admin', role: 'manager', newValue: '2' });
    expect(entry!.target).toMatch(/\\CRLOverlapUnits$/);
  });

  it('keeps the role of the caller as the configuration says now, and ends its sessions when it is removed', async () => {
    const session = await signIn(requester);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
    expect((await post('/v1/ca/properties/policy', { editFlags: 0 }, headers)).status).toBe(403);
    expect((await fetch(`${server.url}/v1/views/issued`, { headers })).status).toBe(200);
    server.callers.remove('CERTEXIT\\user');
    const after = await fetch(`${server.url}/v1/views/issued`, { headers });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { message: string }).message).toMatch(/no longer a caller/);
    requester = server.callers.add('CERTEXIT\\user', 'requester').token;
  });

  it('refuses changes a browser sends from another site, whatever authenticates them', async () => {
    const session = await signIn(manager);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
    const body = { crlSchedule: { CRLOverlapUnits: 5 } };
    for (const extra of <Array<Record<string, string>>>[
      { origin: 'https://evil.example' },
      { origin: 'http://localhost:1' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const answer = await post('/v1/ca/properties/crl-schedule', body, { ...headers, ...extra });
      expect(answer.status, JSON.stringify(extra)).toBe(403);
    }
    // Even with a bearer token.
    const token = await post('/v1/crls', {}, { authorization: `Bearer ${manager}`, origin: 'https://evil.example' });
    expect(token.status).toBe(403);
    const same = await post('/v1/ca/properties/crl-schedule', body, {
      ...headers,
      origin: server.url,
      'sec-fetch-site': 'same-origin',
    });
    expect(same.status).toBe(200);
  });

  it('answers a form post with 415: the API reads JSON only', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const answer = await fetch(`${server.url}/v1/crls`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${manager}` },
        body: 'x=y',
      });
      expect(answer.status, type).toBe(415);
    }
  });

  it('sends the security headers on the console and on the API, and serves the console from memory', async () => {
    const page = await fetch(`${server.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|style=/i);
    const etag = page.headers.get('etag')!;
    expect((await fetch(`${server.url}/console/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${server.url}/console/assets/console.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${server.url}/console/#/issued`)).status).toBe(200);
    expect((await fetch(`${server.url}/console/issued`)).status).toBe(200);
    expect((await fetch(`${server.url}/console/assets/nothing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/..%2f..%2fregistry.json`)).status).toBe(404);
    const api = await fetch(`${server.url}/healthz`);
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(api.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers a folder query the indexes cannot serve with a 400 naming it', async () => {
    const get = async (query: string) => {
      const answer = await fetch(`${server.url}/v1/views/${query}`, {
        headers: { authorization: `Bearer ${manager}` },
      });
      return { status: answer.status, message: ((await answer.json()) as { message?: string }).message ?? '' };
    };
    expect(await get('pending?sort=NotAfter')).toMatchObject({
      status: 400,
      message: expect.stringMatching(/pending folder does not sort by "NotAfter"/),
    });
    expect(await get('issued?filter=Bogus:eq:x')).toMatchObject({
      status: 400,
      message: expect.stringMatching(/no column Bogus/),
    });
    expect(await get('issued?filter=NotAfter:lt:tomorrow')).toMatchObject({
      status: 400,
      message: expect.stringMatching(/takes a date/),
    });
    expect(await get('issued?after=garbage')).toMatchObject({
      status: 400,
      message: expect.stringMatching(/cursor is not valid/),
    });
    expect(await get('everything')).toMatchObject({ status: 400 });
    expect((await get('issued?sort=NotAfter&desc=true&filter=RequesterName:prefix:CERTEXIT')).status).toBe(200);
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const session = await signIn(manager);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
    const out = await post('/console/session/sign-out', {}, headers);
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^certexit-session=; Path=\/; Max-Age=0;/);
    expect((await fetch(`${server.url}/v1/views/issued`, { headers })).status).toBe(401);
  });

  it('limits failed sign-ins from one address', async () => {
    let last = 0;
    for (let i = 0; i < 11; i++) last = (await post('/console/session', { token: `cxt_${'Z'.repeat(43)}` })).status;
    expect(last).toBe(429);
  });
});
