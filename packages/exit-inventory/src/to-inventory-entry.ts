import {
  DB_DISP_FOREIGN,
  DB_DISP_ISSUED,
  DB_DISP_REVOKED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
} from '@certexit/core';
import type { InventoryRequestRecord } from './inventory-record';
import type { InventoryEntry, InventoryEntryEvent } from './store/inventory-entry';
import { withoutUndefined } from './without-undefined';

/** The events that change the inventory table: issued, retrieved (issued after pending), imported, revoked. */
export const INVENTORY_TABLE_EVENTS =
  EXITEVENT_CERTISSUED | EXITEVENT_CERTRETRIEVEPENDING | EXITEVENT_CERTIMPORTED | EXITEVENT_CERTREVOKED;

/**
 * The inventory entry a request event's record makes, or `undefined` when the event does not put a certificate
 * into the table (pending, denied, a row without a certificate). The row is read as it is when the notification is
 * delivered, so `EXITEVENT_CERTREVOKED` on a row that is issued again is a release from hold (`unrevoked`).
 */
export function toInventoryEntry(
  record: InventoryRequestRecord,
  event: number,
  eventId?: string,
): Omit<InventoryEntry, 'updatedAt'> | undefined {
  if ((event & INVENTORY_TABLE_EVENTS) === 0 || record.SerialNumber === undefined) return undefined;
  const revoked = record.Disposition === DB_DISP_REVOKED;
  // Issued, revoked, or imported from another CA (DB_DISP_FOREIGN, inventoried as issued); nothing else has a
  // certificate the inventory tracks.
  const d = record.Disposition;
  if (!revoked && d !== undefined && d !== DB_DISP_ISSUED && d !== DB_DISP_FOREIGN) return undefined;
  let lastEvent: InventoryEntryEvent;
  if (event === EXITEVENT_CERTREVOKED) lastEvent = revoked ? 'revoked' : 'unrevoked';
  else if (event === EXITEVENT_CERTRETRIEVEPENDING) lastEvent = 'retrieved';
  else if (event === EXITEVENT_CERTIMPORTED) lastEvent = 'imported';
  else lastEvent = 'issued';
  return withoutUndefined({
    serialNumber: record.SerialNumber,
    ca: record.ca,
    requestId: record.RequestID,
    requester: record.RequesterName,
    template: record.CertificateTemplate,
    subject: record.DistinguishedName,
    notBefore: record.NotBefore,
    notAfter: record.NotAfter,
    thumbprint: record.CertificateHash,
    status: revoked ? 'revoked' : 'issued',
    revokedReason: revoked ? record.RevokedReason : undefined,
    revokedWhen: revoked ? record.RevokedWhen : undefined,
    lastEvent,
    lastEventId: eventId,
  }) as Omit<InventoryEntry, 'updatedAt'>;
}
