import { createHmac } from 'node:crypto';
import type { WebhookSecret } from './webhook-secret';

/** The three headers of a signed delivery (Standard Webhooks 1.0, "Webhook headers"). */
export interface StandardWebhookHeaders {
  /** The message id: the same on every attempt of one event, for the receiver's de-duplication. */
  readonly 'webhook-id': string;
  /** When this attempt was signed, in whole seconds since the epoch (the receiver's replay window). */
  readonly 'webhook-timestamp': string;
  /** `v1,<base64 HMAC-SHA256>` per secret, space-separated: several while a secret is being rotated. */
  readonly 'webhook-signature': string;
}

/** What {@link signStandardWebhook} signs. */
export interface StandardWebhookMessage {
  /** The `webhook-id`; must not contain `.` (the signed content is `id.timestamp.body`). */
  readonly id: string;
  /** When the attempt is made; signed as whole seconds. */
  readonly timestamp: Date;
  /** The exact bytes (or UTF-8 text) of the request body. */
  readonly body: string | Uint8Array;
}

/**
 * Signs a delivery per the Standard Webhooks specification: `HMAC-SHA256(key, "<id>.<timestamp>.<body>")`, base64,
 * as `v1,<signature>`, once per secret (newest first), space-separated. Written with `node:crypto` rather than
 * the `standardwebhooks` package so that the tests can verify with that package as an independent implementation;
 * the scheme itself is eight lines.
 * @throws {TypeError} when there is no secret, or the id contains `.`, a space or a control character.
 * @example signStandardWebhook({ id: 'msg_1', timestamp: new Date(), body }, [secret])['webhook-signature'] // 'v1,K5o…='
 */
export function signStandardWebhook(
  message: StandardWebhookMessage,
  secrets: readonly WebhookSecret[],
): StandardWebhookHeaders {
  if (secrets.length === 0) throw new TypeError('signStandardWebhook: at least one secret is needed');
  // A '.' would let the id and the timestamp be shifted against each other within the signed content.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: header values must not carry control characters
  if (message.id === '' || /[.\s\u0000-\u001f\u007f]/.test(message.id)) {
    throw new TypeError(`signStandardWebhook: the webhook-id ${JSON.stringify(message.id)} must not contain '.'`);
  }
  const timestamp = String(Math.floor(message.timestamp.getTime() / 1000));
  const signatures = secrets.map((secret) => {
    const hmac = createHmac('sha256', secret.key);
    hmac.update(`${message.id}.${timestamp}.`, 'utf8');
    hmac.update(message.body);
    return `v1,${hmac.digest('base64')}`;
  });
  return { 'webhook-id': message.id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}
