import * as core from '@certexit/core';
import {
  CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT,
  CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME,
  CT_FLAG_IS_CA,
  CT_FLAG_PEND_ALL_REQUESTS,
} from '@certexit/core';
import { editCaTemplateNames, enrolleeSuppliesNames, readCaTemplateNames } from './ca-template-list';
import { isAdministrator } from './certexit-principals';
import type { CertificateTemplate, TemplateKeyAlgorithm } from './certificate-template';
import { TEMPLATE_KEY_ALGORITHMS } from './certificate-template';
import type { PolicyCa } from './policy-ca';
import type { TemplateAccessEntry, TemplateRight } from './template-permissions';

/** EKUs that let a certificate authenticate its holder to Windows (client auth, smart card logon, PKINIT, any). */
const _AUTHENTICATION_EKUS = new Set(['1.3.6.1.5.5.7.3.2', '1.3.6.1.4.1.311.20.2.2', '1.3.6.1.5.2.3.4', '2.5.29.37.0']);

/** A template as `template show` and `GET /v1/templates/{name}` give it. */
export interface TemplateView extends CertificateTemplate {
  /** On the CA's own list (`CATemplates`): requests for it can be issued. */
  onCaList: boolean;
  /** What an administrator should know: ESC1 and similar risks. */
  warnings: string[];
}

/**
 * The risks of a template's settings, as warnings naming them (SpecterOps' ESC numbering, which AD CS
 * administrators know):
 * - ESC1: the enrollee supplies the names, the certificate authenticates, non-administrators may enroll and no
 *   manager approves: any such requester can obtain a certificate naming anyone, an administrator included;
 * - ESC2: no EKU or Any Purpose, enrollable by non-administrators;
 * - a CA template enrollable by non-administrators: they can then issue certificates for any name themselves.
 */
export function templateWarnings(template: CertificateTemplate): string[] {
  const warnings: string[] = [];
  const nonAdmins = template.permissions
    .filter((e) => e.allow?.includes('Enroll'))
    .map((e) => e.principal)
    .filter((p) => !isAdministrator([p]));
  const approval = (template.enrollmentFlags & CT_FLAG_PEND_ALL_REQUESTS) !== 0 || template.raSignatures > 0;
  const authenticates =
    template.extendedKeyUsage.length === 0 || template.extendedKeyUsage.some((e) => _AUTHENTICATION_EKUS.has(e));
  if (enrolleeSuppliesNames(template) && authenticates && nonAdmins.length > 0 && !approval)
    warnings.push(
      `ESC1: ${nonAdmins.join(', ')} may enroll, the enrollee supplies the subject/SAN and the certificate authenticates (${template.extendedKeyUsage.length ? template.extendedKeyUsage.join(', ') : 'no EKU: any purpose'}) with no manager approval: such a requester can obtain a certificate for any name, an administrator's included. Require approval (+CT_FLAG_PEND_ALL_REQUESTS), build names from the directory, or restrict Enroll.`,
    );
  if (
    (template.extendedKeyUsage.length === 0 || template.extendedKeyUsage.includes('2.5.29.37.0')) &&
    nonAdmins.length > 0 &&
    template.isCa !== true
  )
    warnings.push(`ESC2: ${nonAdmins.join(', ')} may enroll for a certificate of any purpose (no EKU or Any Purpose).`);
  if (template.isCa === true && nonAdmins.length > 0)
    warnings.push(
      `${nonAdmins.join(', ')} may enroll for a CA certificate: they could then issue certificates for any name themselves.`,
    );
  if (template.keyAlgorithms.includes('RSA') && template.minimalKeySize < 2048)
    warnings.push(`RSA keys of ${template.minimalKeySize} bits are accepted; 2048 is the least considered safe.`);
  return warnings;
}

/** Every template with its CA-list state and warnings. */
export function listTemplateViews(ca: PolicyCa): TemplateView[] {
  return ca.templates.map((t) => templateView(ca, t));
}

/** One template's view. */
export function templateView(ca: PolicyCa, template: CertificateTemplate): TemplateView {
  const list = readCaTemplateNames(ca).map((n) => n.toLowerCase());
  return {
    ...template,
    onCaList: list.includes(template.name.toLowerCase()) || list.includes(template.oid),
    warnings: templateWarnings(template),
  };
}

/** The template named `name`, or an error listing the names there are. */
export function requireTemplate(ca: PolicyCa, name: string): CertificateTemplate {
  const template = ca.templateStore.find(name);
  if (!template)
    throw new Error(
      `there is no template ${JSON.stringify(name)} (templates: ${ca.templates.map((t) => t.name).join(', ')})`,
    );
  return template;
}

