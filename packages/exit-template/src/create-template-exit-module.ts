import type { DefinedExitModule, ExitSettingsOf } from '@certexit/core';
import { defineExitModule } from '@certexit/core';

// The module's ProgID, `<App>.Exit`: the name it is registered under (`certexit module register`), listed in
// `ExitModules\Active` and configured under (`ExitModules\<ProgID>`). Apps read it as `factory.progId`.
const PROGID = 'CertExit_Template.Exit';

/** The module's settings, read from its registry key (`ExitModules\<ProgID>`) at `Initialize`. */
const settings = {
  // None yet. Declare each value once, typed, with its default, e.g.
  //   outputFile: setting.path('OutputFile', { required: true }),
  // and read it as `ctx.settings.outputFile`. See docs/writing-an-exit-module.md.
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
        const [requestId, serialNumber] = await Promise.all([ctx.request.id, ctx.certificate.serial]);
        ctx.logger.info({ requestId, serialNumber }, 'certificate issued');
        // Returning nothing is S_OK. A throw fails the notification: the host retries it, or dead-letters it at once
        // when the error says `isRetryable: false`. Wrap side effects in `ctx.once('<action>', work)` so that a
        // retry does not repeat them. It never changes the request's outcome.
      },
    },
  });
}

export default createTemplateExitModule;
