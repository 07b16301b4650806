// Issuance throughput, request to committed certificate on the embedded store, in one process, against two
// baselines measured in the same run:
//  - the crypto ceiling: one request-signature verify plus one certificate signature per certificate, node:crypto,
//    one thread (what no CA can beat);
//  - @peculiar/x509's X509CertificateGenerator.create in a loop, same key type (what a JS CA typically uses).
// Prints `bench <name>: ratio <x> (target >= <y>)` lines. Run: pnpm bench (or node bench/issuance.bench.mjs after a build).
// @peculiar/x509 (the baseline only) needs a Reflect polyfill loaded before it: the import-time registration the
// house style avoids in product code.
import 'reflect-metadata';
import { generateKeyPairSync, sign, verify, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { CertificateAuthority, editCaTemplateNames, PRINCIPALS, setupCa } from '../packages/engine/dist/index.js';
import * as ours509 from '../packages/x509/dist/index.js';

const COUNT = Number(process.env.BENCH_ISSUANCE_COUNT ?? 2000);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function rate(label, count, work) {
  await work(Math.min(50, count)); // warm-up
  const started = performance.now();
  await work(count);
  const perSecond = (count * 1000) / (performance.now() - started);
  console.log(`${label}: ${perSecond.toFixed(0)} per second`);
  return perSecond;
}

// Baseline 1: the crypto ceiling, node:crypto, synchronous, one thread.
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const tbsRequest = Buffer.alloc(300, 1);
const requestSignature = sign('sha256', tbsRequest, privateKey);
const tbsCertificate = Buffer.alloc(700, 2);
const ceiling = await rate('crypto ceiling (verify + sign, P-256)', COUNT, async (n) => {
  for (let i = 0; i < n; i++) {
    if (!verify('sha256', tbsRequest, publicKey, requestSignature)) throw new Error('verify failed');
    sign('sha256', tbsCertificate, privateKey);
  }
});

// Baseline 2: @peculiar/x509 certificate generation, same key type.
x509.cryptoProvider.set(webcrypto);
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const caKeys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
const leafKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
const peculiar = await rate('@peculiar/x509 X509CertificateGenerator.create', Math.min(COUNT, 1000), async (n) => {
  for (let i = 0; i < n; i++) {
    await x509.X509CertificateGenerator.create({
      serialNumber: (0x10000000 + i).toString(16),
      subject: 'CN=bench',
      issuer: 'CN=bench CA',
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: alg,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    });
  }
});

// certexit: submit → policy → issue → commit (request, certificate, extensions, attributes, exit event).
const dir = mkdtempSync(join(tmpdir(), 'certexit-bench-'));
await setupCa({ dir, commonName: 'Bench CA', type: 'enterprise-root', exitModules: [] });
const authority = await CertificateAuthority.open({ dir, logger: silent });
// WebServer (the enrollee supplies the subject) is offered, and the bench submits as the CA's administrators.
editCaTemplateNames(authority.ca, ['+WebServer']);
const keyPair = await ours509.generateKeyPair('ECDSA_P256');
const csr = ours509.toPem(
  await ours509.createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=bench, O=certexit' }),
  'CERTIFICATE REQUEST',
);
const submitOne = async () => {
  const outcome = await authority.submit({
    request: csr,
    attributes: 'CertificateTemplate:WebServer',
    requesterName: 'BENCH\\user',
    requesterGroups: [PRINCIPALS.administrators],
  });
  if (outcome.disposition !== 20) throw new Error(`not issued: ${outcome.message}`);
};
const sequential = await rate('certexit issuance, one submitter at a time', COUNT, async (n) => {
  for (let i = 0; i < n; i++) await submitOne();
});
// A server sees many requests at once; the store commits those that arrive together in one transaction.
const SUBMITTERS = 16;
const ours = await rate(`certexit issuance, ${SUBMITTERS} concurrent submitters`, COUNT, async (n) => {
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async (_, w) => {
      for (let i = w; i < n; i += SUBMITTERS) await submitOne();
    }),
  );
});
await authority.stop({ sendShutdownEvent: false });
rmSync(dir, { recursive: true, force: true });

console.log(`(one submitter at a time: ${(sequential / ceiling).toFixed(2)} of the ceiling)`);
console.log(`bench issuance-vs-crypto-ceiling: ratio ${(ours / ceiling).toFixed(2)} (target >= 0.4)`);
console.log(`bench issuance-vs-peculiar-x509: ratio ${(ours / peculiar).toFixed(2)} (target >= 5)`);
