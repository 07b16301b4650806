import { DB_DISP_DENIED, DB_DISP_ISSUED, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';
import type { CaStore } from '../store/ca-store';
import type { CaStoreCheckContext } from './conformance-fixtures';
import { certificateRow, check, issued, requestRow, same } from './conformance-fixtures';

/** Requests without exit events: `deleterow` may take them. */
async function quiet(store: CaStore, n: number, disposition: number, serial?: string): Promise<number> {
  return store.transaction(async (tx) => {
    const id = await tx.insertRequest(
      requestRow(n, {
        Disposition: disposition,
        RequesterName: n % 2 ? `CONTOSO\\User${n}` : `contoso\\user${n}`,
        ...(disposition === DB_DISP_REVOKED && { RevokedWhen: new Date(1_800_000_000_000), RevokedReason: 1 }),
      }),
    );
    if (serial) await tx.insertCertificate(certificateRow(id, serial));
    await tx.setAttributes(id, [
      ['a', `${n}`],
      ['b', `${n}`],
    ]);
    await tx.setExtensions(id, [{ oid: '2.5.29.17', flags: 0, value: Uint8Array.from([n]) }]);
    return id;
  });
}

/** The checks of `certutil -view`, `-deleterow`, the console's folder pages and the audit log. */
export const CA_STORE_VIEW_CHECKS = {
  /** `certutil -view` pages: conditions (text without case), sorts, one- and two-column cursors, binary columns. */
  async 'view-rows'({ store }: CaStoreCheckContext) {
    const ids: number[] = [];
    for (let n = 1; n <= 7; n++)
      ids.push(await quiet(store, n, n === 4 ? DB_DISP_PENDING : DB_DISP_ISSUED, n === 4 ? undefined : `0${n}ff`));
    const all = await store.viewRows({ table: 'requests', where: [], limit: 100 });
    same(
      all.rows.map((r) => r.RequestID),
      ids,
      'every request, by RequestID',
    );
    const issuedOnly = await store.viewRows({
      table: 'requests',
      where: [{ column: 'Disposition', op: '=', value: DB_DISP_ISSUED }],
      limit: 100,
    });
    check(issuedOnly.rows.length === 6, `six issued requests, got ${issuedOnly.rows.length}`);
    const named = await store.viewRows({
      table: 'requests',
      where: [{ column: 'RequesterName', op: '=', value: 'contoso\\USER3' }],
      limit: 100,
    });
    same(
      named.rows.map((r) => r.RequestID),
      [ids[2]],
      'a text condition compares without case',
    );
    const serial = await store.viewRows({
      table: 'requests',
      where: [{ column: 'SerialNumber', op: '=', value: '03 FF' }],
      limit: 100,
    });
    same(
      serial.rows.map((r) => r.RequestID),
      [ids[2]],
      'a serial number as certutil prints it',
    );
    // Pages of two, by SerialNumber descending (only rows with a certificate), cursor to cursor.
    const seen: number[] = [];
    let page = await store.viewRows({ table: 'requests', where: [], sort: 'SerialNumber', descending: true, limit: 2 });
    for (;;) {
      seen.push(...page.rows.map((r) => Number(r.RequestID)));
      if (!page.next) break;
      page = await store.viewRows({
        table: 'requests',
        where: [],
        sort: 'SerialNumber',
        descending: true,
        limit: 2,
        after: page.next,
      });
    }
    same(
      seen,
      [...ids].reverse().filter((id) => id !== ids[3]),
      'pages by SerialNumber descending',
    );
    const extensions = await store.viewRows({ table: 'extensions', where: [], limit: 3 });
    check(extensions.rows.length === 3 && extensions.next !== undefined, 'a page of three extensions, more after');
    check(extensions.rows[0]?.ExtensionRawValue instanceof Uint8Array, 'binary columns come back as bytes');
    const attributes = await store.viewRows({ table: 'attributes', where: [], limit: 5 });
    const rest = await store.viewRows({ table: 'attributes', where: [], limit: 100, after: attributes.next! });
    check(attributes.rows.length + rest.rows.length === 14, 'two attribute pages hold all 14 attributes');
    check(rest.next === undefined, 'the last page says no more');
  },

  /** The console's folders, by keyset: forward and back, case-insensitive sorts, denied with failed. */
  async 'view-request-page'({ store }: CaStoreCheckContext) {
    for (let n = 1; n <= 9; n++) await quiet(store, n, n === 9 ? DB_DISP_DENIED : DB_DISP_ISSUED, `1${n}aa`);
    const first = await store.viewRequestPage({ folder: 'issued', sort: 'RequesterName', limit: 3 });
    const names = first.rows.map((r) => r.RequesterName?.toLowerCase());
    same(names, ['contoso\\user1', 'contoso\\user2', 'contoso\\user3'], 'the first page by requester, any case');
    check(first.next !== undefined && first.previous === undefined, 'the first page has a next, no previous');
    const second = await store.viewRequestPage({
      folder: 'issued',
      sort: 'RequesterName',
      limit: 3,
      after: first.next,
    });
    same(
      second.rows.map((r) => r.RequesterName?.toLowerCase()),
      ['contoso\\user4', 'contoso\\user5', 'contoso\\user6'],
      'the second page',
    );
    const back = await store.viewRequestPage({
      folder: 'issued',
      sort: 'RequesterName',
      limit: 3,
      before: second.previous!,
    });
    same(
      back.rows.map((r) => r.RequestID),
      first.rows.map((r) => r.RequestID),
      'back from the second page',
    );
    const failed = await store.viewRequestPage({ folder: 'failed', limit: 10 });
    same(
      failed.rows.map((r) => r.Disposition),
      [DB_DISP_DENIED],
      'a denied request is in the failed folder',
    );
  },

  /** `certutil -deleterow`: a request goes with its rows, a revoked one stays, an undelivered one stays. */
  async 'delete-rows'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers(() => ['A.Exit']);
    const pending = await quiet(store, 1, DB_DISP_PENDING);
    const revoked = await quiet(store, 2, DB_DISP_REVOKED, '02ee');
    const waiting = await issued(store, 3, '03ee');
    const now = new Date();
    same(
      await store.deleteRows({ table: 'Request', id: pending, now }),
      { table: 'Request', deleted: [pending], kept: [] },
      'deleting a request by id',
    );
    check((await store.getRequest(pending)) === undefined, 'the request is gone');
    same(await store.getAttributes(pending), [], 'its attributes are gone');
    const stays = await store.deleteRows({ table: 'Request', id: revoked, now }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    check(/revoked and not expired/.test(stays ?? ''), `a revoked certificate stays: ${stays}`);
    const undelivered = await store.deleteRows({ table: 'Request', id: waiting, now }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    check(/stays: .*deliver/.test(undelivered ?? ''), `a request whose events wait stays: ${undelivered}`);
    check((await store.getRequest(waiting)) !== undefined, 'the kept request is still there');
    const next = await quiet(store, 4, DB_DISP_PENDING);
    check(next > waiting, `a deleted RequestID is never handed out again (${next} after ${waiting})`);
  },

  /** The configuration audit log: newest first, paged by id, optional values absent. */
  async 'audit-log'({ store }: CaStoreCheckContext) {
    const at = new Date(1_700_000_000_000);
    const a = await store.recordAudit({
      at,
      identity: 'CONTOSO\\ann',
      action: 'setreg',
      target: 'CA\\X',
      newValue: '1',
    });
    const b = await store.recordAudit({
      at,
      identity: 'CONTOSO\\bob',
      role: 'admin',
      action: 'setreg',
      target: 'CA\\X',
      oldValue: '1',
      newValue: '2',
    });
    check(b > a, 'audit ids increase');
    same(
      await store.listAudit(),
      [
        {
          id: b,
          at,
          identity: 'CONTOSO\\bob',
          role: 'admin',
          action: 'setreg',
          target: 'CA\\X',
          oldValue: '1',
          newValue: '2',
        },
        { id: a, at, identity: 'CONTOSO\\ann', action: 'setreg', target: 'CA\\X', newValue: '1' },
      ],
      'the audit log, newest first',
    );
    same(
      (await store.listAudit({ before: b })).map((r) => r.id),
      [a],
      'the page before the newest',
    );
    same(
      (await store.listAudit({ limit: 1 })).map((r) => r.id),
      [b],
      'one entry',
    );
  },
};
