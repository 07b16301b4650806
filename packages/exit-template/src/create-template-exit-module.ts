import type { DefinedExitModule, ExitSettingsOf } from '@certexit/core';
import { defineExitModule, setting } from '@certexit/core';

// The module's ProgID, `<App>.Exit`: the name it is registered under (`certexit module register`), listed in
// `ExitModules\Active` and configured under (`ExitModules\<ProgID>`). Apps read it as `factory.progId`.
const PROGID = 'CertExit_Template.Exit';

/**
 * The values the module reads from its key (`ExitModules\<ProgID>`), each declared once with its type, default and
 * meaning. They are read at `Initialize` (a bad value fails it, naming the value) and on `Configure` with
 * `CMM_REFRESHONLY`; the factory declares them (`configuration`), so `certexit getreg` shows the defaults and
 * `certexit setreg` refuses a misspelt name or a wrong type.
 */
const settings = {
  logSerialNumber: setting.dword('LogSerialNumber', {
    default: 1,
    max: 1,
    description: '1: log the serial number of each issued certificate; 0: only its request ID.',
  }),
};

/** The settings as the handlers see them (`ctx.settings`). */
export type TemplateSettings = ExitSettingsOf<typeof settings>;

/**
 * Creates the `CertExit_Template.Exit` exit module: on every issued certificate it reads the RequestID and the
 * serial number and logs them.
 *
 * @example
 * ```ts
 * import { createTemplateExitModule } from '@certexit/exit-template';
 *
 * const factory = createTemplateExitModule();
 * const module = factory.create(services); // the host does this once at start
 * ```
 */
export function createTemplateExitModule(): DefinedExitModule<TemplateSettings> {
  // Why a factory: importing the package must do nothing (`sideEffects: false`). The app decides which modules
  // run, and the host calls `create` once per start with its services.
  return defineExitModule({
    progId: PROGID,
    // What GetDescription returns, shown in the host's logs and in CR_PROP_EXITDESCRIPTION: short and constant.
    description: 'certexit Template exit module',
    // Replaced at build time by tsup (and by Vitest in tests) with the version in package.json.
    version: __PACKAGE_VERSION__,
    // The manage module (`<App>.ExitManage`) answers Name, Description, Copyright and the versions from these.
    manage: { description: 'Logs the RequestID and serial number of every issued certificate' },
    settings,
    // One handler per event; the event mask (what the host sends) is the OR of the handlers present. The others:
    // pending, denied, revoked, retrievePending, imported, crlIssued, shutdown.
    events: {
      async issued(ctx) {
        // Lazy reads through ICertServerExit; an empty property (CERTSRV_E_PROPERTY_EMPTY) reads as undefined.
        const requestId = await ctx.request.id;
        if (ctx.settings.logSerialNumber === 0) {
          ctx.logger.info({ requestId }, 'certificate issued');
          return;
        }
        const serialNumber = await ctx.certificate.serial;
        ctx.logger.info({ requestId, serialNumber }, 'certificate issued');
        // Returning nothing is S_OK. A throw fails the notification: the host retries it, or dead-letters it at once
        // when the error says `isRetryable: false`. Wrap side effects in `ctx.once('<action>', work)` so that a
        // retry does not repeat them. It never changes the request's outcome.
      },
    },
  });
}

export default createTemplateExitModule;
