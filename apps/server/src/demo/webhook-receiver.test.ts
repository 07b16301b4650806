import { createHmac } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoReceiverTls } from './demo-receiver-tls';
import { createDemoReceiverTls } from './demo-receiver-tls';
import type { WebhookReceiver } from './webhook-receiver';
import { startWebhookReceiver } from './webhook-receiver';

const secret = `whsec_${Buffer.from('a demo secret of 32 bytes, exact').toString('base64')}`;
let tls: DemoReceiverTls;
let receiver: WebhookReceiver;

beforeAll(async () => {
  tls = await createDemoReceiverTls();
  receiver = await startWebhookReceiver({ keyPem: tls.keyPem, certPem: tls.certPem, secret });
});
afterAll(() => receiver?.close());

/** Signs as the Standard Webhooks specification says (the sender's side, written here from the specification). */
function signed(body: string, options: { id?: string; timestamp?: number; key?: string } = {}) {
  const id = options.id ?? 'certexit%20Demo%20CA%2F1';
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from((options.key ?? secret).slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

function post(body: string, headers: Record<string, string>, trustDemoCa = true): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(trustDemoCa && { ca: tls.caPem }),
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the demo web hook receiver', () => {
  it('serves HTTPS that verifies against the generated CA only', async () => {
    const body = JSON.stringify({ type: 'com.certexit.certificate.issued', id: 'certexit Demo CA/1', subject: '0a1b' });
    expect(await post(body, signed(body))).toBe(204);
    // Node's own store does not know the demo CA.
    await expect(post(body, signed(body), false)).rejects.toThrow(/certificate/i);
  });

  it('accepts a signed event and refuses a tampered, stale or wrongly keyed one', async () => {
    const body = JSON.stringify({ type: 'com.certexit.crl.issued', id: 'certexit Demo CA/9' });
    expect(await post(body, signed(body))).toBe(204);
    expect(await post(`${body} `, signed(body))).toBe(401);
    expect(await post(body, signed(body, { timestamp: Math.floor(Date.now() / 1000) - 600 }))).toBe(401);
    const other = `whsec_${Buffer.from('another secret of 32 bytes here!').toString('base64')}`;
    expect(await post(body, signed(body, { key: other }))).toBe(401);
    // Several signatures (a key rotation): one that matches is enough.
    const rotated = signed(body);
    rotated['webhook-signature'] =
      `${signed(body, { key: other })['webhook-signature']} ${rotated['webhook-signature']}`;
    expect(await post(body, rotated)).toBe(204);

    expect(receiver.received.map((e) => e.type)).toEqual([
      'com.certexit.certificate.issued',
      'com.certexit.crl.issued',
      'com.certexit.crl.issued',
    ]);
    expect(receiver.received[0]).toEqual({
      type: 'com.certexit.certificate.issued',
      id: 'certexit Demo CA/1',
      subject: '0a1b',
    });
    expect(receiver.refused).toEqual([
      'no webhook-signature matches',
      expect.stringMatching(/not within 5 minutes/),
      'no webhook-signature matches',
    ]);
  });
});
