import {
  basicConstraints,
  createSelfSignedCaCertificate,
  exportPrivateKeyPem,
  exportSpki,
  extendedKeyUsage,
  generateKeyPair,
  issueCertificate,
  keyUsage,
  newSerialNumber,
  parseDistinguishedName,
  subjectAltName,
  subjectKeyIdentifier,
  toPem,
} from '@certexit/x509';

/** The TLS material of the demo's web hook receiver: its own CA (which the web hook module trusts) and a leaf. */
export interface DemoReceiverTls {
  /** The receiver CA's certificate, PEM: the module's `CAFile`. */
  readonly caPem: string;
  /** The receiver's certificate for `localhost` and 127.0.0.1, PEM. */
  readonly certPem: string;
  readonly keyPem: string;
}

const _SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/**
 * Generates a one-day CA and a `localhost` server certificate it signs, so that the demo's receiver is real HTTPS
 * and the module verifies it against a CA it was given, as in production (verification is never turned off).
 */
export async function createDemoReceiverTls(): Promise<DemoReceiverTls> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caKeys = await generateKeyPair('ECDSA_P256');
  const caSubject = parseDistinguishedName('CN=certexit Demo Web Hook Receiver CA, O=certexit');
  const caDer = await createSelfSignedCaCertificate({
    keyPair: caKeys,
    keyAlgorithm: 'ECDSA_P256',
    subjectDn: caSubject,
    notBefore,
    notAfter,
    certIndex: 0,
    keyIndex: 0,
    pathLength: 0,
  });
  const keys = await generateKeyPair('ECDSA_P256');
  const spki = await exportSpki(keys.publicKey);
  const der = await issueCertificate({
    issuerName: caSubject,
    issuerKey: caKeys.privateKey,
    keyAlgorithm: 'ECDSA_P256',
    serialNumber: newSerialNumber(),
    subject: parseDistinguishedName('CN=localhost'),
    subjectPublicKeyInfo: spki,
    notBefore,
    notAfter,
    extensions: [
      basicConstraints(false),
      keyUsage(['digitalSignature'], true),
      extendedKeyUsage([_SERVER_AUTH]),
      subjectAltName({ dns: ['localhost'], ip: ['127.0.0.1'] }),
      await subjectKeyIdentifier(spki),
    ],
  });
  return {
    caPem: toPem(caDer, 'CERTIFICATE'),
    certPem: toPem(der, 'CERTIFICATE'),
    keyPem: await exportPrivateKeyPem(keys.privateKey),
  };
}
