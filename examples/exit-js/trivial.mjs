#!/usr/bin/env node
// The trivial handler of bench/automation-out-of-process.bench.mjs, two ways:
//  - `node trivial.mjs --event <bits> <context>`: one event per process, as EJBCA's external-script publisher and
//    Microsoft's proxy exit module run a program per event;
//  - `node trivial.mjs`: a long-lived out-of-process module serving every event over PROTOCOL.md.
let handled = 0;
const handle = (event, context) => {
  handled += event === 1 && context > 0 ? 1 : 0;
};

if (process.argv[2] === '--event') {
  handle(Number(process.argv[3]), Number(process.argv[4]));
} else {
  // Imported only here, so the per-event mode pays for nothing but its own process.
  const { serveExitModuleOverStdio } = await import('../../packages/automation/dist/index.js');
  await serveExitModuleOverStdio({
    specificationVersion: 'v1',
    progId: 'CertExit_Trivial.Exit',
    version: '1.0.0',
    create: () => ({
      Initialize: () => 1,
      GetDescription: () => `Trivial exit module (${handled} events)`,
      Notify: (event, context) => handle(event, context),
    }),
  });
}
