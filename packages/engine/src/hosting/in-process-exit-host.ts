import type { Logger } from '@certexit/core';
import { readRegistryValue } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { NotifyCallObserver } from './delivery-lane';
import type { DeliveryPacer } from './delivery-pacer';
import type { DeliveryRecord } from './delivery-record';
import type { ExitHost, ExitModuleInfo } from './exit-host';
import type { DeliveryMode } from './exit-outbox';
import { ExitOutbox } from './exit-outbox';
import { InFlightDeliveries } from './in-flight-deliveries';
import type { BuiltinExitModules, ExitModuleImporter, ExitModuleLoadFailure } from './load-exit-modules';
import { loadExitModules } from './load-exit-modules';
import { notifyShutdown } from './notify-shutdown';

/** Options of {@link startInProcessExitHost}. */
export interface InProcessExitHostOptions {
  /** Exit-module factories composed in by the app, by ProgID. */
  builtins: BuiltinExitModules;
  /** How registered packages are imported (see `LoadExitModulesOptions.importModule`). */
  importModule?: ExitModuleImporter;
  logger: Logger;
  notifyTimeoutMs?: number;
  delivery: DeliveryMode;
  /** @default 5000 */
  firstAttemptWaitMs?: number;
  onDelivered?: (record: DeliveryRecord) => void;
  /** Told as each `Notify` through the outbox starts, and its outcome when it returns. */
  onCall?: NotifyCallObserver;
  /** Holds delivery back while the engine is saturated (the exit-module thread). */
  pacer?: DeliveryPacer;
}

/** An exit host on this thread, with its outbox (for tests and operators: lanes, breakers). */
export interface InProcessExitHost extends ExitHost {
  readonly outbox: ExitOutbox;
}

/**
 * Loads the CA's active exit modules on this thread and delivers to them through the exit outbox: one lane per
 * module, `EXITEVENT_SHUTDOWN` as a direct, bounded call on stop. Each event's outbox rows are written, in the
 * transaction of its state change, for the modules that subscribe to it.
 */
export async function startInProcessExitHost(
  ca: CaContext,
  options: InProcessExitHostOptions,
): Promise<InProcessExitHost> {
  const controller = new AbortController();
  const inFlight = new InFlightDeliveries();
  const loadFailures: ExitModuleLoadFailure[] = [];
  const modules = await loadExitModules(ca, {
    onLoadFailure: (failure) => loadFailures.push(failure),
    builtins: options.builtins,
    ...(options.importModule && { importModule: options.importModule }),
    logger: options.logger,
    signal: controller.signal,
    notifyTimeoutMs: options.notifyTimeoutMs,
    inFlight,
  });
  const outbox = new ExitOutbox({
    store: ca.store.outbox,
    modules,
    inFlight,
    sanitizedCaName: ca.sanitizedName,
    logger: options.logger,
    mode: options.delivery,
    firstAttemptWaitMs: options.firstAttemptWaitMs,
    onDelivered: options.onDelivered,
    onCall: options.onCall,
    pacer: options.pacer,
    retentionMs:
      readRegistryValue(ca.registry.keyAt(ca.registryPath), CA_REGISTRY_VALUES.ExitOutboxRetentionDays).value! *
      86_400_000,
    // CA\ExitActionRetentionDays (DWORD): how long a mail (an event-scoped action) is remembered as sent.
    eventActionRetentionMs:
      readRegistryValue(ca.registry.keyAt(ca.registryPath), CA_REGISTRY_VALUES.ExitActionRetentionDays).value! *
      86_400_000,
    actions: ca.store.exitActions,
  });
  await outbox.start();
  return {
    modules: modules.map(
      (m): ExitModuleInfo => ({
        progId: m.progId,
        description: m.description,
        mask: m.mask,
        binding: m.hosted.binding,
      }),
    ),
    loadFailures,
    outbox,
    deliver: (event, context) => outbox.deliver(event, context),
    wake: () => outbox.wake(),
    async stop({ graceMs, sendShutdownEvent }) {
      await outbox.stop(graceMs);
      if (sendShutdownEvent) {
        await notifyShutdown(modules, { logger: options.logger, graceMs, onDelivered: options.onDelivered });
      }
      controller.abort();
      // Module processes end with the engine (after the shutdown event), so a one-shot command can exit.
      await Promise.allSettled(modules.map((m) => m.dispose?.()));
    },
  };
}
