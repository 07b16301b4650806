/**
 * A web hook receiver as an operator would write one, on a real HTTPS server on loopback: it verifies every
 * delivery with the `standardwebhooks` package (an implementation independent of the module's signer), parses the
 * body with the CloudEvents SDK (structured mode), keeps the ids it accepted to refuse a replay, and can be told to
 * fail the next deliveries.
 */
import type { Server } from 'node:https';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import type { TestPki } from '../../../../tooling/test/test-pki';

/** A delivery the receiver accepted. */
export interface AcceptedDelivery {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The CloudEvent as the CloudEvents SDK read it. */
  readonly event: { id: string; type: string; source: string; time?: string; subject?: string; data?: unknown };
}

/** A delivery the receiver refused, and why. */
export interface RefusedDelivery {
  readonly path: string;
  readonly status: number;
  readonly reason: string;
}

/** One endpoint path of the receiver: its secret(s) and its programmed failures. */
export interface ReceiverPath {
  /** The secrets the receiver trusts for this path (any one verifying is enough). */
  secrets: string[];
  /** Answers the next deliveries with these statuses (before verifying), one per delivery. */
  failNext: number[];
  /** Holds the next deliveries this long before answering (ms), one per delivery. */
  delayNext: number[];
}

export interface WebhookReceiver {
  readonly url: (path: string) => string;
  readonly accepted: AcceptedDelivery[];
  readonly refused: RefusedDelivery[];
  /** Every request that reached the server, in order (path and webhook-id), whatever the answer. */
  readonly arrivals: { path: string; webhookId: string | undefined }[];
  path(path: string, secrets: string[]): ReceiverPath;
  /** Sends a raw request to the receiver itself (a replay or a forgery) and returns the status. */
  inject(path: string, headers: Record<string, string>, body: string): Promise<number>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(pki: TestPki): Promise<WebhookReceiver> {
  const paths = new Map<string, ReceiverPath>();
  const seenIds = new Map<string, Set<string>>();
  const accepted: AcceptedDelivery[] = [];
  const refused: RefusedDelivery[] = [];
  const arrivals: { path: string; webhookId: string | undefined }[] = [];

  const server: Server = createServer({ cert: pki.certPem, key: pki.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
      );
      arrivals.push({ path, webhookId: headers['webhook-id'] });
      const answer = (status: number, reason: string) => {
        if (status >= 300) refused.push({ path, status, reason });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
      };
      const config = paths.get(path);
      if (!config) return answer(404, 'no such hook');
      const delay = config.delayNext.shift() ?? 0;
      setTimeout(() => {
        const fail = config.failNext.shift();
        if (fail !== undefined) return answer(fail, `programmed failure ${fail}`);
        if (req.method !== 'POST') return answer(405, 'POST only');
        // 1. Authenticity: any trusted secret verifies id.timestamp.body (timestamp within 5 minutes).
        let verified = false;
        let lastError = 'no secret';
        for (const secret of config.secrets) {
          try {
            new Webhook(secret).verify(body, headers);
            verified = true;
            break;
          } catch (error) {
            lastError = (error as Error).message;
          }
        }
        if (!verified) return answer(401, `signature: ${lastError}`);
        // 2. Replays within the window: each webhook-id is processed once.
        const id = headers['webhook-id']!;
        const seen = seenIds.get(path) ?? new Set<string>();
        seenIds.set(path, seen);
        if (seen.has(id)) return answer(409, `replayed webhook-id ${id}`);
        // 3. A CloudEvent in structured mode, as the CloudEvents SDK reads it.
        let event: AcceptedDelivery['event'];
        try {
          event = HTTP.toEvent({ headers, body }) as unknown as AcceptedDelivery['event'];
        } catch (error) {
          return answer(400, `not a CloudEvent: ${(error as Error).message}`);
        }
        seen.add(id);
        accepted.push({ path, headers, body, event });
        answer(204, '');
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `https://127.0.0.1:${port}`;

  return {
    url: (path) => `${base}${path}`,
    accepted,
    refused,
    arrivals,
    path(path, secrets) {
      const config: ReceiverPath = { secrets, failNext: [], delayNext: [] };
      paths.set(path, config);
      return config;
    },
    inject(path, headers, body) {
      return new Promise<number>((resolve, reject) => {
        const req = request(`${base}${path}`, { method: 'POST', headers, ca: pki.caPem }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
