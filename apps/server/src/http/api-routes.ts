import {
  caInfoSchema,
  crlBodySchema,
  crlPublicationSchema,
  errorSchema,
  healthSchema,
  metricsTextSchema,
  pemSchema,
  requestDetailSchema,
  requestIdParamsSchema,
  requestListQuerySchema,
  requestListSchema,
  requestOutcomeSchema,
  revokeBodySchema,
  serialParamsSchema,
  submitBodySchema,
} from './api-schemas';
import {
  exitQueueDropSchema,
  exitQueueItemParamsSchema,
  exitQueueQuerySchema,
  exitQueueReplayBodySchema,
  exitQueueReplaySchema,
  exitQueueRetryBodySchema,
  exitQueueRetrySchema,
  exitQueueSchema,
} from './exit-queue-schemas';
import {
  caTemplatesBodySchema,
  caTemplatesSchema,
  templateChangeSchema,
  templateListSchema,
  templateParamsSchema,
  templateSchema,
  templateSetBodySchema,
} from './template-schemas';

/**
 * Who may call a route: `public` needs nothing; `authenticated` any caller; `requester` a requester or a manager
 * (managers may do what requesters do); `manager` a CA manager only. `/metrics` is `public` on loopback and needs
 * a manager's token elsewhere (the `metrics` access).
 */
export type RouteAccess = 'public' | 'authenticated' | 'requester' | 'manager' | 'metrics';

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
  readonly tag: 'requests' | 'certificates' | 'crls' | 'ca' | 'templates' | 'operations';
  readonly params?: object;
  readonly querystring?: object;
  readonly body?: object;
  readonly responses: Readonly<Record<number, RouteResponse>>;
}

const _error = (description: string): RouteResponse => ({ description, schema: errorSchema });
const _authErrors = {
  400: _error('Bad input; the message names the field.'),
  401: _error('No bearer token, or an unknown one.'),
  503: _error('The CA storage failed under the request (a full disk, an I/O error): nothing was recorded; try again.'),
} as const;
const _managerErrors = { ..._authErrors, 403: _error('The caller is not a CA manager.') } as const;

