import type { ICertServerExit } from '@certexit/core';
import {
  CA_DISP_VALID,
  DB_DISP_ISSUED,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  PROPTYPE_BINARY,
  PROPTYPE_DATE,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readOptional,
} from '@certexit/core';
import type { WebhookEventType } from './webhook-constants';
import { WEBHOOK_EVENT_TYPES } from './webhook-constants';
import type { WebhookCertificateData, WebhookCrlData } from './webhook-event';

/** Everything one notification can tell an endpoint, read once per `Notify` and then cut per endpoint. */
export interface WebhookEventFacts {
  readonly type: WebhookEventType;
  /** When it happened; the notification's own time when the CA records none (an unrevoke, a CRL). */
  readonly time: Date | undefined;
  /** Lower-cased, for the template filters; `undefined` for CA events and certificates without one. */
  readonly template: string | undefined;
  /** Every field; the endpoint's `Fields` choose. */
  readonly data: WebhookCertificateData | WebhookCrlData;
  readonly kind: 'certificate' | 'crl';
}

/**
 * Reads the facts of a notification through a callback object already set to its context. Empty properties
 * (`CERTSRV_E_PROPERTY_EMPTY`) are left out; other read failures propagate.
 * @returns `undefined` for an event this module does not send.
 */
export async function readWebhookEvent(server: ICertServerExit, event: number): Promise<WebhookEventFacts | undefined> {
  const ca = <T extends number>(name: string, type: T) => readOptional(() => server.GetCertificateProperty(name, type));
  if (event === EXITEVENT_CRLISSUED) {
    const count = (await ca('CertCount', PROPTYPE_LONG)) ?? 0;
    const crls: { index: number; crlIndex?: number }[] = [];
    for (let index = 0; index < count; index++) {
      if ((await ca(`CRLState.${index}`, PROPTYPE_LONG)) !== CA_DISP_VALID) continue;
      const crlIndex = await ca(`CRLIndex.${index}`, PROPTYPE_LONG);
      crls.push(crlIndex === undefined ? { index } : { index, crlIndex });
    }
    const data: WebhookCrlData = { caCertificateCount: count, crls };
    return { type: WEBHOOK_EVENT_TYPES.crlIssued, time: undefined, template: undefined, data, kind: 'crl' };
  }

  const request = <T extends number>(name: string, type: T) =>
    readOptional(() => server.GetRequestProperty(name, type));
  const disposition = await request('Disposition', PROPTYPE_LONG);
  let type: WebhookEventType;
  switch (event) {
    case EXITEVENT_CERTISSUED:
      type = WEBHOOK_EVENT_TYPES.issued;
      break;
    case EXITEVENT_CERTPENDING:
      type = WEBHOOK_EVENT_TYPES.pending;
      break;
    case EXITEVENT_CERTDENIED:
      type = WEBHOOK_EVENT_TYPES.denied;
      break;
    case EXITEVENT_CERTREVOKED:
      // Releasing a hold raises the same event; the row is issued again.
      type = disposition === DB_DISP_ISSUED ? WEBHOOK_EVENT_TYPES.unrevoked : WEBHOOK_EVENT_TYPES.revoked;
      break;
    case EXITEVENT_CERTRETRIEVEPENDING:
      type = WEBHOOK_EVENT_TYPES.retrieved;
      break;
    case EXITEVENT_CERTIMPORTED:
      type = WEBHOOK_EVENT_TYPES.imported;
      break;
    default:
      return undefined;
  }
  const revoked = type === WEBHOOK_EVENT_TYPES.revoked;
  const revokedWhen = revoked ? await request('RevokedWhen', PROPTYPE_DATE) : undefined;
  const template = await ca('CertificateTemplate', PROPTYPE_STRING);
  const raw = await ca('RawCertificate', PROPTYPE_BINARY);
  const revocation = revoked
    ? _defined({
        reason: await request('RevokedReason', PROPTYPE_LONG),
        revokedWhen: revokedWhen?.toISOString(),
        effectiveWhen: (await request('RevokedEffectiveWhen', PROPTYPE_DATE))?.toISOString(),
      })
    : undefined;
  const data: WebhookCertificateData = _defined({
    requestId: await request('RequestID', PROPTYPE_LONG),
    disposition,
    dispositionMessage: await request('DispositionMessage', PROPTYPE_STRING),
    requester: await request('RequesterName', PROPTYPE_STRING),
    template,
    subject:
      (await ca('DistinguishedName', PROPTYPE_STRING)) ?? (await request('Request.DistinguishedName', PROPTYPE_STRING)),
    serialNumber: await ca('SerialNumber', PROPTYPE_STRING),
    notBefore: (await ca('NotBefore', PROPTYPE_DATE))?.toISOString(),
    notAfter: (await ca('NotAfter', PROPTYPE_DATE))?.toISOString(),
    thumbprint: await ca('CertificateHash', PROPTYPE_STRING),
    subjectKeyIdentifier: await ca('SubjectKeyIdentifier', PROPTYPE_STRING),
    revocation,
    certificate: raw === undefined ? undefined : Buffer.from(raw).toString('base64'),
  });
  const time =
    type === WEBHOOK_EVENT_TYPES.revoked
      ? revokedWhen
      : type === WEBHOOK_EVENT_TYPES.pending
        ? await request('SubmittedWhen', PROPTYPE_DATE)
        : type === WEBHOOK_EVENT_TYPES.unrevoked
          ? undefined
          : await request('ResolvedWhen', PROPTYPE_DATE);
  return { type, time, template: template?.toLowerCase(), data, kind: 'certificate' };
}

function _defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
