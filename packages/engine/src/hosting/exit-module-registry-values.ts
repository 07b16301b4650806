import { DEFAULT_MAX_FRAME_BYTES } from '@certexit/automation';
import type { RegistryKeyDeclaration } from '@certexit/core';
import { declareRegistryValues } from '@certexit/core';

/** The values of the `ExitModules` key. */
export const EXIT_MODULES_VALUES = declareRegistryValues({
  Active: {
    type: 'REG_MULTI_SZ',
    meaning: 'The ProgIDs of the exit modules the CA loads, in notification order; read when the service starts.',
  },
});

/**
 * The values the engine reads under every exit module's key (`ExitModules\<ProgID>`, `certexit getreg
 * exit\<ProgID>`), next to the module's own: how its notifications are delivered, and the limits of a module
 * running as its own process.
 */
export const EXIT_MODULE_VALUES = declareRegistryValues({
  MaxAttempts: {
    type: 'REG_DWORD',
    default: 10,
    min: 1,
    meaning: 'Attempts per notification before it is dead-lettered.',
  },
  RetryBaseMs: {
    type: 'REG_DWORD',
    default: 1_000,
    min: 1,
    meaning: 'The first retry delay; it doubles (with jitter) on each failure.',
  },
  RetryMaxMs: { type: 'REG_DWORD', default: 300_000, min: 1, meaning: 'The longest retry delay.' },
  NotifyTimeoutMs: {
    type: 'REG_DWORD',
    default: 30_000,
    min: 1,
    meaning: 'A call still running after this is a failed attempt, HRESULT_FROM_WIN32(ERROR_TIMEOUT).',
  },
  MaxConcurrency: {
    type: 'REG_DWORD',
    default: 4,
    min: 1,
    meaning: "Requests delivered to the module at once; one request's events stay in order.",
  },
  BreakerThreshold: {
    type: 'REG_DWORD',
    default: 5,
    min: 1,
    meaning: 'Failures in a row after which the module is not called for BreakerOpenMs.',
  },
  BreakerOpenMs: {
    type: 'REG_DWORD',
    default: 30_000,
    min: 1,
    meaning: 'How long an open breaker waits before one probe decides.',
  },
  MaxFrameBytes: {
    type: 'REG_DWORD',
    default: DEFAULT_MAX_FRAME_BYTES,
    min: 1024,
    meaning: 'A module running as its own process: the largest line it may send.',
  },
  MaxRestarts: {
    type: 'REG_DWORD',
    min: 1,
    meaning:
      'A module running as its own process: faults in a row before it is no longer restarted (unlimited when not set).',
  },
});

/** An exit module's key as the engine declares it: its values, and the environment of a process module. */
export const EXIT_MODULE_KEY: RegistryKeyDeclaration = {
  values: EXIT_MODULE_VALUES,
  subkeys: {
    // module register --env: the only variables a process module gets; values may be credentials.
    Environment: { values: {}, anyValueOfType: 'REG_SZ', secretValues: true },
  },
};
