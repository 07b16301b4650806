import { resolve } from 'node:path';
import type { RegistryKey, RegistryValue } from '@certexit/core';
import { exitEventMaskNames } from '@certexit/core';
import {
  WEBHOOK_VALUE_NAMES as V,
  WEBHOOK_DEFAULT_ENDPOINT_EVENTS,
  WEBHOOK_DEFAULT_TIMEOUT_MS,
  WEBHOOK_ENDPOINTS_KEY,
  WEBHOOK_SUPPORTED_EVENTS,
} from './webhook-constants';
import type { WebhookField } from './webhook-fields';
import { resolveWebhookFields } from './webhook-fields';

/** One configured endpoint (`Endpoints\<name>`). Holds where the secrets are, never a secret. */
export interface WebhookEndpoint {
  /** The subkey's name: in logs, in errors and in the idempotency action (`webhook:<name>`). */
  readonly name: string;
  readonly url: URL;
  readonly secretFile: string | undefined;
  readonly secretEnv: string | undefined;
  /** PEM file of the CAs trusted for its certificate; Node's default store when absent. */
  readonly caFile: string | undefined;
  readonly timeoutMs: number;
  /** `EXITEVENT_*` bits it receives. */
  readonly eventMask: number;
  /** Lower-cased template names or OIDs; empty: every template (and events without one). */
  readonly templates: readonly string[];
  readonly fields: ReadonlySet<WebhookField>;
}

/** The module's settings. */
export interface WebhookConfig {
  /** The CloudEvents `source`; `undefined`: derived from the CA name. */
  readonly source: string | undefined;
  readonly endpoints: readonly WebhookEndpoint[];
  /** The union of the endpoints' masks: what `Initialize` subscribes to. */
  readonly eventMask: number;
  /** One sentence per value or endpoint that was ignored or changed, for the caller to log as a warning. */
  readonly notes: readonly string[];
}

/**
 * Reads the module's key: `Source`, `CAFile` and `TimeoutMs` (defaults for every endpoint), and one subkey of
 * `Endpoints` per endpoint. Never throws: an endpoint that cannot be used (no URL, a URL that is not https, no
 * secret source) is left out and explained in `notes`, so that one typo does not stop the others.
 */
export function readWebhookConfig(key: RegistryKey): WebhookConfig {
  const notes: string[] = [];
  const at = (k: RegistryKey, name: string) => `${k.path}\\${name}`;
  const string = (k: RegistryKey, name: string): string | undefined => {
    const value = k.getValue(name);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value.trim() || undefined;
    notes.push(`${at(k, name)} must be a REG_SZ; ignoring the ${_kind(value)} value`);
    return undefined;
  };
  const dword = (k: RegistryKey, name: string): number | undefined => {
    const value = k.getValue(name);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) return value >>> 0;
    notes.push(`${at(k, name)} must be a REG_DWORD; ignoring the ${_kind(value)} value`);
    return undefined;
  };
  const multi = (k: RegistryKey, name: string): string[] | undefined => {
    const value = k.getValue(name);
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map(String);
    if (typeof value === 'string') return value.split(/[,;\s]+/);
    notes.push(`${at(k, name)} must be a REG_MULTI_SZ; ignoring the ${_kind(value)} value`);
    return undefined;
  };
  const file = (k: RegistryKey, name: string) => {
    const value = string(k, name);
    return value === undefined ? undefined : resolve(value);
  };

  const defaultCaFile = file(key, V.CAFile);
  const defaultTimeout = dword(key, V.TimeoutMs) || WEBHOOK_DEFAULT_TIMEOUT_MS;
  const endpoints: WebhookEndpoint[] = [];
  const parent = key.openSubKey(WEBHOOK_ENDPOINTS_KEY);
  for (const name of parent.getSubKeyNames().sort((a, b) => a.localeCompare(b))) {
    const k = parent.openSubKey(name);
    if (dword(k, V.Enabled) === 0) continue;
    const rawUrl = string(k, V.Url);
    let url: URL | undefined;
    try {
      url = rawUrl === undefined ? undefined : new URL(rawUrl);
    } catch {
      notes.push(`${at(k, V.Url)} is not a URL: endpoint ${name} is left out`);
      continue;
    }
    if (url === undefined) {
      notes.push(`${at(k, V.Url)} is not set: endpoint ${name} is left out`);
      continue;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      notes.push(`${at(k, V.Url)} is a ${url.protocol} URL; web hooks go over https: endpoint ${name} is left out`);
      continue;
    }
    if (url.username !== '' || url.password !== '') {
      notes.push(`${at(k, V.Url)} carries credentials in the URL; they are sent as given (prefer a secret)`);
    }
    const secretFile = file(k, V.SecretFile);
    const secretEnv = string(k, V.SecretEnv);
    if (secretFile === undefined && secretEnv === undefined) {
      notes.push(
        `${k.path} has neither SecretFile nor SecretEnv: endpoint ${name} is left out (deliveries are signed)`,
      );
      continue;
    }
    let eventMask = dword(k, V.EventMask) ?? WEBHOOK_DEFAULT_ENDPOINT_EVENTS;
    const dropped = eventMask & ~WEBHOOK_SUPPORTED_EVENTS;
    if (dropped !== 0) {
      notes.push(
        `${at(k, V.EventMask)} asks for events a web hook does not send (${exitEventMaskNames(dropped).join(', ') || `0x${dropped.toString(16)}`}); they are left out`,
      );
      eventMask &= WEBHOOK_SUPPORTED_EVENTS;
    }
    const { fields, unknown } = resolveWebhookFields(multi(k, V.Fields));
    if (unknown.length > 0) notes.push(`${at(k, V.Fields)}: unknown fields ${unknown.join(', ')} are left out`);
    endpoints.push({
      name,
      url,
      secretFile,
      secretEnv,
      caFile: file(k, V.CAFile) ?? defaultCaFile,
      timeoutMs: dword(k, V.TimeoutMs) || defaultTimeout,
      eventMask,
      templates: (multi(k, V.Templates) ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t !== ''),
      fields,
    });
  }
  return {
    source: string(key, V.Source),
    endpoints,
    eventMask: endpoints.reduce((mask, e) => mask | e.eventMask, 0),
    notes,
  };
}

function _kind(value: RegistryValue): string {
  if (typeof value === 'number') return 'REG_DWORD';
  if (typeof value === 'string') return 'REG_SZ';
  if (value instanceof Uint8Array) return 'REG_BINARY';
  return 'REG_MULTI_SZ';
}
