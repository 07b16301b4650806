import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HighWaterMarkFile, marksBehind } from './high-water-mark';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fileIn = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-hwm-'));
  dirs.push(dir);
  return join(dir, 'certexit.hwm');
};

describe('high-water-mark file', () => {
  it('raises each mark, never lowers one, and two writers of the same file keep the larger values', () => {
    const file = fileIn();
    const a = HighWaterMarkFile.open(file);
    expect(a.stored).toBeUndefined();
    a.file.raise({ requestId: 5, eventId: 9, crlNumber: 2 });
    const b = HighWaterMarkFile.open(file);
    expect(b.stored).toMatchObject({ requestId: 5, eventId: 9, crlNumber: 2 });
    b.file.raise({ requestId: 7, eventId: 9, crlNumber: 1 });
    // `a` writes an older view afterwards: nothing goes down.
    a.file.raise({ requestId: 6, eventId: 12, crlNumber: 2 });
    a.file.close();
    b.file.close();
    expect(HighWaterMarkFile.open(file).stored).toMatchObject({ requestId: 7, eventId: 12, crlNumber: 2 });
  });

  it('keeps the other slot when one write was torn', () => {
    const file = fileIn();
    const { file: marks } = HighWaterMarkFile.open(file);
    marks.raise({ requestId: 1, eventId: 1, crlNumber: 1 });
    marks.raise({ requestId: 2, eventId: 2, crlNumber: 1 });
    marks.close();
    // Tear the newer slot (slot 0 holds sequence 2).
    const bytes = readFileSync(file);
    bytes.write('{"torn', 10);
    writeFileSync(file, bytes);
    expect(HighWaterMarkFile.open(file).stored).toMatchObject({ requestId: 1, eventId: 1 });
  });

  it('names every mark a database is behind', () => {
    expect(
      marksBehind({ requestId: 3, eventId: 10, crlNumber: 4 }, { requestId: 5, eventId: 10, crlNumber: 6 }),
    ).toEqual(['RequestID 5 (the database knows up to 3)', 'CRL number 6 (the database knows up to 4)']);
    expect(
      marksBehind({ requestId: 5, eventId: 10, crlNumber: 6 }, { requestId: 5, eventId: 9, crlNumber: 6 }),
    ).toEqual([]);
  });
});
