import type { ICertServerExit, PropertyValue, ServerExitDataSource } from '@certexit/core';
import { createServerExit, resolveCertificateProperty } from '@certexit/core';
import type { ServerExitFixture } from './server-exit-fixture';

/** What a module did to an in-memory server-exit object, for the read-only check and for assertions. */
export interface ServerExitCallLog {
  /** Every method call with its arguments, in order. */
  readonly calls: Array<{ method: string; args: unknown[] }>;
  /** Members a module looked up that a read-only callback lacks (`SetCertificateProperty`, …). */
  readonly writeAttempts: string[];
}

/** Options of {@link createMemoryServerExit}. */
export interface MemoryServerExitOptions {
  /** What `ModuleRegistryLocation` answers. */
  moduleRegistryLocation?: string;
  /** Collects the calls of every object created with these options. */
  log?: ServerExitCallLog;
}

/**
 * An `ICertServerExit` served from a fixture, with the engine's exact semantics (it uses the same
 * `createServerExit` as the server). Each call returns a new object with its own state.
 */
export function createMemoryServerExit(
  fixture: ServerExitFixture,
  options: MemoryServerExitOptions = {},
): ICertServerExit {
  const inner = createServerExit(fixtureDataSource(fixture, options.moduleRegistryLocation));
  const log = options.log;
  if (!log) return inner;
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return value;
      if (value === undefined) {
        // `then` is looked up by `await`; anything else missing that writes is a write attempt.
        if (/^(Set|Put|Delete|Add|Remove)/.test(key)) log.writeAttempts.push(key);
        return value;
      }
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        log.calls.push({ method: key, args });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** A new, empty call log. */
export function createServerExitCallLog(): ServerExitCallLog {
  return { calls: [], writeAttempts: [] };
}

/** The {@link ServerExitDataSource} behind {@link createMemoryServerExit}. */
export function fixtureDataSource(fixture: ServerExitFixture, moduleRegistryLocation?: string): ServerExitDataSource {
  const caValue = (name: string, index: number | undefined): PropertyValue | undefined => {
    if (name === 'ModuleRegistryLocation' && moduleRegistryLocation !== undefined) return moduleRegistryLocation;
    const certCount = fixture.ca.CertCount;
    const current = typeof certCount === 'number' ? certCount - 1 : 0;
    const definition = resolveCertificateProperty(name)?.definition;
    return definition?.indexed ? fixture.ca[`${name}.${index ?? current}`] : fixture.ca[name];
  };
  return {
    contextKind(context) {
      if (context === 0) return 'ca';
      return fixture.contexts[context] ? 'request' : undefined;
    },
    getValue(context, property) {
      const name = property.definition.name;
      if (property.source === 'ca') return caValue(name, property.index);
      const row = fixture.contexts[context];
      switch (property.source) {
        case 'request':
          return row?.request[name];
        case 'request-name':
          return row?.requestName?.[name];
        case 'certificate':
          return row?.certificate?.[name];
        case 'certificate-name':
          return row?.certificateName?.[name];
        case 'request-system':
          return row?.system?.[name];
      }
    },
    getAttributes(context) {
      return Object.entries(fixture.contexts[context]?.attributes ?? {});
    },
    getExtensions(context) {
      return fixture.contexts[context]?.extensions ?? [];
    },
  };
}
