import pg from 'pg';

/**
 * The outbox channel's LISTEN side: one connection of its own, opened when the first listener comes and closed
 * with the last, calling every listener on each notification. A lost connection is opened again (after a second,
 * then up to 30 s); listeners are called once it is back, since what was notified meanwhile was missed.
 */
export class PostgresNotifications {
  private readonly listeners = new Set<() => void>();
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private backoffMs = 1_000;
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
  ) {}

  /** Calls `listener` on each notification; returns what stops it. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.retry) void this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.disconnect();
    };
  }

  close(): void {
    this.closed = true;
    this.disconnect();
  }

  private async connect(): Promise<void> {
    if (this.closed || this.listeners.size === 0) return;
    const client = new pg.Client(this.config);
    this.client = client;
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed || this.listeners.size === 0) return;
      this.retry = setTimeout(() => {
        this.retry = undefined;
        void this.connect();
      }, this.backoffMs);
      this.retry.unref();
      this.backoffMs = Math.min(30_000, this.backoffMs * 2);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.call());
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      // Listening again after a loss: what was notified meanwhile is looked for now.
      if (this.backoffMs > 1_000) this.call();
      this.backoffMs = 1_000;
      // The connection must not keep the process alive by itself.
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    } catch {
      lost();
    }
  }

  private disconnect(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }

  private call(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
