import { CERTSRV_E_BAD_REQUESTSTATUS, CertexitError } from '@certexit/core';
import { parseCertificate, verifyCertificateSignature } from '@certexit/x509';
import type { CaContext } from '../ca/ca-context';

/**
 * The CRL/key index of the CA key that signed a certificate: which CRL lists it once revoked. Matched by the
 * certificate's authority key identifier against the CA certificates' subject key identifiers (one key, one SKI,
 * whatever the renewals), or else by verifying its signature with each CA key.
 */
export async function issuerKeyIndex(ca: CaContext, certificate: Uint8Array): Promise<number> {
  const info = await parseCertificate(certificate);
  const caCertificates = [];
  for (const row of await ca.store.listCaCertificates()) {
    if (row.raw) caCertificates.push({ keyIndex: row.keyIndex, info: await parseCertificate(row.raw) });
  }
  if (info.authorityKeyIdentifier) {
    const byKeyId = caCertificates.find((c) => c.info.subjectKeyIdentifier === info.authorityKeyIdentifier);
    if (byKeyId) return byKeyId.keyIndex;
  }
  for (const c of caCertificates) {
    if (await verifyCertificateSignature(info, c.info.subjectPublicKeyInfo)) return c.keyIndex;
  }
  throw new CertexitError({
    hresult: CERTSRV_E_BAD_REQUESTSTATUS,
    message: `the certificate ${info.serialNumberHex} was not signed by any key of this CA, so no CRL of it can list it`,
  });
}
