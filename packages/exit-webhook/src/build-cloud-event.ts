import type { WebhookEventFacts } from './read-webhook-event';
import type { WebhookCertificateData, WebhookCloudEvent } from './webhook-event';
import type { WebhookField } from './webhook-fields';

/** What {@link buildCloudEvent} needs besides the facts. */
export interface CloudEventContext {
  /** The CloudEvents `source`: the CA. */
  readonly source: string;
  /** The notification's EventID. */
  readonly id: string;
  /** The fields the endpoint receives (certificate events; a CRL event's data has no personal data). */
  readonly fields: ReadonlySet<WebhookField>;
  /** Used for `time` when the CA recorded none. */
  readonly now: Date;
}

/**
 * The CloudEvent an endpoint receives: the facts of the notification with only the chosen fields in `data`, and
 * the serial number as `subject` when the endpoint receives it.
 */
export function buildCloudEvent(facts: WebhookEventFacts, context: CloudEventContext): WebhookCloudEvent {
  let data = facts.data;
  let subject: string | undefined;
  if (facts.kind === 'certificate') {
    const full = facts.data as WebhookCertificateData;
    data = Object.fromEntries(
      Object.entries(full).filter(([key]) => context.fields.has(key as WebhookField)),
    ) as WebhookCertificateData;
    if (context.fields.has('serialNumber')) subject = full.serialNumber;
  }
  return {
    specversion: '1.0',
    type: facts.type,
    source: context.source,
    id: context.id,
    time: (facts.time ?? context.now).toISOString(),
    ...(subject !== undefined && { subject }),
    datacontenttype: 'application/json',
    data,
  };
}

/** The default CloudEvents `source` of a CA: `urn:certexit:ca:<CA name, percent-encoded>`. */
export function defaultCloudEventSource(caName: string): string {
  return `urn:certexit:ca:${encodeURIComponent(caName)}`;
}

/**
 * The `webhook-id` of a notification: its EventID with every character outside `[A-Za-z0-9_-]` percent-encoded
 * (`certexit Test CA/42` → `certexit%20Test%20CA%2F42`), so it stays readable, the same on every attempt, and
 * free of the `.` the signature scheme forbids.
 */
export function webhookIdOf(eventId: string): string {
  return Array.from(new TextEncoder().encode(eventId), (byte) =>
    /[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) && byte < 0x80
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}
