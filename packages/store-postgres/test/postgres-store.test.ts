import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaStore, CaStoreSettings, CaStoreTransaction } from '@certexit/engine';
import { DatabaseWentBackError, StorageFaultError } from '@certexit/engine';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dropSchemas,
  postgresStoreSettings,
  psql,
  readPostgresEnv,
  uniqueSchema,
} from '../../../tooling/test/postgres-env';
import { openPostgresStore } from '../src/open-postgres-store';
import { binaryArray } from '../src/postgres-binary-arrays';
import { postgresConnection } from '../src/postgres-connection';
import { POSTGRES_MIGRATIONS } from '../src/postgres-migrations';

const env = readPostgresEnv();
const work = mkdtempSync(join(tmpdir(), 'certexit-pg-store-'));
const schemas: string[] = [];
const open: CaStore[] = [];
afterAll(async () => {
  for (const store of open) await store.close().catch(() => undefined);
  dropSchemas(schemas, env);
  rmSync(work, { recursive: true, force: true });
});

/** A fresh schema's settings (TLS verified, the password from its file), and a CA folder for its mark. */
function place(changes: Partial<CaStoreSettings> = {}) {
  const schema = uniqueSchema('pgstore');
  schemas.push(schema);
  const dir = mkdtempSync(join(work, 'ca-'));
  return { settings: { ...postgresStoreSettings(schema, env), ...changes } as CaStoreSettings, dir, schema };
}

async function openAt(where: ReturnType<typeof place>, acceptRollback = false) {
  const store = await openPostgresStore(where.settings, {
    caFolder: where.dir,
    highWaterMarkFile: join(where.dir, 'certexit.hwm'),
    acceptRollback,
  });
  open.push(store);
  return store;
}

const request = (n: number) => ({
  RequestType: 0x100,
  RequestFlags: 0,
  StatusCode: 0,
  Disposition: 20,
  SubmittedWhen: new Date(1_700_000_000_000 + n),
  requestName: {},
  system: {},
});

