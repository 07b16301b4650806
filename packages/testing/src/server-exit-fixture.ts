import type { PropertyValue, RegistryValue } from '@certexit/core';

/** One extension recorded for a request, as the engine stores it. */
export interface FixtureExtension {
  readonly oid: string;
  /** `EXTENSION_*` flags OR-ed with exactly one `EXTENSION_ORIGIN_*`. */
  readonly flags: number;
  /** The DER `extnValue`. */
  readonly value: Uint8Array;
}

/** One request/certificate row: what `SetContext(context)` selects. */
export interface FixtureContext {
  /** Request-table values by canonical name (`RequesterName`, `Disposition`, …). */
  readonly request: Readonly<Record<string, PropertyValue>>;
  /** Certificate-table values (`RawCertificate`, `SerialNumber`, …); empty for a pending or denied request. */
  readonly certificate?: Readonly<Record<string, PropertyValue>>;
  /** Requested subject name properties (`CommonName`, `DistinguishedName`, …), `\n`-joined when multi-valued. */
  readonly requestName?: Readonly<Record<string, PropertyValue>>;
  /** Issued subject name properties. */
  readonly certificateName?: Readonly<Record<string, PropertyValue>>;
  /** Request-context system properties (`UserDN`, …). */
  readonly system?: Readonly<Record<string, PropertyValue>>;
  /** Request attributes by name, as submitted. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly extensions?: readonly FixtureExtension[];
}

/**
 * What the in-memory `ICertServerExit` serves: CA-scope properties and request contexts keyed by context
 * number. Indexed CA properties are stored under `Name.N`; the unindexed name means the current certificate.
 */
export interface ServerExitFixture {
  readonly ca: Readonly<Record<string, PropertyValue>>;
  readonly contexts: Readonly<Record<number, FixtureContext>>;
  /** Which context the kit uses for each request event. */
  readonly eventContexts: {
    readonly issued: number;
    readonly pending: number;
    readonly denied: number;
    readonly revoked: number;
    readonly imported: number;
    /** A request whose optional properties are all empty. */
    readonly sparse: number;
  };
  /** Values under the module's configuration location. */
  readonly config?: Readonly<Record<string, RegistryValue>>;
}
