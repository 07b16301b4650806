import type { ICertServerExit } from '@certexit/core';
import {
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  resolveCertificateProperty,
  resolveRequestProperty,
} from '@certexit/core';

/** What replaces a property that cannot be read (`wszREGEXITPROPNOTFOUND`). */
export const MAIL_PROPERTY_NOT_FOUND = '???';

/**
 * Reads the properties named by a `TitleArg`/`BodyArg` list, in order, as text: a `Request.` prefix reads a
 * request property, any other name a certificate or CA property. LONG in decimal, DATE as ISO 8601 UTC, BINARY as
 * Base64, STRING as it is; an unknown name or an unreadable or empty value gives `???`.
 */
export async function readMailArguments(server: ICertServerExit, names: readonly string[]): Promise<string[]> {
  const values: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const request = /^request\./i.test(name);
    const resolved = request ? resolveRequestProperty(name) : resolveCertificateProperty(name);
    if (!resolved) {
      values.push(MAIL_PROPERTY_NOT_FOUND);
      continue;
    }
    const type = resolved.definition.type;
    try {
      const value = request
        ? await server.GetRequestProperty(name.slice('Request.'.length), type)
        : await server.GetCertificateProperty(name, type);
      values.push(_format(value, type));
    } catch {
      values.push(MAIL_PROPERTY_NOT_FOUND);
    }
  }
  return values;
}

/**
 * Replaces `%1…%n` in `format` with `args[0…n-1]` (FormatMessage style, `%%` is a percent sign); a number past
 * the list gives `???`. Replacement text is never scanned again, so a value containing `%2` stays as it is.
 */
export function formatMailText(format: string, args: readonly string[]): string {
  return format.replace(/%(%|\d{1,2})/g, (_, token: string) =>
    token === '%' ? '%' : (args[Number(token) - 1] ?? MAIL_PROPERTY_NOT_FOUND),
  );
}

function _format(value: unknown, type: number): string {
  if (value === undefined || value === null) return MAIL_PROPERTY_NOT_FOUND;
  if (type === PROPTYPE_LONG && typeof value === 'number') return String(value | 0);
  if (type === PROPTYPE_DATE && value instanceof Date)
    return Number.isNaN(value.getTime()) ? MAIL_PROPERTY_NOT_FOUND : value.toISOString();
  if (type === PROPTYPE_BINARY && value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const text = String(value);
  return text === '' ? MAIL_PROPERTY_NOT_FOUND : text;
}
