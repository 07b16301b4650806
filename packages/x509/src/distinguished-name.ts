/**
 * Distinguished names: string ⇄ X.509 `Name`, in the form AD CS shows them.
 *
 * String order: most-specific RDN first (`CN=alice, OU=Users, DC=certexit, DC=test`), i.e. the
 * REVERSE of the DER RDNSequence order — as Windows prints the `DistinguishedName` property and
 * as RFC 4514 prescribes. Parsing uses the same order, so `nameToString(parseDistinguishedName(s))`
 * returns `s` normalized.
 *
 * Output follows Windows `CertNameToStr(CERT_X500_NAME_STR)`: RDNs joined by `", "`, multi-valued
 * RDN members by `" + "`, Windows keywords (`S` for stateOrProvince, `E` for email, `T`, `G`, `I`,
 * `SERIALNUMBER`, `OID.x.y.z` for unknown types) and values containing special characters wrapped in
 * double quotes with `""` for an embedded quote. The only deviation: a backslash inside quotes is
 * written `\\` so the output always parses back unambiguously.
 *
 * Input accepts that output plus RFC 4514/1779 syntax: `,` or `;` between RDNs, `+` inside an RDN,
 * backslash escapes (`\,`, `\"`, `\2C`, UTF-8 hex pairs), `#<hex>` BER values, `OID.1.2.3=` and
 * `1.2.3=` types, and common aliases (`ST`, `EMAIL`, `emailAddress`, `GN`, `title`, ...).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import {
  bytesToHex,
  compareBytes,
  concatBytes,
  decodeOid,
  encodeOid,
  encodeSequence,
  encodeTlv,
  hexToBytes,
  readChildren,
  readSingleElement,
  TAG_BMP_STRING,
  TAG_IA5_STRING,
  TAG_NUMERIC_STRING,
  TAG_OID,
  TAG_PRINTABLE_STRING,
  TAG_SEQUENCE,
  TAG_SET,
  TAG_TELETEX_STRING,
  TAG_UNIVERSAL_STRING,
  TAG_UTF8_STRING,
  TAG_VISIBLE_STRING,
} from './der';
import { X509ArgumentError, X509ParseError } from './x509-error';

/** Well-known name attribute OIDs (the AD CS name properties). */
export const NAME_OID = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  deviceSerialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  stateOrProvince: '2.5.4.8',
  streetAddress: '2.5.4.9',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  description: '2.5.4.13',
  postalCode: '2.5.4.17',
  givenName: '2.5.4.42',
  initials: '2.5.4.43',
  userId: '0.9.2342.19200300.100.1.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
  email: '1.2.840.113549.1.9.1',
  unstructuredName: '1.2.840.113549.1.9.2',
  unstructuredAddress: '1.2.840.113549.1.9.8',
} as const;

/** How a value typed as text is encoded (RFC 5280 Appendix A / PKCS#9 requirements). */
type ValueEncoding = 'directory' | 'country' | 'printable' | 'ia5' | 'ia5OrUtf8';

interface AttributeInfo {
  oid: string;
  /** Keyword used in output (Windows spelling). */
  keyword: string;
  /** Extra accepted input keywords (case-insensitive). */
  aliases: string[];
  encoding: ValueEncoding;
}

