/**
 * @certexit/automation: the Automation (late-bound `IDispatch`) adapter. VARIANTs as plain data, `IDispatch` objects
 * for script-style modules and their `CertificateAuthority.ServerExit` callback, and the hosted-module adapter.
 * @packageDocumentation
 */

export { type AutomationServices, createAutomationServices } from './automation-services';
export {
  CERT_EXIT_METHODS,
  CERT_MANAGE_MODULE_METHODS,
  CERT_SERVER_EXIT_METHODS,
  IDEMPOTENCY_STORE_METHODS,
} from './automation-signatures';
export { byteStringToBytes, bytesToByteString, isByteString } from './byte-string';
export { callByName } from './call-by-name';
export { coerceVariant } from './coerce-variant';
export { type CreateDispatchOptions, createDispatch, type DispatchMethod } from './create-dispatch';
export {
  DISPATCH_METHOD,
  DISPATCH_PROPERTYGET,
  DISPATCH_PROPERTYPUT,
  DISPID_UNKNOWN,
  type IDispatch,
  isDispatch,
} from './dispatch';
export { DispatchError, type ExcepInfo } from './dispatch-error';
export { dispatchToCertExit } from './dispatch-exit-module';
export { dispatchToManageModule } from './dispatch-manage-module';
export { dispatchToServerExit } from './dispatch-server-exit';
export { certExitToDispatch } from './exit-module-dispatch';
export {
  hostOutOfProcessModule,
  type ModuleFaultRecord,
  type ModuleRestartOptions,
  type OutOfProcessHostedModule,
  type OutOfProcessModuleOptions,
} from './host-out-of-process-module';
export { type AutomationHostOptions, hostAutomationModule } from './hosted-automation-module';
export { dispatchToIdempotencyStore, idempotencyStoreToDispatch } from './idempotency-store-dispatch';
export { manageModuleToDispatch } from './manage-module-dispatch';
export { ModuleProcessError, type ModuleProcessFault } from './module-process-error';
export { dateFromOleDate, isOleDateInRange, OLE_DATE_LIMIT, OLE_DATE_MIN, oleDateFromDate } from './ole-date';
export { propertyToVariant, variantToProperty } from './property-variant';
export { type ServeOverStdioOptions, serveExitModuleOverStdio } from './serve-exit-module-over-stdio';
export { serverExitToDispatch } from './server-exit-dispatch';
// Every export of variant.ts: the VT_ constants, the Variant types and their conversions.
export * from './variant';
export { DEFAULT_MAX_FRAME_BYTES, WIRE_PROTOCOL, WIRE_PROTOCOL_VERSION, type WireFrame } from './wire-frame';
export { variantFromWire, variantToWire, type WireVariant } from './wire-variant';
