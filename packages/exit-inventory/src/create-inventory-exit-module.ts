import { appendFile as fsAppendFile } from 'node:fs/promises';
import type { ExitModuleFactoryV1, ExitModuleServices, ICertExit2 } from '@certexit/core';
import { EXITEVENT_CRLISSUED, exitEventMaskNames, exitEventName, readEventId, runOnce, S_OK } from '@certexit/core';
import { appendRecordLine } from './append-record-line';
import { createInventoryManageModule } from './create-inventory-manage-module';
import { INVENTORY_CONFIG_OUTPUT_FILE, INVENTORY_DESCRIPTION, INVENTORY_PROGID } from './inventory-constants';
import type { InventoryExitModuleOptions } from './inventory-exit-module-options';
import type { InventoryRecordBase } from './inventory-record';
import { readCrlRecord } from './read-crl-record';
import type { InventoryConfig } from './read-inventory-config';
import { INVENTORY_VALUES, readInventoryConfig } from './read-inventory-config';
import { readRequestRecord } from './read-request-record';

/**
 * The certificate-inventory exit module (`CertExit_Inventory.Exit`). For every request event and every CRL
 * issuance it reads the row through a fresh `ICertServerExit`, logs the record at info level and appends it as one
 * JSON line to `OutputFile`.
 *
 * Configuration (under the module's key, reloaded by `Configure(CMM_REFRESHONLY)`):
 * - `OutputFile` (REG_SZ, required to write): the JSON-lines file; its directory must exist.
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
  // The mask Initialize returned: the host never sends anything else, and a test may.
  let subscribed = 0;
  let config: InventoryConfig | undefined;

  const load = (): InventoryConfig => {
    const next = readInventoryConfig(services.config);
    for (const note of next.notes) logger.warn({ configPath: services.config.path }, note);
    // The host fixed the subscription at Initialize: a wider EventMask only takes effect after a restart.
    const late = next.eventMask & ~subscribed;
    if (config !== undefined && late !== 0) {
      logger.warn(
        { events: exitEventMaskNames(late) },
        'EventMask now asks for events the host was not told about at Initialize; restart the CA service to receive them',
      );
    }
    config = next;
    return next;
  };

  const manage = createInventoryManageModule({
    refresh: load,
    current: () => config ?? load(),
    configPath: services.config.path,
    logger,
  });

  return {
    Initialize(strConfig) {
      caName = strConfig;
      config = undefined;
      subscribed = 0;
      const { outputFile, eventMask } = load();
      subscribed = eventMask;
      if (outputFile === undefined) {
        // Not fatal: the module still loads (a failing Initialize would drop it silently from the CA) and logs
        // each record, so the operator sees it working and can set the value and run Configure(CMM_REFRESHONLY).
        logger.warn(
          { configPath: services.config.path, value: INVENTORY_CONFIG_OUTPUT_FILE },
          `${INVENTORY_CONFIG_OUTPUT_FILE} (REG_SZ) is not set under ${services.config.path}: no inventory file will be written; records are only logged`,
        );
      } else {
        logger.info({ outputFile, events: exitEventMaskNames(eventMask) }, 'inventory ready');
      }
      return eventMask;
    },

    async Notify(ExitEvent, Context) {
      const event = ExitEvent >>> 0;
      const { outputFile, eventMask } = config ?? load();
      // Exactly one known bit, subscribed and still wanted; anything else (future bits included) is ignored.
      if (event === 0 || (event & (event - 1)) !== 0 || (event & eventMask & subscribed) === 0) return S_OK;

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
      if (outputFile !== undefined) {
        // One line per notification: a retry (the host delivers again after a failure or a crash) does not add it
        // twice. Without an EventID (a host without an outbox) it simply writes.
        const eventId = await readEventId(server);
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
