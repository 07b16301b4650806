/**
 * GeneralNames (RFC 5280 §4.2.1.6) as the CA reads them from requests and the directory and writes them into
 * subject alternative names, with the Microsoft otherName forms AD CS uses:
 *
 * ```asn1
 * GeneralName ::= CHOICE {
 *   otherName                 [0] OtherName,       -- UPN 1.3.6.1.4.1.311.20.2.3 (UTF8String),
 *                                                  -- objectGUID 1.3.6.1.4.1.311.25.1 (OCTET STRING)
 *   rfc822Name                [1] IA5String,
 *   dNSName                   [2] IA5String,
 *   x400Address               [3] ORAddress,
 *   directoryName             [4] Name,
 *   ediPartyName              [5] EDIPartyName,
 *   uniformResourceIdentifier [6] IA5String,
 *   iPAddress                 [7] OCTET STRING,
 *   registeredID              [8] OBJECT IDENTIFIER }
 * ```
 */
import {
  concatBytes,
  decodeOid,
  encodeOid,
  encodeSequence,
  encodeTlv,
  readChildren,
  readSingleElement,
  TAG_OCTET_STRING,
  TAG_OID,
  TAG_SEQUENCE,
  TAG_UTF8_STRING,
} from './der';
import type { X509Extension } from './extensions';
import { EXTENSION_OID } from './extensions';
import { X509ArgumentError, X509ParseError } from './x509-error';

/** Microsoft's user principal name otherName (szOID_NT_PRINCIPAL_NAME). */
export const OID_UPN = '1.3.6.1.4.1.311.20.2.3';
/** Microsoft's directory object GUID otherName (szOID_NTDS_REPLICATION). */
export const OID_DIRECTORY_GUID = '1.3.6.1.4.1.311.25.1';
/** RFC 8398 SmtpUTF8Mailbox otherName. */
export const OID_SMTP_UTF8_MAILBOX = '1.3.6.1.5.5.7.8.9';

/** One name of a GeneralNames, decoded. `raw` is its DER. */
export type GeneralNameEntry =
  | { kind: 'dns' | 'email' | 'uri'; value: string; bytes: Uint8Array; raw: Uint8Array }
  | { kind: 'ip'; bytes: Uint8Array; raw: Uint8Array }
  | { kind: 'upn' | 'smtpUtf8Mailbox'; value: Uint8Array; valueTag: number; raw: Uint8Array }
  | { kind: 'guid'; value: Uint8Array; valueTag: number; raw: Uint8Array }
  | { kind: 'otherName'; typeId: string; raw: Uint8Array }
  | { kind: 'directoryName'; name: Uint8Array; raw: Uint8Array }
  | { kind: 'registeredId'; oid: string; raw: Uint8Array }
  | { kind: 'x400Address' | 'ediPartyName'; raw: Uint8Array };

/** A name to write. */
export type GeneralNameInput =
  | { dns: string }
  | { email: string }
  | { uri: string }
  | { ip: Uint8Array }
  | { upn: string }
  | { guid: Uint8Array }
  | { directoryName: Uint8Array };

const _LATIN1 = new TextDecoder('latin1');

/**
 * Decodes the DER of a GeneralNames (a SAN's `extnValue`). Throws an {@link X509ParseError} for anything that is not
 * one SEQUENCE of GeneralName: trailing bytes, an unknown tag, an otherName without its `[0]` value.
 */
export function decodeGeneralNames(der: Uint8Array): GeneralNameEntry[] {
  const seq = readSingleElement(der, 'GeneralNames');
  if (seq.tag !== TAG_SEQUENCE) throw new X509ParseError('GeneralNames: expected a SEQUENCE');
  return readChildren(seq.contents).map(_decodeGeneralName);
}

function _decodeGeneralName(element: ReturnType<typeof readSingleElement>): GeneralNameEntry {
  const { tag, contents, raw } = element;
  switch (tag) {
    case 0x81:
      return { kind: 'email', value: _LATIN1.decode(contents), bytes: contents, raw };
    case 0x82:
      return { kind: 'dns', value: _LATIN1.decode(contents), bytes: contents, raw };
    case 0x86:
      return { kind: 'uri', value: _LATIN1.decode(contents), bytes: contents, raw };
    case 0x87:
      return { kind: 'ip', bytes: contents, raw };
    case 0x88:
      return { kind: 'registeredId', oid: decodeOid(contents), raw };
    case 0xa3:
      return { kind: 'x400Address', raw };
    case 0xa5:
      return { kind: 'ediPartyName', raw };
    case 0xa4: {
      const [name, extra] = readChildren(contents);
      if (!name || extra || name.tag !== TAG_SEQUENCE) throw new X509ParseError('directoryName: expected one Name');
      return { kind: 'directoryName', name: name.raw, raw };
    }
    case 0xa0: {
      const [typeId, value, extra] = readChildren(contents);
      if (!typeId || typeId.tag !== TAG_OID || !value || value.tag !== 0xa0 || extra)
        throw new X509ParseError('otherName: expected { type-id OBJECT IDENTIFIER, [0] EXPLICIT value }');
      const oid = decodeOid(typeId.contents);
      const [inner, more] = readChildren(value.contents);
      if (!inner || more) throw new X509ParseError('otherName: expected one value inside [0]');
      if (oid === OID_UPN) return { kind: 'upn', value: inner.contents, valueTag: inner.tag, raw };
      if (oid === OID_SMTP_UTF8_MAILBOX)
        return { kind: 'smtpUtf8Mailbox', value: inner.contents, valueTag: inner.tag, raw };
      if (oid === OID_DIRECTORY_GUID) return { kind: 'guid', value: inner.contents, valueTag: inner.tag, raw };
      return { kind: 'otherName', typeId: oid, raw };
    }
    default:
      throw new X509ParseError(`GeneralName: unknown tag 0x${tag.toString(16)}`);
  }
}

/** DER of one GeneralName. */
export function encodeGeneralName(name: GeneralNameInput): Uint8Array {
  if ('dns' in name) return encodeTlv(0x82, _ascii(name.dns, 'dNSName'));
  if ('email' in name) return encodeTlv(0x81, _ascii(name.email, 'rfc822Name'));
  if ('uri' in name) return encodeTlv(0x86, _ascii(name.uri, 'uniformResourceIdentifier'));
  if ('ip' in name) return encodeTlv(0x87, name.ip);
  if ('directoryName' in name) return encodeTlv(0xa4, name.directoryName);
  if ('upn' in name)
    return encodeTlv(
      0xa0,
      concatBytes(encodeOid(OID_UPN), encodeTlv(0xa0, encodeTlv(TAG_UTF8_STRING, new TextEncoder().encode(name.upn)))),
    );
  return encodeTlv(
    0xa0,
    concatBytes(encodeOid(OID_DIRECTORY_GUID), encodeTlv(0xa0, encodeTlv(TAG_OCTET_STRING, name.guid))),
  );
}

/**
 * A subjectAltName extension of `names`, in order. RFC 5280 §4.2.1.6: critical when the subject is empty.
 * @throws X509ArgumentError when `names` is empty
 */
export function subjectAltNameOf(names: readonly GeneralNameInput[], critical = false): X509Extension {
  if (names.length === 0) throw new X509ArgumentError('subjectAltName: no names given');
  return { oid: EXTENSION_OID.subjectAltName, critical, value: encodeSequence(...names.map(encodeGeneralName)) };
}

function _ascii(text: string, what: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new X509ArgumentError(`${what} ${JSON.stringify(text)} is not ASCII (IA5String)`);
    bytes[i] = code;
  }
  return bytes;
}
