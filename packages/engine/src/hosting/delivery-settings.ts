import type { RegistryFile } from '../registry/registry-file';
import type { CircuitBreakerSettings } from './circuit-breaker';
import type { RetryPolicy } from './retry-policy';

/**
 * How one module's notifications are delivered. Each number is a DWORD value under the module's own key
 * (`...\ExitModules\<ProgID>`, what `ModuleRegistryLocation` returns), so `certexit setreg` changes it.
 */
export interface DeliverySettings {
  readonly retry: RetryPolicy;
  readonly breaker: CircuitBreakerSettings;
  /** `NotifyTimeoutMs`: a call still running after this is abandoned as `HRESULT_FROM_WIN32(ERROR_TIMEOUT)`. */
  readonly notifyTimeoutMs: number;
  /** `MaxConcurrency`: requests (contexts) delivered at once to this module; one request's events stay in order. */
  readonly concurrency: number;
}

/** The defaults, and the registry value name of each setting. */
export const DELIVERY_DEFAULTS = {
  MaxAttempts: 10,
  RetryBaseMs: 1_000,
  RetryMaxMs: 300_000,
  NotifyTimeoutMs: 30_000,
  MaxConcurrency: 4,
  BreakerThreshold: 5,
  BreakerOpenMs: 30_000,
} as const;

/**
 * Reads a module's delivery settings; a missing or unusable value (not a positive integer) takes the default.
 * `fallbackTimeoutMs` (the engine's `notifyTimeoutMs` option) replaces the default timeout, not a registry value.
 */
export function readDeliverySettings(
  registry: RegistryFile,
  moduleKey: string,
  fallbackTimeoutMs?: number,
): DeliverySettings {
  const value = (name: keyof typeof DELIVERY_DEFAULTS, fallback: number = DELIVERY_DEFAULTS[name]) => {
    const raw = Number(registry.getValue(`${moduleKey}\\${name}`));
    return Number.isInteger(raw) && raw > 0 ? raw : fallback;
  };
  return {
    retry: { maxAttempts: value('MaxAttempts'), baseMs: value('RetryBaseMs'), maxMs: value('RetryMaxMs') },
    breaker: { threshold: value('BreakerThreshold'), openMs: value('BreakerOpenMs') },
    notifyTimeoutMs: value('NotifyTimeoutMs', fallbackTimeoutMs ?? DELIVERY_DEFAULTS.NotifyTimeoutMs),
    concurrency: value('MaxConcurrency'),
  };
}
