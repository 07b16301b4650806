/**
 * Test helpers for revocation and CRLs: a CA in a temporary folder, opened with a recording module that reads what
 * exit modules read on EXITEVENT_CERTREVOKED and EXITEVENT_CRLISSUED, leaf certificates, and PEM files for openssl.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertServerExit, PropertyValue } from '@certexit/core';
import {
  DB_DISP_ISSUED,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
} from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import { createCertificationRequest, generateKeyPair, subjectAltName, toPem } from '@certexit/x509';
import { CertificateAuthority } from '../../src/engine/certificate-authority';
import { setupCa } from '../../src/engine/setup-ca';
import { AS_ADMINISTRATOR, offerTemplates } from './policy-fixtures';
import type { SeenEvent } from './recording-module';
import { readOrError, recordingModule } from './recording-module';
import type { TestStore } from './test-stores';

/** What the recording module reads: the revocation columns, or the CA's CRL properties. */
export async function readRevocationAndCrls(
  server: ICertServerExit,
  event: number,
): Promise<Record<string, PropertyValue | string>> {
  if (event === EXITEVENT_CERTREVOKED) {
    return {
      Disposition: await server.GetRequestProperty('Disposition', PROPTYPE_LONG),
      RevokedReason: await readOrError(() => server.GetRequestProperty('RevokedReason', PROPTYPE_LONG)),
      RevokedWhen: await readOrError(() => server.GetRequestProperty('RevokedWhen', PROPTYPE_DATE)),
      RevokedEffectiveWhen: await readOrError(() => server.GetRequestProperty('RevokedEffectiveWhen', PROPTYPE_DATE)),
    };
  }
  if (event === EXITEVENT_CRLISSUED) {
    return {
      RawCRL: await readOrError(() => server.GetCertificateProperty('RawCRL.0', PROPTYPE_BINARY)),
      CRLState: await readOrError(() => server.GetCertificateProperty('CRLState.0', PROPTYPE_LONG)),
      RawDeltaCRL: await readOrError(() => server.GetCertificateProperty('RawDeltaCRL.0', PROPTYPE_BINARY)),
      fDeltaCRLsDisabled: await server.GetCertificateProperty('fDeltaCRLsDisabled', PROPTYPE_LONG),
    };
  }
  return {};
}

/** A CA set up in a temporary folder and opened with the recording module `Test_Crl.Exit`. */
export interface CrlTestCa {
  dir: string;
  authority: CertificateAuthority;
  seen: SeenEvent[];
  /** Issues a WebServer certificate; returns its serial and a PEM file of it. */
  issue(commonName: string): Promise<{ serial: string; requestId: number; pem: string }>;
  /** The CA certificate as a PEM file. */
  caPem: string;
  /** Writes DER as a PEM CRL file in the folder and returns its path. */
  crlPem(name: string, der: Uint8Array): string;
  close(): Promise<void>;
}

export async function crlTestCa(
  options: { now?: () => Date; setupNow?: Date; store?: TestStore } = {},
): Promise<CrlTestCa> {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-crl-'));
  const store = options.store?.settings();
  await setupCa({
    dir,
    ...(store && { store }),
    commonName: 'CRL Test CA',
    type: 'enterprise-root',
    exitModules: ['Test_Crl.Exit'],
    ...(options.setupNow && { now: options.setupNow }),
  });
  offerTemplates(dir, 'WebServer');
  const seen: SeenEvent[] = [];
  const authority = await CertificateAuthority.open({
    dir,
    logger: createCapturingLogger(),
    builtins: { 'Test_Crl.Exit': recordingModule({ progId: 'Test_Crl.Exit', seen, reads: readRevocationAndCrls }) },
    ...(options.now && { now: options.now }),
  });
  const caPem = join(dir, 'ca.pem');
  writeFileSync(caPem, toPem(authority.ca.certificate.der, 'CERTIFICATE'));
  return {
    dir,
    authority,
    seen,
    caPem,
    async issue(commonName) {
      const keyPair = await generateKeyPair('ECDSA_P256');
      const request = toPem(
        await createCertificationRequest({
          keyPair,
          keyAlgorithm: 'ECDSA_P256',
          subject: `CN=${commonName}`,
          extensions: [subjectAltName({ dns: [commonName] })],
        }),
        'CERTIFICATE REQUEST',
      );
      const outcome = await authority.submit({
        request,
        attributes: 'CertificateTemplate:WebServer',
        ...AS_ADMINISTRATOR,
      });
      if (outcome.disposition !== DB_DISP_ISSUED || !outcome.certificate || !outcome.serialNumber) {
        throw new Error(`the test certificate was not issued: ${outcome.message}`);
      }
      const pem = join(dir, `${commonName}.pem`);
      writeFileSync(pem, toPem(outcome.certificate, 'CERTIFICATE'));
      return { serial: outcome.serialNumber, requestId: outcome.requestId, pem };
    },
    crlPem(name, der) {
      const path = join(dir, name);
      writeFileSync(path, toPem(der, 'X509 CRL'));
      return path;
    },
    async close() {
      await authority.stop({ sendShutdownEvent: false });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
