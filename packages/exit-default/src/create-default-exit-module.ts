import type {
  ExitModuleFactoryV1,
  ExitModuleServices,
  ICertExit2,
  ICertManageModule,
  ICertServerExit,
} from '@certexit/core';
import {
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  EXITEVENT_STARTUP,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_FILE,
  exitEventName,
  formatHResult,
  PROGID_DEFAULT_EXIT,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readEventId,
  readOptional,
  runOnce,
  S_OK,
} from '@certexit/core';
import type { LdapClientFactory } from '@certexit/ldap';
import { createDirectoryConnectionPool, DirectoryError } from '@certexit/ldap';
import { DEFAULT_EXIT_CONFIGURATION } from './default-exit-configuration';
import { createDefaultExitManageModule } from './default-exit-manage-module';
import type { CaFacts, DefaultExitSettings } from './default-exit-settings';
import { describeDefaultExitSettings, readDefaultExitSettings } from './default-exit-settings';
import { FilePublishError } from './file-publish-error';
import { MailError } from './mail-error';
import { MAIL_EVENT_KEYS, resolveMailTemplate } from './mail-template';
import { publishToDirectory } from './publish-to-directory';
import { publishToFile } from './publish-to-file';
import type { RevocationLookup } from './select-old-certificates';
import type { MailTransportFactory } from './send-notification-mail';
import { sendNotificationMail } from './send-notification-mail';
import { readSmtpSettings } from './smtp-settings';

/**
 * What `GetDescription` returns. Microsoft's module says "Windows default" (as seen in event-46 texts); ours names
 * itself so that logs show which implementation ran.
 */
export const DEFAULT_EXIT_DESCRIPTION = 'certexit default';

/**
 * The events the module subscribes to: DENIED | ISSUED | PENDING | RETRIEVEPENDING | REVOKED | CRLISSUED | SHUTDOWN
 * | CERTIMPORTED = 0x27F, the SDK sample's mask. Only ISSUED does work today; the others are logged at debug level
 * (e-mail notification will use them).
 */
export const DEFAULT_EXIT_EVENT_MASK =
  EXITEVENT_CERTISSUED |
  EXITEVENT_CERTPENDING |
  EXITEVENT_CERTDENIED |
  EXITEVENT_CERTREVOKED |
  EXITEVENT_CERTRETRIEVEPENDING |
  EXITEVENT_CRLISSUED |
  EXITEVENT_SHUTDOWN |
  EXITEVENT_CERTIMPORTED;

/** Options of {@link createDefaultExitModule}; both are for tests and special hosts. */
export interface DefaultExitModuleOptions {
  /** Creates the LDAP clients. @default an ldapts `Client` per connection */
  ldapClientFactory?: LdapClientFactory;
  /** The clock (publication timestamps and durations in logs). @default () => new Date() */
  now?: () => Date;
  /**
   * Answers "is this serial revoked in this CA's database?" for `EXITPUB_REMOVEOLDCERTS`. `ICertServerExit` only
   * reads the current request, so the module cannot ask the database about other serials itself: the app composes
   * this from its store. Without it the "revoked" rule never removes anything (expired and superseded still do).
   */
  isRevoked?: RevocationLookup;
  /**
   * The CA's CertEnroll folder (the host's `%windir%\System32\CertSrv\CertEnroll`): the default of
   * `CertFileDirectories` and the folder of the `<RequestID>.cer` fallback. The `CertEnrollDirectory` value wins.
   */
  certEnrollDirectory?: string;
  /** Creates the nodemailer transport for e-mail notifications. @default nodemailer's `createTransport` */
  mailTransportFactory?: MailTransportFactory;
}

/**
 * The factory of the default exit module, `CertificateAuthority_MicrosoftDefault.Exit`: on `EXITEVENT_CERTISSUED`
 * it publishes the certificate to the requester's Active Directory object when `PublishCertFlags` has
 * `EXITPUB_ACTIVEDIRECTORY` and the template has `CT_FLAG_PUBLISH_TO_DS`. No import-time side effects.
 *
 * @example
 * ```ts
 * import { createDefaultExitModule } from '@certexit/exit-default';
 * const server = createServer({ exitModules: [createDefaultExitModule()] });
 * ```
 */
