import { describe, expect, it } from 'vitest';
import { E_ACCESSDENIED, E_FAIL, HRESULT_BAD_CONFIGURATION, HRESULT_TIMEOUT } from '../constants/hresults';
import { CertexitError } from './certexit-error';
import { classifyExitFailure } from './exit-failure-kind';

describe('classifyExitFailure', () => {
  it('takes the thrower at its word first', () => {
    const permanent = new CertexitError({ hresult: HRESULT_TIMEOUT, message: 'x', isRetryable: false });
    expect(classifyExitFailure(permanent, permanent.hresult).kind).toBe('permanent');
    const transient = new CertexitError({ hresult: E_ACCESSDENIED, message: 'x', isRetryable: true });
    expect(classifyExitFailure(transient, transient.hresult).kind).toBe('transient');
    // Any error object may say it, not only a CertexitError (duck-typed, for modules without the contract).
    expect(classifyExitFailure(Object.assign(new Error('x'), { isRetryable: false }), E_FAIL).kind).toBe('permanent');
  });

  it('decides by the HRESULT when nothing was said: access denied and bad configuration are permanent', () => {
    expect(classifyExitFailure(new Error('x'), E_ACCESSDENIED)).toEqual({
      kind: 'permanent',
      reason: 'E_ACCESSDENIED fails the same way until something is changed',
    });
    expect(classifyExitFailure(undefined, HRESULT_BAD_CONFIGURATION).kind).toBe('permanent');
    expect(classifyExitFailure(new Error('x'), E_FAIL).kind).toBe('transient');
    expect(classifyExitFailure(new Error('x'), HRESULT_TIMEOUT).kind).toBe('transient');
    // A CertexitError that did not say is decided by its HRESULT too.
    expect(new CertexitError({ message: 'x' }).isRetryable).toBeUndefined();
  });
});
