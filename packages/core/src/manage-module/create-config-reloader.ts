import { exitEventMaskNames } from '../constants/exit-events';
import type { ExitModuleServices } from '../interfaces/exit-module-factory';
import type { RegistryKey } from '../interfaces/registry-key';

/** What a module's configuration reader returns, as far as reloading it is concerned. */
export interface ReloadableExitConfig {
  /** The `EXITEVENT_*` bits the configuration asks for. */
  readonly eventMask: number;
  /** Problems found while reading it, each logged as a warning. */
  readonly notes: readonly string[];
}

/** How {@link createConfigReloader} reads and reports a module's configuration. */
export interface ConfigReloaderOptions<C extends ReloadableExitConfig> {
  /** Reads the configuration from the module's key (`services.config`). */
  read: (key: RegistryKey) => C;
  /** The warning when a reload asks for events the host was not told about at `Initialize`. */
  readonly lateEventsMessage: string;
  /** Called with each configuration read, and the one it replaces (`undefined` at `Initialize`). */
  onLoad?: (next: C, previous: C | undefined) => void;
}

/** A module's configuration: read at `Initialize`, read again on `Configure(CMM_REFRESHONLY)`. */
export interface ConfigReloader<C extends ReloadableExitConfig> {
  /** At `Initialize`: forgets the earlier configuration, reads it, and subscribes to the events it asks for. */
  initialize(): C;
  /** Reads the configuration again (`CMM_REFRESHONLY`). */
  load(): C;
  /** The configuration in force, read first if it never was. */
  current(): C;
  /** The configuration in force, or `undefined` before the first read (never reads). */
  readonly loaded: C | undefined;
  /** The event mask `Initialize` returned: the events the host sends until it restarts. */
  readonly subscribed: number;
}

/**
 * The configuration plumbing of a module whose settings choose its events: it logs the reader's notes, and since the
 * host fixes the subscription at `Initialize`, warns when a reload asks for more events than that (they only come
 * after a restart of the CA service).
 * @param services the module's services: it reads `config` and logs to `logger` (the notes name `config.path`)
 * @example
 * const config = createConfigReloader(services, { read: readMyConfig,
 *   lateEventsMessage: 'EventMask now asks for more events; restart the CA service to receive them' });
 * // Initialize: return config.initialize().eventMask
 */
export function createConfigReloader<C extends ReloadableExitConfig>(
  services: Pick<ExitModuleServices, 'config' | 'logger'>,
  options: ConfigReloaderOptions<C>,
): ConfigReloader<C> {
  const { logger } = services;
  const configPath = services.config.path;
  let config: C | undefined;
  let subscribed = 0;
  const load = (): C => {
    const next = options.read(services.config);
    for (const note of next.notes) logger.warn({ configPath }, note);
    const late = next.eventMask & ~subscribed;
    if (config !== undefined && late !== 0) {
      logger.warn({ events: exitEventMaskNames(late) }, options.lateEventsMessage);
    }
    const previous = config;
    config = next;
    options.onLoad?.(next, previous);
    return next;
  };
  return {
    initialize() {
      config = undefined;
      subscribed = 0;
      const loaded = load();
      subscribed = loaded.eventMask;
      return loaded;
    },
    load,
    current: () => config ?? load(),
    get loaded() {
      return config;
    },
    get subscribed() {
      return subscribed;
    },
  };
}
