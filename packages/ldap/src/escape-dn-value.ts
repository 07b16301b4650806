/**
 * Escapes a value for an RDN of a DN string (RFC 4514 §2.4): `,` `+` `"` `\` `<` `>` `;` `=`, a leading `#` or
 * space, a trailing space, and control characters. Names taken from certificates go into DNs only through this.
 * @example escapeDnValue('Smith, John') // 'Smith\\, John'
 */
export function escapeDnValue(value: string): string {
  let out = value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped here.
  out = out.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}
