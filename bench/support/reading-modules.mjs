// The modules of bench/outbox-issuance.bench.mjs, loaded by the engine's exit-module thread (as `certexit serve`
// loads registered modules): three modules that each read five properties of every issued certificate and fail
// the delivery when a value is wrong.
const EXITEVENT_CERTISSUED = 0x1;
const [PROPTYPE_LONG, PROPTYPE_DATE, PROPTYPE_BINARY, PROPTYPE_STRING] = [1, 2, 3, 4];
export const READING_MODULES = ['Bench_A.Exit', 'Bench_B.Exit', 'Bench_C.Exit'];

function readingModule(progId) {
  return {
    specificationVersion: 'v1',
    progId,
    version: '0.0.0',
    create: (services) => ({
      Initialize: () => EXITEVENT_CERTISSUED,
      GetDescription: () => `bench ${progId}`,
      async Notify(_event, context) {
        const server = services.createServerExit();
        await server.SetContext(context);
        const id = await server.GetRequestProperty('RequestID', PROPTYPE_LONG);
        await server.GetRequestProperty('RequesterName', PROPTYPE_STRING);
        await server.GetCertificateProperty('SerialNumber', PROPTYPE_STRING);
        await server.GetCertificateProperty('NotAfter', PROPTYPE_DATE);
        const raw = await server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY);
        if (id !== context || !(raw instanceof Uint8Array) || raw.length === 0)
          throw new Error(`${progId}: wrong properties for request ${context}`);
      },
    }),
  };
}

/** What the exit-module thread asks for: the module factories by ProgID. */
export function builtinExitModules() {
  return Object.fromEntries(READING_MODULES.map((progId) => [progId, readingModule(progId)]));
}
