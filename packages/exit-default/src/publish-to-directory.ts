import { X509Certificate } from 'node:crypto';
import type { ICertServerExit, Logger } from '@certexit/core';
import {
  CERTSRV_E_PROPERTY_EMPTY,
  CT_FLAG_MACHINE_TYPE,
  CT_FLAG_PUBLISH_TO_DS,
  CT_FLAG_PUBLISH_TO_KRA_CONTAINER,
  EXITPUB_REMOVEOLDCERTS,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readOptional,
} from '@certexit/core';
import type {
  AccountKind,
  DirectoryAccount,
  DirectoryConnection,
  DirectoryConnectionPool,
  LdapClientFactory,
} from '@certexit/ldap';
import {
  accountFilter,
  connectDirectory,
  DIRECTORY_ERROR_CODES,
  DIRECTORY_HRESULTS,
  DirectoryError,
  directoryClientOptions,
} from '@certexit/ldap';
import type { DefaultExitSettings } from './default-exit-settings';
import { publishToKraContainer } from './publish-to-kra-container';
import { parseRequesterName, samAccountNameFor } from './requester-name';
import type { OldCertificate, RevocationLookup } from './select-old-certificates';
import { selectOldCertificates } from './select-old-certificates';

/** What {@link publishToDirectory} needs. */
export interface PublishToDirectoryOptions {
  /** A callback object already set to the request's context. */
  server: ICertServerExit;
  settings: DefaultExitSettings;
  logger: Logger;
  signal?: AbortSignal;
  ldapClientFactory?: LdapClientFactory;
  now?: () => Date;
  /** Answers "revoked in this CA's database" for `EXITPUB_REMOVEOLDCERTS`; without it that rule never applies. */
  isRevoked?: RevocationLookup;
  /** Reuses bound connections across publications; without it each publication connects and binds anew. */
  pool?: DirectoryConnectionPool;
}

/** What {@link publishToDirectory} did. */
export type DirectoryPublishOutcome =
  | { readonly status: 'skipped'; readonly reason: 'no-servers' | 'template-does-not-publish' | 'no-certificate' }
  | {
      readonly status: 'added' | 'already-present';
      readonly dn: string;
      readonly server: string;
      readonly attribute: string;
      /** The values `EXITPUB_REMOVEOLDCERTS` removed. */
      readonly removed: readonly OldCertificate[];
    };

/**
 * Publishes the issued certificate of the current request to its owner's directory object, as MS-WCCE asks when
 * the template's `msPKI-Enrollment-Flag` has `CT_FLAG_PUBLISH_TO_DS`: the user object for user templates, the
 * computer object (`NAME$`) for machine templates (`CT_FLAG_MACHINE_TYPE` in `GeneralFlags`). The object is the
 * request's `UserDN` when the CA recorded one and it is of the right class, otherwise the account whose
 * `sAMAccountName` is the account part of `RequesterName` (`DOMAIN\account`) under `DomainDN`. The DER is added
 * to `userCertificate`; publishing the same certificate twice leaves one value.
 *
 * The caller checks `EXITPUB_ACTIVEDIRECTORY`.
 *
 * @throws a {@link DirectoryError} naming the request, the requester, the DN and the server.
 */
