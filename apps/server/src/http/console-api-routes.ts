import type { ApiRoute, RouteResponse } from './api-route-types';
import { errorSchema, serialParamsSchema } from './api-schemas';
import {
  auditLogSchema,
  auditQuerySchema,
  caPropertiesBodySchema,
  caPropertiesChangeSchema,
  caPropertiesParamsSchema,
  caPropertiesSchema,
  certificateFileQuerySchema,
  certificateViewSchema,
  deliveryHistoryQuerySchema,
  deliveryHistorySchema,
  exitModulesSchema,
  templateFolderSchema,
  viewPageSchema,
  viewParamsSchema,
  viewQuerySchema,
} from './console-api-schemas';

const _error = (description: string): RouteResponse => ({ description, schema: errorSchema });
const _errors = {
  400: _error('Bad input; the message names the field.'),
  401: _error('No credential, or an unknown one.'),
  403: _error('The caller’s role does not allow this.'),
} as const;

/**
 * The routes the Certification Authority console reads and changes the CA through: the snap-in's folders paged on
 * the server, the certificate dialog, the exit modules with their queues and delivery history, the CA's property
 * tabs and their audit log. Ordinary API routes: any client may call them with a token.
 */
export const CONSOLE_API_ROUTES = [
  {
    operationId: 'listTemplateFolder',
    method: 'GET',
    url: '/v1/views/templates',
    summary: 'The Certificate Templates folder: the templates this CA issues, with their intended purposes',
    access: 'authenticated',
    tag: 'views',
    responses: { 200: { description: 'The templates.', schema: templateFolderSchema }, 401: _errors[401] },
  },
  {
    operationId: 'listFolder',
    method: 'GET',
    url: '/v1/views/:folder',
    summary:
      'A folder of the snap-in (issued, revoked, pending, failed), one page sorted and filtered on the server; requesters see their own rows only',
    access: 'requester',
    tag: 'views',
    params: viewParamsSchema,
    querystring: viewQuerySchema,
    responses: { 200: { description: 'The page.', schema: viewPageSchema }, ..._errors },
  },
  {
    operationId: 'getCertificateView',
    method: 'GET',
    url: '/v1/certificates/:serial',
    summary:
      'A certificate as the certificate dialog shows it (General, Details, Certification Path); requesters see their own',
    access: 'requester',
    tag: 'certificates',
    params: serialParamsSchema,
    responses: {
      200: { description: 'The certificate.', schema: certificateViewSchema },
      ..._errors,
      404: _error('No certificate with that serial number, or not the caller’s.'),
    },
  },
  {
    operationId: 'downloadCertificate',
    method: 'GET',
    url: '/v1/certificates/:serial/file',
    summary: 'Download a certificate as DER (.cer) or PEM (.crt); requesters download their own',
    access: 'requester',
    tag: 'certificates',
    params: serialParamsSchema,
    querystring: certificateFileQuerySchema,
    responses: {
      200: {
        description: 'The certificate file.',
        schema: { type: 'string', format: 'binary' },
        contentType: 'application/pkix-cert',
      },
      ..._errors,
      404: _error('No certificate with that serial number, or not the caller’s.'),
    },
  },
  {
    operationId: 'listExitModules',
    method: 'GET',
    url: '/v1/exit-modules',
    summary: 'Every exit module with its description and queue: counts, oldest open item, dead letters, last error',
    access: 'officer',
    tag: 'operations',
    responses: { 200: { description: 'The modules.', schema: exitModulesSchema }, ..._errors },
  },
  {
    operationId: 'getDeliveryHistory',
    method: 'GET',
    url: '/v1/exit-modules/history',
    summary: 'Deliveries per minute and module over a window (up to 24 hours): counts, failures and latency',
    access: 'officer',
    tag: 'operations',
    querystring: deliveryHistoryQuerySchema,
    responses: { 200: { description: 'The history.', schema: deliveryHistorySchema }, ..._errors },
  },
  {
    operationId: 'getCaProperties',
    method: 'GET',
    url: '/v1/ca/properties',
    summary: 'The CA’s properties by the snap-in’s tabs: Extensions, Exit Module, Policy, CRL schedule',
    access: 'officer',
    tag: 'ca',
    responses: { 200: { description: 'The properties.', schema: caPropertiesSchema }, ..._errors },
  },
  {
    operationId: 'setCaProperties',
    method: 'POST',
    url: '/v1/ca/properties/:tab',
    summary: 'Change the values of one tab (CA administrators: the manager role); every change goes to the audit log',
    access: 'manager',
    tag: 'ca',
    params: caPropertiesParamsSchema,
    body: caPropertiesBodySchema,
    responses: {
      200: { description: 'What changed.', schema: caPropertiesChangeSchema },
      ..._errors,
      404: _error('No such exit module.'),
    },
  },
  {
    operationId: 'getAuditLog',
    method: 'GET',
    url: '/v1/audit',
    summary: 'The configuration audit log, newest first: who changed which value, from what to what',
    access: 'officer',
    tag: 'ca',
    querystring: auditQuerySchema,
    responses: { 200: { description: 'The entries.', schema: auditLogSchema }, ..._errors },
  },
] as const satisfies readonly ApiRoute[];
