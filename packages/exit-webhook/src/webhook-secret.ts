import { CertexitError, HRESULT_BAD_CONFIGURATION } from '@certexit/core';

/** The serialized form's prefix (Standard Webhooks: "base64 encoded, prefixed with `whsec_`"). */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** One endpoint secret: the HMAC key. Its `toString` and JSON form never show the key. */
export interface WebhookSecret {
  readonly key: Buffer;
}

/**
 * Parses the secrets of an endpoint: `whsec_<base64>` tokens separated by white space (a file may hold one per
 * line; the first signs first). Each must decode to 24–64 bytes, as the specification asks. Lines starting with
 * `#` are comments. Messages name the token's position, never its value.
 * @param where names the origin for messages, e.g. `SecretFile /etc/certexit/hook.secret`.
 * @throws a {@link CertexitError} `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)`, not retryable.
 */
export function parseWebhookSecrets(text: string, where: string): WebhookSecret[] {
  const tokens = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith('#'))
    .join(' ')
    .split(/\s+/)
    .filter((token) => token !== '');
  if (tokens.length === 0) throw _bad(`${where} holds no secret`);
  return tokens.map((token, index) => {
    const position = `secret ${index + 1} of ${where}`;
    if (!token.startsWith(WEBHOOK_SECRET_PREFIX))
      throw _bad(`${position} does not start with ${WEBHOOK_SECRET_PREFIX}`);
    const encoded = token.slice(WEBHOOK_SECRET_PREFIX.length);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) throw _bad(`${position} is not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length < 24 || key.length > 64) {
      throw _bad(`${position} decodes to ${key.length} bytes; a secret has 24 to 64 bytes`);
    }
    return _secret(key);
  });
}

/** A new random secret in its serialized form (`whsec_` + 32 random bytes in base64), for an operator to hand out. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}

function _secret(key: Buffer): WebhookSecret {
  const secret = { key };
  // Keeps the key out of logs that serialize or print the object.
  Object.defineProperties(secret, {
    toString: { value: () => '[webhook secret]' },
    toJSON: { value: () => '[webhook secret]' },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => '[webhook secret]' },
  });
  return secret;
}

function _bad(message: string): CertexitError {
  return new CertexitError({ hresult: HRESULT_BAD_CONFIGURATION, message, isRetryable: false });
}
