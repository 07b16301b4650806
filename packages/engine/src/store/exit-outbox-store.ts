/**
 * Where one notification is: `pending` (waiting, maybe in backoff), `delivering` (claimed by a process until its
 * lease ends), `done`, or `dead` (dead-lettered after the maximum attempts; an operator may retry it).
 */
export type OutboxStatus = 'pending' | 'delivering' | 'done' | 'dead';

/** One row of the exit outbox: one exit event for one subscribed module. */
export interface OutboxRow {
  readonly id: number;
  readonly progId: string;
  /** The `exit_events` id: the stable event identifier, the same for every attempt and every module. */
  readonly eventId: number;
  readonly event: number;
  readonly context: number;
  readonly status: OutboxStatus;
  /** Calls made so far (a claim counts as one). */
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastHresult?: number;
  readonly lastError?: string;
  /** Why a `dead` row was dead-lettered: a permanent failure (at once), or the attempts used up. */
  readonly deadReason?: string;
  /** The operator's replay that made this row (`certexit module replay`), if one did. */
  readonly replayId?: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Counts for operators: rows by module, status and age bucket, with the oldest row's creation time. */
export interface OutboxCount {
  readonly progId: string;
  readonly status: OutboxStatus;
  /** `<1m`, `1m-1h`, `1h-1d` or `>1d`, by creation time. */
  readonly age: string;
  readonly count: number;
  readonly oldestAt: Date;
}

/**
 * Rows in delivery held by one claim owner for one module: who holds what, for operators (`module queue`, the
 * metrics). An owner is `host:pid:random` (an engine process, or its exit-module thread); its node is `host:pid`.
 */
export interface OutboxLease {
  readonly owner: string;
  readonly progId: string;
  readonly rows: number;
  /** The earliest lease deadline among them: when another node may take the first of them over. */
  readonly leaseUntil: Date;
}

/** What a claim takes. */
export interface OutboxClaim {
  readonly now: Date;
  readonly limit: number;
  /** Who holds the claimed rows (a process token); recovery releases rows of owners that are gone. */
  readonly owner: string;
  readonly leaseUntil: Date;
  /** Only these events (a one-shot CLI command delivers only its own). */
  readonly eventIds?: readonly number[];
}

/** What {@link ExitOutboxStore.replay} is asked. */
export interface OutboxReplayRequest {
  readonly progId: string;
  /** The first exit event (`exit_events` id) to deliver again. */
  readonly sinceEventId: number;
  /** Only events with a bit of this mask. */
  readonly eventMask: number;
  /** At most this many events; the answer says whether more match. */
  readonly limit: number;
  /** The module's EventIDs are `<sanitizedCaName>/<n>`: their `delivery`-scoped idempotency records are forgotten. */
  readonly sanitizedCaName: string;
  readonly requestedBy?: string;
  readonly now: Date;
}

/** What a replay made. */
export interface OutboxReplay {
  readonly replayId: number;
  /** Events given an outbox row for the module. */
  readonly events: number;
  /** Events skipped because the module already has an open row for them (a replay or delivery in progress). */
  readonly alreadyOpen: number;
  readonly firstEventId?: number;
  readonly lastEventId?: number;
  /** The next matching event after this replay's last, when more match than `limit`. */
  readonly nextEventId?: number;
}

/** A replay with its rows' progress, for operators. */
export interface OutboxReplaySummary {
  readonly replayId: number;
  readonly progId: string;
  readonly sinceEventId: number;
  readonly untilEventId: number;
  readonly eventMask: number;
  readonly events: number;
  readonly requestedBy?: string;
  readonly createdAt: Date;
  /** Its rows by status now (delivered rows are pruned after the retention period). */
  readonly open: number;
  readonly done: number;
  readonly dead: number;
}

/**
 * The exit outbox's queries. Rows are written by `recordExitEvent` in the state change's transaction; everything
 * here runs in transactions of its own. A row is claimable only when no earlier open (pending or delivering) row
 * of the same (module, context) exists, so one request's events reach a module in order.
 */
export interface ExitOutboxStore {
  /** Claims due rows heading their (module, context), oldest first: status `delivering`, attempts + 1. */
  claim(progId: string, claim: OutboxClaim): Promise<OutboxRow[]>;
  /** Marks a claimed row done; ignored when the row is no longer this owner's (dropped, or taken back). */
  complete(id: number, owner: string, hresult: number, now: Date): Promise<void>;
  /** Marks several claimed rows done in one transaction (see {@link ExitOutboxStore.complete}). */
  completeAll(done: ReadonlyArray<{ id: number; hresult: number }>, owner: string, now: Date): Promise<void>;
  /** Records a failed attempt: back to `pending` at `nextAttemptAt`, or `dead`. */
  fail(
    id: number,
    owner: string,
    failure: { hresult: number; error: string; nextAttemptAt: Date; dead: boolean; deadReason?: string; now: Date },
  ): Promise<void>;
  /**
   * Records a failed attempt for the row of `progId` and `context` that is being delivered, whatever its owner: its
   * host died inside the call (an exit-module thread that a module blocked or ran out of memory). Back to `pending`
   * at `nextAttemptAt(attempts)`, or `dead` once it has had `maxAttempts` attempts. Answers what became of it and
   * its event; undefined when no such row is being delivered.
   */
  failDelivering(
    progId: string,
    context: number,
    failure: {
      hresult: number;
      error: string;
      maxAttempts: number;
      nextAttemptAt: (attempts: number) => Date;
      now: Date;
    },
  ): Promise<{ fate: 'pending' | 'dead'; event: number } | undefined>;
  /**
   * Gives claimed rows that were never called back (pending, due now, the claim's attempt undone): a lane's
   * read-ahead when its breaker opens or it stops.
   */
  unclaim(ids: readonly number[], owner: string, now: Date): Promise<number>;
  /** Gives an owner's claimed rows back (pending, due now), e.g. on stop with calls still in flight. */
  release(owner: string, now: Date): Promise<number>;
  /**
   * Takes back rows whose claim lapsed or whose owner is gone (a crashed process, or an earlier exit-module thread
   * of this one; see `claimOwnerIsGone`): pending, due now. The rows of `self` stay.
   */
  recover(now: Date, self: string): Promise<number>;
  /** When the module's next pending row in backoff becomes due (the first due time after `now`), if it has one. */
  nextDueAfter(progId: string, now: Date): Promise<Date | undefined>;
  /** Rows for operators, oldest first; done rows only when asked for by status. */
  list(filter?: { progId?: string; status?: OutboxStatus; limit?: number }): Promise<OutboxRow[]>;
  get(id: number): Promise<OutboxRow | undefined>;
  counts(now: Date, progId?: string): Promise<OutboxCount[]>;
  /** Open rows (pending or delivering) and the oldest one's creation time, per module: for the metrics. */
  depth(): Promise<Array<{ progId: string; open: number; oldestAt?: Date }>>;
  /**
   * Makes dead and pending rows (one by id, or every one of a module) due now with a fresh attempt count, and answers
   * them as they are now; `delivering` and `done` rows are left.
   */
  retry(target: { id: number } | { progId: string }, now: Date): Promise<OutboxRow[]>;
  /** Deletes a row that is not being delivered; false when there is no such row or it is in flight. */
  drop(id: number): Promise<boolean>;
  /** Deletes delivered (`done`) rows last updated before `doneBefore`; returns how many. Open and dead rows stay. */
  prune(doneBefore: Date): Promise<number>;
  /**
   * Delivers past events to a module again (an operator's replay): one new row per matching event from
   * `sinceEventId` on, oldest first, at most `limit`, each with its original event id (so the same `EventID`), due
   * now; events the module already has an open row for are left out. In the same transaction the module's
   * `delivery`-scoped idempotency records of those events are forgotten, so the replayed deliveries act again
   * (`event`-scoped ones, a mail, stay).
   */
  replay(request: OutboxReplayRequest): Promise<OutboxReplay>;
  /** Replays, newest first, with their rows' progress. */
  replays(filter?: { progId?: string; limit?: number }): Promise<OutboxReplaySummary[]>;
  /** The first exit event recorded at or after `when`, if any. */
  firstEventSince(when: Date): Promise<number | undefined>;
  /** The rows of one exit event (one per subscribed module). */
  forEvent(eventId: number): Promise<OutboxRow[]>;
  /** The newest exit event of this kind and context, for a caller that just committed it. */
  latestEventId(event: number, context: number): Promise<number | undefined>;
  /** Rows in delivery by owner and module (see {@link OutboxLease}). */
  leases(): Promise<OutboxLease[]>;
  /**
   * Calls `listener` when another process sharing the database committed outbox work (PostgreSQL's LISTEN/NOTIFY),
   * so idle lanes wake at once instead of at the next poll; returns what stops it. A store no other process writes
   * to at the same time as a server (SQLite) never calls it: the poll finds the CLI's rows.
   */
  watch(listener: () => void): () => void;
}
