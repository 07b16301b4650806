import { S_OK } from '../constants/hresults';
import { CMM_REFRESHONLY } from '../constants/manage-module';
import type { ICertExit2 } from '../interfaces/cert-exit';
import type { ICertManageModule } from '../interfaces/cert-manage-module';
import type { ExitModuleFactoryV1, ExitModuleServices } from '../interfaces/exit-module-factory';
import type { Logger } from '../interfaces/logger';
import type { MaybePromise } from '../interfaces/maybe-promise';
import type { RegistryKey } from '../interfaces/registry-key';
import type { RegistryKeyDeclaration, RegistryValueDeclaration } from '../interfaces/registry-value-declaration';
import { createManageModule } from '../manage-module/create-manage-module';
import { createExitContext } from './create-exit-context';
import type { ExitEventHandlers, ExitHandlerResult } from './exit-context';
import type { ExitEventName } from './exit-event-names';
import { EXIT_EVENT_BITS, exitEventHandlerName } from './exit-event-names';
import type { ExitSettingsInput, ExitSettingsOf, ExitSettingsParser, ExitSettingsSchema } from './exit-settings';
import { describeExitSettings, readExitSettings } from './exit-settings';

/** What `initialize` receives: the module's start, before any event. */
export interface ExitInitializeContext<S> {
  /** The CA name `Initialize` received. */
  readonly caName: string;
  readonly settings: S;
  readonly logger: Logger;
  /** The module's configuration key (`ModuleRegistryLocation`). */
  readonly config: RegistryKey;
  readonly services: ExitModuleServices;
}

/** The manage module's answers (`<App>.ExitManage`): the five standard properties. */
export interface ExitManageOptions {
  /** `Name`. @default the module's `description` */
  readonly name?: string;
  /** `Description`. @default the module's `description` */
  readonly description?: string;
  /** `Copyright`. @default 'Copyright (c) certexit contributors. MIT License.' */
  readonly copyright?: string;
}

/** What {@link defineExitModule} takes. */
export interface ExitModuleDefinition<I extends ExitSettingsInput | undefined, S = ExitSettingsOf<I>> {
  /** The ProgID, `<App>.Exit`: registered, listed in `ExitModules\Active` and configured under it. */
  readonly progId: string;
  /** What `GetDescription` returns: short and constant (logs, `CR_PROP_EXITDESCRIPTION`). */
  readonly description: string;
  /** The package version (`__PACKAGE_VERSION__` in a package built with the house tsup config). @default '0.0.0' */
  readonly version?: string;
  /**
   * The module's settings under its key: a schema of `setting.*` values, or a function of the key. Read at
   * `Initialize` (a bad value fails it, naming the value) and again on `Configure(CMM_REFRESHONLY)` (a bad value is
   * refused and the settings in effect stay).
   */
  readonly settings?: I;
  /** One handler per event the module wants; the event mask is the OR of those present. */
  readonly events: ExitEventHandlers<S>;
  /**
   * Narrows the mask by settings (e.g. an `EventMask` value): the result is AND-ed with the handlers' mask at
   * `Initialize` (the host fixes the subscription then; a change takes effect at the next start).
   */
  readonly eventMask?: (settings: S) => number;
  /** Start-up work after the settings are read (check a connection, create a folder). A throw fails `Initialize`. */
  readonly initialize?: (init: ExitInitializeContext<S>) => MaybePromise<void>;
  readonly manage?: ExitManageOptions;
}

/** The factory {@link defineExitModule} returns: an `ExitModuleFactoryV1` with its definition's facts. */
export interface DefinedExitModule<S> extends ExitModuleFactoryV1 {
  /** The description `GetDescription` returns. */
  readonly description: string;
  /** The OR of the `EXITEVENT_*` bits of the handlers present. */
  readonly eventMask: number;
  /**
   * The values of a `setting.*` schema, declared for the registry catalogue (`certexit getreg` shows their defaults,
   * `setreg` checks names and types); absent when the settings are a parse function.
   */
  readonly configuration?: RegistryKeyDeclaration;
  /** Creates the module object: an `ICertExit2`. */
  create(services: ExitModuleServices): ICertExit2;
  /** Only for the type of `settings`. */
  readonly __settings?: S;
}

/**
 * A typed exit module on top of the COM-faithful contract: handlers per event with camel-case, lazy accessors that
 * read through `ICertServerExit` (`await ctx.certificate.serial`), typed settings from the module's registry key,
 * `ctx.once` over the host's idempotency store, and a manage module with the standard properties. What it returns
 * is an ordinary `ExitModuleFactoryV1`; `ctx.server` is the raw callback for anything else.
 *
 * The module it makes: `Initialize` reads the settings, runs `initialize` and returns the mask of the handlers
 * present (narrowed by `eventMask`); `Notify` ignores what it did not subscribe to (and unknown bits) with `S_OK`,
 * else creates one `ICertServerExit` for the call, sets its context and runs the handler: a throw fails the
 * notification (the host retries it, or dead-letters it when the error says `isRetryable: false`).
 *
 * @example
 * ```ts
 * import { defineExitModule, setting } from '@certexit/core';
 *
 * export default defineExitModule({
 *   progId: 'Contoso_Hello.Exit',
 *   description: 'Hello exit module',
 *   settings: { greeting: setting.string('Greeting', { default: 'hello' }) },
 *   events: {
 *     async issued(ctx) {
 *       const [requester, serial] = await Promise.all([ctx.request.requesterName, ctx.certificate.serial]);
 *       ctx.logger.info({ requester, serial }, ctx.settings.greeting);
 *     },
 *   },
 * });
 * ```
 * @throws {TypeError} at definition for a missing ProgID or description, or an unknown handler name.
 */
