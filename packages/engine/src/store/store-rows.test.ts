import { describe, expect, it } from 'vitest';
import * as rows from './store-rows';

// Both stores map their rows through these; the CaStore conformance suite runs them on SQLite and PostgreSQL. Here:
// what each driver may hand back (NULL, bigint, a shared Buffer) comes out the same.
describe('store row mapping', () => {
  it('leaves NULL optional fields out and reads numbers, dates and bigints alike', () => {
    const base = { outbox_id: 3n, prog_id: 'A.Exit', event_id: '7', event: 1, context: 9, status: 'pending' };
    const times = { attempts: 0, next_attempt_at: 1000, created_at: 1000, updated_at: 2000 };
    const row = rows.outboxRowFromRecord({ ...base, ...times, last_hresult: null, last_error: null, replay_id: 4 });
    expect(row).toEqual({
      id: 3,
      progId: 'A.Exit',
      eventId: 7,
      event: 1,
      context: 9,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(1000),
      replayId: 4,
      createdAt: new Date(1000),
      updatedAt: new Date(2000),
    });
    const request = rows.requestRowFromRecord({
      request_id: 5,
      disposition: 20n,
      submitted_when: '1700000000000',
      revoked_when: null,
      request_name_json: '{}',
      system_json: '{}',
    });
    expect(request).toMatchObject({ RequestID: 5, Disposition: 20, SubmittedWhen: new Date(1_700_000_000_000) });
    expect(request).not.toHaveProperty('RevokedWhen');
    expect(
      rows.crlInfoFromRecord({ key_index: 0, crl_number: 2, is_delta: 1, this_update: 1, next_update: 2 }),
    ).toEqual({
      keyIndex: 0,
      crlNumber: 2,
      isDelta: true,
      thisUpdate: new Date(1),
      nextUpdate: new Date(2),
    });
  });

  it('copies binary values out of the driver buffer, and reads a request without a certificate', () => {
    const shared = Buffer.from([1, 2, 3]);
    const copy = rows.storedBytes(shared);
    shared[0] = 9;
    expect([...copy]).toEqual([1, 2, 3]);
    expect(rows.storedBytes(null)).toEqual(new Uint8Array());
    expect(
      rows.outcomeFromRecord({ disposition: 9, disposition_message: null, status_code: 0, serial_number: null }),
    ).toEqual({ disposition: 9, message: '', statusCode: 0 });
  });
});
