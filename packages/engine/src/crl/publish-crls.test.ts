import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CA_DISP_VALID,
  CRL_REASON_CERTIFICATE_HOLD,
  CRL_REASON_KEY_COMPROMISE,
  CRLF_CRLNUMBER_CRITICAL,
  CRLF_DELETE_EXPIRED_CRLS,
  CRLF_PUBLISH_EXPIRED_CERT_CRLS,
  DB_DISP_ISSUED,
  DB_DISP_REVOKED,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  HRESULT_FILE_NOT_FOUND,
} from '@certexit/core';
import { parseCrl } from '@certexit/x509';
import { afterEach, describe, expect, it } from 'vitest';
import { openssl, opensslOk } from '../../../../tooling/test/test-pki';
import type { CrlTestCa } from '../../test/support/crl-test-ca';
import { crlTestCa } from '../../test/support/crl-test-ca';
import { TEST_STORES } from '../../test/support/test-stores';

let ca: CrlTestCa | undefined;
afterEach(async () => {
  await ca?.close();
  ca = undefined;
});

const certEnroll = (t: CrlTestCa) => join(t.dir, 'CertEnroll');
const baseFile = (t: CrlTestCa) => join(certEnroll(t), 'CRL Test CA.crl');
const deltaFile = (t: CrlTestCa) => join(certEnroll(t), 'CRL Test CA+.crl');

