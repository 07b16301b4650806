import { Attribute, Change } from 'ldapts';
import type { DirectoryAccount } from './account-lookup';
import type { DirectorySession } from './directory-session';
import { attributeVariants, bounded, certificateValues } from './directory-session';
import { configError, ldapCode, operationError } from './ldap-failure';

/**
 * Writing certificates and values to the directory on a bound connection. Every write is safe to repeat: a value
 * already there, or an entry that exists, counts as success.
 */
export interface DirectoryWrites {
  /**
   * Adds `der` to the account's certificate attribute. Publishing the same certificate again leaves one value:
   * an existing value is detected before the modify, and "attribute or value exists" (LDAP 20) counts as success.
   */
  addUserCertificate(account: DirectoryAccount, der: Uint8Array): Promise<'added' | 'already-present'>;
  /**
   * Removes `remove` from the account's certificate attribute and adds `der`, in one modify (delete values, then
   * add), so readers never see the object without a current certificate. When a concurrent writer already
   * removed a value (LDAP 16) or added `der` (LDAP 20), the changes are applied one by one, ignoring those two.
   * @returns whether `der` was added, and how many values were removed.
   */
  replaceUserCertificates(
    account: DirectoryAccount,
    der: Uint8Array,
    remove: readonly Uint8Array[],
  ): Promise<{ status: 'added' | 'already-present'; removed: number }>;
  /**
   * Reads the binary values of `attribute` (with or without `;binary`) of the object at `dn`, as a writer does
   * before it decides what to change.
   * @returns the values (empty when the attribute is absent), or `undefined` when the object does not exist.
   */
  readValues(dn: string, attribute: string): Promise<Uint8Array[] | undefined>;
  /**
   * Creates the object at `dn` with `attributes`; an existing object (LDAP 68) is left as it is.
   * @returns `'exists'` when the object was already there.
   */
  addEntry(
    dn: string,
    attributes: Readonly<Record<string, string | readonly (string | Uint8Array)[]>>,
  ): Promise<'added' | 'exists'>;
  /** Replaces every value of `attribute` of `dn` with `values` (one modify). */
  replaceValues(dn: string, attribute: string, values: readonly Uint8Array[]): Promise<void>;
  /** Adds `value` to `attribute` of `dn`, keeping the other values; a value already there counts as success. */
  addValue(dn: string, attribute: string, value: Uint8Array): Promise<'added' | 'already-present'>;
}

/** The writes of a session. */
export function directoryWrites(session: DirectorySession): DirectoryWrites {
  const { server, client, attribute, timeoutMs, signal } = session;
  const run = <T>(dn: string, what: string, operation: () => Promise<T>): Promise<T> =>
    bounded(timeoutMs, signal, operation).catch((error: unknown) => {
      throw operationError(error, server, dn, what);
    });
  return {
    async addUserCertificate(account, der) {
      const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
      if (account.userCertificates.some((value) => Buffer.compare(Buffer.from(value), bytes) === 0)) {
        return 'already-present';
      }
      try {
        await bounded(timeoutMs, signal, () =>
          client.modify(
            account.dn,
            new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [bytes] }) }),
          ),
        );
        return 'added';
      } catch (error) {
        if (ldapCode(error) === 20) return 'already-present'; // attributeOrValueExists
        throw operationError(error, server, account.dn, `add ${attribute} to`);
      }
    },
    async replaceUserCertificates(account, der, remove) {
      if (remove.length === 0) return { status: await this.addUserCertificate(account, der), removed: 0 };
      const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
      const present = account.userCertificates.some((value) => Buffer.compare(Buffer.from(value), bytes) === 0);
      const deletes = remove.map(
        (value) =>
          new Change({
            operation: 'delete',
            modification: new Attribute({ type: attribute, values: [Buffer.from(value)] }),
          }),
      );
      const add = new Change({ operation: 'add', modification: new Attribute({ type: attribute, values: [bytes] }) });
      const modify = (changes: Change[]) => bounded(timeoutMs, signal, () => client.modify(account.dn, changes));
      try {
        await modify(present ? deletes : [...deletes, add]);
        return { status: present ? 'already-present' : 'added', removed: deletes.length };
      } catch (error) {
        const code = ldapCode(error);
        if (code !== 16 && code !== 20) throw operationError(error, server, account.dn, `update ${attribute} of`);
      }
      let removed = 0;
      for (const change of deletes) {
        try {
          await modify([change]);
          removed++;
        } catch (error) {
          if (ldapCode(error) !== 16)
            throw operationError(error, server, account.dn, `remove a value of ${attribute} from`);
        }
      }
      return { status: present ? 'already-present' : await this.addUserCertificate(account, der), removed };
    },
    async readValues(dn, name) {
      const variants = attributeVariants(name);
      try {
        const result = await bounded(timeoutMs, signal, () =>
          client.search(dn, { scope: 'base', attributes: [name], explicitBufferAttributes: variants }),
        );
        const entry = result.searchEntries[0];
        return entry && certificateValues(entry, variants);
      } catch (error) {
        if (ldapCode(error) === 32) return undefined; // noSuchObject
        throw operationError(error, server, dn, `read ${name} of`);
      }
    },
    async addEntry(dn, attributes) {
      if (!client.add) {
        throw configError(`the LDAP client cannot add entries, so ${dn} cannot be created on ${server}`);
      }
      const list = Object.entries(attributes).map(
        ([type, value]) =>
          new Attribute({
            type,
            // ldapts wants one kind per attribute: all strings, or all buffers.
            values:
              typeof value === 'string'
                ? [value]
                : value.every((v) => typeof v === 'string')
                  ? [...(value as readonly string[])]
                  : value.map((v) => Buffer.from(v)),
          }),
      );
      try {
        await bounded(timeoutMs, signal, () => client.add!(dn, list));
        return 'added';
      } catch (error) {
        if (ldapCode(error) === 68) return 'exists'; // entryAlreadyExists
        throw operationError(error, server, dn, 'create');
      }
    },
    async replaceValues(dn, name, values) {
      const change = new Change({
        operation: 'replace',
        modification: new Attribute({ type: name, values: values.map((v) => Buffer.from(v)) }),
      });
      await run(dn, `replace ${name} of`, () => client.modify(dn, change));
    },
    async addValue(dn, name, value) {
      const change = new Change({
        operation: 'add',
        modification: new Attribute({ type: name, values: [Buffer.from(value)] }),
      });
      try {
        await bounded(timeoutMs, signal, () => client.modify(dn, change));
        return 'added';
      } catch (error) {
        if (ldapCode(error) === 20) return 'already-present'; // attributeOrValueExists
        throw operationError(error, server, dn, `add a value to ${name} of`);
      }
    },
  };
}