/** Every route of the HTTP API, in the order the OpenAPI document lists them. */
export const API_ROUTES = [
  {
    operationId: 'submitRequest',
    method: 'POST',
    url: '/v1/requests',
    summary: 'Submit a PKCS#10 request (certreq -submit); the requester is the authenticated caller',
    access: 'requester',
    tag: 'requests',
    body: submitBodySchema,
    responses: {
      201: { description: 'The request was recorded: issued, pending or denied.', schema: requestOutcomeSchema },
      ..._authErrors,
      400: _error('Bad input, or a request that failed to parse or verify (its failed row is named in the body).'),
      403: _error('The caller may not submit.'),
      413: _error('The body is larger than 64 KiB.'),
    },
  },
  {
    operationId: 'listRequests',
    method: 'GET',
    url: '/v1/requests',
    summary: 'List requests, newest first (certutil -view)',
    access: 'manager',
    tag: 'requests',
    querystring: requestListQuerySchema,
    responses: { 200: { description: 'The requests.', schema: requestListSchema }, ..._managerErrors },
  },
  {
    operationId: 'getRequest',
    method: 'GET',
    url: '/v1/requests/:id',
    summary: 'Retrieve a request and its certificate (certreq -retrieve); requesters see only their own',
    access: 'requester',
    tag: 'requests',
    params: requestIdParamsSchema,
    responses: {
      200: { description: 'The request.', schema: requestDetailSchema },
      ..._authErrors,
      404: _error('No such request, or not the caller’s.'),
    },
  },
  {
    operationId: 'getRequestCertificate',
    method: 'GET',
    url: '/v1/requests/:id/certificate',
    summary: "The request's certificate as PEM",
    access: 'requester',
    tag: 'requests',
    params: requestIdParamsSchema,
    responses: {
      200: { description: 'The certificate.', schema: pemSchema, contentType: 'application/x-pem-file' },
      ..._authErrors,
      404: _error('No such request, not the caller’s, or no certificate (yet).'),
    },
  },
  {
    operationId: 'approveRequest',
    method: 'POST',
    url: '/v1/requests/:id/approve',
    summary: 'Issue a pending request (certutil -resubmit)',
    access: 'manager',
    tag: 'requests',
    params: requestIdParamsSchema,
    responses: {
      200: { description: 'The outcome.', schema: requestOutcomeSchema },
      ..._managerErrors,
      404: _error('No such request.'),
      409: _error('The request is not pending.'),
    },
  },
  {
    operationId: 'denyRequest',
    method: 'POST',
    url: '/v1/requests/:id/deny',
    summary: 'Deny a pending request (certutil -deny)',
    access: 'manager',
    tag: 'requests',
    params: requestIdParamsSchema,
    responses: {
      200: { description: 'The outcome.', schema: requestOutcomeSchema },
      ..._managerErrors,
      404: _error('No such request.'),
      409: _error('The request is not pending.'),
    },
  },
  {
    operationId: 'revokeCertificate',
    method: 'POST',
    url: '/v1/certificates/:serial/revoke',
    summary: 'Revoke a certificate with a reason and effective date (certutil -revoke)',
    access: 'manager',
    tag: 'certificates',
    params: serialParamsSchema,
    body: revokeBodySchema,
    responses: {
      200: { description: 'The outcome.', schema: requestOutcomeSchema },
      ..._managerErrors,
      404: _error('No certificate with that serial number.'),
      409: _error('The certificate cannot be revoked in its state.'),
    },
  },
  {
    operationId: 'unrevokeCertificate',
    method: 'POST',
    url: '/v1/certificates/:serial/unrevoke',
    summary: 'Release a certificate from hold (certutil -revoke <serial> unrevoke)',
    access: 'manager',
    tag: 'certificates',
    params: serialParamsSchema,
    responses: {
      200: { description: 'The outcome.', schema: requestOutcomeSchema },
      ..._managerErrors,
      404: _error('No certificate with that serial number.'),
      409: _error('The certificate is not on hold.'),
    },
  },
  {
    operationId: 'publishCrls',
    method: 'POST',
    url: '/v1/crls',
    summary: 'Publish a base or delta CRL now (certutil -crl)',
    access: 'manager',
    tag: 'crls',
    body: crlBodySchema,
    responses: {
      200: { description: 'What was published.', schema: crlPublicationSchema },
      ..._managerErrors,
      409: _error('Delta CRLs are disabled.'),
    },
  },
  {
    operationId: 'getCa',
    method: 'GET',
    url: '/v1/ca',
    summary: 'The CA: name, type and current certificate',
    access: 'authenticated',
    tag: 'ca',
    responses: { 200: { description: 'The CA.', schema: caInfoSchema }, 401: _authErrors[401] },
  },
  {
    operationId: 'getCaTemplates',
    method: 'GET',
    url: '/v1/ca/templates',
    summary: "The CA's template list (certutil -CATemplates): the templates it issues",
    access: 'authenticated',
    tag: 'templates',
    responses: { 200: { description: 'The list.', schema: caTemplatesSchema }, 401: _authErrors[401] },
  },
  {
    operationId: 'setCaTemplates',
    method: 'POST',
    url: '/v1/ca/templates',
    summary: "Edit the CA's template list (certutil -SetCATemplates): +Name adds, -Name removes, names replace it",
    access: 'manager',
    tag: 'templates',
    body: caTemplatesBodySchema,
    responses: {
      200: { description: 'The new list, with the ESC warnings of the templates on it.', schema: caTemplatesSchema },
      ..._managerErrors,
    },
  },
  {
    operationId: 'listTemplates',
    method: 'GET',
    url: '/v1/templates',
    summary: 'Every certificate template with its permissions, name flags and warnings (certutil -template)',
    access: 'manager',
    tag: 'templates',
    responses: { 200: { description: 'The templates.', schema: templateListSchema }, ..._managerErrors },
  },
  {
    operationId: 'getTemplate',
    method: 'GET',
    url: '/v1/templates/:name',
    summary: 'One certificate template',
    access: 'manager',
    tag: 'templates',
    params: templateParamsSchema,
    responses: {
      200: { description: 'The template.', schema: templateSchema },
      ..._managerErrors,
      404: _error('No such template.'),
    },
  },
  {
    operationId: 'setTemplate',
    method: 'POST',
    url: '/v1/templates/:name',
    summary: 'Change one field of a template (certexit template set): flags, key rules, EKUs, Enroll/AutoEnroll',
    access: 'manager',
    tag: 'templates',
    params: templateParamsSchema,
    body: templateSetBodySchema,
    responses: {
      200: { description: 'The change and the template as it is now.', schema: templateChangeSchema },
      ..._managerErrors,
      404: _error('No such template.'),
    },
  },
  {
    operationId: 'getExitQueue',
    method: 'GET',
    url: '/v1/exit-queue',
    summary: 'The exit outbox: counts by module, status and age; open and dead items with their last error',
    access: 'manager',
    tag: 'operations',
    querystring: exitQueueQuerySchema,
    responses: { 200: { description: 'The queue.', schema: exitQueueSchema }, ..._managerErrors },
  },
  {
    operationId: 'retryExitQueue',
    method: 'POST',
    url: '/v1/exit-queue/retry',
    summary: 'Delivers again now: one item by id, or every dead and pending item of a module',
    access: 'manager',
    tag: 'operations',
    body: exitQueueRetryBodySchema,
    responses: {
      200: { description: 'How many items are due again.', schema: exitQueueRetrySchema },
      ..._managerErrors,
      404: _error('No such item, or no such module.'),
    },
  },
  {
    operationId: 'replayExitEvents',
    method: 'POST',
    url: '/v1/exit-queue/replay',
    summary:
      'Delivers past events to a module again through the outbox, with their original EventIDs (a new or repaired subscriber catches up); bounded',
    access: 'manager',
    tag: 'operations',
    body: exitQueueReplayBodySchema,
    responses: {
      201: { description: 'The replay and what it made.', schema: exitQueueReplaySchema },
      ..._managerErrors,
      404: _error('No such module, or no event since that date.'),
    },
  },
  {
    operationId: 'dropExitQueueItem',
    method: 'POST',
    url: '/v1/exit-queue/:id/drop',
    summary: 'Removes one item from the exit outbox; it is never delivered again',
    access: 'manager',
    tag: 'operations',
    params: exitQueueItemParamsSchema,
    responses: {
      200: { description: 'Dropped.', schema: exitQueueDropSchema },
      ..._managerErrors,
      404: _error('No such item.'),
      409: _error('The item is being delivered.'),
    },
  },
  {
    operationId: 'health',
    method: 'GET',
    url: '/healthz',
    summary: 'Health: answers ok when the registry file and the database can both be read',
    access: 'public',
    tag: 'operations',
    responses: {
      200: { description: 'Healthy.', schema: healthSchema },
      503: _error('The registry or the database cannot be read.'),
    },
  },
  {
    operationId: 'metrics',
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics: open to loopback peers, a manager token elsewhere',
    access: 'metrics',
    tag: 'operations',
    responses: {
      200: { description: 'The metrics.', schema: metricsTextSchema, contentType: 'text/plain; version=0.0.4' },
      401: _authErrors[401],
      403: _error('Not a loopback peer and not a CA manager.'),
    },
  },
  {
    operationId: 'openapi',
    method: 'GET',
    url: '/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    access: 'public',
    tag: 'operations',
    responses: {
      200: { description: 'The OpenAPI document.', schema: { type: 'object', additionalProperties: true } },
    },
  },
] as const satisfies readonly ApiRoute[];

/** The operation ids; the handler map must have exactly these. */
export type ApiOperationId = (typeof API_ROUTES)[number]['operationId'];
