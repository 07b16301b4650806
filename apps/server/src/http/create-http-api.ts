import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { E_ACCESSDENIED, HRESULT_FILE_NOT_FOUND } from '@certexit/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastify from 'fastify';
import type pino from 'pino';
import type { ConsoleAsset } from '../console/console-assets';
import { ConsoleSessionStore } from '../console/console-session-store';
import { securityHeaders } from '../console/content-security-policy';
import { AccessLogController } from './access-log-controller';
import { createApiHandlers } from './api-handlers';
import type { ApiOperationId, ApiRoute, RouteAccess } from './api-routes';
import { API_ROUTES } from './api-routes';
import { buildOpenApiDocument } from './build-openapi-document';
import type { Caller, CallerDirectory } from './caller-directory';
import { roleAtLeast } from './caller-directory';
import { readCookie, registerConsoleRoutes, sessionCaller, sessionCookieName } from './console-routes';
import type { DeliveryHistory } from './delivery-history';
import { errorResponseOf } from './error-response-of';
import type { HttpApiEngine } from './http-api-engine';
import { HttpError } from './http-error';
import { isLoopbackHost } from './listen-address';
import { queryCredentials, redactUrl } from './query-credentials';
import type { ServerMetrics } from './server-metrics';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; `null` on public routes and before authentication. */
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** A console page or session route: the console's Content-Security-Policy. */
    console?: boolean;
  }
}

/** The largest request body the API reads; larger ones are refused with 413 before they are read. */
export const HTTP_BODY_LIMIT = 64 * 1024;

/** TLS of the API: the server's certificate and key, and optionally the CA of client certificates (PEM). */
export interface HttpTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  clientCa?: string | Buffer;
}

/** Options of {@link createHttpApi}. */
export interface HttpApiOptions {
  /** Who may call, by bearer token. */
  callers: CallerDirectory;
  /** The structured logger (pino, like the engine's). Authorization headers are redacted. Absent: no logs. */
  logger?: pino.Logger;
  metrics?: ServerMetrics;
  /**
   * Serve HTTPS with this certificate chain and key (PEM). With `clientCa`, clients may also authenticate with a
   * TLS client certificate issued by it and bound to a caller (`caller add --certificate`); token callers still
   * connect without one.
   */
  tls?: HttpTlsOptions;
  /** `info.version` of the OpenAPI document. @default '0.0.0' */
  version?: string;
  /** The console's sessions. @default a new in-memory store (15 minutes idle, 8 hours at most) */
  sessions?: ConsoleSessionStore;
  /** The console's built files (`loadConsoleAssets`); absent: no console, only the API. */
  consoleAssets?: Map<string, ConsoleAsset>;
  /** Deliveries per minute, for the console's chart (`GET /v1/exit-modules/history`). */
  history?: DeliveryHistory;
}

/** The fastify instance the API runs on (HTTP or HTTPS). */
export type HttpApi = FastifyInstance;

/**
 * The HTTP API of a CA: requesters submit and retrieve their own requests, CA managers approve, deny, revoke,
 * publish CRLs and view; `/healthz`, `/metrics` and `/openapi.json` for operations. Every route, its access rule
 * and its schemas come from {@link API_ROUTES}, which the OpenAPI document is built from too. Callers
 * authenticate with bearer tokens from the {@link CallerDirectory}; what a caller does is recorded under its
 * identity, never under a name from the body. Call `listen` on the result, or `inject` in tests.
 */
