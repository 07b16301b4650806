/** What the policy reads of a requester's directory object (AD's user or computer). */
export interface RequesterDirectoryEntry {
  readonly dn: string;
  readonly samAccountName: string;
  readonly cn: string | undefined;
  readonly userPrincipalName: string | undefined;
  readonly mail: string | undefined;
  readonly dnsHostName: string | undefined;
  /** `objectGUID`, 16 bytes as stored. */
  readonly objectGuid: Uint8Array | undefined;
  readonly servicePrincipalNames: readonly string[];
  /** The `sAMAccountName` of every group in the object's `tokenGroups` (transitive, the primary group included). */
  readonly groups: readonly string[];
  readonly isComputer: boolean;
  /** The DNS name of the object's domain, from the DC components of its DN (`certexit.test`). */
  readonly domainDnsName: string;
}

/** The outcome of a look-up: found, not there, no directory configured, or the directory failed. */
export type RequesterLookup =
  | { status: 'found'; entry: RequesterDirectoryEntry; server: string }
  | { status: 'not-found'; filter: string }
  | { status: 'not-configured' }
  | { status: 'failed'; error: { readonly hresult: number; readonly message: string } };

/**
 * Finds the requester `DOMAIN\name` in the CA's directory. The engine gives the policy one that searches
 * `CA\Directory` (`findRequesterInDirectory`); tests give their own.
 */
export type FindRequester = (requesterName: string) => Promise<RequesterLookup>;
