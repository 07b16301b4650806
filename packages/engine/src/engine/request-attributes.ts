/**
 * Parses request attributes as certreq's `-attrib` takes them: `Name:Value` pairs separated by newlines or
 * `\n` escapes. A line without a colon is a clear error naming it.
 * @example parseRequestAttributes('CertificateTemplate:User\\nCertFile:\\\\srv\\share') // [['CertificateTemplate','User'], …]
 */
export function parseRequestAttributes(text: string | readonly string[] | undefined): Array<[string, string]> {
  if (text === undefined) return [];
  const lines = (Array.isArray(text) ? text : [text]).flatMap((t: string) => t.split(/\r?\n|\\n/));
  const result: Array<[string, string]> = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`request attribute ${JSON.stringify(line)} is not Name:Value`);
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9 _.-]{1,128}$/.test(name))
      throw new Error(
        `request attribute name ${JSON.stringify(name)} has characters other than letters, digits, space, _ . -`,
      );
    result.push([name, line.slice(colon + 1).trim()]);
  }
  return result;
}
