import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, postWebhook } from './post-webhook';
import { redactUrl } from './redact-url';

describe('postWebhook', () => {
  it('refuses plain http to anything but a loopback address, permanently', async () => {
    const error = await postWebhook({
      url: new URL('http://hooks.example/x'),
      body: '{}',
      headers: {},
      timeoutMs: 1000,
    })
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/go over https/);
    expect((error as { isRetryable?: boolean }).isRetryable).toBe(false);
  });

  it('posts plain http on loopback (a local receiver) and reports the status', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(202).end('ok'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await postWebhook({
        url: new URL(`http://127.0.0.1:${port}/hook`),
        body: '{}',
        headers: {},
        timeoutMs: 2000,
      });
      expect(result).toEqual({ status: 202, bodyStart: 'ok' });
    } finally {
      server.close();
    }
  });

  it('knows loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', 'localhost.example', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('redactUrl', () => {
  it('drops credentials, query and fragment', () => {
    expect(redactUrl('https://u:p@hooks.example:8443/x/y?token=1#f')).toBe('https://hooks.example:8443/x/y?[redacted]');
    expect(redactUrl('https://hooks.example/x')).toBe('https://hooks.example/x');
    expect(redactUrl('not a url')).toBe('[an invalid URL]');
  });
});
