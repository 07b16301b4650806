import { CRL_REASON_KEY_COMPROMISE, DB_DISP_PENDING } from '@certexit/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { CrlTestCa } from '../../test/support/crl-test-ca';
import { crlTestCa } from '../../test/support/crl-test-ca';
import { AS_ADMINISTRATOR, offerPendingTemplate } from '../../test/support/policy-fixtures';
import { TEST_STORES } from '../../test/support/test-stores';

let ca: CrlTestCa | undefined;
afterEach(async () => {
  await ca?.close();
  ca = undefined;
});

const DAY = 86_400_000;

describe.each(TEST_STORES)('deleteRows (certutil -deleterow) on $name', (testStore) => {
  it("keeps AD CS's rules by id and by date, never reuses a RequestID or a CRL number", {
    timeout: 60_000,
  }, async () => {
    let clock = new Date(Date.now() - 3 * 365 * DAY);
    ca = await crlTestCa({ store: testStore, now: () => clock, setupNow: new Date(clock.getTime() - DAY) });
    const store = ca.authority.ca.store;
    const old = await ca.issue('old.delete.test'); // expires ~1 year after `clock`: expired today
    const oldRevoked = await ca.issue('old-revoked.delete.test');
    await ca.authority.revoke(oldRevoked.serial, { reason: CRL_REASON_KEY_COMPROMISE, ...AS_ADMINISTRATOR });
    const template = offerPendingTemplate(ca.authority.ca);
    const request = (await store.getRequest(old.requestId))!.RawRequest!;
    const pendingOld = await ca.authority.submit({
      request,
      attributes: `CertificateTemplate:${template}`,
      ...AS_ADMINISTRATOR,
    });
    expect(pendingOld.disposition).toBe(DB_DISP_PENDING);
    await ca.authority.publishCrls();
    await ca.authority.publishCrls();
    clock = new Date();
    const fresh = await ca.issue('fresh.delete.test');
    const revoked = await ca.issue('revoked.delete.test');
    await ca.authority.revoke(revoked.serial, { reason: CRL_REASON_KEY_COMPROMISE, ...AS_ADMINISTRATOR });
    const pendingNew = await ca.authority.submit({
      request,
      attributes: `CertificateTemplate:${template}`,
      ...AS_ADMINISTRATOR,
    });
    await ca.authority.publishCrls();
    const now = new Date();

    // By date, Ext and Attrib are refused; Request takes only failed/denied/pending ones submitted before the date.
    await expect(store.deleteRows({ table: 'Ext', before: now, now })).rejects.toThrow(
      /by date takes Request, Cert or CRL/,
    );
    const requests = await store.deleteRows({ table: 'Request', before: new Date(now.getTime() - DAY), now });
    expect(requests.deleted).toEqual([pendingOld.requestId]);
    expect(await store.getRequest(pendingOld.requestId)).toBeUndefined();
    expect(await store.getRequest(pendingNew.requestId)).toBeDefined();

    // Cert by date: the expired ones; an expired revoked certificate goes too (PublishExpiredCertInCRL is off).
    const certs = await store.deleteRows({ table: 'Cert', before: now, now });
    expect(certs.deleted.sort()).toEqual([old.requestId, oldRevoked.requestId].sort());
    expect(await store.getRequest(fresh.requestId)).toBeDefined();

    // By id: a revoked certificate that has not expired stays on the CRL; an issued one goes with its rows.
    await expect(store.deleteRows({ table: 'Request', id: revoked.requestId, now })).rejects.toThrow(
      /request \d+ stays: its certificate is revoked and not expired: it belongs on the CRL/,
    );
    await expect(store.deleteRows({ table: 'Request', id: 999, now })).rejects.toThrow(/there is no request 999/);
    expect((await store.deleteRows({ table: 'Attrib', id: fresh.requestId, now })).deleted).toEqual([fresh.requestId]);
    expect(
      (await ca.authority.view({ view: 'Attrib', restrict: `AttributeRequestId=${fresh.requestId}` })).rows,
    ).toEqual([]);
    const last = pendingNew.requestId;
    expect((await store.deleteRows({ table: 'Request', id: last, now })).deleted).toEqual([last]);

    // CRLs: the newest base and delta stay; older ones go; numbers continue.
    const crlsBefore = (await ca.authority.view({ view: 'CRL', columns: ['CRLRowId', 'CRLNumber'] })).rows;
    const maxNumber = Math.max(...crlsBefore.map((r) => Number(r.CRLNumber)));
    const newest = crlsBefore.slice(-2).map((r) => Number(r.CRLRowId));
    await expect(store.deleteRows({ table: 'CRL', id: newest[1]!, now })).rejects.toThrow(
      /stays: it is the newest (base|delta) CRL of key 0/,
    );
    const crls = await store.deleteRows({
      table: 'CRL',
      before: new Date(now.getTime() + 30 * DAY),
      now: new Date(now.getTime() + 30 * DAY),
    });
    expect(crls.deleted.length).toBeGreaterThan(0);
    expect(crls.kept.map((k) => k.id).sort()).toEqual(newest.sort());
    const publication = await ca.authority.publishCrls();
    expect(Math.min(...publication.crls.map((c) => c.crlNumber))).toBe(maxNumber + 1);

    // The deleted RequestID (the highest) is never handed out again.
    const next = await ca.issue('next.delete.test');
    expect(next.requestId).toBe(last + 1);
  });
});
