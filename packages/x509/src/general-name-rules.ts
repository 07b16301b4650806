/**
 * The shapes of the names a CA puts in a subject alternative name: DNS names (RFC 1034 preferred syntax, RFC 5280
 * §4.2.1.6; wildcards only as a whole leftmost label over at least two more), e-mail addresses (RFC 5322 dot-atom
 * mailboxes), user principal names and URIs. Each check returns a phrase saying what is wrong, or `undefined`.
 */

/** RFC 1035: a name of at most 253 characters in text form. */
export const MAX_DNS_NAME_LENGTH = 253;
/** RFC 5321 §4.5.3.1: at most 254 characters in a path, 64 in the local part. */
export const MAX_EMAIL_LENGTH = 254;
/** Active Directory's `userPrincipalName` is at most 1,024 characters. */
export const MAX_UPN_LENGTH = 1024;
/** Far beyond any CDP/AIA or identity URI. */
export const MAX_URI_LENGTH = 2048;

const _LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const _ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;

/** What is wrong with one DNS label (letters, digits and inner hyphens, 1 to 63 characters). */
export function dnsLabelFault(label: string): string | undefined {
  if (label.length === 0) return 'has an empty label';
  if (label.length > 63) return `has a label of ${label.length} characters (at most 63)`;
  if (!_LABEL.test(label))
    return `has the label ${JSON.stringify(label)}, which is not letters, digits and inner hyphens`;
  return undefined;
}

/**
 * What is wrong with a dNSName. A wildcard is allowed (with `wildcard`) only as the whole leftmost label of a name
 * with at least two more labels: `*.example.com`, never `*`, `*.com`, `a*.example.com` or `www.*.example.com`. The
 * rightmost label must not be numeric (that is an IP address written as a name).
 */
export function dnsNameFault(name: string, options: { wildcard?: boolean } = {}): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_DNS_NAME_LENGTH) return `has ${name.length} characters (at most ${MAX_DNS_NAME_LENGTH})`;
  if (name.endsWith('.')) return 'ends with a dot';
  const labels = name.split('.');
  if (labels[0] === '*') {
    if (!options.wildcard) return 'is a wildcard, which this name may not be';
    if (labels.length < 3) return 'is a wildcard directly over a top-level label';
    labels.shift();
  }
  for (const label of labels) {
    if (label.includes('*')) return 'has a wildcard that is not the whole leftmost label';
    const fault = dnsLabelFault(label);
    if (fault) return fault;
  }
  if (/^[0-9]+$/.test(labels.at(-1)!)) return 'ends in a numeric label (an IP address is an iPAddress name)';
  return undefined;
}

/** What is wrong with an rfc822Name / e-mail address: `local@domain`, a dot-atom local part, a DNS domain. */
export function emailAddressFault(address: string): string | undefined {
  if (address.length > MAX_EMAIL_LENGTH) return `has ${address.length} characters (at most ${MAX_EMAIL_LENGTH})`;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'is not local@domain';
  const local = address.slice(0, at);
  if (local.length > 64) return `has a local part of ${local.length} characters (at most 64)`;
  if (local.split('.').some((atom) => !_ATEXT.test(atom))) return 'has a local part that is not a dot-atom';
  const fault = dnsNameFault(address.slice(at + 1));
  return fault ? `has a domain that ${fault}` : undefined;
}

/**
 * What is wrong with a user principal name: `prefix@suffix`, a prefix of printable characters without spaces,
 * `@` or the characters AD refuses, and a DNS suffix.
 */
export function upnFault(upn: string): string | undefined {
  if (upn.length > MAX_UPN_LENGTH) return `has ${upn.length} characters (at most ${MAX_UPN_LENGTH})`;
  const at = upn.lastIndexOf('@');
  if (at <= 0 || at === upn.length - 1) return 'is not prefix@suffix';
  const prefix = upn.slice(0, at);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029"()<>,;:\\[\]@|]/.test(prefix))
    return 'has a prefix with spaces, control characters or one of "()<>,;:\\[]@|';
  const fault = dnsNameFault(upn.slice(at + 1));
  return fault ? `has a suffix that ${fault}` : undefined;
}

/** What is wrong with a URI name: an absolute URI of printable ASCII without spaces. */
export function uriFault(uri: string): string | undefined {
  if (uri.length > MAX_URI_LENGTH) return `has ${uri.length} characters (at most ${MAX_URI_LENGTH})`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/.test(uri)) return 'is not an absolute URI of printable ASCII';
  return undefined;
}
