import { CertexitError, HRESULT_BAD_CONFIGURATION } from '@certexit/core';

const _name = 'CertexitRegistryFileError';
const _symbol = Symbol.for(`certexit.error.${_name}`);

/**
 * The CA's registry file (`registry.json`) cannot be read: it is not valid JSON (a bad hand edit, a truncated
 * restore) or the file cannot be opened. Every part of the CA that reads its configuration fails with it; the API
 * answers 503 and `/healthz` says unhealthy until the file is fixed or restored.
 */
export class RegistryFileError extends CertexitError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: the marker isInstance reads through the symbol
  private readonly [_symbol] = true;
  readonly file: string;

  constructor(options: { file: string; detail: string; cause?: unknown }) {
    super({
      hresult: HRESULT_BAD_CONFIGURATION,
      source: 'registry',
      message: `the registry file ${options.file} ${options.detail}; fix or restore it`,
      cause: options.cause,
      isRetryable: true,
    });
    this.name = _name;
    this.file = options.file;
  }

  static override isInstance(error: unknown): error is RegistryFileError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[_symbol] === true;
  }
}
