import { CA_PROPERTIES, REQUEST_SYSTEM_PROPERTIES } from './ca-properties';
import { CERTIFICATE_PROPERTIES } from './certificate-properties';
import { NAME_PROPERTIES } from './name-properties';
import type { PropertyDefinition } from './property-definition';
import { REQUEST_PROPERTIES } from './request-properties';

/** Where a property's value lives, as the engine and the conformance kit look it up. */
export type PropertySource =
  /** a request-table column */
  | 'request'
  /** a property of the requested subject name (`Subject.X`, `Request.DistinguishedName`) */
  | 'request-name'
  /** a certificate-table column */
  | 'certificate'
  /** a property of the issued subject name */
  | 'certificate-name'
  /** a CA-scope system property, with an optional `.N` index */
  | 'ca'
  /** a request-context system property (`UserDN`, …) */
  | 'request-system';

/** A property name resolved against the catalogue. */
export interface ResolvedProperty {
  readonly source: PropertySource;
  readonly definition: PropertyDefinition;
  /** The `.N` suffix of an indexed CA property; `undefined` means the current CA certificate. */
  readonly index?: number;
}

/**
 * Resolves a `GetRequestProperty` name: an optional `Request.` prefix, request columns, then the requested
 * subject's name properties (`Subject.` prefix on canonical names, bare canonical names and aliases).
 * Names compare case-insensitively. Returns `undefined` for an unknown name.
 * @example resolveRequestProperty('Request.RequesterName')?.definition.type // PROPTYPE_STRING
 */
export function resolveRequestProperty(name: string): ResolvedProperty | undefined {
  const bare = _stripPrefix(name, 'Request.');
  const column = _find(REQUEST_PROPERTIES, bare, false);
  if (column) return { source: 'request', definition: column };
  const nameProperty = _resolveName(bare);
  return nameProperty && { source: 'request-name', definition: nameProperty };
}

/**
 * Resolves a `GetCertificateProperty` name: certificate columns, the issued name's properties, request-context
 * system properties, and CA properties (with `.N` for indexed ones). Returns `undefined` for an unknown name.
 * @example resolveCertificateProperty('RawCRL.1') // { source: 'ca', index: 1, … }
 */
export function resolveCertificateProperty(name: string): ResolvedProperty | undefined {
  const column = _find(CERTIFICATE_PROPERTIES, name, false);
  if (column) return { source: 'certificate', definition: column };
  const nameProperty = _resolveName(name);
  if (nameProperty) return { source: 'certificate-name', definition: nameProperty };
  const system = _find(REQUEST_SYSTEM_PROPERTIES, name, false);
  if (system) return { source: 'request-system', definition: system };
  const ca = _find(CA_PROPERTIES, name, false);
  if (ca) return { source: 'ca', definition: ca };
  const indexed = /^(.+)\.(\d{1,5})$/.exec(name);
  if (indexed) {
    const definition = _find(CA_PROPERTIES, indexed[1] ?? '', false);
    if (definition?.indexed) return { source: 'ca', definition, index: Number(indexed[2]) };
  }
  return undefined;
}

/**
 * The form under which request attribute names compare: case, spaces and hyphens ignored
 * ("AttributeName1", "Attribute Name1" and "Attribute-name1" are the same attribute).
 */
export function normalizeAttributeName(name: string): string {
  return name.replace(/[\s-]/g, '').toLowerCase();
}

function _resolveName(name: string): PropertyDefinition | undefined {
  const withoutSubject = _stripPrefix(name, 'Subject.');
  // The `Subject.` prefix applies to canonical names only, not to aliases.
  return withoutSubject !== name ? _find(NAME_PROPERTIES, withoutSubject, false) : _find(NAME_PROPERTIES, name, true);
}

function _stripPrefix(name: string, prefix: string): string {
  return name.length > prefix.length && name.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()
    ? name.slice(prefix.length)
    : name;
}

function _find(
  table: readonly PropertyDefinition[],
  name: string,
  withAliases: boolean,
): PropertyDefinition | undefined {
  const wanted = name.toLowerCase();
  return table.find(
    (p) =>
      p.name.toLowerCase() === wanted ||
      (withAliases && (p.oid === name || p.aliases?.some((alias) => alias.toLowerCase() === wanted))),
  );
}
