import { CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT, CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME } from '@certexit/core';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import type { RegistryFile } from '../registry/registry-file';
import type { CertificateTemplate } from './certificate-template';

/**
 * The CA's own template list, AD CS's `certificateTemplates` of the enrollment service (`certutil -CATemplates`,
 * `-SetCATemplates`), kept as the REG_MULTI_SZ `CATemplates` under the CA's key. The CA issues only these.
 */
export const REGVAL_CA_TEMPLATES = CA_REGISTRY_VALUES.CATemplates.name;

/** The registry-shaped configuration of one CA, as far as the template list needs it. */
export interface CaTemplateListContext {
  readonly registry: RegistryFile;
  /** `...\Configuration\<CA>`. */
  readonly registryPath: string;
  readonly templates: readonly CertificateTemplate[];
}

/** True when a template lets the enrollee supply the subject or the subject alternative name (the ESC1 shape). */
export function enrolleeSuppliesNames(template: Pick<CertificateTemplate, 'nameFlags'>): boolean {
  return (template.nameFlags & (CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT | CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME)) !== 0;
}

/**
 * What a CA offers when nobody set its list: every template whose names come from the directory. Templates that
 * let the enrollee supply names (WebServer, SubCA) stay off until an administrator adds them.
 */
export function defaultCaTemplateNames(templates: readonly CertificateTemplate[]): string[] {
  return templates.filter((t) => !enrolleeSuppliesNames(t)).map((t) => t.name);
}

/** The CA's template list: `CATemplates`, or {@link defaultCaTemplateNames} when the value is absent. */
export function readCaTemplateNames(ca: CaTemplateListContext): string[] {
  const value = ca.registry.getValue(`${ca.registryPath}\\${REGVAL_CA_TEMPLATES}`);
  if (value === undefined) return defaultCaTemplateNames(ca.templates);
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\r?\n/) : [];
  return list.map((n) => n.trim()).filter((n) => n !== '');
}

/** True when `template` is on the CA's list (names compare case-insensitively; an entry may be the template's OID). */
export function isOnCaTemplateList(ca: CaTemplateListContext, template: CertificateTemplate): boolean {
  return readCaTemplateNames(ca).some((n) => n.toLowerCase() === template.name.toLowerCase() || n === template.oid);
}

/**
 * Edits the list certutil-style: `+Name` adds, `-Name` removes, a bare list replaces. Every name must be a template
 * of `templates.json`.
 * @returns the new list
 * @throws naming an unknown template; nothing is written then
 */
export function editCaTemplateNames(ca: CaTemplateListContext, edits: readonly string[]): string[] {
  const known = (name: string) => {
    const template = ca.templates.find((t) => t.name.toLowerCase() === name.toLowerCase() || t.oid === name);
    if (!template)
      throw new Error(
        `${JSON.stringify(name)} is not a template of this CA's templates.json (${ca.templates.map((t) => t.name).join(', ')})`,
      );
    return template.name;
  };
  const adds = edits.every((e) => e.startsWith('+') || e.startsWith('-'));
  let list = adds ? readCaTemplateNames(ca) : [];
  for (const edit of edits) {
    if (!adds) {
      list.push(known(edit));
      continue;
    }
    const name = known(edit.slice(1));
    list = list.filter((n) => n.toLowerCase() !== name.toLowerCase());
    if (edit.startsWith('+')) list.push(name);
  }
  const unique = [...new Map(list.map((n) => [n.toLowerCase(), n])).values()];
  ca.registry.setValue(`${ca.registryPath}\\${REGVAL_CA_TEMPLATES}`, unique);
  return unique;
}
