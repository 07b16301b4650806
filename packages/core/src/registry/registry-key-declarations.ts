import type { RegistryKeyDeclaration, RegistryValueDeclaration } from '../interfaces/registry-value-declaration';

/**
 * The declaration of a subkey of `key` (`['SMTP', 'Issued']`), following declared names without case and `*` for
 * any name; `undefined` when a segment is not declared.
 */
export function declaredSubkey(
  key: RegistryKeyDeclaration,
  segments: readonly string[],
): RegistryKeyDeclaration | undefined {
  let current: RegistryKeyDeclaration | undefined = key;
  for (const segment of segments) {
    const subkeys: Readonly<Record<string, RegistryKeyDeclaration>> = current?.subkeys ?? {};
    const named = Object.entries(subkeys).find(
      ([name]) => name !== '*' && name.toLowerCase() === segment.toLowerCase(),
    );
    current = named?.[1] ?? subkeys['*'];
    if (!current) return undefined;
  }
  return current;
}

/** A declared value of a key by name, without case. */
export function declaredValue(key: RegistryKeyDeclaration, name: string): RegistryValueDeclaration | undefined {
  const wanted = name.toLowerCase();
  return Object.values(key.values).find((value) => value.name.toLowerCase() === wanted);
}

/**
 * One key declared by several owners: the engine's values of every module key and a module's own, for example.
 * Values and subkeys of later declarations win over earlier ones of the same name.
 */
export function mergeRegistryKeyDeclarations(
  ...keys: ReadonlyArray<RegistryKeyDeclaration | undefined>
): RegistryKeyDeclaration {
  const values: Record<string, RegistryValueDeclaration> = {};
  const subkeys: Record<string, RegistryKeyDeclaration> = {};
  let anyValueOfType: RegistryKeyDeclaration['anyValueOfType'];
  let secretValues: boolean | undefined;
  for (const key of keys) {
    if (!key) continue;
    Object.assign(values, key.values);
    for (const [name, subkey] of Object.entries(key.subkeys ?? {}))
      subkeys[name] = subkeys[name] ? mergeRegistryKeyDeclarations(subkeys[name], subkey) : subkey;
    anyValueOfType = key.anyValueOfType ?? anyValueOfType;
    secretValues = key.secretValues ?? secretValues;
  }
  return {
    values,
    ...(Object.keys(subkeys).length > 0 && { subkeys }),
    ...(anyValueOfType && { anyValueOfType }),
    ...(secretValues !== undefined && { secretValues }),
  };
}
