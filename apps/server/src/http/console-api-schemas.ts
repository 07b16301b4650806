import { REQUEST_VIEW_FOLDERS, REQUEST_VIEW_MAX_LIMIT } from '@certexit/engine';

/** The schemas of the routes the console reads and changes the CA through (any API client may use them too). */

const _date = { type: 'string', format: 'date-time' } as const;

/** `{folder}` of `GET /v1/views/{folder}`. */
export const viewParamsSchema = {
  type: 'object',
  required: ['folder'],
  properties: { folder: { type: 'string', enum: [...REQUEST_VIEW_FOLDERS] } },
} as const;

/** Sort, filters and page of a folder list. */
export const viewQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sort: {
      type: 'string',
      enum: [
        'RequestID',
        'RequesterName',
        'CommonName',
        'CertificateTemplate',
        'ResolvedWhen',
        'RevokedWhen',
        'SerialNumber',
        'NotAfter',
      ],
      description: 'The column to sort by; each folder offers the columns it has an index for.',
    },
    desc: { type: 'boolean', description: 'Sort descending.' },
    limit: { type: 'integer', minimum: 1, maximum: REQUEST_VIEW_MAX_LIMIT, default: 50 },
    after: { type: 'string', maxLength: 2048, description: 'The `next` cursor of the page before.' },
    before: { type: 'string', maxLength: 2048, description: 'The `previous` cursor of the page after.' },
    filter: {
      type: 'array',
      maxItems: 8,
      items: { type: 'string', maxLength: 512 },
      description:
        '`Column:op:value`, op `prefix` or `eq` for text, `eq`, `lt`, `le`, `gt`, `ge` for numbers and dates (ISO 8601).',
      examples: [['RequesterName:prefix:CONTOSO\\a', 'NotAfter:lt:2026-01-01']],
    },
  },
} as const;

const _viewRow = {
  type: 'object',
  required: ['requestId', 'disposition', 'dispositionText', 'statusCode', 'submittedWhen'],
  properties: {
    requestId: { type: 'integer' },
    disposition: { type: 'integer' },
    dispositionText: { type: 'string' },
    dispositionMessage: { type: 'string' },
    statusCode: { type: 'integer' },
    requesterName: { type: 'string' },
    commonName: { type: 'string' },
    certificateTemplate: { type: 'string' },
    submittedWhen: _date,
    resolvedWhen: _date,
    revokedWhen: _date,
    revokedEffectiveWhen: _date,
    revokedReason: { type: 'integer' },
    revokedReasonText: { type: 'string' },
    officer: { type: 'string' },
    serialNumber: { type: 'string' },
    notBefore: _date,
    notAfter: _date,
  },
} as const;

/** One page of a folder. */
export const viewPageSchema = {
  type: 'object',
  required: ['folder', 'rows'],
  properties: {
    folder: { type: 'string' },
    sort: { type: 'string' },
    desc: { type: 'boolean' },
    sorts: { type: 'array', items: { type: 'string' }, description: 'The columns this folder sorts and filters by.' },
    rows: { type: 'array', items: _viewRow },
    next: { type: 'string', description: 'Give as `after` for the next page; absent on the last.' },
    previous: { type: 'string', description: 'Give as `before` for the previous page; absent on the first.' },
  },
} as const;

/** The Certificate Templates folder. */
export const templateFolderSchema = {
  type: 'object',
  required: ['templates'],
  properties: {
    templates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'displayName', 'oid', 'purposes'],
        properties: {
          name: { type: 'string' },
          displayName: { type: 'string' },
          oid: { type: 'string' },
          purposes: { type: 'array', items: { type: 'string' }, description: 'Intended purposes (EKU names).' },
          validityDays: { type: 'integer' },
          pendsForApproval: { type: 'boolean' },
        },
      },
    },
  },
} as const;

const _field = {
  type: 'object',
  required: ['name', 'value', 'detail'],
  properties: {
    name: { type: 'string' },
    value: { type: 'string' },
    detail: { type: 'string' },
    oid: { type: 'string' },
    critical: { type: 'boolean' },
  },
} as const;

const _pathEntry = {
  type: 'object',
  required: ['name', 'serialNumber', 'status'],
  properties: {
    name: { type: 'string' },
    subject: { type: 'string' },
    serialNumber: { type: 'string' },
    status: { type: 'string' },
    missing: { type: 'boolean', description: 'The issuer is not among the certificates this CA knows.' },
  },
} as const;