const ATTRIBUTES: AttributeInfo[] = [
  { oid: NAME_OID.commonName, keyword: 'CN', aliases: ['commonName'], encoding: 'directory' },
  { oid: NAME_OID.surname, keyword: 'SN', aliases: ['surname'], encoding: 'directory' },
  { oid: NAME_OID.deviceSerialNumber, keyword: 'SERIALNUMBER', aliases: [], encoding: 'printable' },
  { oid: NAME_OID.country, keyword: 'C', aliases: ['countryName'], encoding: 'country' },
  { oid: NAME_OID.locality, keyword: 'L', aliases: ['localityName'], encoding: 'directory' },
  { oid: NAME_OID.stateOrProvince, keyword: 'S', aliases: ['ST', 'stateOrProvinceName'], encoding: 'directory' },
  { oid: NAME_OID.streetAddress, keyword: 'STREET', aliases: ['streetAddress'], encoding: 'directory' },
  { oid: NAME_OID.organization, keyword: 'O', aliases: ['organizationName'], encoding: 'directory' },
  { oid: NAME_OID.organizationalUnit, keyword: 'OU', aliases: ['organizationalUnitName'], encoding: 'directory' },
  { oid: NAME_OID.title, keyword: 'T', aliases: ['title'], encoding: 'directory' },
  { oid: NAME_OID.description, keyword: 'Description', aliases: [], encoding: 'directory' },
  { oid: NAME_OID.postalCode, keyword: 'PostalCode', aliases: [], encoding: 'directory' },
  { oid: NAME_OID.givenName, keyword: 'G', aliases: ['GN', 'givenName'], encoding: 'directory' },
  { oid: NAME_OID.initials, keyword: 'I', aliases: ['initials'], encoding: 'directory' },
  { oid: NAME_OID.userId, keyword: 'UID', aliases: ['userId'], encoding: 'directory' },
  { oid: NAME_OID.domainComponent, keyword: 'DC', aliases: ['domainComponent'], encoding: 'ia5' },
  { oid: NAME_OID.email, keyword: 'E', aliases: ['EMAIL', 'emailAddress'], encoding: 'ia5' },
  { oid: NAME_OID.unstructuredName, keyword: 'unstructuredName', aliases: [], encoding: 'ia5OrUtf8' },
  { oid: NAME_OID.unstructuredAddress, keyword: 'unstructuredAddress', aliases: [], encoding: 'directory' },
];

const BY_OID = new Map(ATTRIBUTES.map((a) => [a.oid, a]));
const BY_KEYWORD = new Map(ATTRIBUTES.flatMap((a) => [a.keyword, ...a.aliases].map((k) => [k.toUpperCase(), a])));

// PrintableString repertoire (X.680 §41.4).
const PRINTABLE_RE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is exactly 0x00-0x7f
const IA5_RE = /^[\x00-\x7f]*$/;
// Characters that make Windows quote a value.
const NEEDS_QUOTES_RE = /[,+="\\<>#;\r\n]|^\s|\s$|^$/;

/**
 * DER of a name. A `Name` is serialized; DER bytes are validated and returned as-is, which is how
 * callers keep a subject/issuer byte-identical to the request or CA certificate it came from.
 */
export function nameToDer(name: Name | Uint8Array): Uint8Array {
  if (name instanceof Uint8Array) {
    walkName(name); // validates (once per array: see walkName)
    return name;
  }
  return new Uint8Array(AsnConvert.serialize(name));
}

/** Parses DER into a `Name` (validating the RDNSequence structure). */
export function nameFromDer(der: Uint8Array): Name {
  walkName(der);
  return AsnConvert.parse(der, Name);
}

/**
 * Parses a DN string (most-specific RDN first, see file comment) into a `Name`. An empty or
 * blank string gives the empty name. Throws {@link X509ArgumentError} naming the problem.
 */
export function parseDistinguishedName(dn: string): Name {
  return AsnConvert.parse(distinguishedNameToDer(dn), Name);
}

/** Like {@link parseDistinguishedName} but returns the DER directly. */
export function distinguishedNameToDer(dn: string): Uint8Array {
  const rdns = new DnParser(dn).parse();
  // String order is most-specific first; DER order is the reverse.
  const encodedRdns = rdns.reverse().map((avas) => {
    // DER SET OF: members sorted by their encodings.
    const members = avas.map((a) => encodeSequence(encodeOid(a.oid), a.value)).sort(compareBytes);
    return encodeTlv(TAG_SET, concatBytes(...members));
  });
  return encodeSequence(...encodedRdns);
}

/** Formats a name AD CS style (`CN=alice, OU=Users, DC=certexit, DC=test`); accepts a `Name` or its DER. */
export function nameToString(name: Name | Uint8Array): string {
  return walkName(nameToDer(name))
    .toReversed()
    .map((rdn) => rdn.map((ava) => `${keywordOf(ava.oid)}=${formatValue(ava.tag, ava.raw, ava.contents)}`).join(' + '))
    .join(', ');
}

/**
 * Attribute values by OID, for the AD CS name properties (`Subject.CommonName`, ...). Multi-valued:
 * each list is in string order (most specific first, e.g. DC values `['certexit', 'test']`).
 * Values that are not character strings appear as `#<hex of the DER value>`.
 */
export function nameAttributeValues(name: Name | Uint8Array): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const rdn of walkName(nameToDer(name)).toReversed()) {
    for (const ava of rdn) {
      const text = decodeStringValue(ava.tag, ava.contents) ?? `#${bytesToHex(ava.raw)}`;
      const list = out.get(ava.oid);
      if (list) list.push(text);
      else out.set(ava.oid, [text]);
    }
  }
  return out;
}

