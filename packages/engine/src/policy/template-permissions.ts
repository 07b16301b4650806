/**
 * A template's enrollment permissions, as AD's template ACLs carry them: allow and deny entries of the extended
 * rights Enroll (0e10c968-78fb-11d2-90d4-00c04f79dc55) and AutoEnroll (a05b8cc2-17bc-4802-a710-e7c15ab866a2),
 * granted to identities (`CONTOSO\alice`) and groups (`Domain Users`). A deny entry wins over any allow.
 */

/** The rights of a template ACL that certexit acts on. AutoEnroll is recorded; enrollment needs Enroll. */
export type TemplateRight = 'Enroll' | 'AutoEnroll';

/** Every {@link TemplateRight}. */
export const TEMPLATE_RIGHTS: readonly TemplateRight[] = ['Enroll', 'AutoEnroll'];

/** One ACE: a principal and the rights it is allowed or denied. */
export interface TemplateAccessEntry {
  /** An identity (`DOMAIN\user`, `DOMAIN\HOST$`) or a group name (`Domain Users`, `CONTOSO\PKI Admins`). */
  principal: string;
  allow?: TemplateRight[];
  deny?: TemplateRight[];
}

/** Who asks: the requester's identity and every group it is a member of (explicit, directory and implicit). */
export interface EnrollmentPrincipal {
  identity: string;
  groups: readonly string[];
}

/**
 * True when `principal` is granted `right` by `entries`: some entry naming the identity or one of its groups allows
 * it, and none denies it. Names compare case-insensitively; a group may be written with or without its domain
 * (two different domains never match).
 */
export function hasTemplateRight(
  entries: readonly TemplateAccessEntry[],
  principal: EnrollmentPrincipal,
  right: TemplateRight,
): boolean {
  let allowed = false;
  for (const entry of entries) {
    if (!principalMatches(entry.principal, principal)) continue;
    if (entry.deny?.includes(right)) return false;
    if (entry.allow?.includes(right)) allowed = true;
  }
  return allowed;
}

/** True when an ACE's `name` designates `principal`: its identity, or one of its groups. */
export function principalMatches(name: string, principal: EnrollmentPrincipal): boolean {
  const wanted = name.trim().toLowerCase();
  if (wanted === principal.identity.toLowerCase()) return true;
  return principal.groups.some((group) => {
    const g = group.toLowerCase();
    if (g === wanted) return true;
    // A group named without its domain matches the same group named with one; two different domains never match.
    return (!g.includes('\\') || !wanted.includes('\\')) && _withoutDomain(g) === _withoutDomain(wanted);
  });
}

function _withoutDomain(name: string): string {
  const slash = name.lastIndexOf('\\');
  return slash < 0 ? name : name.slice(slash + 1);
}
