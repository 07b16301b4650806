import type { ICertServerExit } from '../interfaces/cert-server-exit';

/**
 * The OIDs of the request's extensions, in the order the server enumerates them (`EnumerateExtensionsSetup`,
 * `EnumerateExtensions` until it ends, `EnumerateExtensionsClose`, even on a failure). Read the values after it: the
 * cursor and `GetCertificateExtensionFlags` are per-object state, and the SDK never promises they coexist.
 * @example for (const oid of await enumerateExtensionOids(server)) await server.GetCertificateExtension(oid, PROPTYPE_BINARY);
 */
export async function enumerateExtensionOids(server: ICertServerExit): Promise<string[]> {
  const oids: string[] = [];
  await server.EnumerateExtensionsSetup(0);
  try {
    // `undefined` (≙ S_FALSE) or, through Automation, `""` ends the enumeration.
    for (let oid = await server.EnumerateExtensions(); oid; oid = await server.EnumerateExtensions()) oids.push(oid);
  } finally {
    await server.EnumerateExtensionsClose();
  }
  return oids;
}

/**
 * The names of the request's attributes, in the order the server enumerates them (`EnumerateAttributesSetup`,
 * `EnumerateAttributes` until it ends, `EnumerateAttributesClose`, even on a failure).
 * @example for (const name of await enumerateAttributeNames(server)) await server.GetRequestAttribute(name);
 */
export async function enumerateAttributeNames(server: ICertServerExit): Promise<string[]> {
  const names: string[] = [];
  await server.EnumerateAttributesSetup(0);
  try {
    for (let name = await server.EnumerateAttributes(); name; name = await server.EnumerateAttributes())
      names.push(name);
  } finally {
    await server.EnumerateAttributesClose();
  }
  return names;
}