/** The DER of the empty Name (an empty RDNSequence), fresh on each call. */
export function emptyNameDer(): Uint8Array {
  return Uint8Array.of(TAG_SEQUENCE, 0);
}

/** True when the Name DER has no RDN (an empty subject, which makes the subjectAltName critical). */
export function isEmptyName(der: Uint8Array): boolean {
  return walkName(der).length === 0;
}

/**
 * `name` (DER) with one more single-valued RDN of `oid` = `value`, the most specific: last in DER, first in the
 * string form. The value is a PrintableString where it fits, else a UTF8String (RFC 5280 §4.1.2.4); the e-mail
 * attribute is an IA5String.
 */
export function appendRdn(name: Uint8Array, oid: string, value: string): Uint8Array {
  const rdns = readSingleElement(name, 'name').contents;
  const bytes = new TextEncoder().encode(value);
  const tag =
    oid === NAME_OID.email ? TAG_IA5_STRING : PRINTABLE_RE.test(value) ? TAG_PRINTABLE_STRING : TAG_UTF8_STRING;
  return encodeTlv(
    TAG_SEQUENCE,
    concatBytes(rdns, encodeTlv(TAG_SET, encodeSequence(encodeOid(oid), encodeTlv(tag, bytes)))),
  );
}

// ---------------------------------------------------------------------------------------------

interface WalkedAva {
  oid: string;
  tag: number;
  raw: Uint8Array;
  contents: Uint8Array;
}

/**
 * Walks Name DER → RDNs (DER order) → AVAs, validating shape. The walk of an array is kept with it: a request's
 * subject is read five ways (string form, rejection check, name properties, encoding) and the issuer name is the
 * same array for every certificate. Name arrays are never changed in place; walks are read, never changed.
 */
function walkName(der: Uint8Array): readonly (readonly WalkedAva[])[] {
  let walked = _walks.get(der);
  if (!walked) {
    walked = _walk(der);
    _walks.set(der, walked);
  }
  return walked;
}

const _walks = new WeakMap<Uint8Array, readonly (readonly WalkedAva[])[]>();

function _walk(der: Uint8Array): WalkedAva[][] {
  let seq: ReturnType<typeof readSingleElement>;
  try {
    seq = readSingleElement(der, 'Name');
  } catch (err) {
    throw new X509ParseError(`not a DER Name: ${(err as Error).message}`);
  }
  if (seq.tag !== TAG_SEQUENCE) throw new X509ParseError('not a DER Name: expected a SEQUENCE');
  return readChildren(seq.contents).map((set) => {
    if (set.tag !== TAG_SET) throw new X509ParseError('not a DER Name: RDN is not a SET');
    const avas = readChildren(set.contents).map((atv) => {
      const parts = atv.tag === TAG_SEQUENCE ? readChildren(atv.contents) : [];
      const [type, value] = parts;
      if (parts.length !== 2 || !type || !value || type.tag !== TAG_OID) {
        throw new X509ParseError('not a DER Name: malformed AttributeTypeAndValue');
      }
      return { oid: decodeOid(type.contents), tag: value.tag, raw: value.raw, contents: value.contents };
    });
    if (avas.length === 0) throw new X509ParseError('not a DER Name: empty RDN');
    return avas;
  });
}

