import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DB_DISP_ISSUED,
  EDITF_ATTRIBUTEEKU,
  EDITF_ATTRIBUTEENDDATE,
  EDITF_BASICCONSTRAINTSCRITICAL,
  EDITF_DEFAULT_STANDALONE,
  EDITF_ENABLEAKICRITICAL,
  EDITF_ENABLEAKIISSUERNAME,
  EDITF_ENABLEAKIISSUERSERIAL,
  EDITF_ENABLEAKIKEYID,
  EDITF_ENABLEREQUESTEXTENSIONS,
} from '@certexit/core';
import { CertificateAuthority, policyModuleKey } from '@certexit/engine';
import { createCapturingLogger } from '@certexit/testing';
import type { X509Extension } from '@certexit/x509';
import { createCertificationRequest, EXTENSION_OID, generateKeyPair, parseCertificate, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTlv } from '../../../../../tooling/test/der-builder';
import { parseStrictly } from '../../../../../tooling/test/strict-parsers';
import { runCli } from '../main';

/**
 * The policy's EditFlags on issued certificates, set as an administrator does (`certexit setreg policy\EditFlags
 * ±EDITF_…`), on a standalone CA set to issue at once; each certificate is also parsed by OpenSSL and Python.
 */
describe('EditFlags on issued certificates', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-editflags-'));
  const dir = join(work, 'ca');
  let authority: CertificateAuthority;
  const issued: Uint8Array[] = [];
  const cli = (...args: string[]) => runCli(['--dir', dir, ...args], { out: () => {}, err: () => {} });
  const setFlags = (flags: number) =>
    authority.ca.registry.setValue(`${policyModuleKey(authority.ca)}\\EditFlags`, flags);
  const issue = async (attributes: string[] = [], extensions: X509Extension[] = []) => {
    const keyPair = await generateKeyPair('ECDSA_P256');
    const request = toPem(
      await createCertificationRequest({
        keyPair,
        keyAlgorithm: 'ECDSA_P256',
        subject: 'CN=flags.certexit.test',
        extensions,
      }),
      'CERTIFICATE REQUEST',
    );
    const outcome = await authority.submit({ request, attributes, requesterName: 'CERTEXIT\\carol' });
    expect(outcome.disposition, outcome.message).toBe(DB_DISP_ISSUED);
    issued.push(outcome.certificate!);
    return parseCertificate(outcome.certificate!);
  };
  const extension = (cert: Awaited<ReturnType<typeof parseCertificate>>, oid: string) =>
    cert.extensions.find((e) => e.oid === oid);

  beforeAll(async () => {
    expect(await cli('setup', '--name', 'EditFlags CA', '--type', 'standalone-root')).toBe(0);
    expect(await cli('setreg', 'policy\\RequestDisposition', '1')).toBe(0);
    authority = await CertificateAuthority.open({ dir, logger: createCapturingLogger(), builtins: {} });
  });
  afterAll(async () => {
    await authority.stop({ sendShutdownEvent: false });
    rmSync(work, { recursive: true, force: true });
  });

  it('sets flags the certutil way, starting from EDITF_DEFAULT_STANDALONE', async () => {
    await authority.stop({ sendShutdownEvent: false });
    expect(await cli('setreg', 'policy\\EditFlags', '-EDITF_ATTRIBUTEENDDATE')).toBe(0);
    expect(await cli('setreg', 'policy\\EditFlags', '+EDITF_ATTRIBUTEENDDATE')).toBe(0);
    expect(await cli('setreg', 'CA\\CRLFlags', '+CRLF_CRLNUMBER_CRITICAL')).toBe(0);
    authority = await CertificateAuthority.open({ dir, logger: createCapturingLogger(), builtins: {} });
    expect(authority.ca.registry.getValue(`${policyModuleKey(authority.ca)}\\EditFlags`)).toBe(
      EDITF_DEFAULT_STANDALONE,
    );
    expect(authority.ca.registry.getValue(`${authority.ca.registryPath}\\CRLFlags`)).toBe(4);
  });

  it('EDITF_ATTRIBUTEENDDATE: ExpirationDate shortens the validity, never lengthens it', async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000);
    const shortened = await issue([`ExpirationDate:${soon.toUTCString()}`]);
    expect(Math.abs(shortened.notAfter.getTime() - soon.getTime())).toBeLessThan(2000);
    const far = await issue([`ExpirationDate:${new Date(Date.now() + 5000 * 86_400_000).toUTCString()}`]);
    expect(far.notAfter.getTime()).toBeLessThan(Date.now() + 366 * 86_400_000);
    setFlags(EDITF_DEFAULT_STANDALONE & ~EDITF_ATTRIBUTEENDDATE);
    const ignored = await issue([`ExpirationDate:${soon.toUTCString()}`]);
    expect(ignored.notAfter.getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    setFlags(EDITF_DEFAULT_STANDALONE);
  });

  it('EDITF_ATTRIBUTEEKU: CertificateUsage sets the EKUs of a certificate without a template', async () => {
    const cert = await issue(['CertificateUsage:1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2']);
    expect(extension(cert, EXTENSION_OID.extendedKeyUsage)).toBeDefined();
    expect(parseStrictly([cert.der])[0]!.openssl).toMatch(
      /TLS Web Server Authentication, TLS Web Client Authentication/,
    );
    setFlags(EDITF_DEFAULT_STANDALONE & ~EDITF_ATTRIBUTEEKU);
    expect(
      extension(await issue(['CertificateUsage:1.3.6.1.5.5.7.3.1']), EXTENSION_OID.extendedKeyUsage),
    ).toBeUndefined();
    setFlags(EDITF_DEFAULT_STANDALONE);
  });

  it('EDITF_BASICCONSTRAINTSCRITICAL decides an end entity’s basic constraints criticality', async () => {
    expect(extension(await issue(), EXTENSION_OID.basicConstraints)?.critical).toBe(true);
    setFlags(EDITF_DEFAULT_STANDALONE & ~EDITF_BASICCONSTRAINTSCRITICAL);
    expect(extension(await issue(), EXTENSION_OID.basicConstraints)?.critical).toBe(false);
    setFlags(EDITF_DEFAULT_STANDALONE);
  });

  it('the AKI flags choose the key identifier, the issuer name and serial, and criticality', async () => {
    const keyIdOnly = parseStrictly([(await issue()).der])[0]!.openssl;
    expect(keyIdOnly).toMatch(/X509v3 Authority Key Identifier:\s*\n\s*(keyid:)?[0-9A-F:]{20,}\s*\n/);
    setFlags(
      EDITF_DEFAULT_STANDALONE | EDITF_ENABLEAKIISSUERNAME | EDITF_ENABLEAKIISSUERSERIAL | EDITF_ENABLEAKICRITICAL,
    );
    const full = await issue();
    expect(extension(full, EXTENSION_OID.authorityKeyIdentifier)?.critical).toBe(true);
    expect(parseStrictly([full.der])[0]!.openssl).toMatch(/DirName:\/?CN\s?=\s?EditFlags CA[\s\S]*serial:/);
    setFlags(EDITF_DEFAULT_STANDALONE & ~EDITF_ENABLEAKIKEYID);
    expect(extension(await issue(), EXTENSION_OID.authorityKeyIdentifier)).toBeUndefined();
    setFlags(EDITF_DEFAULT_STANDALONE);
  });

  it('EDITF_ENABLEREQUESTEXTENSIONS copies the built-in allow-list (a Netscape comment), never a name constraint', async () => {
    const comment = {
      oid: '2.16.840.1.113730.1.13',
      critical: false,
      value: encodeTlv(0x16, new TextEncoder().encode('hello')),
    };
    const constraints = { oid: '2.5.29.30', critical: true, value: Uint8Array.of(0x30, 0x00) };
    expect(extension(await issue([], [comment]), comment.oid)).toBeUndefined();
    setFlags(EDITF_DEFAULT_STANDALONE | EDITF_ENABLEREQUESTEXTENSIONS);
    const copied = await issue([], [comment, constraints]);
    expect(extension(copied, comment.oid)?.value).toEqual(comment.value);
    expect(extension(copied, constraints.oid)).toBeUndefined();
    setFlags(EDITF_DEFAULT_STANDALONE);
  });

  it('every certificate parses with openssl x509 -text and Python cryptography', () => {
    expect(parseStrictly(issued).every((p) => p.python.ok)).toBe(true);
  });
});
