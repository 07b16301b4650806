/** A record without its `undefined` fields, so absent properties are left out of the JSON line, not written. */
export function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
