import type { CaStore } from '../store/ca-store';
import { CA_STORE_NODE_CHECKS } from './ca-store-node-checks';
import { CA_STORE_OUTBOX_CHECKS } from './ca-store-outbox-checks';
import { CA_STORE_ROW_CHECKS } from './ca-store-row-checks';
import { CA_STORE_VIEW_CHECKS } from './ca-store-view-checks';
import type { CaStoreCheckContext } from './conformance-fixtures';

const _CHECKS = {
  ...CA_STORE_ROW_CHECKS,
  ...CA_STORE_VIEW_CHECKS,
  ...CA_STORE_OUTBOX_CHECKS,
  ...CA_STORE_NODE_CHECKS,
};

/** The checks of {@link checkCaStore}, by name. */
export type CaStoreCheckName = keyof typeof _CHECKS;

/** Every check, in the order they run. */
export const CA_STORE_CHECKS = Object.keys(_CHECKS) as CaStoreCheckName[];

/** Options of {@link checkCaStore}. */
export interface CaStoreConformanceOptions {
  /** Opens a new, empty store (a fresh file, a fresh schema) with nothing else using it. */
  create(): Promise<CaStore>;
  /**
   * Opens another store on the same data as `store`, as another process or engine node would. The `nodes-*`
   * checks fail without it.
   */
  reopen?(store: CaStore): Promise<CaStore>;
  /** Only these checks. @default every check */
  only?: readonly CaStoreCheckName[];
  /** Explicit, named opt-outs, with the reason: `{ 'nodes-leadership': 'one writer process only' }`. */
  skip?: Partial<Record<CaStoreCheckName, string>>;
}

/** One check's result. */
export interface CaStoreCheckResult {
  readonly check: CaStoreCheckName;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly message?: string;
}

/** What {@link checkCaStore} found. */
export interface CaStoreConformanceReport {
  readonly ok: boolean;
  readonly results: readonly CaStoreCheckResult[];
  /** Throws one error listing every failed check. */
  assertOk(): void;
}

/**
 * Checks a `CaStore` against what the engine relies on: transactions, every row kind, CRLs and revocation entries,
 * exit events and the outbox (claim order, outcomes, recovery, operators' views, replay), the idempotency records,
 * several processes on the same data (exclusive claims in order, lease takeover, CRL numbers, leadership, wake-ups)
 * and the export and import of `certexit store migrate`. Each check gets a fresh store from `create` and closes
 * every store it opened. Works with every test runner; the engine runs it against SQLite and PostgreSQL.
 *
 * @example
 * ```ts
 * it.each(CA_STORE_CHECKS)('%s', async (name) => {
 *   (await checkCaStore({ create, reopen, only: [name] })).assertOk();
 * });
 * ```
 */
export async function checkCaStore(options: CaStoreConformanceOptions): Promise<CaStoreConformanceReport> {
  const results: CaStoreCheckResult[] = [];
  for (const name of options.only ?? CA_STORE_CHECKS) {
    const reason = options.skip?.[name];
    if (reason !== undefined) {
      results.push({ check: name, status: 'skipped', message: reason });
      continue;
    }
    const opened: CaStore[] = [];
    const track = async (open: Promise<CaStore>) => {
      const store = await open;
      opened.push(store);
      return store;
    };
    try {
      const store = await track(options.create());
      const context: CaStoreCheckContext = {
        store,
        second: () => {
          if (!options.reopen) throw new Error('this check needs reopen(): a second store on the same data');
          return track(options.reopen(store));
        },
        fresh: () => track(options.create()),
      };
      await _CHECKS[name](context);
      results.push({ check: name, status: 'passed' });
    } catch (error) {
      results.push({ check: name, status: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      // A check may have closed one already (leadership); closing twice must not fail the next check.
      for (const store of opened.reverse()) await store.close().catch(() => undefined);
    }
  }
  const failed = results.filter((r) => r.status === 'failed');
  return {
    ok: failed.length === 0,
    results,
    assertOk() {
      if (failed.length === 0) return;
      throw new Error(
        `the store does not conform (${failed.length} of ${results.length} checks failed):\n${failed
          .map((r) => `  - ${r.check}: ${r.message}`)
          .join('\n')}`,
      );
    },
  };
}
