import type { TLSSocket } from 'node:tls';
import { E_ACCESSDENIED, HRESULT_FILE_NOT_FOUND } from '@certexit/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleAsset } from '../console/console-assets';
import type { ConsoleSession, ConsoleSessionStore } from '../console/console-session-store';
import { csrfTokenMatches } from '../console/console-session-store';
import type { Caller, CallerDirectory } from './caller-directory';
import { HttpError } from './http-error';

/** Where the console lives. */
export const CONSOLE_PATH = '/console/';

/** The header every change made from a console session carries: the session's synchronizer token. */
export const CSRF_HEADER = 'x-csrf-token';

/** What the console routes need. */
export interface ConsoleRouteOptions {
  callers: CallerDirectory;
  sessions: ConsoleSessionStore;
  /** The built files, by path under the console; absent: the console is not served (the API still is). */
  assets?: Map<string, ConsoleAsset>;
  tls: boolean;
  /** The CA's name, for the sign-in page. */
  caName: string;
  /** Whether TLS client certificates are asked for (`--client-ca`): the sign-in page offers them. */
  clientCertificates: boolean;
}

/** The session cookie's name: `__Host-` (Secure, Path=/, no Domain: no other host or path can set or read it). */
export function sessionCookieName(tls: boolean): string {
  return tls ? '__Host-certexit-session' : 'certexit-session';
}

/** The value of one cookie of a request, or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The caller of a request that carries a session cookie, or a 401 naming why not. A change (any method but GET and
 * HEAD) must also carry the session's CSRF token in {@link CSRF_HEADER}, else 403. The caller's role is the one the
 * configuration gives now; a caller removed, or whose token or certificate was replaced, has no session any more.
 */
export function sessionCaller(
  request: FastifyRequest,
  options: Pick<ConsoleRouteOptions, 'callers' | 'sessions' | 'tls'>,
): Caller {
  const id = readCookie(request, sessionCookieName(options.tls));
  const session = options.sessions.get(id);
  if (!session) throw new HttpError(401, 'the console session has ended: sign in again', E_ACCESSDENIED);
  const caller = options.callers.current(session.identity, session.credential);
  if (!caller) {
    options.sessions.destroy(id);
    throw new HttpError(
      401,
      `${session.identity} is no longer a caller with this credential (removed, or given a new token or certificate): sign in again`,
      E_ACCESSDENIED,
    );
  }
  if (
    request.method !== 'GET' &&
    request.method !== 'HEAD' &&
    !csrfTokenMatches(session, _header(request, CSRF_HEADER))
  )
    throw new HttpError(
      403,
      `a change from a console session must carry the session's CSRF token in ${CSRF_HEADER}`,
      E_ACCESSDENIED,
    );
  return caller;
}

/**
 * The console: its static files at `/console/`, and its session. `POST /console/session` signs in with a caller's
 * token (`{ token }`) or the TLS client certificate of the connection (`{ certificate: true }`), always under a new
 * session id (a session id known before sign-in is worth nothing after it); `GET /console/session` answers who is
 * signed in and the session's CSRF token (readable by the console's own origin only); `POST
 * /console/session/sign-out` ends the session and clears the cookie. Without a session, `GET /console/session`
 * answers `signedIn: false` and how one may sign in (whether the connection presented a client certificate).
 */
