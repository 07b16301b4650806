import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED, DB_DISP_PENDING, PROGID_DEFAULT_EXIT } from '@certexit/core';
import { CertificateAuthority, caRegistryPaths, openCa, setTemplateField, setupCa } from '@certexit/engine';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { Client } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import { readSambaEnv } from '../../../../tooling/test/samba-env';
import { builtinExitModules } from '../../src/builtin-exit-modules';

/** KRA templates publish to CN=KRA,CN=Public Key Services,…: the object is created, then further values added. */
describe('Key Recovery Agent certificates go to the CN=KRA container (Samba AD DC)', () => {
  const samba = readSambaEnv();
  const work = mkdtempSync(join(tmpdir(), 'certexit-kra-'));
  const dn = `CN=KRA Agent\\, ${process.pid},CN=KRA,CN=Public Key Services,CN=Services,${samba.configDn}`;
  const admin = new Client({ url: samba.url, tlsOptions: { ca: [readFileSync(samba.caFile)] } });
  // The agent's own account: the KRA template builds the certificate's subject (and so the container object's
  // name) and UPN from it.
  const agent = `kra${process.pid}`.slice(0, 20);
  const agentDn = `CN=KRA Agent\\, ${process.pid},CN=Users,${samba.baseDn}`;
  afterAll(async () => {
    await admin.del(dn).catch(() => undefined);
    await admin.del(agentDn).catch(() => undefined);
    await admin.unbind();
    rmSync(work, { recursive: true, force: true });
  });

  it('creates the msPKI-PrivateKeyRecoveryAgent object and adds each new certificate', async () => {
    const dir = join(work, 'ca');
    await setupCa({
      dir,
      commonName: 'KRA CA',
      type: 'enterprise-root',
      domainDn: samba.baseDn,
      configDn: samba.configDn,
      exitModules: [PROGID_DEFAULT_EXIT],
    });
    const passwordFile = join(work, 'pw');
    writeFileSync(passwordFile, samba.bindPassword, { mode: 0o600 });
    await admin.bind(samba.bindDn, samba.bindPassword);
    await admin.add(agentDn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: agent,
      userAccountControl: '514',
      userPrincipalName: `${agent}@${samba.realm.toLowerCase()}`,
    });
    const ca = await openCa(dir);
    const key = caRegistryPaths.exitModule(ca.sanitizedName, PROGID_DEFAULT_EXIT);
    for (const location of [key, `${ca.registryPath}\\Directory`]) {
      ca.registry.setValue(`${location}\\LdapServers`, [samba.url]);
      ca.registry.setValue(`${location}\\LdapBindDN`, samba.bindDn);
      ca.registry.setValue(`${location}\\LdapBindPasswordFile`, passwordFile);
      ca.registry.setValue(`${location}\\LdapCAFile`, samba.caFile);
    }
    // The administrator lets this agent enroll for KeyRecoveryAgent (administrators only by default).
    setTemplateField(ca, 'KeyRecoveryAgent', 'Enroll', `+${samba.domain}\\${agent}`);
    await ca.store.close();
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    const authority = await CertificateAuthority.open({ dir, builtins: builtinExitModules(), logger: silent });
    try {
      const issued: Uint8Array[] = [];
      for (let i = 0; i < 2; i++) {
        const keyPair = await generateKeyPair('ECDSA_P256');
        const request = toPem(
          await createCertificationRequest({
            keyPair,
            keyAlgorithm: 'ECDSA_P256',
            subject: `CN=KRA Agent\\, ${process.pid}`,
          }),
          'CERTIFICATE REQUEST',
        );
        const pending = await authority.submit({
          request,
          attributes: 'CertificateTemplate:KeyRecoveryAgent',
          requesterName: `${samba.domain}\\${agent}`,
        });
        expect(pending.disposition).toBe(DB_DISP_PENDING);
        const approved = await authority.resubmit(pending.requestId, `${samba.domain}\\officer`);
        expect(approved.disposition).toBe(DB_DISP_ISSUED);
        expect(approved.deliveries.find((d) => d.progId === PROGID_DEFAULT_EXIT)).toMatchObject({ ok: true });
        issued.push(approved.certificate!);
      }
      await admin.bind(samba.bindDn, samba.bindPassword);
      const { searchEntries } = await admin.search(dn, {
        scope: 'base',
        attributes: ['objectClass', 'userCertificate'],
        explicitBufferAttributes: ['userCertificate'],
      });
      expect([searchEntries[0]?.objectClass].flat()).toContain('msPKI-PrivateKeyRecoveryAgent');
      const values = ([searchEntries[0]?.userCertificate ?? []].flat() as Buffer[])
        .map((v) => v.toString('hex'))
        .sort();
      expect(values).toEqual(issued.map((d) => Buffer.from(d).toString('hex')).sort());
    } finally {
      await authority.stop({ sendShutdownEvent: false });
    }
  });
});
