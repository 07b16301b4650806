/**
 * Defines `name` on `target` as an enumerable property computed on first read and kept. The asn1 object views
 * (`Name`, `AlgorithmIdentifier`) of parsed structures cost more than the rest of the parse together, and the
 * issuance path never reads them: they are built only when someone asks.
 */
export function defineLazy<T extends object, K extends string, V>(
  target: T,
  name: K,
  compute: () => V,
): T & Record<K, V> {
  let done = false;
  let value: V;
  return Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get() {
      if (!done) {
        value = compute();
        done = true;
      }
      return value;
    },
  }) as T & Record<K, V>;
}

/** The algorithm OID and raw parameters of an AlgorithmIdentifier, read without building the asn1 object. */
export interface AlgorithmIdentifierLike {
  algorithm: string;
  parameters?: ArrayBuffer | null;
}
