import {
  CERTSRV_E_NO_REQUEST,
  CERTSRV_E_PROPERTY_EMPTY,
  E_INVALIDARG,
  E_UNEXPECTED,
  PROPTYPE_MASK,
} from '../constants';
import { propTypeName } from '../constants/property-types';
import { CertexitError } from './certexit-error';

/**
 * The documented `ICertServerExit` failures, built the same way by every implementation (engine, kit, adapters)
 * so that modules see one set of messages and HRESULTs.
 */
export const serverExitErrors = {
  /** A known property or attribute with no value in this context: `CERTSRV_E_PROPERTY_EMPTY`. */
  empty: (what: string, context: number) =>
    new CertexitError({ hresult: CERTSRV_E_PROPERTY_EMPTY, message: `${what} is empty in context ${context}` }),
  /** A name that is no property of this table: `E_INVALIDARG`. */
  unknownName: (what: string, name: string) =>
    new CertexitError({ hresult: E_INVALIDARG, message: `unknown ${what} ${JSON.stringify(name)}` }),
  /** The requested PROPTYPE is not the property's type: `E_INVALIDARG`. */
  typeMismatch: (name: string, asked: number, actual: number) =>
    new CertexitError({
      hresult: E_INVALIDARG,
      message: `property ${JSON.stringify(name)} is ${propTypeName(actual)}, not ${propTypeName(asked & PROPTYPE_MASK)}`,
    }),
  /** A context that names no request: `CERTSRV_E_NO_REQUEST`. */
  noRequest: (context: number) =>
    new CertexitError({ hresult: CERTSRV_E_NO_REQUEST, message: `context ${context} names no request` }),
  /** A request-scoped read while the context is 0, or a cursor used before its `Setup`: `E_UNEXPECTED`. */
  callOrder: (message: string) => new CertexitError({ hresult: E_UNEXPECTED, message }),
} as const;
