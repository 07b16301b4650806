/**
 * @certexit/exit-webhook: the web hook exit module (`CertExit_Webhook.Exit`), and the Standard Webhooks signer and
 * HTTPS sender it is built on (other modules reuse them, e.g. the inventory's expiry report).
 * @packageDocumentation
 */
export { buildCloudEvent, defaultCloudEventSource, webhookIdOf } from './build-cloud-event';
export { createWebhookExitModule, createWebhookExitModule as default } from './create-webhook-exit-module';
export { createWebhookManageModule, describeWebhookEndpoints } from './create-webhook-manage-module';
export { CLOUDEVENTS_JSON, deliverToEndpoint, type EndpointDeliveryContext } from './deliver-to-endpoint';
export { loadWebhookSecrets, type WebhookSecretSource } from './load-webhook-secrets';
export { isLoopbackHost, type PostWebhookOptions, type PostWebhookResult, postWebhook } from './post-webhook';
export { readWebhookConfig, type WebhookConfig, type WebhookEndpoint } from './read-webhook-config';
export { readWebhookEvent, type WebhookEventFacts } from './read-webhook-event';
export { redactUrl } from './redact-url';
export { type StandardWebhookHeaders, type StandardWebhookMessage, signStandardWebhook } from './sign-standard-webhook';
export {
  WEBHOOK_DEFAULT_ENDPOINT_EVENTS,
  WEBHOOK_DEFAULT_TIMEOUT_MS,
  WEBHOOK_DESCRIPTION,
  WEBHOOK_ENDPOINTS_KEY,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_PROGID,
  WEBHOOK_SUPPORTED_EVENTS,
  WEBHOOK_VALUE_NAMES,
  type WebhookEventType,
} from './webhook-constants';
export type {
  WebhookCertificateData,
  WebhookCloudEvent,
  WebhookCrlData,
  WebhookRevocation,
} from './webhook-event';
export type { WebhookExitModuleOptions } from './webhook-exit-module-options';
export { resolveWebhookFields, WEBHOOK_FIELD_PRESETS, WEBHOOK_FIELDS, type WebhookField } from './webhook-fields';
export {
  generateWebhookSecret,
  parseWebhookSecrets,
  WEBHOOK_SECRET_PREFIX,
  type WebhookSecret,
} from './webhook-secret';
