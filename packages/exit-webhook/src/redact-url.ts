/**
 * A URL as it may appear in logs and errors: without user name, password, query and fragment, which can carry
 * credentials (`https://user:token@host/hook?key=…`).
 * @example redactUrl('https://u:p@hooks.example/x?token=1') // 'https://hooks.example/x?[redacted]'
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '[an invalid URL]';
  }
  const query = parsed.search !== '' ? '?[redacted]' : '';
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query}`;
}
