import { describe, expect, it } from 'vitest';
import { CERTSRV_E_PROPERTY_EMPTY, E_FAIL, E_NOINTERFACE, S_OK } from '../constants';
import { CertexitError } from './certexit-error';
import { UnsupportedSpecificationVersionError } from './unsupported-specification-version-error';

describe('CertexitError', () => {
  it('carries its HRESULT and names it in the message', () => {
    const error = new CertexitError({
      hresult: CERTSRV_E_PROPERTY_EMPTY,
      message: 'CertFile is empty',
      source: 'demo',
    });
    expect(error.hresult).toBe(0x80094004);
    expect(error.message).toBe('[certexit] [demo] CertFile is empty (CERTSRV_E_PROPERTY_EMPTY)');
    expect(error.reason).toBe('CertFile is empty');
    expect(CertexitError.hresultOf(error)).toBe(0x80094004);
  });

  it('is recognised by its marker, not instanceof, so a second copy of the package still matches', () => {
    const foreign = Object.assign(new Error('from another copy'), { [Symbol.for('certexit.error')]: true, hresult: 5 });
    expect(foreign instanceof CertexitError).toBe(false);
    expect(CertexitError.isInstance(foreign)).toBe(true);
    expect(CertexitError.isInstance(new Error('plain'))).toBe(false);
    expect(CertexitError.isInstance(null)).toBe(false);
  });

  it('never carries a success code', () => {
    expect(new CertexitError({ hresult: S_OK, message: 'x' }).hresult).toBe(E_FAIL);
  });

  it('maps any failure to an HRESULT', () => {
    expect(CertexitError.hresultOf(new Error('x'))).toBe(E_FAIL);
    expect(CertexitError.hresultOf({ hresult: 0x80070057 | 0 })).toBe(0x80070057);
    expect(CertexitError.hresultOf('boom')).toBe(E_FAIL);
    expect(CertexitError.toError(0x80094004).message).toContain('0x80094004');
    expect(CertexitError.toError('text').message).toBe('text');
  });

  it('subclasses keep their own marker', () => {
    const error = new UnsupportedSpecificationVersionError({ what: 'factory X', version: 'v9', supported: ['v1'] });
    expect(UnsupportedSpecificationVersionError.isInstance(error)).toBe(true);
    expect(CertexitError.isInstance(error)).toBe(true);
    expect(UnsupportedSpecificationVersionError.isInstance(new CertexitError({ message: 'x' }))).toBe(false);
    expect(error.hresult).toBe(E_NOINTERFACE);
    expect(error.message).toContain('"v9"');
  });
});
