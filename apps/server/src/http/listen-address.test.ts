import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseListenAddress } from './listen-address';

describe('parseListenAddress', () => {
  it('reads host:port, [v6]:port and :port', () => {
    expect(parseListenAddress('127.0.0.1:8443')).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(parseListenAddress('ca.certexit.test:443')).toEqual({ host: 'ca.certexit.test', port: 443 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListenAddress(':9000')).toEqual({ host: '127.0.0.1', port: 9000 });
  });

  it('names what is wrong', () => {
    expect(() => parseListenAddress('8443')).toThrow(/is not host:port/);
    expect(() => parseListenAddress('127.0.0.1:70000')).toThrow(/"127.0.0.1:70000" is not host:port/);
    expect(() => parseListenAddress('::1:8443')).toThrow(/\[::1\]:8443/);
    expect(() => parseListenAddress('[1.2.3.4]:1')).toThrow(/1\.2\.3\.4 is not IPv6/);
  });
});

describe('isLoopbackHost', () => {
  it('accepts only addresses that stay on this machine', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.1',
      '::ffff:10.0.0.1',
      'ca.certexit.test',
      '128.0.0.1',
      '',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
