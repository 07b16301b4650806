import type { Logger } from '@certexit/core';
import { DirectoryRetryQueue } from '../directory/directory-retry-queue';
import { publishToCaDirectory } from '../directory/publish-to-ca-directory';
import { addPeriod, deltaCrlsEnabled, readCrlScheduleSettings } from './crl-schedule-settings';
import type { CrlPublication, CrlPublishingServices } from './publish-crls';
import { publishCrls } from './publish-crls';

/** Options of {@link CrlScheduler}. */
export interface CrlSchedulerOptions {
  logger: Logger;
  /** Stops the schedule when aborted (an in-flight publication finishes first). */
  signal?: AbortSignal;
  /** Wait after a failed publication, as AD CS's CRL publication retry timer (MS-CSRA). @default 10 minutes */
  retryMs?: number;
  /** Longest single wait, so clock changes and new CA keys are noticed. @default 1 hour */
  maxWaitMs?: number;
  /**
   * How often a node that does not lead the schedule (another engine process sharing the database does) asks again
   * whether it may: when the leader stops, the next one to ask takes over within this. @default 15 seconds
   */
  followerCheckMs?: number;
}

/** What is due, and when the next thing is. */
export interface CrlScheduleState {
  /** What to publish now: `base` (with its delta) or `delta`; undefined when nothing is due. */
  due?: 'base' | 'delta';
  /** When the next publication is due (now, when something is due). */
  next: Date;
}

/**
 * Publishes CRLs when they are due, from what the database holds: a key with no base CRL is due at once; otherwise a
 * base is due at its Next CRL Publish time, and a delta at its own (or at once when delta CRLs are enabled and the
 * key has no delta over its latest base). Each publication is a `publishCrls` call: stored, written to the CRL
 * locations and announced with one `EXITEVENT_CRLISSUED`. A failure is logged and retried after `retryMs`. The CRL
 * periods are read at each publication; as on AD CS, a period change shows from the next publication on.
 *
 * Several engine nodes on one database each start a schedule; only the store's `crl-schedule` leader runs it (the
 * others ask again every `followerCheckMs`, and the first to ask after the leader stops takes over, publishing what
 * became due meanwhile at once).
 */
export class CrlScheduler {
  private loop: Promise<void> | undefined;
  private readonly controller = new AbortController();
  private wake: (() => void) | undefined;
  /** LDAP publications at `CSURL_PUBLISHRETRY` locations that failed, retried at each round until they succeed. */
  readonly directoryRetries = new DirectoryRetryQueue();

