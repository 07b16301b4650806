// Test support for the typed layer's unit tests: host services over a tiny in-memory data source. (The conformance
// kit, @certexit/testing, depends on this package; the kit's own tests check defineExitModule against it.)
import type { PropertyValue } from '../../constants/property-types';
import { memoryIdempotencyStore } from '../../idempotency/__fixtures__/memory-idempotency-store';
import type { ExitActionState } from '../../interfaces/exit-idempotency-store';
import type { ExitModuleServices } from '../../interfaces/exit-module-factory';
import type { Logger } from '../../interfaces/logger';
import type { RegistryTree } from '../../registry/registry-tree';
import { registryKeyFromTree } from '../../registry/registry-tree';
import { createServerExit } from '../../server-exit/create-server-exit';
import type { ExtensionRecord } from '../../server-exit/server-exit-data-source';

/** One request row: values by canonical property name, whatever table they come from. */
export interface TestRow {
  readonly values: Readonly<Record<string, PropertyValue>>;
  readonly attributes?: ReadonlyArray<readonly [string, string]>;
  readonly extensions?: readonly ExtensionRecord[];
}

export interface TestServices extends ExitModuleServices {
  readonly reads: string[];
  readonly logs: Array<{ level: string; obj: object; msg?: string }>;
  readonly actions: Map<string, ExitActionState>;
  eventId: string | undefined;
  tree: RegistryTree;
}

/** Services whose callback serves `ca` at CA scope and `rows` by context; every value read is recorded. */
export function defineTestServices(options: {
  ca: Readonly<Record<string, PropertyValue>>;
  rows: Readonly<Record<number, TestRow>>;
  config?: RegistryTree;
}): TestServices {
  const reads: string[] = [];
  const logs: TestServices['logs'] = [];
  const actions = new Map<string, ExitActionState>();
  const services: TestServices = {
    reads,
    logs,
    actions,
    eventId: undefined,
    tree: options.config ?? {},
    createServerExit: () =>
      createServerExit({
        contextKind: (context) => (context === 0 ? 'ca' : options.rows[context] ? 'request' : undefined),
        async getValue(context, property) {
          const name =
            property.index === undefined ? property.definition.name : `${property.definition.name}.${property.index}`;
          reads.push(name);
          if (name === 'EventID') return services.eventId;
          if (property.source === 'ca') return options.ca[name];
          return options.rows[context]?.values[name];
        },
        getAttributes: (context) => options.rows[context]?.attributes ?? [],
        // Asynchronous, as the engine's database is: two reads in flight interleave unless serialized.
        getExtensions: async (context) => options.rows[context]?.extensions ?? [],
      }),
    createObject: () => {
      throw new Error('not in these tests');
    },
    logger: _logger(logs),
    idempotency: memoryIdempotencyStore(actions),
    config: registryKeyFromTree(
      () => services.tree,
      'SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Test CA\\ExitModules\\Test.Exit',
    ),
    signal: new AbortController().signal,
  };
  return services;
}

function _logger(logs: TestServices['logs']): Logger {
  const at = (level: string) => (obj: object, msg?: string) => logs.push({ level, obj, msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
