/**
 * Escapes a value for an LDAP search filter string (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL become `\2a`,
 * `\28`, `\29`, `\5c` and `\00`. Everything else, non-ASCII included, stays as it is: RFC 4515 allows UTF-8 in
 * filter values, and a server compares the UTF-8 octets either way.
 *
 * ```abnf
 * valueencoding  = 0*(normal / escaped)
 * normal         = UTF1SUBSET / UTFMB
 * escaped        = ESC HEX HEX
 * UTF1SUBSET     = %x01-27 / %x2B-5B / %x5D-7F   ; excludes NUL, LPAREN, RPAREN, ASTERISK, ESC
 * ```
 *
 * @example escapeFilterValue('a*b(c)') // 'a\\2ab\\28c\\29'
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
