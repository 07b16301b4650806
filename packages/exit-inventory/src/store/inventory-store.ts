import type { InventoryEntry, InventoryExport } from './inventory-entry';

/**
 * Where the inventory keeps its entries. The SQLite store ({@link openSqliteInventoryStore}) is the one shipped; a
 * PostgreSQL store implements the same interface (every method is async for it). Implementations must make
 * `upsert` idempotent by (EventID, serial number) and give every applied change a sequence number that only grows,
 * which the export's cursor is made of.
 */
export interface InventoryStore {
  /**
   * Inserts the entry or replaces the one with its serial number. With an `eventId`, an event already applied to
   * this serial number changes nothing (a retried notification). Resolves to whether anything changed.
   */
  upsert(entry: Omit<InventoryEntry, 'updatedAt'>, eventId?: string): Promise<boolean>;
  /** The entry of a serial number (hex, any case). */
  get(serialNumber: string): Promise<InventoryEntry | undefined>;
  /**
   * Without `since`, a snapshot of every entry; with it, the entries changed after that cursor. Oldest change first,
   * at most `limit` entries.
   * @throws TypeError for a cursor this store did not give out.
   */
  exportSince(since?: string, options?: { limit?: number }): Promise<InventoryExport>;
  /**
   * The certificates that are still `issued` and whose `notAfter` falls within `withinDays` days after `now`
   * (not yet expired), soonest first.
   */
  expiring(withinDays: number, now?: Date): Promise<InventoryEntry[]>;
  /** A small named value the module keeps beside the entries (e.g. when the last expiry report was sent). */
  readMark(name: string): Promise<string | undefined>;
  writeMark(name: string, value: string): Promise<void>;
  close(): Promise<void>;
}
