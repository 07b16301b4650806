import type { PropertyValue } from '../constants';
import { HRESULT_FILE_NOT_FOUND, PROPTYPE_BINARY, PROPTYPE_LONG, PROPTYPE_MASK, PROPTYPE_STRING } from '../constants';
import { CertexitError } from '../errors/certexit-error';
import { serverExitErrors } from '../errors/property-errors';
import type { ICertServerExit } from '../interfaces/cert-server-exit';
import type { ResolvedProperty } from '../properties/resolve-property';
import {
  normalizeAttributeName,
  resolveCertificateProperty,
  resolveRequestProperty,
} from '../properties/resolve-property';
import type { ServerExitDataSource } from './server-exit-data-source';

/**
 * Builds an `ICertServerExit` over a data source. Each call returns a new object with its own state (context,
 * cursors, last extension flags), as `CreateObject("CertificateAuthority.ServerExit")` does; never share one
 * between concurrent `Notify` calls. Values are copies: a module cannot change stored data through them.
 */
export function createServerExit(source: ServerExitDataSource): ICertServerExit {
  let context = 0;
  let kind: 'request' | 'ca' = 'ca';
  let lastExtensionFlags = 0;
  let extensionCursor: string[] | undefined;
  let attributeCursor: string[] | undefined;

  const requireRequest = (method: string) => {
    if (kind !== 'request')
      throw serverExitErrors.callOrder(`${method} needs a request context; call SetContext first`);
  };
  const read = async (resolved: ResolvedProperty, name: string, type: number): Promise<PropertyValue> => {
    const wanted = type & PROPTYPE_MASK;
    if (wanted !== resolved.definition.type) throw serverExitErrors.typeMismatch(name, type, resolved.definition.type);
    if (resolved.source !== 'ca') requireRequest(`reading ${JSON.stringify(name)}`);
    const value = resolved.definition.obsolete ? undefined : await source.getValue(context, resolved);
    if (value === undefined) {
      if (resolved.source === 'ca' && resolved.definition.name === 'RawDeltaCRL') {
        // The SDK sample accepts ERROR_FILE_NOT_FOUND for the delta CRL only when delta CRLs are disabled.
        const disabled = await source.getValue(context, resolveCertificateProperty('fDeltaCRLsDisabled')!);
        if (disabled === 1) {
          throw new CertexitError({ hresult: HRESULT_FILE_NOT_FOUND, message: `${name}: delta CRLs are disabled` });
        }
      }
      throw serverExitErrors.empty(name, context);
    }
    return _copy(value);
  };

  return {
    async SetContext(Context) {
      if (!Number.isInteger(Context)) throw serverExitErrors.noRequest(Context);
      const found = await source.contextKind(Context);
      if (found === undefined) throw serverExitErrors.noRequest(Context);
      context = Context;
      kind = found;
      extensionCursor = undefined;
      attributeCursor = undefined;
      lastExtensionFlags = 0;
    },
    async GetRequestProperty(strPropertyName, PropertyType) {
      const resolved = resolveRequestProperty(strPropertyName);
      if (!resolved) throw serverExitErrors.unknownName('request property', strPropertyName);
      // biome-ignore lint/suspicious/noExplicitAny: the value's type was checked against PropertyType above.
      return (await read(resolved, strPropertyName, PropertyType)) as any;
    },
    async GetRequestAttribute(strAttributeName) {
      requireRequest('GetRequestAttribute');
      const wanted = normalizeAttributeName(strAttributeName);
      const found = (await source.getAttributes(context)).find(([name]) => normalizeAttributeName(name) === wanted);
      if (!found) throw serverExitErrors.empty(`request attribute ${JSON.stringify(strAttributeName)}`, context);
      return found[1];
    },
    async GetCertificateProperty(strPropertyName, PropertyType) {
      const resolved = resolveCertificateProperty(strPropertyName);
      if (!resolved) throw serverExitErrors.unknownName('certificate property', strPropertyName);
      // biome-ignore lint/suspicious/noExplicitAny: the value's type was checked against PropertyType above.
      return (await read(resolved, strPropertyName, PropertyType)) as any;
    },
    async GetCertificateExtension(strExtensionName, Type) {
      requireRequest('GetCertificateExtension');
      lastExtensionFlags = 0;
      const found = (await source.getExtensions(context)).find((e) => e.oid === strExtensionName);
      if (!found) throw serverExitErrors.empty(`extension ${strExtensionName}`, context);
      // biome-ignore lint/suspicious/noExplicitAny: the decoded value matches Type.
      const value = _decodeExtension(found.value, Type & PROPTYPE_MASK, strExtensionName) as any;
      lastExtensionFlags = found.flags;
      return value;
    },
    GetCertificateExtensionFlags() {
      return lastExtensionFlags;
    },
    async EnumerateExtensionsSetup(_Flags) {
      requireRequest('EnumerateExtensionsSetup');
      extensionCursor = (await source.getExtensions(context)).map((e) => e.oid);
    },
    EnumerateExtensions() {
      if (!extensionCursor) throw serverExitErrors.callOrder('EnumerateExtensions before EnumerateExtensionsSetup');
      return extensionCursor.shift();
    },
    EnumerateExtensionsClose() {
      extensionCursor = undefined;
    },
    async EnumerateAttributesSetup(_Flags) {
      requireRequest('EnumerateAttributesSetup');
      attributeCursor = (await source.getAttributes(context)).map(([name]) => name);
    },
    EnumerateAttributes() {
      if (!attributeCursor) throw serverExitErrors.callOrder('EnumerateAttributes before EnumerateAttributesSetup');
      return attributeCursor.shift();
    },
    EnumerateAttributesClose() {
      attributeCursor = undefined;
    },
  } satisfies ICertServerExit;
}

function _copy(value: PropertyValue): PropertyValue {
  if (value instanceof Uint8Array) return value.slice();
  if (value instanceof Date) return new Date(value.getTime());
  return value;
}

/** BINARY gives the DER `extnValue`; STRING reads it as an IA5String; LONG as an INTEGER. */
function _decodeExtension(der: Uint8Array, type: number, oid: string): PropertyValue {
  if (type === PROPTYPE_BINARY) return der.slice();
  const tag = der[0];
  const length = der[1] ?? 0;
  const content = length < 0x80 ? der.subarray(2, 2 + length) : undefined;
  if (type === PROPTYPE_STRING && tag === 0x16 && content) return new TextDecoder('latin1').decode(content);
  if (type === PROPTYPE_LONG && tag === 0x02 && content && content.length <= 4 && content.length > 0) {
    let n = content[0]! & 0x80 ? -1 : 0;
    for (const b of content) n = (n << 8) | b;
    return n | 0;
  }
  throw serverExitErrors.typeMismatch(`extension ${oid}`, type, PROPTYPE_BINARY);
}
