/** The SIEM feed's ProgID (`<App>.Exit`), under which it is registered and configured. */
export const SYSLOG_PROGID = 'CertExit_Syslog.Exit';

/** What `GetDescription` returns. */
export const SYSLOG_DESCRIPTION = 'certexit SIEM feed (RFC 5424 syslog over TLS)';

/**
 * The private enterprise number in the SD-ID (`certexit@32473`) until certexit has its own: 32473 is the number
 * RFC 5612 reserves for documentation and examples. An operator can set `EnterpriseNumber` to their own.
 */
export const SYSLOG_DEFAULT_ENTERPRISE_NUMBER = 32473;

/** RFC 5425's port for syslog over TLS. */
export const SYSLOG_DEFAULT_PORT = 6514;

/** `authpriv` (10): security and authorization messages, the facility SIEM rules watch for. */
export const SYSLOG_DEFAULT_FACILITY = 10;

/** RFC 5424 severities used by the feed. */
export const SYSLOG_SEVERITY = { warning: 4, notice: 5, informational: 6 } as const;
