import type { DirectoryConnection } from '@certexit/ldap';
import type { LdapPublicationLocation } from './ldap-publication-location';
import { rdnValue, splitDn } from './ldap-publication-location';

/** How a value goes to its attribute. */
export type DirectoryValueMode =
  /** The value replaces every value (a CRL, the AIA certificate of the CA). */
  | 'replace'
  /** The value joins the others (`NTAuthCertificates`, a multi-valued `cACertificate`). */
  | 'add';

/** What {@link publishDirectoryValue} did. */
export type DirectoryValueStatus = 'created' | 'replaced' | 'unchanged' | 'added' | 'already-present';

/** Options of {@link publishDirectoryValue}. */
export interface PublishDirectoryValueOptions {
  mode: DirectoryValueMode;
  /** Append `;binary` to the attribute (OpenLDAP). */
  binary: boolean;
  /** The preflight limit (`MaxLdapValueBytes`). */
  maxValueBytes: number;
  /** The object class of missing parent containers. @default 'container' (AD) */
  containerClass?: string;
}

/**
 * Checks a value against `MaxLdapValueBytes` before anything is sent: a value the directory would refuse fails here,
 * naming the limit, rather than as a dropped connection halfway through a write.
 * @throws when `der` is larger than `maxValueBytes`
 */
export function preflightDirectoryValue(
  location: LdapPublicationLocation,
  der: Uint8Array,
  maxValueBytes: number,
): void {
  if (der.length <= maxValueBytes) return;
  throw new Error(
    `${location.attribute ?? 'the value'} for ${location.dn} is ${der.length} bytes, more than MaxLdapValueBytes (${maxValueBytes} bytes, set in CA\\Directory): nothing was written to the directory. Publish the CRL by HTTP/file only, or raise MaxLdapValueBytes if the directory accepts larger requests (AD: the LDAP policy MaxReceiveBuffer)`,
  );
}

/**
 * Writes `der` to the attribute of an LDAP publication location, creating the object (with the class the URL names)
 * and its missing parent containers. A `certificationAuthority` object is created with the attributes AD's schema
 * requires (`cACertificate`, and `authorityRevocationList` and `certificateRevocationList` holding one zero byte, as
 * AD CS creates them).
 */
export async function publishDirectoryValue(
  connection: DirectoryConnection,
  location: LdapPublicationLocation,
  der: Uint8Array,
  options: PublishDirectoryValueOptions,
): Promise<DirectoryValueStatus> {
  if (!location.attribute) throw new Error(`the LDAP publication URL ${location.url} names no attribute`);
  preflightDirectoryValue(location, der, options.maxValueBytes);
  const attribute = options.binary ? `${location.attribute.replace(/;binary$/i, '')};binary` : location.attribute;
  const existing = await connection.readValues(location.dn, attribute);
  if (existing === undefined) {
    await _ensureParents(connection, location.dn, options.containerClass ?? 'container');
    const created = await connection.addEntry(location.dn, _newObject(location, attribute, der, options.binary));
    if (created === 'added') return 'created';
  }
  const current = existing ?? (await connection.readValues(location.dn, attribute)) ?? [];
  const same = (value: Uint8Array) => Buffer.from(value).equals(Buffer.from(der));
  if (options.mode === 'add') {
    if (current.some(same)) return 'already-present';
    return connection.addValue(location.dn, attribute, der);
  }
  if (current.length === 1 && same(current[0]!)) return 'unchanged';
  await connection.replaceValues(location.dn, attribute, [der]);
  return 'replaced';
}

function _newObject(
  location: LdapPublicationLocation,
  attribute: string,
  der: Uint8Array,
  binary: boolean,
): Record<string, string | Uint8Array[]> {
  const [rdn = ''] = splitDn(location.dn);
  const objectClass = location.objectClass ?? 'cRLDistributionPoint';
  const object: Record<string, string | Uint8Array[]> = { objectClass, cn: rdnValue(rdn) };
  if (objectClass.toLowerCase() === 'certificationauthority') {
    const name = (base: string) => (binary ? `${base};binary` : base);
    const placeholder = [new Uint8Array([0])];
    object[name('cACertificate')] = placeholder;
    object[name('authorityRevocationList')] = placeholder;
    object[name('certificateRevocationList')] = placeholder;
  }
  object[attribute] = [der];
  return object;
}

/** Creates the missing parents of `dn`, top-down, as containers; stops at the first one that exists. */
async function _ensureParents(connection: DirectoryConnection, dn: string, containerClass: string): Promise<void> {
  const rdns = splitDn(dn);
  const missing: string[] = [];
  for (let i = 1; i < rdns.length; i++) {
    const parent = rdns.slice(i).join(',');
    if ((await connection.readValues(parent, 'objectClass')) !== undefined) break;
    missing.push(parent);
  }
  for (const parent of missing.reverse()) {
    const [rdn = ''] = splitDn(parent);
    await connection.addEntry(parent, { objectClass: containerClass, cn: rdnValue(rdn) });
  }
}
