// Cost per delivered event of an in-process dispatch-only module (late-bound both ways: the host calls it through
// IDispatch, it reaches the CA through CreateObject("CertificateAuthority.ServerExit") and late-bound calls) against
// the same logic as a direct-call module. The handler reads RequestID, SerialNumber and RawCertificate.
// Prints direct/dispatch (events per second of dispatch over direct), i.e. dispatch costs at most 2x when >= 0.5.
// Run: npx pnpm@10.34.8 --filter @certexit/automation... build && node bench/automation-dispatch.bench.mjs

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  callByName,
  createAutomationServices,
  createDispatch,
  hostAutomationModule,
  VT_BSTR,
  VT_EMPTY,
  VT_I4,
} from '../packages/automation/dist/index.js';
import { createServerExit } from '../packages/core/dist/index.js';
import { hostDirectModule } from '../packages/direct/dist/index.js';
import {
  CertificateAuthority,
  databaseDataSource,
  editCaTemplateNames,
  PRINCIPALS,
  setupCa,
} from '../packages/engine/dist/index.js';
import { createMemoryServerExit, defaultFixture } from '../packages/testing/dist/index.js';
import * as x509 from '../packages/x509/dist/index.js';
import { median } from './support/median.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100000);
// "Per delivered event" is measured the way certexit delivers one: the module reads through the engine's
// ICertServerExit over a real CA database (a CA set up in a temp folder, one issued certificate). Two more ratios are
// printed for transparency: over the kit's in-memory callback (same semantics, no database), and over a bare object
// with every callback cost left out (the adapters' cost alone).
const der = new Uint8Array(900).fill(0x30);
const bareServerExit = () => {
  let context = 0;
  return {
    SetContext(c) {
      context = c;
    },
    GetRequestProperty: (name) => (name === 'RequestID' ? context : undefined),
    GetCertificateProperty: (name) => (name === 'SerialNumber' ? '1a2b3c' : der),
    GetRequestAttribute: () => '',
    GetCertificateExtension: () => der,
    GetCertificateExtensionFlags: () => 0,
    EnumerateExtensionsSetup() {},
    EnumerateExtensions: () => undefined,
    EnumerateExtensionsClose() {},
    EnumerateAttributesSetup() {},
    EnumerateAttributes: () => undefined,
    EnumerateAttributesClose() {},
  };
};
const fixture = defaultFixture();
const caDir = mkdtempSync(join(tmpdir(), 'certexit-dispatch-bench-'));
await setupCa({ dir: caDir, commonName: 'Dispatch Bench CA', type: 'enterprise-root', exitModules: [] });
const authority = await CertificateAuthority.open({
  dir: caDir,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});
editCaTemplateNames(authority.ca, ['+WebServer']);
const keys = await x509.generateKeyPair('ECDSA_P256');
const csr = x509.toPem(
  await x509.createCertificationRequest({ keyPair: keys, keyAlgorithm: 'ECDSA_P256', subject: 'CN=bench' }),
  'CERTIFICATE REQUEST',
);
// Delivered events are distinct requests, as in production: more of them than the store keeps read rows for (4,096),
// visited in turn, so every delivery reads its request's rows for the first time, as the first module notified of a
// new event does. (Delivering one request again and again would measure reads of rows already in memory.)
const REQUESTS = Number(process.env.BENCH_DISPATCH_REQUESTS ?? 5000);
const issued = [];
await Promise.all(
  Array.from({ length: 16 }, async (_, w) => {
    for (let i = w; i < REQUESTS; i += 16) {
      issued.push(
        (
          await authority.submit({
            request: csr,
            attributes: 'CertificateTemplate:WebServer',
            requesterGroups: [PRINCIPALS.administrators],
          })
        ).requestId,
      );
    }
  }),
);
let turn = 0;
const CALLBACKS = {
  database: {
    create: () => createServerExit(databaseDataSource(authority.ca, 'X\\ExitModules\\Bench.Exit')),
    context: () => issued[turn++ % issued.length],
  },
  memory: { create: () => createMemoryServerExit(fixture), context: () => fixture.eventContexts.issued },
  bare: { create: bareServerExit, context: () => 1 },
};
let callback = CALLBACKS.database;
const createServerExitForModule = () => callback.create();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const services = {
  createServerExit: createServerExitForModule,
  createObject: () => createServerExitForModule(),
  logger: silent,
  config: { path: '', getValue: () => undefined, getValueNames: () => [], getSubKeyNames: () => [], openSubKey() {} },
  signal: new AbortController().signal,
};
let sink = 0;