/** A certificate as the certificate dialog shows it, with its request and status. */
export const certificateViewSchema = {
  type: 'object',
  required: ['serialNumber', 'requestId', 'status', 'statusText', 'general', 'fields', 'path'],
  properties: {
    serialNumber: { type: 'string' },
    requestId: { type: 'integer' },
    requesterName: { type: 'string' },
    disposition: { type: 'integer' },
    status: { type: 'string', enum: ['valid', 'revoked', 'expired', 'not-yet-valid'] },
    statusText: { type: 'string', description: 'What the Certification Path tab says, as Windows words it.' },
    revokedWhen: _date,
    revokedReason: { type: 'integer' },
    revokedReasonText: { type: 'string' },
    general: {
      type: 'object',
      required: ['purposes', 'issuedTo', 'issuedBy', 'notBefore', 'notAfter'],
      properties: {
        purposes: { type: 'array', items: { type: 'string' } },
        issuedTo: { type: 'string' },
        issuedBy: { type: 'string' },
        notBefore: _date,
        notAfter: _date,
        isCa: { type: 'boolean' },
      },
    },
    fields: { type: 'array', items: _field },
    sha1Thumbprint: { type: 'string' },
    sha256Thumbprint: { type: 'string' },
    path: { type: 'array', items: _pathEntry, description: 'Root first, this certificate last.' },
  },
} as const;

/** `?format=` of a certificate download. */
export const certificateFileQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: ['der', 'pem'], default: 'pem' } },
} as const;

const _count = { type: 'integer', minimum: 0 } as const;

/** Every exit module with its queue. */
export const exitModulesSchema = {
  type: 'object',
  required: ['modules'],
  properties: {
    modules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['progId', 'description', 'counts'],
        properties: {
          progId: { type: 'string' },
          description: { type: 'string' },
          counts: {
            type: 'object',
            required: ['pending', 'delivering', 'done', 'dead'],
            properties: { pending: _count, delivering: _count, done: _count, dead: _count },
          },
          oldestOpenAt: _date,
          oldestOpenAgeSeconds: { type: 'number' },
          lastError: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              hresult: { type: 'string' },
              message: { type: 'string' },
              at: _date,
            },
          },
          items: {
            type: 'array',
            description: 'Open and dead items, oldest first (at most 50).',
            items: {
              type: 'object',
              required: ['id', 'event', 'context', 'status', 'attempts', 'createdAt'],
              properties: {
                id: { type: 'integer' },
                eventId: { type: 'integer' },
                event: { type: 'string' },
                context: { type: 'integer' },
                status: { type: 'string' },
                attempts: { type: 'integer' },
                nextAttemptAt: _date,
                lastHresult: { type: 'string' },
                lastError: { type: 'string' },
                createdAt: _date,
              },
            },
          },
        },
      },
    },
  },
} as const;

/** `?minutes=` of the delivery history. */
export const deliveryHistoryQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { minutes: { type: 'integer', minimum: 5, maximum: 1440, default: 60 } },
} as const;

/** Deliveries per minute and module: counts, failures, latency. */
export const deliveryHistorySchema = {
  type: 'object',
  required: ['bucketSeconds', 'from', 'to', 'modules'],
  properties: {
    bucketSeconds: { type: 'integer' },
    from: _date,
    to: _date,
    modules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['progId', 'points'],
        properties: {
          progId: { type: 'string' },
          points: {
            type: 'array',
            items: {
              type: 'object',
              required: ['at', 'count', 'failures'],
              properties: {
                at: _date,
                count: _count,
                failures: _count,
                averageMs: { type: 'number' },
                p95Ms: { type: 'number' },
                maxMs: { type: 'number' },
              },
            },
          },
        },
      },
    },
  },
} as const;

const _flagName = {
  type: 'object',
  required: ['name', 'value', 'label'],
  properties: { name: { type: 'string' }, value: { type: 'integer' }, label: { type: 'string' } },
} as const;

const _urlEntry = {
  type: 'object',
  additionalProperties: false,
  required: ['flags', 'url'],
  properties: {
    flags: { type: 'integer', minimum: 0, maximum: 255, description: 'CSURL_* flags.' },
    url: { type: 'string', minLength: 1, maxLength: 1024, description: 'URL or path template with %1–%14 tokens.' },
  },
} as const;

