import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CA_DISP_INCOMPLETE, CA_DISP_VALID } from '@certexit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from './sqlite-migrations';
import { openSqliteStore } from './sqlite-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-store-'));
  dirs.push(dir);
  return join(dir, 'certexit.db');
}

describe('CA certificate rows in the embedded store', () => {
  it('keeps a request row without a certificate, completes it, and refuses a row with neither', async () => {
    const store = openSqliteStore(databaseFile());
    try {
      const request = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);
      const certificate = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01);
      await store.transaction((tx) =>
        tx.addCaCertificate({ certIndex: 0, keyIndex: 0, request, state: CA_DISP_INCOMPLETE }),
      );
      expect(await store.listCaCertificates()).toEqual([
        { certIndex: 0, keyIndex: 0, request, state: CA_DISP_INCOMPLETE },
      ]);
      await store.transaction((tx) => tx.updateCaCertificate(0, { raw: certificate, state: CA_DISP_VALID }));
      expect(await store.listCaCertificates()).toEqual([
        { certIndex: 0, keyIndex: 0, raw: certificate, request, state: CA_DISP_VALID },
      ]);
      await expect(store.transaction((tx) => tx.updateCaCertificate(7, { state: CA_DISP_VALID }))).rejects.toThrow(
        /no CA certificate 7/,
      );
      await expect(
        store.transaction((tx) => tx.addCaCertificate({ certIndex: 1, keyIndex: 1, state: CA_DISP_INCOMPLETE })),
      ).rejects.toThrow(/CHECK constraint/);
      expect((await store.listCaCertificates()).length).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('migrates a schema-1 database and keeps its CA certificates', async () => {
    const file = databaseFile();
    const old = new DatabaseSync(file);
    old.exec(SQLITE_MIGRATIONS[0]!);
    old.exec('PRAGMA user_version = 1');
    const raw = Uint8Array.of(0x30, 0x00);
    old
      .prepare('INSERT INTO ca_certificates (cert_index, key_index, raw, state) VALUES (?, ?, ?, ?)')
      .run(0, 0, raw, 3);
    old.close();
    const store = openSqliteStore(file);
    try {
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
      expect(await store.listCaCertificates()).toEqual([{ certIndex: 0, keyIndex: 0, raw, state: CA_DISP_VALID }]);
    } finally {
      await store.close();
    }
  });
});
