import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UserWorkspaceConfig } from 'vitest/config';
import { defineProject } from 'vitest/config';

/**
 * The Vitest project every package uses: tests run against source (the `@certexit/source` export condition),
 * `__PACKAGE_VERSION__` is defined as in the build, and mocks reset between tests.
 */
export function certexitProject(
  packageUrl: string,
  test: UserWorkspaceConfig['test'] = {},
  alias: Record<string, string> = {},
): UserWorkspaceConfig {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('./package.json', packageUrl)), 'utf8')) as {
    name: string;
    version: string;
  };
  return defineProject({
    resolve: { conditions: ['@certexit/source'], alias },
    ssr: { resolve: { conditions: ['@certexit/source'] } },
    define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
    test: { name: pkg.name.replace(/^@certexit\//, ''), clearMocks: true, restoreMocks: true, ...test },
  });
}
