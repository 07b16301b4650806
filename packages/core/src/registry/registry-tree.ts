import type { RegistryKey, RegistryValue } from '../interfaces/registry-key';

/**
 * The registry-shaped configuration as plain data: values and, under nested objects, subkeys. It is what a
 * host keeps in its configuration file and what tests write inline.
 * @example { PublishCertFlags: 2, SMTP: { EventFilter: 1, SMTPServer: 'mail.example' } }
 */
export interface RegistryTree {
  [name: string]: RegistryValue | RegistryTree;
}

/** True for a subkey (a nested object), false for a value. */
export function isRegistrySubtree(entry: RegistryValue | RegistryTree | undefined): entry is RegistryTree {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && !(entry instanceof Uint8Array);
}

/**
 * A read view of one key of a registry tree. `getRoot` is called on every read so the view always sees the
 * current configuration (a host may swap the tree when the file changes). Names compare case-insensitively.
 */
export function registryKeyFromTree(
  getRoot: () => RegistryTree,
  path: string,
  segments: readonly string[] = [],
): RegistryKey {
  const node = (): RegistryTree | undefined => {
    let current: RegistryTree | undefined = getRoot();
    for (const segment of segments) {
      const entry: RegistryValue | RegistryTree | undefined = current && _lookup(current, segment);
      current = isRegistrySubtree(entry) ? entry : undefined;
    }
    return current;
  };
  return {
    path,
    getValue(name) {
      const entry = _lookup(node() ?? {}, name);
      return isRegistrySubtree(entry) ? undefined : entry;
    },
    getValueNames() {
      return Object.entries(node() ?? {})
        .filter(([, v]) => !isRegistrySubtree(v))
        .map(([k]) => k);
    },
    getSubKeyNames() {
      return Object.entries(node() ?? {})
        .filter(([, v]) => isRegistrySubtree(v))
        .map(([k]) => k);
    },
    openSubKey(relativePath) {
      const more = relativePath.split('\\').filter((s) => s.length > 0);
      return registryKeyFromTree(getRoot, [path, ...more].join('\\'), [...segments, ...more]);
    },
  };
}

function _lookup(tree: RegistryTree, name: string): RegistryValue | RegistryTree | undefined {
  if (Object.hasOwn(tree, name)) return tree[name];
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(tree)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
