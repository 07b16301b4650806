import type { PropertyValue } from '@certexit/core';
import {
  CERTSRV_E_INVALID_CA_CERTIFICATE,
  CertexitError,
  CR_IN_PKCS10,
  DB_DISP_FOREIGN,
  DB_DISP_ISSUED,
  E_INVALIDARG,
  EXITEVENT_CERTIMPORTED,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_ORIGIN_IMPORTEDCERT,
  HRESULT_ALREADY_EXISTS,
} from '@certexit/core';
import type { CertificateInfo } from '@certexit/x509';
import {
  bytesEqual,
  bytesToHex,
  describePublicKey,
  EXTENSION_OID,
  parseCertificate,
  readCertificateTemplate,
  verifyCertificateSignature,
} from '@certexit/x509';
import type { EngineServices } from './engine-services';
import { namePropertiesOf } from './name-properties-of';
import type { RequestOutcome } from './request-outcome';

/**
 * Imports a certificate into the database (`certutil -importcert`), raising `EXITEVENT_CERTIMPORTED`. A certificate
 * of this CA (signed by one of its keys) is recorded as issued; with `foreign`, a certificate of another CA is
 * recorded as `DB_DISP_FOREIGN`. Extensions carry `EXTENSION_ORIGIN_IMPORTEDCERT`. A serial already in the
 * database is refused, so nothing stored is overwritten.
 */
export async function importCertificate(
  engine: EngineServices,
  input: string | Uint8Array,
  options: { foreign?: boolean } = {},
): Promise<RequestOutcome> {
  let info: CertificateInfo;
  try {
    // A PEM file read as bytes is text: hand it over as such.
    const text = typeof input !== 'string' && input[0] === 0x2d ? new TextDecoder().decode(input) : input;
    info = await parseCertificate(text);
  } catch (error) {
    throw new CertexitError({
      hresult: E_INVALIDARG,
      message: `not a certificate: ${(error as Error).message}`,
      cause: error,
    });
  }
  const { ca } = engine;
  const ours = await _issuedByThisCa(engine, info);
  if (!ours && !options.foreign) {
    throw new CertexitError({
      hresult: CERTSRV_E_INVALID_CA_CERTIFICATE,
      message: `the certificate ${info.serialNumberHex} was not issued by this CA (${info.issuerDn}); import it with --foreign to record it anyway`,
    });
  }
  if ((await ca.store.findRequestIdBySerial(info.serialNumberHex)) !== undefined) {
    throw new CertexitError({
      hresult: HRESULT_ALREADY_EXISTS,
      message: `a certificate with serial ${info.serialNumberHex} is already in the database`,
    });
  }
  const now = engine.now();
  const key = describePublicKey(info.subjectPublicKeyInfo);
  const values: Record<string, PropertyValue> = {
    RawPublicKey: key.publicKey,
    PublicKeyLength: key.bits,
    PublicKeyAlgorithm: key.algorithmOid,
    ...(key.parameters && { RawPublicKeyAlgorithmParameters: key.parameters }),
    ...(info.subjectKeyIdentifier && {
      SubjectKeyIdentifier: (info.subjectKeyIdentifier.match(/../g) ?? []).join(' '),
    }),
  };
  const template = _templateName(info);
  if (template !== undefined) values.CertificateTemplate = template;
  const requestId = await ca.store.transaction(async (tx) => {
    const id = await tx.insertRequest({
      RequestType: CR_IN_PKCS10,
      RequestFlags: 0,
      StatusCode: 0,
      Disposition: ours ? DB_DISP_ISSUED : DB_DISP_FOREIGN,
      DispositionMessage: 'Imported',
      SubmittedWhen: now,
      ResolvedWhen: now,
      requestName: {},
      system: {},
    });
    await tx.insertCertificate({
      RequestID: id,
      RawCertificate: info.der,
      SerialNumber: info.serialNumberHex,
      CertificateHash: info.sha1Thumbprint,
      NotBefore: info.notBefore,
      NotAfter: info.notAfter,
      values,
      certificateName: namePropertiesOf(info.subjectDer),
    });
    await tx.setExtensions(
      id,
      info.extensions.map((e) => ({
        oid: e.oid,
        flags: EXTENSION_ORIGIN_IMPORTEDCERT | (e.critical ? EXTENSION_CRITICAL_FLAG : 0),
        value: e.value,
      })),
    );
    await tx.recordExitEvent(EXITEVENT_CERTIMPORTED, id);
    return id;
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTIMPORTED, requestId));
}

async function _issuedByThisCa(engine: EngineServices, info: CertificateInfo): Promise<boolean> {
  for (const caCert of await engine.ca.store.listCaCertificates()) {
    if (!caCert.raw) continue;
    const parsed = await parseCertificate(caCert.raw);
    if (
      bytesEqual(parsed.subjectDer, info.issuerDer) &&
      (await verifyCertificateSignature(info, parsed.subjectPublicKeyInfo))
    )
      return true;
  }
  return false;
}

/** The template name of the Microsoft `1.3.6.1.4.1.311.20.2` extension, or the extension's hex when it is odd. */
function _templateName(info: CertificateInfo): string | undefined {
  const extension = info.extensions.find((e) => e.oid === EXTENSION_OID.certificateTemplateName);
  if (!extension) return undefined;
  try {
    return readCertificateTemplate([extension]).name;
  } catch {
    return bytesToHex(extension.value);
  }
}
