/** The shape of the route table (api-routes.ts): what fastify and the OpenAPI document need of a route. */

import type { FastifyReply, FastifyRequest } from 'fastify';

/** One route's handler; the request was authenticated and validated against the route's schemas before. */
export type ApiHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Who may call a route: `public` needs nothing; `authenticated` any caller; `requester` any caller acting on its own
 * requests (officers and managers on everyone's); `officer` a certificate manager or a CA manager; `manager` a CA
 * manager (CA administrator) only. `/metrics` is `public` on loopback and needs a manager's token elsewhere (the
 * `metrics` access).
 */
export type RouteAccess = 'public' | 'authenticated' | 'requester' | 'officer' | 'manager' | 'metrics';

/** One response of a route: a JSON schema, or another media type documented with its schema. */
export interface RouteResponse {
  description: string;
  schema: object;
  /** @default 'application/json' */
  contentType?: string;
}

/** One route of the API: everything fastify and the OpenAPI document need, without the handler. */
export interface ApiRoute {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  /** fastify form, `:name` parameters. */
  readonly url: string;
  readonly summary: string;
  readonly access: RouteAccess;
  readonly tag: 'requests' | 'certificates' | 'crls' | 'ca' | 'templates' | 'views' | 'operations';
  readonly params?: object;
  readonly querystring?: object;
  readonly body?: object;
  readonly responses: Readonly<Record<number, RouteResponse>>;
}
