import type { ClientBase } from 'pg';
import { POSTGRES_LOCKS, schemaLockKey } from './postgres-lock-keys';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';

/**
 * Brings a CA's schema to the newest version (creating it when missing), each version in a transaction of its own,
 * under an advisory lock so that nodes starting together migrate it once. Answers the version it is at; refuses a
 * schema newer than this code.
 */
export async function migratePostgresSchema(client: ClientBase, schema: string): Promise<number> {
  const key = schemaLockKey(schema);
  await client.query('SELECT pg_advisory_lock($1, $2)', [key, POSTGRES_LOCKS.migrate]);
  try {
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${schema}".certexit_schema_migrations (
         version INTEGER PRIMARY KEY,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const current = Number(
      (await client.query(`SELECT coalesce(max(version), 0) AS v FROM "${schema}".certexit_schema_migrations`)).rows[0]
        ?.v ?? 0,
    );
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `the CA schema ${schema} is at version ${current}, newer than this certexit knows (${POSTGRES_MIGRATIONS.length}): upgrade certexit`,
      );
    }
    for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path = "${schema}"`);
        await client.query(POSTGRES_MIGRATIONS[version - 1]!);
        await client.query(`INSERT INTO "${schema}".certexit_schema_migrations (version) VALUES ($1)`, [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migrating the CA schema ${schema} to version ${version} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return POSTGRES_MIGRATIONS.length;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [key, POSTGRES_LOCKS.migrate]).catch(() => undefined);
  }
}
