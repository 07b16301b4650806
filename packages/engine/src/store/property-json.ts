import type { PropertyValue } from '@certexit/core';

/**
 * Property maps (name properties, extra columns) as JSON text that keeps their types: binary and dates are
 * tagged, so a round trip through the database gives back `Uint8Array` and `Date`.
 */
export function propertiesToJson(values: Record<string, PropertyValue>): string {
  return JSON.stringify(values, (_key, value: unknown) => {
    // A view, not a copy (Buffer.from(uint8Array) copies the bytes first).
    if (value instanceof Uint8Array)
      return { $b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
    return value;
  });
}

/** The inverse of {@link propertiesToJson}. */
export function propertiesFromJson(text: string | null | undefined): Record<string, PropertyValue> {
  if (!text) return {};
  const parsed = JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$b64' in value)
      return Uint8Array.from(Buffer.from(String(value.$b64), 'base64'));
    if (value && typeof value === 'object' && '$date' in value) return new Date(Number(value.$date));
    return value;
  }) as Record<string, PropertyValue>;
  return parsed;
}

/** JSON.stringify turns Dates into strings before a replacer sees them; tag them first. */
export function tagDates(values: Record<string, PropertyValue>): Record<string, PropertyValue | { $date: number }> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, v instanceof Date ? { $date: v.getTime() } : v]),
  );
}
