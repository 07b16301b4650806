import { describe, expect, it } from 'vitest';
import { parsePublishDryRun, splitSpec } from './publish-dry-run';

// The shape npm 11 prints under `pnpm publish -r --dry-run` (stderr notices, pnpm's "+" lines on stdout).
const OUTPUT = `npm notice
npm notice 📦  @certexit/core@0.2.0
npm notice Tarball Contents
npm notice 3.2kB README.md
npm notice 47.4kB dist/index.d.ts
npm notice 1.2kB package.json
npm notice Tarball Details
npm notice name: @certexit/core
npm notice version: 0.2.0
npm notice total files: 3
npm notice
npm warn publish This command requires you to be logged in to http://127.0.0.1:1/ (dry-run)
npm notice Publishing to http://127.0.0.1:1/ with tag latest and public access (dry-run)
+ @certexit/core@0.2.0
npm notice
npm notice 📦  certexit@0.1.0
npm notice Tarball Contents
npm notice 1.1MB dist/cli.js
npm notice Tarball Details
npm notice total files: 1
+ certexit@0.1.0
`;

describe('parsePublishDryRun', () => {
  it('reads each tarball block and the published lines', () => {
    const parsed = parsePublishDryRun(OUTPUT);
    expect(parsed.published).toEqual(['@certexit/core@0.2.0', 'certexit@0.1.0']);
    expect(parsed.tarballs).toEqual([
      {
        name: '@certexit/core',
        version: '0.2.0',
        files: ['README.md', 'dist/index.d.ts', 'package.json'],
        totalFiles: 3,
      },
      { name: 'certexit', version: '0.1.0', files: ['dist/cli.js'], totalFiles: 1 },
    ]);
  });

  it('finds nothing in output that has no tarball blocks', () => {
    expect(parsePublishDryRun('There are no new packages that should be published\n')).toEqual({
      tarballs: [],
      published: [],
    });
  });

  it('splits scoped and unscoped specs at the last @', () => {
    expect(splitSpec('@certexit/core@0.2.0')).toEqual({ name: '@certexit/core', version: '0.2.0' });
    expect(splitSpec('certexit@1.0.0-rc.1')).toEqual({ name: 'certexit', version: '1.0.0-rc.1' });
    expect(() => splitSpec('@certexit/core')).toThrow(/not a name@version/);
  });
});