const certificate = (id: number, serial: string) => ({
  RequestID: id,
  RawCertificate: Uint8Array.from([1, 2, 3]),
  SerialNumber: serial,
  CertificateHash: serial,
  NotBefore: new Date(0),
  NotAfter: new Date(1),
  values: {},
  certificateName: {},
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('the PostgreSQL store: connection, TLS, password, timeouts', () => {
  it('talks TLS, verified against DBTlsCaFile, and refuses a server its CA did not sign', async () => {
    const where = place();
    const store = await openAt(where);
    expect(store.location).toBe(
      `postgres://${env.user}@${env.host}:${env.port}/${env.database} (schema ${where.schema}, TLS verify-full)`,
    );
    // The server sees this CA's sessions on TLS.
    expect(
      psql(
        `SELECT bool_and(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.application_name = 'certexit'`,
        env,
      ),
    ).toBe('t');
    // Another CA's certificate: the server's does not chain to it.
    const other = join(work, 'other-ca.pem');
    execFileSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(work, 'other-ca.key'),
      '-subj',
      '/CN=not the database CA',
      '-days',
      '1',
      '-out',
      other,
    ]);
    const refused = await failure(openAt(place({ tlsCaFile: other })));
    expect(StorageFaultError.isInstance(refused)).toBe(true);
    expect(refused?.message).toMatch(/TLS to the database failed/);
    // No unverified TLS mode.
    const lax = await failure(openAt(place({ connection: `${env.url}?sslmode=require` })));
    expect(lax?.message).toMatch(/sslmode=require is not supported/);
  });

  it('takes the password from a file or an environment variable, never from the URL, and never shows it', async () => {
    const password = readFileSync(env.passwordFile, 'utf8').trim();
    const inUrl = await failure(openAt(place({ connection: env.url.replace('@', `:${password}@`) })));
    expect(inUrl?.message).toMatch(/holds a password/);
    expect(inUrl?.message).not.toContain(password);
    process.env.CERTEXIT_TEST_DB_PASSWORD = password;
    const byEnv = await openAt(place({ passwordFile: undefined, passwordEnv: 'CERTEXIT_TEST_DB_PASSWORD' }));
    expect(await byEnv.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
    const unset = await failure(openAt(place({ passwordFile: undefined, passwordEnv: 'CERTEXIT_TEST_UNSET' })));
    expect(unset?.message).toMatch(/CERTEXIT_TEST_UNSET, which is not set/);
    const wrongFile = join(work, 'wrong-password');
    writeFileSync(wrongFile, 'not-the-password\n', { mode: 0o600 });
    const wrong = await failure(openAt(place({ passwordFile: wrongFile })));
    expect(StorageFaultError.isInstance(wrong)).toBe(true);
    expect(wrong?.message).toMatch(/refused the login|password authentication failed/);
    expect(wrong?.message).not.toContain('not-the-password');
    const missing = await failure(openAt(place({ passwordFile: join(work, 'nope') })));
    expect(missing?.message).toMatch(/DBPasswordFile .*nope cannot be read/);
  });

  it('cancels a statement past DBStatementTimeoutMs: the operation fails as a storage fault, nothing half-done', async () => {
    const where = place({ statementTimeoutMs: 300 });
    const store = await openAt(where);
    // Another session holds the table: the insert waits, and is cancelled.
    const client = new pg.Client(postgresConnection(where.settings).config);
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE requests IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    const timedOut = await failure(store.transaction((tx) => tx.insertRequest(request(1))));
    await client.query('ROLLBACK');
    await client.end();
    expect(StorageFaultError.isInstance(timedOut)).toBe(true);
    expect(timedOut?.message).toMatch(/DBStatementTimeoutMs/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await store.listRequests()).toEqual([]);
    await store.transaction((tx) => tx.insertRequest(request(2)));
    expect(await store.listRequests()).toHaveLength(1);
  });
});

describe('the PostgreSQL store: schema, numbers, batches, the high-water mark', () => {
  it("sends the batch's arrays in binary, and the server reads back every value, NULL, sign and character", async () => {
    const where = place();
    const client = new pg.Client(postgresConnection(where.settings).config);
    await client.connect();
    try {
      const bigints = [0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 32, 0x80094012, null];
      const integers = [0, 2 ** 31 - 1, -(2 ** 31), null];
      const texts = ['', 'CN=é€😀, O="a,b"', '{x}\\\n', null, 'NULL'];
      const r = await client.query({
        text: 'SELECT $1::bigint[]::text[] AS b, $2::integer[] AS i, $3::text[] AS t, cardinality($4::text[]) AS e',
        values: [
          binaryArray('bigint', bigints, 'b'),
          binaryArray('integer', integers, 'i'),
          binaryArray('text', texts, 't'),
          binaryArray('text', [], 'e'),
        ],
      });
      expect(r.rows[0].b).toEqual(bigints.map((n) => (n === null ? null : String(n))));
      expect(r.rows[0].i).toEqual(integers);
      expect(r.rows[0].t).toEqual(texts);
      expect(r.rows[0].e).toBe(0);
      // The element type is checked: an array of the wrong type is refused, not misread.
      const wrong = await failure(client.query('SELECT $1::bigint[]', [binaryArray('integer', [1], 'w')]));
      expect(wrong?.message).toMatch(/element type/);
    } finally {
      await client.end();
    }
  });

  it('migrates a new schema once, even when two nodes open it together, and refuses a newer one', async () => {
    const where = place();
    const [a, b] = await Promise.all([openAt(where), openAt(where)]);
    expect(await a.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
    expect(await b.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
    expect(psql(`SELECT count(*) FROM "${where.schema}".certexit_schema_migrations`, env)).toBe(
      String(POSTGRES_MIGRATIONS.length),
    );
    psql(
      `INSERT INTO "${where.schema}".certexit_schema_migrations (version) VALUES (${POSTGRES_MIGRATIONS.length + 1})`,
      env,
    );
    const newer = await failure(openAt(where));
    expect(newer?.message).toMatch(/newer than this certexit knows/);
  });

  it('upgrades a version 2 schema: its foreign keys go (version 3), its rows stay', async () => {
    const where = place();
    const store = await openAt(where);
    store.setExitSubscribers(() => ['A.Exit']);
    await store.transaction(async (tx) => {
      const id = await tx.insertRequest(request(1));
      await tx.setAttributes(id, [['CertificateTemplate', 'WebServer']]);
      await tx.recordExitEvent(1, id);
    });
    await store.close();
    const foreignKeys = () =>
      psql(
        `SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint
           WHERE contype = 'f' AND connamespace = '"${where.schema}"'::regnamespace`,
        env,
      );
    expect(foreignKeys()).toBe('');
    // The schema as version 2 left it.
    psql(
      `SET search_path = "${where.schema}";
       ALTER TABLE certificates ADD CONSTRAINT certificates_request_id_fkey
         FOREIGN KEY (request_id) REFERENCES requests (request_id);
       ALTER TABLE request_attributes ADD CONSTRAINT request_attributes_request_id_fkey
         FOREIGN KEY (request_id) REFERENCES requests (request_id);
       ALTER TABLE request_extensions ADD CONSTRAINT request_extensions_request_id_fkey
         FOREIGN KEY (request_id) REFERENCES requests (request_id);
       ALTER TABLE exit_outbox ADD CONSTRAINT exit_outbox_event_id_fkey
         FOREIGN KEY (event_id) REFERENCES exit_events (event_id);
       DELETE FROM certexit_schema_migrations WHERE version = 3;`,
      env,
    );
    expect(foreignKeys()).toBe(
      'certificates_request_id_fkey,exit_outbox_event_id_fkey,request_attributes_request_id_fkey,request_extensions_request_id_fkey',
    );
    const upgraded = await openAt(where);
    expect(await upgraded.schemaVersion()).toBe(3);
    expect(foreignKeys()).toBe('');
    const [row] = await upgraded.listRequests();
    expect(await upgraded.getAttributes(row!.RequestID)).toEqual([['CertificateTemplate', 'WebServer']]);
    expect(Number(psql(`SELECT count(*) FROM "${where.schema}".exit_outbox`, env))).toBe(1);
  });

  it("writes a request's rows only while the request exists (the checks its foreign keys made)", async () => {
    const where = place();
    const store = await openAt(where);
    store.setExitSubscribers(() => []);
    const id = await store.transaction((tx) => tx.insertRequest({ ...request(1), Disposition: 9 }));
    // A later transaction adds rows to it, as resubmitting a pending request does.
    await store.transaction(async (tx) => {
      await tx.updateRequest(id, { Disposition: 20 });
      await tx.insertCertificate(certificate(id, 'a1'));
      await tx.setAttributes(id, [['CertificateTemplate', 'WebServer']]);
    });
    expect((await store.getRequest(id))?.Disposition).toBe(20);
    expect(await store.getAttributes(id)).toEqual([['CertificateTemplate', 'WebServer']]);
    // Rows for a request that is not there (never was, or deleted meanwhile) are refused, with nothing half-written.
    for (const write of [
      (tx: CaStoreTransaction) => tx.insertCertificate(certificate(999, 'b1')),
      (tx: CaStoreTransaction) => tx.setAttributes(999, [['a', 'b']]),
      (tx: CaStoreTransaction) => tx.setExtensions(999, []),
      (tx: CaStoreTransaction) => tx.updateRequest(999, { Disposition: 20 }),
    ]) {
      const refused = await failure(
        store.transaction(async (tx) => {
          await tx.insertRequest(request(2));
          await write(tx);
        }),
      );
      expect(refused?.message).toMatch(/no request 999/);
    }
    expect(Number(psql(`SELECT count(*) FROM "${where.schema}".requests`, env))).toBe(1);
    expect(Number(psql(`SELECT count(*) FROM "${where.schema}".certificates`, env))).toBe(1);
    expect(Number(psql(`SELECT count(*) FROM "${where.schema}".request_attributes`, env))).toBe(1);
  });

  it('hands out RequestIDs once across nodes, and fails only the transaction whose rows break a constraint', async () => {
    const where = place();
    const [a, b] = await Promise.all([openAt(where), openAt(where)]);
    const ids = (
      await Promise.all(
        Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? a : b).transaction((tx) => tx.insertRequest(request(i)))),
      )
    ).sort((x, y) => x - y);
    expect(new Set(ids).size).toBe(120);
    expect(Number(psql(`SELECT count(*) FROM "${where.schema}".requests`, env))).toBe(120);
    // One duplicate serial among concurrent issuances: it alone fails.
    await a.transaction(async (tx) => tx.insertCertificate(certificate(await tx.insertRequest(request(0)), 'dd')));
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        a.transaction(async (tx) => {
          const id = await tx.insertRequest(request(i));
          await tx.insertCertificate(certificate(id, i === 5 ? 'dd' : `e${i}`));
          await tx.recordExitEvent(1, id);
        }),
      ),
    );
    expect(results.map((r) => r.status).filter((s) => s === 'rejected')).toHaveLength(1);
    expect(results[5]?.status).toBe('rejected');
    expect(Number(psql(`SELECT count(*) FROM "${where.schema}".certificates`, env))).toBe(16);
    expect(Number(psql(`SELECT count(*) FROM "${where.schema}".exit_events`, env))).toBe(15);
  });

  it('refuses a database that went back in time (a restored backup), until an operator accepts it', async () => {
    const where = place();
    const store = await openAt(where);
    store.setExitSubscribers(() => []);
    let last = 0;
    for (let i = 0; i < 5; i++) {
      last = await store.transaction(async (tx) => {
        const id = await tx.insertRequest(request(i));
        await tx.recordExitEvent(1, id);
        return id;
      });
    }
    await store.close();
    // An older backup put back: the last rows and the sequences' progress are gone.
    psql(
      `SET search_path = "${where.schema}"; DELETE FROM exit_events WHERE context > ${last - 3};
       DELETE FROM requests WHERE request_id > ${last - 3};
       SELECT setval(pg_get_serial_sequence('requests', 'request_id'), ${last - 3});
       SELECT setval(pg_get_serial_sequence('exit_events', 'event_id'), 2);`,
      env,
    );
    const refused = await failure(openAt(where));
    expect(DatabaseWentBackError.isInstance(refused)).toBe(true);
    expect(refused?.message).toMatch(new RegExp(`RequestID ${last}`));
    expect(refused?.message).toMatch(/replica|backup/);
    const accepted = await openAt(where, true);
    const next = await accepted.transaction((tx) => tx.insertRequest(request(9)));
    expect(next).toBeGreaterThan(last);
    await accepted.close();
    // Accepted once: it opens normally from then on.
    expect(await (await openAt(where)).schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
  });
});
