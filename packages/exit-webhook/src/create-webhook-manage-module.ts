import type { ICertManageModule, Logger } from '@certexit/core';
import { CMM_REFRESHONLY, createManageModule } from '@certexit/core';
import type { WebhookConfig } from './read-webhook-config';
import { redactUrl } from './redact-url';

/** What the manage module needs from the exit module it belongs to. */
export interface WebhookManageModuleHooks {
  /** Re-reads the configuration (`Configure(CMM_REFRESHONLY)`). */
  refresh(): WebhookConfig;
  current(): WebhookConfig;
  readonly configPath: string;
  readonly logger: Logger;
}

/**
 * The web hook's `ICertManageModule` (`CertExit_Webhook.ExitManage`): the five standard properties, a
 * `SetProperty` that changes nothing, and a `Configure` that reloads the endpoints (`CMM_REFRESHONLY`) or logs them.
 */
export function createWebhookManageModule(hooks: WebhookManageModuleHooks): ICertManageModule {
  return createManageModule({
    name: 'certexit Web Hook Exit Module',
    description: 'Posts certificate events as signed CloudEvents (Standard Webhooks) to HTTPS endpoints',
    version: __PACKAGE_VERSION__,
    configure(flags) {
      const config = (flags & CMM_REFRESHONLY) !== 0 ? hooks.refresh() : hooks.current();
      hooks.logger.info(
        { configPath: hooks.configPath, endpoints: describeWebhookEndpoints(config) },
        (flags & CMM_REFRESHONLY) !== 0 ? 'web hook configuration reloaded' : 'web hook endpoints',
      );
    },
  });
}

/** The endpoints as log fields: where secrets come from, never a secret; URLs without credentials or query. */
export function describeWebhookEndpoints(config: WebhookConfig): Record<string, unknown>[] {
  return config.endpoints.map((e) => ({
    name: e.name,
    url: redactUrl(e.url),
    secret: e.secretFile !== undefined ? `file ${e.secretFile}` : `environment variable ${e.secretEnv}`,
    caFile: e.caFile ?? 'default trust store',
    timeoutMs: e.timeoutMs,
    eventMask: `0x${e.eventMask.toString(16)}`,
    templates: e.templates.length > 0 ? e.templates : 'all',
    fields: [...e.fields],
  }));
}
