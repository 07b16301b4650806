import { fileURLToPath } from 'node:url';
import { certexitProject } from '../../tooling/vitest/project';

// The engine's tests run against both stores. The PostgreSQL store's package depends on the engine, so the engine
// cannot depend on it: the tests load its source under its name, as an app that installed it would. A test that
// sets up, renews and reopens CAs opens a PostgreSQL store (a pool, the schema check) each time: 30 s, not 5.
export default certexitProject(
  import.meta.url,
  { testTimeout: 30_000 },
  { '@certexit/store-postgres': fileURLToPath(new URL('../store-postgres/src/index.ts', import.meta.url)) },
);
