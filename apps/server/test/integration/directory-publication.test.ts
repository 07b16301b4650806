import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, CrlScheduler, openCa, publishCrls } from '@certexit/engine';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSambaEnv } from '../../../../tooling/test/samba-env';
import { opensslSelfSigned } from '../../../../tooling/test/test-pki';
import { runCli } from '../../src/cli/main';

/**
 * The engine's directory publication on a real Samba AD DC: an enterprise CA whose `CA\Directory` points at the DC
 * over LDAPS (verified against the DC's CA) publishes its base and delta CRLs to the CDP object and its certificate
 * to the AIA object exactly where AD CS would; `dspublish` adds to NTAuthCertificates; an oversized CRL and a wrong
 * TLS CA fail with clear errors and write nothing.
 */
describe('engine CDP/AIA publication to Samba AD', { timeout: 60_000 }, () => {
  const samba = readSambaEnv();
  const run = `dp${process.pid.toString(36)}${Date.now().toString(36)}`;
  const work = mkdtempSync(join(tmpdir(), 'certexit-dspub-'));
  const dir = join(work, 'ca');
  const caName = `certexit ${run} CA`;
  const host = `ca${run}`;
  const pks = `CN=Public Key Services,CN=Services,${samba.configDn}`;
  const cdpContainer = `CN=${host},CN=CDP,${pks}`;
  const cdpDn = `CN=${caName},${cdpContainer}`;
  const aiaDn = `CN=${caName},CN=AIA,${pks}`;
  const ntAuthDn = `CN=NTAuthCertificates,${pks}`;
  const admin = new Client({ url: samba.url, tlsOptions: { ca: [readFileSync(samba.caFile)] } });
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const cli = async (...args: string[]) => {
    out.length = 0;
    err.length = 0;
    return runCli(['--dir', dir, ...args], io);
  };
  const setreg = async (name: string, value: string) =>
    expect(await cli('setreg', `CA\\Directory\\${name}`, value)).toBe(0);
  const read = async (dn: string, attribute: string): Promise<Buffer[]> => {
    const { searchEntries } = await admin.search(dn, {
      scope: 'base',
      attributes: [attribute],
      explicitBufferAttributes: [attribute],
    });
    const value = searchEntries[0]?.[attribute];
    return value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => Buffer.from(v as Buffer));
  };
  let ntAuthBefore: Buffer[] = [];
  let caDer: Buffer;

  beforeAll(async () => {
    await admin.bind(samba.bindDn, samba.bindPassword);
    ntAuthBefore = await read(ntAuthDn, 'cACertificate').catch(() => []);
    const setup = await cli(
      'setup',
      '--name',
      caName,
      '--dns',
      `${host}.certexit.test`,
      '--domain-dn',
      samba.baseDn,
      '--config-dn',
      samba.configDn,
    );
    expect(setup, err.join('\n')).toBe(0);
    const ca = await openCa(dir);
    caDer = Buffer.from(ca.certificate.der);
    await ca.store.close();
    const passwordFile = join(work, 'bind-password');
    writeFileSync(passwordFile, samba.bindPassword, { mode: 0o600 });
    await setreg('LdapServers', samba.url);
    await setreg('LdapBindDN', samba.bindDn);
    await setreg('LdapBindPasswordFile', passwordFile);
    await setreg('LdapCAFile', samba.caFile);
  });

  afterAll(async () => {
    for (const dn of [cdpDn, cdpContainer, aiaDn]) await admin.del(dn).catch(() => undefined);
    await admin
      .modify(
        ntAuthDn,
        new Change({ operation: 'delete', modification: new Attribute({ type: 'cACertificate', values: [caDer] }) }),
      )
      .catch(() => undefined);
    await admin.unbind();
    rmSync(work, { recursive: true, force: true });
  });

  it('crl writes the exact base CRL to certificateRevocationList of the CDP object, creating it and its container', async () => {
    expect(await read(cdpContainer, 'cn').catch(() => 'missing')).toBe('missing');
    expect(await cli('--json', 'crl'), err.join('\n')).toBe(0);
    const result = JSON.parse(out[0]!);
    const base = result.crls.find((c: { isDelta: boolean }) => !c.isDelta);
    expect(base.directory).toEqual([expect.objectContaining({ dn: cdpDn, status: 'created' })]);
    const file = readFileSync(join(dir, 'CertEnroll', `${caName}.crl`));
    expect(await read(cdpDn, 'certificateRevocationList')).toEqual([file]);
    const delta = readFileSync(join(dir, 'CertEnroll', `${caName}+.crl`));
    expect(await read(cdpDn, 'deltaRevocationList')).toEqual([delta]);
    const { searchEntries } = await admin.search(cdpDn, { scope: 'base', attributes: ['objectClass'] });
    expect(searchEntries[0]?.objectClass).toContain('cRLDistributionPoint');
  });

  it('crl delta replaces deltaRevocationList with the new delta and leaves the base', async () => {
    const baseBefore = await read(cdpDn, 'certificateRevocationList');
    const deltaBefore = await read(cdpDn, 'deltaRevocationList');
    expect(await cli('crl', 'delta'), err.join('\n')).toBe(0);
    expect(out.some((l) => l.includes(`published to ${cdpDn}`) && l.includes('(replaced)'))).toBe(true);
    const delta = readFileSync(join(dir, 'CertEnroll', `${caName}+.crl`));
    expect(delta.equals(deltaBefore[0]!)).toBe(false);
    expect(await read(cdpDn, 'deltaRevocationList')).toEqual([delta]);
    expect(await read(cdpDn, 'certificateRevocationList')).toEqual(baseBefore);
  });

  it('publishes the CA certificate to cACertificate of the AIA object', async () => {
    expect(await read(aiaDn, 'cACertificate')).toEqual([caDer]);
    const { searchEntries } = await admin.search(aiaDn, { scope: 'base', attributes: ['objectClass'] });
    expect(searchEntries[0]?.objectClass).toContain('certificationAuthority');
  });

  it('dspublish NTAuthCA adds the certificate to NTAuthCertificates and keeps the other values', async () => {
    const certFile = join(work, 'ca.crt');
    writeFileSync(certFile, caDer);
    expect(await cli('--json', 'dspublish', certFile, 'NTAuthCA'), err.join('\n')).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ kind: 'NTAuthCA', dn: ntAuthDn });
    const after = await read(ntAuthDn, 'cACertificate');
    expect(after).toHaveLength(ntAuthBefore.length + 1);
    for (const value of ntAuthBefore) expect(after.some((v) => v.equals(value))).toBe(true);
    expect(after.some((v) => v.equals(caDer))).toBe(true);
    // Twice leaves one value.
    expect(await cli('dspublish', certFile, 'NTAuthCA')).toBe(0);
    expect(out.join('\n')).toContain('(already-present)');
    expect(await read(ntAuthDn, 'cACertificate')).toHaveLength(ntAuthBefore.length + 1);
  });

  it('dspublish <crl> writes a CRL file to its CDP object', async () => {
    // A CRL of this CA, published again by hand after its object lost the value.
    await admin.modify(
      cdpDn,
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'certificateRevocationList', values: [Buffer.from([0])] }),
      }),
    );
    const file = join(dir, 'CertEnroll', `${caName}.crl`);
    expect(await cli('dspublish', file), err.join('\n')).toBe(0);
    expect(await read(cdpDn, 'certificateRevocationList')).toEqual([readFileSync(file)]);
  });

  it('fails a CRL larger than MaxLdapValueBytes before writing, naming the limit', async () => {
    const before = await read(cdpDn, 'certificateRevocationList');
    await setreg('MaxLdapValueBytes', '100');
    try {
      expect(await cli('crl')).not.toBe(0);
      const text = [...out, ...err].join('\n');
      expect(text).toMatch(/more than MaxLdapValueBytes \(100 bytes/);
      expect(await read(cdpDn, 'certificateRevocationList')).toEqual(before);
    } finally {
      await setreg('MaxLdapValueBytes', String(10 * 1024 * 1024));
    }
  });

  it('fails TLS verification against a wrong CA and writes nothing', async () => {
    const wrongCa = opensslSelfSigned(work, 'wrong-ca', { subject: '/CN=Not the DC CA' });
    const before = await read(cdpDn, 'certificateRevocationList');
    await setreg('LdapCAFile', wrongCa);
    try {
      expect(await cli('crl')).not.toBe(0);
      expect([...out, ...err].join('\n')).toMatch(/TLS certificate verification failed/);
      expect(await read(cdpDn, 'certificateRevocationList')).toEqual(before);
    } finally {
      await setreg('LdapCAFile', samba.caFile);
    }
  });

  it('retries a failed CSURL_PUBLISHRETRY publication at the next schedule round', async () => {
    const entries: Array<{ level: string; msg?: string }> = [];
    const logger = {
      debug: () => undefined,
      info: (_: object, msg?: string) => entries.push({ level: 'info', ...(msg && { msg }) }),
      warn: (_: object, msg?: string) => entries.push({ level: 'warn', ...(msg && { msg }) }),
      error: (_: object, msg?: string) => entries.push({ level: 'error', ...(msg && { msg }) }),
    };
    // The LDAP CDP entry with CSURL_PUBLISHRETRY (0x10) added to AD CS's default 79.
    const ca = await openCa(dir);
    const path = `${ca.registryPath}\\CRLPublicationURLs`;
    const urls = (ca.registry.getValue(path) as string[]).map((u) => u.replace(/^79:ldap:/, '95:ldap:'));
    expect(urls.filter((u) => u.startsWith('95:ldap:'))).toHaveLength(1);
    ca.registry.setValue(path, urls);
    await ca.store.close();
    // A directory that is down: nothing listens on port 1.
    await setreg('LdapServers', 'ldaps://127.0.0.1:1');
    await setreg('LdapTimeoutMs', '2000');
    const authority = await CertificateAuthority.open({ dir, logger });
    try {
      const scheduler = new CrlScheduler(authority.services, { logger });
      const publication = await publishCrls(authority.services, { retryQueue: scheduler.directoryRetries });
      const base = publication.crls.find((c) => !c.isDelta)!;
      // Both CRLs wait for the next round; the AIA entry (3) has no CSURL_PUBLISHRETRY.
      expect(publication.directoryFailures.filter((f) => f.willRetry).map((f) => f.location)).toHaveLength(2);
      expect(scheduler.directoryRetries.size).toBe(2);
      expect(
        (await read(cdpDn, 'certificateRevocationList'))[0]?.equals(
          readFileSync(join(dir, 'CertEnroll', `${caName}.crl`)),
        ),
      ).toBe(false);
      expect(base.crlNumber).toBeGreaterThan(0);

      // The directory is back (set through the running engine's own configuration).
      const live = authority.services.ca;
      live.registry.setValue(`${live.registryPath}\\Directory\\LdapServers`, [samba.url]);
      await scheduler.retryDirectory();
      expect(scheduler.directoryRetries.size).toBe(0);
      expect(await read(cdpDn, 'certificateRevocationList')).toEqual([
        readFileSync(join(dir, 'CertEnroll', `${caName}.crl`)),
      ]);
      expect(await read(cdpDn, 'deltaRevocationList')).toEqual([
        readFileSync(join(dir, 'CertEnroll', `${caName}+.crl`)),
      ]);
      expect(entries.some((e) => e.msg === 'LDAP publications retried')).toBe(true);
    } finally {
      await authority.stop({ sendShutdownEvent: false });
      await setreg('LdapServers', samba.url);
    }
  });
});
