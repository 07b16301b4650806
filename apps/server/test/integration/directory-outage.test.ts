import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_DISP_ISSUED, PROGID_DEFAULT_EXIT } from '@certexit/core';
import { CertificateAuthority, caRegistryPaths, openCa, setupCa } from '@certexit/engine';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../tooling/test/eventually';
import { readSambaEnv } from '../../../../tooling/test/samba-env';
import { builtinExitModules } from '../../src/builtin-exit-modules';

/** A TCP proxy in front of the real DC that the test can take down and bring back, without stopping the DC. */
class Outage {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(private readonly target: number) {}
  async up(port = 0): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

describe('a directory that goes away in the middle of a burst (Samba AD DC)', () => {
  const samba = readSambaEnv();
  const work = mkdtempSync(join(tmpdir(), 'certexit-outage-'));
  const dir = join(work, 'ca');
  const proxy = new Outage(Number(new URL(samba.url).port || 636));
  const users = Array.from({ length: 12 }, (_, i) => `out${process.pid}x${i}`.slice(0, 20));
  const dnOf = (user: string) => `CN=${user},CN=Users,${samba.baseDn}`;
  const admin = new Client({ url: samba.url, tlsOptions: { ca: [readFileSync(samba.caFile)] } });
  let authority: CertificateAuthority | undefined;

  beforeAll(async () => {
    await admin.bind(samba.bindDn, samba.bindPassword);
    for (const user of users) {
      await admin.add(dnOf(user), {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: user,
        userAccountControl: '514',
        // The User template builds the certificate's names from these.
        userPrincipalName: `${user}@${samba.realm.toLowerCase()}`,
        mail: `${user}@${samba.realm.toLowerCase()}`,
      });
    }
  });
  afterAll(async () => {
    await authority?.stop({ sendShutdownEvent: false });
    await proxy.down();
    for (const user of users) await admin.del(dnOf(user)).catch(() => undefined);
    await admin.unbind();
    rmSync(work, { recursive: true, force: true });
  });

  it('publishes every certificate exactly once after the directory returns, and issuance never waited', async () => {
    const port = await proxy.up();
    await setupCa({
      dir,
      commonName: 'Outage CA',
      type: 'enterprise-root',
      domainDn: samba.baseDn,
      configDn: samba.configDn,
      exitModules: [PROGID_DEFAULT_EXIT],
    });
    const passwordFile = join(work, 'bind-password');
    writeFileSync(passwordFile, samba.bindPassword, { mode: 0o600 });
    const ca = await openCa(dir);
    const key = caRegistryPaths.exitModule(ca.sanitizedName, PROGID_DEFAULT_EXIT);
    for (const [name, value] of Object.entries({
      LdapServers: [`ldaps://${new URL(samba.url).hostname}:${port}`],
      LdapBindDN: samba.bindDn,
      LdapBindPasswordFile: passwordFile,
      LdapCAFile: samba.caFile,
      LdapTimeoutMs: 2000,
      RetryBaseMs: 100,
      RetryMaxMs: 400,
      MaxAttempts: 1000,
      BreakerOpenMs: 200,
    })) {
      ca.registry.setValue(`${key}\\${name}`, value);
    }
    // The CA's own directory (the requester's names and groups) is the DC itself, not the proxy that goes away:
    // the outage is the default module's.
    for (const [name, value] of Object.entries({
      LdapServers: [samba.url],
      LdapBindDN: samba.bindDn,
      LdapBindPasswordFile: passwordFile,
      LdapCAFile: samba.caFile,
    })) {
      ca.registry.setValue(`${ca.registryPath}\\Directory\\${name}`, value);
    }
    await ca.store.close();

    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    authority = await CertificateAuthority.open({
      dir,
      builtins: builtinExitModules(),
      logger: silent,
      delivery: 'background',
    });
    const keyPair = await generateKeyPair('ECDSA_P256');
    const issue = async (user: string) => {
      const request = toPem(
        await createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: `CN=${user}` }),
        'CERTIFICATE REQUEST',
      );
      const outcome = await authority!.submit({
        request,
        attributes: 'CertificateTemplate:User',
        requesterName: `${samba.domain}\\${user}`,
      });
      expect(outcome.disposition).toBe(DB_DISP_ISSUED);
      return outcome.certificate!;
    };

    const issued = new Map<string, Uint8Array>();
    for (const user of users.slice(0, 4)) issued.set(user, await issue(user));
    await proxy.down();
    // Every submission during the outage completes while the directory is still down: issuance does not wait on it.
    for (const user of users.slice(4)) issued.set(user, await issue(user));
    expect(issued.size).toBe(users.length);
    await eventually(async () => {
      const open = (await authority!.ca.store.outbox.depth()).find((d) => d.progId === PROGID_DEFAULT_EXIT)?.open ?? 0;
      expect(open).toBeGreaterThan(0);
      const failed = (await authority!.ca.store.outbox.list({ progId: PROGID_DEFAULT_EXIT, status: 'pending' })).filter(
        (r) => r.attempts > 0,
      );
      expect(failed.length).toBeGreaterThan(0);
    });

    await proxy.up(port);
    await eventually(async () => {
      for (const [user, der] of issued) {
        const { searchEntries } = await admin.search(dnOf(user), {
          scope: 'base',
          attributes: ['userCertificate'],
          explicitBufferAttributes: ['userCertificate'],
        });
        const values = [searchEntries[0]?.userCertificate ?? []].flat() as Buffer[];
        expect(
          values.map((v) => Buffer.from(v).toString('hex')),
          user,
        ).toEqual([Buffer.from(der).toString('hex')]);
      }
      const open = (await authority!.ca.store.outbox.depth()).find((d) => d.progId === PROGID_DEFAULT_EXIT)?.open ?? 0;
      expect(open).toBe(0);
    }, 60_000);
  }, 90_000);
});
