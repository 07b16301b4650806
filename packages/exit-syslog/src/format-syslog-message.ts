/** One SD-ELEMENT of RFC 5424 structured data: an SD-ID and its parameters, in order. */
export interface SyslogStructuredElement {
  /** `name@<private enterprise number>` or an IANA-registered id such as `origin`. */
  readonly id: string;
  /** PARAM-NAME, PARAM-VALUE pairs; `undefined` values are left out. */
  readonly params: readonly (readonly [name: string, value: string | number | undefined])[];
}

/** The parts of an RFC 5424 message. */
export interface SyslogMessage {
  /** 0–23 (10: authpriv). */
  readonly facility: number;
  /** 0–7 (6: informational). */
  readonly severity: number;
  readonly timestamp: Date;
  /** At most 255 printable US-ASCII characters; `-` when absent. */
  readonly hostname: string | undefined;
  /** At most 48. */
  readonly appName: string | undefined;
  /** At most 128. */
  readonly procId: string | undefined;
  /** At most 32. */
  readonly msgId: string | undefined;
  readonly structuredData: readonly SyslogStructuredElement[];
  /** Free text (UTF-8). */
  readonly message?: string;
}

/**
 * Formats an RFC 5424 syslog message:
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`. Header fields are cut to their length
 * and stripped to printable US-ASCII; PARAM-VALUEs escape `"`, `\` and `]` with a backslash (§6.3.3); control
 * characters in values and the message become spaces, so a value can never end the frame or forge a field.
 * Written by hand: the syslog packages on npm write RFC 3164 or leave STRUCTURED-DATA out, and this is the
 * module's own wire format.
 * @throws {TypeError} for a facility, severity, SD-ID or PARAM-NAME outside the RFC's grammar.
 */
export function formatSyslogMessage(message: SyslogMessage): string {
  const { facility, severity } = message;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23)
    throw new TypeError(`facility ${facility} is not 0–23`);
  if (!Number.isInteger(severity) || severity < 0 || severity > 7)
    throw new TypeError(`severity ${severity} is not 0–7`);
  const header = [
    `<${facility * 8 + severity}>1`,
    message.timestamp.toISOString(),
    _headerField(message.hostname, 255),
    _headerField(message.appName, 48),
    _headerField(message.procId, 128),
    _headerField(message.msgId, 32),
  ].join(' ');
  const elements = message.structuredData.map(_element).filter((e) => e !== '');
  const data = elements.length > 0 ? elements.join('') : '-';
  const text = message.message === undefined ? '' : ` ${_clean(message.message)}`;
  return `${header} ${data}${text}`;
}

/** RFC 5425 §4.3 octet-counting framing: `MSG-LEN SP SYSLOG-MSG`, the length in octets of the UTF-8 message. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

// SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']', '"'; an SD-ID may add '@' and digits.
const _SD_NAME = /^[\x21-\x7e]{1,32}$/;
const _SD_NAME_FORBIDDEN = /[= \]"]/;

function _element(element: SyslogStructuredElement): string {
  const [name, enterprise, extra] = element.id.split('@');
  if (
    extra !== undefined ||
    !_SD_NAME.test(name ?? '') ||
    _SD_NAME_FORBIDDEN.test(name ?? '') ||
    (enterprise !== undefined && !/^\d+(\.\d+)*$/.test(enterprise)) ||
    element.id.length > 32
  ) {
    throw new TypeError(`SD-ID ${JSON.stringify(element.id)} is not an RFC 5424 SD-ID`);
  }
  const params = element.params
    .filter(([, value]) => value !== undefined)
    .map(([param, value]) => {
      if (!_SD_NAME.test(param) || _SD_NAME_FORBIDDEN.test(param) || param.includes('@')) {
        throw new TypeError(`PARAM-NAME ${JSON.stringify(param)} is not an RFC 5424 SD-NAME`);
      }
      return ` ${param}="${_clean(String(value)).replace(/["\\\]]/g, (c) => `\\${c}`)}"`;
    });
  return `[${element.id}${params.join('')}]`;
}

function _headerField(value: string | undefined, max: number): string {
  const printable = (value ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return printable === '' ? '-' : printable;
}

function _clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must not reach the wire
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}
