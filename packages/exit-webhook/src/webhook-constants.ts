import {
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_REQUESTS_AND_CRL,
} from '@certexit/core';

/** The web hook module's ProgID (`<App>.Exit`), under which it is registered and configured. */
export const WEBHOOK_PROGID = 'CertExit_Webhook.Exit';

/** What `GetDescription` returns. */
export const WEBHOOK_DESCRIPTION = 'certexit web hook (signed CloudEvents over HTTPS)';

/**
 * The events an endpoint can ask for: every request event and CRL issuance (`0x23F`). Shutdown is left out: a CA
 * going down should not wait on remote servers.
 */
export const WEBHOOK_SUPPORTED_EVENTS = EXITEVENT_REQUESTS_AND_CRL;

/** The events an endpoint receives when its `EventMask` is not set: issuance, revocation and import. */
export const WEBHOOK_DEFAULT_ENDPOINT_EVENTS = EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED | EXITEVENT_CERTIMPORTED;

/** The subkey of the module's key that holds one subkey per endpoint. */
export const WEBHOOK_ENDPOINTS_KEY = 'Endpoints';

/** The value names under the module's key and under each `Endpoints\<name>` subkey. */
export const WEBHOOK_VALUE_NAMES = {
  /** REG_SZ, module key: the CloudEvents `source`. */
  Source: 'Source',
  /** REG_SZ, module key or endpoint: PEM file of the CAs trusted for the endpoint's TLS certificate. */
  CAFile: 'CAFile',
  /** REG_DWORD, module key or endpoint: request timeout in milliseconds. */
  TimeoutMs: 'TimeoutMs',
  /** REG_SZ, endpoint: the `https://` URL to POST to. */
  Url: 'Url',
  /** REG_SZ, endpoint: a file holding the endpoint's `whsec_` secrets, newest first, separated by white space. */
  SecretFile: 'SecretFile',
  /** REG_SZ, endpoint: the name of an environment variable holding the secrets (same format). */
  SecretEnv: 'SecretEnv',
  /** REG_DWORD, endpoint: the `EXITEVENT_*` bits it receives. */
  EventMask: 'EventMask',
  /** REG_MULTI_SZ, endpoint: the certificate templates (names or OIDs) it receives; empty or absent: all. */
  Templates: 'Templates',
  /** REG_MULTI_SZ, endpoint: the `data` fields it receives (field names and presets); absent: `all`. */
  Fields: 'Fields',
  /** REG_DWORD, endpoint: 0 turns it off without deleting it. */
  Enabled: 'Enabled',
} as const;

/** @default 10 s: the Standard Webhooks recommendation is 15–30 s; a CA's outbox retries, so fail sooner. */
export const WEBHOOK_DEFAULT_TIMEOUT_MS = 10_000;

/** The CloudEvents `type` of each event, `com.certexit.<object>.<what happened>`. */
export const WEBHOOK_EVENT_TYPES = {
  issued: 'com.certexit.certificate.issued',
  pending: 'com.certexit.request.pending',
  denied: 'com.certexit.request.denied',
  revoked: 'com.certexit.certificate.revoked',
  /** `EXITEVENT_CERTREVOKED` on a certificate released from hold (`certutil -revoke <serial> unrevoke`). */
  unrevoked: 'com.certexit.certificate.unrevoked',
  retrieved: 'com.certexit.certificate.retrieved',
  imported: 'com.certexit.certificate.imported',
  crlIssued: 'com.certexit.crl.issued',
} as const;

/** A CloudEvents `type` this module sends. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[keyof typeof WEBHOOK_EVENT_TYPES];
