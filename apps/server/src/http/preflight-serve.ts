import { createServer } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { ListenAddress } from './listen-address';

/**
 * Checks what `certexit serve` was given before it opens the CA and starts its modules, so that a fatal start-up
 * error is one clear line naming the file or the port, and nothing is left running:
 * - the TLS certificate and key must belong together (OpenSSL's "key values mismatch" otherwise);
 * - the address must be free to listen on (another server, a port below 1024 without the right).
 * The real listen still reports what changes in between.
 */
export async function preflightServe(options: {
  listen: ListenAddress;
  tls?: { cert: string; key: string; certFile: string; keyFile: string; clientCa?: string; clientCaFile?: string };
}): Promise<void> {
  const { tls } = options;
  if (tls) {
    try {
      createSecureContext({ cert: tls.cert, key: tls.key });
    } catch (error) {
      const reason = (error as Error).message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, '').trim();
      throw new Error(
        /mismatch/i.test(reason)
          ? `--tls-cert ${tls.certFile} and --tls-key ${tls.keyFile} do not belong together: the key is not the certificate's (${reason})`
          : `--tls-cert ${tls.certFile} / --tls-key ${tls.keyFile} cannot be used: ${reason}`,
        { cause: error },
      );
    }
    if (tls.clientCa) {
      try {
        createSecureContext({ ca: tls.clientCa });
      } catch (error) {
        throw new Error(`--client-ca ${tls.clientCaFile} cannot be used: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }
  if (options.listen.port !== 0) await _assertFree(options.listen);
}

async function _assertFree(listen: ListenAddress): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: listen.host, port: listen.port, exclusive: true }, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the port is in use (another server listens on it)'
        : code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges)'
          : code === 'EADDRNOTAVAIL'
            ? 'this machine has no such address'
            : (error as Error).message;
    throw new Error(`cannot listen on ${listen.host}:${listen.port}: ${why}`, { cause: error });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
