import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Options } from 'tsup';

/**
 * The one tsup configuration every package uses; each package's `tsup.config.ts` is a one-liner.
 * Dependencies stay external (tsup's default for `dependencies`/`peerDependencies`): `@peculiar/*`
 * keeps module-level state and must never be bundled.
 */
export function baseConfig(packageUrl: string, overrides: Options = {}): Options {
  const pkgPath = fileURLToPath(new URL('./package.json', packageUrl));
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string };
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node22',
    // Keep `node:` specifiers: `node:sqlite` exists only with the prefix.
    removeNodeProtocol: false,
    tsconfig: 'tsconfig.build.json',
    define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
    // tsup writes UTF-8; one character beyond Latin-1 makes V8 hold the whole bundle's source as a two-byte string,
    // twice its size, in every thread that loads it. ASCII escapes them in strings; the comments esbuild keeps are
    // written in ASCII in the source (scripts/check-packages.mjs refuses a bundle that is not).
    esbuildOptions(options) {
      options.charset = 'ascii';
    },
    ...overrides,
  };
}