export function createDefaultExitModule(options: DefaultExitModuleOptions = {}): ExitModuleFactoryV1 {
  return {
    specificationVersion: 'v1',
    progId: PROGID_DEFAULT_EXIT,
    version: __PACKAGE_VERSION__,
    configuration: DEFAULT_EXIT_CONFIGURATION,
    create: (services: ExitModuleServices): ICertExit2 => _createModule(services, options),
  } satisfies ExitModuleFactoryV1;
}

function _createModule(services: ExitModuleServices, options: DefaultExitModuleOptions): ICertExit2 {
  const { logger } = services;
  let ca: CaFacts = { caType: undefined, domainDN: undefined, certEnroll: options.certEnrollDirectory };
  let settings: DefaultExitSettings | undefined;
  let manage: ICertManageModule | undefined;
  // Bound connections are reused across publications and closed when the host stops.
  const pool = createDirectoryConnectionPool();
  services.signal.addEventListener('abort', () => void pool.close(), { once: true });

  const load = (why: string): DefaultExitSettings => {
    const result = readDefaultExitSettings(services.config, ca);
    for (const issue of result.issues) logger[issue.level]({ configuration: services.config.path }, issue.message);
    logger.info(describeDefaultExitSettings(result.settings), `configuration loaded (${why})`);
    settings = result.settings;
    return settings;
  };
  const current = (): DefaultExitSettings => settings ?? load('first use before Initialize');

  const onCertIssued = async (context: number): Promise<void> => {
    const active = current();
    const directory = (active.publishCertFlags & EXITPUB_ACTIVEDIRECTORY) !== 0;
    const file = (active.publishCertFlags & EXITPUB_FILE) !== 0;
    if (directory && active.directory.servers.length === 0) {
      logger.debug({ context }, 'no LdapServers configured; not publishing to the directory');
    }
    const toDirectory = directory && active.directory.servers.length > 0;
    if (!toDirectory && !file) {
      logger.debug({ context }, 'neither EXITPUB_ACTIVEDIRECTORY nor EXITPUB_FILE is in force; nothing to publish');
      return;
    }
    const server = services.createServerExit();
    await server.SetContext(context);
    // Each side effect is done once per notification (EventID): a retry after the file failed does not publish to
    // the directory again, and the other way round. Without an EventID (a host without an outbox) it just acts.
    const eventId = await readEventId(server);
    const once = async (action: 'directory' | 'file', work: () => Promise<unknown>) => {
      if (eventId === undefined) return void (await work());
      const outcome = await runOnce(services.idempotency, { eventId, action }, work);
      if (outcome.status === 'skipped')
        logger.debug({ context, eventId, action }, 'done by an earlier attempt of this notification; not repeated');
    };
    // The two publications are independent: a directory failure does not stop the file, and the first error is
    // what Notify returns (event 46); every error is logged.
    const errors: unknown[] = [];
    if (toDirectory) {
      try {
        await once('directory', () =>
          publishToDirectory({
            server,
            settings: active,
            logger,
            signal: services.signal,
            ldapClientFactory: options.ldapClientFactory,
            now: options.now,
            isRevoked: options.isRevoked,
            pool,
          }),
        );
      } catch (error) {
        if (DirectoryError.isInstance(error)) {
          logger.error(
            { context, code: error.code, hresult: formatHResult(error.hresult), server: error.server, dn: error.dn },
            error.detail,
          );
        }
        errors.push(error);
      }
    }
    if (file) {
      try {
        await once('file', () => publishToFile({ server, files: active.files, logger }));
      } catch (error) {
        if (FilePublishError.isInstance(error)) {
          logger.error(
            { context, code: error.code, hresult: formatHResult(error.hresult), path: error.path },
            error.message,
          );
        }
        errors.push(error);
      }
    }
    if (errors.length > 0) throw _firstOf(errors);
  };

  /** Sends the mail of `event` when `SMTP\\EventFilter` asks for it; failures are thrown (event 46). */
  const mail = async (event: number, context: number, server?: ICertServerExit): Promise<boolean> => {
    const smtp = readSmtpSettings(services.config, (message) => logger.warn({}, message));
    if ((smtp.eventFilter & event) === 0) return false;
    const callback = server ?? services.createServerExit();
    if (!server && context !== 0) await callback.SetContext(context);
    const requestEvent = (event & _REQUEST_EVENTS) !== 0;
    const template = requestEvent
      ? ((await readOptional(() => callback.GetCertificateProperty('CertificateTemplate', PROPTYPE_STRING))) ??
        (await readOptional(() => callback.GetRequestAttribute('CertificateTemplate'))))
      : undefined;
    const message = resolveMailTemplate(services.config, event, template);
    if (!message) return false;
    // At most one mail per notification and recipient, whatever else of the notification fails and is retried.
    const eventId = event === EXITEVENT_STARTUP ? undefined : await readEventId(callback);
    try {
      await sendNotificationMail({
        ...(eventId !== undefined && { once: { store: services.idempotency, eventId } }),
        server: callback,
        event,
        smtp,
        template: message,
        requestEvent,
        logger,
        transportFactory: options.mailTransportFactory,
      });
      return true;
    } catch (error) {
      if (MailError.isInstance(error)) {
        logger.error(
          { event: exitEventName(event), context, code: error.code, hresult: formatHResult(error.hresult) },
          error.message,
        );
      }
      throw error;
    }
  };

  return {
    async Initialize(strConfig) {
      const server = services.createServerExit();
      const caType = await readOptional(() => server.GetCertificateProperty('CAType', PROPTYPE_LONG));
      const domainDN = await readOptional(() => server.GetCertificateProperty('DomainDN', PROPTYPE_STRING));
      ca = { caType, domainDN, certEnroll: options.certEnrollDirectory };
      logger.debug({ caName: strConfig, caType }, 'Initialize');
      load('Initialize');
      // The engine never sends EXITEVENT_STARTUP: the module synthesizes it. A failure is logged, not fatal.
      await mail(EXITEVENT_STARTUP, 0, server).catch(() => undefined);
      return DEFAULT_EXIT_EVENT_MASK;
    },

    async Notify(ExitEvent, Context) {
      let failure: unknown;
      if (ExitEvent === EXITEVENT_CERTISSUED) {
        await onCertIssued(Context).catch((error: unknown) => {
          failure = error;
        });
      }
      let mailed = false;
      if (MAIL_EVENT_KEYS.has(ExitEvent) && ExitEvent !== EXITEVENT_STARTUP) {
        mailed = await mail(ExitEvent, Context).catch((error: unknown) => {
          failure = failure === undefined ? error : _firstOf([failure, error]);
          return true;
        });
      }
      if (!mailed && ExitEvent !== EXITEVENT_CERTISSUED) {
        logger.debug({ event: exitEventName(ExitEvent), context: Context }, 'event needs no action');
      }
      if (failure !== undefined) throw failure;
      return S_OK;
    },

    GetDescription() {
      return DEFAULT_EXIT_DESCRIPTION;
    },

    GetManageModule() {
      manage ??= createDefaultExitManageModule({
        version: __PACKAGE_VERSION__,
        logger,
        refresh: () => {
          load('Configure CMM_REFRESHONLY');
        },
        describe: () => describeDefaultExitSettings(current()),
      });
      return manage;
    },
  };
}

/** Events about one request: an empty `To` falls back to the requester's address. */
const _REQUEST_EVENTS =
  EXITEVENT_CERTISSUED |
  EXITEVENT_CERTPENDING |
  EXITEVENT_CERTDENIED |
  EXITEVENT_CERTREVOKED |
  EXITEVENT_CERTRETRIEVEPENDING |
  EXITEVENT_CERTIMPORTED;

/**
 * The error `Notify` reports when several actions failed: a transient one first, so that the notification is retried
 * (the actions already done are not repeated) rather than dead-lettered while something could still pass; among
 * errors of the same kind, the first.
 */
function _firstOf(errors: readonly unknown[]): unknown {
  return errors.find((e) => (e as { isRetryable?: unknown }).isRetryable !== false) ?? errors[0];
}
