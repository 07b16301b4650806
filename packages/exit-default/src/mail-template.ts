import type { RegistryKey, RegistryKeyDeclaration } from '@certexit/core';
import {
  declareRegistryValues,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  EXITEVENT_STARTUP,
} from '@certexit/core';
import { SMTP_KEY, SMTP_VALUES } from './smtp-settings';

/** The message of one event: addresses, and subject and body with their `%1…%n` property names. */
export interface MailTemplate {
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly cc: string | undefined;
  readonly titleFormat: string;
  readonly titleArg: readonly string[];
  /** One string per line. */
  readonly bodyFormat: readonly string[];
  readonly bodyArg: readonly string[];
}

/**
 * The event subkeys (`wszREGEXIT*KEY`). There is no `RetrievePending` key: a certificate retrieved after being
 * pending is an issuance, so it uses `Issued`.
 */
export const MAIL_EVENT_KEYS: ReadonlyMap<number, string> = new Map([
  [EXITEVENT_CERTISSUED, 'Issued'],
  [EXITEVENT_CERTRETRIEVEPENDING, 'Issued'],
  [EXITEVENT_CERTPENDING, 'Pending'],
  [EXITEVENT_CERTDENIED, 'Denied'],
  [EXITEVENT_CERTREVOKED, 'Revoked'],
  [EXITEVENT_CRLISSUED, 'CRLIssued'],
  [EXITEVENT_SHUTDOWN, 'Shutdown'],
  [EXITEVENT_STARTUP, 'Startup'],
  [EXITEVENT_CERTIMPORTED, 'Imported'],
]);

/** The template name used when a request's template has no key of its own. */
export const DEFAULT_TEMPLATE_KEY = 'Default';

/**
 * The values of a message key: `SMTP\\<Event>`, `SMTP\\Templates\\<template>\\<Event>` and
 * `SMTP\\Templates\\Default\\<Event>`. Each not set anywhere takes the built-in message of the event.
 */
export const MAIL_TEMPLATE_VALUES = declareRegistryValues({
  From: { type: 'REG_SZ', meaning: 'The sender address.' },
  To: { type: 'REG_SZ', meaning: "The recipients (comma-separated); the requester's e-mail when not set." },
  Cc: { type: 'REG_SZ', meaning: 'Copy recipients (comma-separated).' },
  TitleFormat: { type: 'REG_SZ', meaning: 'The subject, with %1…%n replaced by the TitleArg properties.' },
  TitleArg: { type: 'REG_MULTI_SZ', meaning: 'The property names of the subject placeholders.' },
  BodyFormat: { type: 'REG_MULTI_SZ', meaning: 'The body, one entry per line, with %1…%n replaced by BodyArg.' },
  BodyArg: { type: 'REG_MULTI_SZ', meaning: 'The property names of the body placeholders.' },
});

/** The `SMTP` key: its values, a message key per event, and per certificate template under `Templates`. */
export const SMTP_KEY_DECLARATION: RegistryKeyDeclaration = (() => {
  const message: RegistryKeyDeclaration = { values: MAIL_TEMPLATE_VALUES };
  const perEvent = Object.fromEntries([...new Set(MAIL_EVENT_KEYS.values())].map((name) => [name, message]));
  return {
    values: SMTP_VALUES,
    subkeys: { ...perEvent, Templates: { values: {}, subkeys: { '*': { values: {}, subkeys: perEvent } } } },
  };
})();

const _REQUEST_LINES = [
  'Request ID: %2',
  'Requester: %3',
  'Certificate template: %4',
  'Subject: %5',
  'Disposition: %6',
];
const _REQUEST_ARGS = [
  'SanitizedCAName',
  'Request.RequestID',
  'Request.RequesterName',
  'CertificateTemplate',
  'Request.DistinguishedName',
  'Request.DispositionMessage',
];

