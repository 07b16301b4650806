import { createRequire } from 'node:module';
import {
  CT_FLAG_IS_CA,
  CT_FLAG_MACHINE_TYPE,
  CT_FLAG_SUBJECT_ALT_REQUIRE_DNS,
  CT_FLAG_SUBJECT_ALT_REQUIRE_UPN,
  CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH,
  CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN,
} from '@certexit/core';
import type { z as Zod } from 'zod';
import type { CertificateTemplate } from './certificate-template';
import { TEMPLATE_KEY_ALGORITHMS } from './certificate-template';
import {
  administratorsMayEnroll,
  DEFAULT_KEY_ALGORITHMS,
  DEFAULT_MINIMAL_KEY_SIZE,
  defaultTemplates,
} from './default-templates';
import { TEMPLATE_RIGHTS } from './template-permissions';

const _KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'contentCommitment',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

/** The schemas of `templates.json`, made with zod's `z`. */
function _buildSchemas(z: typeof Zod) {
  const oid = z.string().regex(/^[0-2](\.(0|[1-9]\d*))+$/, 'an OID such as 1.3.6.1.5.5.7.3.2');
  const dword = z.number().int().min(0).max(0xffffffff);
  const principal = z
    .string()
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    .regex(/^[^\u0000-\u001f\u007f]{1,256}$/, 'an identity or group name (1 to 256 characters)');
  const rights = z.array(z.enum(TEMPLATE_RIGHTS as [string, ...string[]]));

  /**
   * The schema of one entry of `templates.json`; the file is an array of these with unique names. The fields added
   * with the policy module (`nameFlags`, `minimalKeySize`, `keyAlgorithms`, `raSignatures`, `permissions`) may be
   * absent in a file written before: {@link parseCertificateTemplates} then gives them safe defaults.
   */
  const certificateTemplateSchema = z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'letters, digits, space, _ . - (at most 64)'),
    displayName: z.string().min(1).max(128),
    oid,
    validityDays: z.number().int().min(1).max(36_500),
    keyUsage: z.array(z.enum(_KEY_USAGES)).min(1),
    extendedKeyUsage: z.array(oid),
    enrollmentFlags: dword,
    generalFlags: dword,
    privateKeyFlags: dword,
    isCa: z.boolean().optional(),
    nameFlags: dword.optional(),
    minimalKeySize: z.number().int().min(0).max(16_384).optional(),
    keyAlgorithms: z
      .array(z.enum(TEMPLATE_KEY_ALGORITHMS as [string, ...string[]]))
      .min(1)
      .optional(),
    raSignatures: z.number().int().min(0).max(16).optional(),
    permissions: z.array(z.strictObject({ principal, allow: rights.optional(), deny: rights.optional() })).optional(),
  });

  const templatesSchema = z.array(certificateTemplateSchema).superRefine((templates, ctx) => {
    const seen = new Set<string>();
    for (const [i, t] of templates.entries()) {
      if (seen.has(t.name.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate template name "${t.name}"` });
      seen.add(t.name.toLowerCase());
      if (t.isCa === false && (t.generalFlags & CT_FLAG_IS_CA) !== 0)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'isCa'],
          message: 'isCa is false but generalFlags has CT_FLAG_IS_CA',
        });
    }
  });
  return { certificateTemplateSchema, templatesSchema };
}

/** One entry of `templates.json` as its schema accepts it. */
type StoredTemplate = Zod.infer<ReturnType<typeof _buildSchemas>['certificateTemplateSchema']>;

let _built: ReturnType<typeof _buildSchemas> | undefined;

/**
 * The schemas, built with the first file read: zod is required then, so a thread that loads the engine and reads no
 * templates (the exit-module thread) does not hold zod in memory.
 */
function _schemas(): ReturnType<typeof _buildSchemas> {
  _built ??= _buildSchemas((createRequire(import.meta.url)('zod') as { z: typeof Zod }).z);
  return _built;
}

/**
 * Validates the templates file's content, with an error that names the file, the template and the field:
 * `templates.json: [2].validityDays (WebServer): Too small: expected number to be >=1`. Fields a file written before
 * the policy module lacks get safe defaults: a template with one of the default templates' OIDs gets that
 * template's AD CS settings and permissions; any other gets names from the directory (never from the request),
 * RSA ≥ 2048 or ECDSA keys, and Enroll for administrators only.
 */
export function parseCertificateTemplates(content: unknown, file: string): CertificateTemplate[] {
  const result = _schemas().templatesSchema.safeParse(content);
  if (result.success) return result.data.map(withTemplateDefaults);
  const list = Array.isArray(content) ? content : [];
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const [index, ...rest] = issue.path;
    const name = typeof index === 'number' ? (list[index] as { name?: unknown } | undefined)?.name : undefined;
    const where =
      typeof index === 'number'
        ? `[${index}]${rest.length ? `.${rest.join('.')}` : ''}${name ? ` (${String(name)})` : ''}`
        : 'the file';
    return `${where}: ${issue.message}`;
  });
  throw new Error(`${file} is not a valid template list: ${problems.join('; ')}`);
}

/** A stored template with every field: absent policy fields filled in as {@link parseCertificateTemplates} says. */
export function withTemplateDefaults(stored: StoredTemplate): CertificateTemplate {
  const builtin = defaultTemplates().find((t) => t.oid === stored.oid);
  const machine = (stored.generalFlags & CT_FLAG_MACHINE_TYPE) !== 0;
  const isCa = stored.isCa === true || (stored.generalFlags & CT_FLAG_IS_CA) !== 0;
  return {
    ...stored,
    generalFlags: isCa ? stored.generalFlags | CT_FLAG_IS_CA : stored.generalFlags,
    ...(isCa && { isCa: true }),
    nameFlags:
      stored.nameFlags ??
      builtin?.nameFlags ??
      (machine
        ? CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN | CT_FLAG_SUBJECT_ALT_REQUIRE_DNS
        : CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH | CT_FLAG_SUBJECT_ALT_REQUIRE_UPN) >>> 0,
    minimalKeySize: stored.minimalKeySize ?? builtin?.minimalKeySize ?? DEFAULT_MINIMAL_KEY_SIZE,
    keyAlgorithms: (stored.keyAlgorithms as CertificateTemplate['keyAlgorithms'] | undefined) ?? [
      ...(builtin?.keyAlgorithms ?? DEFAULT_KEY_ALGORITHMS),
    ],
    raSignatures: stored.raSignatures ?? 0,
    permissions:
      (stored.permissions as CertificateTemplate['permissions'] | undefined) ??
      builtin?.permissions ??
      administratorsMayEnroll(),
  } as CertificateTemplate;
}
