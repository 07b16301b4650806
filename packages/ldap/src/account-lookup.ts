import type { Filter } from 'ldapts';
import { AndFilter, EqualityFilter, OrFilter } from 'ldapts';
import { batchWhileBusy } from './batch-while-busy';
import { DIRECTORY_ERROR_CODES, DIRECTORY_HRESULTS, DirectoryError } from './directory-error';
import type { DirectorySession, Entry } from './directory-session';
import { bounded, certificateValues } from './directory-session';
import { escapeFilterValue } from './escape-filter-value';
import { ldapCode, operationError } from './ldap-failure';

/** Which kind of directory object a certificate belongs to. */
export type AccountKind = 'user' | 'computer';

/** A directory object found for a requester. */
export interface DirectoryAccount {
  readonly dn: string;
  readonly kind: AccountKind;
  /** The certificates the object holds now (DER). */
  readonly userCertificates: readonly Uint8Array[];
}

/**
 * How accounts are found: the naming attribute and the object classes. AD (the default) uses `sAMAccountName`,
 * `user` and `computer`; an OpenLDAP tree of inetOrgPersons uses e.g. `uid` and `inetOrgPerson`.
 */
export interface AccountSchema {
  /** @default 'sAMAccountName' */
  readonly nameAttribute: string;
  /** @default 'user' (AD computers are users too) */
  readonly userObjectClass: string;
  /** @default 'computer' */
  readonly computerObjectClass: string;
}

/** Active Directory's {@link AccountSchema}. */
export const AD_ACCOUNT_SCHEMA: AccountSchema = {
  nameAttribute: 'sAMAccountName',
  userObjectClass: 'user',
  computerObjectClass: 'computer',
};

/** The search filter for an account, as an ldapts filter object and as escaped RFC 4515 text (for logs). */
export function accountFilter(
  accountName: string,
  kind: AccountKind,
  schema: AccountSchema = AD_ACCOUNT_SCHEMA,
): { filter: Filter; text: string } {
  return {
    filter: new AndFilter({
      filters: [
        _classFilter(kind, schema),
        new EqualityFilter({ attribute: schema.nameAttribute, value: accountName }),
      ],
    }),
    text: `(&(objectClass=${escapeFilterValue(_objectClass(kind, schema))})(${schema.nameAttribute}=${escapeFilterValue(accountName)}))`,
  };
}

/** Finding the directory object of a requester on a bound connection. */
export interface AccountLookup {
  /**
   * Finds the user or computer whose `sAMAccountName` is `samAccountName` under `baseDN` (subtree).
   * @returns the account, or `undefined` when nothing matches.
   * @throws a {@link DirectoryError} `ACCOUNT_AMBIGUOUS` when more than one object matches.
   */
  findAccount(baseDN: string, samAccountName: string, kind: AccountKind): Promise<DirectoryAccount | undefined>;
  /** Reads the object at `dn` if it exists and is of `kind`; `undefined` otherwise. */
  readAccount(dn: string, kind: AccountKind): Promise<DirectoryAccount | undefined>;
}

/**
 * The account lookup of a session. Lookups made while one is running go out as one search (an OR of the names): a
 * burst of publications sharing the connection costs the directory a search per batch instead of one per
 * certificate.
 */
