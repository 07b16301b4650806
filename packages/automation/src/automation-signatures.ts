import type { DispatchMethod } from './create-dispatch';
import { VT_BSTR, VT_DISPATCH, VT_EMPTY, VT_I4, VT_VARIANT } from './variant';

/**
 * The Automation signatures of the exit-module interfaces, in vtable order (so DISPIDs follow it): what their type
 * libraries say, with `LONG` as `VT_I4`, `BSTR` as `VT_BSTR` and `VARIANT` results as `VT_VARIANT`. Both directions
 * of the adapters use them, and a transport can send them as type information.
 */

/** `ICertExit` / `ICertExit2` (CertExit.h). `Notify` is a `Sub`: errors are raised, nothing is returned. */
export const CERT_EXIT_METHODS = {
  Initialize: { params: [VT_BSTR], returns: VT_I4 },
  Notify: { params: [VT_I4, VT_I4], returns: VT_EMPTY },
  GetDescription: { params: [], returns: VT_BSTR },
  GetManageModule: { params: [], returns: VT_DISPATCH },
} as const satisfies Readonly<Record<string, DispatchMethod>>;

/** `ICertManageModule` (CertMod.h). `GetProperty` answers `VT_EMPTY` for an unknown name (the `S_FALSE` case). */
export const CERT_MANAGE_MODULE_METHODS = {
  GetProperty: { params: [VT_BSTR, VT_BSTR, VT_BSTR, VT_I4], returns: VT_VARIANT },
  SetProperty: { params: [VT_BSTR, VT_BSTR, VT_BSTR, VT_I4, VT_VARIANT], returns: VT_EMPTY },
  Configure: { params: [VT_BSTR, VT_BSTR, VT_I4], returns: VT_EMPTY },
} as const satisfies Readonly<Record<string, DispatchMethod>>;

/**
 * `ICertServerExit` (Certif.h), the object `CreateObject("CertificateAuthority.ServerExit")` gives a script.
 * `Get*Property` and `GetCertificateExtension` answer a VARIANT of the requested `PROPTYPE_*` (binary as a byte
 * string); `EnumerateExtensions`/`EnumerateAttributes` answer `""` at the end.
 */
export const CERT_SERVER_EXIT_METHODS = {
  SetContext: { params: [VT_I4], returns: VT_EMPTY },
  GetRequestProperty: { params: [VT_BSTR, VT_I4], returns: VT_VARIANT },
  GetRequestAttribute: { params: [VT_BSTR], returns: VT_BSTR },
  GetCertificateProperty: { params: [VT_BSTR, VT_I4], returns: VT_VARIANT },
  GetCertificateExtension: { params: [VT_BSTR, VT_I4], returns: VT_VARIANT },
  GetCertificateExtensionFlags: { params: [], returns: VT_I4 },
  EnumerateExtensionsSetup: { params: [VT_I4], returns: VT_EMPTY },
  EnumerateExtensions: { params: [], returns: VT_BSTR },
  EnumerateExtensionsClose: { params: [], returns: VT_EMPTY },
  EnumerateAttributesSetup: { params: [VT_I4], returns: VT_EMPTY },
  EnumerateAttributes: { params: [], returns: VT_BSTR },
  EnumerateAttributesClose: { params: [], returns: VT_EMPTY },
} as const satisfies Readonly<Record<string, DispatchMethod>>;

/**
 * The host's idempotency store as `CreateObject("CertExit.IdempotencyStore")` gives it (certexit's own object, not
 * AD CS's): `Begin(eventId, action, scope)` answers `"claimed"`, `"started"` or `"done"`; `Get` answers `""` when
 * nothing is recorded; `scope` is `"delivery"` or `"event"` (`""` for the default, `"delivery"`).
 */
export const IDEMPOTENCY_STORE_METHODS = {
  Begin: { params: [VT_BSTR, VT_BSTR, VT_BSTR], returns: VT_BSTR },
  Complete: { params: [VT_BSTR, VT_BSTR, VT_BSTR], returns: VT_EMPTY },
  Abandon: { params: [VT_BSTR, VT_BSTR], returns: VT_EMPTY },
  Get: { params: [VT_BSTR, VT_BSTR], returns: VT_BSTR },
} as const satisfies Readonly<Record<string, DispatchMethod>>;
