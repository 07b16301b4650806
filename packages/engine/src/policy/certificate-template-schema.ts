import { z } from 'zod';
import type { CertificateTemplate } from './certificate-template';

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
const _OID = z.string().regex(/^[0-2](\.(0|[1-9]\d*))+$/, 'an OID such as 1.3.6.1.5.5.7.3.2');
const _DWORD = z.number().int().min(0).max(0xffffffff);

/** The schema of one entry of `templates.json`; the file is an array of these with unique names. */
export const certificateTemplateSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/, 'letters, digits, space, _ . - (at most 64)'),
  displayName: z.string().min(1).max(128),
  oid: _OID,
  validityDays: z.number().int().min(1).max(36_500),
  keyUsage: z.array(z.enum(_KEY_USAGES)).min(1),
  extendedKeyUsage: z.array(_OID),
  enrollmentFlags: _DWORD,
  generalFlags: _DWORD,
  privateKeyFlags: _DWORD,
  isCa: z.boolean().optional(),
}) satisfies z.ZodType<CertificateTemplate>;

const _templatesSchema = z.array(certificateTemplateSchema).superRefine((templates, ctx) => {
  const seen = new Set<string>();
  for (const [i, t] of templates.entries()) {
    if (seen.has(t.name.toLowerCase()))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate template name "${t.name}"` });
    seen.add(t.name.toLowerCase());
  }
});

/**
 * Validates the templates file's content, with an error that names the file, the template and the field:
 * `templates.json: [2].validityDays (WebServer): Too small: expected number to be >=1`.
 */
export function parseCertificateTemplates(content: unknown, file: string): CertificateTemplate[] {
  const result = _templatesSchema.safeParse(content);
  if (result.success) return result.data;
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
