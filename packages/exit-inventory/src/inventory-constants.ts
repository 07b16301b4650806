import { EXITEVENT_REQUESTS_AND_CRL } from '@certexit/core';

/** The inventory module's ProgID (`<App>.Exit`), under which it is registered and configured. */
export const INVENTORY_PROGID = 'CertExit_Inventory.Exit';

/** What `GetDescription` returns: the name the host puts into its logs and `CR_PROP_EXITDESCRIPTION`. */
export const INVENTORY_DESCRIPTION = 'certexit inventory (JSON lines)';

/**
 * The events the inventory records, and the mask `Initialize` returns by default: every request event plus
 * CRL issuance (`0x23F`). `EventMask` can only narrow it: shutdown and startup carry nothing to inventory.
 */
export const INVENTORY_EVENT_MASK = EXITEVENT_REQUESTS_AND_CRL;

/** REG_SZ under the module's configuration key: the JSON-lines file to append to. Required to write anything. */
export const INVENTORY_CONFIG_OUTPUT_FILE = 'OutputFile';

/** REG_DWORD under the module's configuration key: narrows the recorded events (clamped to {@link INVENTORY_EVENT_MASK}). */
export const INVENTORY_CONFIG_EVENT_MASK = 'EventMask';

/** REG_SZ under the module's configuration key: the SQLite inventory database (its own file; 0600). */
export const INVENTORY_CONFIG_DATABASE_FILE = 'DatabaseFile';

/** The values of the periodic expiry report, under the module's configuration key. */
export const INVENTORY_REPORT_VALUES = {
  /** REG_DWORD: seconds between reports (86400: daily); 0 or absent: no report. */
  intervalSeconds: 'ExpiryReportIntervalSeconds',
  /** REG_DWORD: the report lists certificates expiring within this many days (default 30). */
  withinDays: 'ExpiryReportWithinDays',
  /** REG_MULTI_SZ (or REG_SZ separated by `;` or `,`): recipients. */
  mailTo: 'ExpiryReportMailTo',
  mailFrom: 'ExpiryReportMailFrom',
  smtpServer: 'SmtpServer',
  smtpPort: 'SmtpPort',
  /** REG_DWORD: 1 (default) requires STARTTLS. */
  smtpStartTls: 'SmtpStartTls',
  smtpCaFile: 'SmtpCAFile',
  smtpUser: 'SmtpUser',
  smtpPasswordFile: 'SmtpPasswordFile',
  webhookUrl: 'ExpiryReportWebhookUrl',
  webhookSecretFile: 'ExpiryReportWebhookSecretFile',
  webhookSecretEnv: 'ExpiryReportWebhookSecretEnv',
  webhookCaFile: 'ExpiryReportWebhookCAFile',
} as const;