export function accountLookup(session: DirectorySession, schema: AccountSchema): AccountLookup {
  const { server, client, attribute, bufferAttributes, timeoutMs, signal } = session;
  const toAccount = (entry: Entry, kind: AccountKind): DirectoryAccount => ({
    dn: entry.dn,
    kind,
    userCertificates: certificateValues(entry, bufferAttributes),
  });
  const lookups = new Map<string, (name: string) => Promise<(name: string) => Entry[]>>();
  const searchAccounts = async (
    baseDN: string,
    names: readonly string[],
    kind: AccountKind,
  ): Promise<(name: string) => Entry[]> => {
    const unique = [...new Set(names)];
    const single = unique.length === 1;
    // A lone lookup sends the plain account filter; a batch ORs the names and asks for them back, to sort the answers.
    const filter = single
      ? accountFilter(unique[0]!, kind, schema).filter
      : new AndFilter({
          filters: [
            _classFilter(kind, schema),
            new OrFilter({
              filters: unique.map((name) => new EqualityFilter({ attribute: schema.nameAttribute, value: name })),
            }),
          ],
        });
    const { searchEntries } = await bounded(timeoutMs, signal, () =>
      client.search(baseDN, {
        scope: 'sub',
        filter,
        attributes: single ? [attribute] : [attribute, schema.nameAttribute],
        explicitBufferAttributes: bufferAttributes,
      }),
    );
    return single ? () => searchEntries : (name) => _entriesNamed(searchEntries, schema.nameAttribute, name);
  };

  return {
    async findAccount(baseDN, samAccountName, kind) {
      const group = `${kind}\n${baseDN}`;
      let lookup = lookups.get(group);
      if (!lookup) {
        lookup = batchWhileBusy((names) => searchAccounts(baseDN, names, kind), _MAX_LOOKUP_BATCH);
        lookups.set(group, lookup);
      }
      const entries = await lookup(samAccountName)
        .then((matching) => matching(samAccountName))
        .catch((error: unknown) => {
          throw operationError(error, server, baseDN, `search ${accountFilter(samAccountName, kind, schema).text}`);
        });
      if (entries.length > 1) {
        const { text } = accountFilter(samAccountName, kind, schema);
        throw new DirectoryError({
          code: DIRECTORY_ERROR_CODES.ACCOUNT_AMBIGUOUS,
          hresult: DIRECTORY_HRESULTS.GENERIC,
          server,
          dn: baseDN,
          message: `${entries.length} objects match ${text} under ${baseDN} on ${server}: ${entries.map((e) => e.dn).join('; ')}`,
        });
      }
      return entries[0] && toAccount(entries[0], kind);
    },
    async readAccount(dn, kind) {
      try {
        const result = await bounded(timeoutMs, signal, () =>
          client.search(dn, {
            scope: 'base',
            filter: _classFilter(kind, schema),
            attributes: [attribute],
            explicitBufferAttributes: bufferAttributes,
          }),
        );
        return result.searchEntries[0] && toAccount(result.searchEntries[0], kind);
      } catch (error) {
        // noSuchObject, invalidDNSyntax: the caller falls back to the sAMAccountName search.
        if (ldapCode(error) === 32 || ldapCode(error) === 34) return undefined;
        throw operationError(error, server, dn, 'read');
      }
    },
  };
}

/** AD computers are also objectClass=user; objectClass=computer selects machine accounts only. */
function _objectClass(kind: AccountKind, schema: AccountSchema): string {
  return kind === 'computer' ? schema.computerObjectClass : schema.userObjectClass;
}

function _classFilter(kind: AccountKind, schema: AccountSchema): Filter {
  return new EqualityFilter({ attribute: 'objectClass', value: _objectClass(kind, schema) });
}

/** Lookups batched into one search, at most: the OR filter stays well inside directories' request limits. */
const _MAX_LOOKUP_BATCH = 100;

/**
 * The entries of a batched search that answer `name`: those whose naming attribute holds it exactly, else those
 * holding it in another case (AD's `sAMAccountName` and `uid` match without regard to case, and the directory
 * returns the stored spelling).
 */
function _entriesNamed(entries: readonly Entry[], nameAttribute: string, name: string): Entry[] {
  const wanted = nameAttribute.toLowerCase();
  const valuesOf = (entry: Entry): string[] => {
    for (const [key, value] of Object.entries(entry)) {
      if (key.toLowerCase() === wanted) return (Array.isArray(value) ? value : [value]).map(String);
    }
    return [];
  };
  const exact = entries.filter((entry) => valuesOf(entry).includes(name));
  if (exact.length > 0) return exact;
  const folded = name.toLowerCase();
  return entries.filter((entry) => valuesOf(entry).some((value) => value.toLowerCase() === folded));
}
