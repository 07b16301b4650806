import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../../tooling/test/test-pki';
import { cliOnFolder } from '../../../test/support/run-cli-in-process';

const work = makeTempDir('certexit-module-cli-');
const dir = work.file('ca');

/** The code of a module factory named `progId`, as a package or file would export it. */
function moduleCode(progId: string, description: string): string {
  return `export default {
  specificationVersion: 'v1',
  progId: '${progId}',
  version: '1.0.0',
  create: () => ({ Initialize: () => 1, GetDescription: () => '${description}', Notify() {} }),
};
`;
}

/** An ESM-only npm package (exports with the `import` condition only) in `node_modules` under `root`. */
function installPackage(root: string, name: string, code: string): void {
  const folder = join(root, 'node_modules', ...name.split('/'));
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': { import: './index.js' } } }),
  );
  writeFileSync(join(folder, 'index.js'), code);
}

const { cli } = cliOnFolder(dir);

const registryText = () => readFileSync(join(dir, 'registry.json'), 'utf8');

beforeAll(async () => {
  expect((await cli('setup', '--name', 'Module CLI CA', '--type', 'standalone-root')).code).toBe(0);
});
afterAll(() => work.remove());

describe('module register', () => {
  it('fails, registering nothing, when the package cannot be found, and says where it looked', async () => {
    const missing = await cli('module', 'register', 'CertExit_Hello.Exit', '@contoso/exit-hello');
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(
      /cannot find the package @contoso\/exit-hello: looked from .*\/ca \(npm install --prefix .*\), then .*, then certexit's own packages/,
    );
    expect(registryText()).not.toContain('CertExit_Hello.Exit');
    expect((await cli('module', 'list')).out.join('\n')).not.toContain('CertExit_Hello.Exit');
  });

  it("resolves a package from the CA folder's node_modules, then loads it", async () => {
    installPackage(dir, '@contoso/exit-hello', moduleCode('CertExit_Hello.Exit', 'hello from the CA folder'));
    const registered = await cli('module', 'register', 'CertExit_Hello.Exit', '@contoso/exit-hello');
    expect(registered.code, registered.err.join('\n')).toBe(0);
    expect(registered.out.join('\n')).toMatch(
      /CertExit_Hello\.Exit registered \(@contoso\/exit-hello, found in the CA folder\)/,
    );
    const loaded = await cli('--json', 'module', 'list', '--load');
    expect(JSON.parse(loaded.out.join(''))).toMatchObject({
      modules: expect.arrayContaining([
        expect.objectContaining({
          progId: 'CertExit_Hello.Exit',
          loaded: true,
          description: 'hello from the CA folder',
        }),
      ]),
    });
  });

  it('fails when the code does not load: a syntax error, no factory, an unknown specification version', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['broken.mjs', 'export default {', /cannot load .*broken\.mjs/],
      ['nothing.mjs', 'export const x = 1;\n', /has no default export/],
      ['future.mjs', moduleCode('Contoso_Future.Exit', 'x').replace("'v1'", "'v9'"), /v9/],
    ];
    for (const [file, code, message] of cases) {
      writeFileSync(work.file(file), code);
      const run = await cli('module', 'register', 'Contoso_Bad.Exit', work.file(file));
      expect(run.code, file).toBe(1);
      expect(run.err.join('\n'), file).toMatch(message);
    }
    expect(registryText()).not.toContain('Contoso_Bad.Exit');
    const noProgram = await cli('module', 'register', 'Contoso_Proc.Exit', '/no/such/program', '--process');
    expect(noProgram.code).toBe(1);
    expect(noProgram.err.join()).toMatch(/\/no\/such\/program.*not an executable file/);
  });
});

describe('module list', () => {
  it('follows ExitModules\\Active order, and --load shows each failure with its reason in that order', async () => {
    // Alpha refuses to start without its configuration file (imports are cached in this process: a deleted file
    // would still load here; the process tests delete one).
    writeFileSync(
      work.file('alpha.mjs'),
      moduleCode('Contoso_Alpha.Exit', 'alpha')
        .replace(
          'Initialize: () => 1,',
          "Initialize: () => { if (!existsSync(new URL('./alpha.conf', import.meta.url))) throw new Error('alpha.conf is missing'); return 1; },",
        )
        .replace('export default', "import { existsSync } from 'node:fs';\nexport default"),
    );
    writeFileSync(work.file('alpha.conf'), '');
    writeFileSync(work.file('beta.mjs'), moduleCode('Contoso_Beta.Exit', 'beta'));
    expect((await cli('module', 'register', 'Contoso_Alpha.Exit', work.file('alpha.mjs'))).code).toBe(0);
    expect((await cli('module', 'register', 'Contoso_Beta.Exit', work.file('beta.mjs'))).code).toBe(0);
    const order = ['Contoso_Beta.Exit', 'CertificateAuthority_MicrosoftDefault.Exit', 'Contoso_Alpha.Exit'];
    expect((await cli('setreg', 'CA\\ExitModules\\Active', order.join('\\n'))).code).toBe(0);
    const listed = await cli('--json', 'module', 'list');
    const rows = (JSON.parse(listed.out.join('')) as { modules: Array<{ progId: string; active: boolean }> }).modules;
    expect(rows.filter((r) => r.active).map((r) => r.progId)).toEqual(order);
    expect(rows.filter((r) => !r.active).map((r) => r.progId)).toEqual([
      'CertExit_Hello.Exit',
      'CertExit_Inventory.Exit',
    ]);

    // Alpha's configuration goes away: --load names the failure, in its place.
    rmSync(work.file('alpha.conf'));
    const text = await cli('module', 'list', '--load');
    expect(text.code).toBe(0);
    expect(text.out.slice(0, 3)).toEqual([
      expect.stringMatching(/^Contoso_Beta\.Exit {2}\[direct\] {2}"beta"/),
      expect.stringMatching(/^CertificateAuthority_MicrosoftDefault\.Exit {2}\[direct\]/),
      expect.stringMatching(/^Contoso_Alpha\.Exit {2}FAILED to load \(Initialize\): .*alpha\.conf is missing/),
    ]);
    const json = JSON.parse((await cli('--json', 'module', 'list', '--load')).out.join('')) as {
      modules: Array<Record<string, unknown>>;
    };
    expect(json.modules.map((m) => [m.progId, m.loaded])).toEqual([
      ['Contoso_Beta.Exit', true],
      ['CertificateAuthority_MicrosoftDefault.Exit', true],
      ['Contoso_Alpha.Exit', false],
    ]);
    expect(json.modules[2]).toMatchObject({
      method: 'Initialize',
      error: expect.stringMatching(/alpha\.conf is missing/),
    });
  });
});
