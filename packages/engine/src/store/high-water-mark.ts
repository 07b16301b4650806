import { createHash } from 'node:crypto';
import { closeSync, fdatasyncSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * The highest numbers a CA has handed out: what a database that went back in time (a lost or deleted
 * `certexit.db-wal`, an older copy put back) no longer knows. Kept outside the database, in `certexit.hwm`.
 */
export interface HighWaterMarks {
  /** The highest RequestID committed. */
  readonly requestId: number;
  /** The highest exit event (EventID) committed. */
  readonly eventId: number;
  /** The highest CRL number committed. */
  readonly crlNumber: number;
}

/** The marks and when they were last raised. */
export interface StoredHighWaterMarks extends HighWaterMarks {
  readonly writtenAt: Date;
}

const _SLOT = 512;
const _MAGIC = 'certexit-hwm/1';

/**
 * The high-water-mark file of a CA database: two 512-byte slots written in turn, each a JSON record with a sequence
 * number and a SHA-256 of its own text, so a write cut short (a crash inside `pwrite`) leaves the other slot whole.
 * Each `raise` reads the file first and keeps the larger value of each mark, so two processes writing the same CA
 * (a server and a CLI command) never lower it. Written with every commit that moves a mark, before any caller is
 * answered; synced to disk at most a second later and at close: durable against a crash, `kill -9`, a deleted log
 * and an old copy restored by hand; against power loss, as durable as the database itself (`synchronous = NORMAL`).
 */
export class HighWaterMarkFile {
  private fd: number;
  private sequence = 0;
  private last: HighWaterMarks = { requestId: 0, eventId: 0, crlNumber: 0 };
  private dirty = false;
  private syncTimer: NodeJS.Timeout | undefined;
  // The file's bytes as last read or written, and the record they hold: a raise re-reads the file every commit, and
  // only bytes that differ (another process wrote) are checked and parsed again.
  private image: { bytes: Buffer; record: _Record | undefined } | undefined;

  private constructor(readonly file: string) {
    this.fd = openSync(file, 'a+', 0o600);
    closeSync(this.fd);
    this.fd = openSync(file, 'r+');
    const stored = this.read();
    if (stored) {
      this.last = stored;
      this.sequence = stored.sequence;
    }
  }

  /** Opens (creating, mode 0600) the file; `undefined` marks when it is new or holds no whole record. */
  static open(file: string): { file: HighWaterMarkFile; stored: StoredHighWaterMarks | undefined } {
    const opened = new HighWaterMarkFile(file);
    const stored = opened.read();
    return {
      file: opened,
      stored: stored && {
        requestId: stored.requestId,
        eventId: stored.eventId,
        crlNumber: stored.crlNumber,
        writtenAt: stored.writtenAt,
      },
    };
  }

  /** Raises the marks to `marks` where they are higher (never lowers one); writes only when one moved. */
  raise(marks: HighWaterMarks): void {
    const onDisk = this.read();
    if (onDisk && onDisk.sequence > this.sequence) {
      this.sequence = onDisk.sequence;
      this.last = _max(this.last, onDisk);
    }
    const next = _max(this.last, marks);
    if (
      onDisk &&
      next.requestId === onDisk.requestId &&
      next.eventId === onDisk.eventId &&
      next.crlNumber === onDisk.crlNumber
    ) {
      this.last = next;
      return;
    }
    this.sequence++;
    const body = JSON.stringify({ magic: _MAGIC, seq: this.sequence, ...next, at: new Date().toISOString() });
    const record = `${body}|${_digest(body)}`;
    const slot = Buffer.alloc(_SLOT, 0x20);
    slot.write(record, 'utf8');
    slot[_SLOT - 1] = 0x0a;
    const offset = (this.sequence % 2) * _SLOT;
    writeSync(this.fd, slot, 0, _SLOT, offset);
    const bytes = Buffer.alloc(Math.max(this.image?.bytes.length ?? 0, offset + _SLOT));
    this.image?.bytes.copy(bytes);
    slot.copy(bytes, offset);
    this.image = { bytes, record: { sequence: this.sequence, ...next, writtenAt: new Date() } };
    this.last = next;
    this.dirty = true;
    this.syncTimer ??= setTimeout(() => this.sync(), 1_000);
    this.syncTimer.unref();
  }

  /** Flushes the file to disk. */
  sync(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    try {
      fdatasyncSync(this.fd);
    } catch {
      // The next write (or close) tries again.
      this.dirty = true;
    }
  }

  close(): void {
    this.sync();
    closeSync(this.fd);
  }

  /** The newest whole record of the two slots. */
  private read(): _Record | undefined {
    const buffer = Buffer.alloc(2 * _SLOT);
    const bytes = buffer.subarray(0, readSync(this.fd, buffer, 0, buffer.length, 0));
    if (this.image?.bytes.equals(bytes)) return this.image.record;
    let best: _Record | undefined;
    for (let slot = 0; slot < 2 && slot * _SLOT < bytes.length; slot++) {
      const text = bytes
        .subarray(slot * _SLOT, (slot + 1) * _SLOT)
        .toString('utf8')
        .trim();
      const bar = text.lastIndexOf('|');
      if (bar < 0 || _digest(text.slice(0, bar)) !== text.slice(bar + 1)) continue;
      try {
        const r = JSON.parse(text.slice(0, bar)) as Record<string, unknown>;
        if (r.magic !== _MAGIC || typeof r.seq !== 'number') continue;
        const record = {
          sequence: r.seq,
          requestId: Number(r.requestId) || 0,
          eventId: Number(r.eventId) || 0,
          crlNumber: Number(r.crlNumber) || 0,
          writtenAt: new Date(String(r.at)),
        };
        if (!best || record.sequence > best.sequence) best = record;
      } catch {
        // A torn or foreign slot: the other one counts.
      }
    }
    this.image = { bytes: Buffer.from(bytes), record: best };
    return best;
  }
}

type _Record = HighWaterMarks & { sequence: number; writtenAt: Date };

/** The marks where `database` is behind `mark`, as readable text; empty when it is not behind. */
export function marksBehind(database: HighWaterMarks, mark: HighWaterMarks): string[] {
  const behind: string[] = [];
  if (database.requestId < mark.requestId)
    behind.push(`RequestID ${mark.requestId} (the database knows up to ${database.requestId})`);
  if (database.eventId < mark.eventId)
    behind.push(`exit event ${mark.eventId} (the database knows up to ${database.eventId})`);
  if (database.crlNumber < mark.crlNumber)
    behind.push(`CRL number ${mark.crlNumber} (the database knows up to ${database.crlNumber})`);
  return behind;
}

function _max(a: HighWaterMarks, b: HighWaterMarks): HighWaterMarks {
  return {
    requestId: Math.max(a.requestId, b.requestId),
    eventId: Math.max(a.eventId, b.eventId),
    crlNumber: Math.max(a.crlNumber, b.crlNumber),
  };
}

function _digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
