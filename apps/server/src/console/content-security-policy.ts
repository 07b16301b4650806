/**
 * The console's Content-Security-Policy: scripts, styles, images and fetches from the server itself only, never
 * inline (no `unsafe-inline`, no `unsafe-eval`), no plugins, no `<base>` rewriting, forms posting only back here,
 * never framed (clickjacking), and Trusted Types required so no script can reach an HTML-parsing sink with a string.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** What the API's JSON answers carry: nothing may load from them, and nothing may frame them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Headers on every answer of the server, console and API alike. */
export function securityHeaders(options: { tls: boolean; console: boolean }): Readonly<Record<string, string>> {
  // Four combinations, built once: these go on every answer.
  return _SECURITY_HEADERS[(options.tls ? 2 : 0) + (options.console ? 1 : 0)] as Readonly<Record<string, string>>;
}

const _SECURITY_HEADERS = [false, true].flatMap((tls) =>
  [false, true].map((console) =>
    Object.freeze({
      'content-security-policy': console ? CONSOLE_CONTENT_SECURITY_POLICY : API_CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
      ...(tls && { 'strict-transport-security': 'max-age=31536000' }),
    }),
  ),
);
