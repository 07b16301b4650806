/**
 * certreq's request policy file (`certreq -new policy.inf`): `[NewRequest]` (Subject, KeySpec, KeyAlgorithm,
 * KeyLength, Exportable, HashAlgorithm), `[Extensions]` (`2.5.29.17 = "{text}"` with `_continue_` lines for SANs,
 * `2.5.29.37 = "{text}"` for EKUs) and `[RequestAttributes]` (`CertificateTemplate = WebServer`).
 */
import { createCertificationRequest } from './create-certification-request';
import { enrollmentNameValuePair } from './enrollment-name-value-pair';
import type { SubjectAltNames, X509Extension } from './extensions';
import { extendedKeyUsage, subjectAltName } from './extensions';
import type { KeyAlgorithmName } from './key-algorithm';
import { exportPrivateKeyPem, generateKeyPair } from './key-algorithm';

/** What a policy file asks for. */
export interface RequestPolicy {
  readonly subject: string;
  readonly keyAlgorithm: KeyAlgorithmName;
  readonly exportable: boolean;
  readonly subjectAltNames?: SubjectAltNames;
  readonly extendedKeyUsages?: string[];
  readonly requestAttributes: Array<[string, string]>;
}

/** Parses a policy file's text; an error names the line and what is wrong with it. */
export function parseRequestPolicyInf(text: string): RequestPolicy {
  const sections = new Map<string, Array<{ key: string; value: string; line: number }>>();
  let section = '';
  let last: { key: string; value: string; line: number } | undefined;
  for (const [i, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const line = raw.replace(/^\s*;.*$/, '').trim();
    if (!line) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      last = undefined;
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!pair) throw new Error(`policy file line ${i + 1}: ${JSON.stringify(raw.trim())} is not Key = Value`);
    const key = pair[1]!.trim();
    const value = _unquote(pair[2]!.trim());
    if (key.toLowerCase() === '_continue_') {
      if (!last) throw new Error(`policy file line ${i + 1}: _continue_ follows no value`);
      last.value += value;
      continue;
    }
    last = { key, value, line: i + 1 };
    if (!sections.has(section)) sections.set(section, []);
    sections.get(section)!.push(last);
  }
  const newRequest = new Map((sections.get('newrequest') ?? []).map((e) => [e.key.toLowerCase(), e.value]));
  const subject = newRequest.get('subject') ?? '';
  if (!sections.has('newrequest')) throw new Error('the policy file has no [NewRequest] section');
  const keyAlgorithm = _keyAlgorithm(newRequest.get('keyalgorithm') ?? 'RSA', newRequest.get('keylength'));
  const exportable = /^(true|1|yes)$/i.test(newRequest.get('exportable') ?? 'FALSE');
  let subjectAltNames: SubjectAltNames | undefined;
  let extendedKeyUsages: string[] | undefined;
  for (const entry of sections.get('extensions') ?? []) {
    const oid = entry.key
      .replace(/^szOID_SUBJECT_ALT_NAME2$/i, '2.5.29.17')
      .replace(/^szOID_ENHANCED_KEY_USAGE$/i, '2.5.29.37');
    const body = entry.value.replace(/^\{text\}/i, '');
    if (!/^\{text\}/i.test(entry.value))
      throw new Error(`policy file line ${entry.line}: only "{text}" extension values are supported`);
    if (oid === '2.5.29.17') subjectAltNames = _sans(body, entry.line);
    else if (oid === '2.5.29.37')
      extendedKeyUsages = body
        .split(/[,&]/)
        .map((s) => s.trim())
        .filter(Boolean);
    else
      throw new Error(
        `policy file line ${entry.line}: the extension ${oid} is not supported (2.5.29.17 and 2.5.29.37 are)`,
      );
  }
  const requestAttributes = (sections.get('requestattributes') ?? []).map((e): [string, string] => [e.key, e.value]);
  return {
    subject,
    keyAlgorithm,
    exportable,
    ...(subjectAltNames && { subjectAltNames }),
    ...(extendedKeyUsages && { extendedKeyUsages }),
    requestAttributes,
  };
}

/** Makes the key and the PKCS#10 request a policy asks for: the request (DER) and the key as PKCS#8 PEM. */
export async function createRequestFromPolicy(policy: RequestPolicy): Promise<{ request: Uint8Array; keyPem: string }> {
  const keyPair = await generateKeyPair(policy.keyAlgorithm);
  const extensions: X509Extension[] = [];
  if (policy.subjectAltNames) extensions.push(subjectAltName(policy.subjectAltNames, policy.subject === ''));
  if (policy.extendedKeyUsages?.length) extensions.push(extendedKeyUsage(policy.extendedKeyUsages));
  const request = await createCertificationRequest({
    keyPair,
    keyAlgorithm: policy.keyAlgorithm,
    subject: policy.subject,
    extensions,
    attributes: policy.requestAttributes.map(([name, value]) => enrollmentNameValuePair(name, value)),
  });
  return { request, keyPem: await exportPrivateKeyPem(keyPair.privateKey) };
}

function _unquote(value: string): string {
  return /^".*"$/.test(value) ? value.slice(1, -1).replace(/""/g, '"') : value;
}

function _keyAlgorithm(algorithm: string, length: string | undefined): KeyAlgorithmName {
  const a = algorithm.toUpperCase();
  if (a === 'RSA') {
    const bits = Number(length ?? 2048);
    if (bits === 2048 || bits === 3072 || bits === 4096) return `RSA_${bits}` as KeyAlgorithmName;
    throw new Error(`KeyLength ${length} is not supported for RSA (2048, 3072 or 4096)`);
  }
  if (a === 'ECDSA_P256' || a === 'ECDH_P256') return 'ECDSA_P256';
  if (a === 'ECDSA_P384' || a === 'ECDH_P384') return 'ECDSA_P384';
  if (a === 'ECDSA' || a === 'ECC') {
    if (length === '384') return 'ECDSA_P384';
    if (length === undefined || length === '256') return 'ECDSA_P256';
  }
  throw new Error(
    `KeyAlgorithm ${algorithm}${length ? ` with KeyLength ${length}` : ''} is not supported (RSA 2048/3072/4096, ECDSA_P256, ECDSA_P384)`,
  );
}

function _sans(body: string, line: number): SubjectAltNames {
  const names: { dns: string[]; email: string[]; uri: string[]; ip: string[]; upn: string[] } = {
    dns: [],
    email: [],
    uri: [],
    ip: [],
    upn: [],
  };
  for (const item of body
    .split('&')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9]+)\s*=\s*(.+)$/i.exec(item);
    if (!match) throw new Error(`policy file line ${line}: ${JSON.stringify(item)} is not kind=value`);
    const kind = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    if (kind === 'dns') names.dns.push(value);
    else if (kind === 'email') names.email.push(value);
    else if (kind === 'url' || kind === 'uri') names.uri.push(value);
    else if (kind === 'ipaddress') names.ip.push(value);
    else if (kind === 'upn') names.upn.push(value);
    else
      throw new Error(
        `policy file line ${line}: the name kind ${kind} is not supported (dns, email, url, ipaddress, upn)`,
      );
  }
  return Object.fromEntries(Object.entries(names).filter(([, v]) => v.length > 0)) as SubjectAltNames;
}
