/**
 * The groups certexit's template permissions name, mapped from the AD principals AD CS's default templates use.
 * A caller is in the groups given with `caller add --group` and, for an enterprise CA with a directory, the groups
 * of its directory object (`tokenGroups`); every caller is also in the implicit groups below.
 */
export const PRINCIPALS = {
  /** Every authenticated caller (AD's S-1-5-11). */
  authenticatedUsers: 'Authenticated Users',
  /** Every user caller: the primary group of an AD user (RID 513). */
  domainUsers: 'Domain Users',
  /** Every computer caller, an identity ending in `$` (RID 515). */
  domainComputers: 'Domain Computers',
  /** Domain controllers (RID 516): from the directory or `--group`. */
  domainControllers: 'Domain Controllers',
  /** Administrators of the domain (RID 512): from the directory or `--group`. */
  domainAdmins: 'Domain Admins',
  /** Administrators of the forest (RID 519): from the directory or `--group`. */
  enterpriseAdmins: 'Enterprise Admins',
  /**
   * The CA host's administrators: whoever runs the `certexit` CLI on the CA folder (it holds the CA's keys). The
   * CLI's own submissions carry this group unless `--requester` names someone else.
   */
  administrators: 'Administrators',
} as const;

/**
 * Who counts as an administrator: AD CS's default templates give Enroll on CA, web server and code-signing templates
 * to Domain Admins and Enterprise Admins; certexit adds the CA host's administrators. The `manager` role of the
 * HTTP API is AD CS's CA administrator and certificate manager (configure the CA, approve, deny, revoke); it gives
 * no enrollment right of its own.
 */
export const ADMINISTRATOR_GROUPS: readonly string[] = [
  PRINCIPALS.domainAdmins,
  PRINCIPALS.enterpriseAdmins,
  PRINCIPALS.administrators,
];

/**
 * Every group a requester is in: the explicit ones, then the implicit `Authenticated Users` and `Domain Users`
 * (`Domain Computers` for an identity ending in `$`), without duplicates (compared case-insensitively).
 */
export function effectiveGroups(identity: string, ...groupLists: ReadonlyArray<readonly string[]>): string[] {
  const computer = identity.endsWith('$');
  const all = [
    ...groupLists.flat(),
    PRINCIPALS.authenticatedUsers,
    computer ? PRINCIPALS.domainComputers : PRINCIPALS.domainUsers,
  ];
  const seen = new Set<string>();
  return all.filter((group) => {
    const key = group.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when one of `groups` is an administrator group. */
export function isAdministrator(groups: readonly string[]): boolean {
  const wanted = new Set(ADMINISTRATOR_GROUPS.map((g) => g.toLowerCase()));
  return groups.some((group) => wanted.has(group.toLowerCase().replace(/^.*\\/, '')));
}
