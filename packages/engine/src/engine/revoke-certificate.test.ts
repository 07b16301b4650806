import { readFileSync } from 'node:fs';
import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CERTSRV_E_NO_REQUEST,
  CertexitError,
  CRL_REASON_CERTIFICATE_HOLD,
  CRL_REASON_KEY_COMPROMISE,
  CRL_REASON_REMOVE_FROM_CRL,
  DB_DISP_FOREIGN,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
  E_INVALIDARG,
  EXITEVENT_CERTREVOKED,
} from '@certexit/core';
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

/** The HRESULT a promise rejects with, and its message. */
async function failure(promise: Promise<unknown>): Promise<{ hresult: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { hresult: CertexitError.hresultOf(error), message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

describe.each(TEST_STORES)('revokeCertificate and unrevokeCertificate on $name', (store) => {
  it('revokes with reason and effective date, raising EXITEVENT_CERTREVOKED that a module reads', async () => {
    const clock = new Date('2026-03-01T10:00:00Z');
    ca = await crlTestCa({ store, now: () => clock });
    const { serial, requestId } = await ca.issue('a.certexit.test');
    const effective = new Date('2026-02-27T08:30:00Z');
    // Typed as an operator would: upper case, colons between bytes.
    const typed = serial.toUpperCase().match(/../g)!.join(':');
    const outcome = await ca.authority.revoke(typed, {
      reason: CRL_REASON_KEY_COMPROMISE,
      effectiveWhen: effective,
      officer: 'CERTEXIT\\ann',
    });
    expect(outcome).toMatchObject({
      requestId,
      disposition: DB_DISP_REVOKED,
      serialNumber: serial,
      message: 'Revoked by CERTEXIT\\ann',
    });
    expect(outcome.deliveries.map((d) => [d.event, d.progId, d.ok])).toEqual([
      [EXITEVENT_CERTREVOKED, 'Test_Crl.Exit', true],
    ]);
    expect(ca.seen.at(-1)).toMatchObject({
      event: EXITEVENT_CERTREVOKED,
      context: requestId,
      reads: {
        Disposition: DB_DISP_REVOKED,
        RevokedReason: CRL_REASON_KEY_COMPROMISE,
        RevokedWhen: clock,
        RevokedEffectiveWhen: effective,
      },
    });
    const row = await ca.authority.ca.store.getRequest(requestId);
    expect(row).toMatchObject({
      RevokedWhen: clock,
      RevokedEffectiveWhen: effective,
      RevokedReason: 1,
      crlKeyIndex: 0,
    });
    expect((await ca.authority.ca.store.listExitEvents()).map((e) => [e.event, e.context]).at(-1)).toEqual([
      EXITEVENT_CERTREVOKED,
      requestId,
    ]);
  });

  it('puts on hold, releases (EXITEVENT_CERTREVOKED again, reason 8 kept for the delta) and makes a hold final', async () => {
    ca = await crlTestCa({ store });
    const held = await ca.issue('held.certexit.test');
    const holdOutcome = await ca.authority.revoke(`${held.serial.slice(0, 8)} ${held.serial.slice(8)}`, {
      reason: CRL_REASON_CERTIFICATE_HOLD,
    });
    expect(holdOutcome.disposition).toBe(DB_DISP_REVOKED);
    const holdRow = await ca.authority.ca.store.getRequest(held.requestId);
    const released = await ca.authority.unrevoke(held.serial, 'CERTEXIT\\ann');
    expect(released).toMatchObject({ disposition: DB_DISP_ISSUED, message: 'Released from hold by CERTEXIT\\ann' });
    expect(ca.seen.at(-1)).toMatchObject({
      event: EXITEVENT_CERTREVOKED,
      context: held.requestId,
      reads: { Disposition: DB_DISP_ISSUED, RevokedReason: CRL_REASON_REMOVE_FROM_CRL },
    });
    const releasedRow = await ca.authority.ca.store.getRequest(held.requestId);
    expect(releasedRow).toMatchObject({
      RevokedReason: 8,
      crlKeyIndex: 0,
      RevokedEffectiveWhen: holdRow?.RevokedEffectiveWhen,
    });
    // Revocable again after the release; a hold can become final and keeps its date.
    await ca.authority.revoke(held.serial, { reason: CRL_REASON_CERTIFICATE_HOLD });
    const secondHold = await ca.authority.ca.store.getRequest(held.requestId);
    const final = await ca.authority.revoke(held.serial, { reason: CRL_REASON_KEY_COMPROMISE });
    expect(final.disposition).toBe(DB_DISP_REVOKED);
    expect(await ca.authority.ca.store.getRequest(held.requestId)).toMatchObject({
      RevokedReason: 1,
      RevokedEffectiveWhen: secondHold?.RevokedEffectiveWhen,
    });
    expect(ca.seen.filter((s) => s.event === EXITEVENT_CERTREVOKED)).toHaveLength(4);
  });

  it('rejects bad serials, reasons and states with clear errors and leaves everything as it was', async () => {
    ca = await crlTestCa({ store });
    const t = ca;
    const issued = await t.issue('issued.certexit.test');
    const final = await t.issue('final.certexit.test');
    await t.authority.revoke(final.serial, { reason: CRL_REASON_KEY_COMPROMISE });
    const pending = await t.authority.submit({
      request: (await t.authority.ca.store.getRequest(issued.requestId))!.RawRequest!,
      attributes: `CertificateTemplate:${offerPendingTemplate(t.authority.ca)}`,
      ...AS_ADMINISTRATOR,
    });
    expect(pending.disposition).toBe(DB_DISP_PENDING);
    const snapshot = async () => ({
      requests: await t.authority.ca.store.listRequests(),
      events: await t.authority.ca.store.listExitEvents(),
    });
    const before = await snapshot();
    const seen = t.seen.length;

    // Each case starts when it is awaited: a rejection left without a handler across a turn of the event loop is
    // reported as unhandled.
    const cases: Array<[() => Promise<unknown>, number, RegExp]> = [
      [() => t.authority.revoke('not-hex', { reason: 1 }), E_INVALIDARG, /"not-hex" is not a serial number/],
      [() => t.authority.revoke('', { reason: 1 }), E_INVALIDARG, /is not a serial number/],
      [() => t.authority.revoke('ab'.repeat(22), { reason: 1 }), E_INVALIDARG, /up to 20 bytes/],
      [
        () => t.authority.revoke('0123456789abcdef', { reason: 1 }),
        CERTSRV_E_NO_REQUEST,
        /no certificate with serial number 0123456789abcdef/,
      ],
      [() => t.authority.unrevoke('0123456789abcdef'), CERTSRV_E_NO_REQUEST, /no certificate with serial number/],
      [
        () => t.authority.revoke(issued.serial, { reason: 7 }),
        E_INVALIDARG,
        /7 is not a revocation reason: use 0 to 6/,
      ],
      [() => t.authority.revoke(issued.serial, { reason: -1 }), E_INVALIDARG, /-1 is not a revocation reason/],
      [() => t.authority.revoke(issued.serial, { reason: 1.5 }), E_INVALIDARG, /1\.5 is not a revocation reason/],
      [() => t.authority.revoke(issued.serial, { reason: 8 }), E_INVALIDARG, /reason 8 \(RemoveFromCRL\).*unrevoke/],
      [
        () => t.authority.revoke(issued.serial, { reason: 1, effectiveWhen: new Date('garbage') }),
        E_INVALIDARG,
        /not a valid date/,
      ],
      [
        () => t.authority.revoke(final.serial, { reason: 4 }),
        CERTSRV_E_BAD_REQUESTSTATUS,
        /already revoked \(KeyCompromise\)/,
      ],
      [
        () => t.authority.unrevoke(final.serial),
        CERTSRV_E_BAD_REQUESTSTATUS,
        /revoked with reason 1 \(KeyCompromise\), not on hold/,
      ],
      [() => t.authority.unrevoke(issued.serial), CERTSRV_E_BAD_REQUESTSTATUS, /is not revoked \(disposition 20\)/],
    ];
    for (const [start, hresult, message] of cases) {
      const got = await failure(start());
      expect(got.message, String(message)).toMatch(message);
      expect(got.hresult >>> 0, String(message)).toBe(hresult >>> 0);
    }
    // A foreign certificate is in the database but was not issued here: not revocable.
    const other = await crlTestCa({ store });
    try {
      const foreign = await other.issue('foreign.certexit.test');
      const imported = await t.authority.importCertificate(readFileSync(foreign.pem, 'utf8'), { foreign: true });
      expect(imported.disposition).toBe(DB_DISP_FOREIGN);
      const refused = await failure(t.authority.revoke(foreign.serial, { reason: 1 }));
      expect(refused).toMatchObject({
        hresult: CERTSRV_E_BAD_REQUESTSTATUS,
        message: expect.stringMatching(/is not an issued certificate \(disposition 12\)/),
      });
    } finally {
      await other.close();
    }
    const held = await t.issue('held.certexit.test');
    await t.authority.revoke(held.serial, { reason: CRL_REASON_CERTIFICATE_HOLD });
    const afterHold = await snapshot();
    const again = await failure(t.authority.revoke(held.serial, { reason: CRL_REASON_CERTIFICATE_HOLD }));
    expect(again).toMatchObject({
      hresult: CERTSRV_E_BAD_REQUESTSTATUS,
      message: expect.stringMatching(/already on hold/),
    });
    expect(await snapshot()).toEqual(afterHold);
    // Nothing changed and no event was raised by the failures before the hold.
    expect(afterHold.requests.filter((r) => r.RequestID <= pending.requestId)).toEqual(before.requests);
    expect(afterHold.events.slice(0, before.events.length)).toEqual(before.events);
    expect(
      t.seen
        .slice(seen)
        .map((s) => s.event)
        .filter((e) => e === EXITEVENT_CERTREVOKED),
    ).toHaveLength(1);
  });
});
