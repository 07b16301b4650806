import { createHash, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import type { RegistryKeyDeclaration, RegistryTree } from '@certexit/core';
import { declareRegistryValues, isRegistrySubtree } from '@certexit/core';
import type { RegistryFile } from '@certexit/engine';
import { sanitizeCaName } from '@certexit/engine';
import {
  hashCallerToken,
  isCallerTokenHash,
  newCallerToken,
  presentedTokenDigest,
  storedTokenDigest,
  tokenDigestsMatch,
} from './caller-token';

/**
 * What a caller may do, after AD CS's roles:
 * - `requester`: submits and reads its own requests and certificates;
 * - `officer`: AD CS's Certificate Manager ("Issue and Manage Certificates"): also sees every request, approves,
 *   denies, revokes and unrevokes, and reads the CA's settings and exit queues;
 * - `manager`: AD CS's CA Administrator ("Manage CA") with the officer's rights, as AD CS grants both to
 *   administrators by default: also changes the CA's settings (extensions, exit module, policy, CRL schedule,
 *   templates), publishes CRLs and steers exit-module delivery.
 */
export type CallerRole = 'requester' | 'officer' | 'manager';

/** The roles, in the order of their rights. */
export const CALLER_ROLES: readonly CallerRole[] = ['requester', 'officer', 'manager'];

/** True when `role` has at least the rights of `needed`. */
export function roleAtLeast(role: CallerRole, needed: CallerRole): boolean {
  return CALLER_ROLES.indexOf(role) >= CALLER_ROLES.indexOf(needed);
}

/**
 * The credential a caller signed in with, as a hash: a console session keeps it and is valid only while the caller
 * still has it (a new token from `caller add`, or `caller remove`, ends the caller's sessions at their next request).
 */
export type CallerCredential = { kind: 'token' | 'certificate'; hash: string };

/** An authenticated caller of the HTTP API. */
export interface Caller {
  /** `DOMAIN\user`, recorded as the requester name or officer of what the caller does. */
  readonly identity: string;
  readonly role: CallerRole;
  /**
   * The groups the caller is in by the CA's records (`caller add --group`), which template permissions name
   * (`Domain Admins`, `PKI Web Admins`, …); an enterprise CA adds the caller's directory groups.
   */
  readonly groups: readonly string[];
}

/** A caller as `caller list` shows it: never the token or its hash. */
export interface CallerEntry extends Caller {
  readonly created?: string;
  /** SHA-256 of the TLS client certificate bound to the caller (public, like a thumbprint), if any. */
  readonly certificateSha256?: string;
}

/** The key under the CA's configuration key that holds the callers, one subkey each. */
export const REGKEY_CALLERS = 'Callers';

const _MANAGED = 'managed by certexit caller add|remove';

/** The `Callers` key as certexit declares it: one subkey per caller, written only by `certexit caller`. */
export const CALLERS_KEY: RegistryKeyDeclaration = {
  values: {},
  subkeys: {
    '*': {
      values: declareRegistryValues({
        Identity: { type: 'REG_SZ', readOnly: _MANAGED, meaning: 'DOMAIN\\user, recorded as requester or officer.' },
        Role: { type: 'REG_SZ', readOnly: _MANAGED, meaning: 'requester or manager.' },
        Created: { type: 'REG_SZ', readOnly: _MANAGED, meaning: 'When the caller was added.' },
        TokenHash: { type: 'REG_SZ', readOnly: _MANAGED, meaning: "SHA-256 of the caller's bearer token." },
        CertificateHash: {
          type: 'REG_SZ',
          readOnly: _MANAGED,
          meaning: "SHA-256 of the caller's TLS client certificate.",
        },
      }),
    },
  },
};

/** The value holding `sha256:<hex>` of a caller's TLS client certificate. */
const VALUE_CERTIFICATE = 'CertificateHash';

/** The REG_MULTI_SZ of a caller's groups. */
const VALUE_GROUPS = 'Groups';

// A group name: printable, no control characters, no separators that break the registry list or logs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const _GROUP = /^[^\u0000-\u001f\u007f"/[\]:;|=,+*?<>]{1,256}$/;

/** Throws a clear error unless `group` is a usable group name. */
export function assertGroupName(group: string): void {
  if (!_GROUP.test(group) || group.trim() !== group)
    throw new Error(
      `${JSON.stringify(group)} is not a group name (1 to 256 characters, no control characters, no "/[]:;|=,+*?<>, no leading or trailing space)`,
    );
}

// NetBIOS-style domain, then a SAM-style user name: no control characters, no separators that break logs or filters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const _IDENTITY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\\[^\\/"[\]:;|=,+*?<>\u0000-\u001f\u007f]{1,104}$/;

/** Throws a clear error unless `identity` is `DOMAIN\user`. */
export function assertCallerIdentity(identity: string): void {
  if (!_IDENTITY.test(identity)) {
    throw new Error(
      `${JSON.stringify(identity)} is not DOMAIN\\user (a domain of letters, digits, . _ -, a backslash, then a user name without control characters or "/[]:;|=,+*?<>)`,
    );
  }
}

/** Throws a clear error unless `role` is a caller role. */
export function assertCallerRole(role: string): asserts role is CallerRole {
  if (!(CALLER_ROLES as readonly string[]).includes(role))
    throw new Error(`role ${JSON.stringify(role)} is not one of ${CALLER_ROLES.join(', ')}`);
}

/**
 * The callers of the HTTP API, kept in the registry-shaped configuration under `<CA key>\Callers\<identity>` with the
 * values `Identity`, `Role`, `TokenHash`, `Created` and optionally `CertificateHash` (the subkey name is the identity sanitized as AD CS sanitizes
 * names, since `\` separates keys). Only a hash of each token is stored. A running server sees callers that the
 * CLI adds or removes: it re-reads the configuration file when the file changes.
 */
export class CallerDirectory {
  private seenSignature: string | undefined;
  private lookedThisTurn = false;
  // The callers as parsed from the registry, kept until the registry changes (a reload or a save): every API
  // request authenticates against them.
  private parsed: { generation: number; entries: readonly _Entry[] } | undefined;

  constructor(
    private readonly registry: RegistryFile,
    /** `...\Configuration\<CA>`. */
    private readonly caKeyPath: string,
  ) {}

  /**
   * Adds a caller (or replaces its token, role and certificate) and returns the new token, which is shown only
   * this once. With `certificate` (DER), a TLS client certificate that verifies against the server's client CA and
   * has exactly these bytes also authenticates the caller (mutual TLS), without a token.
   */
  add(
    identity: string,
    role: string,
    options: { certificate?: Uint8Array; groups?: readonly string[] } = {},
  ): { caller: Caller; token: string; replaced: boolean } {
    assertCallerIdentity(identity);
    assertCallerRole(role);
    const groups = [...new Set(options.groups ?? [])];
    for (const group of groups) assertGroupName(group);
    const existing = this.find(identity);
    const token = newCallerToken();
    const key = this.keyOf(identity);
    // Old credentials go first and new ones come last, so no token or certificate is ever valid with a role or
    // identity it was not issued for, even to a server reading the file between two of these writes.
    if (existing) {
      this.registry.delete(`${key}\\TokenHash`);
      this.registry.delete(`${key}\\${VALUE_CERTIFICATE}`);
    }
    this.registry.setValue(`${key}\\Identity`, identity);
    this.registry.setValue(`${key}\\Role`, role);
    this.registry.setValue(`${key}\\Created`, new Date().toISOString());
    this.registry.setValue(`${key}\\${VALUE_GROUPS}`, groups);
    this.registry.setValue(`${key}\\TokenHash`, hashCallerToken(token));
    if (options.certificate)
      this.registry.setValue(`${key}\\${VALUE_CERTIFICATE}`, _certificateHash(options.certificate));
    return { caller: { identity, role, groups }, token, replaced: existing !== undefined };
  }

  /**
   * Edits a caller's groups certutil-style (`+Group` adds, `-Group` removes, bare names replace the list); the token
   * and role stay. Takes effect at the caller's next request.
   * @returns the new list
   */
  editGroups(identity: string, edits: readonly string[]): string[] {
    const found = this.find(identity);
    if (!found) throw new Error(`${identity} is not a caller (see "certexit caller list")`);
    const replace = !edits.every((e) => e.startsWith('+') || e.startsWith('-'));
    let groups = replace ? [] : [...found.groups];
    for (const edit of edits) {
      const name = replace ? edit : edit.slice(1);
      assertGroupName(name);
      groups = groups.filter((g) => g.toLowerCase() !== name.toLowerCase());
      if (replace || edit.startsWith('+')) groups.push(name);
    }
    this.registry.setValue(`${this.callersPath()}\\${found.keyName}\\${VALUE_GROUPS}`, groups);
    return groups;
  }

  /** The groups of a registered caller (empty for an identity that is not a caller). */
  groupsOf(identity: string): readonly string[] {
    return this.find(identity)?.groups ?? [];
  }

  /** Removes a caller; true when it existed. Its token stops working at once. */
  remove(identity: string): boolean {
    const found = this.find(identity);
    return found ? this.registry.delete(`${this.callersPath()}\\${found.keyName}`) : false;
  }

  /** Every caller, without secrets, sorted by identity. */
  list(): CallerEntry[] {
    return this.entries()
      .map(({ identity, role, groups, created, certificateHash }) => ({
        identity,
        role,
        groups,
        ...(created && { created }),
        ...(certificateHash && { certificateSha256: certificateHash.slice('sha256:'.length) }),
      }))
      .sort((a, b) => a.identity.localeCompare(b.identity));
  }

  /**
   * The caller a bearer token belongs to, or `undefined`. Every stored hash is compared in constant time, with no
   * early exit, so the answer's timing says nothing about which entry (or how much of one) matched.
   */
  authenticate(token: string): Caller | undefined {
    this.refresh();
    const presented = presentedTokenDigest(token);
    let match: Caller | undefined;
    for (const entry of this.entries()) {
      if (tokenDigestsMatch(presented, entry.tokenDigest) && match === undefined)
        match = { identity: entry.identity, role: entry.role, groups: entry.groups };
    }
    return match;
  }

  /**
   * The caller a verified TLS client certificate (DER) is bound to, or `undefined`; compared like tokens, every
   * entry in constant time. The caller of this method checks that the certificate verified against the client CA.
   */
  authenticateCertificate(certificate: Uint8Array): Caller | undefined {
    this.refresh();
    const presented = Buffer.from(_certificateHash(certificate).slice('sha256:'.length), 'hex');
    let match: Caller | undefined;
    for (const entry of this.entries()) {
      const stored = entry.certificateHash
        ? Buffer.from(entry.certificateHash.slice('sha256:'.length), 'hex')
        : undefined;
      if (stored?.length === 32 && timingSafeEqual(presented, stored) && match === undefined)
        match = { identity: entry.identity, role: entry.role, groups: entry.groups };
    }
    return match;
  }

  /**
   * The caller holding a credential {@link credentialOf} gave earlier, as the configuration says now: `undefined`
   * once the caller was removed or its token or certificate replaced; its role as it is now.
   */
  current(identity: string, credential: CallerCredential): Caller | undefined {
    this.refresh();
    const wanted = identity.toLowerCase();
    const entry = this.entries().find((e) => e.identity.toLowerCase() === wanted);
    const stored = entry && (credential.kind === 'token' ? entry.tokenHash : entry.certificateHash);
    if (!entry || !stored) return undefined;
    const a = Buffer.from(stored);
    const b = Buffer.from(credential.hash);
    return a.length === b.length && timingSafeEqual(a, b)
      ? { identity: entry.identity, role: entry.role, groups: entry.groups }
      : undefined;
  }

  /** The stored form of a credential just authenticated with, for {@link current}. */
  credentialOf(presented: { token: string } | { certificate: Uint8Array }): CallerCredential {
    return 'token' in presented
      ? { kind: 'token', hash: hashCallerToken(presented.token) }
      : { kind: 'certificate', hash: _certificateHash(presented.certificate) };
  }

  /**
   * Re-reads the configuration file when another process (the CLI) changed it since the last look. File times
   * are coarse (a few ms), so a file changed in the last two seconds is re-read every time, as git does for
   * "racily clean" entries: a removed caller is never accepted because two writes fell in one tick.
   *
   * It looks once per turn of the event loop: the requests a turn authenticates were read from their sockets in it,
   * so a change finished before they came is seen by its first look, and a `stat` per request is a system call on
   * the thread that serves every request.
   */
  refresh(): void {
    if (this.lookedThisTurn) return;
    this.lookedThisTurn = true;
    setImmediate(() => {
      this.lookedThisTurn = false;
    }).unref();
    let signature: string;
    let racy: boolean;
    try {
      const stat = statSync(this.registry.file);
      signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
      racy = Date.now() - stat.mtimeMs < 2000;
    } catch {
      return;
    }
    // The first look re-reads too: the file may have changed between opening the CA and now.
    if (racy || signature !== this.seenSignature) this.registry.reload();
    this.seenSignature = signature;
  }

  private find(identity: string): { keyName: string; groups: readonly string[] } | undefined {
    const wanted = identity.toLowerCase();
    return this.entries().find((e) => e.identity.toLowerCase() === wanted);
  }

  private entries(): readonly _Entry[] {
    const generation = this.registry.generation;
    if (this.parsed?.generation !== generation) this.parsed = { generation, entries: this.parseEntries() };
    return this.parsed.entries;
  }

  private parseEntries(): _Entry[] {
    const callers: RegistryTree = this.registry.getKey(this.callersPath()) ?? {};
    const out: _Entry[] = [];
    for (const [keyName, key] of Object.entries(callers)) {
      if (!isRegistrySubtree(key)) continue;
      const identity = _text(key, 'Identity');
      const role = _text(key, 'Role');
      const tokenHash = _text(key, 'TokenHash');
      // An entry edited by hand into an unknown shape authenticates nobody rather than failing every request.
      if (!identity || !role || !(CALLER_ROLES as readonly string[]).includes(role)) continue;
      if (!tokenHash || !isCallerTokenHash(tokenHash)) continue;
      const certificateHash = _text(key, VALUE_CERTIFICATE);
      const groupsValue = Object.entries(key).find(([k]) => k.toLowerCase() === VALUE_GROUPS.toLowerCase())?.[1];
      const groups = Array.isArray(groupsValue) ? groupsValue.map(String).filter((g) => _GROUP.test(g)) : [];
      out.push({
        keyName,
        identity,
        role: role as CallerRole,
        groups,
        tokenHash,
        tokenDigest: storedTokenDigest(tokenHash),
        created: _text(key, 'Created'),
        certificateHash: certificateHash && isCallerTokenHash(certificateHash) ? certificateHash : undefined,
      });
    }
    return out;
  }

  private callersPath(): string {
    return `${this.caKeyPath}\\${REGKEY_CALLERS}`;
  }

  private keyOf(identity: string): string {
    return `${this.callersPath()}\\${sanitizeCaName(identity)}`;
  }
}

interface _Entry extends Caller {
  keyName: string;
  tokenHash: string;
  tokenDigest: Buffer | undefined;
  created?: string;
  certificateHash?: string;
}

/** `sha256:<hex>` of a certificate's DER, the form `CertificateHash` keeps. */
function _certificateHash(der: Uint8Array): string {
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

function _text(key: RegistryTree, name: string): string | undefined {
  const found = Object.entries(key).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return typeof found === 'string' && found !== '' ? found : undefined;
}
