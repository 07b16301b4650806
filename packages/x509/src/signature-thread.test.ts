import { constants, generateKeyPairSync, sign, verify } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { signOnSignatureThread, terminateSignatureThreadForTest, verifyOnSignatureThread } from './signature-thread';
import { SIGNATURE_THREAD_PROGRAM } from './signature-thread-program';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const spkiOf = (key: typeof ec.publicKey) => new Uint8Array(key.export({ format: 'der', type: 'spki' }));

describe('the signature thread', () => {
  it('answers many concurrent jobs in their own order: signatures that verify, failures that do not', async () => {
    const jobs = Array.from({ length: 200 }, async (_, i) => {
      const data = new TextEncoder().encode(`to be signed ${i}`);
      const key = i % 3 === 0 ? rsa : ec;
      const signature = await signOnSignatureThread('sha256', data, key.privateKey);
      // Checked by node:crypto on this thread, and by the signature thread, as is and tampered with.
      expect(verify('sha256', data, key.publicKey, signature)).toBe(true);
      const spki = spkiOf(key.publicKey);
      const good = await verifyOnSignatureThread({ hash: 'sha256', data, spki, signature });
      const tampered = Uint8Array.from(data, (b, j) => (j === 0 ? b ^ 1 : b));
      const bad = await verifyOnSignatureThread({ hash: 'sha256', data: tampered, spki, signature });
      return [good, bad];
    });
    for (const [good, bad] of await Promise.all(jobs)) {
      expect(good).toEqual({ ok: true });
      expect(bad).toEqual({ ok: false });
    }
  });

  it('verifies RSA-PSS with its options, and reports a malformed signature as not verifying', async () => {
    const data = new TextEncoder().encode('pss');
    const options = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    const signature = sign('sha256', data, { key: rsa.privateKey, ...options });
    const spki = spkiOf(rsa.publicKey);
    expect(await verifyOnSignatureThread({ hash: 'sha256', data, spki, signature, options })).toEqual({ ok: true });
    expect(await verifyOnSignatureThread({ hash: 'sha256', data, spki: spkiOf(ec.publicKey), signature })).toEqual({
      ok: false,
    });
    const garbage = Uint8Array.of(0x30, 0x03, 0x02, 0x01);
    expect(
      await verifyOnSignatureThread({ hash: 'sha256', data, spki: spkiOf(ec.publicKey), signature: garbage }),
    ).toEqual({ ok: false });
  });

  it('says why a public key cannot be imported', async () => {
    const result = await verifyOnSignatureThread({
      hash: 'sha256',
      data: Uint8Array.of(1),
      spki: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00),
      signature: Uint8Array.of(1),
    });
    expect(result).toHaveProperty('importError');
    expect((result as { importError: string }).importError).not.toBe('');
  });

  it('copies a view into a larger buffer rather than posting the buffer behind it, and signs exactly the view', async () => {
    const big = new Uint8Array(1 << 20).fill(7);
    const view = big.subarray(1000, 1100);
    const signature = await signOnSignatureThread('sha256', view, ec.privateKey);
    expect(verify('sha256', view, ec.publicKey, signature)).toBe(true);
    expect(big.byteLength).toBe(1 << 20); // nothing was transferred away from the caller
  });

  it('runs in a process started with --input-type=module, where its source is an ES module', async () => {
    const worker = new Worker(SIGNATURE_THREAD_PROGRAM, { eval: true, execArgv: ['--input-type=module'] });
    try {
      const data = new TextEncoder().encode('signed by a thread whose source runs as an ES module');
      const answer = new Promise<Array<{ id: number; signature?: Uint8Array; error?: string }>>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage([
        { op: 'key', id: 1, key: ec.privateKey },
        { op: 'sign', id: 2, hash: 'sha256', data, keyId: 1 },
      ]);
      const [result] = await answer;
      expect(result?.error).toBeUndefined();
      expect(verify('sha256', data, ec.publicKey, result!.signature!)).toBe(true);
    } finally {
      await worker.terminate();
    }
  });

  it('finishes every pending job on a fresh thread when the thread dies under them', async () => {
    await signOnSignatureThread('sha256', Uint8Array.of(0), ec.privateKey); // a running thread that knows the key
    const data = Array.from({ length: 50 }, (_, i) => new TextEncoder().encode(`job ${i}`));
    const pending = data.map((d) => signOnSignatureThread('sha256', d, ec.privateKey));
    // Let the batch reach the thread, then end it as a crash would.
    await new Promise((r) => setImmediate(r));
    await terminateSignatureThreadForTest();
    const signatures = await Promise.all(pending);
    signatures.forEach((signature, i) => {
      expect(verify('sha256', data[i]!, ec.publicKey, signature)).toBe(true);
    });
  });
});

describe('signatures over large inputs (a CRL of many entries)', () => {
  it('signs and verifies inputs above INLINE_SIGNATURE_ABOVE on the calling thread, with the same results', async () => {
    const { generateKeyPair, exportSpki, signData, INLINE_SIGNATURE_ABOVE } = await import('./key-algorithm');
    const { verifySignature } = await import('./verify-signature');
    const keys = await generateKeyPair('ECDSA_P256');
    const spki = await exportSpki(keys.publicKey);
    const big = new Uint8Array(INLINE_SIGNATURE_ABOVE + 1).fill(3);
    const signature = await signData(keys.privateKey, 'ECDSA_P256', big);
    const algorithm = { algorithm: '1.2.840.10045.4.3.2' };
    expect(await verifySignature({ signatureAlgorithm: algorithm, spki, data: big, signature })).toBe(true);
    big[0] = 4;
    expect(await verifySignature({ signatureAlgorithm: algorithm, spki, data: big, signature })).toBe(false);
  });
});