  constructor(
    private readonly engine: CrlPublishingServices,
    private readonly options: CrlSchedulerOptions,
  ) {
    options.signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  /** What is due at `now` and when the next publication is. */
  async state(now: Date = this.engine.now()): Promise<CrlScheduleState> {
    const { ca } = this.engine;
    const settings = readCrlScheduleSettings(ca);
    const deltas = deltaCrlsEnabled(settings);
    let base = Number.POSITIVE_INFINITY;
    let delta = Number.POSITIVE_INFINITY;
    for (const signer of await ca.crlSigningKeys(now)) {
      const latestBase = await ca.store.getLatestCrlInfo(signer.keyIndex, false);
      if (!latestBase) return { due: 'base', next: now };
      base = Math.min(base, _publishTime(latestBase, settings.clockSkewMinutes, settings.base).getTime());
      if (!deltas) continue;
      const latestDelta = await ca.store.getLatestCrlInfo(signer.keyIndex, true);
      delta =
        latestDelta && latestDelta.crlNumber > latestBase.crlNumber
          ? Math.min(delta, _publishTime(latestDelta, settings.clockSkewMinutes, settings.delta).getTime())
          : now.getTime();
    }
    if (base <= now.getTime()) return { due: 'base', next: now };
    if (delta <= now.getTime()) return { due: 'delta', next: now };
    const next = Math.min(base, delta);
    // No key publishes (every CA certificate expired or revoked): look again later.
    return { next: new Date(Number.isFinite(next) ? next : now.getTime() + (this.options.maxWaitMs ?? 3_600_000)) };
  }

  /** Publishes what is due now, if anything. */
  async runDue(): Promise<CrlPublication | undefined> {
    const { due } = await this.state();
    if (!due) {
      await this.retryDirectory();
      return undefined;
    }
    const publication = await publishCrls(this.engine, { delta: due === 'delta', retryQueue: this.directoryRetries });
    this.options.logger.info(
      {
        crls: publication.crls.map((c) => ({
          keyIndex: c.keyIndex,
          crlNumber: c.crlNumber,
          delta: c.isDelta,
          entries: c.entries,
        })),
        failures: publication.failures,
      },
      `published ${due} CRL${publication.crls.length === 1 ? '' : 's'}`,
    );
    for (const failure of publication.failures) {
      this.options.logger.warn(failure, `a CRL could not be written to ${failure.file}`);
    }
    for (const failure of publication.directoryFailures) {
      this.options.logger.warn(
        failure,
        `could not publish to ${failure.location}${failure.willRetry ? '; retrying at the next round' : ''}`,
      );
    }
    return publication;
  }

  /** Publishes again what waits in {@link directoryRetries}; failures stay for the next round. */
  async retryDirectory(): Promise<void> {
    if (this.directoryRetries.size === 0) return;
    const items = this.directoryRetries.items();
    let results: Awaited<ReturnType<typeof publishToCaDirectory>>;
    try {
      results = await publishToCaDirectory(this.engine.ca, items);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      results = items.map((i) => ({ location: i.location, error: reason }));
    }
    this.directoryRetries.record(items, results ?? []);
    const left = this.directoryRetries.list();
    if (left.length > 0) this.options.logger.warn({ pending: left }, 'LDAP publications still failing; retrying later');
    else this.options.logger.info({ locations: items.map((i) => i.location) }, 'LDAP publications retried');
  }

  /** Starts the schedule (once); returns this. */
  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Stops the schedule and waits for an in-flight publication to finish. */
  async stop(): Promise<void> {
    this.controller.abort();
    this.wake?.();
    await this.loop;
  }

  /** True while this process runs the schedule (see the class). */
  get leading(): boolean {
    return this.role === 'leading';
  }

  private role: 'unknown' | 'leading' | 'following' = 'unknown';

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      let waitMs: number;
      try {
        const leads = await this.engine.ca.store.leads('crl-schedule');
        const role = leads ? 'leading' : 'following';
        // Said when it changes; a lone node (the SQLite store) simply leads, unannounced.
        if (role !== this.role) {
          if (role === 'following')
            this.options.logger.info({}, 'another node runs the CRL schedule; this one takes over if it stops');
          else if (this.role === 'following') this.options.logger.info({}, 'this node runs the CRL schedule');
          this.role = role;
        }
        if (!leads) {
          await this.sleep(this.options.followerCheckMs ?? 15_000);
          continue;
        }
        if (await this.runDue()) continue;
        waitMs = (await this.state()).next.getTime() - this.engine.now().getTime();
        if (this.directoryRetries.size > 0) waitMs = Math.min(waitMs, this.options.retryMs ?? 600_000);
      } catch (error) {
        if (signal.aborted) break;
        waitMs = this.options.retryMs ?? 600_000;
        this.options.logger.error(
          { err: error instanceof Error ? error.message : String(error), retryInMs: waitMs },
          'CRL publication failed; retrying later',
        );
      }
      await this.sleep(Math.max(0, Math.min(waitMs, this.options.maxWaitMs ?? 3_600_000)));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.controller.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      // The schedule never keeps a process alive by itself.
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** The stored Next CRL Publish, or (for a CRL stored without one) thisUpdate + clock skew + the period. */
function _publishTime(
  crl: { thisUpdate: Date; nextPublish?: Date },
  clockSkewMinutes: number,
  period: { unit: string; count: number },
): Date {
  return crl.nextPublish ?? addPeriod(new Date(crl.thisUpdate.getTime() + clockSkewMinutes * 60_000), period);
}
