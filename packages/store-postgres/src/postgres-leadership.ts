import pg from 'pg';
import { POSTGRES_LOCKS } from './postgres-lock-keys';

/**
 * Leadership among the processes sharing a CA's schema: a session advisory lock held on a connection of its own.
 * The first process to ask takes it and leads until it closes or loses that connection (PostgreSQL then releases
 * the lock); the others' next ask takes it over.
 */
export class PostgresLeadership {
  private client: pg.Client | undefined;
  private held = false;
  private asking: Promise<boolean> | undefined;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly lockKey: number,
  ) {}

  /** True while this process leads the CRL schedule (taking the lead when it is free). */
  leads(): Promise<boolean> {
    if (this.held) return Promise.resolve(true);
    this.asking ??= this.ask().finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.held = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async ask(): Promise<boolean> {
    if (this.closed) return false;
    try {
      if (!this.client) {
        const client = new pg.Client(this.config);
        const lost = () => {
          if (this.client !== client) return;
          this.client = undefined;
          this.held = false;
          client.end().catch(() => undefined);
        };
        client.on('error', lost);
        client.on('end', lost);
        await client.connect();
        (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
        this.client = client;
      }
      const r = await this.client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', [
        this.lockKey,
        POSTGRES_LOCKS.crlSchedule,
      ]);
      this.held = r.rows[0]?.held === true;
      return this.held;
    } catch {
      // Cannot tell: not leading is the safe answer (the schedule waits and asks again).
      this.held = false;
      return false;
    }
  }
}