function keywordOf(oid: string): string {
  return BY_OID.get(oid)?.keyword ?? `OID.${oid}`;
}

// One-shot decode() keeps no state between calls: one decoder of each kind serves every value.
const _UTF8 = new TextDecoder('utf-8');
const _LATIN1 = new TextDecoder('latin1');
const _UTF16BE = new TextDecoder('utf-16be');

/** Decodes a character-string value, or undefined if the tag is not a string type. */
function decodeStringValue(tag: number, contents: Uint8Array): string | undefined {
  switch (tag) {
    case TAG_UTF8_STRING:
      return _UTF8.decode(contents);
    case TAG_PRINTABLE_STRING:
    case TAG_IA5_STRING:
    case TAG_VISIBLE_STRING:
    case TAG_NUMERIC_STRING:
    case TAG_TELETEX_STRING: // Windows treats T61 as 8-bit; Latin-1 is the usual reading.
      return _LATIN1.decode(contents);
    case TAG_BMP_STRING:
      return _UTF16BE.decode(contents);
    case TAG_UNIVERSAL_STRING: {
      const cps: number[] = [];
      for (let i = 0; i + 3 < contents.length; i += 4) {
        cps.push(((contents[i]! << 24) | (contents[i + 1]! << 16) | (contents[i + 2]! << 8) | contents[i + 3]!) >>> 0);
      }
      return String.fromCodePoint(...cps);
    }
    default:
      return undefined;
  }
}

function formatValue(tag: number, raw: Uint8Array, contents: Uint8Array): string {
  const text = decodeStringValue(tag, contents);
  if (text === undefined) return `#${bytesToHex(raw)}`;
  if (!NEEDS_QUOTES_RE.test(text)) return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '""')}"`;
}

/** Encodes a text value for `attr` (or an unknown OID) with the string type the standards require. */
function encodeValue(info: AttributeInfo | undefined, keyword: string, text: string): Uint8Array {
  const utf8 = () => encodeTlv(TAG_UTF8_STRING, new TextEncoder().encode(text));
  const ascii = (tag: number) =>
    encodeTlv(
      tag,
      Uint8Array.from(text, (c) => c.charCodeAt(0)),
    );
  switch (info?.encoding ?? 'directory') {
    case 'country':
      if (!/^[A-Za-z]{2}$/.test(text)) {
        throw new X509ArgumentError(`${keyword} (country) must be a two-letter ISO 3166 code, got "${text}"`);
      }
      return ascii(TAG_PRINTABLE_STRING);
    case 'ia5':
      if (!IA5_RE.test(text)) throw new X509ArgumentError(`${keyword} value must be ASCII (IA5String), got "${text}"`);
      return ascii(TAG_IA5_STRING);
    case 'ia5OrUtf8':
      return IA5_RE.test(text) ? ascii(TAG_IA5_STRING) : utf8();
    default:
      // RFC 5280 §4.1.2.4: PrintableString where it fits, otherwise UTF8String.
      return PRINTABLE_RE.test(text) ? ascii(TAG_PRINTABLE_STRING) : utf8();
  }
}

interface ParsedAva {
  oid: string;
  /** DER of the AttributeValue. */
  value: Uint8Array;
}

/** Character-level DN string parser (see file comment for the accepted syntax). */
class DnParser {
  private pos = 0;

  constructor(private readonly s: string) {}

  parse(): ParsedAva[][] {
    const rdns: ParsedAva[][] = [];
    if (this.s.trim() === '') return rdns;
    let rdn: ParsedAva[] = [];
    for (;;) {
      rdn.push(this.readAva());
      this.skipSpaces();
      const c = this.s[this.pos];
      if (c === undefined) break;
      this.pos++;
      if (c === '+') continue;
      if (c === ',' || c === ';') {
        rdns.push(rdn);
        rdn = [];
        continue;
      }
      this.fail(`unexpected "${c}"`);
    }
    rdns.push(rdn);
    return rdns;
  }

  private fail(msg: string): never {
    throw new X509ArgumentError(`invalid distinguished name "${this.s}": ${msg} at position ${this.pos}`);
  }

