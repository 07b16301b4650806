import { CALLER_TOKEN_PREFIX } from './caller-token';

/** Query parameter names that carry credentials in other APIs (`?access_token=`, `?api_key=`, `?token=`, …). */
const _CREDENTIAL_NAME = /token|auth|bearer|key|secret|passw|session|signature|^sig$|cred/i;

/** True for a query parameter that carries (or looks like it carries) a credential. */
function _isCredential(name: string, value: string): boolean {
  return _CREDENTIAL_NAME.test(name) || value.startsWith(CALLER_TOKEN_PREFIX);
}

/**
 * The credential-like parameters of a URL's query string (by name, or a value that is a certexit token). The API
 * refuses such requests: a query string ends up in access logs, proxies and browser history.
 */
export function queryCredentials(url: string): string[] {
  const query = url.indexOf('?');
  if (query < 0) return [];
  const found: string[] = [];
  for (const [name, value] of new URLSearchParams(url.slice(query + 1)))
    if (_isCredential(name, value)) found.push(name);
  return found;
}

/** The URL as it may be logged: the values of credential-like query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  let changed = false;
  for (const [name, value] of [...params]) {
    if (_isCredential(name, value)) {
      params.set(name, '[redacted]');
      changed = true;
    }
  }
  return changed ? `${url.slice(0, query)}?${params.toString().replaceAll('%5Bredacted%5D', '[redacted]')}` : url;
}