export async function publishToDirectory(options: PublishToDirectoryOptions): Promise<DirectoryPublishOutcome> {
  const { server, settings, logger } = options;
  const directory = settings.directory;
  if (directory.servers.length === 0) return { status: 'skipped', reason: 'no-servers' };

  const optional = readOptional;
  const enrollmentFlags = (await optional(() => server.GetCertificateProperty('EnrollmentFlags', PROPTYPE_LONG))) ?? 0;
  const requestId = await optional(() => server.GetRequestProperty('RequestID', PROPTYPE_LONG));
  if ((enrollmentFlags & CT_FLAG_PUBLISH_TO_KRA_CONTAINER) !== 0) {
    // KRA templates publish to the CN=KRA container instead of the requester's object (MS-WCCE §3.2.2.1.4).
    const kra = await publishToKraContainer(options);
    return {
      status: kra.status === 'created' ? 'added' : kra.status,
      dn: kra.dn,
      server: kra.server,
      attribute: directory.userCertificateAttribute,
      removed: [],
    };
  }
  if ((enrollmentFlags & CT_FLAG_PUBLISH_TO_DS) === 0) {
    logger.debug(
      { requestId, enrollmentFlags },
      'the template does not publish to the directory (no CT_FLAG_PUBLISH_TO_DS)',
    );
    return { status: 'skipped', reason: 'template-does-not-publish' };
  }
  const der = await optional(() => server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY));
  if (der === undefined || der.length === 0) {
    logger.warn({ requestId }, 'the request has no RawCertificate; nothing to publish to the directory');
    return { status: 'skipped', reason: 'no-certificate' };
  }
  const requesterName = await optional(() => server.GetRequestProperty('RequesterName', PROPTYPE_STRING));
  const generalFlags = (await optional(() => server.GetCertificateProperty('GeneralFlags', PROPTYPE_LONG))) ?? 0;
  const userDN = (await optional(() => server.GetCertificateProperty('UserDN', PROPTYPE_STRING))) || undefined;
  const kind: AccountKind = (generalFlags & CT_FLAG_MACHINE_TYPE) !== 0 ? 'computer' : 'user';
  const who = `request ${requestId ?? '?'} (requester ${requesterName || 'unknown'})`;
  const fail = (error: DirectoryError): DirectoryError =>
    new DirectoryError({
      code: error.code,
      hresult: error.hresult,
      server: error.server,
      dn: error.dn,
      message: `cannot publish the certificate of ${who} to the directory: ${error.detail}`,
      cause: error,
      isRetryable: error.isRetryable,
    });

  if (!requesterName) {
    throw fail(
      new DirectoryError({
        code: DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND,
        hresult: CERTSRV_E_PROPERTY_EMPTY,
        message: 'the request has no RequesterName, so its directory object cannot be found',
      }),
    );
  }
  const { domain, account } = parseRequesterName(requesterName);
  const samAccountName = samAccountNameFor(account, kind);
  const baseDN = directory.domainDN;
  if (baseDN === undefined) {
    throw fail(
      new DirectoryError({
        code: DIRECTORY_ERROR_CODES.CONFIGURATION,
        hresult: DIRECTORY_HRESULTS.BAD_CONFIGURATION,
        message: 'no DomainDN is configured and the CA provides none',
      }),
    );
  }

  const now = options.now ?? (() => new Date());
  const started = now();
  try {
    const connect = await directoryClientOptions(directory, {
      ldapClientFactory: options.ldapClientFactory,
      signal: options.signal,
      logger,
    });
    const pool = options.pool;
    const run = pool
      ? <T>(work: (c: DirectoryConnection) => Promise<T>) =>
          pool.use(connect, work, { maxSharing: directory.connectionSharing })
      : async <T>(work: (c: DirectoryConnection) => Promise<T>) => {
          const connection = await connectDirectory(connect);
          try {
            return await work(connection);
          } finally {
            await connection.close();
          }
        };
    return await run(async (connection) => {
      let target: DirectoryAccount | undefined;
      if (userDN !== undefined) {
        target = await connection.readAccount(userDN, kind);
        if (!target)
          logger.debug({ requestId, userDN, kind }, `UserDN is no ${kind} object; searching by sAMAccountName`);
      }
      target ??= await connection.findAccount(baseDN, samAccountName, kind);
      if (!target) {
        throw new DirectoryError({
          code: DIRECTORY_ERROR_CODES.ACCOUNT_NOT_FOUND,
          hresult: DIRECTORY_HRESULTS.OBJ_NOT_FOUND,
          server: connection.server,
          dn: baseDN,
          message: `no ${kind} object with ${directory.accountSchema.nameAttribute} ${JSON.stringify(samAccountName)} under ${baseDN} on ${connection.server} (filter ${accountFilter(samAccountName, kind, directory.accountSchema).text})`,
        });
      }
      let removed: OldCertificate[] = [];
      if ((settings.publishCertFlags & EXITPUB_REMOVEOLDCERTS) !== 0 && target.userCertificates.length > 0) {
        removed = await selectOldCertificates({
          values: target.userCertificates,
          issued: der,
          issuedTemplate: await optional(() => server.GetCertificateProperty('CertificateTemplate', PROPTYPE_STRING)),
          caCertificates: await _caCertificates(server),
          rules: settings.removeOldCertsRules,
          now: now(),
          isRevoked: options.isRevoked,
          onLookupError: (serialNumber, error) =>
            logger.warn(
              { requestId, serialNumber, error: (error as Error)?.message ?? String(error) },
              'the revocation lookup failed; the value is kept',
            ),
        });
      }
      const { status } = await connection.replaceUserCertificates(
        target,
        der,
        removed.map((r) => r.der),
      );
      if (removed.length > 0) {
        logger.info(
          {
            requestId,
            dn: target.dn,
            removed: removed.map((r) => ({ serialNumber: r.serialNumber, reason: r.reason })),
          },
          'EXITPUB_REMOVEOLDCERTS: removed old certificates from the directory object',
        );
      }
      logger.info(
        {
          requestId,
          requester: requesterName,
          domain,
          kind,
          dn: target.dn,
          server: connection.server,
          attribute: directory.userCertificateAttribute,
          status,
          durationMs: now().getTime() - started.getTime(),
        },
        status === 'added'
          ? 'published the certificate to the directory'
          : 'the certificate was already published to the directory',
      );
      return {
        status,
        dn: target.dn,
        server: connection.server,
        attribute: directory.userCertificateAttribute,
        removed,
      } satisfies DirectoryPublishOutcome;
    });
  } catch (error) {
    if (DirectoryError.isInstance(error)) throw fail(error);
    throw error;
  }
}

/** Every certificate of this CA: `RawCACertificate.0 … CertCount-1` (renewals), else `RawCACertificate`. */
async function _caCertificates(server: ICertServerExit): Promise<X509Certificate[]> {
  const count = (await readOptional(() => server.GetCertificateProperty('CertCount', PROPTYPE_LONG))) ?? 0;
  const names = count > 0 ? Array.from({ length: count }, (_, i) => `RawCACertificate.${i}`) : ['RawCACertificate'];
  const certificates: X509Certificate[] = [];
  for (const name of names) {
    const der = await readOptional(() => server.GetCertificateProperty(name, PROPTYPE_BINARY));
    if (der === undefined || der.length === 0) continue;
    try {
      certificates.push(new X509Certificate(der));
    } catch {
      // A CA certificate that does not parse vouches for nothing.
    }
  }
  return certificates;
}