const _period = { type: 'string', enum: ['Years', 'Months', 'Weeks', 'Days', 'Hours', 'Minutes'] } as const;
const _units = { type: 'integer', minimum: 0, maximum: 65535 } as const;

/** The CRL schedule as the CA's registry holds it. */
const _crlSchedule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    CRLPeriod: _period,
    CRLPeriodUnits: _units,
    CRLDeltaPeriod: _period,
    CRLDeltaPeriodUnits: _units,
    CRLOverlapPeriod: _period,
    CRLOverlapUnits: _units,
    CRLDeltaOverlapPeriod: _period,
    CRLDeltaOverlapUnits: _units,
  },
} as const;

/** The CA's properties, by the snap-in's tabs, with the names of every flag they use. */
export const caPropertiesSchema = {
  type: 'object',
  required: ['extensions', 'exitModules', 'policy', 'crlSchedule', 'flagNames', 'canChange'],
  properties: {
    extensions: {
      type: 'object',
      required: ['crl', 'aia'],
      properties: {
        crl: { type: 'array', items: _urlEntry, description: 'CRLPublicationURLs.' },
        aia: { type: 'array', items: _urlEntry, description: 'CACertPublicationURLs.' },
      },
    },
    exitModules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['progId', 'description', 'active'],
        properties: {
          progId: { type: 'string' },
          description: { type: 'string' },
          active: { type: 'boolean' },
          publishCertFlags: { type: 'integer', description: 'PublishCertFlags (EXITPUB_*), for modules that read it.' },
          configured: { type: 'boolean', description: 'False when the value is the CA type’s default.' },
        },
      },
    },
    policy: {
      type: 'object',
      required: ['progId', 'editFlags', 'configured'],
      properties: { progId: { type: 'string' }, editFlags: { type: 'integer' }, configured: { type: 'boolean' } },
    },
    crlSchedule: {
      ..._crlSchedule,
      required: [
        'CRLPeriod',
        'CRLPeriodUnits',
        'CRLDeltaPeriod',
        'CRLDeltaPeriodUnits',
        'CRLOverlapPeriod',
        'CRLOverlapUnits',
        'CRLDeltaOverlapPeriod',
        'CRLDeltaOverlapUnits',
      ],
    },
    nextCrl: _date,
    nextDeltaCrl: _date,
    flagNames: {
      type: 'object',
      required: ['crl', 'aia', 'publishCert', 'edit'],
      properties: {
        crl: { type: 'array', items: _flagName },
        aia: { type: 'array', items: _flagName },
        publishCert: { type: 'array', items: _flagName },
        edit: { type: 'array', items: _flagName },
      },
    },
    canChange: { type: 'boolean', description: 'Whether this caller may change them (the manager role).' },
  },
} as const;

/** `{tab}` of a change. */
export const caPropertiesParamsSchema = {
  type: 'object',
  required: ['tab'],
  properties: { tab: { type: 'string', enum: ['extensions', 'exit-module', 'policy', 'crl-schedule'] } },
} as const;

/** A change of one tab: only the members given change. */
export const caPropertiesBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    crl: { type: 'array', maxItems: 32, items: _urlEntry },
    aia: { type: 'array', maxItems: 32, items: _urlEntry },
    progId: { type: 'string', maxLength: 256 },
    publishCertFlags: { type: 'integer', minimum: 0, maximum: 0xffffffff },
    editFlags: { type: 'integer', minimum: 0, maximum: 0xffffffff },
    crlSchedule: _crlSchedule,
  },
} as const;

/** What a change did: one audit entry per value changed. */
export const caPropertiesChangeSchema = {
  type: 'object',
  required: ['changes'],
  properties: {
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['auditId', 'target'],
        properties: {
          auditId: { type: 'integer' },
          target: { type: 'string' },
          oldValue: {},
          newValue: {},
        },
      },
    },
  },
} as const;

/** `?before=&limit=` of the audit log. */
export const auditQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    before: { type: 'integer', minimum: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
} as const;

/** The configuration audit log, newest first. */
export const auditLogSchema = {
  type: 'object',
  required: ['entries'],
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'at', 'identity', 'action', 'target'],
        properties: {
          id: { type: 'integer' },
          at: _date,
          identity: { type: 'string' },
          role: { type: 'string' },
          action: { type: 'string' },
          target: { type: 'string' },
          oldValue: { type: 'string' },
          newValue: { type: 'string' },
        },
      },
    },
  },
} as const;
