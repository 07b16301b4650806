import type { RegistryKeyDeclaration } from '@certexit/core';
import { DEFAULT_EXIT_VALUES } from './default-exit-settings';
import { SMTP_KEY_DECLARATION } from './mail-template';
import { SMTP_KEY } from './smtp-settings';

/**
 * Everything the module reads from its key, declared (the factory's `configuration`): its values, and the `SMTP`
 * key with a message key per event and per template. `certexit getreg`/`setreg` check names and types against it.
 */
export const DEFAULT_EXIT_CONFIGURATION: RegistryKeyDeclaration = {
  values: DEFAULT_EXIT_VALUES,
  subkeys: { [SMTP_KEY]: SMTP_KEY_DECLARATION },
};
