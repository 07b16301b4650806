import type { ExitModuleServices, Logger } from '@certexit/core';
import {
  CertexitError,
  EXITPUB_FILE,
  HRESULT_BAD_CONFIGURATION,
  PROPTYPE_BINARY,
  PROPTYPE_LONG,
  readEventId,
  readOptional,
  runOnce,
} from '@certexit/core';
import type { SampleSettings } from './read-sample-settings';
import { CERT_FILE_ATTRIBUTE, SAMPLE_PROGID } from './sample-constants';
import type { WriteCertOutcome } from './write-cert-to-file';
import { writeCertToFile } from './write-cert-to-file';

/** What {@link notifyNewCert} did, for logs and tests. */
export type NotifyNewCertOutcome =
  | { readonly status: 'skipped'; readonly reason: 'file-publishing-off' | 'no-cert-file-attribute' | 'done-before' }
  | WriteCertOutcome;

/**
 * exit.cpp `_NotifyNewCert`: for `EXITEVENT_CERTISSUED`, when `PublishCertFlags` has `EXITPUB_FILE` and the request
 * carries a `CertFile` attribute (whatever its value: an empty one, `CERTSRV_E_PROPERTY_EMPTY`, means "no", silently),
 * reads `RawCertificate` and `RequestID` and writes the certificate with {@link writeCertToFile}.
 *
 * certexit adds the write's idempotency: it is one action (`certfile`) in the host's store, so a retry of the same
 * notification does not try it again once done.
 */
export async function notifyNewCert(
  services: ExitModuleServices,
  context: number,
  settings: SampleSettings,
  logger: Logger,
): Promise<NotifyNewCertOutcome> {
  // "only call write fxns if server policy allows"
  if ((settings.publishCertFlags & EXITPUB_FILE) === 0) return { status: 'skipped', reason: 'file-publishing-off' };

  // CoCreateInstance(CLSID_CCertServerExit) and SetContext: one callback object per call.
  const server = services.createServerExit();
  await server.SetContext(context);

  // exitGetRequestAttribute(pServer, wszPROPEXITCERTFILE): present or not, the value is not used.
  const certFile = await readOptional(() => server.GetRequestAttribute(CERT_FILE_ATTRIBUTE));
  if (certFile === undefined) return { status: 'skipped', reason: 'no-cert-file-attribute' };

  const der = await server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY);
  const requestId = await server.GetRequestProperty('RequestID', PROPTYPE_LONG);
  const directory = settings.certEnrollDirectory;
  if (directory === undefined) {
    throw new CertexitError({
      hresult: HRESULT_BAD_CONFIGURATION,
      source: SAMPLE_PROGID,
      isRetryable: false,
      message: `request ${requestId} asks for a CertFile but no folder is known: set CertEnrollDirectory (REG_SZ) under ${services.config.path}`,
    });
  }

  const write = () => writeCertToFile(directory, requestId, der);
  const eventId = await readEventId(server);
  let written: WriteCertOutcome;
  if (eventId === undefined) written = await write();
  else {
    const once = await runOnce(services.idempotency, { eventId, action: 'certfile' }, write);
    if (once.status === 'skipped') return { status: 'skipped', reason: 'done-before' };
    written = once.value;
  }
  logger.info(
    { requestId, path: written.path, bytes: written.bytes, status: written.status },
    'wrote the issued certificate (EXITPUB_FILE)',
  );
  return written;
}
