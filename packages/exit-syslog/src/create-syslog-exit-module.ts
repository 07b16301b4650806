import { hostname as osHostname } from 'node:os';
import type { ExitContext, ExitModuleServices, ExitSettingsOf } from '@certexit/core';
import { defineExitModule, setting } from '@certexit/core';
import type { CertificateEventRecord } from './certificate-event-record';
import { readCertificateEventRecord, readCrlEventRecord } from './certificate-event-record';
import { formatSyslogMessage, frameOctetCounted } from './format-syslog-message';
import {
  SYSLOG_DEFAULT_ENTERPRISE_NUMBER,
  SYSLOG_DEFAULT_FACILITY,
  SYSLOG_DEFAULT_PORT,
  SYSLOG_DESCRIPTION,
  SYSLOG_PROGID,
} from './syslog-constants';
import type { SyslogTlsClient, SyslogTlsTarget } from './syslog-tls-client';
import { createSyslogTlsClient } from './syslog-tls-client';

const _printable = (max: number) => (value: string) =>
  /^[\x21-\x7e]+$/.test(value) && value.length <= max ? undefined : `must be 1–${max} printable ASCII characters`;

/** The feed's settings, under the module's key. */
export const syslogSettings = {
  server: setting.string('Server', { required: true, description: 'host name or address of the syslog server' }),
  port: setting.dword('Port', { default: SYSLOG_DEFAULT_PORT, min: 1, max: 65_535 }),
  caFile: setting.path('CAFile', { description: "PEM of the CAs trusted for the server's certificate" }),
  serverName: setting.string('ServerName', { description: "the name the server's certificate must carry" }),
  clientCertFile: setting.path('ClientCertFile'),
  clientKeyFile: setting.path('ClientKeyFile'),
  hostname: setting.string('Hostname', { validate: _printable(255) }),
  appName: setting.string('AppName', { default: 'certexit', validate: _printable(48) }),
  facility: setting.dword('Facility', { default: SYSLOG_DEFAULT_FACILITY, max: 23 }),
  enterpriseNumber: setting.dword('EnterpriseNumber', { default: SYSLOG_DEFAULT_ENTERPRISE_NUMBER, min: 1 }),
  timeoutMs: setting.dword('TimeoutMs', { default: 10_000, min: 1, max: 600_000 }),
  eventMask: setting.dword('EventMask', { description: 'narrows the events sent' }),
} as const;

type _Settings = ExitSettingsOf<typeof syslogSettings>;

/** Options of {@link createSyslogExitModule}: for embedding and tests. */
export interface SyslogExitModuleOptions {
  /** The clock of the messages' TIMESTAMP. @default () => new Date() */
  now?: () => Date;
}

/**
 * The SIEM feed (`CertExit_Syslog.Exit`): one RFC 5424 message per certificate event, over TLS (RFC 5425,
 * octet-counted frames), with the event's fields as structured data under `certexit@<EnterpriseNumber>` and the
 * `origin` element, so that every issuance and revocation reaches a SIEM. The connection is opened on the first
 * event, kept, and opened again after the server closes it; TLS is verified against `CAFile` (or Node's default
 * store). A server that cannot be reached fails the notification as transient: the host's outbox retries it.
 *
 * @example
 * ```ts
 * import { createSyslogExitModule } from '@certexit/exit-syslog';
 *
 * const factory = createSyslogExitModule(); // what `certexit module register` loads
 * ```
 */
export function createSyslogExitModule(options: SyslogExitModuleOptions = {}) {
  const now = options.now ?? (() => new Date());
  // One connection per module object (the host creates one per start; the kit one per check).
  const clients = new WeakMap<ExitModuleServices, SyslogTlsClient>();

  const clientFor = (services: ExitModuleServices, settings: _Settings): SyslogTlsClient => {
    const target: SyslogTlsTarget = {
      host: settings.server,
      port: settings.port,
      timeoutMs: settings.timeoutMs,
      ...(settings.caFile !== undefined && { caFile: settings.caFile }),
      ...(settings.serverName !== undefined && { serverName: settings.serverName }),
      ...(settings.clientCertFile !== undefined && { clientCertFile: settings.clientCertFile }),
      ...(settings.clientKeyFile !== undefined && { clientKeyFile: settings.clientKeyFile }),
    };
    let client = clients.get(services);
    // Configure(CMM_REFRESHONLY) may have changed the target: connect to the new one.
    if (client && JSON.stringify(client.target) !== JSON.stringify(target)) {
      client.close();
      client = undefined;
    }
    if (!client) {
      client = createSyslogTlsClient(target);
      clients.set(services, client);
      const c = client;
      services.signal.addEventListener('abort', () => c.close(), { once: true });
    }
    return client;
  };

  const emit = async (ctx: ExitContext<_Settings>, read: () => Promise<CertificateEventRecord>) => {
    const record = await read();
    const { settings } = ctx;
    const machine = settings.hostname ?? (await ctx.ca.machineDnsName) ?? osHostname();
    const line = formatSyslogMessage({
      facility: settings.facility,
      severity: record.severity,
      timestamp: now(),
      hostname: machine,
      appName: settings.appName,
      procId: String(process.pid),
      msgId: record.msgId,
      structuredData: [
        { id: `certexit@${settings.enterpriseNumber}`, params: record.params },
        {
          id: 'origin',
          params: [
            ['software', 'certexit'],
            ['swVersion', __PACKAGE_VERSION__],
          ],
        },
      ],
      message: record.message,
    });
    const client = clientFor(ctx.services, settings);
    // Once per notification: a retry after a failure does not send it again (a SIEM may still see a message twice
    // when a connection broke after the write; eventId tells them apart).
    const outcome = await ctx.once('syslog', () => client.send(frameOctetCounted(line)));
    if (outcome.status === 'ran') {
      ctx.logger.debug({ msgId: record.msgId, server: `${settings.server}:${settings.port}` }, 'sent to the SIEM');
    }
  };

  return defineExitModule({
    progId: SYSLOG_PROGID,
    description: SYSLOG_DESCRIPTION,
    version: __PACKAGE_VERSION__,
    settings: syslogSettings,
    eventMask: (settings) => settings.eventMask ?? 0xffffffff,
    manage: { name: 'certexit SIEM Feed Exit Module' },
    initialize({ settings, logger }) {
      logger.info(
        { server: `${settings.server}:${settings.port}`, caFile: settings.caFile ?? 'default trust store' },
        'SIEM feed ready; it connects on the first event',
      );
    },
    events: {
      issued: (ctx) => emit(ctx, () => readCertificateEventRecord(ctx)),
      pending: (ctx) => emit(ctx, () => readCertificateEventRecord(ctx)),
      denied: (ctx) => emit(ctx, () => readCertificateEventRecord(ctx)),
      revoked: (ctx) => emit(ctx, () => readCertificateEventRecord(ctx)),
      retrievePending: (ctx) => emit(ctx, () => readCertificateEventRecord(ctx)),
      imported: (ctx) => emit(ctx, () => readCertificateEventRecord(ctx)),
      crlIssued: (ctx) => emit(ctx, () => readCrlEventRecord(ctx)),
    },
  });
}

export default createSyslogExitModule;
