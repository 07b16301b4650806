import {
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
} from '@certexit/core';

/** The inventory module's ProgID (`<App>.Exit`), under which it is registered and configured. */
export const INVENTORY_PROGID = 'CertExit_Inventory.Exit';

/** What `GetDescription` returns: the name the host puts into its logs and `CR_PROP_EXITDESCRIPTION`. */
export const INVENTORY_DESCRIPTION = 'certexit inventory (JSON lines)';

/**
 * The events the inventory records, and the mask `Initialize` returns by default: every request event plus
 * CRL issuance (`0x23F`). `EventMask` can only narrow it: shutdown and startup carry nothing to inventory.
 */
export const INVENTORY_EVENT_MASK =
  EXITEVENT_CERTISSUED |
  EXITEVENT_CERTPENDING |
  EXITEVENT_CERTDENIED |
  EXITEVENT_CERTREVOKED |
  EXITEVENT_CERTRETRIEVEPENDING |
  EXITEVENT_CRLISSUED |
  EXITEVENT_CERTIMPORTED;

/** REG_SZ under the module's configuration key: the JSON-lines file to append to. Required to write anything. */
export const INVENTORY_CONFIG_OUTPUT_FILE = 'OutputFile';

/** REG_DWORD under the module's configuration key: narrows the recorded events (clamped to {@link INVENTORY_EVENT_MASK}). */
export const INVENTORY_CONFIG_EVENT_MASK = 'EventMask';
