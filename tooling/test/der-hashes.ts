import { createHash } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

/**
 * SHA-256 (hex) of each DER a query over a SQLite file returns, by its key: `sql` selects `id` and `der` (a
 * certificate by RequestID, a CRL by row id). What tests compare a backup's or a copy's rows with, byte for byte.
 */
export function derHashes(file: string, sql: string): Map<number, string> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return new Map(
      db
        .prepare(sql)
        .all()
        .map((r) => [
          Number(r.id),
          createHash('sha256')
            .update(r.der as Uint8Array)
            .digest('hex'),
        ]),
    );
  } finally {
    db.close();
  }
}
