import { describe, expect, it } from 'vitest';
import { entryPoints, secretsIn, tarballProblems } from './tarball-problems';

const manifest = {
  name: '@certexit/core',
  version: '0.2.0',
  bin: { certexit: './dist/cli.js' },
  exports: {
    './package.json': './package.json',
    '.': { '@certexit/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
  },
};
const good = ['package.json', 'README.md', 'src/index.ts', 'dist/index.d.ts', 'dist/index.js', 'dist/cli.js'];

describe('tarballProblems', () => {
  it('accepts a tarball with every entry point and nothing else', () => {
    expect(tarballProblems(manifest, good)).toEqual([]);
  });

  it('names missing entry points, tests, secrets and build leftovers, not the fixtures a kit ships', () => {
    const files = [
      ...good.filter((file) => file !== 'dist/index.js' && file !== 'dist/cli.js'),
      'src/thing.test.ts',
      'test/integration/ldap.test.ts',
      'src/__fixtures__/recorded-pki.ts',
      '.env',
      'certs/ca.key',
      'tsconfig.tsbuildinfo',
    ];
    expect(tarballProblems(manifest, files)).toEqual([
      'dist/index.js is missing',
      'dist/cli.js is missing',
      'src/thing.test.ts is a test',
      'test/integration/ldap.test.ts is a test',
      '.env looks like a secret',
      'certs/ca.key looks like a secret',
      'tsconfig.tsbuildinfo is a build leftover',
    ]);
  });

  it('wants dist/ even when exports point elsewhere', () => {
    expect(
      tarballProblems({ name: 'x', version: '1.0.0', exports: './src/index.ts' }, [
        'package.json',
        'README.md',
        'src/index.ts',
      ]),
    ).toEqual(['no dist/ files']);
  });

  it('lists exports and bin targets once, without wildcards', () => {
    expect(entryPoints({ ...manifest, exports: { ...manifest.exports, './*': './dist/*.js' } })).toEqual([
      'package.json',
      'src/index.ts',
      'dist/index.d.ts',
      'dist/index.js',
      'dist/cli.js',
    ]);
  });
});

describe('secretsIn', () => {
  it('finds private keys and tokens, not the code that writes PEM labels', () => {
    const key = `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'.repeat(3)}\n-----END PRIVATE KEY-----\n`;
    expect(secretsIn(key)).toEqual(['a private key']);
    expect(secretsIn(`const token = "npm_${'a'.repeat(36)}";`)).toEqual(['an npm token']);
    expect(secretsIn(`ghp_${'B'.repeat(36)}`)).toEqual(['a GitHub token']);
    const pemWriter = ['const pem = `-----BEGIN $', '{label}-----\\n$', '{base64}`;'].join('');
    expect(secretsIn(pemWriter)).toEqual([]);
  });
});
