import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signStandardWebhook } from './sign-standard-webhook';
import { generateWebhookSecret, parseWebhookSecrets } from './webhook-secret';

describe('signStandardWebhook', () => {
  const body = '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1f81"}}';
  const timestamp = new Date(1674087231_000);

  it('signs id.timestamp.body as the standardwebhooks reference library does', () => {
    const secret = generateWebhookSecret();
    const headers = signStandardWebhook({ id: 'msg_1', timestamp, body }, parseWebhookSecrets(secret, 'test'));
    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1674087231',
      'webhook-signature': new Webhook(secret).sign('msg_1', timestamp, body),
    });
  });

  it('signs with each secret, newest first, and each verifies on its own', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const now = new Date();
    const headers = signStandardWebhook({ id: 'msg_2', timestamp: now, body }, parseWebhookSecrets(`${a}\n${b}`, 't'));
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toEqual([new Webhook(a!).sign('msg_2', now, body), new Webhook(b!).sign('msg_2', now, body)]);
    for (const secret of [a!, b!]) expect(new Webhook(secret).verify(body, { ...headers })).toMatchObject({});
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(/signature/i);
  });

  it('refuses an id the signed content could be shifted by', () => {
    const secrets = parseWebhookSecrets(generateWebhookSecret(), 't');
    expect(() => signStandardWebhook({ id: 'a.b', timestamp, body }, secrets)).toThrow(/must not contain/);
    expect(() => signStandardWebhook({ id: 'a b', timestamp, body }, secrets)).toThrow(/must not contain/);
    expect(() => signStandardWebhook({ id: 'a', timestamp, body }, [])).toThrow(/at least one secret/);
  });
});

describe('parseWebhookSecrets', () => {
  it('reads whitespace- or line-separated whsec_ secrets and skips comments', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const secrets = parseWebhookSecrets(`# rotated 2026-03-01\n${a}\n  ${b}  \n`, 'file x');
    expect(secrets.map((s) => s.key.toString('base64'))).toEqual([a!.slice(6), b!.slice(6)]);
    // Never printed.
    expect(JSON.stringify(secrets)).toBe('["[webhook secret]","[webhook secret]"]');
    expect(String(secrets[0])).toBe('[webhook secret]');
  });

  it('names the position of a bad secret, never its value', () => {
    const good = generateWebhookSecret();
    const cases: [string, RegExp][] = [
      ['', /holds no secret/],
      [`${good} abcdefghijklmnopqrstuvwxyz012345`, /secret 2 of f does not start with whsec_/],
      ['whsec_not*base64', /secret 1 of f is not base64/],
      [`whsec_${Buffer.alloc(16).toString('base64')}`, /decodes to 16 bytes; a secret has 24 to 64 bytes/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parseWebhookSecrets(text, 'f');
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).toMatch(message);
      expect((error as { isRetryable?: boolean }).isRetryable).toBe(false);
      if (text !== '') expect((error as Error).message).not.toContain(text.split(' ').at(-1)!.slice(6));
    }
  });
});
