import type { PropertyValue } from '../constants/property-types';
import type { MaybePromise } from '../interfaces/maybe-promise';
import type { ResolvedProperty } from '../properties/resolve-property';

/** One extension recorded for a request, disabled ones included. */
export interface ExtensionRecord {
  readonly oid: string;
  /** `EXTENSION_*` flags OR-ed with exactly one `EXTENSION_ORIGIN_*`. */
  readonly flags: number;
  /** The DER `extnValue`. */
  readonly value: Uint8Array;
}

/**
 * Where an `ICertServerExit` gets its data: the engine's database, the kit's fixtures, a remote host. It answers
 * raw lookups only; {@link createServerExit} adds name resolution, type checks, errors and per-object state, so
 * every implementation behaves the same.
 */
export interface ServerExitDataSource {
  /**
   * What a context names: `'request'` for a request row, `'ca'` for CA scope (0, or a token the engine passed
   * with a CRL-issued or shutdown event), `undefined` when it names nothing.
   */
  contextKind(context: number): MaybePromise<'request' | 'ca' | undefined>;
  /**
   * The stored value of a resolved property, or `undefined` when it is empty. For `ca` properties without an
   * index, the source picks the current CA certificate.
   */
  getValue(context: number, property: ResolvedProperty): MaybePromise<PropertyValue | undefined>;
  /** The request attributes as submitted, in order. */
  getAttributes(context: number): MaybePromise<ReadonlyArray<readonly [name: string, value: string]>>;
  /** The extensions recorded for the request, disabled ones included, in order. */
  getExtensions(context: number): MaybePromise<readonly ExtensionRecord[]>;
}