export function defineExitModule<const I extends ExitSettingsSchema | undefined = undefined>(
  definition: ExitModuleDefinition<I>,
): DefinedExitModule<ExitSettingsOf<I>>;
/** With settings read by a function of the module's key: its result types `ctx.settings`. */
export function defineExitModule<T>(
  definition: ExitModuleDefinition<ExitSettingsParser<T>, T> & { readonly settings: ExitSettingsParser<T> },
): DefinedExitModule<T>;
export function defineExitModule(
  definition: ExitModuleDefinition<ExitSettingsInput | undefined, unknown>,
): DefinedExitModule<unknown> {
  type S = unknown;
  const { progId, description } = definition;
  if (typeof progId !== 'string' || !/^[^\s\\]+\.[^\s\\]+$/.test(progId)) {
    throw new TypeError(
      `defineExitModule: progId ${JSON.stringify(progId)} is not a ProgID such as "Contoso_App.Exit"`,
    );
  }
  if (typeof description !== 'string' || description.trim() === '') {
    throw new TypeError(`defineExitModule(${progId}): description must be a non-empty string`);
  }
  const handlers = definition.events ?? {};
  let handlerMask = 0;
  for (const [name, handler] of Object.entries(handlers)) {
    if (!Object.hasOwn(EXIT_EVENT_BITS, name)) {
      throw new TypeError(
        `defineExitModule(${progId}): unknown event handler ${JSON.stringify(name)}; the events are ${Object.keys(EXIT_EVENT_BITS).join(', ')}`,
      );
    }
    if (typeof handler !== 'function') {
      throw new TypeError(`defineExitModule(${progId}): the ${name} handler is not a function`);
    }
    handlerMask |= EXIT_EVENT_BITS[name as ExitEventName];
  }
  const version = definition.version ?? '0.0.0';
  const configuration = _declaration(definition.settings);

  return {
    specificationVersion: 'v1',
    progId,
    version,
    description,
    eventMask: handlerMask,
    ...(configuration && { configuration }),
    create(services) {
      let caName = '';
      let subscribed = 0;
      let settings: S | undefined;
      const load = (): S => readExitSettings(services.config, definition.settings, progId) as S;
      const current = (): S => {
        settings ??= load();
        return settings;
      };

      const manage: ICertManageModule = createManageModule({
        name: definition.manage?.name ?? description,
        description: definition.manage?.description ?? description,
        ...(definition.manage?.copyright !== undefined && { copyright: definition.manage.copyright }),
        version,
        async configure(flags) {
          if ((flags & CMM_REFRESHONLY) !== 0) {
            // A bad value is refused here (the error names it) and the settings in effect stay.
            settings = load();
            services.logger.info({ configPath: services.config.path }, 'configuration reloaded');
            return;
          }
          // Flags 0 would show a dialog; there is no UI, so say where the settings live and what is in effect.
          const schema = typeof definition.settings === 'object' ? (definition.settings as ExitSettingsSchema) : {};
          services.logger.info(
            {
              configPath: services.config.path,
              settings: describeExitSettings(schema, current() as Readonly<Record<string, unknown>>),
            },
            'settings in effect',
          );
        },
      });

      return {
        async Initialize(strConfig) {
          caName = strConfig;
          settings = load();
          await definition.initialize?.({
            caName,
            settings,
            logger: services.logger,
            config: services.config,
            services,
          });
          subscribed = handlerMask & ((definition.eventMask?.(settings) ?? handlerMask) >>> 0);
          return subscribed;
        },

        async Notify(ExitEvent, Context) {
          const event = ExitEvent >>> 0;
          const name = exitEventHandlerName(event);
          // Exactly one known bit that the module subscribed to; anything else (future bits included) is S_OK.
          if (name === undefined || (event & subscribed) === 0) return S_OK;
          const handler = handlers[name] as ((ctx: unknown) => ExitHandlerResult) | undefined;
          if (handler === undefined) return S_OK;
          // One callback object per call: its context and cursors are per-object state.
          const server = services.createServerExit();
          await server.SetContext(Context);
          const ctx = createExitContext({
            event: name,
            context: Context,
            caName,
            settings: current(),
            server,
            services,
          });
          const result = await handler(ctx);
          return typeof result === 'number' ? result : S_OK;
        },

        GetDescription: () => description,

        GetManageModule: () => manage,
      } satisfies ICertExit2;
    },
  };
}

/** The registry catalogue's declaration of a `setting.*` schema (none for a parse function). */
function _declaration(settings: ExitSettingsInput | undefined): RegistryKeyDeclaration | undefined {
  if (typeof settings !== 'object' || settings === null) return undefined;
  const values: Record<string, RegistryValueDeclaration> = {};
  for (const entry of Object.values(settings as ExitSettingsSchema)) values[entry.valueName] = entry.declaration;
  return { values };
}