/** The fields `template set` changes, by certexit name and AD attribute name. */
const _FIELDS: Readonly<Record<string, string>> = {
  nameflags: 'nameFlags',
  'mspki-certificate-name-flag': 'nameFlags',
  enrollmentflags: 'enrollmentFlags',
  'mspki-enrollment-flag': 'enrollmentFlags',
  generalflags: 'generalFlags',
  flags: 'generalFlags',
  privatekeyflags: 'privateKeyFlags',
  'mspki-private-key-flag': 'privateKeyFlags',
  minimalkeysize: 'minimalKeySize',
  'mspki-minimal-key-size': 'minimalKeySize',
  rasignatures: 'raSignatures',
  'mspki-ra-signature': 'raSignatures',
  validitydays: 'validityDays',
  displayname: 'displayName',
  keyalgorithms: 'keyAlgorithms',
  extendedkeyusage: 'extendedKeyUsage',
  pkiextendedkeyusage: 'extendedKeyUsage',
  keyusage: 'keyUsage',
  enroll: 'Enroll',
  autoenroll: 'AutoEnroll',
  denyenroll: 'DenyEnroll',
  denyautoenroll: 'DenyAutoEnroll',
};

/** The field names `template set` accepts, for help texts and errors. */
export const TEMPLATE_SET_FIELDS = [
  'nameFlags (msPKI-Certificate-Name-Flag)',
  'enrollmentFlags (msPKI-Enrollment-Flag)',
  'generalFlags (flags)',
  'privateKeyFlags (msPKI-Private-Key-Flag)',
  'minimalKeySize (msPKI-Minimal-Key-Size)',
  'raSignatures (msPKI-RA-Signature)',
  'validityDays',
  'displayName',
  'keyAlgorithms',
  'extendedKeyUsage (pKIExtendedKeyUsage)',
  'keyUsage',
  'Enroll',
  'AutoEnroll',
  'DenyEnroll',
  'DenyAutoEnroll',
];

/** What a change did. */
export interface TemplateChange {
  template: TemplateView;
  field: string;
  old: unknown;
  value: unknown;
}

/**
 * Changes one field of a template, certutil-style: DWORD flags take a number or `+CT_FLAG_X` / `-CT_FLAG_X`; lists
 * (`keyAlgorithms`, `extendedKeyUsage`, `keyUsage`) take `+X`, `-X` or a comma-separated list; `Enroll`,
 * `AutoEnroll`, `DenyEnroll`, `DenyAutoEnroll` take `+Principal` / `-Principal` (the template's ACL). The whole
 * template is validated before `templates.json` is written; a running server sees it within half a second.
 */
export function setTemplateField(ca: PolicyCa, name: string, field: string, input: string): TemplateChange {
  const template = requireTemplate(ca, name);
  const key = _FIELDS[field.replace(/[\s_]/g, '').toLowerCase()];
  if (!key) throw new Error(`${JSON.stringify(field)} is not a template field (${TEMPLATE_SET_FIELDS.join(', ')})`);
  const next: CertificateTemplate = structuredClone(template);
  let old: unknown;
  let value: unknown;
  switch (key) {
    case 'nameFlags':
    case 'enrollmentFlags':
    case 'generalFlags':
    case 'privateKeyFlags': {
      old = template[key];
      const edited = editTemplateFlags(template[key] >>> 0, input);
      next[key] = edited;
      if (key === 'generalFlags') next.isCa = (edited & CT_FLAG_IS_CA) !== 0 ? true : undefined;
      value = next[key];
      break;
    }
    case 'minimalKeySize':
    case 'raSignatures':
    case 'validityDays': {
      old = template[key];
      if (!/^\d{1,6}$/.test(input)) throw new Error(`${key} takes a whole number, not ${JSON.stringify(input)}`);
      next[key] = Number(input);
      value = next[key];
      break;
    }
    case 'displayName':
      old = template.displayName;
      next.displayName = input;
      value = input;
      break;
    case 'keyAlgorithms':
    case 'extendedKeyUsage':
    case 'keyUsage': {
      old = template[key];
      const edited = _editList([...template[key]], input);
      if (key === 'keyAlgorithms') {
        const bad = edited.find((a) => !(TEMPLATE_KEY_ALGORITHMS as readonly string[]).includes(a));
        if (bad) throw new Error(`${JSON.stringify(bad)} is not one of ${TEMPLATE_KEY_ALGORITHMS.join(', ')}`);
        next.keyAlgorithms = edited as TemplateKeyAlgorithm[];
      } else (next as unknown as Record<string, string[]>)[key] = edited;
      value = edited;
      break;
    }
    default: {
      const deny = key.startsWith('Deny');
      const right = (deny ? key.slice(4) : key) as TemplateRight;
      old = _principalsWith(template.permissions, right, deny);
      next.permissions = _editPermissions(template.permissions, right, deny, input);
      value = _principalsWith(next.permissions, right, deny);
    }
  }
  const all = ca.templates.map((t) => (t === template ? next : t));
  ca.templateStore.save(all);
  const saved = requireTemplate(ca, template.name);
  return { template: templateView(ca, saved), field: key, old, value };
}

