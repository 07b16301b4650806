/** One property of the catalogue. */
export interface PropertyDefinition {
  /** The canonical name (CertSrv.h `wszPROP*` text), e.g. `RequesterName`. */
  readonly name: string;
  /** `PROPTYPE_LONG`, `PROPTYPE_DATE`, `PROPTYPE_BINARY` or `PROPTYPE_STRING`. */
  readonly type: number;
  /** Other accepted names (name properties: `CN`, `2.5.4.3`, …). */
  readonly aliases?: readonly string[];
  /** CA properties that take the `.N` index suffix (`RawCRL.0`). */
  readonly indexed?: boolean;
  /** Several values separated by `\n`. */
  readonly multiValued?: boolean;
  /** The attribute OID of a name property. */
  readonly oid?: string;
  /** Kept by the header for old callers; answers `CERTSRV_E_PROPERTY_EMPTY`. */
  readonly obsolete?: boolean;
  /** One line for docs and `certexit` help. */
  readonly description: string;
}
