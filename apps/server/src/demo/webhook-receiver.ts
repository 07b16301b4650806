import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One POST the receiver accepted. */
export interface ReceivedWebhook {
  /** The CloudEvents `type`, e.g. `com.certexit.certificate.issued`. */
  readonly type: string;
  /** The CloudEvents `id`: the notification's EventID. */
  readonly id: string;
  /** The CloudEvents `subject` (the serial number, when the endpoint receives it). */
  readonly subject: string | undefined;
}

/** The demo's web hook endpoint on loopback. */
export interface WebhookReceiver {
  readonly url: string;
  /** What it accepted, in order. */
  readonly received: readonly ReceivedWebhook[];
  /** POSTs it refused (bad signature, stale timestamp, not JSON), with why. */
  readonly refused: readonly string[];
  close(): Promise<void>;
}

/** The Standard Webhooks tolerance for `webhook-timestamp`. */
const _TOLERANCE_S = 5 * 60;

/**
 * Starts an HTTPS endpoint on 127.0.0.1 that accepts a POST only when one of its `webhook-signature` values is
 * the HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` under `secret` (Standard Webhooks) and the timestamp
 * is within five minutes; it answers 204, or 401 and records why. A few lines of `node:crypto`, written apart from
 * the module's signer, so the demo shows a delivery an independent receiver verifies.
 */
export async function startWebhookReceiver(options: {
  keyPem: string;
  certPem: string;
  /** `whsec_<base64>`. */
  secret: string;
}): Promise<WebhookReceiver> {
  const key = Buffer.from(options.secret.replace(/^whsec_/, ''), 'base64');
  const received: ReceivedWebhook[] = [];
  const refused: string[] = [];
  const server = createServer({ key: options.keyPem, cert: options.certPem }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const problem = _verify(request.headers, body, key);
      if (problem !== undefined) {
        refused.push(problem);
        response.writeHead(401).end();
        return;
      }
      try {
        const event = JSON.parse(body) as { type?: unknown; id?: unknown; subject?: unknown };
        received.push({
          type: String(event.type),
          id: String(event.id),
          subject: typeof event.subject === 'string' ? event.subject : undefined,
        });
        response.writeHead(204).end();
      } catch {
        refused.push('the body is not JSON');
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/certexit`,
    received,
    refused,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function _verify(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  key: Buffer,
): string | undefined {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string')
    return 'webhook-id, webhook-timestamp or webhook-signature is missing';
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!Number.isFinite(age) || age > _TOLERANCE_S) return `webhook-timestamp ${timestamp} is not within 5 minutes`;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, value = ''] = entry.split(',');
    const given = Buffer.from(value, 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? undefined : 'no webhook-signature matches';
}
