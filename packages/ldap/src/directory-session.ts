import type { SearchResult } from 'ldapts';
import type { LdapClientLike } from './ldap-client';

/** An entry of a search result. */
export type Entry = SearchResult['searchEntries'][number];

/** A bound client and what every operation on it needs: the server, the certificate attribute, the limits. */
export interface DirectorySession {
  /** The URL of the server the client is bound to. */
  readonly server: string;
  readonly client: LdapClientLike;
  /** The attribute certificates go to (`userCertificate`, `userCertificate;binary`). */
  readonly attribute: string;
  /** The names a server may answer for {@link attribute}, read as binary. */
  readonly bufferAttributes: string[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs `operation` within `ms`, and until `signal` aborts: a timeout rejects with "operation timed out", an abort
 * with an `ABORT_ERR`.
 */
export async function bounded<T>(ms: number, signal: AbortSignal | undefined, operation: () => Promise<T>): Promise<T> {
  if (signal?.aborted) throw abortError();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      operation(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`operation timed out after ${ms} ms`)), ms);
        onAbort = () => reject(abortError());
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

export function abortError(): Error {
  return Object.assign(new Error('the host stopped'), { code: 'ABORT_ERR' });
}

/** Unbinds within a second; never throws. */
export async function quietUnbind(client: LdapClientLike): Promise<void> {
  try {
    await Promise.race([client.unbind(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  } catch {
    // The connection may already be gone; nothing to clean up.
  }
}

/** The attribute names a server may answer for `attribute` (case and `;binary` vary between servers). */
export function attributeVariants(attribute: string): string[] {
  const base = attribute.replace(/;binary$/i, '');
  const names = [attribute, base, `${base};binary`];
  return [...new Set([...names, ...names.map((n) => n.toLowerCase())])];
}

/** The binary values of an entry's attribute, under any of its `variants` names. */
export function certificateValues(entry: Entry, variants: readonly string[]): Uint8Array[] {
  const wanted = new Set(variants.map((v) => v.toLowerCase()));
  const values: Uint8Array[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'dn' || !wanted.has(key.toLowerCase())) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (Buffer.isBuffer(item)) values.push(new Uint8Array(item));
    }
  }
  return values;
}