describe.each(TEST_STORES)(
  'publishCrls on $name: base and delta CRLs from the database, judged by OpenSSL',
  (store) => {
    it('publishes at setup, then revokes, holds, releases and republishes with OpenSSL agreeing at each step', async () => {
      // A clock in the past that moves an hour per step: each change is well after the CRL before it (a delta lists
      // what changed since its base's thisUpdate, which is backdated by the 10-minute clock skew), and OpenSSL, on
      // the real clock, finds every CRL already valid.
      let clock = new Date(Date.now() - 86_400_000);
      const tick = () => {
        clock = new Date(clock.getTime() + 3_600_000);
      };
      ca = await crlTestCa({ store, now: () => clock, setupNow: clock });
      const t = ca;
      tick();
      // Setup published the first base and delta into CertEnroll under %3%8%9.crl, raising no event.
      expect(
        readdirSync(certEnroll(t))
          .filter((f) => f.endsWith('.crl'))
          .sort(),
      ).toEqual(['CRL Test CA+.crl', 'CRL Test CA.crl']);
      expect(parseCrl(readFileSync(baseFile(t))).crlNumber).toBe(1n);
      expect(parseCrl(readFileSync(deltaFile(t))).deltaBaseCrlNumber).toBe(1n);
      expect(await t.authority.ca.store.listExitEvents()).toEqual([]);

      const revoked = await t.issue('revoked.certexit.test');
      const good = await t.issue('good.certexit.test');
      const held = await t.issue('held.certexit.test');
      const r1 = await t.authority.revoke(revoked.serial, {
        reason: CRL_REASON_KEY_COMPROMISE,
        officer: 'CERTEXIT\\officer',
      });
      expect(r1).toMatchObject({
        requestId: revoked.requestId,
        disposition: DB_DISP_REVOKED,
        serialNumber: revoked.serial,
      });
      expect(r1.message).toBe('Revoked by CERTEXIT\\officer');
      await t.authority.revoke(held.serial, { reason: CRL_REASON_CERTIFICATE_HOLD });
      tick();
      const published = await t.authority.publishCrls();
      expect(published.crls.map((c) => [c.isDelta, c.crlNumber, c.entries])).toEqual([
        [false, 3, 2],
        [true, 4, 0],
      ]);
      expect(published.crls[1]?.deltaOfBase).toBe(3);
      expect(published.crls[0]?.files).toEqual([baseFile(t)]);
      expect(published.crls[0]?.skipped.map((s) => s.location)).toEqual([
        expect.stringMatching(/^ldap:\/\/\/CN=CRL%20Test%20CA,CN=localhost,CN=CDP,/),
      ]);
      expect(published.failures).toEqual([]);

      // The event reaches the module once, with context 0, and it reads the CRLs just stored.
      const crlEvents = t.seen.filter((s) => s.event === EXITEVENT_CRLISSUED);
      expect(crlEvents).toHaveLength(1);
      expect(crlEvents[0]?.context).toBe(0);
      expect(crlEvents[0]?.reads.RawCRL).toEqual(new Uint8Array(readFileSync(baseFile(t))));
      expect(crlEvents[0]?.reads.RawDeltaCRL).toEqual(new Uint8Array(readFileSync(deltaFile(t))));
      expect(crlEvents[0]?.reads).toMatchObject({ CRLState: CA_DISP_VALID, fDeltaCRLsDisabled: 0 });

      const base = t.crlPem('base.pem', readFileSync(baseFile(t)));
      expect(openssl(['crl', '-in', base, '-CAfile', t.caPem, '-noout', '-verify']).output).toContain('verify OK');
      const verify = (pem: string, ...crls: string[]) =>
        openssl(['verify', '-crl_check', ...crls.flatMap((c) => ['-CRLfile', c]), '-CAfile', t.caPem, pem]);
      expect(verify(revoked.pem, base).output).toContain('certificate revoked');
      expect(verify(held.pem, base).output).toContain('certificate revoked');
      const ok = verify(good.pem, base);
      expect(ok.status).toBe(0);
      expect(ok.stdout.trim()).toBe(`${good.pem}: OK`);

      const text = opensslOk(['crl', '-in', base, '-noout', '-text']);
      expect(text).toMatch(/X509v3 CRL Number:\s+3\b/);
      expect(text).toMatch(
        /X509v3 Freshest CRL:\s+Full Name:\s+URI:ldap:\/\/\/CN=CRL%20Test%20CA,CN=localhost,CN=CDP,.*deltaRevocationList/s,
      );
      expect(text).toContain('URI:http://localhost/CertEnroll/CRL%20Test%20CA+.crl');
      expect(text).toContain('X509v3 Authority Key Identifier');
      expect(text).toContain('1.3.6.1.4.1.311.21.1'); // CA version
      expect(text).toContain('1.3.6.1.4.1.311.21.4'); // Next CRL Publish
      const heldEntry = new RegExp(
        `Serial Number: ${held.serial.toUpperCase()}\\s+Revocation Date: [^\\n]+\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Certificate Hold`,
      );
      expect(text).toMatch(heldEntry);
      const revokedEntry = new RegExp(
        `Serial Number: ${revoked.serial.toUpperCase()}\\s+Revocation Date: [^\\n]+\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`,
      );
      expect(text).toMatch(revokedEntry);

      // Release the hold: the next delta lists it as removeFromCRL, and base + delta accept the certificate again.
      tick();
      const released = await t.authority.unrevoke(held.serial, 'CERTEXIT\\officer');
      expect(released.disposition).toBe(DB_DISP_ISSUED);
      tick();
      const delta = await t.authority.publishCrls({ delta: true });
      expect(delta.crls.map((c) => [c.isDelta, c.crlNumber, c.deltaOfBase, c.entries])).toEqual([[true, 5, 3, 1]]);
      const deltaPem = t.crlPem('delta.pem', readFileSync(deltaFile(t)));
      const deltaText = opensslOk(['crl', '-in', deltaPem, '-noout', '-text']);
      expect(deltaText).toMatch(/X509v3 Delta CRL Indicator: critical\s+3\b/);
      expect(deltaText).toMatch(/X509v3 CRL Number:\s+5\b/);
      expect(deltaText).toMatch(new RegExp(`Serial Number: ${held.serial.toUpperCase()}[\\s\\S]+Remove From CRL`));
      expect(deltaText).not.toContain('Freshest CRL');
      expect(openssl(['crl', '-in', deltaPem, '-CAfile', t.caPem, '-noout', '-verify']).output).toContain('verify OK');
      // -extended_crl: without it, OpenSSL 3.0 up to 3.0.19 may take the newer delta for a complete CRL and ignore
      // what only the base lists (openssl/openssl#31040, fixed by #31044); with it, deltas are combined per RFC 5280.
      const withDelta = (pem: string) =>
        openssl([
          'verify',
          '-crl_check',
          '-extended_crl',
          '-use_deltas',
          '-CRLfile',
          base,
          '-CRLfile',
          deltaPem,
          '-CAfile',
          t.caPem,
          pem,
        ]);
      expect(withDelta(held.pem).status).toBe(0);
      expect(withDelta(revoked.pem).output).toContain('certificate revoked');
      expect(withDelta(good.pem).status).toBe(0);
      expect(verify(held.pem, base).output).toContain('certificate revoked'); // the base alone still lists it

      // The next base no longer lists the released certificate; the numbers keep increasing across kinds.
      tick();
      const next = await t.authority.publishCrls();
      expect(next.crls.map((c) => [c.isDelta, c.crlNumber, c.entries])).toEqual([
        [false, 6, 1],
        [true, 7, 0],
      ]);
      const events = await t.authority.ca.store.listExitEvents();
      expect(events.filter((e) => e.event === EXITEVENT_CRLISSUED).map((e) => e.context)).toEqual([0, 0, 0]);
      expect(events.filter((e) => e.event === EXITEVENT_CERTREVOKED).map((e) => e.context)).toEqual([
        revoked.requestId,
        held.requestId,
        held.requestId,
      ]);
    });

    it('with delta CRLs disabled publishes bases only; RawDeltaCRL.0 answers HRESULT_FILE_NOT_FOUND', async () => {
      ca = await crlTestCa({ store });
      const t = ca;
      t.authority.ca.registry.setValue(`${t.authority.ca.registryPath}\\CRLDeltaPeriodUnits`, 0);
      const published = await t.authority.publishCrls();
      expect(published.crls.map((c) => c.isDelta)).toEqual([false]);
      const text = opensslOk(['crl', '-in', t.crlPem('base.pem', readFileSync(baseFile(t))), '-noout', '-text']);
      expect(text).not.toContain('Freshest CRL');
      expect(t.seen.at(-1)?.reads).toMatchObject({
        fDeltaCRLsDisabled: 1,
        RawDeltaCRL: `error:${HRESULT_FILE_NOT_FOUND.toString(16)}`,
      });
      expect(t.seen.at(-1)?.reads.RawCRL).toBeInstanceOf(Uint8Array);
      const before = await t.authority.ca.store.listExitEvents();
      await expect(t.authority.publishCrls({ delta: true })).rejects.toThrow(
        /delta CRLs are disabled.*CRLDeltaPeriodUnits/,
      );
      expect(await t.authority.ca.store.listExitEvents()).toEqual(before);
      expect(await t.authority.ca.store.getLatestCrlInfo(0, false)).toMatchObject({ crlNumber: 3 });
    });

    it('writes the Issuing Distribution Point of each kind when a URL is flagged CSURL_ADDTOIDP', async () => {
      ca = await crlTestCa({ store });
      const t = ca;
      const { registry, registryPath } = t.authority.ca;
      registry.setValue(`${registryPath}\\CRLPublicationURLs`, [
        `65:${certEnroll(t)}/%3%8%9.crl`,
        '134:http://%1/CertEnroll/%3%8%9.crl', // 0x80 | ADDTOFRESHESTCRL | ADDTOCERTCDP
      ]);
      await t.authority.publishCrls();
      const base = opensslOk(['crl', '-in', t.crlPem('base.pem', readFileSync(baseFile(t))), '-noout', '-text']);
      expect(base).toMatch(
        /X509v3 Issuing Distribution Point: critical\s+Full Name:\s+URI:http:\/\/localhost\/CertEnroll\/CRL%20Test%20CA\.crl/,
      );
      expect(base).not.toContain('1.3.6.1.4.1.311.21.14'); // no CSURL_ADDTOCRLCDP entry left
      const delta = opensslOk(['crl', '-in', t.crlPem('delta.pem', readFileSync(deltaFile(t))), '-noout', '-text']);
      expect(delta).toMatch(
        /X509v3 Issuing Distribution Point: critical\s+Full Name:\s+URI:http:\/\/localhost\/CertEnroll\/CRL%20Test%20CA\+\.crl/,
      );
    });

    it('drops expired revoked certificates unless PublishExpiredCertInCRL, and lists future revocations once effective', async () => {
      let clock = new Date();
      ca = await crlTestCa({ store, now: () => clock });
      const t = ca;
      const expiring = await t.issue('expiring.certexit.test');
      const kept = await t.issue('kept.certexit.test');
      const later = await t.issue('later.certexit.test');
      await t.authority.revoke(expiring.serial, { reason: 1 });
      await t.authority.revoke(kept.serial, { reason: 4 });
      await t.authority.revoke(later.serial, { reason: 5, effectiveWhen: new Date(clock.getTime() + 30 * 86_400_000) });
      const now = await t.authority.publishCrls();
      expect(now.crls[0]?.entries).toBe(2);
      clock = new Date(clock.getTime() + 31 * 86_400_000);
      const effective = await t.authority.publishCrls();
      expect(effective.crls[0]?.entries).toBe(3);
      expect(parseCrl(readFileSync(baseFile(t))).entries.map((e) => e.serialNumberHex)).toContain(later.serial);
      await t.authority.ca.store.transaction((tx) => tx.updateRequest(kept.requestId, { PublishExpiredCertInCRL: 1 }));
      clock = new Date(clock.getTime() + 800 * 86_400_000); // past the WebServer template's 730 days
      const afterExpiry = await t.authority.publishCrls();
      const listed = parseCrl(readFileSync(baseFile(t))).entries.map((e) => e.serialNumberHex);
      expect(afterExpiry.crls[0]?.entries).toBe(1);
      expect(listed).toEqual([kept.serial]);
    });

    it('applies CA\\CRLFlags: CRLF_PUBLISH_EXPIRED_CERT_CRLS keeps expired certificates, CRLF_CRLNUMBER_CRITICAL, CRLF_DELETE_EXPIRED_CRLS', async () => {
      let clock = new Date();
      ca = await crlTestCa({ store, now: () => clock });
      const t = ca;
      const flags = (value: number) =>
        t.authority.ca.registry.setValue(`${t.authority.ca.registryPath}\\CRLFlags`, value);
      const expired = await t.issue('expired.certexit.test');
      await t.authority.revoke(expired.serial, { reason: 1 });
      clock = new Date(clock.getTime() + 800 * 86_400_000); // past the WebServer template's 730 days
      flags(CRLF_PUBLISH_EXPIRED_CERT_CRLS | CRLF_CRLNUMBER_CRITICAL);
      const kept = await t.authority.publishCrls();
      expect(kept.crls[0]?.entries).toBe(1);
      const text = opensslOk(['crl', '-in', t.crlPem('flags.pem', readFileSync(baseFile(t))), '-noout', '-text']);
      expect(text).toMatch(/X509v3 CRL Number: critical/);
      expect(text).toContain(expired.serial.toUpperCase());
      flags(0);
      expect((await t.authority.publishCrls()).crls[0]?.entries).toBe(0);
      const count = async () => (await t.authority.ca.store.getLatestCrlInfo(0, false))?.crlNumber ?? 0;
      const before = await count();
      clock = new Date(clock.getTime() + 30 * 86_400_000);
      // The expired CRLs are there (counted in a transaction rolled back).
      let expiredCrls = 0;
      await t.authority.ca.store
        .transaction(async (tx) => {
          expiredCrls = await tx.deleteExpiredCrls(clock);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      // Three publications so far (setup's and two here), a base and a delta each: all but the newest two.
      expect(expiredCrls).toBe(4);
      flags(CRLF_DELETE_EXPIRED_CRLS);
      await t.authority.publishCrls();
      expect(await count()).toBe(before + 2);
      // The publication deleted them, the newest base and delta aside (the CA still serves those).
      const remaining = await t.authority.ca.store.transaction((tx) => tx.deleteExpiredCrls(clock));
      expect(remaining).toBe(0);
      expect(await t.authority.ca.store.getLatestCrl(0, false)).toBeDefined();
      expect(await t.authority.ca.store.getLatestCrl(0, true)).toBeDefined();
      expect(remaining).toBe(0);
    });
  },
);
