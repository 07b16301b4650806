import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CERTSRV_E_NO_REQUEST,
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  E_FAIL,
  E_INVALIDARG,
} from '@certexit/core';
import { X509ParseError } from '@certexit/x509';
import { describe, expect, it } from 'vitest';
import { errorResponseOf } from './error-response-of';
import { HttpError } from './http-error';

describe('errorResponseOf', () => {
  it('maps CertexitError HRESULTs: no request → 404, bad request status → 409', () => {
    const missing = errorResponseOf(
      new CertexitError({ hresult: CERTSRV_E_NO_REQUEST, message: 'request 7 does not exist' }),
      'r1',
    );
    expect(missing).toMatchObject({
      status: 404,
      internal: false,
      body: { error: 'not_found', hresult: CERTSRV_E_NO_REQUEST },
    });
    expect(missing.body.message).toMatch(/request 7 does not exist/);
    const state = errorResponseOf(
      new CertexitError({ hresult: CERTSRV_E_BAD_REQUESTSTATUS | 0, message: 'not pending' }),
      'r1',
    );
    expect(state).toMatchObject({ status: 409, body: { error: 'conflict', hresult: CERTSRV_E_BAD_REQUESTSTATUS } });
    expect(errorResponseOf(new CertexitError({ hresult: E_INVALIDARG, message: 'bad column' }), 'r1').status).toBe(400);
  });

  it('answers an HttpError with its own status, HRESULT and details', () => {
    const answer = errorResponseOf(
      new HttpError(404, 'no certificate', CERTSRV_E_PROPERTY_EMPTY, { requestId: 3 }),
      'r1',
    );
    expect(answer).toEqual({
      status: 404,
      internal: false,
      body: { error: 'not_found', hresult: CERTSRV_E_PROPERTY_EMPTY, message: 'no certificate', requestId: 3 },
    });
  });

  it('names the field of a failed schema validation', () => {
    const error = Object.assign(new Error('body must NOT have additional properties'), {
      validationContext: 'body',
      validation: [
        {
          instancePath: '',
          message: 'must NOT have additional properties',
          params: { additionalProperty: 'requesterName' },
        },
      ],
      statusCode: 400,
    });
    expect(errorResponseOf(error, 'r1').body.message).toBe('body has the field "requesterName", which is not accepted');
    const nested = Object.assign(new Error('x'), {
      validationContext: 'body',
      validation: [{ instancePath: '/attributes/0', message: 'must be string', params: {} }],
    });
    expect(errorResponseOf(nested, 'r1')).toMatchObject({
      status: 400,
      body: { message: 'body.attributes.0 must be string' },
    });
  });

  it('answers fastify’s own request errors with their status', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(errorResponseOf(tooLarge, 'r1')).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    const media = Object.assign(new Error('Unsupported Media Type: text/plain'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(errorResponseOf(media, 'r1').status).toBe(415);
  });

  it('answers X.509 errors (the caller’s data) with 400', () => {
    expect(errorResponseOf(new X509ParseError('truncated DER'), 'r1')).toMatchObject({
      status: 400,
      body: { hresult: E_INVALIDARG, message: 'truncated DER' },
    });
  });

  it('answers anything else with a 500 that shows neither message nor stack', () => {
    const error = new Error('SQLITE_CORRUPT at /var/lib/certexit/ca/certexit.db');
    const answer = errorResponseOf(error, 'req-42');
    expect(answer).toMatchObject({ status: 500, internal: true, body: { error: 'internal_error', hresult: E_FAIL } });
    expect(answer.body.message).toBe('internal error; the server log has the details under request id req-42');
    expect(JSON.stringify(answer.body)).not.toMatch(/SQLITE|certexit\.db|at /);
    const fake = Object.assign(new Error('boom'), { code: 'FST_SOMETHING', statusCode: 500 });
    expect(errorResponseOf(fake, 'r').status).toBe(500);
  });
});
