// One engine node of bench/postgres-nodes.bench.mjs, in a process of its own: opens the CA folder (on PostgreSQL),
// warms up, says `ready`, issues its share with its submitters when told `go`, says `done` at its last issuance, and
// stops. The warm-up is 1,000 issuances, as bench/http-issuance.bench.mjs warms up: V8 optimizes the code within the
// first thousand, and each node, a process of its own, compiles it anew (two nodes warming up in the clock's time
// would pay that twice on the same two cores).
import { CertificateAuthority, PRINCIPALS } from '../../packages/engine/dist/index.js';
import * as x509 from '../../packages/x509/dist/index.js';
import { importStore } from './postgres-bench.mjs';

const [dir, countText, submittersText] = process.argv.slice(2);
const count = Number(countText);
const submitters = Number(submittersText);
const WARM_UP = 1000;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const keyPair = await x509.generateKeyPair('ECDSA_P256');
const csr = x509.toPem(
  await x509.createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject: 'CN=node, O=certexit' }),
  'CERTIFICATE REQUEST',
);
const authority = await CertificateAuthority.open({ dir, logger: silent, importModule: importStore });
const issue = (n) =>
  Promise.all(
    Array.from({ length: submitters }, async (_, w) => {
      for (let i = w; i < n; i += submitters) {
        const outcome = await authority.submit({
          request: csr,
          attributes: 'CertificateTemplate:WebServer',
          requesterName: 'BENCH\\node',
          requesterGroups: [PRINCIPALS.administrators],
        });
        if (outcome.disposition !== 20) throw new Error(`not issued: ${outcome.message}`);
      }
    }),
  );
await issue(WARM_UP);
process.send({ type: 'ready' });
process.on('message', async (message) => {
  if (message.type !== 'go') return;
  await issue(count);
  process.send({ type: 'done' });
  await authority.stop({ sendShutdownEvent: false });
  process.disconnect();
});