// Direct: ICertExit calling ICertServerExit.
const direct = hostDirectModule({
  Initialize: () => 1,
  GetDescription: () => 'direct',
  async Notify(_event, context) {
    const server = services.createServerExit();
    await server.SetContext(context);
    sink +=
      (await server.GetRequestProperty('RequestID', 1)) +
      (await server.GetCertificateProperty('SerialNumber', 4)).length;
    if (process.env.BENCH_BINARY !== '0') sink += (await server.GetCertificateProperty('RawCertificate', 3)).length;
  },
});

// Dispatch-only: the same logic written as a script module (VBScript's Class Exit).
const automation = createAutomationServices(services);
const script = createDispatch(
  {
    Initialize: () => 1,
    GetDescription: () => 'dispatch',
    async Notify(_event, context) {
      const server = automation.CreateObject('CertificateAuthority.ServerExit');
      await callByName(server, 'SetContext', [context]);
      const id = await callByName(server, 'GetRequestProperty', ['RequestID', 1]);
      const serial = await callByName(server, 'GetCertificateProperty', ['SerialNumber', 4]);
      const raw =
        process.env.BENCH_BINARY !== '0'
          ? await callByName(server, 'GetCertificateProperty', ['RawCertificate', 3])
          : { value: '' };
      sink += id.value + serial.value.length + raw.value.length;
    },
  },
  {
    source: 'Bench.Exit',
    methods: {
      Initialize: { params: [VT_BSTR], returns: VT_I4 },
      Notify: { params: [VT_I4, VT_I4], returns: VT_EMPTY },
      GetDescription: { params: [], returns: VT_BSTR },
    },
  },
);
const dispatch = hostAutomationModule(script, { source: 'Bench.Exit' });

// Rounds alternate between the two, and each side reports its median round: measuring one side entirely before the
// other lets JIT and GC order effects decide the ratio.
async function prepare(hosted) {
  const init = await hosted.doInitialize('bench CA');
  if (!init.ok) throw init.error;
  return async (n) => {
    const started = performance.now();
    for (let i = 1; i <= n; i++) {
      const outcome = await hosted.doNotify(1, callback.context());
      if (!outcome.ok) throw outcome.error;
    }
    return (n * 1000) / (performance.now() - started);
  };
}

const runDirect = await prepare(direct);
const runDispatch = await prepare(dispatch);
const ROUNDS = 7;
async function measure(kind) {
  callback = CALLBACKS[kind];
  await runDirect(2000);
  await runDispatch(2000);
  const directRates = [];
  const dispatchRates = [];
  for (let round = 0; round < ROUNDS; round++) {
    directRates.push(await runDirect(Math.ceil(EVENTS / ROUNDS)));
    dispatchRates.push(await runDispatch(Math.ceil(EVENTS / ROUNDS)));
  }
  const d = median(directRates);
  const l = median(dispatchRates);
  console.log(
    `${kind} callback: direct ${(1e6 / d).toFixed(2)} µs, dispatch ${(1e6 / l).toFixed(2)} µs per event; ratio ${(l / d).toFixed(2)}`,
  );
  return l / d;
}
const bare = await measure('bare');
const memory = await measure('memory');
const database = await measure('database');
if (sink === 0) throw new Error('nothing was read');
await authority.stop({ sendShutdownEvent: false });
rmSync(caDir, { recursive: true, force: true });
console.log(
  `(adapters alone over a bare callback: ratio ${bare.toFixed(2)}; over the in-memory callback: ${memory.toFixed(2)})`,
);
console.log(`bench automation-dispatch: ratio ${database.toFixed(2)} (target >= 0.5)`);
