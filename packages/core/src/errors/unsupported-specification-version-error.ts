import { E_NOINTERFACE } from '../constants/hresults';
import { CertexitError } from './certexit-error';

const _name = 'CertexitUnsupportedSpecificationVersionError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/** A module factory or plugin declares a `specificationVersion` this host does not know. */
export class UnsupportedSpecificationVersionError extends CertexitError {
  /** The marker `isInstance` checks. */
  readonly [_symbol] = true;
  readonly version: unknown;

  constructor({ what, version, supported }: { what: string; version: unknown; supported: readonly string[] }) {
    super({
      hresult: E_NOINTERFACE,
      message: `${what} has specificationVersion ${JSON.stringify(version)}; this host supports ${supported.join(', ')}`,
    });
    this.name = _name;
    this.version = version;
  }

  static override isInstance(error: unknown): error is UnsupportedSpecificationVersionError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }
}
