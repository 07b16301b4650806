import { PROPTYPE_BINARY, PROPTYPE_LONG, PROPTYPE_STRING, readOptional } from '@certexit/core';
import {
  connectDirectory,
  DIRECTORY_ERROR_CODES,
  DIRECTORY_HRESULTS,
  DirectoryError,
  directoryClientOptions,
  escapeDnValue,
} from '@certexit/ldap';
import type { PublishToDirectoryOptions } from './publish-to-directory';
import { parseRequesterName } from './requester-name';

/** Where a KRA certificate went. */
export interface KraPublishOutcome {
  readonly status: 'added' | 'already-present' | 'created';
  readonly dn: string;
  readonly server: string;
}

/**
 * A Key Recovery Agent certificate (template with `CT_FLAG_PUBLISH_TO_KRA_CONTAINER`) goes to the `userCertificate`
 * of an `msPKI-PrivateKeyRecoveryAgent` object under `CN=KRA,CN=Public Key Services,CN=Services,<ConfigDN>`
 * (MS-WCCE §3.2.2.1.4), which is created when missing. The object is named by the certificate's first subject CN,
 * else the requester's account name, escaped for the DN. Publishing twice leaves one value.
 */
export async function publishToKraContainer(options: PublishToDirectoryOptions): Promise<KraPublishOutcome> {
  const { server, settings, logger } = options;
  const directory = settings.directory;
  const der = await readOptional(() => server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY));
  const requestId = await readOptional(() => server.GetRequestProperty('RequestID', PROPTYPE_LONG));
  const configDN = await readOptional(() => server.GetCertificateProperty('ConfigDN', PROPTYPE_STRING));
  const commonName = (await readOptional(() => server.GetCertificateProperty('CommonName', PROPTYPE_STRING)))?.split(
    '\n',
  )[0];
  const requester = await readOptional(() => server.GetRequestProperty('RequesterName', PROPTYPE_STRING));
  const name = commonName || (requester ? parseRequesterName(requester).account : undefined);
  const problem = !der
    ? 'the request has no RawCertificate'
    : !configDN
      ? 'the CA has no ConfigDN (DSConfigDN)'
      : !name
        ? 'the certificate names no CN and the request no requester'
        : undefined;
  if (problem || !der || !configDN || !name) {
    throw new DirectoryError({
      code: DIRECTORY_ERROR_CODES.CONFIGURATION,
      hresult: DIRECTORY_HRESULTS.BAD_CONFIGURATION,
      message: `cannot publish the KRA certificate of request ${requestId ?? '?'}: ${problem}`,
    });
  }
  const dn = `CN=${escapeDnValue(name)},CN=KRA,CN=Public Key Services,CN=Services,${configDN}`;
  const connection = await connectDirectory(
    await directoryClientOptions(directory, {
      ldapClientFactory: options.ldapClientFactory,
      signal: options.signal,
      logger,
    }),
  );
  try {
    const attribute = directory.userCertificateAttribute;
    const created = await connection.addEntry(dn, {
      objectClass: ['top', 'msPKI-PrivateKeyRecoveryAgent'],
      [attribute]: [der],
    });
    const status = created === 'added' ? 'created' : await connection.addValue(dn, attribute, der);
    logger.info({ requestId, dn, server: connection.server, status }, 'KRA certificate published to the directory');
    return { status, dn, server: connection.server };
  } finally {
    await connection.close();
  }
}