/** certexit's own texts, used for whatever the configuration leaves out. */
export const DEFAULT_MAIL_TEMPLATES: ReadonlyMap<string, MailTemplate> = new Map(
  (
    [
      [
        'Issued',
        'Certificate issued by %1 (request %2)',
        [
          'The certification authority %1 issued a certificate.',
          ..._REQUEST_LINES,
          'Serial number: %7',
          'Valid from %8 to %9',
        ],
        [..._REQUEST_ARGS, 'SerialNumber', 'NotBefore', 'NotAfter'],
      ],
      [
        'Pending',
        'Certificate request %2 is pending at %1',
        ['The certification authority %1 holds a certificate request for approval by a CA manager.', ..._REQUEST_LINES],
        _REQUEST_ARGS,
      ],
      [
        'Denied',
        'Certificate request %2 was denied by %1',
        ['The certification authority %1 denied a certificate request.', ..._REQUEST_LINES, 'Status: %7'],
        [..._REQUEST_ARGS, 'Request.StatusCode'],
      ],
      [
        'Revoked',
        'Certificate of request %2 was revoked by %1',
        [
          'The certification authority %1 revoked a certificate.',
          ..._REQUEST_LINES,
          'Serial number: %7',
          'Revocation reason (CRL reason code): %8',
          'Effective: %9',
        ],
        [..._REQUEST_ARGS, 'SerialNumber', 'Request.RevokedReason', 'Request.RevokedEffectiveWhen'],
      ],
      [
        'Imported',
        'Certificate imported into %1 (request %2)',
        [
          'A certificate was imported into the database of the certification authority %1.',
          ..._REQUEST_LINES,
          'Serial number: %7',
        ],
        [..._REQUEST_ARGS, 'SerialNumber'],
      ],
      [
        'CRLIssued',
        'CRL published by %1',
        ['The certification authority %1 on %2 published a new CRL.'],
        ['SanitizedCAName', 'MachineDNSName'],
      ],
      [
        'Startup',
        'Certificate Services started: %1',
        ['The certification authority %1 on %2 started.'],
        ['SanitizedCAName', 'MachineDNSName'],
      ],
      [
        'Shutdown',
        'Certificate Services stopped: %1',
        ['The certification authority %1 on %2 is stopping.'],
        ['SanitizedCAName', 'MachineDNSName'],
      ],
    ] as const
  ).map(([key, titleFormat, bodyFormat, bodyArg]) => [
    key,
    {
      from: undefined,
      to: undefined,
      cc: undefined,
      titleFormat,
      titleArg: ['SanitizedCAName', 'Request.RequestID'],
      bodyFormat,
      bodyArg,
    },
  ]),
);

/**
 * The message for `event` and the request's certificate `template`: each value is taken from the first of
 * `SMTP\Templates\<template>\<Event>`, `SMTP\Templates\Default\<Event>`, `SMTP\<Event>` that has it, else from
 * {@link DEFAULT_MAIL_TEMPLATES}. A format and its argument list travel together (`TitleFormat` with `TitleArg`,
 * `BodyFormat` with `BodyArg`), so a `%3` never meets another key's third argument.
 * @returns `undefined` for an event that has no mail.
 */
export function resolveMailTemplate(
  config: RegistryKey,
  event: number,
  template: string | undefined,
): MailTemplate | undefined {
  const eventKey = MAIL_EVENT_KEYS.get(event);
  if (eventKey === undefined) return undefined;
  const smtp = config.openSubKey(SMTP_KEY);
  const keys: RegistryKey[] = [];
  if (template && !/[\\]/.test(template)) keys.push(smtp.openSubKey(`Templates\\${template}\\${eventKey}`));
  keys.push(smtp.openSubKey(`Templates\\${DEFAULT_TEMPLATE_KEY}\\${eventKey}`), smtp.openSubKey(eventKey));
  const defaults = DEFAULT_MAIL_TEMPLATES.get(eventKey)!;
  const first = (name: string): string | string[] | undefined => {
    for (const key of keys) {
      const value = key.getValue(name);
      if (typeof value === 'string' || Array.isArray(value)) return value as string | string[];
    }
    return undefined;
  };
  const firstKey = (name: string): RegistryKey | undefined => keys.find((k) => k.getValue(name) !== undefined);
  const titleKey = firstKey(MAIL_TEMPLATE_VALUES.TitleFormat.name);
  const bodyKey = firstKey(MAIL_TEMPLATE_VALUES.BodyFormat.name);
  return {
    from: _single(first(MAIL_TEMPLATE_VALUES.From.name)),
    to: _single(first(MAIL_TEMPLATE_VALUES.To.name)),
    cc: _single(first(MAIL_TEMPLATE_VALUES.Cc.name)),
    titleFormat: titleKey
      ? (_single(titleKey.getValue(MAIL_TEMPLATE_VALUES.TitleFormat.name) as string | string[]) ?? '')
      : defaults.titleFormat,
    titleArg: titleKey
      ? _multi(titleKey.getValue(MAIL_TEMPLATE_VALUES.TitleArg.name) as string | string[] | undefined)
      : defaults.titleArg,
    bodyFormat: bodyKey
      ? _multi(bodyKey.getValue(MAIL_TEMPLATE_VALUES.BodyFormat.name) as string | string[] | undefined)
      : defaults.bodyFormat,
    bodyArg: bodyKey
      ? _multi(bodyKey.getValue(MAIL_TEMPLATE_VALUES.BodyArg.name) as string | string[] | undefined)
      : defaults.bodyArg,
  };
}

function _single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text?.trim() ? text.trim() : undefined;
}

function _multi(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : value.split('\n');
}
