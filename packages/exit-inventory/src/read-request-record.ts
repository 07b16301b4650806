import type { ICertServerExit } from '@certexit/core';
import {
  DB_DISP_REVOKED,
  EXITEVENT_CERTREVOKED,
  enumerateAttributeNames,
  enumerateExtensionOids,
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readOptional,
} from '@certexit/core';
import type { InventoryExtension, InventoryRecordBase, InventoryRequestRecord } from './inventory-record';
import { withoutUndefined } from './without-undefined';

/**
 * Builds the record of a request event from a server-exit object already bound with `SetContext`. Empty properties
 * are left out; any other read failure propagates (the host then logs the failed `Notify`).
 */
export async function readRequestRecord(
  server: ICertServerExit,
  event: number,
  base: InventoryRecordBase,
): Promise<InventoryRequestRecord> {
  const request = <T extends number>(name: string, type: T) =>
    readOptional(() => server.GetRequestProperty(name, type));
  const certificate = <T extends number>(name: string, type: T) =>
    readOptional(() => server.GetCertificateProperty(name, type));

  const disposition = await request('Disposition', PROPTYPE_LONG);
  // Revocation columns are only meaningful on revoked rows; an unrevoke also arrives as CERTREVOKED and clears them.
  const revoked = event === EXITEVENT_CERTREVOKED || disposition === DB_DISP_REVOKED;

  return withoutUndefined({
    ...base,
    RequestID: await request('RequestID', PROPTYPE_LONG),
    RequesterName: await request('RequesterName', PROPTYPE_STRING),
    Disposition: disposition,
    DispositionMessage: await request('DispositionMessage', PROPTYPE_STRING),
    CertificateTemplate: await certificate('CertificateTemplate', PROPTYPE_STRING),
    SerialNumber: await certificate('SerialNumber', PROPTYPE_STRING),
    NotBefore: _iso(await certificate('NotBefore', PROPTYPE_DATE)),
    NotAfter: _iso(await certificate('NotAfter', PROPTYPE_DATE)),
    DistinguishedName: await certificate('DistinguishedName', PROPTYPE_STRING),
    RequestDistinguishedName: await request('Request.DistinguishedName', PROPTYPE_STRING),
    CertificateHash: await certificate('CertificateHash', PROPTYPE_STRING),
    SubjectKeyIdentifier: await certificate('SubjectKeyIdentifier', PROPTYPE_STRING),
    RevokedReason: revoked ? await request('RevokedReason', PROPTYPE_LONG) : undefined,
    RevokedWhen: revoked ? _iso(await request('RevokedWhen', PROPTYPE_DATE)) : undefined,
    RevokedEffectiveWhen: revoked ? _iso(await request('RevokedEffectiveWhen', PROPTYPE_DATE)) : undefined,
    extensions: await _readExtensions(server),
    attributes: await _readAttributes(server),
  });
}

// Attribute names that carry secrets (the KEYGEN `Challenge`/`ExpectedChallenge`, enrollment passwords): an
// inventory file and its log lines must not become a copy of them.
const _SECRET_ATTRIBUTE = /challenge|password|secret/i;

async function _readExtensions(server: ICertServerExit): Promise<InventoryExtension[]> {
  // The OIDs first, the flags after the cursor is closed (enumerateExtensionOids says why).
  const extensions: InventoryExtension[] = [];
  for (const oid of await enumerateExtensionOids(server)) {
    // The flags belong to the most recent GetCertificateExtension, so read the value first, one OID at a time.
    const value = await readOptional(() => server.GetCertificateExtension(oid, PROPTYPE_BINARY));
    extensions.push(value === undefined ? { oid } : { oid, flags: await server.GetCertificateExtensionFlags() });
  }
  return extensions;
}

async function _readAttributes(server: ICertServerExit): Promise<Record<string, string>> {
  const attributes: Record<string, string> = {};
  for (const name of await enumerateAttributeNames(server)) {
    const value = await readOptional(() => server.GetRequestAttribute(name));
    if (value !== undefined) attributes[name] = _SECRET_ATTRIBUTE.test(name) ? '[redacted]' : value;
  }
  return attributes;
}

function _iso(date: Date | undefined): string | undefined {
  return date?.toISOString();
}
