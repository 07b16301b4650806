import type { PropertyValue } from '@certexit/core';
import { NAME_PROPERTIES } from '@certexit/core';
import { nameAttributeValues, nameToDer, nameToString } from '@certexit/x509';

/**
 * The name properties of a subject (`DistinguishedName`, `RawName`, `CommonName`, …) as the database keeps them:
 * multi-valued ones `\n`-joined, absent ones left out.
 */
export function namePropertiesOf(subjectDer: Uint8Array): Record<string, PropertyValue> {
  const values = nameAttributeValues(subjectDer);
  const properties: Record<string, PropertyValue> = {
    DistinguishedName: nameToString(subjectDer),
    RawName: nameToDer(subjectDer),
  };
  for (const definition of NAME_PROPERTIES) {
    const found = definition.oid ? values.get(definition.oid) : undefined;
    if (found && found.length > 0) properties[definition.name] = found.join('\n');
  }
  return properties;
}
