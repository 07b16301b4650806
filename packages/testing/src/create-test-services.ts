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
}

/** Services for running a module outside a host, with everything it does kept for assertions. */
export interface TestServices extends ExitModuleServices {
  logger: CapturingLogger;
  readonly callLog: ServerExitCallLog;
  readonly fixture: ServerExitFixture;
  /** Replace the configuration (as an administrator's `setreg` would); reads see it at once. */
  setConfig(config: RegistryTree): void;
  /** Abort `signal`, as a host does when it stops. */
  stop(): void;
}

/** The host services a module receives, backed by an in-memory fixture and configuration. */
export function createTestServices(options: TestServicesOptions = {}): TestServices {
  const fixture = options.fixture ?? defaultFixture();
  const caName = options.caName ?? String(fixture.ca.SanitizedCAName ?? 'certexit Test CA');
  const location = `${REGKEY_CONFIG_PATH}\\${caName}\\ExitModules\\${options.progId ?? 'CertExit_Test.Exit'}`;
  let config: RegistryTree = options.config ?? (fixture.config as RegistryTree | undefined) ?? {};
  const callLog = createServerExitCallLog();
  const controller = new AbortController();
  const createServerExit = () => createMemoryServerExit(fixture, { moduleRegistryLocation: location, log: callLog });
  return {
    fixture,
    callLog,
    logger: createCapturingLogger(),
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
    setConfig(next) {
      config = next;
    },
    stop() {
      controller.abort();
    },
  };
}
