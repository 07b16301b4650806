// The structural check of the workspace (what manypkg/konsistent do): every publishable package under packages/
// has the same shape, so a new one cannot drift. Prints every problem, exits 1 if there is any.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.env.CERTEXIT_CHECK_ROOT ?? new URL('..', import.meta.url).pathname;
const problems = [];
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const tsupOneLiner = readFileSync(join(root, 'packages/core/tsup.config.ts'), 'utf8');
// The root package.json is the one place for the Node.js range and the repository every package repeats.
const rootPkg = readJson(join(root, 'package.json'));
const nodeRange = rootPkg.engines?.node;
const repositoryUrl = rootPkg.repository?.url;
if (!nodeRange) problems.push('package.json: engines.node must give the Node.js range every package requires');
if (!repositoryUrl) problems.push('package.json: repository.url must name the GitHub repository');

for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const base = join(root, 'packages', dir);
  if (!existsSync(join(base, 'package.json'))) continue;
  const pkg = readJson(join(base, 'package.json'));
  const say = (message) => problems.push(`packages/${dir}: ${message}`);
  if (!pkg.name?.startsWith('@certexit/')) say(`name ${pkg.name} is not in the @certexit/ scope`);
  if (pkg.type !== 'module') say('"type" must be "module" (ESM only)');
  if (pkg.sideEffects !== false) say('"sideEffects" must be false');
  const dot = pkg.exports?.['.'];
  if (!dot || Object.keys(dot)[0] !== '@certexit/source' || dot['@certexit/source'] !== './src/index.ts') {
    say('exports["."] must start with the "@certexit/source": "./src/index.ts" condition');
  }
  if (dot?.types !== './dist/index.d.ts' || dot?.default !== './dist/index.js')
    say('exports["."] needs types and default in dist/');
  if (pkg.exports?.['./package.json'] !== './package.json') say('exports must expose ./package.json');
  if (!pkg.files?.includes('dist')) say('"files" must include dist');
  if (pkg.engines?.node !== nodeRange) say(`engines.node must be "${nodeRange}", as in the root package.json`);
  for (const script of ['build', 'typecheck', 'lint', 'test'])
    if (!pkg.scripts?.[script]) say(`missing the "${script}" script`);
  if (!existsSync(join(base, 'vitest.config.ts'))) say('missing vitest.config.ts');
  if (
    !existsSync(join(base, 'tsup.config.ts')) ||
    readFileSync(join(base, 'tsup.config.ts'), 'utf8') !== tsupOneLiner
  ) {
    say('tsup.config.ts must be the shared one-liner (copy packages/core/tsup.config.ts)');
  }
  for (const [section, deps] of Object.entries({ peerDependencies: pkg.peerDependencies ?? {} })) {
    for (const [name, range] of Object.entries(deps))
      if (range === 'workspace:*') say(`${section} ${name} uses workspace:* (use workspace:^)`);
  }
  const readme = existsSync(join(base, 'README.md')) ? readFileSync(join(base, 'README.md'), 'utf8') : '';
  if (!readme.startsWith(`# ${pkg.name}`)) say('README.md must start with "# <package name>"');
  if (pkg.private !== true) {
    if (pkg.publishConfig?.access !== 'public') say('publishConfig.access must be "public"');
    if (pkg.repository?.directory !== `packages/${dir}`) say(`repository.directory must be "packages/${dir}"`);
    if (pkg.repository?.url !== repositoryUrl)
      say(`repository.url must be "${repositoryUrl}", as in the root package.json`);
    if (!readme.includes(`pnpm add`) || !readme.includes(pkg.name))
      say('README.md needs the "pnpm add <name>" install line');
    if (!readme.includes('```ts')) say('README.md needs a minimal TypeScript example');
  }
}
// Packages outside packages/ (the app, the e2e workspace) run on the same Node.js.
for (const group of ['apps', 'e2e']) {
  const dirs = group === 'e2e' ? [''] : readdirSync(join(root, group)).sort();
  for (const dir of dirs) {
    const file = join(root, group, dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = readJson(file);
    const where = join(group, dir);
    if (pkg.engines?.node !== nodeRange)
      problems.push(`${where}: engines.node must be "${nodeRange}", as in the root package.json`);
    if (pkg.private !== true && pkg.repository?.url !== repositoryUrl)
      problems.push(`${where}: repository.url must be "${repositoryUrl}", as in the root package.json`);
  }
}
const peculiar = new Set();
for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
  const m = /^\s+"?(@peculiar\/[a-z0-9-]+)"?:\s*(\S+)/.exec(line);
  if (m) peculiar.add(m[2]);
}
if (peculiar.size > 1)
  problems.push(`pnpm-workspace.yaml: @peculiar/* must share one range, found ${[...peculiar].join(', ')}`);

if (problems.length > 0) {
  console.error(`check-packages: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('check-packages: every package has the house shape');
