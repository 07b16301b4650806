import { request } from 'node:https';

/** What {@link httpsCall} got back. */
export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON when it is JSON, else `undefined` (typed as `JSON.parse` types it). */
  json: ReturnType<typeof JSON.parse>;
}

/**
 * One HTTPS exchange with `node:https`, trusting exactly `ca` (verification stays on: a server certificate not
 * issued by `ca`, or not for the host, fails the call).
 */
export function httpsCall(
  url: string,
  options: {
    ca: string;
    method?: string;
    token?: string;
    headers?: Record<string, string>;
    body?: unknown;
    /** A TLS client certificate and its key (PEM), for mutual TLS. */
    clientCertificate?: { certPem: string; keyPem: string };
  },
): Promise<HttpsAnswer> {
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const call = request(
      url,
      {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        ca: options.ca,
        agent: false,
        ...(options.clientCertificate && {
          cert: options.clientCertificate.certPem,
          key: options.clientCertificate.keyPem,
        }),
        headers: {
          ...(payload !== undefined && { 'content-type': 'application/json' }),
          ...(options.token && { authorization: `Bearer ${options.token}` }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          if (String(response.headers['content-type']).startsWith('application/json')) json = JSON.parse(text);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    call.on('error', reject);
    call.end(payload);
  });
}
