import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { CertexitError, HRESULT_BAD_CONFIGURATION } from '@certexit/core';
import { loadWebhookSecrets } from './load-webhook-secrets';
import type { PostWebhookResult } from './post-webhook';
import { postWebhook } from './post-webhook';
import type { WebhookEndpoint } from './read-webhook-config';
import { signStandardWebhook } from './sign-standard-webhook';
import type { WebhookCloudEvent } from './webhook-event';

/** The content type of a CloudEvent in structured content mode, JSON format. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

/** What a delivery needs besides the endpoint and the event. */
export interface EndpointDeliveryContext {
  /** The `webhook-id`. */
  readonly webhookId: string;
  /** The signing time of this attempt. */
  readonly now: Date;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly warn?: (message: string) => void;
  /** Connections kept open per endpoint and trust store. */
  readonly agents?: Map<string, Agent>;
}

/**
 * Sends one CloudEvent to one endpoint: reads its secrets and CA file (at each delivery, so rotating a secret or a
 * CA needs no restart), serializes the event once, signs exactly those bytes and POSTs them.
 * @throws a {@link CertexitError} with `isRetryable` set (see `postWebhook`); a missing CA file or secret is a
 *   permanent `ERROR_BAD_CONFIGURATION`.
 */
export async function deliverToEndpoint(
  endpoint: WebhookEndpoint,
  event: WebhookCloudEvent,
  context: EndpointDeliveryContext,
): Promise<PostWebhookResult> {
  const where = `endpoint ${endpoint.name}`;
  const secrets = await loadWebhookSecrets({ file: endpoint.secretFile, env: endpoint.secretEnv }, where, {
    env: context.env,
    warn: context.warn,
  });
  let ca: string | undefined;
  if (endpoint.caFile !== undefined) {
    try {
      ca = await readFile(endpoint.caFile, 'utf8');
    } catch (cause) {
      throw new CertexitError({
        hresult: HRESULT_BAD_CONFIGURATION,
        message: `cannot read CAFile ${endpoint.caFile} of ${where}: ${(cause as NodeJS.ErrnoException).code ?? cause}`,
        isRetryable: false,
        cause,
      });
    }
  }
  const body = JSON.stringify(event);
  const headers = signStandardWebhook({ id: context.webhookId, timestamp: context.now, body }, secrets);
  let agent: Agent | undefined;
  if (context.agents && endpoint.url.protocol === 'https:') {
    const key = `${endpoint.name}\n${ca ?? ''}`;
    agent = context.agents.get(key);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: 4, ...(ca !== undefined && { ca }) });
      context.agents.set(key, agent);
    }
  }
  return postWebhook({
    url: endpoint.url,
    body,
    headers: { ...headers },
    contentType: CLOUDEVENTS_JSON,
    timeoutMs: endpoint.timeoutMs,
    ...(ca !== undefined && { ca }),
    ...(agent !== undefined && { agent }),
    ...(context.signal !== undefined && { signal: context.signal }),
  });
}
