import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  CRL_REASON_KEY_COMPROMISE,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
} from '@certexit/core';
import { toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl } from '../../../../tooling/test/test-pki';
import type { CrlTestCa } from '../../test/support/crl-test-ca';
import { crlTestCa } from '../../test/support/crl-test-ca';
import { AS_ADMINISTRATOR, offerPendingTemplate } from '../../test/support/policy-fixtures';
import { buildViewRowsSql } from '../store/sqlite-view-rows';
import type { ViewRowsQuery } from '../store/view-rows-query';
import { viewSchema } from './view-requests';

let ca: CrlTestCa;
const ids: Record<string, number> = {};

beforeAll(async () => {
  ca = await crlTestCa();
  for (const name of ['a', 'b', 'c', 'd', 'e']) ids[name] = (await ca.issue(`${name}.view.test`)).requestId;
  const revoked = await ca.issue('revoked.view.test');
  ids.revoked = revoked.requestId;
  await ca.authority.revoke(revoked.serial, { reason: CRL_REASON_KEY_COMPROMISE, ...AS_ADMINISTRATOR });
  const request = (await ca.authority.ca.store.getRequest(ids.a!))!.RawRequest!;
  const template = offerPendingTemplate(ca.authority.ca);
  for (const name of ['pending', 'denied']) {
    const outcome = await ca.authority.submit({
      request,
      attributes: `CertificateTemplate:${template}`,
      ...AS_ADMINISTRATOR,
    });
    expect(outcome.disposition).toBe(DB_DISP_PENDING);
    ids[name] = outcome.requestId;
  }
  await ca.authority.deny(ids.denied!);
  await ca.authority.publishCrls();
}, 60_000);
afterAll(() => ca?.close());

const view = (options: Parameters<CrlTestCa['authority']['view']>[0]) => ca.authority.view(options);
const idsOf = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.RequestID);

