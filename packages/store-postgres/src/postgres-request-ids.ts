import type { Pool } from 'pg';

/** The largest block of RequestIDs reserved at once. */
const _MOST = 256;

/**
 * RequestIDs from the requests' identity sequence, reserved in blocks so that a transaction has its ID without a
 * round trip and several transactions' rows can be sent together. A block is one ID while requests come one at a
 * time and doubles (up to 256) while they come in bursts, so a one-shot command uses one ID and a stopped node
 * leaves at most one block unused: RequestIDs stay unique across nodes (the sequence hands each out once), mostly
 * in order, with gaps where a node stopped or a block straddled another node's.
 */
export class PostgresRequestIds {
  private free: number[] = [];
  private filling: Promise<void> | undefined;
  private size = 1;
  private filledAt = 0;

  constructor(
    private readonly pool: Pool,
    /** The schema-qualified sequence behind `requests.request_id`. */
    private readonly sequence: string,
  ) {}

  /** The next RequestID of this process. */
  async next(): Promise<number> {
    while (this.free.length === 0) {
      this.filling ??= this.fill().finally(() => {
        this.filling = undefined;
      });
      await this.filling;
    }
    return this.free.shift()!;
  }

  private async fill(): Promise<void> {
    const now = performance.now();
    // Used up within 50 ms: a burst, reserve more; idle for seconds: back to one.
    if (this.filledAt > 0 && now - this.filledAt < 50) this.size = Math.min(_MOST, this.size * 2);
    else if (now - this.filledAt > 5_000) this.size = 1;
    this.filledAt = now;
    const r = await this.pool.query<{ id: number }>({
      name: 'certexit_reserve_request_ids',
      text: 'SELECT nextval($1::regclass) AS id FROM generate_series(1, $2)',
      values: [this.sequence, this.size],
    });
    this.free.push(...r.rows.map((row) => Number(row.id)).sort((a, b) => a - b));
  }
}
