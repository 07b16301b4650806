import { describe, expect, it } from 'vitest';
import { parseSanAttribute } from './san-attribute';

describe('the san request attribute', () => {
  it('parses AD CS’s dns=&upn=&email=&url=&ipaddress=&guid= form', () => {
    expect(
      parseSanAttribute(
        'dns=a.certexit.test&upn=alice@certexit.test&email=a@x.test&url=https://x.test/&ipaddress=10.0.0.1',
      ),
    ).toEqual([
      { dns: 'a.certexit.test' },
      { upn: 'alice@certexit.test' },
      { email: 'a@x.test' },
      { uri: 'https://x.test/' },
      { ip: Uint8Array.of(10, 0, 0, 1) },
    ]);
    expect(parseSanAttribute('ipaddress=2001:db8::1')[0]).toEqual({
      ip: Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    });
    expect(parseSanAttribute('guid={00112233-4455-6677-8899-aabbccddeeff}')[0]).toEqual({
      guid: Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff', 'hex')),
    });
  });

  it('refuses what it does not know', () => {
    expect(() => parseSanAttribute('x400=abc')).toThrow(/is not dns=/);
    expect(() => parseSanAttribute('ipaddress=300.1.1.1')).toThrow(/not an IP address/);
    expect(() => parseSanAttribute('guid=nope')).toThrow(/not a GUID/);
  });
});