export function registerConsoleRoutes(app: FastifyInstance, options: ConsoleRouteOptions): void {
  const cookie = sessionCookieName(options.tls);
  const setCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.header('set-cookie', `${cookie}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`);
  const sessionJson = (caller: Caller, session: ConsoleSession) => ({
    identity: caller.identity,
    role: caller.role,
    csrfToken: session.csrfToken,
    signedInWith: session.credential.kind,
    caName: options.caName,
    expiresAt: new Date(session.createdAt + options.sessions.maxAgeSeconds * 1000).toISOString(),
  });
  const failures = new Map<string, { count: number; since: number }>();

  app.get('/console', { config: { access: 'public', console: true } }, async (_request, reply) =>
    reply.redirect(CONSOLE_PATH, 302),
  );
  app.get('/console/*', { config: { access: 'public', console: true } }, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const key = path === '' ? 'index.html' : path;
    // Paths without a file extension are the app's own (it routes by its hash): they get the page.
    const served =
      options.assets?.get(key) ?? (/\.[a-z0-9]+$/i.test(key) ? undefined : options.assets?.get('index.html'));
    if (!served)
      throw new HttpError(
        404,
        options.assets ? `the console has no file ${JSON.stringify(key)}` : 'the console is not built into this server',
        HRESULT_FILE_NOT_FOUND,
      );
    reply.header('etag', served.etag);
    reply.header('cache-control', served.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (request.headers['if-none-match'] === served.etag) return reply.code(304).send();
    reply.type(served.contentType);
    return served.body;
  });

  // Answers 200 either way: a page load without a session is normal, and the browser logs every 4xx as an error.
  app.get('/console/session', { config: { access: 'public', console: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const id = readCookie(request, cookie);
    const session = options.sessions.get(id);
    const caller = session && options.callers.current(session.identity, session.credential);
    if (session && caller) return { signedIn: true, ...sessionJson(caller, session) };
    if (session) options.sessions.destroy(id);
    const socket = request.raw.socket as TLSSocket;
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    const presented = Boolean(peer?.raw) && socket.authorized === true;
    return {
      signedIn: false,
      caName: options.caName,
      certificateSignIn: options.clientCertificates,
      certificatePresented: presented,
      ...(presented && peer?.subject?.CN && { certificateSubject: String(peer.subject.CN) }),
    };
  });

  app.post('/console/session', { config: { access: 'public', console: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const address = request.ip;
    const now = Date.now();
    const record = failures.get(address);
    if (record && now - record.since < 60_000 && record.count >= 10)
      throw new HttpError(429, 'too many failed sign-ins from this address: wait a minute', E_ACCESSDENIED);
    const body = (request.body ?? {}) as { token?: unknown; certificate?: unknown };
    let caller: Caller | undefined;
    let credential: ConsoleSession['credential'] | undefined;
    if (typeof body.token === 'string' && body.token.length <= 512) {
      caller = options.callers.authenticate(body.token);
      if (caller) credential = options.callers.credentialOf({ token: body.token });
    } else if (body.certificate === true) {
      const socket = request.raw.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      if (!peer?.raw)
        throw new HttpError(401, 'no client certificate was presented on this connection', E_ACCESSDENIED);
      if (!socket.authorized)
        throw new HttpError(
          401,
          `the client certificate did not verify: ${String(socket.authorizationError)}`,
          E_ACCESSDENIED,
        );
      caller = options.callers.authenticateCertificate(peer.raw);
      if (caller) credential = options.callers.credentialOf({ certificate: peer.raw });
    } else {
      throw new HttpError(400, 'sign in with { "token": "cxt_…" } or { "certificate": true }');
    }
    if (!caller || !credential) {
      const fresh = !record || now - record.since >= 60_000;
      failures.set(address, { count: fresh ? 1 : record.count + 1, since: fresh ? now : record.since });
      request.log.info({ event: 'console-sign-in-failed', remoteAddress: address }, 'console sign-in refused');
      throw new HttpError(401, 'the token or certificate does not belong to a caller', E_ACCESSDENIED);
    }
    failures.delete(address);
    // Rotation: whatever session the browser held ends; the new one has a new id and a new CSRF token.
    options.sessions.destroy(readCookie(request, cookie));
    const { id, session } = options.sessions.create(caller.identity, credential);
    setCookie(reply, id, options.sessions.maxAgeSeconds);
    request.log.info(
      { event: 'console-sign-in', caller: caller.identity, role: caller.role, with: credential.kind },
      'console sign-in',
    );
    return sessionJson(caller, session);
  });

  app.post('/console/session/sign-out', { config: { access: 'public', console: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const caller = sessionCaller(request, options);
    options.sessions.destroy(readCookie(request, cookie));
    setCookie(reply, '', 0);
    request.log.info({ event: 'console-sign-out', caller: caller.identity }, 'console sign-out');
    return { signedOut: true };
  });
}

function _header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
