/**
 * Rows as last committed, by request ID, for reads that come in bursts: every exit module subscribed to an event
 * reads the same request and certificate row (three modules reading five properties each loaded and parsed each
 * row three times). The store keeps only committed state here (filled outside transactions), forgets a row when
 * it writes it, and clears everything when another connection has committed (PRAGMA data_version).
 *
 * Rows are shared by every reader, so they are frozen (with their property maps): values that leave the engine
 * through ICertServerExit are copied there.
 */
export class CommittedRowCache<Row extends object> {
  private readonly rows = new Map<number, Row>();

  /** @param capacity rows kept at most; the oldest go first. */
  constructor(private readonly capacity = 4096) {}

  get(id: number): Row | undefined {
    return this.rows.get(id);
  }

  /** Keeps a committed row and returns it, frozen. */
  keep(id: number, row: Row): Row {
    if (this.rows.size >= this.capacity) this.rows.delete(this.rows.keys().next().value as number);
    this.rows.set(id, _freeze(row));
    return row;
  }

  forget(id: number): void {
    this.rows.delete(id);
  }

  clear(): void {
    this.rows.clear();
  }
}

/** Freezes a row and its plain-object members (the property maps); typed arrays cannot be frozen. */
function _freeze<Row extends object>(row: Row): Row {
  for (const value of Object.values(row)) {
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      Object.freeze(value);
    }
  }
  return Object.freeze(row);
}
