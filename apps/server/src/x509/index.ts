/** X.509 primitives of the CA engine: pure functions over DER bytes, crypto via WebCrypto. */
export * from './ca-certificate';
export * from './certificate-info';
export * from './certification-request';
export * from './create-certification-request';
export * from './crl';
export * from './crl-info';
export * from './distinguished-name';
export * from './ecdsa-signature';
export * from './extensions';
export * from './issue-certificate';
export * from './key-algorithm';
export * from './pem';
export * from './public-key-info';
export * from './serial-number';
export * from './verify-signature';
export * from './x509-error';
