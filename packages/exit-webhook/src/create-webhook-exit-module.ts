import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:https';
import type { ExitModuleFactoryV1, ExitModuleServices, ICertExit2 } from '@certexit/core';
import {
  CertexitError,
  createConfigReloader,
  E_FAIL,
  exitEventMaskNames,
  exitEventName,
  readEventId,
  runOnce,
  S_OK,
} from '@certexit/core';
import { buildCloudEvent, defaultCloudEventSource, webhookIdOf } from './build-cloud-event';
import { createWebhookManageModule, describeWebhookEndpoints } from './create-webhook-manage-module';
import { deliverToEndpoint } from './deliver-to-endpoint';
import type { WebhookEndpoint } from './read-webhook-config';
import { readWebhookConfig } from './read-webhook-config';
import { readWebhookEvent } from './read-webhook-event';
import { redactUrl } from './redact-url';
import { WEBHOOK_DESCRIPTION, WEBHOOK_PROGID } from './webhook-constants';
import type { WebhookExitModuleOptions } from './webhook-exit-module-options';

/**
 * The web hook exit module (`CertExit_Webhook.Exit`): posts each certificate event as a CloudEvent (structured
 * content mode) to every configured endpoint that asked for it, signed per Standard Webhooks with the endpoint's
 * secrets. Each endpoint's delivery is its own idempotent action (`webhook:<endpoint>`), so when one endpoint
 * fails, the host's retry sends to that one only. Failures say whether a retry can help: 5xx, 408, 429, timeouts
 * and connection errors are transient; other 4xx, redirects, a certificate that does not verify and bad
 * configuration are permanent.
 *
 * @example
 * ```ts
 * import { createWebhookExitModule } from '@certexit/exit-webhook';
 *
 * const factory = createWebhookExitModule(); // what `certexit module register` loads
 * ```
 */
export function createWebhookExitModule(options: WebhookExitModuleOptions = {}): ExitModuleFactoryV1 {
  return {
    specificationVersion: 'v1',
    progId: WEBHOOK_PROGID,
    version: __PACKAGE_VERSION__,
    create: (services) => _createWebhookExit(services, options),
  } satisfies ExitModuleFactoryV1;
}

export default createWebhookExitModule;

function _createWebhookExit(services: ExitModuleServices, options: WebhookExitModuleOptions): ICertExit2 {
  const now = options.now ?? (() => new Date());
  const { logger } = services;
  const agents = new Map<string, Agent>();
  const warned = new Set<string>();
  const warnOnce = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    logger.warn({}, message);
  };
  services.signal.addEventListener('abort', () => {
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
  });
  let caName = '';
  const config = createConfigReloader(services, {
    read: readWebhookConfig,
    lateEventsMessage:
      'the endpoints now ask for events the host was not told about at Initialize; restart the CA service to send them',
    onLoad: () => {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  });

  const manage = createWebhookManageModule({
    refresh: config.load,
    current: config.current,
    configPath: services.config.path,
    logger,
  });

  return {
    Initialize(strConfig) {
      caName = strConfig;
      const loaded = config.initialize();
      const subscribed = config.subscribed;
      if (loaded.endpoints.length === 0) {
        logger.warn(
          { configPath: services.config.path },
          `no usable endpoint under ${services.config.path}\\Endpoints: nothing will be sent (add one, then restart the CA service)`,
        );
      } else {
        logger.info(
          { endpoints: describeWebhookEndpoints(loaded), events: exitEventMaskNames(subscribed) },
          'web hook ready',
        );
      }
      return subscribed;
    },

    async Notify(ExitEvent, Context) {
      const event = ExitEvent >>> 0;
      const current = config.current();
      if (event === 0 || (event & (event - 1)) !== 0 || (event & config.subscribed) === 0) return S_OK;
      const wanted = current.endpoints.filter((e) => (e.eventMask & event) !== 0);
      if (wanted.length === 0) return S_OK;

      const server = services.createServerExit();
      await server.SetContext(Context);
      const facts = await readWebhookEvent(server, event);
      if (facts === undefined) return S_OK;
      const targets = wanted.filter(
        (e) => e.templates.length === 0 || (facts.template !== undefined && e.templates.includes(facts.template)),
      );
      if (targets.length === 0) return S_OK;

      const eventId = await readEventId(server);
      // Outside a host's delivery there is no EventID: the event still needs an id unique within its source.
      const id = eventId ?? `${caName}/${randomUUID()}`;
      const webhookId = webhookIdOf(id);
      const source = current.source ?? defaultCloudEventSource(caName);
      const at = now();
      const deliver = (endpoint: WebhookEndpoint) => {
        const cloudEvent = buildCloudEvent(facts, { source, id, fields: endpoint.fields, now: at });
        const send = () =>
          deliverToEndpoint(endpoint, cloudEvent, {
            webhookId,
            now: at,
            signal: services.signal,
            ...(options.env !== undefined && { env: options.env }),
            warn: warnOnce,
            agents,
          });
        return eventId === undefined
          ? send().then((value) => ({ status: 'ran' as const, value }))
          : runOnce(services.idempotency, { eventId, action: `webhook:${endpoint.name.toLowerCase()}` }, send);
      };
      const outcomes = await Promise.allSettled(targets.map(deliver));

      const failures: { endpoint: WebhookEndpoint; error: unknown }[] = [];
      outcomes.forEach((outcome, index) => {
        const endpoint = targets[index]!;
        const fields = { endpoint: endpoint.name, url: redactUrl(endpoint.url), type: facts.type, eventId: id };
        if (outcome.status === 'rejected') {
          failures.push({ endpoint, error: outcome.reason });
          logger.warn({ ...fields, error: _message(outcome.reason) }, `web hook to ${endpoint.name} failed`);
        } else if (outcome.value.status === 'ran') {
          logger.info({ ...fields, httpStatus: outcome.value.value.status }, `web hook to ${endpoint.name} delivered`);
        } else {
          logger.debug(fields, `web hook to ${endpoint.name} was already delivered`);
        }
      });
      if (failures.length > 0) throw _aggregate(failures, targets.length, exitEventName(event));
      return S_OK;
    },

    GetDescription: () => WEBHOOK_DESCRIPTION,

    GetManageModule: () => manage,
  } satisfies ICertExit2;
}

/**
 * One error for the notification: transient when any endpoint may pass on a retry (the retry resends only to the
 * endpoints that failed), permanent when none can.
 */
function _aggregate(
  failures: readonly { endpoint: WebhookEndpoint; error: unknown }[],
  total: number,
  eventName: string,
): CertexitError {
  const retryable = failures.filter((f) => (f.error as { isRetryable?: unknown }).isRetryable !== false);
  const lead = retryable[0] ?? failures[0]!;
  return new CertexitError({
    hresult: CertexitError.isInstance(lead.error) ? lead.error.hresult : E_FAIL,
    source: WEBHOOK_PROGID,
    message: `${eventName}: ${failures.length} of ${total} endpoints failed: ${failures
      .map((f) => `${f.endpoint.name}: ${_message(f.error)}`)
      .join('; ')}`,
    isRetryable: retryable.length > 0,
    cause: lead.error,
  });
}

function _message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