/**
 * A new template copied from `source` (AD's "Duplicate Template"), with its own name and OID. The copy is not on
 * the CA's list until added (`catemplates +Name`).
 */
export function copyTemplate(ca: PolicyCa, source: string, name: string, oid?: string): TemplateView {
  const from = requireTemplate(ca, source);
  if (ca.templateStore.find(name)) throw new Error(`a template named ${JSON.stringify(name)} exists already`);
  const newOid = oid ?? `${from.oid}.${Date.now().toString().slice(-9)}`;
  if (ca.templates.some((t) => t.oid === newOid)) throw new Error(`the OID ${newOid} is another template's`);
  const copy: CertificateTemplate = { ...structuredClone(from), name, displayName: name, oid: newOid };
  ca.templateStore.save([...ca.templates, copy]);
  return templateView(ca, requireTemplate(ca, name));
}

/** The CA's list after certutil-style edits, and a warning for each template on it with an ESC risk. */
export function editCaTemplates(ca: PolicyCa, edits: readonly string[]): { templates: string[]; warnings: string[] } {
  const templates = edits.length > 0 ? editCaTemplateNames(ca, edits) : readCaTemplateNames(ca);
  const warnings = templates.flatMap((name) => {
    const template = ca.templateStore.find(name);
    return template ? templateWarnings(template).map((w) => `${template.name}: ${w}`) : [`${name}: no such template`];
  });
  return { templates, warnings };
}

/** The enrollee supplies names on a template: its name flags, for views. */
export function suppliesNames(template: CertificateTemplate): string[] {
  return [
    ...((template.nameFlags & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT) !== 0 ? ['subject'] : []),
    ...((template.nameFlags & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME) !== 0 ? ['subjectAltName'] : []),
  ];
}

/**
 * A flag word after certutil-style edits: a number (decimal or 0x hex) replaces it; `+CT_FLAG_X` / `-CT_FLAG_X` (or
 * `+0x2`) set and clear bits; several edits may be comma-separated.
 */
export function editTemplateFlags(current: number, input: string): number {
  let value = current >>> 0;
  for (const edit of input.split(',').map((s) => s.trim())) {
    const sign = edit[0];
    const operand = sign === '+' || sign === '-' ? edit.slice(1) : edit;
    const bits = /^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(operand)
      ? Number(operand)
      : /^CT_FLAG_[A-Z0-9_]+$/.test(operand) && typeof (core as Record<string, unknown>)[operand] === 'number'
        ? ((core as Record<string, unknown>)[operand] as number)
        : undefined;
    if (bits === undefined || bits > 0xffffffff)
      throw new Error(`${JSON.stringify(edit)} is neither a number nor a CT_FLAG_ constant`);
    value = sign === '+' ? (value | bits) >>> 0 : sign === '-' ? (value & ~bits) >>> 0 : bits >>> 0;
  }
  return value;
}

function _editList(list: string[], input: string): string[] {
  const items = input
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.every((i) => i.startsWith('+') || i.startsWith('-'))) {
    let out = list;
    for (const item of items) {
      const name = item.slice(1);
      out = out.filter((x) => x.toLowerCase() !== name.toLowerCase());
      if (item.startsWith('+')) out.push(name);
    }
    return out;
  }
  return items;
}

function _principalsWith(entries: readonly TemplateAccessEntry[], right: TemplateRight, deny: boolean): string[] {
  return entries.filter((e) => (deny ? e.deny : e.allow)?.includes(right)).map((e) => e.principal);
}

function _editPermissions(
  entries: readonly TemplateAccessEntry[],
  right: TemplateRight,
  deny: boolean,
  input: string,
): TemplateAccessEntry[] {
  const edits = input
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (edits.length === 0 || !edits.every((e) => e.startsWith('+') || e.startsWith('-')))
    throw new Error(`permission edits are +Principal or -Principal (comma-separated), not ${JSON.stringify(input)}`);
  const out = structuredClone(entries) as TemplateAccessEntry[];
  for (const edit of edits) {
    const principal = edit.slice(1).trim();
    if (principal === '') throw new Error('a permission edit names no principal');
    let entry = out.find((e) => e.principal.toLowerCase() === principal.toLowerCase());
    if (!entry) {
      entry = { principal };
      out.push(entry);
    }
    const kind = deny ? 'deny' : 'allow';
    const rights = (entry[kind] ?? []).filter((r) => r !== right);
    if (edit.startsWith('+')) rights.push(right);
    if (rights.length > 0) entry[kind] = rights;
    else delete entry[kind];
  }
  return out.filter((e) => (e.allow?.length ?? 0) + (e.deny?.length ?? 0) > 0);
}
