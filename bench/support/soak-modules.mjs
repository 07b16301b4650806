// The modules of bench/delivery-soak.bench.mjs, loaded by the engine's exit-module thread as `certexit serve` loads
// registered modules. Each makes its side effects (a line appended to its own file: `<EventID> <action> <ms>`) once
// per notification through the host's idempotency store (runOnce). Soak_Flaky.Exit makes two and, between them,
// fails SOAK_FAILURE_RATE of its calls with a transient error, so that its retries must skip the first one.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEventId, runOnce } from '../../packages/core/dist/index.js';

const EXITEVENT_CERTISSUED = 0x1;
export const SOAK_MODULES = ['Soak_Steady.Exit', 'Soak_Reader.Exit', 'Soak_Flaky.Exit'];

/** A small seeded generator (mulberry32): the same failure pattern on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function soakModule(progId, { actions, failureRate = 0 }) {
  const file = join(process.env.SOAK_OUT ?? '.', `${progId}.log`);
  const draw = random(0x5eed);
  return {
    specificationVersion: 'v1',
    progId,
    version: '0.0.0',
    create: (services) => ({
      Initialize: () => EXITEVENT_CERTISSUED,
      GetDescription: () => `soak ${progId}`,
      async Notify(_event, context) {
        const server = services.createServerExit();
        await server.SetContext(context);
        const eventId = await readEventId(server);
        for (const [index, action] of actions.entries()) {
          await runOnce(services.idempotency, { eventId, action }, () =>
            appendFileSync(file, `${eventId} ${action} ${Date.now()}\n`),
          );
          // A transient failure after the first side effect: the retry must not make it again.
          if (index === 0 && draw() < failureRate) throw new Error('soak: the target is busy, try again later');
        }
      },
    }),
  };
}

/** What the exit-module thread asks for: the module factories by ProgID. */
export function builtinExitModules() {
  const rate = Number(process.env.SOAK_FAILURE_RATE ?? 0);
  return {
    'Soak_Steady.Exit': soakModule('Soak_Steady.Exit', { actions: ['write'] }),
    'Soak_Reader.Exit': soakModule('Soak_Reader.Exit', { actions: ['index'] }),
    'Soak_Flaky.Exit': soakModule('Soak_Flaky.Exit', { actions: ['first', 'second'], failureRate: rate }),
  };
}
