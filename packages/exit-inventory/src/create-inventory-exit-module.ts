import { appendFile as fsAppendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ExitModuleFactoryV1, ExitModuleServices, ICertExit2 } from '@certexit/core';
import {
  CertexitError,
  createConfigReloader,
  E_ACCESSDENIED,
  E_FAIL,
  EXITEVENT_CRLISSUED,
  exitEventMaskNames,
  exitEventName,
  HRESULT_PATH_NOT_FOUND,
  readEventId,
  runOnce,
  S_OK,
} from '@certexit/core';
import { appendRecordLine } from './append-record-line';
import { createInventoryManageModule } from './create-inventory-manage-module';
import { sendExpiryReport } from './expiry-report';
import { INVENTORY_CONFIG_OUTPUT_FILE, INVENTORY_DESCRIPTION, INVENTORY_PROGID } from './inventory-constants';
import type { InventoryExitModuleOptions } from './inventory-exit-module-options';
import type { InventoryRecordBase, InventoryRequestRecord } from './inventory-record';
import { readCrlRecord } from './read-crl-record';
import type { InventoryConfig } from './read-inventory-config';
import { INVENTORY_VALUES, readInventoryConfig } from './read-inventory-config';
import { readRequestRecord } from './read-request-record';
import type { InventoryStore } from './store/inventory-store';
import { openSqliteInventoryStore } from './store/sqlite-inventory-store';
import { toInventoryEntry } from './to-inventory-entry';

/**
 * The certificate-inventory exit module (`CertExit_Inventory.Exit`). For every request event and every CRL
 * issuance it reads the row through a fresh `ICertServerExit` and logs the record at info level; it appends it as
 * one JSON line to `OutputFile`, and upserts every issued, retrieved, imported, revoked and unrevoked certificate
 * into the SQLite inventory `DatabaseFile` (by serial number, once per EventID). With `ExpiryReportIntervalSeconds`
 * it mails or posts the certificates about to expire. The README lists every value.
 *
 * Configuration (under the module's key, reloaded by `Configure(CMM_REFRESHONLY)`):
 * - `OutputFile` (REG_SZ): the JSON-lines file; its directory must exist.
 * - `DatabaseFile` (REG_SZ): the SQLite inventory; its directory must exist.
 * - `EventMask` (REG_DWORD, optional): narrows the recorded events within `INVENTORY_EVENT_MASK` (0x23F).
 *
 * @example
 * ```ts
 * import { createInventoryExitModule } from '@certexit/exit-inventory';
 *
 * // What `certexit module register CertExit_Inventory.Exit @certexit/exit-inventory` loads; the host then calls
 * // create(services) once per start. Options are only for embedding (a different sink, a fixed clock).
 * const factory = createInventoryExitModule();
 * ```
 */
export function createInventoryExitModule(options: InventoryExitModuleOptions = {}): ExitModuleFactoryV1 {
  return {
    specificationVersion: 'v1',
    progId: INVENTORY_PROGID,
    version: __PACKAGE_VERSION__,
    configuration: { values: INVENTORY_VALUES },
    create: (services) => _createInventoryExit(services, options),
  } satisfies ExitModuleFactoryV1;
}

export default createInventoryExitModule;

