// Tests scripts/new-module.mjs (`pnpm new:module <name>`) against a temporary copy of the repository layout, so the
// real packages/ and .changeset/ are never touched. Lives here because the generator's input is this package.
// The generator leaves this file out of the modules it creates.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const templateDir = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('../../../scripts/new-module.mjs', import.meta.url));

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'certexit-new-module-'));
  cpSync(templateDir, join(root, 'packages', 'exit-template'), {
    recursive: true,
    filter: (source) => !/[\\/](?:node_modules|dist|\.turbo)$/.test(source),
  });
  // What a developer's checkout also has: build output and installed dependencies, which must not be copied.
  mkdirSync(join(root, 'packages', 'exit-template', 'dist'));
  writeFileSync(join(root, 'packages', 'exit-template', 'dist', 'index.js'), 'export {};\n');
  mkdirSync(join(root, 'packages', 'exit-template', 'node_modules', '.bin'), { recursive: true });
  mkdirSync(join(root, '.changeset'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function generate(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, CERTEXIT_NEW_MODULE_ROOT: root },
    encoding: 'utf8',
  });
}

function read(path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

describe('pnpm new:module', () => {
  it('creates packages/exit-<name> with the package, ProgID and factory renamed', () => {
    const result = generate('sql-inventory');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('pnpm install');
    expect(result.stdout).toContain('pnpm --filter @certexit/exit-sql-inventory test');
    expect(result.stdout).toContain('docs/writing-an-exit-module.md');

    const dir = join(root, 'packages', 'exit-sql-inventory');
    expect(listFiles(dir)).toEqual([
      'README.md',
      'package.json',
      'src/create-sql-inventory-exit-module.test.ts',
      'src/create-sql-inventory-exit-module.ts',
      'src/index.ts',
      'tsconfig.build.json',
      'tsconfig.json',
      'tsup.config.ts',
      'vitest.config.ts',
    ]);

    const pkg = JSON.parse(read('packages/exit-sql-inventory/package.json'));
    expect(pkg).toMatchObject({
      name: '@certexit/exit-sql-inventory',
      version: '0.0.0',
      description: 'A certexit exit module (CertExit_SqlInventory.Exit).',
      repository: { directory: 'packages/exit-sql-inventory' },
      publishConfig: { access: 'public', provenance: true },
      exports: { '.': { '@certexit/source': './src/index.ts' } },
    });
    expect(pkg).not.toHaveProperty('private');

    const module = read('packages/exit-sql-inventory/src/create-sql-inventory-exit-module.ts');
    expect(module).toContain("const PROGID = 'CertExit_SqlInventory.Exit';");
    expect(module).toContain(
      'export function createSqlInventoryExitModule(): DefinedExitModule<SqlInventorySettings> {',
    );
    expect(module).toContain('export type SqlInventorySettings = ExitSettingsOf<typeof settings>;');
    expect(module).toContain('export default createSqlInventoryExitModule;');
    // Written with the typed layer.
    expect(module).toContain('return defineExitModule({');
    const index = read('packages/exit-sql-inventory/src/index.ts');
    expect(index).toContain("from './create-sql-inventory-exit-module'");
    expect(index).toContain('export type { SqlInventorySettings }');
    expect(read('packages/exit-sql-inventory/src/create-sql-inventory-exit-module.test.ts')).toContain(
      "describe('CertExit_SqlInventory.Exit'",
    );

    const readme = read('packages/exit-sql-inventory/README.md');
    expect(readme.startsWith('# @certexit/exit-sql-inventory\n\nThe `CertExit_SqlInventory.Exit` exit module')).toBe(
      true,
    );
    expect(readme).toContain('pnpm add @certexit/exit-sql-inventory');
    expect(readme).not.toContain('template-only');

    // Nothing of the template's own name is left (CertificateTemplate and the like would be fine).
    for (const file of listFiles(dir)) {
      expect(read(`packages/exit-sql-inventory/${file}`), file).not.toMatch(/exit-template|[^e]Template|TEMPLATE_/);
    }
  });

  it('writes a minor changeset for the new package: its first release is 0.1.0', () => {
    expect(generate('webhook').status).toBe(0);
    expect(read('.changeset/exit-webhook-initial.md')).toBe(
      '---\n"@certexit/exit-webhook": minor\n---\n\nInitial release of `@certexit/exit-webhook`, the `CertExit_Webhook.Exit` exit module.\n',
    );
  });

  it('refuses to overwrite an existing package', () => {
    expect(generate('webhook').status).toBe(0);
    writeFileSync(join(root, 'packages', 'exit-webhook', 'src', 'mine.ts'), 'export const mine = 1;\n');

    const again = generate('webhook');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/packages\/exit-webhook already exists; refusing to overwrite it/);
    expect(existsSync(join(root, 'packages', 'exit-webhook', 'src', 'mine.ts'))).toBe(true);
  });

  it('refuses to overwrite an existing changeset and then creates nothing', () => {
    writeFileSync(join(root, '.changeset', 'exit-webhook-initial.md'), 'mine\n');
    const result = generate('webhook');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/exit-webhook-initial\.md already exists/);
    expect(existsSync(join(root, 'packages', 'exit-webhook'))).toBe(false);
    expect(read('.changeset/exit-webhook-initial.md')).toBe('mine\n');
  });

  it.each([
    ['Webhook'],
    ['sql_inventory'],
    ['-webhook'],
    ['webhook-'],
    ['sql--inventory'],
    ['1webhook'],
    ['web hook'],
    ['../escape'],
    ['x'.repeat(51)],
  ])('rejects the invalid name %j', (name) => {
    const result = generate(name);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^new-module: invalid module name/);
    expect(readdirSync(join(root, 'packages'))).toEqual(['exit-template']);
    expect(readdirSync(join(root, '.changeset'))).toEqual([]);
  });

  it('explains the exit- prefix and the expected arguments', () => {
    expect(generate('exit-webhook').stderr).toMatch(/without the "exit-" prefix: pnpm new:module webhook/);
    const none = generate();
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/expected exactly one module name[\s\S]*Usage: pnpm new:module <name>/);
    expect(generate('a', 'b').status).toBe(1);
  });
});
