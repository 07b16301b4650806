import { describePublicKey, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, OID_RSASSA_PSS } from '@certexit/x509';
import type { TemplateKeyAlgorithm } from './certificate-template';
import { DEFAULT_KEY_ALGORITHMS, DEFAULT_MINIMAL_KEY_SIZE } from './default-templates';

/** The largest RSA modulus accepted: verifying larger keys costs a CA seconds, and no client makes them. */
export const MAX_RSA_KEY_SIZE = 16_384;

const _CURVES: Readonly<Record<string, TemplateKeyAlgorithm>> = {
  '1.2.840.10045.3.1.7': 'ECDSA_P256',
  '1.3.132.0.34': 'ECDSA_P384',
  '1.3.132.0.35': 'ECDSA_P521',
};

/**
 * What is wrong with a request's key for a template (or, without one, for the CA's defaults: RSA ≥ 2048 bits or
 * ECDSA on P-256, P-384, P-521), as a sentence; `undefined` when the key is accepted. AD CS answers
 * `CERTSRV_E_KEY_LENGTH` for both a short key and a refused algorithm.
 */
export function keyProblem(
  subjectPublicKeyInfo: Uint8Array,
  rules: { minimalKeySize?: number; keyAlgorithms?: readonly TemplateKeyAlgorithm[]; templateName?: string } = {},
): string | undefined {
  const key = describePublicKey(subjectPublicKeyInfo);
  const allowed = rules.keyAlgorithms ?? DEFAULT_KEY_ALGORITHMS;
  const minimal = rules.minimalKeySize ?? DEFAULT_MINIMAL_KEY_SIZE;
  const what = rules.templateName ? `the template ${rules.templateName}` : 'this CA';
  if (key.algorithmOid === OID_RSA_ENCRYPTION || key.algorithmOid === OID_RSASSA_PSS) {
    if (!allowed.includes('RSA')) return `${what} does not accept RSA keys (it accepts ${allowed.join(', ')})`;
    if (key.bits < minimal) return `the RSA key has ${key.bits} bits; ${what} requires at least ${minimal}`;
    if (key.bits > MAX_RSA_KEY_SIZE)
      return `the RSA key has ${key.bits} bits, more than the ${MAX_RSA_KEY_SIZE} this CA verifies`;
    return undefined;
  }
  if (key.algorithmOid === OID_EC_PUBLIC_KEY) {
    const curve = key.curveOid ? _CURVES[key.curveOid] : undefined;
    if (!curve) return `the EC key is on curve ${key.curveOid ?? '(none)'}, which ${what} does not accept`;
    if (!allowed.includes(curve)) return `${what} does not accept ${curve} keys (it accepts ${allowed.join(', ')})`;
    return undefined;
  }
  return `the key algorithm ${key.algorithmOid} is not one ${what} accepts (${allowed.join(', ')})`;
}
