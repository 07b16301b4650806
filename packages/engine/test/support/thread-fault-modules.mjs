// Exit modules for test/integration/exit-module-thread.test.ts, loaded by the built engine's exit-module thread
// (plain JavaScript: the thread imports them with Node's own loader). Each reads the requester name: a request from
// CERTEXIT\spin makes Thread_Spin.Exit loop for ever inside Notify; one from CERTEXIT\leak makes Thread_Leak.Exit
// hoard memory until the thread's heap limit ends it (yielding as it goes, so the thread still answers the watchdog
// and only the heap limit can end it). Every other call succeeds. While CERTEXIT_TEST_THREAD_MODULES is
// "unavailable" (a thread copies the environment when it starts), the modules do not load.
//
// The calls for CERTEXIT\spin meet before Thread_Spin.Exit blocks the thread: the other two modules hold their calls
// open for a while, and the spinning one waits (a while at most) until they have come. So the thread dies with
// several calls in flight whatever the store's pace (PostgreSQL answers each module's reads in its own time, and a
// fast module was otherwise done before the slow one spun), and the next thread must find the culprit one call at a
// time, in which each call comes alone and the waits just run out.
const EXITEVENT_CERTISSUED = 0x1;
const PROPTYPE_STRING = 4;
const MEET_MS = 1_500;
const atSpin = new Set();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function meetAtSpin(progId) {
  atSpin.add(progId);
  if (progId !== 'Thread_Spin.Exit') return sleep(MEET_MS);
  const until = Date.now() + MEET_MS;
  while (atSpin.size < 3 && Date.now() < until) await sleep(10);
}

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
        if (requester.endsWith('\\spin')) await meetAtSpin(progId);
        await misbehave?.(requester);
      },
    }),
  };
}

export function builtinExitModules() {
  if (process.env.CERTEXIT_TEST_THREAD_MODULES === 'unavailable') {
    throw new Error('the thread fault modules are unavailable (CERTEXIT_TEST_THREAD_MODULES)');
  }
  return {
    'Thread_Good.Exit': module('Thread_Good.Exit'),
    'Thread_Spin.Exit': module('Thread_Spin.Exit', (requester) => {
      if (requester.endsWith('\\spin')) for (;;);
    }),
    'Thread_Leak.Exit': module('Thread_Leak.Exit', async (requester) => {
      if (!requester.endsWith('\\leak')) return;
      const hoard = [];
      for (;;) {
        hoard.push(new Array(1_000_000).fill(hoard.length));
        await new Promise((resolve) => setImmediate(resolve));
      }
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
