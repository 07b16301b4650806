import type { ExitModuleFactoryV1, ExitModuleServices, ICertExit2 } from '@certexit/core';
import {
  declareRegistryValues,
  EXITEVENT_CERTISSUED,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readOptional,
  readRegistryValue,
  S_OK,
} from '@certexit/core';
import { createTemplateManageModule } from './create-template-manage-module';

// The module's ProgID, `<App>.Exit`: the name it is registered under (`certexit module register`), listed in
// `ExitModules\Active` and configured under (`ExitModules\<ProgID>`). Apps read it as `factory.progId`.
const PROGID = 'CertExit_Template.Exit';

/**
 * The values the module reads from its key (`services.config`), each with its type, default and meaning. Declared
 * on the factory (`configuration`), they let `certexit getreg` show the defaults and `certexit setreg` refuse a
 * misspelt name or a wrong type; the code reads them with `readRegistryValue`, so the default lives in one place.
 */
export const MODULE_VALUES = declareRegistryValues({
  LogSerialNumber: {
    type: 'REG_DWORD',
    default: 1,
    max: 1,
    meaning: '1: log the serial number of each issued certificate; 0: only its request ID.',
  },
});

/**
 * Creates the `CertExit_Template.Exit` exit module: on every issued certificate it reads the RequestID and the
 * serial number and logs them.
 *
 * @example
 * ```ts
 * import { createTemplateExitModule } from '@certexit/exit-template';
 *
 * const factory = createTemplateExitModule();
 * const module = await factory.create(services); // the host does this once at start
 * ```
 */
export function createTemplateExitModule(): ExitModuleFactoryV1 {
  // Why a factory: importing the package must do nothing (`sideEffects: false`). The app decides which modules
  // run, and the host calls `create` once per start with its services.
  return {
    specificationVersion: 'v1',
    progId: PROGID,
    // Replaced at build time by tsup (and by Vitest in tests) with the version in package.json.
    version: __PACKAGE_VERSION__,
    configuration: { values: MODULE_VALUES },
    create: (services) => _createExit(services),
  } satisfies ExitModuleFactoryV1;
}

export default createTemplateExitModule;

function _createExit(services: ExitModuleServices): ICertExit2 {
  // Method names are the SDK's (ICertExit2), so C++/C# samples port line by line.
  return {
    Initialize(strConfig) {
      // strConfig is the sanitized CA name. Read your settings here from `services.config` (your module's key).
      services.logger.info({ ca: strConfig }, 'exit module ready');
      // The mask says which events the host sends: nothing else ever reaches Notify from the engine.
      return EXITEVENT_CERTISSUED;
    },

    async Notify(ExitEvent, Context) {
      // Tests (and future hosts) may send other bits: ignore them and succeed.
      if (ExitEvent !== EXITEVENT_CERTISSUED) return S_OK;

      // One callback object per call: its context and cursors are per-object state, and Notify may run
      // concurrently for different requests. SetContext binds it to the request this event is about.
      const server = services.createServerExit();
      await server.SetContext(Context);

      // Every request row has a RequestID. Other properties can be empty (CERTSRV_E_PROPERTY_EMPTY): that means
      // "absent", not "failed", so read them with readOptional.
      const requestId = await server.GetRequestProperty('RequestID', PROPTYPE_LONG);
      // Settings are read at call time: a `certexit setreg` takes effect without a restart.
      if (readRegistryValue(services.config, MODULE_VALUES.LogSerialNumber).value === 0) {
        services.logger.info({ requestId }, 'certificate issued');
        return S_OK;
      }
      const serialNumber = await readOptional(() => server.GetCertificateProperty('SerialNumber', PROPTYPE_STRING));

      services.logger.info({ requestId, serialNumber }, 'certificate issued');
      // A throw or a failure HRESULT is logged by the host (event 46) and never changes the request's outcome.
      return S_OK;
    },

    // Shown in the host's logs and in CR_PROP_EXITDESCRIPTION: keep it short and constant.
    GetDescription: () => 'certexit Template exit module',

    GetManageModule: () => createTemplateManageModule(),
  } satisfies ICertExit2;
}
