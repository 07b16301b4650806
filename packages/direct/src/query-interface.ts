import type { ICertExit, ICertExit2 } from '@certexit/core';
import { IID_ICertExit, IID_ICertExit2 } from '@certexit/core';

/**
 * True when a module object offers `ICertExit` for direct calls: `Initialize`, `Notify` and `GetDescription`
 * are functions. What COM's `QueryInterface(IID_ICertExit)` answers.
 */
export function isCertExit(module: unknown): module is ICertExit {
  return _hasMethods(module, ['Initialize', 'Notify', 'GetDescription']);
}

/** True when the module also offers `ICertExit2.GetManageModule`. */
export function isCertExit2(module: unknown): module is ICertExit2 {
  return isCertExit(module) && _hasMethods(module, ['GetManageModule']);
}

/**
 * `QueryInterface` for the exit interfaces: the object itself when it implements the interface, else
 * `undefined` (`E_NOINTERFACE`).
 * @example queryInterface(obj, IID_ICertExit2)?.GetManageModule()
 */
export function queryInterface(module: unknown, iid: typeof IID_ICertExit2): ICertExit2 | undefined;
export function queryInterface(module: unknown, iid: string): ICertExit | undefined;
export function queryInterface(module: unknown, iid: string): ICertExit | undefined {
  const wanted = iid.toLowerCase().replace(/[{}]/g, '');
  if (wanted === IID_ICertExit2) return isCertExit2(module) ? module : undefined;
  if (wanted === IID_ICertExit) return isCertExit(module) ? module : undefined;
  return undefined;
}

function _hasMethods(value: unknown, names: readonly string[]): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  return names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}
