/**
 * Test helpers for CA set-up, renewal and chains: temporary CA folders, engines without exit modules, leaf
 * requests, and `openssl verify` over PEM files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED } from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import type { KeyAlgorithmName } from '@certexit/x509';
import { createCertificationRequest, generateKeyPair, subjectAltName, toPem } from '@certexit/x509';
import { expect } from 'vitest';
import { openssl } from '../../../../tooling/test/test-pki';
import { CertificateAuthority } from '../../src/engine/certificate-authority';
import { AS_ADMINISTRATOR, offerTemplates } from './policy-fixtures';

/** Temporary folders removed by {@link TempFolders.removeAll} (call it in afterEach). */
export interface TempFolders {
  make(prefix?: string): string;
  removeAll(): void;
}

export function tempFolders(): TempFolders {
  const made: string[] = [];
  return {
    make(prefix = 'certexit-ca-') {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the CA of a folder with no exit modules loaded. These tests are about CA set-up, renewal and chains, so the
 * CA offers WebServer and SubCA (off by default), which {@link issueLeaf} and subordinate set-ups use.
 */
export function openEngine(dir: string): Promise<CertificateAuthority> {
  offerTemplates(dir, 'WebServer', 'SubCA');
  return CertificateAuthority.open({ dir, logger: createCapturingLogger(), builtins: {} });
}

/** A PEM PKCS#10 request for a web server key. */
export async function leafRequest(commonName = 'www.certexit.test', alg: KeyAlgorithmName = 'ECDSA_P256') {
  const keyPair = await generateKeyPair(alg);
  return toPem(
    await createCertificationRequest({
      keyPair,
      keyAlgorithm: alg,
      subject: `CN=${commonName}`,
      extensions: [subjectAltName({ dns: [commonName] })],
    }),
    'CERTIFICATE REQUEST',
  );
}

/** Issues a WebServer certificate from an opened CA and returns its DER. */
export async function issueLeaf(authority: CertificateAuthority, commonName?: string): Promise<Uint8Array> {
  const outcome = await authority.submit({
    request: await leafRequest(commonName),
    attributes: 'CertificateTemplate:WebServer',
    ...AS_ADMINISTRATOR,
  });
  expect(outcome.disposition, outcome.message).toBe(DB_DISP_ISSUED);
  return outcome.certificate!;
}

/** Writes DER as a PEM certificate file in `dir` and returns its path. */
export function writePem(dir: string, name: string, der: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, toPem(der, 'CERTIFICATE'));
  return file;
}

/** `openssl verify -CAfile <root> [-untrusted <intermediates>] <leaf>`; returns OpenSSL's output and status. */
export function opensslVerify(root: string, leaf: string, untrusted?: string) {
  return openssl(['verify', '-CAfile', root, ...(untrusted ? ['-untrusted', untrusted] : []), leaf]);
}
