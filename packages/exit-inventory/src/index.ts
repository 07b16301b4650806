/**
 * @certexit/exit-inventory: the certificate-inventory exit module (`CertExit_Inventory.Exit`).
 * @packageDocumentation
 */
export { type InventoryCliIo, runInventoryCli } from './cli/run-inventory-cli';
export { createInventoryExitModule, createInventoryExitModule as default } from './create-inventory-exit-module';
export {
  EXPIRY_REPORT_EVENT_TYPE,
  type ExpiryReportMail,
  type ExpiryReportOptions,
  type ExpiryReportResult,
  type ExpiryReportWebhook,
  formatExpiryReport,
  sendExpiryReport,
} from './expiry-report';
export {
  INVENTORY_CONFIG_DATABASE_FILE,
  INVENTORY_CONFIG_EVENT_MASK,
  INVENTORY_CONFIG_OUTPUT_FILE,
  INVENTORY_DESCRIPTION,
  INVENTORY_EVENT_MASK,
  INVENTORY_PROGID,
  INVENTORY_REPORT_VALUES,
} from './inventory-constants';
export type { AppendFileFunction, InventoryExitModuleOptions } from './inventory-exit-module-options';
export type {
  InventoryCrlEntry,
  InventoryCrlRecord,
  InventoryExtension,
  InventoryRecord,
  InventoryRecordBase,
  InventoryRequestRecord,
} from './inventory-record';
export { readCrlRecord } from './read-crl-record';
export {
  INVENTORY_VALUES,
  type InventoryConfig,
  type InventoryReportConfig,
  readInventoryConfig,
} from './read-inventory-config';
export { readRequestRecord } from './read-request-record';
export type { InventoryEntry, InventoryEntryEvent, InventoryExport, InventoryStatus } from './store/inventory-entry';
export type { InventoryStore } from './store/inventory-store';
export { openSqliteInventoryStore, type SqliteInventoryStoreOptions } from './store/sqlite-inventory-store';
export { INVENTORY_TABLE_EVENTS, toInventoryEntry } from './to-inventory-entry';
