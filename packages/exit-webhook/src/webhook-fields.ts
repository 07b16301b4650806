/**
 * The `data` fields of a certificate or request event, each its own choice for an endpoint (`Fields`). Names are
 * the keys in `data`.
 */
export const WEBHOOK_FIELDS = [
  'requestId',
  'disposition',
  'dispositionMessage',
  'requester',
  'template',
  'subject',
  'serialNumber',
  'notBefore',
  'notAfter',
  'thumbprint',
  'subjectKeyIdentifier',
  'revocation',
  'certificate',
] as const;

/** One field of {@link WEBHOOK_FIELDS}. */
export type WebhookField = (typeof WEBHOOK_FIELDS)[number];

/**
 * Named sets of fields. `status`: what happened to which certificate, without personal data (no requester, no
 * subject) and without the certificate, for a privacy-minded endpoint. `all`: every field.
 */
export const WEBHOOK_FIELD_PRESETS: Readonly<Record<'all' | 'status', readonly WebhookField[]>> = {
  all: WEBHOOK_FIELDS,
  status: [
    'requestId',
    'disposition',
    'dispositionMessage',
    'template',
    'serialNumber',
    'notBefore',
    'notAfter',
    'revocation',
  ],
};

/**
 * Resolves an endpoint's `Fields` (field names and preset names, case-insensitive) to a set; unknown names are left
 * out and reported, so that a typo sends less, never more.
 */
export function resolveWebhookFields(names: readonly string[] | undefined): {
  fields: ReadonlySet<WebhookField>;
  unknown: string[];
} {
  if (names === undefined) return { fields: new Set(WEBHOOK_FIELDS), unknown: [] };
  const fields = new Set<WebhookField>();
  const unknown: string[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    const preset = Object.entries(WEBHOOK_FIELD_PRESETS).find(([key]) => key === name)?.[1];
    const field = WEBHOOK_FIELDS.find((f) => f.toLowerCase() === name);
    if (preset) for (const f of preset) fields.add(f);
    else if (field) fields.add(field);
    else unknown.push(raw);
  }
  return { fields, unknown };
}
