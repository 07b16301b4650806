import { CRL_REASON_REMOVE_FROM_CRL, DB_DISP_ISSUED, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';
import type { RevocationQuery } from '../store/revocation-batch';
import type { CaStoreCheckContext } from './conformance-fixtures';
import { certificateRow, check, issued, requestRow, same } from './conformance-fixtures';

/** The checks of what a store keeps: rows, transactions, CRLs and revocation entries, exit events. */
export const CA_STORE_ROW_CHECKS = {
  /** A transaction's writes commit together; a throw keeps none of them, and the store goes on working. */
  async 'transaction-atomic'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers(() => ['A.Exit']);
    const failed = await store
      .transaction(async (tx) => {
        const id = await tx.insertRequest(requestRow(1));
        await tx.insertCertificate(certificateRow(id, '01aa'));
        await tx.recordExitEvent(0x1, id);
        throw new Error('the work fails after writing');
      })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    check(failed?.message === 'the work fails after writing', `the transaction's own error is answered: ${failed}`);
    same(await store.listRequests(), [], 'requests after a rolled-back transaction');
    check((await store.findRequestIdBySerial('01aa')) === undefined, 'a rolled-back certificate is not found');
    same(await store.listExitEvents(), [], 'exit events after a rolled-back transaction');
    same(await store.outbox.list(), [], 'outbox rows after a rolled-back transaction');
    const id = await issued(store, 2, '02aa');
    check((await store.getRequest(id))?.RequesterName === 'CERTEXIT\\user2', 'a later transaction commits');
  },

  /** Concurrent transactions each commit whole; a failing one among them is rolled back alone. */
  async 'concurrent-transactions'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers(() => ['A.Exit']);
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        store.transaction(async (tx) => {
          const id = await tx.insertRequest(requestRow(i));
          await tx.setAttributes(id, [['n', String(i)]]);
          await tx.recordExitEvent(0x1, id);
          if (i === 7) throw new Error('unit 7 fails');
          return id;
        }),
      ),
    );
    const rejected = results.filter((r) => r.status === 'rejected');
    same(
      rejected.map((r) => (r as PromiseRejectedResult).reason.message),
      ['unit 7 fails'],
      'the failures of 24 concurrent transactions',
    );
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    check(new Set(ids).size === 23, `23 distinct RequestIDs, got ${ids.join(', ')}`);
    check((await store.listRequests()).length === 23, 'the 23 committed requests are there, not the failed one');
    check((await store.listExitEvents()).length === 23, 'one exit event per committed transaction');
    for (const id of ids) {
      const attributes = await store.getAttributes(id);
      check(attributes.length === 1, `request ${id} has its attribute`);
    }
    check(
      !(await store.listRequests()).some((r) => r.RequesterName === 'CERTEXIT\\user7'),
      'nothing of the failed transaction',
    );
    check((await store.getRequest(ids[0]!)) !== undefined, 'an answered transaction is readable');
  },

  /** A request row keeps every field with its type: dates, bytes, optional fields, name and system properties. */
  async 'request-round-trip'({ store }: CaStoreCheckContext) {
    const row = requestRow(3, {
      RawRequest: Uint8Array.from([1, 2, 3, 0, 255]),
      StatusCode: 0x80094012,
      Disposition: DB_DISP_PENDING,
      DispositionMessage: 'Taken Under Submission',
      ResolvedWhen: new Date(1_700_000_100_000),
      CallerName: 'CERTEXIT\\caller',
      RequestAttributes: 'CertificateTemplate:User\nSAN:upn=a@b',
      CertificateTemplate: 'User',
      EnrollmentFlags: 9,
      GeneralFlags: 0x10,
      PrivatekeyFlags: 0,
      PublishExpiredCertInCRL: 1,
      requestName: { CommonName: 'ünïcode ✓', DistinguishedName: 'CN=x', RawName: Uint8Array.from([0x30, 0]) },
      system: { UserDN: 'CN=u', Flags: 3 },
    });
    const id = await store.transaction((tx) => tx.insertRequest(row));
    check(Number.isInteger(id) && id > 0, `insertRequest answers a positive RequestID, got ${id}`);
    const read = await store.getRequest(id);
    same(read, { ...row, RequestID: id }, 'the request row as read back');
    const revocation = {
      Disposition: DB_DISP_REVOKED,
      RevokedWhen: new Date(1_700_000_200_000),
      RevokedEffectiveWhen: new Date(1_700_000_300_000),
      RevokedReason: 1,
      crlKeyIndex: 0,
      Officer: 'CERTEXIT\\officer',
    };
    await store.transaction((tx) => tx.updateRequest(id, revocation));
    same(
      await store.getRequest(id),
      { ...row, RequestID: id, ...revocation },
      'the request row after an update of some fields',
    );
    check((await store.getRequest(id + 1000)) === undefined, 'a RequestID that does not exist reads as undefined');
    const outcome = await store.getOutcome(id);
    same(
      outcome,
      { disposition: DB_DISP_REVOKED, message: 'Taken Under Submission', statusCode: 0x80094012 },
      'the outcome of a request without a certificate',
    );
  },

  /** A certificate row round-trips; it is found by serial and is part of the request's outcome. */
  async 'certificate-round-trip'({ store }: CaStoreCheckContext) {
    const id = await store.transaction((tx) => tx.insertRequest(requestRow(4)));
    const row = certificateRow(id, '7fa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3', {
      RawCertificate: new Uint8Array(3000).map((_, i) => i % 251),
      values: { Extra: 'x', When: new Date(1_700_000_000_999), Blob: Uint8Array.from([9]) },
    });
    await store.transaction((tx) => tx.insertCertificate(row));
    same(await store.getCertificate(id), row, 'the certificate row as read back');
    check(
      (await store.findRequestIdBySerial('7fa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3')) === id,
      'the request is found by its certificate serial',
    );
    const outcome = await store.getOutcome(id);
    check(outcome?.serialNumber === row.SerialNumber, 'the outcome names the serial');
    same(outcome?.certificate, row.RawCertificate, 'the outcome carries the certificate');
    const duplicate = await store
      .transaction(async (tx) => {
        const other = await tx.insertRequest(requestRow(5));
        await tx.insertCertificate(certificateRow(other, row.SerialNumber));
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    check(duplicate !== undefined, 'a second certificate with the same serial number is refused');
    check((await store.listRequests()).length === 1, 'and its transaction left nothing');
  },

  /** Attributes and extensions keep their order and are replaced as a whole. */
  async 'attributes-extensions'({ store }: CaStoreCheckContext) {
    const id = await store.transaction(async (tx) => {
      const n = await tx.insertRequest(requestRow(6));
      await tx.setAttributes(n, [
        ['CertificateTemplate', 'WebServer'],
        ['SAN', 'dns=a.example'],
        ['SAN', 'dns=b.example'],
      ]);
      await tx.setExtensions(n, [
        { oid: '2.5.29.17', flags: 0x10000, value: Uint8Array.from([0x30, 0x00]) },
        { oid: '2.5.29.15', flags: 0x10001, value: Uint8Array.from([0x03, 0x02, 0x05, 0xa0]) },
      ]);
      return n;
    });
    same(
      await store.getAttributes(id),
      [
        ['CertificateTemplate', 'WebServer'],
        ['SAN', 'dns=a.example'],
        ['SAN', 'dns=b.example'],
      ],
      'attributes in order',
    );
    same(
      await store.getExtensions(id),
      [
        { oid: '2.5.29.17', flags: 0x10000, value: Uint8Array.from([0x30, 0x00]) },
        { oid: '2.5.29.15', flags: 0x10001, value: Uint8Array.from([0x03, 0x02, 0x05, 0xa0]) },
      ],
      'extensions in order',
    );
    await store.transaction(async (tx) => {
      await tx.setAttributes(id, [['Only', 'one']]);
      await tx.setExtensions(id, []);
    });
    same(await store.getAttributes(id), [['Only', 'one']], 'attributes replaced');
    same(await store.getExtensions(id), [], 'extensions replaced by none');
  },

  /** CA certificate rows: added, completed, their state changed, listed by certificate index. */
  async 'ca-certificates'({ store }: CaStoreCheckContext) {
    await store.transaction(async (tx) => {
      await tx.addCaCertificate({ certIndex: 1, keyIndex: 1, request: Uint8Array.from([7]), state: 3 });
      await tx.addCaCertificate({ certIndex: 0, keyIndex: 0, raw: Uint8Array.from([1, 2]), state: 2 });
    });
    await store.transaction((tx) => tx.updateCaCertificate(1, { raw: Uint8Array.from([3, 4]), state: 2 }));
    await store.transaction((tx) => tx.updateCaCertificate(0, { state: 4 }));
    same(
      await store.listCaCertificates(),
      [
        { certIndex: 0, keyIndex: 0, raw: Uint8Array.from([1, 2]), state: 4 },
        { certIndex: 1, keyIndex: 1, raw: Uint8Array.from([3, 4]), request: Uint8Array.from([7]), state: 2 },
      ],
      'CA certificates',
    );
    const missing = await store
      .transaction((tx) => tx.updateCaCertificate(9, { state: 2 }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    check(missing !== undefined, 'changing a CA certificate that does not exist fails');
  },

  /** CRLs: the latest base and delta of each key, with or without the CRL itself, also one of several megabytes. */
  async crls({ store }: CaStoreCheckContext) {
    const t = (n: number) => new Date(1_700_000_000_000 + n * 1000);
    const big = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7) % 256);
    await store.transaction(async (tx) => {
      await tx.lockCrlIssuance();
      await tx.addCrl({
        keyIndex: 0,
        crlNumber: 1,
        isDelta: false,
        raw: Uint8Array.from([1]),
        thisUpdate: t(1),
        nextUpdate: t(2),
      });
      await tx.addCrl({
        keyIndex: 0,
        crlNumber: 2,
        isDelta: true,
        raw: Uint8Array.from([2]),
        thisUpdate: t(3),
        nextUpdate: t(4),
        nextPublish: t(5),
      });
      await tx.addCrl({ keyIndex: 0, crlNumber: 3, isDelta: false, raw: big, thisUpdate: t(6), nextUpdate: t(7) });
      await tx.addCrl({
        keyIndex: 1,
        crlNumber: 1,
        isDelta: false,
        raw: Uint8Array.from([9]),
        thisUpdate: t(8),
        nextUpdate: t(9),
      });
    });
    const base = await store.getLatestCrl(0, false);
    check(base?.crlNumber === 3, `the latest base CRL of key 0 is number 3, got ${base?.crlNumber}`);
    check(base.raw.length === big.length && Buffer.compare(base.raw, big) === 0, 'a 3 MiB CRL comes back whole');
    same(
      await store.getLatestCrlInfo(0, true),
      { keyIndex: 0, crlNumber: 2, isDelta: true, thisUpdate: t(3), nextUpdate: t(4), nextPublish: t(5) },
      'the latest delta CRL of key 0, without its bytes',
    );
    check((await store.getLatestCrl(1, false))?.crlNumber === 1, 'key 1 has its own CRLs');
    check((await store.getLatestCrlInfo(2, false)) === undefined, 'a key with no CRL has none');
    check((await store.crlNumberFloor()) === 0, 'no CRL number floor until a rollback is accepted');
  },

  /** The entries of base and delta CRLs: revoked, effective, not expired; releases only in deltas. */
  async revocations({ store }: CaStoreCheckContext) {
    const at = (n: number) => new Date(1_800_000_000_000 + n * 60_000);
    const asOf = at(100);
    const rows: Array<{
      serial: string;
      disposition: number;
      revokedWhen?: Date;
      effective?: Date;
      reason?: number;
      key: number;
      notAfter: Date;
      publishExpired?: number;
    }> = [
      { serial: '0a', disposition: DB_DISP_REVOKED, revokedWhen: at(10), reason: 1, key: 0, notAfter: at(1000) },
      {
        serial: '0b0c',
        disposition: DB_DISP_REVOKED,
        revokedWhen: at(20),
        effective: at(200),
        reason: 3,
        key: 0,
        notAfter: at(1000),
      },
      { serial: '0d', disposition: DB_DISP_REVOKED, revokedWhen: at(30), reason: 4, key: 0, notAfter: at(50) },
      {
        serial: '0e',
        disposition: DB_DISP_REVOKED,
        revokedWhen: at(40),
        reason: 5,
        key: 0,
        notAfter: at(50),
        publishExpired: 1,
      },
      { serial: '0f', disposition: DB_DISP_REVOKED, revokedWhen: at(60), reason: 0, key: 1, notAfter: at(1000) },
      {
        serial: '1a',
        disposition: DB_DISP_ISSUED,
        revokedWhen: at(70),
        reason: CRL_REASON_REMOVE_FROM_CRL,
        key: 0,
        notAfter: at(1000),
      },
      { serial: '1b', disposition: DB_DISP_ISSUED, key: 0, notAfter: at(1000) },
      {
        serial: 'ffee',
        disposition: DB_DISP_REVOKED,
        revokedWhen: at(80),
        effective: at(90),
        reason: 6,
        key: 0,
        notAfter: at(1000),
      },
    ];
    await store.transaction(async (tx) => {
      for (const [i, r] of rows.entries()) {
        const id = await tx.insertRequest(
          requestRow(i, {
            Disposition: r.disposition,
            ...(r.revokedWhen && { RevokedWhen: r.revokedWhen }),
            ...(r.effective && { RevokedEffectiveWhen: r.effective }),
            ...(r.reason !== undefined && { RevokedReason: r.reason }),
            ...(r.revokedWhen && { crlKeyIndex: r.key }),
            ...(r.publishExpired !== undefined && { PublishExpiredCertInCRL: r.publishExpired }),
          }),
        );
        await tx.insertCertificate(certificateRow(id, r.serial, { NotAfter: r.notAfter }));
      }
    });
    const entries = async (query: RevocationQuery) => {
      const out: Array<[string, string, number]> = [];
      for await (const batch of store.revocations(query)) {
        let start = 0;
        for (let i = 0; i < batch.count; i++) {
          const end = batch.serialEnds[i]!;
          out.push([
            Buffer.from(batch.serials.subarray(start, end)).toString('hex'),
            new Date(batch.effectiveWhen[i]!).toISOString(),
            batch.reasons[i]!,
          ]);
          start = end;
        }
      }
      return out;
    };
    same(
      await entries({ keyIndex: 0, asOf }),
      [
        ['0a', at(10).toISOString(), 1],
        ['0e', at(40).toISOString(), 5],
        ['ffee', at(90).toISOString(), 6],
      ],
      'base CRL entries of key 0 (effective, not expired unless PublishExpiredCertInCRL, no release)',
    );
    same(
      await entries({ keyIndex: 0, asOf, changedAfter: at(35) }),
      [
        ['0e', at(40).toISOString(), 5],
        ['1a', at(70).toISOString(), CRL_REASON_REMOVE_FROM_CRL],
        ['ffee', at(90).toISOString(), 6],
      ],
      'delta CRL entries of key 0 changed after its base',
    );
    same(await entries({ keyIndex: 1, asOf }), [['0f', at(60).toISOString(), 0]], 'base CRL entries of key 1');
    const estimate = await store.estimateRevocations(0);
    check(estimate >= 3, `estimateRevocations(0) is at least the 3 entries listed, got ${estimate}`);
  },

  /** Requests listed newest first, by disposition, within a limit. */
  async 'list-requests'({ store }: CaStoreCheckContext) {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        await store.transaction((tx) =>
          tx.insertRequest(requestRow(i, { Disposition: i % 2 === 0 ? DB_DISP_PENDING : DB_DISP_ISSUED })),
        ),
      );
    }
    same(
      (await store.listRequests()).map((r) => r.RequestID),
      [...ids].reverse(),
      'all requests, newest first',
    );
    same(
      (await store.listRequests({ dispositions: [DB_DISP_PENDING], limit: 2 })).map((r) => r.RequestID),
      [ids[4], ids[2]],
      'the two newest pending requests',
    );
  },

  /** Exit events: recorded in the transaction, found by kind and context, listed after an id, each with its rows. */
  async 'exit-events'({ store }: CaStoreCheckContext) {
    store.setExitSubscribers((event) => (event === 0x1 ? ['A.Exit', 'B.Exit'] : event === 0x8 ? ['A.Exit'] : []));
    const id = await issued(store, 1, 'aa01');
    const seenInside = await store.transaction(async (tx) => {
      await tx.recordExitEvent(0x8, id);
      return tx.hasExitEvent(0x8, id);
    });
    check(seenInside, 'a transaction sees the exit event it recorded');
    await store.transaction((tx) => tx.recordExitEvent(0x40, 0));
    check(await store.hasExitEvent(0x1, id), 'hasExitEvent finds a committed event');
    check(!(await store.hasExitEvent(0x4, id)), 'and not one never recorded');
    const events = await store.listExitEvents();
    same(
      events.map((e) => [e.event, e.context]),
      [
        [0x1, id],
        [0x8, id],
        [0x40, 0],
      ],
      'events in the order they committed',
    );
    check(
      events.every((e, i) => i === 0 || e.id > events[i - 1]!.id),
      'EventIDs increase in commit order',
    );
    same(
      (await store.listExitEvents(events[0]!.id)).map((e) => e.event),
      [0x8, 0x40],
      'events after an EventID',
    );
    const latest = await store.outbox.latestEventId(0x8, id);
    check(latest === events[1]!.id, `latestEventId finds the event just committed, got ${latest}`);
    same(
      (await store.outbox.forEvent(events[0]!.id)).map((r) => [r.progId, r.event, r.context, r.status]),
      [
        ['A.Exit', 0x1, id, 'pending'],
        ['B.Exit', 0x1, id, 'pending'],
      ],
      'one pending outbox row per subscribed module',
    );
    same(await store.outbox.forEvent(events[2]!.id), [], 'no row for an event no module subscribes to');
  },

  /** The counters and the schema: no CRL number floor yet, a schema version, and whether this process leads. */
  async counters({ store }: CaStoreCheckContext) {
    check((await store.schemaVersion()) > 0, 'a schema version above 0');
    check((await store.crlNumberFloor()) === 0, 'no CRL number floor on a new store');
    check(typeof (await store.leads('crl-schedule')) === 'boolean', 'leads answers true or false');
    check(typeof store.kind === 'string' && store.kind !== '', 'the store names its kind');
    check(typeof store.location === 'string' && store.location !== '', 'the store says where its data is');
    check(!/password=|:\/\/[^/@]*:[^/@]*@/i.test(store.location), 'its location shows no password');
  },
} satisfies Record<string, (context: CaStoreCheckContext) => Promise<void>>;
