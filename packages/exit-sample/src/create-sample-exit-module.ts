import type { ExitModuleFactoryV1, ExitModuleServices, ICertExit2 } from '@certexit/core';
import {
  CertexitError,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CRLISSUED,
  exitEventName,
  formatHResult,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  readOptional,
  S_OK,
} from '@certexit/core';
import { createSampleManageModule } from './create-sample-manage-module';
import { notifyCrlIssued } from './notify-crl-issued';
import { notifyNewCert } from './notify-new-cert';
import type { SampleSettings } from './read-sample-settings';
import { readSampleSettings } from './read-sample-settings';
import { SAMPLE_DESCRIPTION, SAMPLE_EVENT_MASK, SAMPLE_PROGID } from './sample-constants';

/**
 * Options of {@link createSampleExitModule}. The engine calls a package's default-exported function with the opened
 * CA, whose `folder.certEnroll` is the CA's CertEnroll folder: that is where `<RequestID>.cer` goes unless the
 * module's `CertEnrollDirectory` value says otherwise.
 */
export interface SampleExitModuleOptions {
  /** The folder for `<RequestID>.cer` (the sample's `%SystemRoot%\System32\CertSrv\CertEnroll`). */
  readonly certEnrollDirectory?: string;
  /** What the engine passes (its `CaContext`): only `folder.certEnroll` is used. */
  readonly folder?: { readonly certEnroll?: string };
}

/**
 * The Windows SDK's sample exit module (`CertAuthority_Sample.Exit`, certxsam.dll), ported line by line to the
 * certexit contract. Read it beside the C++ (Windows-classic-samples,
 * `Samples/Win7Samples/security/certificateservices/exit/c++/WindowsServer2008R2/`):
 *
 * | C++                                   | here                                   |
 * | ------------------------------------- | -------------------------------------- |
 * | exit.cpp `CCertExitSample::Initialize`| `Initialize` below                     |
 * | exit.cpp `CCertExitSample::Notify`    | `Notify` below                         |
 * | exit.cpp `_NotifyNewCert`             | `notify-new-cert.ts`                   |
 * | exit.cpp `_WriteCertToFile`           | `write-cert-to-file.ts`                |
 * | exit.cpp `_NotifyCRLIssued`           | `notify-crl-issued.ts`                 |
 * | exit.cpp `GetDescription`, `GetManageModule` | below                           |
 * | module.cpp `CCertManageExitModuleSample` | `create-sample-manage-module.ts`    |
 * | certxsam.cpp (DLL entry, registration) | this factory; `certexit module register` |
 *
 * @example
 * ```ts
 * import { createSampleExitModule } from '@certexit/exit-sample';
 * const factory = createSampleExitModule({ certEnrollDirectory: '/var/lib/ca/CertEnroll' });
 * ```
 */
export function createSampleExitModule(options: SampleExitModuleOptions = {}): ExitModuleFactoryV1 {
  const hostCertEnroll = options.certEnrollDirectory ?? options.folder?.certEnroll;
  return {
    specificationVersion: 'v1',
    progId: SAMPLE_PROGID,
    version: __PACKAGE_VERSION__,
    // certxsam.cpp's DllGetClassObject: the host creates the object once per start.
    create: (services) => _createSampleExit(services, hostCertEnroll),
  } satisfies ExitModuleFactoryV1;
}

export default createSampleExitModule;

/** `CCertExitSample`: the `ICertExit2` object. Its members (`m_strCAName`, `m_dwExitPublishFlags`, ...) are the closure. */
function _createSampleExit(services: ExitModuleServices, hostCertEnroll: string | undefined): ICertExit2 {
  const { logger } = services;
  let caName = ''; // m_strCAName
  let settings: SampleSettings | undefined; // m_dwExitPublishFlags and certexit's folders
  const load = () => readSampleSettings(services.config, hostCertEnroll);
  const current = () => {
    settings ??= load();
    return settings;
  };

  const manage = createSampleManageModule({
    refresh: () => {
      settings = load();
      return settings;
    },
    current,
    configPath: services.config.path,
    logger,
  });

  return {
    /**
     * exit.cpp `Initialize`: keep the CA name; with a callback at context 0 read `ModuleRegistryLocation` (STRING)
     * and `CAType` (LONG); open that key (here `services.config`, the same key) and read `PublishCertFlags` (0 if
     * absent); return the mask.
     */
    async Initialize(strConfig) {
      caName = strConfig;
      const server = services.createServerExit(); // context 0: CA scope
      const location = await server.GetCertificateProperty('ModuleRegistryLocation', PROPTYPE_STRING);
      const caType = await readOptional(() => server.GetCertificateProperty('CAType', PROPTYPE_LONG));
      const certCount = await readOptional(() => server.GetCertificateProperty('CertCount', PROPTYPE_LONG));
      settings = load();
      logger.info({ ca: caName, location, caType, certCount, ...settings }, 'Exit:Initialize');
      return SAMPLE_EVENT_MASK;
    },

    /**
     * exit.cpp `Notify`: ISSUED writes the certificate as a file, CRLISSUED runs the CRL loop, every other event is
     * only logged; unknown events succeed. The sample's `DBGPRINT` of `Exit:Notify(<name>=<hex>, ctx=<hex>) rc=<hex>`
     * is the debug line.
     */
    async Notify(ExitEvent, Context) {
      const event = ExitEvent >>> 0;
      let hr = S_OK;
      try {
        switch (event) {
          case EXITEVENT_CERTISSUED:
            await notifyNewCert(services, Context, current(), logger);
            break;
          case EXITEVENT_CRLISSUED:
            await notifyCrlIssued(services, Context, current(), logger);
            break;
          default:
            // PENDING, DENIED, REVOKED, RETRIEVEPENDING, SHUTDOWN, IMPORTED (and anything unknown): log only.
            if ((event & SAMPLE_EVENT_MASK) !== 0)
              logger.info({ event: exitEventName(event), context: Context }, 'notified');
            break;
        }
      } catch (error) {
        hr = CertexitError.hresultOf(error);
        throw error;
      } finally {
        logger.debug(
          { event, context: Context, hresult: hr },
          `Exit:Notify(${exitEventName(event)}=${_hex(event)}, ctx=${_hex(Context)}) rc=${formatHResult(hr)}`,
        );
      }
      return S_OK;
    },

    // exit.cpp GetDescription: a constant string.
    GetDescription: () => SAMPLE_DESCRIPTION,

    // exit.cpp GetManageModule: CoCreateInstance of CCertManageExitModuleSample.
    GetManageModule: () => manage,
  } satisfies ICertExit2;
}

function _hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}
