import type { ConnectionOptions } from 'node:tls';
import type { Attribute, Change, SearchOptions, SearchResult } from 'ldapts';
import { Client } from 'ldapts';

/**
 * The part of an LDAP client the directory publisher uses; ldapts' `Client` satisfies it as it is. A test may
 * inject a fake through {@link LdapClientFactory}.
 */
export interface LdapClientLike {
  bind(dn: string, password?: string): Promise<void>;
  startTLS(options?: ConnectionOptions): Promise<void>;
  search(baseDN: string, options?: SearchOptions): Promise<SearchResult>;
  modify(dn: string, changes: Change | Change[]): Promise<void>;
  /** Needed only by {@link DirectoryConnection.addEntry} (the engine's CDP/AIA publication); ldapts has it. */
  add?(dn: string, attributes: Attribute[]): Promise<void>;
  unbind(): Promise<void>;
}

/** What a {@link LdapClientFactory} is given for one server: ldapts' `ClientOptions` subset. */
export interface LdapClientOptions {
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  /** Per-operation timeout in milliseconds. */
  timeout: number;
  /** TCP (and, for ldaps://, TLS handshake) timeout in milliseconds. */
  connectTimeout: number;
  /** TLS options for `ldaps://` URLs only; StartTLS gets its options through `startTLS()`. */
  tlsOptions?: ConnectionOptions;
}

/** Creates one LDAP client per server attempt. @default (options) => new Client(options) (ldapts) */
export type LdapClientFactory = (options: LdapClientOptions) => LdapClientLike;

/** The default {@link LdapClientFactory}: an ldapts `Client`. */
export const defaultLdapClientFactory: LdapClientFactory = (options) => new Client(options);
