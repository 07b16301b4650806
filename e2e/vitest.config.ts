import { certexitProject } from '../tooling/vitest/project';

// These tests run whole tools (pnpm, changesets, the built binary) in child processes: minutes, not seconds.
export default certexitProject(import.meta.url, { testTimeout: 300_000, hookTimeout: 300_000 });
