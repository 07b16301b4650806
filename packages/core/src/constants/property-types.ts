/** Property value types (CertSrv.h). @see adcs-exit-modules.md §3.3 */
export const PROPTYPE_LONG = 0x1;
export const PROPTYPE_DATE = 0x2;
export const PROPTYPE_BINARY = 0x3;
export const PROPTYPE_STRING = 0x4;
export const PROPTYPE_MASK = 0xff;

/** Caller marks, used internally by the engine; exit callers are read-only. */
export const PROPCALLER_SERVER = 0x100;
export const PROPCALLER_POLICY = 0x200;
export const PROPCALLER_EXIT = 0x300;
export const PROPCALLER_ADMIN = 0x400;
export const PROPCALLER_REQUEST = 0x500;
export const PROPCALLER_MASK = 0xf00;

/** Marks indexed CA properties such as `CR_PROP_EXITDESCRIPTION`. */
export const PROPFLAGS_INDEXED = 0x10000;

export const PropType = {
  Long: PROPTYPE_LONG,
  Date: PROPTYPE_DATE,
  Binary: PROPTYPE_BINARY,
  String: PROPTYPE_STRING,
} as const;
export type PropType = (typeof PropType)[keyof typeof PropType];

/** The TypeScript value of each PROPTYPE: LONG→number (int32), DATE→Date, BINARY→Uint8Array, STRING→string. */
export type PropertyValueOf<T extends number> = T extends typeof PROPTYPE_LONG
  ? number
  : T extends typeof PROPTYPE_DATE
    ? Date
    : T extends typeof PROPTYPE_BINARY
      ? Uint8Array
      : T extends typeof PROPTYPE_STRING
        ? string
        : PropertyValue;

/** Any property value. */
export type PropertyValue = number | Date | Uint8Array | string;

/** The SDK name of a property type, e.g. `PROPTYPE_LONG`. */
export function propTypeName(type: number): string {
  switch (type & PROPTYPE_MASK) {
    case PROPTYPE_LONG:
      return 'PROPTYPE_LONG';
    case PROPTYPE_DATE:
      return 'PROPTYPE_DATE';
    case PROPTYPE_BINARY:
      return 'PROPTYPE_BINARY';
    case PROPTYPE_STRING:
      return 'PROPTYPE_STRING';
    default:
      return `PROPTYPE_0x${type.toString(16)}`;
  }
}

/** True when `value` has the JavaScript shape of `type` (a LONG must be an int32). */
export function isPropertyValueOfType(value: unknown, type: number): value is PropertyValue {
  switch (type & PROPTYPE_MASK) {
    case PROPTYPE_LONG:
      return typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff;
    case PROPTYPE_DATE:
      return value instanceof Date && !Number.isNaN(value.getTime());
    case PROPTYPE_BINARY:
      return value instanceof Uint8Array;
    case PROPTYPE_STRING:
      return typeof value === 'string';
    default:
      return false;
  }
}
