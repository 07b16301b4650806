import type { PropertyValueOf } from '../constants/property-types';
import type { MaybePromise } from './maybe-promise';

/**
 * `ICertServerExit` (Certif.h): the read-only view of the current request, certificate and CA that a
 * module reaches with `services.createServerExit()` (the equivalent of
 * `CreateObject("CertificateAuthority.ServerExit")`).
 *
 * State is per object: the context, the enumeration cursors and the last extension flags. Never share
 * one object between concurrent `Notify` calls; create one per call.
 *
 * Errors are {@link CertexitError}s carrying an HRESULT:
 * - `CERTSRV_E_PROPERTY_EMPTY` for a known property or attribute with no value in this context;
 * - `E_INVALIDARG` for an unknown name or a type that does not match the property;
 * - `CERTSRV_E_NO_REQUEST` for a context that names no request;
 * - `E_UNEXPECTED` for a broken call order (e.g. `EnumerateExtensions` before its `Setup`).
 */
export interface ICertServerExit {
  /**
   * Binds this object to the request or certificate of a `Notify` context; 0 selects CA scope. A new
   * object starts at context 0. CA-scope events (CRL issued, shutdown) pass a context this method accepts.
   */
  SetContext(Context: number): MaybePromise<void>;
  /**
   * Reads a request property (`RequestID`, `RawRequest`, `RequesterName`, `Disposition`, `Subject.CommonName`,
   * `Request.DistinguishedName`, …).
   * @example await server.GetRequestProperty('RequesterName', PROPTYPE_STRING) // 'CERTEXIT\\alice'
   */
  GetRequestProperty<T extends number>(strPropertyName: string, PropertyType: T): MaybePromise<PropertyValueOf<T>>;
  /** Reads a request attribute; names match ignoring case, spaces and hyphens. */
  GetRequestAttribute(strAttributeName: string): MaybePromise<string>;
  /**
   * Reads a certificate property (`RawCertificate`, `SerialNumber`, `NotAfter`, `CommonName`, …) or, in CA
   * scope, a CA property (`CAType`, `SanitizedCAName`, `ModuleRegistryLocation`, `RawCRL.0`, …).
   */
  GetCertificateProperty<T extends number>(strPropertyName: string, PropertyType: T): MaybePromise<PropertyValueOf<T>>;
  /**
   * Reads one extension by OID. `PROPTYPE_BINARY` gives the DER `extnValue`; `PROPTYPE_STRING` decodes an
   * IA5String. Remembers the extension's flags for {@link GetCertificateExtensionFlags}.
   */
  GetCertificateExtension<T extends number>(strExtensionName: string, Type: T): MaybePromise<PropertyValueOf<T>>;
  /** The `EXTENSION_*` flags and origin of the extension read by the most recent `GetCertificateExtension`. */
  GetCertificateExtensionFlags(): MaybePromise<number>;
  /** Opens a cursor over the extensions recorded for the context, disabled ones included. `Flags` is 0. */
  EnumerateExtensionsSetup(Flags: number): MaybePromise<void>;
  /** The next extension OID, or `undefined` at the end (≙ `S_FALSE`; Automation callers see `""`). */
  EnumerateExtensions(): MaybePromise<string | undefined>;
  EnumerateExtensionsClose(): MaybePromise<void>;
  /** Opens a cursor over the request attributes. `Flags` is 0. */
  EnumerateAttributesSetup(Flags: number): MaybePromise<void>;
  /** The next attribute name, or `undefined` at the end (≙ `S_FALSE`). */
  EnumerateAttributes(): MaybePromise<string | undefined>;
  EnumerateAttributesClose(): MaybePromise<void>;
}
