import { readFile, stat } from 'node:fs/promises';
import { CertexitError, HRESULT_BAD_CONFIGURATION } from '@certexit/core';
import type { WebhookSecret } from './webhook-secret';
import { parseWebhookSecrets } from './webhook-secret';

/** Where an endpoint's secrets are: a file or an environment variable, never a registry value. */
export interface WebhookSecretSource {
  /** A file of `whsec_` secrets (mode 0600 or stricter is expected; a wider mode is reported through `warn`). */
  readonly file?: string;
  /** The name of an environment variable holding the secrets. */
  readonly env?: string;
}

/**
 * Reads an endpoint's secrets at each delivery, so that rotating a secret is editing the file (add the new one
 * first, keep the old one until every receiver knows the new one, then remove it): no restart, no reload.
 * @param warn receives a sentence when the file can be read by others than its owner.
 * @throws a {@link CertexitError} `HRESULT_FROM_WIN32(ERROR_BAD_CONFIGURATION)`, not retryable, naming the file or
 *   the variable (never a secret) when neither is set, it cannot be read, or it holds no valid secret.
 */
export async function loadWebhookSecrets(
  source: WebhookSecretSource,
  where: string,
  options: { env?: NodeJS.ProcessEnv; warn?: (message: string) => void } = {},
): Promise<WebhookSecret[]> {
  if (source.file !== undefined) {
    const label = `SecretFile ${source.file} of ${where}`;
    let text: string;
    try {
      const info = await stat(source.file);
      if ((info.mode & 0o077) !== 0) {
        options.warn?.(
          `${label} can be read by others than its owner (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`,
        );
      }
      text = await readFile(source.file, 'utf8');
    } catch (cause) {
      throw new CertexitError({
        hresult: HRESULT_BAD_CONFIGURATION,
        message: `cannot read ${label}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
        isRetryable: false,
        cause,
      });
    }
    return parseWebhookSecrets(text, label);
  }
  if (source.env !== undefined) {
    const label = `the environment variable ${source.env} (SecretEnv of ${where})`;
    const text = (options.env ?? process.env)[source.env];
    if (text === undefined) {
      throw new CertexitError({
        hresult: HRESULT_BAD_CONFIGURATION,
        message: `${label} is not set`,
        isRetryable: false,
      });
    }
    return parseWebhookSecrets(text, label);
  }
  throw new CertexitError({
    hresult: HRESULT_BAD_CONFIGURATION,
    message: `${where} has neither SecretFile nor SecretEnv: every delivery is signed, so a secret is required`,
    isRetryable: false,
  });
}