describe('view (certutil -view)', () => {
  it('takes disposition names in restrictions and lists the Queue, Log, LogFail and Revoked views', async () => {
    const issued = await view({ restrict: 'Disposition=Issued', columns: ['RequestID', 'Disposition'] });
    expect(idsOf(issued.rows)).toEqual([ids.a, ids.b, ids.c, ids.d, ids.e]);
    expect(issued.rows.every((r) => r.Disposition === DB_DISP_ISSUED)).toBe(true);
    expect(idsOf((await view({ restrict: 'disposition=revoked' })).rows)).toEqual([ids.revoked]);
    expect(idsOf((await view({ restrict: 'Request.Disposition=Denied' })).rows)).toEqual([ids.denied]);
    expect(idsOf((await view({ view: 'Queue' })).rows)).toEqual([ids.pending]);
    expect(idsOf((await view({ view: 'LogFail' })).rows)).toEqual([ids.denied]);
    expect(idsOf((await view({ view: 'Log' })).rows)).toEqual([
      ids.a,
      ids.b,
      ids.c,
      ids.d,
      ids.e,
      ids.revoked,
      ids.denied,
    ]);
    const revoked = await view({ view: 'Revoked' });
    expect(revoked.columns).toEqual([
      'RequestID',
      'SerialNumber',
      'RevokedWhen',
      'RevokedEffectiveWhen',
      'RevokedReason',
    ]);
    expect(revoked.rows).toEqual([
      expect.objectContaining({ RequestID: ids.revoked, RevokedReason: CRL_REASON_KEY_COMPROMISE }),
    ]);
    expect(revoked.rows[0]!.RevokedWhen).toBeInstanceOf(Date);
    await expect(view({ restrict: 'Disposition=Granted' })).rejects.toThrow(
      /Disposition takes a number or a name \(active, pending, .*issued, revoked, error, failed, denied\)/,
    );
    await expect(view({ view: 'Nope' as never })).rejects.toThrow(/no view "Nope"; the views are Request, Queue/);
  });

  it('pages on the server by keyset, sorts with +/- and filters on other columns per row', async () => {
    const first = await view({ limit: 3, columns: ['RequestID'] });
    expect(idsOf(first.rows)).toEqual([1, 2, 3]);
    expect(first.next).toBe('3');
    const second = await view({ limit: 3, columns: ['RequestID'], after: first.next });
    expect(idsOf(second.rows)).toEqual([4, 5, 6]);
    const rest = await view({ limit: 10, columns: ['RequestID'], after: second.next });
    expect(idsOf(rest.rows)).toEqual([7, 8]);
    expect(rest.next).toBeUndefined();
    // Descending, and sorting by a certificate column (rows with a certificate only), paged.
    expect(idsOf((await view({ restrict: '-RequestID', limit: 2 })).rows)).toEqual([8, 7]);
    const byExpiry = await view({
      restrict: '+NotAfter,Disposition=Issued',
      columns: ['RequestID', 'NotAfter'],
      limit: 2,
    });
    expect(byExpiry.rows.length).toBe(2);
    const expiryNext = await view({
      restrict: '+NotAfter,Disposition=Issued',
      columns: ['RequestID', 'NotAfter'],
      after: byExpiry.next,
    });
    const all = [...byExpiry.rows, ...expiryNext.rows];
    expect(new Set(idsOf(all))).toEqual(new Set([ids.a, ids.b, ids.c, ids.d, ids.e]));
    const times = all.map((r) => (r.NotAfter as Date).getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // A column the store does not hold (the issued CommonName) is read per row; paging still works.
    const byName = await view({ restrict: 'CommonName>=c.view.test', columns: ['RequestID', 'CommonName'], limit: 2 });
    expect(byName.rows).toEqual([
      { RequestID: ids.c, CommonName: 'c.view.test' },
      { RequestID: ids.d, CommonName: 'd.view.test' },
    ]);
    const byNameNext = await view({ restrict: 'CommonName>=c.view.test', columns: ['RequestID'], after: byName.next });
    expect(idsOf(byNameNext.rows)).toEqual([ids.e, ids.revoked]);
    // Serial numbers match as certutil prints them (spaces, upper case).
    const serial = String(
      (await view({ restrict: `RequestID=${ids.b}`, columns: ['SerialNumber'] })).rows[0]!.SerialNumber,
    );
    const spaced = serial.toUpperCase().replace(/(..)/g, '$1 ').trim();
    expect(idsOf((await view({ restrict: `SerialNumber=${spaced}` })).rows)).toEqual([ids.b]);
    await expect(view({ restrict: '+CommonName' })).rejects.toThrow(/cannot sort by CommonName; sort by RequestID/);
    await expect(view({ after: 'garbage' })).rejects.toThrow(/page cursor "garbage" does not belong to this view/);
  });

  it('lists the Ext, Attrib and CRL tables; the CRL view returns a CRL OpenSSL reads', async () => {
    const ext = await view({ view: 'Ext', restrict: `ExtensionRequestId=${ids.a}` });
    expect(ext.columns).toEqual(['ExtensionRequestId', 'ExtensionName', 'ExtensionFlags', 'ExtensionRawValue']);
    expect(ext.rows.map((r) => r.ExtensionName)).toContain('2.5.29.17');
    const attrib = await view({ view: 'Attrib', restrict: `AttributeRequestId=${ids.a}` });
    expect(attrib.rows).toEqual([
      { AttributeRequestId: ids.a, AttributeName: 'CertificateTemplate', AttributeValue: 'WebServer' },
    ]);
    const crls = await view({ view: 'CRL', restrict: '-CRLRowId', limit: 1 });
    expect(crls.rows[0]).toMatchObject({ CRLNameId: 0 });
    const file = join(ca.dir, 'view.crl');
    writeFileSync(file, toPem(crls.rows[0]!.CRLRawCRL as Uint8Array, 'X509 CRL'));
    const text = openssl(['crl', '-in', file, '-noout', '-text']);
    expect(text.status, text.output).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`CRL Number: *\\n *${crls.rows[0]!.CRLNumber}\\n`));
    await expect(view({ view: 'CRL', columns: ['Nope'] })).rejects.toThrow(
      /unknown column "Nope"; the columns are CRLRowId/,
    );
  });

  it('view schema lists the columns with their types and indexes', () => {
    const request = viewSchema('Request');
    expect(request).toContainEqual(expect.objectContaining({ name: 'RequestID', type: 'Long', indexed: true }));
    expect(request).toContainEqual(
      expect.objectContaining({ name: 'Request.Disposition', type: 'Long', indexed: true }),
    );
    expect(request).toContainEqual(expect.objectContaining({ name: 'NotAfter', type: 'Date' }));
    expect(request).toContainEqual(expect.objectContaining({ name: 'RawCertificate', type: 'Binary' }));
    expect(request).toContainEqual(expect.objectContaining({ name: 'CommonName', type: 'String', indexed: false }));
    expect(viewSchema('ext').map((c) => c.name)).toEqual([
      'ExtensionRequestId',
      'ExtensionName',
      'ExtensionFlags',
      'ExtensionRawValue',
    ]);
  });

  it('reads pages from an index in order, with no sort step (query plan)', () => {
    const db = new DatabaseSync(join(ca.dir, 'certexit.db'), { readOnly: true });
    try {
      const plan = (query: ViewRowsQuery) => {
        const { sql, params } = buildViewRowsSql(query);
        return db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((r) => String(r.detail))
          .join('\n');
      };
      const cases: Array<[ViewRowsQuery, RegExp]> = [
        [
          { table: 'requests', where: [], limit: 100, after: '500000' },
          /SEARCH r USING INTEGER PRIMARY KEY \(rowid>\?\)/,
        ],
        [
          {
            table: 'requests',
            where: [{ column: 'Disposition', op: '=', value: DB_DISP_ISSUED }],
            limit: 100,
            after: '500000',
          },
          /SEARCH r USING (COVERING )?INDEX requests_disposition \(disposition=\? AND rowid>\?\)/,
        ],
        [
          {
            table: 'requests',
            where: [{ column: 'Disposition', op: '=', value: DB_DISP_REVOKED }],
            limit: 100,
            descending: true,
          },
          /SEARCH r USING (COVERING )?INDEX requests_disposition \(disposition=\?\)/,
        ],
        [
          { table: 'requests', where: [{ column: 'SerialNumber', op: '=', value: 'ab' }], limit: 100 },
          /SEARCH c USING INDEX sqlite_autoindex_certificates_1 \(serial_number=\?\)/,
        ],
        [
          { table: 'extensions', where: [{ column: 'ExtensionRequestId', op: '=', value: 5 }], limit: 100 },
          /SEARCH e USING INDEX sqlite_autoindex_request_extensions_1 \(request_id=\?\)/,
        ],
        [
          { table: 'crls', where: [], limit: 100, after: '10', descending: true },
          /SEARCH l USING INTEGER PRIMARY KEY \(rowid<\?\)/,
        ],
      ];
      for (const [query, expected] of cases) {
        const text = plan(query);
        expect(text, JSON.stringify(query)).toMatch(expected);
        expect(text, JSON.stringify(query)).not.toMatch(/TEMP B-TREE/);
        expect(text, JSON.stringify(query)).not.toMatch(/^SCAN r$/m);
      }
      void DB_DISP_DENIED;
    } finally {
      db.close();
    }
  });
});
