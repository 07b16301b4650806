/**
 * @certexit/store-postgres: the PostgreSQL store of the certexit CA engine. A CA whose registry names it
 * (`DBStore` = `postgres`, `DBConnection` = `postgres://user@host/db`) opens on it, and several engine nodes can
 * serve that CA from one database.
 * @packageDocumentation
 */

import type { CaStore, CaStoreOpenContext, CaStoreSettings } from '@certexit/engine';
import { openPostgresStore } from './open-postgres-store';

export { migratePostgresSchema } from './migrate-postgres-schema';
export { openPostgresStore, type PostgresStoreOptions } from './open-postgres-store';
export { type PostgresConnection, postgresConnection } from './postgres-connection';
export { postgresFaultOf } from './postgres-fault';
export { POSTGRES_MIGRATIONS } from './postgres-migrations';

/** The store-package contract (`CaStorePackage`): what the engine calls when a CA's registry names `postgres`. */
export function openCaStore(settings: CaStoreSettings, context: CaStoreOpenContext): Promise<CaStore> {
  return openPostgresStore(settings, context);
}
