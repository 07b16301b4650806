import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempDir } from '../../../tooling/test/test-pki';
import { makeTempDir, opensslSelfSignedDer } from '../../../tooling/test/test-pki';
import { parseCertificate } from './certificate-info';
import { basicConstraints, caVersion, EXTENSION_OID, keyUsage } from './extensions';
import { readCaExtensions } from './read-ca-extensions';

let tmp: TempDir;
beforeAll(() => {
  tmp = makeTempDir();
});
afterAll(() => tmp?.remove());

describe('readCaExtensions', () => {
  it('reads what OpenSSL writes: a CA with a path length and CA key usages, and an end entity', async () => {
    const ca = await parseCertificate(
      opensslSelfSignedDer(tmp.path, 'ca', {
        addext: ['basicConstraints=critical,CA:TRUE,pathlen:2', 'keyUsage=critical,keyCertSign,cRLSign'],
      }),
    );
    expect(readCaExtensions(ca.extensions)).toEqual({
      isCa: true,
      pathLength: 2,
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    const leaf = await parseCertificate(
      opensslSelfSignedDer(tmp.path, 'leaf', {
        addext: ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature,keyEncipherment,decipherOnly'],
      }),
    );
    expect(readCaExtensions(leaf.extensions)).toEqual({
      isCa: false,
      keyUsage: ['digitalSignature', 'keyEncipherment', 'decipherOnly'],
    });
  });

  it('decodes the CA version of every index pair our encoder writes, and rejects a malformed one', () => {
    for (const [certIndex, keyIndex] of [
      [0, 0],
      [2, 1],
      [4, 4],
      [0xffff, 0xffff],
      [300, 7],
    ] as const) {
      expect(readCaExtensions([caVersion(certIndex, keyIndex)]).caVersion).toEqual({ certIndex, keyIndex });
    }
    expect(readCaExtensions([basicConstraints(true), keyUsage(['cRLSign'])])).toEqual({
      isCa: true,
      keyUsage: ['cRLSign'],
    });
    expect(() =>
      readCaExtensions([{ oid: EXTENSION_OID.caVersion, critical: false, value: Uint8Array.of(0x04, 0x00) }]),
    ).toThrow(/not an INTEGER/);
  });
});
