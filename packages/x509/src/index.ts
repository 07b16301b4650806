/** X.509 primitives of the CA engine: pure functions over DER bytes, crypto via WebCrypto. */

export type { Name } from '@peculiar/asn1-x509';
export * from './ca-certificate';
export * from './certificate-bundle';
export * from './certificate-info';
export * from './certification-request';
export * from './create-certification-request';
export * from './crl';
export * from './crl-encoder';
export * from './crl-info';
export * from './crl-location-extensions';
export { bytesEqual, bytesToHex, hexToBytes, toArrayBuffer } from './der';
export * from './distinguished-name';
export * from './ecdsa-signature';
export * from './extensions';
export * from './issue-certificate';
export * from './key-algorithm';
export * from './pem';
export * from './public-key-info';
export * from './read-ca-extensions';
export * from './read-extension-values';
export * from './serial-number';
export * from './verify-signature';
export * from './x509-error';
