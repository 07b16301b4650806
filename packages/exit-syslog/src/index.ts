/**
 * @certexit/exit-syslog: the SIEM feed (`CertExit_Syslog.Exit`), RFC 5424 syslog over TLS (RFC 5425) with the
 * event's fields as structured data.
 * @packageDocumentation
 */
export {
  type CertificateEventRecord,
  readCertificateEventRecord,
  readCrlEventRecord,
} from './certificate-event-record';
export {
  createSyslogExitModule,
  createSyslogExitModule as default,
  type SyslogExitModuleOptions,
  syslogSettings,
} from './create-syslog-exit-module';
export {
  formatSyslogMessage,
  frameOctetCounted,
  type SyslogMessage,
  type SyslogStructuredElement,
} from './format-syslog-message';
export {
  SYSLOG_DEFAULT_ENTERPRISE_NUMBER,
  SYSLOG_DEFAULT_FACILITY,
  SYSLOG_DEFAULT_PORT,
  SYSLOG_DESCRIPTION,
  SYSLOG_PROGID,
  SYSLOG_SEVERITY,
} from './syslog-constants';
export { createSyslogTlsClient, type SyslogTlsClient, type SyslogTlsTarget } from './syslog-tls-client';
