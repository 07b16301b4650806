// Exit modules for test/integration/exit-module-thread.test.ts, loaded by the built engine's exit-module thread
// (plain JavaScript: the thread imports them with Node's own loader). Each reads the requester name: a request from
// CERTEXIT\spin makes Thread_Spin.Exit loop for ever inside Notify; one from CERTEXIT\leak makes Thread_Leak.Exit
// hoard memory until the thread's heap limit ends it. Every other call succeeds.
const EXITEVENT_CERTISSUED = 0x1;
const PROPTYPE_STRING = 4;

function module(progId, misbehave) {
  return {
    specificationVersion: 'v1',
    progId,
    version: '0.0.0',
    create: (services) => ({
      Initialize: () => EXITEVENT_CERTISSUED,
      GetDescription: () => progId,
      async Notify(_event, context) {
        const server = services.createServerExit();
        await server.SetContext(context);
        const requester = String(await server.GetRequestProperty('RequesterName', PROPTYPE_STRING));
        misbehave?.(requester);
      },
    }),
  };
}

export function builtinExitModules() {
  return {
    'Thread_Good.Exit': module('Thread_Good.Exit'),
    'Thread_Spin.Exit': module('Thread_Spin.Exit', (requester) => {
      if (requester.endsWith('\\spin')) for (;;);
    }),
    'Thread_Leak.Exit': module('Thread_Leak.Exit', (requester) => {
      if (!requester.endsWith('\\leak')) return;
      const hoard = [];
      for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
    }),
  };
}

/**
 * Imports packages by name for the engine on this thread: the CA's store package, when its registry names one, is the
 * built PostgreSQL store of this repository (an app gives its own importer; see importExitModule in certexit).
 */
export function importExitModule(specifier) {
  if (specifier === '@certexit/store-postgres')
    return import(new URL('../../../store-postgres/dist/index.js', import.meta.url).href);
  return import(specifier);
}
