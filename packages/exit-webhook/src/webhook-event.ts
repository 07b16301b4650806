import type { WebhookEventType } from './webhook-constants';

/** The revocation of a certificate, in `data.revocation`. */
export interface WebhookRevocation {
  /** The CRL reason code (0–6, 8). */
  readonly reason?: number;
  /** When the revocation was recorded, ISO 8601. */
  readonly revokedWhen?: string;
  /** When it takes effect, ISO 8601. */
  readonly effectiveWhen?: string;
}

/** `data` of a request or certificate event: the fields an endpoint chose (`Fields`). Absent values are left out. */
export interface WebhookCertificateData {
  readonly requestId?: number;
  /** `DB_DISP_*`: 9 pending, 20 issued, 21 revoked, 31 denied, … */
  readonly disposition?: number;
  readonly dispositionMessage?: string;
  /** `DOMAIN\user` of the requester. */
  readonly requester?: string;
  /** The template name or OID. */
  readonly template?: string;
  /** The issued subject, or the requested one before issuance. */
  readonly subject?: string;
  /** Lower-case hex, as the CA stores it. */
  readonly serialNumber?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** SHA-1 thumbprint, hex. */
  readonly thumbprint?: string;
  readonly subjectKeyIdentifier?: string;
  readonly revocation?: WebhookRevocation;
  /** The certificate, DER in base64. */
  readonly certificate?: string;
}

/** `data` of `com.certexit.crl.issued`. */
export interface WebhookCrlData {
  /** The number of CA certificates (renewals + 1). */
  readonly caCertificateCount?: number;
  /** One entry per CA certificate index whose key publishes CRLs. */
  readonly crls: readonly { readonly index: number; readonly crlIndex?: number }[];
}

/**
 * A CloudEvents 1.0 event in structured content mode (`application/cloudevents+json`): the body of every delivery.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface WebhookCloudEvent {
  readonly specversion: '1.0';
  /** `com.certexit.certificate.issued`, … */
  readonly type: WebhookEventType;
  /** The CA (`Source`, or `urn:certexit:ca:<CA name>`). */
  readonly source: string;
  /** The notification's `EventID`, the same on every attempt and for every endpoint. */
  readonly id: string;
  /** When it happened (issued, revoked, …), ISO 8601. */
  readonly time: string;
  /** The certificate's serial number, when the endpoint receives it. */
  readonly subject?: string;
  readonly datacontenttype: 'application/json';
  readonly data: WebhookCertificateData | WebhookCrlData;
}
