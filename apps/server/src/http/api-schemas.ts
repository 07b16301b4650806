import { REVOCATION_REASONS } from '@certexit/engine';

/**
 * The JSON schemas of the HTTP API, defined once: fastify validates requests and serializes responses with them,
 * and the OpenAPI 3.1 document is built from the same objects. They keep to the keywords JSON Schema draft-07
 * (fastify's Ajv) and 2020-12 (OpenAPI 3.1) read alike.
 */

/** `{ error, hresult, message }`, plus details such as the request row a failed submission made. */
export const errorSchema = {
  type: 'object',
  description:
    'An error. `hresult` is the unsigned 32-bit HRESULT (e.g. 2148073474 = 0x80094002 CERTSRV_E_NO_REQUEST).',
  required: ['error', 'hresult', 'message'],
  properties: {
    error: {
      type: 'string',
      enum: [
        'bad_request',
        'unauthorized',
        'forbidden',
        'not_found',
        'conflict',
        'payload_too_large',
        'unsupported_media_type',
        'too_many_requests',
        'internal_error',
        'unavailable',
      ],
    },
    hresult: { type: 'integer', minimum: 0, maximum: 4294967295 },
    message: { type: 'string' },
    requestId: { type: 'integer', description: 'The request row a failed submission made.' },
    disposition: { type: 'integer' },
    statusCode: { type: 'integer' },
    dispositionMessage: { type: 'string' },
  },
} as const;

/** What one exit module made of the event an operation raised. */
export const deliverySchema = {
  type: 'object',
  required: ['event', 'module', 'hresult'],
  properties: {
    event: { type: 'string', description: 'EXITEVENT_* name.', examples: ['EXITEVENT_CERTISSUED'] },
    module: { type: 'string', description: 'The exit module ProgID.' },
    hresult: { type: 'string', description: 'What Notify returned, by name.', examples: ['S_OK'] },
  },
} as const;

const _outcomeProperties = {
  requestId: { type: 'integer', minimum: 1 },
  disposition: {
    type: 'integer',
    description: 'DB_DISP_*: 9 pending, 20 issued, 21 revoked, 30 failed, 31 denied.',
    examples: [20],
  },
  dispositionText: { type: 'string', examples: ['Issued'] },
  statusCode: { type: 'integer', description: 'The HRESULT of the disposition (signed 32-bit, 0 when fine).' },
  dispositionMessage: { type: 'string' },
  serialNumber: { type: 'string', pattern: '^[0-9a-f]+$', description: 'Lowercase hex, when a certificate exists.' },
} as const;

/** A request's outcome after an operation: the CLI's `--json` shape, with the certificate as PEM. */
export const requestOutcomeSchema = {
  type: 'object',
  required: ['requestId', 'disposition', 'statusCode', 'dispositionMessage', 'deliveries'],
  properties: {
    ..._outcomeProperties,
    certificate: { type: 'string', description: 'The certificate (PEM), when one exists.' },
    deliveries: { type: 'array', items: deliverySchema },
  },
} as const;

/** A request row as the list (view) shows it. */
export const requestSummarySchema = {
  type: 'object',
  required: ['requestId', 'disposition', 'statusCode', 'dispositionMessage', 'submittedWhen'],
  properties: {
    ..._outcomeProperties,
    requesterName: { type: 'string', examples: ['CERTEXIT\\bob'] },
    certificateTemplate: { type: 'string' },
    submittedWhen: { type: 'string', format: 'date-time' },
    resolvedWhen: { type: 'string', format: 'date-time' },
    revokedWhen: { type: 'string', format: 'date-time' },
    revokedEffectiveWhen: { type: 'string', format: 'date-time' },
    revokedReason: { type: 'integer' },
    officer: { type: 'string' },
  },
} as const;

/** One request: its row and its outcome (with the certificate), as `certreq -retrieve` gives it. */
export const requestDetailSchema = {
  type: 'object',
  required: [...requestSummarySchema.required, 'deliveries'],
  properties: { ...requestSummarySchema.properties, ...requestOutcomeSchema.properties },
} as const;

/** `GET /v1/requests`. */
export const requestListSchema = {
  type: 'object',
  required: ['requests'],
  properties: { requests: { type: 'array', items: requestSummarySchema } },
} as const;

/** `GET /v1/ca`. */
export const caInfoSchema = {
  type: 'object',
  required: ['name', 'sanitizedName', 'type', 'typeName', 'certificate', 'certIndex', 'keyIndex', 'keyAlgorithm'],
  properties: {
    name: { type: 'string', description: 'The CA common name.' },
    sanitizedName: { type: 'string', description: 'The configuration key name (MS-WCCE sanitized).' },
    type: {
      type: 'integer',
      description: 'CAType (ENUM_CATYPES): 0 enterprise root, 1 enterprise sub, 3 standalone root, 4 standalone sub.',
    },
    typeName: {
      type: 'string',
      enum: ['enterprise-root', 'enterprise-subordinate', 'standalone-root', 'standalone-subordinate', 'unknown'],
    },
    certificate: { type: 'string', description: 'The current CA certificate (PEM).' },
    certIndex: { type: 'integer', minimum: 0 },
    keyIndex: { type: 'integer', minimum: 0 },
    keyAlgorithm: { type: 'string' },
    exitModules: {
      type: 'array',
      description:
        'The loaded exit modules in ExitModules\\Active order: what ICertRequest2::GetCAProperty answers for CR_PROP_EXITCOUNT (the length) and CR_PROP_EXITDESCRIPTION (each description, by index).',
      items: {
        type: 'object',
        required: ['progId', 'description'],
        properties: { progId: { type: 'string' }, description: { type: 'string' } },
      },
    },
  },
} as const;

