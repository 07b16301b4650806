import { isIP } from 'node:net';

/** Where `certexit serve` listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * Parses `host:port`, `[v6]:port` or a bare `:port` (which means 127.0.0.1), with a clear error naming the input.
 * @example parseListenAddress('127.0.0.1:8443') // { host: '127.0.0.1', port: 8443 }
 */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new Error(`--listen ${JSON.stringify(text)} is not host:port (e.g. 127.0.0.1:8443 or [::1]:8443)`);
  }
  const host = match[1] ?? (match[2] || '127.0.0.1');
  if (match[1] !== undefined && isIP(host) !== 6)
    throw new Error(`--listen ${JSON.stringify(text)}: ${host} is not IPv6`);
  return { host, port };
}

/**
 * True when a host name or address only reaches this machine: `localhost`, 127.0.0.0/8, `::1` and the IPv4-mapped
 * form of a loopback address. Plain HTTP is allowed only there, and `/metrics` answers such peers without a token.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
