import { describe, expect, it } from 'vitest';
import { buildCloudEvent, defaultCloudEventSource, webhookIdOf } from './build-cloud-event';
import { WEBHOOK_EVENT_TYPES } from './webhook-constants';
import { resolveWebhookFields } from './webhook-fields';

describe('webhookIdOf', () => {
  it('keeps the EventID readable, stable and free of dots', () => {
    expect(webhookIdOf('certexit Test CA/42')).toBe('certexit%20Test%20CA%2F42');
    expect(webhookIdOf('contoso.com Issuing CA/7')).toBe('contoso%2Ecom%20Issuing%20CA%2F7');
    expect(webhookIdOf('Zürich CA/1')).toBe('Z%C3%BCrich%20CA%2F1');
    expect(webhookIdOf('a/1')).toBe(webhookIdOf('a/1'));
  });
});

describe('buildCloudEvent', () => {
  const facts = {
    type: WEBHOOK_EVENT_TYPES.issued,
    time: new Date('2026-03-01T12:00:00Z'),
    template: 'user',
    kind: 'certificate' as const,
    data: { requestId: 7, requester: 'CONTOSO\\bob', serialNumber: '1a2b', certificate: 'MIIB' },
  };

  it('carries only the chosen fields, and the serial number as subject only when chosen', () => {
    const status = buildCloudEvent(facts, {
      source: defaultCloudEventSource('Contoso CA'),
      id: 'Contoso CA/7',
      fields: resolveWebhookFields(['status']).fields,
      now: new Date(),
    });
    expect(status).toEqual({
      specversion: '1.0',
      type: 'com.certexit.certificate.issued',
      source: 'urn:certexit:ca:Contoso%20CA',
      id: 'Contoso CA/7',
      time: '2026-03-01T12:00:00.000Z',
      subject: '1a2b',
      datacontenttype: 'application/json',
      data: { requestId: 7, serialNumber: '1a2b' },
    });
    const bare = buildCloudEvent(facts, { source: 's', id: 'i', fields: new Set(['requestId']), now: new Date() });
    expect(bare.data).toEqual({ requestId: 7 });
    expect(bare).not.toHaveProperty('subject');
  });
});

describe('resolveWebhookFields', () => {
  it('takes field and preset names case-insensitively and reports unknown ones', () => {
    const { fields, unknown } = resolveWebhookFields(['Status', 'CERTIFICATE', 'ssn']);
    expect(fields.has('certificate')).toBe(true);
    expect(fields.has('serialNumber')).toBe(true);
    expect(fields.has('requester')).toBe(false);
    expect(unknown).toEqual(['ssn']);
    expect(resolveWebhookFields(undefined).fields.size).toBe(13);
  });
});
