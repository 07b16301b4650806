/** A request's `RequesterName` split into its parts. */
export interface RequesterName {
  /** The NetBIOS domain (`CERTEXIT`), or `undefined` when the name has no `DOMAIN\` part. */
  readonly domain: string | undefined;
  /** The account name as given (`alice`, `WS01$`). */
  readonly account: string;
}

/**
 * Splits `DOMAIN\sAMAccountName` (the form the CA records) at the first backslash. A name without a backslash
 * is taken as a bare account name.
 *
 * @example parseRequesterName('CERTEXIT\\alice') // { domain: 'CERTEXIT', account: 'alice' }
 */
export function parseRequesterName(requesterName: string): RequesterName {
  const at = requesterName.indexOf('\\');
  if (at < 0) return { domain: undefined, account: requesterName };
  return { domain: requesterName.slice(0, at), account: requesterName.slice(at + 1) };
}

/**
 * The `sAMAccountName` of the directory object a certificate belongs to: the account itself for user templates;
 * for machine templates the computer account, whose name ends in `$` (added when the requester name lacks it).
 *
 * @example samAccountNameFor('WS01', 'computer') // 'WS01$'
 */
export function samAccountNameFor(account: string, kind: 'user' | 'computer'): string {
  return kind === 'computer' && !account.endsWith('$') ? `${account}$` : account;
}
