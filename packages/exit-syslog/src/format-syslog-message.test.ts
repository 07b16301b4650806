import { describe, expect, it } from 'vitest';
import { formatSyslogMessage, frameOctetCounted } from './format-syslog-message';

const base = {
  facility: 10,
  severity: 6,
  timestamp: new Date('2026-03-01T12:00:00.123Z'),
  hostname: 'ca01.contoso.test',
  appName: 'certexit',
  procId: '4242',
  msgId: 'CERTISSUED',
};

describe('formatSyslogMessage', () => {
  it('writes the RFC 5424 header, structured data and message', () => {
    expect(
      formatSyslogMessage({
        ...base,
        structuredData: [
          {
            id: 'certexit@32473',
            params: [
              ['event', 'issued'],
              ['requestId', 17],
              ['absent', undefined],
            ],
          },
          { id: 'origin', params: [['software', 'certexit']] },
        ],
        message: 'certificate 1a issued',
      }),
    ).toBe(
      '<86>1 2026-03-01T12:00:00.123Z ca01.contoso.test certexit 4242 CERTISSUED [certexit@32473 event="issued" requestId="17"][origin software="certexit"] certificate 1a issued',
    );
  });

  it('escapes PARAM-VALUEs and turns control characters into spaces', () => {
    const line = formatSyslogMessage({
      ...base,
      structuredData: [{ id: 'x@1', params: [['v', 'a"b]c\\d\r\ne']] }],
      message: 'two\nlines',
    });
    expect(line.endsWith('[x@1 v="a\\"b\\]c\\\\d  e"] two lines')).toBe(true);
  });

  it('uses NILVALUE for empty header fields and structured data, and cuts header fields', () => {
    const line = formatSyslogMessage({
      ...base,
      hostname: undefined,
      appName: 'a b',
      procId: '',
      msgId: 'M'.repeat(40),
      structuredData: [],
    });
    expect(line).toBe(`<86>1 2026-03-01T12:00:00.123Z - ab - ${'M'.repeat(32)} -`);
  });

  it('refuses what the grammar does not allow', () => {
    expect(() => formatSyslogMessage({ ...base, facility: 24, structuredData: [] })).toThrow(/facility/);
    expect(() => formatSyslogMessage({ ...base, structuredData: [{ id: 'bad id', params: [] }] })).toThrow(/SD-ID/);
    expect(() => formatSyslogMessage({ ...base, structuredData: [{ id: 'a@1', params: [['x=y', '1']] }] })).toThrow(
      /PARAM-NAME/,
    );
  });
});

describe('frameOctetCounted', () => {
  it('prefixes the length in octets of the UTF-8 message (RFC 5425)', () => {
    expect(frameOctetCounted('<14>1 é').toString('utf8')).toBe('8 <14>1 é');
  });
});