function _createInventoryExit(services: ExitModuleServices, options: InventoryExitModuleOptions): ICertExit2 {
  const appendFile = options.appendFile ?? fsAppendFile;
  const now = options.now ?? (() => new Date());
  const { logger } = services;
  let caName = '';
  let store: { path: string; store: InventoryStore } | undefined;
  let reportTimer: NodeJS.Timeout | undefined;
  let scheduled = 0;

  const storeAt = (path: string): InventoryStore => {
    if (store?.path !== path) {
      void store?.store.close();
      store = undefined;
      store = { path, store: _openStore(path, now) };
    }
    return store.store;
  };

  // When the last report was sent is kept in the database, so a CA restarted more often than the interval still
  // reports on schedule, and a restart does not send it again.
  const LAST_REPORT = 'expiryReport.lastSentAt';

  const report = async (): Promise<void> => {
    const settings = config.loaded?.report;
    const path = config.loaded?.databaseFile;
    if (settings === undefined || path === undefined) return;
    const target = storeAt(path);
    try {
      const result = await sendExpiryReport({
        store: target,
        withinDays: settings.withinDays,
        ca: caName,
        ...(settings.mail && { mail: settings.mail }),
        ...(settings.webhook && { webhook: settings.webhook }),
        now: now(),
        warn: (message) => logger.warn({}, message),
      });
      await target.writeMark(LAST_REPORT, now().toISOString());
      logger.info(
        {
          expiring: result.certificates.length,
          withinDays: settings.withinDays,
          mailed: result.mailed,
          posted: result.posted,
        },
        'expiry report',
      );
    } catch (error) {
      // The next period tries again; a report is not an event of the outbox.
      logger.error({ err: error }, `expiry report failed: ${(error as Error).message}`);
    }
  };

  const stopReports = (): void => {
    if (reportTimer !== undefined) clearTimeout(reportTimer);
    reportTimer = undefined;
  };

  const schedule = (next: InventoryConfig): void => {
    stopReports();
    if (next.report === undefined) return;
    if (next.databaseFile === undefined) {
      logger.warn({}, 'ExpiryReportIntervalSeconds is set but DatabaseFile is not: no expiry report');
      return;
    }
    const interval = next.report.intervalSeconds * 1000;
    const generation = ++scheduled;
    const arm = (delay: number) => {
      if (generation !== scheduled || services.signal.aborted) return;
      reportTimer = setTimeout(async () => {
        await report();
        arm(interval);
      }, delay);
      reportTimer.unref();
    };
    const start = async () => {
      let since = interval;
      try {
        const last = await storeAt(next.databaseFile!).readMark(LAST_REPORT);
        if (last !== undefined) since = now().getTime() - Date.parse(last);
      } catch (error) {
        logger.error({ err: error }, `expiry report: ${(error as Error).message}`);
      }
      arm(Math.min(interval, Math.max(0, interval - (Number.isNaN(since) ? interval : since))));
    };
    void start();
  };

  services.signal.addEventListener(
    'abort',
    () => {
      scheduled += 1;
      stopReports();
      void store?.store.close();
      store = undefined;
    },
    { once: true },
  );

  // `subscribed`: the mask Initialize returned; the host never sends anything else, and a test may.
  const config = createConfigReloader(services, {
    read: readInventoryConfig,
    lateEventsMessage:
      'EventMask now asks for events the host was not told about at Initialize; restart the CA service to receive them',
    onLoad: (next, previous) => {
      const reschedule =
        previous === undefined ||
        JSON.stringify(previous.report) !== JSON.stringify(next.report) ||
        previous.databaseFile !== next.databaseFile;
      if (reschedule) schedule(next);
    },
  });

  const manage = createInventoryManageModule({
    refresh: config.load,
    current: config.current,
    configPath: services.config.path,
    logger,
  });

  return {
    Initialize(strConfig) {
      caName = strConfig;
      const { outputFile, databaseFile, eventMask } = config.initialize();
      if (databaseFile !== undefined) {
        // Not fatal here either (a failing Initialize drops the module): each notification fails naming the file.
        try {
          storeAt(databaseFile);
        } catch (error) {
          logger.error({ databaseFile }, (error as Error).message);
        }
      }
      if (outputFile === undefined && databaseFile === undefined) {
        // Not fatal: the module still loads (a failing Initialize would drop it silently from the CA) and logs
        // each record, so the operator sees it working and can set the value and run Configure(CMM_REFRESHONLY).
        logger.warn(
          { configPath: services.config.path, value: INVENTORY_CONFIG_OUTPUT_FILE },
          `${INVENTORY_CONFIG_OUTPUT_FILE} (REG_SZ) is not set under ${services.config.path}: no inventory file will be written; records are only logged`,
        );
      } else {
        logger.info({ outputFile, databaseFile, events: exitEventMaskNames(eventMask) }, 'inventory ready');
      }
      return eventMask;
    },

    async Notify(ExitEvent, Context) {
      const event = ExitEvent >>> 0;
      const { outputFile, databaseFile, eventMask } = config.current();
      // Exactly one known bit, subscribed and still wanted; anything else (future bits included) is ignored.
      if (event === 0 || (event & (event - 1)) !== 0 || (event & eventMask & config.subscribed) === 0) return S_OK;

      // One callback object per call: its context and cursors are per-object state.
      const server = services.createServerExit();
      await server.SetContext(Context);
      const base: InventoryRecordBase = { event: exitEventName(event), time: now().toISOString(), ca: caName };
      const record =
        event === EXITEVENT_CRLISSUED
          ? await readCrlRecord(server, base)
          : await readRequestRecord(server, event, base);

      // Nested under `record`: a logger such as pino owns top-level keys like `time`.
      logger.info({ record, outputFile }, `inventory ${record.event}`);
      const eventId = outputFile !== undefined || databaseFile !== undefined ? await readEventId(server) : undefined;
      if (databaseFile !== undefined && event !== EXITEVENT_CRLISSUED) {
        const entry = toInventoryEntry(record as InventoryRequestRecord, event, eventId);
        // Idempotent in the store itself, in the same transaction as the write: (EventID, serial) is claimed there.
        if (entry !== undefined) await storeAt(databaseFile).upsert(entry, eventId);
      }
      if (outputFile !== undefined) {
        // One line per notification: a retry (the host delivers again after a failure or a crash) does not add it
        // twice. Without an EventID (a host without an outbox) it simply writes.
        const write = () => appendRecordLine(outputFile, record, appendFile);
        if (eventId === undefined) await write();
        else await runOnce(services.idempotency, { eventId, action: 'inventory-line' }, write);
      }
      return S_OK;
    },

    GetDescription: () => INVENTORY_DESCRIPTION,

    GetManageModule: () => manage,
  } satisfies ICertExit2;
}

function _openStore(path: string, now: () => Date): InventoryStore {
  try {
    return openSqliteInventoryStore(path, { now });
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    throw new CertexitError({
      hresult:
        code === 'ENOENT' ? HRESULT_PATH_NOT_FOUND : code === 'EACCES' || code === 'EPERM' ? E_ACCESSDENIED : E_FAIL,
      source: INVENTORY_PROGID,
      message:
        code === 'ENOENT'
          ? `cannot open the inventory database ${JSON.stringify(path)}: the directory ${JSON.stringify(dirname(path))} does not exist (create it; the module never creates directories)`
          : `cannot open the inventory database ${JSON.stringify(path)}: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    });
  }
}
