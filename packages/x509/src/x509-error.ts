/** Base class of every error thrown by the X.509 primitives, so callers can catch them as one family. */
export class X509Error extends Error {
  override name = 'X509Error';
}

/** The input is not the expected DER/PEM structure (garbage, truncated, wrong type). */
export class X509ParseError extends X509Error {
  override name = 'X509ParseError';
}

/** A signature was checked and does not verify. */
export class X509SignatureError extends X509Error {
  override name = 'X509SignatureError';
}

/** The object uses an algorithm (signature, key type, curve) these primitives do not implement. */
export class X509UnsupportedAlgorithmError extends X509Error {
  override name = 'X509UnsupportedAlgorithmError';
}

/** A caller-supplied argument is out of range or inconsistent (bad date order, bad serial, bad DN string). */
export class X509ArgumentError extends X509Error {
  override name = 'X509ArgumentError';
}
