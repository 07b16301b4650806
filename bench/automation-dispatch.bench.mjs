// Cost per delivered event of an in-process dispatch-only module (late-bound both ways: the host calls it through
// IDispatch, it reaches the CA through CreateObject("CertificateAuthority.ServerExit") and late-bound calls) against
// the same logic as a direct-call module. The handler reads RequestID, SerialNumber and RawCertificate.
// Prints direct/dispatch (events per second of dispatch over direct), i.e. dispatch costs at most 2x when >= 0.5.
// Run: npx pnpm@10.34.8 --filter @certexit/automation... build && node bench/automation-dispatch.bench.mjs

import {
  callByName,
  createAutomationServices,
  createDispatch,
  hostAutomationModule,
  VT_BSTR,
  VT_EMPTY,
  VT_I4,
} from '../packages/automation/dist/index.js';
import { hostDirectModule } from '../packages/direct/dist/index.js';
import { createMemoryServerExit, defaultFixture } from '../packages/testing/dist/index.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100000);
// The callback object is the engine's: createServerExit over the conformance kit's fixture (name resolution, type
// checks, copies), so "per delivered event" includes what a module really pays to read. BENCH_BARE=1 swaps in a bare
// object with those costs left out, to show the adapters' cost alone.
const fixture = defaultFixture();
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
const createServerExit = process.env.BENCH_BARE === '1' ? bareServerExit : () => createMemoryServerExit(fixture);
const CONTEXT = fixture.eventContexts.issued;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const services = {
  createServerExit,
  createObject: () => createServerExit(),
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
      const outcome = await hosted.doNotify(1, process.env.BENCH_BARE === '1' ? i : CONTEXT);
      if (!outcome.ok) throw outcome.error;
    }
    return (n * 1000) / (performance.now() - started);
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const runDirect = await prepare(direct);
const runDispatch = await prepare(dispatch);
await runDirect(5000);
await runDispatch(5000);
const ROUNDS = 7;
const directRates = [];
const dispatchRates = [];
for (let round = 0; round < ROUNDS; round++) {
  directRates.push(await runDirect(Math.ceil(EVENTS / ROUNDS)));
  dispatchRates.push(await runDispatch(Math.ceil(EVENTS / ROUNDS)));
}
const directRate = median(directRates);
const dispatchRate = median(dispatchRates);
console.log(
  `direct-call module: ${directRate.toFixed(0)} events per second (${(1e6 / directRate).toFixed(2)} µs per event)`,
);
console.log(
  `dispatch-only module: ${dispatchRate.toFixed(0)} events per second (${(1e6 / dispatchRate).toFixed(2)} µs per event)`,
);
if (sink === 0) throw new Error('nothing was read');
console.log(`bench automation-dispatch: ratio ${(dispatchRate / directRate).toFixed(2)} (target >= 0.5)`);
