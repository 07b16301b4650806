import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A registry on loopback that has never heard of any package, and the requests it received. */
export interface EmptyRegistry {
  url: string;
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

/**
 * Starts an npm registry stand-in that answers 404 to every request. `pnpm publish -r` asks the registry which
 * versions exist so as to skip them; pointed here, the dry run needs no network and lists every public package,
 * whatever the public registry holds under the same names. A dry run must never upload: a PUT is recorded (and
 * refused) so the test can fail on it.
 */
export async function startEmptyRegistry(): Promise<EmptyRegistry> {
  const requests: EmptyRegistry['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', path: decodeURIComponent(request.url ?? '') });
    request.resume();
    response.writeHead(request.method === 'GET' ? 404 : 405, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'Not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
