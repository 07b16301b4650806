import { CertexitError, HRESULT_FILE_NOT_FOUND } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import { ModuleRegistrations } from './module-registrations';

/**
 * The ProgID as the CA knows it (`builtinProgIds`: the app's built-in modules) (registered, active or built in; its own spelling), or an error naming it: an
 * operator's `module retry` or `module replay` of a module that does not exist fails instead of doing nothing.
 */
export function knownProgId(ca: CaContext, progId: string, builtinProgIds: readonly string[]): string {
  const wanted = progId.trim().toLowerCase();
  const known = new ModuleRegistrations(ca.registry, ca.sanitizedName).list(builtinProgIds);
  const found = known.find((m) => m.progId.toLowerCase() === wanted && m.source !== '(not registered)');
  if (!found) {
    throw new CertexitError({
      hresult: HRESULT_FILE_NOT_FOUND,
      message: `${JSON.stringify(progId)} is not a registered exit module of this CA (see "certexit module list")`,
      isRetryable: false,
    });
  }
  return found.progId;
}