export function createHttpApi(engine: HttpApiEngine, options: HttpApiOptions): HttpApi {
  const logger = options.logger?.child(
    { component: 'http' },
    {
      redact: {
        paths: ['headers.authorization', 'headers["proxy-authorization"]', 'headers.cookie'],
        censor: '[redacted]',
      },
      serializers: _serializers,
    },
  );
  const app = fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    ...(options.tls && {
      https: {
        cert: options.tls.cert,
        key: options.tls.key,
        // Ask for a client certificate but let token callers in without one; only a verified one counts.
        ...(options.tls.clientCa && { ca: options.tls.clientCa, requestCert: true, rejectUnauthorized: false }),
      },
    }),
    bodyLimit: HTTP_BODY_LIMIT,
    genReqId: () => randomUUID(),
    logController: new AccessLogController(),
    // Reject unknown body fields (a `requesterName`, say) instead of silently dropping them; a revocation reason
    // is a number or a name (`type: ['integer', 'string']`).
    ajv: { customOptions: { removeAdditional: false, allowUnionTypes: true } },
  }) as unknown as HttpApi;

  const document = buildOpenApiDocument({ version: options.version ?? '0.0.0' });
  const handlers = createApiHandlers(engine, {
    metrics: options.metrics,
    document,
    metricsRegistry: options.metrics?.registry,
    history: options.history,
  });
  const tls = Boolean(options.tls);
  const sessions = options.sessions ?? new ConsoleSessionStore();
  const sessionOptions = { callers: options.callers, sessions, tls };

  app.decorateRequest('caller', null);
  // The API reads JSON only: a form post (text/plain, urlencoded, multipart) from another site is a 415.
  app.removeContentTypeParser('text/plain');
  // An empty body on a POST without one (approve, deny, unrevoke) is fine; anything else parses as JSON safely.
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else void json(request, body as string, done);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.headers(securityHeaders({ tls, console: request.routeOptions.config.console === true }));
    // Never a credential in the URL, whatever the route: it ends up in logs, proxies and histories.
    const credentials = queryCredentials(request.url);
    if (credentials.length > 0) {
      throw new HttpError(
        400,
        `credentials are refused in the query string (${credentials.join(', ')}): send the token as "Authorization: Bearer <token>", and replace a token that was sent in a URL (certexit caller add --replace)`,
        E_ACCESSDENIED,
      );
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') _refuseCrossSite(request);
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    request.caller =
      readCookie(request, sessionCookieName(tls)) !== undefined && request.headers.authorization === undefined
        ? sessionCaller(request, sessionOptions)
        : _authenticate(request, options.callers, access);
    if (!_allowed(request.caller, access)) {
      throw new HttpError(
        403,
        `${request.caller?.identity ?? 'this caller'} (${request.caller?.role ?? 'anonymous'}) may not ${request.method} ${request.routeOptions.url}: it needs the ${access === 'metrics' ? 'manager' : access} role`,
        E_ACCESSDENIED,
      );
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    options.metrics?.observeHttp(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler((error, request, reply) => {
    const answer = errorResponseOf(error, request.id);
    if (answer.internal) request.log.error({ err: error }, 'request failed');
    else
      request.log.info(
        { status: answer.status, error: answer.body.error, detail: answer.body.message },
        'request refused',
      );
    if (answer.status === 401) reply.header('www-authenticate', 'Bearer realm="certexit"');
    return reply.code(answer.status).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not_found',
      hresult: HRESULT_FILE_NOT_FOUND,
      message: `no route ${request.method} ${request.url.split('?')[0]}; see /openapi.json`,
    }),
  );

  registerConsoleRoutes(app, {
    ...sessionOptions,
    assets: options.consoleAssets,
    caName: engine.ca.commonName,
    clientCertificates: Boolean(options.tls?.clientCa),
  });

  for (const route of API_ROUTES as readonly ApiRoute[]) {
    const handler = handlers[route.operationId as ApiOperationId];
    app.route({
      method: route.method,
      url: route.url,
      config: { access: route.access },
      schema: {
        ...(route.params && { params: route.params }),
        ...(route.querystring && { querystring: route.querystring }),
        ...(route.body && { body: route.body }),
        response: Object.fromEntries(
          Object.entries(route.responses)
            .filter(([, r]) => (r.contentType ?? 'application/json') === 'application/json')
            .map(([status, r]) => [status, r.schema]),
        ),
      },
      handler: (request: FastifyRequest, reply: FastifyReply) => handler(request, reply),
    });
  }
  return app;
}

/**
 * The caller of a request: by bearer token, else by a verified TLS client certificate bound to a caller; 401
 * otherwise (except anonymous loopback `/metrics`).
 */
function _authenticate(request: FastifyRequest, callers: CallerDirectory, access: RouteAccess): Caller | null {
  const header = request.headers.authorization;
  if (header === undefined) {
    const socket = request.raw.socket as TLSSocket;
    const certificate = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    if (certificate?.raw) {
      if (!socket.authorized) {
        throw new HttpError(
          401,
          `the client certificate did not verify: ${String(socket.authorizationError)}`,
          E_ACCESSDENIED,
        );
      }
      const caller = callers.authenticateCertificate(certificate.raw);
      if (caller) return caller;
      if (access !== 'metrics') {
        throw new HttpError(
          401,
          'the client certificate is not bound to a caller (caller add --certificate)',
          E_ACCESSDENIED,
        );
      }
    }
    if (access === 'metrics' && isLoopbackHost(request.socket.remoteAddress ?? '')) return null;
    throw new HttpError(401, 'this route needs a bearer token (Authorization: Bearer <token>)', E_ACCESSDENIED);
  }
  const token = /^Bearer +(\S{1,512})\s*$/i.exec(header)?.[1];
  if (!token) throw new HttpError(401, 'the Authorization header is not "Bearer <token>"', E_ACCESSDENIED);
  const caller = callers.authenticate(token);
  if (!caller) throw new HttpError(401, 'the bearer token is not valid (unknown or removed caller)', E_ACCESSDENIED);
  return caller;
}

function _allowed(caller: Caller | null, access: RouteAccess): boolean {
  switch (access) {
    case 'public':
      return true;
    case 'metrics':
      // null here means an anonymous loopback peer, which _authenticate let through.
      return caller === null || caller.role === 'manager';
    case 'authenticated':
    case 'requester':
      return caller !== null;
    case 'officer':
      return caller !== null && roleAtLeast(caller.role, 'officer');
    case 'manager':
      return caller?.role === 'manager';
  }
}

/**
 * Refuses a change (a method other than GET and HEAD) that a browser sent from another site: its `Origin` is not
 * this server's, or its `Sec-Fetch-Site` says `cross-site` or `same-site`. Cookies and TLS client certificates
 * travel with such requests on their own, so without this check a page elsewhere could act as the console's
 * signed-in user, or as the certificate's owner. Clients other than browsers send neither header and are
 * unaffected; a bearer token is never sent by a browser on its own, but is held to the same rule.
 */
function _refuseCrossSite(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site')
    throw new HttpError(403, `a change sent from another site (Sec-Fetch-Site: ${site}) is refused`, E_ACCESSDENIED);
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = `${request.protocol}://${request.host}`;
  if (origin.toLowerCase() !== own.toLowerCase())
    throw new HttpError(403, `a change sent from another origin (${origin}) is refused`, E_ACCESSDENIED);
}

/** Request log fields (credentials in the URL redacted); the debug line adds the headers, credentials redacted. */
const _serializers = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
  }),
};
