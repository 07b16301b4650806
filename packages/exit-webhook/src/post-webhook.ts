import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';
import {
  CertexitError,
  connectionError,
  E_ACCESSDENIED,
  E_FAIL,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_TIMEOUT,
} from '@certexit/core';
import { redactUrl } from './redact-url';

/** One POST of a web hook. */
export interface PostWebhookOptions {
  readonly url: URL;
  readonly body: string;
  /** Sent as they are, after `content-type` and `content-length`. */
  readonly headers: Readonly<Record<string, string>>;
  /** @default 'application/json' */
  readonly contentType?: string;
  /** The whole exchange (connect, TLS, request, response) must end within this. */
  readonly timeoutMs: number;
  /**
   * PEM of the CAs that may sign the endpoint's certificate; without it, Node's default trust store. Verification
   * is never turned off.
   */
  readonly ca?: string;
  /** Keeps connections to the endpoint open between deliveries. */
  readonly agent?: HttpsAgent;
  /** Aborts the request (the host stopping). */
  readonly signal?: AbortSignal;
}

/** What the endpoint answered. */
export interface PostWebhookResult {
  readonly status: number;
  /** The start of the response body (at most 1 KiB), for logs. */
  readonly bodyStart: string;
}

/**
 * POSTs one web hook over HTTPS (plain HTTP only to a loopback address) and says whether a failure may pass on a
 * later attempt, following the Standard Webhooks etiquette: 2xx is success; 5xx, 408, 429, timeouts and connection
 * errors are transient (`isRetryable: true`); 3xx (redirects are not followed: fix the URL), 410 Gone and the other
 * 4xx are permanent (`isRetryable: false`), as is a certificate that does not verify.
 * @throws a {@link CertexitError} with `isRetryable` set, whose message names the redacted URL and the cause.
 */
export function postWebhook(options: PostWebhookOptions): Promise<PostWebhookResult> {
  const { url } = options;
  const where = redactUrl(url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return Promise.reject(
      new CertexitError({
        hresult: HRESULT_BAD_CONFIGURATION,
        message: `${where}: web hooks go over https:// (plain http:// only to a loopback address)`,
        isRetryable: false,
      }),
    );
  }
  const body = Buffer.from(options.body, 'utf8');
  return new Promise<PostWebhookResult>((resolve, reject) => {
    let settled = false;
    const finish = (error: CertexitError | undefined, result?: PostWebhookResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(result!);
    };
    const send = url.protocol === 'https:' ? httpsRequest : _httpRequest();
    const req = send(url, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/json',
        'content-length': String(body.length),
        'user-agent': 'certexit-webhook',
        ...options.headers,
      },
      ...(url.protocol === 'https:' && {
        ...(options.ca !== undefined && { ca: options.ca }),
        ...(options.agent !== undefined && { agent: options.agent }),
        rejectUnauthorized: true,
      }),
    });
    const timer = setTimeout(() => {
      finish(
        new CertexitError({
          hresult: HRESULT_TIMEOUT,
          message: `${where} did not answer within ${options.timeoutMs} ms`,
          isRetryable: true,
        }),
      );
      req.destroy();
    }, options.timeoutMs);
    const onAbort = () => {
      finish(new CertexitError({ hresult: E_FAIL, message: `${where}: the delivery was stopped`, isRetryable: true }));
      req.destroy();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (error: NodeJS.ErrnoException) => finish(connectionError(where, error)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        // Read to the end so that the connection can be reused, but keep only the start.
        if (size < 1024) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', (error: NodeJS.ErrnoException) => finish(connectionError(where, error)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const bodyStart = Buffer.concat(chunks).subarray(0, 1024).toString('utf8');
        if (status >= 200 && status < 300) finish(undefined, { status, bodyStart });
        else finish(_statusError(where, status, bodyStart));
      });
    });
    req.end(body);
  });
}

/** True for `localhost`, `127.0.0.0/8` and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function _statusError(where: string, status: number, bodyStart: string): CertexitError {
  const retryable = status >= 500 || status === 408 || status === 429;
  const hint =
    status >= 300 && status < 400
      ? ' (redirects are not followed: configure the final URL)'
      : status === 410
        ? ' (the receiver no longer wants these events)'
        : '';
  const answer = bodyStart.trim().replace(/\s+/g, ' ').slice(0, 200);
  return new CertexitError({
    hresult: status === 401 || status === 403 ? E_ACCESSDENIED : retryable ? E_FAIL : HRESULT_BAD_CONFIGURATION,
    message: `${where} answered HTTP ${status}${hint}${answer ? `: ${answer}` : ''}`,
    isRetryable: retryable,
  });
}

/**
 * node:http's `request`, taken with `process.getBuiltinModule` rather than imported: Node.js evaluates every export of
 * a built-in imported as ESM, and node:http's WebSocket exports then load undici (about 3 MB of heap in each thread).
 */
function _httpRequest(): typeof import('node:http').request {
  return process.getBuiltinModule('node:http').request;
}
