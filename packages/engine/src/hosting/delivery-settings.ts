import type { RegistryValueDeclaration } from '@certexit/core';
import { readRegistryValue } from '@certexit/core';
import type { RegistryFile } from '../registry/registry-file';
import type { CircuitBreakerSettings } from './circuit-breaker';
import { EXIT_MODULE_VALUES } from './exit-module-registry-values';
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

/**
 * Reads a module's delivery settings (`EXIT_MODULE_VALUES`); a missing or unusable value (not a positive integer)
 * takes the default. `fallbackTimeoutMs` (the engine's `notifyTimeoutMs` option) replaces the default timeout, not
 * a registry value.
 */
export function readDeliverySettings(
  registry: RegistryFile,
  moduleKey: string,
  fallbackTimeoutMs?: number,
): DeliverySettings {
  const key = registry.keyAt(moduleKey);
  const v = EXIT_MODULE_VALUES;
  const value = (declaration: RegistryValueDeclaration<'REG_DWORD'>, fallback?: number) => {
    const read = readRegistryValue(key, declaration);
    return read.source === 'set' ? read.value! : (fallback ?? read.value!);
  };
  return {
    retry: { maxAttempts: value(v.MaxAttempts), baseMs: value(v.RetryBaseMs), maxMs: value(v.RetryMaxMs) },
    breaker: { threshold: value(v.BreakerThreshold), openMs: value(v.BreakerOpenMs) },
    notifyTimeoutMs: value(v.NotifyTimeoutMs, fallbackTimeoutMs),
    concurrency: value(v.MaxConcurrency),
  };
}
