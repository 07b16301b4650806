import type { ExitModuleFactoryV1, ExitModuleServices, ICertExit2, ICertManageModule } from '@certexit/core';
import {
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  EXITPUB_ACTIVEDIRECTORY,
  exitEventName,
  formatHResult,
  PROGID_DEFAULT_EXIT,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readOptional,
  S_OK,
} from '@certexit/core';
import { createDefaultExitManageModule } from './default-exit-manage-module';
import type { CaFacts, DefaultExitSettings } from './default-exit-settings';
import { describeDefaultExitSettings, readDefaultExitSettings } from './default-exit-settings';
import type { LdapClientFactory } from './directory-client';
import { DirectoryError } from './directory-error';
import { publishToDirectory } from './publish-to-directory';

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
    create: (services: ExitModuleServices): ICertExit2 => _createModule(services, options),
  } satisfies ExitModuleFactoryV1;
}

function _createModule(services: ExitModuleServices, options: DefaultExitModuleOptions): ICertExit2 {
  const { logger } = services;
  let ca: CaFacts = { caType: undefined, domainDN: undefined };
  let settings: DefaultExitSettings | undefined;
  let manage: ICertManageModule | undefined;

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
    if ((active.publishCertFlags & EXITPUB_ACTIVEDIRECTORY) === 0) {
      logger.debug({ context }, 'EXITPUB_ACTIVEDIRECTORY is off; not publishing to the directory');
      return;
    }
    if (active.directory.servers.length === 0) {
      logger.debug({ context }, 'no LdapServers configured; not publishing to the directory');
      return;
    }
    const server = services.createServerExit();
    await server.SetContext(context);
    try {
      await publishToDirectory({
        server,
        settings: active,
        logger,
        signal: services.signal,
        ldapClientFactory: options.ldapClientFactory,
        now: options.now,
      });
    } catch (error) {
      if (DirectoryError.isInstance(error)) {
        logger.error(
          { context, code: error.code, hresult: formatHResult(error.hresult), server: error.server, dn: error.dn },
          error.detail,
        );
      }
      throw error;
    }
    // Later: EXITPUB_FILE → publishToFile(...), SMTP → sendMail(...).
  };

  return {
    async Initialize(strConfig) {
      const server = services.createServerExit();
      const caType = await readOptional(() => server.GetCertificateProperty('CAType', PROPTYPE_LONG));
      const domainDN = await readOptional(() => server.GetCertificateProperty('DomainDN', PROPTYPE_STRING));
      ca = { caType, domainDN };
      logger.debug({ caName: strConfig, caType }, 'Initialize');
      load('Initialize');
      return DEFAULT_EXIT_EVENT_MASK;
    },

    async Notify(ExitEvent, Context) {
      switch (ExitEvent) {
        case EXITEVENT_CERTISSUED:
          await onCertIssued(Context);
          break;
        default:
          logger.debug({ event: exitEventName(ExitEvent), context: Context }, 'event needs no action');
      }
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
