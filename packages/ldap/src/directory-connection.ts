import type { AccountLookup, AccountSchema } from './account-lookup';
import { accountLookup } from './account-lookup';
import type { DirectorySession } from './directory-session';
import { quietUnbind } from './directory-session';
import type { DirectoryWrites } from './directory-writes';
import { directoryWrites } from './directory-writes';

/** A bound connection to one directory server: account lookup and writes. */
export interface DirectoryConnection extends AccountLookup, DirectoryWrites {
  /** The URL of the server that accepted the connection. */
  readonly server: string;
  /** Unbinds; never throws. */
  close(): Promise<void>;
}

/** The connection of a bound session, finding accounts with `schema`. */
export function directoryConnection(session: DirectorySession, schema: AccountSchema): DirectoryConnection {
  return {
    server: session.server,
    ...accountLookup(session, schema),
    ...directoryWrites(session),
    async close() {
      await quietUnbind(session.client);
    },
  };
}
