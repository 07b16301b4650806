import type { ExitModuleServices, RegistryTree } from '@certexit/core';
import {
  CertexitError,
  E_NOINTERFACE,
  PROGID_SERVER_EXIT,
  REGKEY_CONFIG_PATH,
  registryKeyFromTree,
} from '@certexit/core';
import type { CapturingLogger } from './capturing-logger';
import { createCapturingLogger } from './capturing-logger';
import type { MemoryIdempotencyStore } from './create-memory-idempotency-store';
import { createMemoryIdempotencyStore } from './create-memory-idempotency-store';
import type { ServerExitCallLog } from './create-memory-server-exit';
import { createMemoryServerExit, createServerExitCallLog } from './create-memory-server-exit';
import { defaultFixture } from './default-fixture';
import type { ServerExitFixture } from './server-exit-fixture';

/** Options of {@link createTestServices}. */
export interface TestServicesOptions {
  fixture?: ServerExitFixture;
  /** The module's configuration location's contents. */
  config?: RegistryTree;
  /** The ProgID whose configuration location `ModuleRegistryLocation` names. @default 'CertExit_Test.Exit' */
  progId?: string;
  /** The sanitized CA name in the configuration path. @default 'certexit Test CA' */
  caName?: string;
  /**
   * What `EventID` answers during `Notify`, as a host's delivery would (the same on every retry of one notification);
   * change it with `setEventId` for the next notification. Without it `EventID` is empty, as outside a host's
   * delivery, and a module that deduplicates by it simply acts each time.
   */
  eventId?: string;
}

/** Services for running a module outside a host, with everything it does kept for assertions. */
export interface TestServices extends ExitModuleServices {
  logger: CapturingLogger;
  idempotency: MemoryIdempotencyStore;
  readonly callLog: ServerExitCallLog;
  readonly fixture: ServerExitFixture;
  /** The `EventID` of the next deliveries (a new notification); `undefined`: none, as outside a host's delivery. */
  setEventId(eventId: string | undefined): void;
  /** Replace the configuration (as an administrator's `setreg` would); reads see it at once. */
  setConfig(config: RegistryTree): void;
  /** Abort `signal`, as a host does when it stops. */
  stop(): void;
}

/** The host services a module receives, backed by an in-memory fixture and configuration. */
export function createTestServices(options: TestServicesOptions = {}): TestServices {
  const given = options.fixture ?? defaultFixture();
  const caName = options.caName ?? String(given.ca.SanitizedCAName ?? 'certexit Test CA');
  let eventId = options.eventId;
  // EventID is read at call time, like the host's; the fixture's own value, if any, wins.
  const fixture: ServerExitFixture = {
    ...given,
    ca: new Proxy(given.ca, {
      get: (target, key, receiver) =>
        key === 'EventID' && !('EventID' in target) ? eventId : Reflect.get(target, key, receiver),
      has: (target, key) => (key === 'EventID' && eventId !== undefined) || Reflect.has(target, key),
    }),
  };
  const location = `${REGKEY_CONFIG_PATH}\\${caName}\\ExitModules\\${options.progId ?? 'CertExit_Test.Exit'}`;
  let config: RegistryTree = options.config ?? (fixture.config as RegistryTree | undefined) ?? {};
  const callLog = createServerExitCallLog();
  const controller = new AbortController();
  const createServerExit = () => createMemoryServerExit(fixture, { moduleRegistryLocation: location, log: callLog });
  return {
    fixture,
    callLog,
    logger: createCapturingLogger(),
    idempotency: createMemoryIdempotencyStore(),
    config: registryKeyFromTree(() => config, location),
    signal: controller.signal,
    createServerExit,
    createObject(progId) {
      if (progId.toLowerCase() === PROGID_SERVER_EXIT.toLowerCase()) return createServerExit();
      throw new CertexitError({
        hresult: E_NOINTERFACE,
        message: `CreateObject: unknown ProgID ${JSON.stringify(progId)}`,
      });
    },
    setEventId(next: string | undefined) {
      eventId = next;
    },
    setConfig(next) {
      config = next;
    },
    stop() {
      controller.abort();
    },
  };
}
