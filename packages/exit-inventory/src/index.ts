/**
 * @certexit/exit-inventory: the certificate-inventory exit module (`CertExit_Inventory.Exit`).
 * @packageDocumentation
 */
export { createInventoryExitModule, createInventoryExitModule as default } from './create-inventory-exit-module';
export {
  INVENTORY_CONFIG_EVENT_MASK,
  INVENTORY_CONFIG_OUTPUT_FILE,
  INVENTORY_DESCRIPTION,
  INVENTORY_EVENT_MASK,
  INVENTORY_PROGID,
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
export { INVENTORY_VALUES, readInventoryConfig } from './read-inventory-config';
export { readRequestRecord } from './read-request-record';
