import { isIP } from 'node:net';
import type { GeneralNameInput } from '@certexit/x509';

/** The request attribute AD CS reads under `EDITF_ATTRIBUTESUBJECTALTNAME2`: `san:dns=a.example&upn=b@example`. */
export const SAN_ATTRIBUTE = 'san';

/**
 * Parses a `san` request attribute (`certreq -attrib "SAN:dns=www.example.com&email=a@example.com"`): `&`-separated
 * `name=value` pairs of `dns`, `email`, `upn`, `url`, `ipaddress` and `guid` (32 hex digits).
 * @throws naming the pair that is not one of these
 */
export function parseSanAttribute(value: string): GeneralNameInput[] {
  const names: GeneralNameInput[] = [];
  for (const pair of value.split('&')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    const kind = pair.slice(0, Math.max(equals, 0)).trim().toLowerCase();
    const text = pair.slice(equals + 1);
    switch (kind) {
      case 'dns':
        names.push({ dns: text });
        break;
      case 'email':
        names.push({ email: text });
        break;
      case 'upn':
        names.push({ upn: text });
        break;
      case 'url':
        names.push({ uri: text });
        break;
      case 'ipaddress':
        names.push({ ip: _ip(text) });
        break;
      case 'guid':
        if (!/^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(text))
          throw new Error(`the san attribute's guid ${JSON.stringify(text)} is not a GUID`);
        names.push({ guid: Uint8Array.from(Buffer.from(text.replace(/[{}-]/g, ''), 'hex')) });
        break;
      default:
        throw new Error(
          `the san attribute's ${JSON.stringify(pair)} is not dns=, email=, upn=, url=, ipaddress= or guid=`,
        );
    }
  }
  return names;
}

function _ip(text: string): Uint8Array {
  const version = isIP(text);
  if (version === 4) return Uint8Array.from(text.split('.').map(Number));
  if (version === 6) {
    const [head = '', tail = ''] = text.split('::');
    const parts = (s: string) => (s === '' ? [] : s.split(':'));
    const h = parts(head);
    const t = text.includes('::') ? parts(tail) : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g)))
      throw new Error(`the san attribute's ipaddress ${JSON.stringify(text)} is not a plain IPv6 address`);
    return Uint8Array.from(groups.flatMap((g) => [Number.parseInt(g, 16) >> 8, Number.parseInt(g, 16) & 0xff]));
  }
  throw new Error(`the san attribute's ipaddress ${JSON.stringify(text)} is not an IP address`);
}
