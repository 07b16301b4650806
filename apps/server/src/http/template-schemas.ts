/** The template routes' schemas: what `template show` prints, as JSON. */

const _rights = { type: 'array', items: { type: 'string', enum: ['Enroll', 'AutoEnroll'] } } as const;

/** One template with its CA-list state and warnings. */
export const templateSchema = {
  type: 'object',
  required: [
    'name',
    'displayName',
    'oid',
    'validityDays',
    'keyUsage',
    'extendedKeyUsage',
    'enrollmentFlags',
    'generalFlags',
    'privateKeyFlags',
    'nameFlags',
    'minimalKeySize',
    'keyAlgorithms',
    'raSignatures',
    'permissions',
    'onCaList',
    'warnings',
  ],
  properties: {
    name: { type: 'string' },
    displayName: { type: 'string' },
    oid: { type: 'string', description: 'msPKI-Cert-Template-OID.' },
    validityDays: { type: 'integer' },
    keyUsage: { type: 'array', items: { type: 'string' } },
    extendedKeyUsage: { type: 'array', items: { type: 'string' }, description: 'pKIExtendedKeyUsage.' },
    enrollmentFlags: { type: 'integer', description: 'msPKI-Enrollment-Flag (CT_FLAG_*).' },
    generalFlags: { type: 'integer', description: 'flags (CT_FLAG_MACHINE_TYPE, CT_FLAG_IS_CA, …).' },
    privateKeyFlags: { type: 'integer', description: 'msPKI-Private-Key-Flag.' },
    isCa: { type: 'boolean' },
    nameFlags: { type: 'integer', description: 'msPKI-Certificate-Name-Flag.' },
    minimalKeySize: { type: 'integer', description: 'msPKI-Minimal-Key-Size (RSA bits).' },
    keyAlgorithms: {
      type: 'array',
      items: { type: 'string', enum: ['RSA', 'ECDSA_P256', 'ECDSA_P384', 'ECDSA_P521'] },
    },
    raSignatures: { type: 'integer', description: 'msPKI-RA-Signature; above 0, requests pend for a CA manager.' },
    permissions: {
      type: 'array',
      description: 'The template ACL: allow and deny entries of Enroll and AutoEnroll; deny wins.',
      items: {
        type: 'object',
        required: ['principal'],
        properties: { principal: { type: 'string' }, allow: _rights, deny: _rights },
      },
    },
    onCaList: { type: 'boolean', description: "On the CA's own list (CATemplates): requests for it can be issued." },
    warnings: { type: 'array', items: { type: 'string' }, description: 'ESC1/ESC2 and similar risks of the settings.' },
  },
} as const;

/** `GET /v1/templates`. */
export const templateListSchema = {
  type: 'object',
  required: ['templates'],
  properties: { templates: { type: 'array', items: templateSchema } },
} as const;

/** `{name}` of the template routes. */
export const templateParamsSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 64, description: 'Template name or OID.' } },
} as const;

/** `POST /v1/templates/{name}`: one field, certutil-style, as `certexit template set`. */
export const templateSetBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'value'],
  properties: {
    field: {
      type: 'string',
      maxLength: 64,
      description:
        'nameFlags, enrollmentFlags, generalFlags, privateKeyFlags, minimalKeySize, raSignatures, validityDays, displayName, keyAlgorithms, extendedKeyUsage, keyUsage, Enroll, AutoEnroll, DenyEnroll, DenyAutoEnroll (or the AD attribute name).',
      examples: ['Enroll'],
    },
    value: {
      type: 'string',
      maxLength: 1024,
      description: 'A number, +CT_FLAG_X / -CT_FLAG_X, +Item / -Item, or +Principal / -Principal.',
      examples: ['+PKI Web Admins'],
    },
  },
} as const;

/** What a change did. */
export const templateChangeSchema = {
  type: 'object',
  required: ['template', 'field'],
  properties: {
    template: templateSchema,
    field: { type: 'string' },
    old: {},
    value: {},
  },
} as const;

/** `GET|POST /v1/ca/templates`: the CA's template list and the warnings of the templates on it. */
export const caTemplatesSchema = {
  type: 'object',
  required: ['templates', 'warnings'],
  properties: {
    templates: { type: 'array', items: { type: 'string' } },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** `POST /v1/ca/templates`: `+Name` adds, `-Name` removes, bare names replace the list. */
export const caTemplatesBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['edits'],
  properties: {
    edits: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: { type: 'string', minLength: 1, maxLength: 65 },
      examples: [['+WebServer']],
    },
  },
} as const;
