import { readFile } from 'node:fs/promises';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { checkServerIdentity, connect } from 'node:tls';
import { CertexitError, connectionError, E_FAIL, HRESULT_BAD_CONFIGURATION, HRESULT_TIMEOUT } from '@certexit/core';

/** Where and how to connect. */
export interface SyslogTlsTarget {
  readonly host: string;
  /** @default 6514 (RFC 5425) */
  readonly port: number;
  /** PEM file of the CAs trusted for the server's certificate; Node's default store when absent. */
  readonly caFile?: string;
  /** The name the server's certificate must carry. @default host */
  readonly serverName?: string;
  /** A client certificate and key (PEM files), for servers that authenticate their senders. */
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  /** Connecting (TCP and TLS) and each write must end within this. */
  readonly timeoutMs: number;
}

/** A TLS connection to a syslog server that connects on first use and again after it breaks. */
export interface SyslogTlsClient {
  readonly target: SyslogTlsTarget;
  /**
   * Writes one frame; resolves when it is handed to the kernel. Connects first when there is no connection (the
   * first send, or the server closed the last one).
   * @throws a {@link CertexitError}: transient for refused, reset or timed-out connections, permanent
   *   (`SEC_E_UNTRUSTED_ROOT`, `ERROR_BAD_CONFIGURATION`) for a certificate that does not verify or unreadable files.
   */
  send(frame: Uint8Array): Promise<void>;
  /** True while a connection is open. */
  readonly connected: boolean;
  /** How many connections were made so far (for logs and tests). */
  readonly connections: number;
  close(): void;
}

/**
 * Creates a client for RFC 5425 (syslog over TLS). TLS is always verified (never `rejectUnauthorized: false`),
 * with TLS 1.2 at least. One connection at a time: concurrent sends share it (each frame is one write, so frames
 * never interleave) and share a pending connect.
 */
export function createSyslogTlsClient(target: SyslogTlsTarget): SyslogTlsClient {
  let socket: TLSSocket | undefined;
  let connecting: Promise<TLSSocket> | undefined;
  let connections = 0;
  let closed = false;
  const where = `syslog server ${target.host}:${target.port}`;

  const open = async (): Promise<TLSSocket> => {
    const [ca, cert, key] = await Promise.all([
      _file(target.caFile, 'CAFile'),
      _file(target.clientCertFile, 'ClientCertFile'),
      _file(target.clientKeyFile, 'ClientKeyFile'),
    ]);
    return new Promise<TLSSocket>((resolve, reject) => {
      const s = connect({
        host: target.host,
        port: target.port,
        servername: _isIp(target.serverName ?? target.host) ? undefined : (target.serverName ?? target.host),
        ...(target.serverName !== undefined && {
          checkServerIdentity: (_host: string, certificate: PeerCertificate) =>
            checkServerIdentity(target.serverName!, certificate),
        }),
        ...(ca !== undefined && { ca }),
        ...(cert !== undefined && { cert }),
        ...(key !== undefined && { key }),
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true,
      });
      const timer = setTimeout(() => {
        s.destroy();
        reject(
          new CertexitError({
            hresult: HRESULT_TIMEOUT,
            message: `${where}: no TLS connection within ${target.timeoutMs} ms`,
            isRetryable: true,
          }),
        );
      }, target.timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.setKeepAlive(true, 30_000);
        s.removeAllListeners('error');
        // A server that goes away (restart, idle timeout) closes the connection: forget it, the next send reconnects.
        const forget = () => {
          if (socket === s) socket = undefined;
        };
        s.on('error', forget);
        s.on('close', forget);
        s.on('end', () => {
          forget();
          s.destroy();
        });
        // The server never speaks on RFC 5425; read and drop anything it sends.
        s.resume();
        connections += 1;
        resolve(s);
      });
      s.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        s.destroy();
        reject(connectionError(where, error));
      });
    });
  };

  const ensure = async (): Promise<TLSSocket> => {
    if (closed)
      throw new CertexitError({ hresult: E_FAIL, message: `${where}: the client is closed`, isRetryable: true });
    if (socket && !socket.destroyed && socket.writable) return socket;
    connecting ??= open().finally(() => {
      connecting = undefined;
    });
    socket = await connecting;
    return socket;
  };

  return {
    target,
    get connected() {
      return socket !== undefined && !socket.destroyed;
    },
    get connections() {
      return connections;
    },
    async send(frame) {
      const s = await ensure();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          s.destroy();
          reject(
            new CertexitError({
              hresult: HRESULT_TIMEOUT,
              message: `${where}: a write did not complete within ${target.timeoutMs} ms`,
              isRetryable: true,
            }),
          );
        }, target.timeoutMs);
        s.write(frame, (error) => {
          clearTimeout(timer);
          if (error) {
            if (socket === s) socket = undefined;
            s.destroy();
            reject(connectionError(where, error as NodeJS.ErrnoException));
          } else resolve();
        });
      });
    },
    close() {
      closed = true;
      socket?.end();
      socket = undefined;
    },
  };
}

async function _file(path: string | undefined, value: string): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new CertexitError({
      hresult: HRESULT_BAD_CONFIGURATION,
      message: `cannot read ${value} ${path}: ${(cause as NodeJS.ErrnoException).code ?? cause}`,
      isRetryable: false,
      cause,
    });
  }
}

function _isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
