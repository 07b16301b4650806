/** The most attributes one request may carry, however they are packed (items, lines, `\n` escapes). */
export const MAX_REQUEST_ATTRIBUTES = 64;
/** The longest attribute value, in characters. */
export const MAX_REQUEST_ATTRIBUTE_VALUE = 4096;

/**
 * Parses request attributes as certreq's `-attrib` takes them: `Name:Value` pairs separated by newlines or
 * `\n` escapes, in one string or a list. The limits hold after unpacking: at most {@link MAX_REQUEST_ATTRIBUTES}
 * pairs and {@link MAX_REQUEST_ATTRIBUTE_VALUE} characters a value. A line without a colon, a bad name or a broken
 * limit is a clear error naming it.
 * @example parseRequestAttributes('CertificateTemplate:User\\nCertFile:\\\\srv\\share') // [['CertificateTemplate','User'], …]
 */
export function parseRequestAttributes(text: string | readonly string[] | undefined): Array<[string, string]> {
  if (text === undefined) return [];
  const lines = (Array.isArray(text) ? text : [text]).flatMap((t: string) => t.split(/\r?\n|\r|\\n/));
  const result: Array<[string, string]> = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`request attribute ${JSON.stringify(line.slice(0, 200))} is not Name:Value`);
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9 _.-]{1,128}$/.test(name))
      throw new Error(
        `request attribute name ${JSON.stringify(name.slice(0, 200))} has characters other than letters, digits, space, _ . -`,
      );
    const value = line.slice(colon + 1).trim();
    if (value.length > MAX_REQUEST_ATTRIBUTE_VALUE)
      throw new Error(
        `request attribute ${name} has a value of ${value.length} characters, more than the limit of ${MAX_REQUEST_ATTRIBUTE_VALUE}`,
      );
    result.push([name, value]);
    if (result.length > MAX_REQUEST_ATTRIBUTES)
      throw new Error(
        `the request carries more than ${MAX_REQUEST_ATTRIBUTES} attributes (counted after splitting items at newlines and \\n escapes)`,
      );
  }
  return result;
}
