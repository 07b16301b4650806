import { certexitProject } from '../../tooling/vitest/project';

// Type tests (`*.test-d.ts`) of the typed layer run with the unit tests.
export default certexitProject(import.meta.url, {
  typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
});
