import type { DirectoryPublicationItem, DirectoryPublicationResult } from './publish-to-ca-directory';

/**
 * LDAP publications that failed at a `CSURL_PUBLISHRETRY` location, kept for the next schedule round. One entry per
 * location: a newer value for the same location (the next CRL) replaces the one still waiting, and a success clears it.
 */
export class DirectoryRetryQueue {
  private readonly pending = new Map<string, DirectoryPublicationItem & { error: string; attempts: number }>();

  /** Takes the results of a publication: failures of retried items wait, successes clear their location. */
  record(
    items: ReadonlyArray<DirectoryPublicationItem & { retry: boolean }>,
    results: readonly DirectoryPublicationResult[],
  ): void {
    for (const result of results) {
      const item = items.find((i) => i.location === result.location);
      if (!item) continue;
      if ('status' in result) this.pending.delete(result.location);
      else if (item.retry) {
        const attempts = (this.pending.get(result.location)?.attempts ?? 0) + 1;
        this.pending.set(result.location, {
          location: item.location,
          der: item.der,
          mode: item.mode,
          error: result.error,
          attempts,
        });
      }
    }
  }

  /** What waits, without the bytes: location, last error, attempts so far. */
  list(): Array<{ location: string; error: string; attempts: number }> {
    return [...this.pending.values()].map(({ location, error, attempts }) => ({ location, error, attempts }));
  }

  /** The items to publish again, each with `retry` set. */
  items(): Array<DirectoryPublicationItem & { retry: boolean }> {
    return [...this.pending.values()].map(({ location, der, mode }) => ({ location, der, mode, retry: true }));
  }

  get size(): number {
    return this.pending.size;
  }
}
