import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CRL_REASON_KEY_COMPROMISE, DB_DISP_ISSUED } from '@certexit/core';
import { createCapturingLogger } from '@certexit/testing';
import { toPem } from '@certexit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { derHashes } from '../../../../tooling/test/der-hashes';
import { readPostgresEnv } from '../../../../tooling/test/postgres-env';
import { openssl } from '../../../../tooling/test/test-pki';
import { leafRequest, tempFolders } from '../../test/support/ca-fixtures';
import type { CrlTestCa } from '../../test/support/crl-test-ca';
import { crlTestCa } from '../../test/support/crl-test-ca';
import { AS_ADMINISTRATOR, offerTemplates } from '../../test/support/policy-fixtures';
import { TEST_STORES } from '../../test/support/test-stores';
import { CertificateAuthority } from '../engine/certificate-authority';
import { backupCa } from './backup-ca';
import { restoreCa } from './restore-ca';

const folders = tempFolders();
let ca: CrlTestCa | undefined;
afterEach(async () => {
  await ca?.close();
  ca = undefined;
  folders.removeAll();
});

const PASSWORD = 'correct horse battery staple';

/** The rows that make a CA what it is, in a comparable form. */
function tables(dbFile: string) {
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    const all = (sql: string) =>
      db
        .prepare(sql)
        .all()
        .map((r) => JSON.stringify(r, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
    return {
      requests: all('SELECT * FROM requests ORDER BY request_id'),
      certificates: all('SELECT * FROM certificates ORDER BY request_id'),
      crls: all('SELECT crl_id, key_index, crl_number, is_delta, raw FROM crls ORDER BY crl_id'),
      caCertificates: all('SELECT * FROM ca_certificates ORDER BY cert_index'),
    };
  } finally {
    db.close();
  }
}

async function reopen(dir: string) {
  return CertificateAuthority.open({ dir, logger: createCapturingLogger(), builtins: {} });
}

describe.each(TEST_STORES)('backupCa / restoreCa on $name', (store) => {
  it('backs up a CA while it issues, and restores an identical CA that issues and publishes a CRL OpenSSL accepts', {
    timeout: 120_000,
  }, async () => {
    ca = await crlTestCa({ store });
    const a = await ca.issue('a.backup.test');
    const revoked = await ca.issue('revoked.backup.test');
    await ca.authority.revoke(revoked.serial, { reason: CRL_REASON_KEY_COMPROMISE, ...AS_ADMINISTRATOR });
    await ca.authority.publishCrls();

    // Under load: requests keep arriving while the backup runs.
    const target = join(folders.make('certexit-backup-'), 'backup');
    let stop = false;
    const load = (async () => {
      let n = 0;
      while (!stop) await ca!.issue(`load-${n++}.backup.test`);
      return n;
    })();
    await new Promise((r) => setTimeout(r, 50));
    const { manifest } = await backupCa(ca.dir, target, { password: PASSWORD });
    stop = true;
    const duringBackup = await load;
    expect(duringBackup).toBeGreaterThan(0);
    expect(manifest.counts.requests).toBeGreaterThanOrEqual(2);
    expect(statSync(target).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(target))
      if (statSync(join(target, name)).isFile()) expect(statSync(join(target, name)).mode & 0o777, name).toBe(0o600);
    // The keys are not in the clear anywhere in the backup.
    const keyPem = readFileSync(join(ca.dir, 'keys', 'ca-key-0.pem'), 'utf8');
    const keyBody = keyPem.split('\n')[1]!;
    for (const name of readdirSync(target)) {
      if (statSync(join(target, name)).isFile())
        expect(readFileSync(join(target, name)).includes(keyBody), name).toBe(false);
    }

    // The backup is the database as of one commit: every certificate has its request, every request up to the
    // copied sequence is there (no torn write), and the copy passes SQLite's integrity check (restoreCa checks).
    const copied = tables(join(target, 'certexit.db'));
    expect(copied.certificates.length).toBe(manifest.counts.certificates);
    const copyFile = join(target, 'certexit.db');
    const copyDb = new DatabaseSync(copyFile, { readOnly: true });
    const orphans = (sql: string) => Number(copyDb.prepare(sql).get()?.n);
    try {
      // One snapshot: no certificate without its request, no issued request without its certificate, no outbox
      // row without its event; the counters are at or above every key copied.
      expect(
        orphans('SELECT count(*) AS n FROM certificates WHERE request_id NOT IN (SELECT request_id FROM requests)'),
      ).toBe(0);
      expect(
        orphans(
          `SELECT count(*) AS n FROM requests WHERE disposition = ${DB_DISP_ISSUED} AND request_id NOT IN (SELECT request_id FROM certificates)`,
        ),
      ).toBe(0);
      expect(
        orphans('SELECT count(*) AS n FROM exit_outbox WHERE event_id NOT IN (SELECT event_id FROM exit_events)'),
      ).toBe(0);
      expect(orphans('SELECT count(*) AS n FROM exit_outbox')).toBeGreaterThan(0);
      expect(manifest.highWaterMarks.requestId).toBeGreaterThanOrEqual(
        orphans('SELECT max(request_id) AS n FROM requests'),
      );
      expect(manifest.highWaterMarks.eventId).toBeGreaterThanOrEqual(
        orphans('SELECT max(event_id) AS n FROM exit_events'),
      );
    } finally {
      copyDb.close();
    }
    // Every certificate and CRL of the snapshot, byte for byte as the CA's store holds it.
    const certificates = derHashes(copyFile, 'SELECT request_id AS id, raw_certificate AS der FROM certificates');
    expect(certificates.size).toBe(manifest.counts.certificates);
    for (const [requestId, sha256] of certificates) {
      const held = await ca.authority.ca.store.getCertificate(requestId);
      expect(createHash('sha256').update(held!.RawCertificate).digest('hex'), `RequestID ${requestId}`).toBe(sha256);
    }
    const crls = derHashes(copyFile, 'SELECT crl_id AS id, raw AS der FROM crls');
    expect(crls.size).toBe(manifest.counts.crls);
    const sourceCrls = new Map<number, string>();
    for await (const batch of ca.authority.ca.store.transfer!.exportRows('crls'))
      for (const row of batch)
        sourceCrls.set(
          Number(row.crl_id),
          createHash('sha256')
            .update(row.raw as Uint8Array)
            .digest('hex'),
        );
    for (const [crlId, sha256] of crls) expect(sourceCrls.get(crlId), `CRL row ${crlId}`).toBe(sha256);
    // Where the data came from, without a password; the database's password is in no file of the backup.
    expect(manifest.source?.kind).toBe(store.name);
    expect(manifest.source?.location).toBe(ca.authority.ca.store.location);
    if (store.name === 'postgres') {
      const dbPassword = readFileSync(readPostgresEnv().passwordFile, 'utf8').trim();
      for (const name of readdirSync(target, { recursive: true }).map(String))
        if (statSync(join(target, name)).isFile())
          expect(readFileSync(join(target, name)).includes(dbPassword), name).toBe(false);
    }

    const restoredDir = join(folders.make('certexit-restore-'), 'ca');
    const restored = await restoreCa(target, restoredDir, { password: PASSWORD });
    // A CA from PostgreSQL comes back on the embedded store; the settings to go back are in the result.
    expect(restored.source).toEqual(manifest.source);
    if (store.name === 'postgres') {
      expect(restored.previousStore).toMatchObject({ kind: 'postgres', schema: expect.any(String) });
      expect(readFileSync(join(restoredDir, 'registry.json'), 'utf8')).not.toMatch(/"DB(Store|Connection|Schema)"/);
      expect(readFileSync(join(restoredDir, 'registry.json'), 'utf8')).not.toContain(
        readFileSync(readPostgresEnv().passwordFile, 'utf8').trim(),
      );
    } else expect(restored.previousStore).toBeUndefined();
    // The marks were read after the copy: what the CA handed out while it ran is never handed out again.
    expect(restored.highWaterMarks).toEqual(manifest.highWaterMarks);
    expect(manifest.highWaterMarks.requestId).toBeGreaterThanOrEqual(manifest.counts.requests);
    expect(tables(join(restoredDir, 'certexit.db'))).toEqual(copied);
    expect(readFileSync(join(restoredDir, 'keys', 'ca-key-0.pem'), 'utf8')).toBe(keyPem);
    expect(statSync(join(restoredDir, 'keys', 'ca-key-0.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(restoredDir, 'templates.json'), 'utf8')).toBe(
      readFileSync(join(ca.dir, 'templates.json'), 'utf8'),
    );
    // The registry, with the local publication paths moved to the new folder.
    const registryText = readFileSync(join(ca.dir, 'registry.json'), 'utf8');
    // The DB* values (where the database is) are all that differs for a CA that was on PostgreSQL.
    const withoutStore = (text: string) => JSON.parse(text, (k, v) => (/^DB[A-Z]/.test(k) ? undefined : v));
    expect(withoutStore(readFileSync(join(restoredDir, 'registry.json'), 'utf8'))).toEqual(
      withoutStore(registryText.split(`${ca.dir}/`).join(`${restoredDir}/`)),
    );
    if (store.name === 'sqlite')
      expect(readFileSync(join(restoredDir, 'registry.json'), 'utf8')).toBe(
        `${JSON.stringify(JSON.parse(registryText.split(`${ca.dir}/`).join(`${restoredDir}/`)), null, 2)}\n`,
      );
    expect(readFileSync(join(restoredDir, 'registry.json'), 'utf8')).not.toContain(ca.dir);

    // The restored CA works: it issues with the same key after the backed-up RequestIDs, the revocation is in
    // the CRL it publishes, and OpenSSL verifies the new certificate against that CRL.
    const authority = await reopen(restoredDir);
    try {
      offerTemplates(restoredDir, 'WebServer');
      const outcome = await authority.submit({
        request: await leafRequest('after.restore.test'),
        attributes: 'CertificateTemplate:WebServer',
        ...AS_ADMINISTRATOR,
      });
      expect(outcome.disposition, outcome.message).toBe(DB_DISP_ISSUED);
      expect(outcome.requestId).toBe(manifest.highWaterMarks.requestId + 1);
      const publication = await authority.publishCrls();
      const baseFile = publication.crls.flatMap((c) => c.files).find((f) => f.endsWith('CRL Test CA.crl'));
      expect(baseFile?.startsWith(restoredDir)).toBe(true);
      const work = folders.make('certexit-restore-check-');
      const leaf = join(work, 'leaf.pem');
      writeFileSync(leaf, toPem(outcome.certificate!, 'CERTIFICATE'));
      const caCert = join(work, 'ca.pem');
      writeFileSync(caCert, toPem(authority.ca.certificate.der, 'CERTIFICATE'));
      expect(readFileSync(caCert, 'utf8')).toBe(readFileSync(ca.caPem, 'utf8'));
      const crl = join(work, 'ca.crl');
      writeFileSync(crl, toPem(readFileSync(baseFile!), 'X509 CRL'));
      const ok = openssl(['verify', '-crl_check', '-CAfile', caCert, '-CRLfile', crl, leaf]);
      expect(ok.status, ok.output).toBe(0);
      const bad = openssl(['verify', '-crl_check', '-CAfile', caCert, '-CRLfile', crl, revoked.pem]);
      expect(bad.output).toMatch(/certificate revoked/);
      expect(openssl(['verify', '-crl_check', '-CAfile', caCert, '-CRLfile', crl, a.pem]).status).toBe(0);
    } finally {
      await authority.stop({ sendShutdownEvent: false });
    }
  });

  it('refuses a wrong password, an altered file or manifest, a non-empty folder and a running CA; an older backup never reuses a RequestID', {
    timeout: 120_000,
  }, async () => {
    ca = await crlTestCa({ store });
    await ca.issue('one.backup.test');
    const work = folders.make('certexit-backup-');
    const target = join(work, 'backup');
    await expect(backupCa(ca.dir, target, { password: 'short' })).rejects.toThrow(/at least 8 characters/);
    await expect(backupCa(ca.dir, join(ca.dir, 'inside'), { password: PASSWORD })).rejects.toThrow(
      /inside the CA folder/,
    );
    const { manifest } = await backupCa(ca.dir, target, { password: PASSWORD });
    await expect(backupCa(ca.dir, target, { password: PASSWORD })).rejects.toThrow(/is not empty.*--force/);

    const empty = () => join(folders.make('certexit-restore-'), 'ca');
    await expect(restoreCa(target, empty(), { password: 'wrong password!' })).rejects.toThrow(
      /wrong backup password.*nothing was restored/,
    );
    // A flipped byte in the database copy, then an edited manifest (hashes kept, a mark lowered).
    const tampered = join(work, 'tampered');
    cpSync(target, tampered, { recursive: true });
    const db = readFileSync(join(tampered, 'certexit.db'));
    db.writeUInt8(db.readUInt8(db.length - 100) ^ 0xff, db.length - 100);
    writeFileSync(join(tampered, 'certexit.db'), db);
    const target2 = empty();
    await expect(restoreCa(tampered, target2, { password: PASSWORD })).rejects.toThrow(
      /altered: certexit\.db does not match its SHA-256/,
    );
    expect(existsSync(target2)).toBe(false);
    const edited = join(work, 'edited');
    cpSync(target, edited, { recursive: true });
    writeFileSync(
      join(edited, 'manifest.json'),
      JSON.stringify({ ...manifest, highWaterMarks: { ...manifest.highWaterMarks, requestId: 0 } }),
    );
    await expect(restoreCa(edited, empty(), { password: PASSWORD })).rejects.toThrow(
      /wrong backup password \(or manifest\.json was altered\)/,
    );

    // Not over a CA that runs, not over a folder with files unless forced.
    await expect(
      restoreCa(target, ca.dir, { password: PASSWORD, runningCa: () => 'certexit serve (pid 42) runs on it' }),
    ).rejects.toThrow(/cannot restore over a running CA: certexit serve \(pid 42\)/);
    await expect(restoreCa(target, ca.dir, { password: PASSWORD })).rejects.toThrow(/is not empty.*--force/);

    // The CA goes on after the backup (RequestIDs 2 and 3), then the older backup is put back over it.
    await ca.issue('two.backup.test');
    const three = await ca.issue('three.backup.test');
    expect(three.requestId).toBe(3);
    const dir = ca.dir;
    await ca.authority.stop({ sendShutdownEvent: false });
    ca = undefined;
    try {
      const restored = await restoreCa(target, dir, { password: PASSWORD, force: true });
      expect(restored.skipped.join('; ')).toMatch(/RequestID 3 \(the database knows up to 1\)/);
      const again = await reopen(dir);
      try {
        const next = await again.submit({
          request: await leafRequest('four.backup.test'),
          attributes: 'CertificateTemplate:WebServer',
          ...AS_ADMINISTRATOR,
        });
        expect(next.disposition, next.message).toBe(DB_DISP_ISSUED);
        expect(next.requestId).toBe(4);
      } finally {
        await again.stop({ sendShutdownEvent: false });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