/** `GET /healthz`. */
export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    schemaVersion: { type: 'integer', description: 'The database schema version the store answered with.' },
  },
} as const;

/** `POST /v1/crls`: what the engine published. */
export const crlPublicationSchema = {
  type: 'object',
  required: ['crls', 'failures', 'deliveries'],
  properties: {
    crls: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'keyIndex',
          'certIndex',
          'crlNumber',
          'isDelta',
          'entries',
          'thisUpdate',
          'nextUpdate',
          'size',
          'files',
        ],
        properties: {
          keyIndex: { type: 'integer', description: 'The CA key (CRL index) the CRL is signed with.' },
          certIndex: { type: 'integer' },
          crlNumber: { type: 'integer' },
          isDelta: { type: 'boolean' },
          deltaOfBase: { type: 'integer', description: 'For a delta CRL: the number of its base CRL.' },
          entries: { type: 'integer', description: 'Revoked certificates listed.' },
          thisUpdate: { type: 'string', format: 'date-time' },
          nextUpdate: { type: 'string', format: 'date-time' },
          nextPublish: { type: 'string', format: 'date-time' },
          size: { type: 'integer', description: 'DER size in bytes.' },
          files: { type: 'array', items: { type: 'string' }, description: 'The files written on the CA server.' },
          skipped: {
            type: 'array',
            items: {
              type: 'object',
              required: ['location', 'reason'],
              properties: { location: { type: 'string' }, reason: { type: 'string' } },
            },
          },
        },
      },
    },
    failures: {
      type: 'array',
      description: 'Files that could not be written; the CRLs are stored all the same.',
      items: {
        type: 'object',
        required: ['file', 'error'],
        properties: { file: { type: 'string' }, error: { type: 'string' } },
      },
    },
    deliveries: { type: 'array', items: deliverySchema },
  },
} as const;

/** `POST /v1/requests`. The requester is always the authenticated caller, so no field names it. */
export const submitBodySchema = {
  type: 'object',
  required: ['request'],
  additionalProperties: false,
  properties: {
    request: {
      type: 'string',
      minLength: 1,
      maxLength: 65536,
      description: 'The PKCS#10 request: PEM, or base64 of the DER.',
    },
    attributes: {
      type: 'array',
      maxItems: 64,
      items: { type: 'string', maxLength: 4096 },
      description: 'Request attributes as `Name:Value` (certreq -attrib), e.g. `CertificateTemplate:User`.',
      examples: [['CertificateTemplate:User']],
    },
  },
} as const;

/** `POST /v1/certificates/{serial}/revoke`. */
export const revokeBodySchema = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    reason: {
      description: 'CRL reason: 0–6 or its certutil name; 6 (CertificateHold) can be undone with unrevoke.',
      // One schema, not oneOf: Ajv's type coercion would rewrite the number while trying the string branch.
      type: ['integer', 'string'],
      enum: [...Object.values(REVOCATION_REASONS), ...Object.keys(REVOCATION_REASONS)],
    },
    effectiveWhen: {
      type: 'string',
      format: 'date-time',
      description: 'When the revocation takes effect (RevokedEffectiveWhen); now when absent.',
    },
  },
} as const;

/** `POST /v1/crls`. */
export const crlBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { delta: { type: 'boolean', description: 'Publish a delta CRL instead of a base CRL.' } },
} as const;

/** `{id}` of the request routes. */
export const requestIdParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'RequestID.' } },
} as const;

/** `{serial}` of the certificate routes. */
export const serialParamsSchema = {
  type: 'object',
  required: ['serial'],
  properties: {
    serial: {
      type: 'string',
      pattern: '^[0-9A-Fa-f]{1,42}$',
      description: 'The certificate serial number in hex (any case; a missing 00 sign byte is found all the same).',
    },
  },
} as const;

/** `GET /v1/requests` query. */
export const requestListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    disposition: {
      type: 'string',
      pattern:
        '^(\\d{1,3}|pending|issued|revoked|failed|denied)(,(\\d{1,3}|pending|issued|revoked|failed|denied)){0,9}$',
      description: 'DB_DISP_* numbers or names, comma-separated: `pending`, `9`, `issued,revoked`.',
    },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

/** The PEM body of `GET /v1/requests/{id}/certificate`. */
export const pemSchema = { type: 'string', description: 'PEM, `-----BEGIN CERTIFICATE-----`.' } as const;

/** Prometheus text exposition. */
export const metricsTextSchema = { type: 'string', description: 'Prometheus text format 0.0.4.' } as const;

/** Named schemas: the OpenAPI document refers to these by `#/components/schemas/<name>`. */
export const NAMED_SCHEMAS: Readonly<Record<string, object>> = {
  Error: errorSchema,
  Delivery: deliverySchema,
  RequestOutcome: requestOutcomeSchema,
  RequestSummary: requestSummarySchema,
  RequestDetail: requestDetailSchema,
  RequestList: requestListSchema,
  CaInfo: caInfoSchema,
  Health: healthSchema,
  CrlPublication: crlPublicationSchema,
  SubmitRequest: submitBodySchema,
  Revoke: revokeBodySchema,
  PublishCrl: crlBodySchema,
};