  private skipSpaces(): void {
    while (this.s[this.pos] === ' ' || this.s[this.pos] === '\t') this.pos++;
  }

  private readAva(): ParsedAva {
    this.skipSpaces();
    const eq = this.s.indexOf('=', this.pos);
    if (eq < 0) this.fail('missing "="');
    const type = this.s.slice(this.pos, eq).trim();
    if (type === '' || /[,;+"]/.test(type)) this.fail('missing attribute type');
    const { oid, info } = this.resolveType(type);
    this.pos = eq + 1;
    this.skipSpaces();
    const c = this.s[this.pos];
    if (c === '"') {
      const text = this.readQuoted();
      if (text === '') this.fail(`empty value for ${type}`);
      return { oid, value: encodeValue(info, type, text) };
    }
    if (c === '#') return { oid, value: this.readHexValue() };
    const text = this.readUnquoted();
    if (text === '') this.fail(`empty value for ${type}`);
    return { oid, value: encodeValue(info, type, text) };
  }

  private resolveType(type: string): { oid: string; info: AttributeInfo | undefined } {
    const numeric = /^(?:OID\.)?(\d+(?:\.\d+)+)$/i.exec(type);
    if (numeric) {
      const oid = numeric[1]!;
      try {
        encodeOid(oid);
      } catch {
        this.fail(`invalid OID "${oid}"`);
      }
      return { oid, info: BY_OID.get(oid) };
    }
    const info = BY_KEYWORD.get(type.toUpperCase());
    if (!info) this.fail(`unknown attribute type "${type}" (use OID.x.y.z for other attributes)`);
    return { oid: info.oid, info };
  }

  /** `"..."` with `""`, `\"` and `\\` as escapes; any other backslash is literal (Windows style). */
  private readQuoted(): string {
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) this.fail('unterminated quoted value');
      if (c === '"') {
        if (this.s[this.pos + 1] === '"') {
          out += '"';
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      if (c === '\\' && (this.s[this.pos + 1] === '"' || this.s[this.pos + 1] === '\\')) {
        out += this.s[this.pos + 1];
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  /** RFC 4514 `#hexstring`: the BER/DER encoding of the value itself. */
  private readHexValue(): Uint8Array {
    this.pos++;
    const start = this.pos;
    while (/[0-9a-fA-F]/.test(this.s[this.pos] ?? '')) this.pos++;
    const hex = this.s.slice(start, this.pos);
    if (hex.length === 0 || hex.length % 2 !== 0) this.fail('"#" must be followed by an even number of hex digits');
    const der = hexToBytes(hex);
    try {
      readSingleElement(der, 'attribute value');
    } catch (err) {
      this.fail(`"#${hex}" is not a single DER value (${(err as Error).message})`);
    }
    return der;
  }

  /** Unquoted value up to an unescaped `,` `;` `+`; unescaped trailing spaces are dropped. */
  private readUnquoted(): string {
    const bytes: number[] = [];
    let significant = 0; // length of `bytes` up to the last non-space or escaped char
    const encoder = new TextEncoder();
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined || c === ',' || c === ';' || c === '+') break;
      if (c === '\\') {
        const next = this.s[this.pos + 1];
        if (next === undefined) this.fail('dangling backslash');
        const pair = this.s.slice(this.pos + 1, this.pos + 3);
        if (/^[0-9a-fA-F]{2}$/.test(pair)) {
          bytes.push(Number.parseInt(pair, 16));
          this.pos += 3;
        } else if (',;+"\\<>=# '.includes(next)) {
          bytes.push(next.charCodeAt(0));
          this.pos += 2;
        } else {
          this.fail(`invalid escape "\\${next}"`);
        }
        significant = bytes.length;
        continue;
      }
      if (c === '"') this.fail('unexpected quote inside an unquoted value (quote the whole value or escape it)');
      const cp = this.s.codePointAt(this.pos)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      this.pos += ch.length;
      if (ch !== ' ' && ch !== '\t') significant = bytes.length;
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes.slice(0, significant)));
    } catch {
      this.fail('hex escapes do not form valid UTF-8');
    }
  }
}
