import { describe, expect, it } from 'vitest';
import { E_FAIL, HRESULT_TIMEOUT, SEC_E_UNTRUSTED_ROOT } from '../constants/hresults';
import { connectionError } from './connection-error';

function socketError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('connectionError', () => {
  it('makes a certificate that does not verify permanent, naming CAFile', () => {
    const error = connectionError('syslog 127.0.0.1:6514', socketError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed'));
    expect(error.hresult >>> 0).toBe(SEC_E_UNTRUSTED_ROOT);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain(
      "syslog 127.0.0.1:6514: the server's TLS certificate does not verify (SELF_SIGNED_CERT_IN_CHAIN: self-signed); trust its CA with CAFile",
    );
  });

  it('makes refused, reset and timed-out connections transient', () => {
    const refused = connectionError('endpoint "a"', socketError('ECONNREFUSED', 'connect ECONNREFUSED'));
    expect([refused.hresult >>> 0, refused.isRetryable]).toEqual([E_FAIL, true]);
    expect(refused.message).toContain('endpoint "a": ECONNREFUSED connect ECONNREFUSED');
    expect(connectionError('x', socketError('ETIMEDOUT', 't')).hresult >>> 0).toBe(HRESULT_TIMEOUT >>> 0);
    expect(connectionError('x', new Error('gone')).message).toContain('x: gone');
  });
});
