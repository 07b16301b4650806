/**
 * MS-WCCE §3.1.1.4.1.1 sanitizing: each disallowed character becomes `!` and four lowercase hex digits of its
 * UTF-16 code. Disallowed: code points below 0x20 or at/above 0x7F, and `!"#%&'()*+,/:;<=>?[\]^`{|}`.
 * @example sanitizeCaName('Contoso (Issuing) CA') // 'Contoso !0028Issuing!0029 CA'
 */
export function sanitizeCaName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    out += code < 0x20 || code >= 0x7f || _DISALLOWED.has(code) ? `!${code.toString(16).padStart(4, '0')}` : name[i];
  }
  return out;
}

/**
 * The DS short name (`%7`, `SanitizedShortName`): a sanitized name longer than 51 characters keeps its first 51
 * (without a cut `!xxxx` sequence) and gets `-` plus a 5-digit hash of the rest (16-bit rotate-left-then-add).
 */
export function sanitizedShortName(sanitized: string): string {
  if (sanitized.length <= 51) return sanitized;
  let cut = 51;
  const bang = sanitized.lastIndexOf('!', cut - 1);
  if (bang >= 0 && bang > cut - 5) cut = bang;
  let hash = 0;
  for (const ch of sanitized.slice(cut)) {
    hash = (((hash << 1) | ((hash >> 15) & 1)) + ch.charCodeAt(0)) & 0xffff;
  }
  return `${sanitized.slice(0, cut)}-${hash.toString().padStart(5, '0')}`;
}

const _DISALLOWED = new Set([
  0x21, 0x22, 0x23, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x5b,
  0x5c, 0x5d, 0x5e, 0x60, 0x7b, 0x7c, 0x7d,
]);
