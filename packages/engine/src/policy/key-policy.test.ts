import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyProblem } from './key-policy';

const spki = (type: 'rsa' | 'ec' | 'ed25519', option?: number | string) => {
  const { publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: option as number })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: option as string })
        : generateKeyPairSync('ed25519');
  return new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
};

describe('keyProblem (msPKI-Minimal-Key-Size and the allowed algorithms)', () => {
  it('refuses RSA below 2048 bits and curves below P-256 by default', () => {
    expect(keyProblem(spki('rsa', 1024))).toMatch(/RSA key has 1024 bits; this CA requires at least 2048/);
    expect(keyProblem(spki('rsa', 2048))).toBeUndefined();
    expect(keyProblem(spki('ec', 'prime256v1'))).toBeUndefined();
    expect(keyProblem(spki('ec', 'secp384r1'))).toBeUndefined();
    expect(keyProblem(spki('ec', 'secp256k1'))).toMatch(/curve 1\.3\.132\.0\.10/);
    expect(keyProblem(spki('ed25519'))).toMatch(/1\.3\.101\.112 is not one/);
  });

  it('applies a template’s own rules', () => {
    const rules = { minimalKeySize: 3072, keyAlgorithms: ['RSA', 'ECDSA_P384'] as const, templateName: 'Strict' };
    expect(keyProblem(spki('rsa', 2048), { ...rules, keyAlgorithms: [...rules.keyAlgorithms] })).toMatch(
      /the template Strict requires at least 3072/,
    );
    expect(keyProblem(spki('ec', 'prime256v1'), { ...rules, keyAlgorithms: [...rules.keyAlgorithms] })).toMatch(
      /does not accept ECDSA_P256/,
    );
  });
});
