// The structural check of the workspace (what manypkg/konsistent do): every package under packages/ and apps/ has
// the same shape, so a new one cannot drift. Libraries (packages/) are scoped, side-effect free and built by the
// shared tsup one-liner; an app (apps/) may have its own name and extra entries (its command). Prints every
// problem, exits 1 if there is any.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

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

const workspaces = ['packages', 'apps'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group))
        .sort()
        .map((dir) => ({ group, dir, path: `${group}/${dir}` }))
    : [],
);
for (const { group, path } of workspaces) {
  const base = join(root, path);
  if (!existsSync(join(base, 'package.json'))) continue;
  const library = group === 'packages';
  const pkg = readJson(join(base, 'package.json'));
  const say = (message) => problems.push(`${path}: ${message}`);
  if (library && !pkg.name?.startsWith('@certexit/')) say(`name ${pkg.name} is not in the @certexit/ scope`);
  if (pkg.type !== 'module') say('"type" must be "module" (ESM only)');
  if (library ? pkg.sideEffects !== false : pkg.sideEffects !== false && !Array.isArray(pkg.sideEffects))
    say(library ? '"sideEffects" must be false' : '"sideEffects" must be false or list the files that have them');
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
  const tsup = existsSync(join(base, 'tsup.config.ts')) ? readFileSync(join(base, 'tsup.config.ts'), 'utf8') : '';
  if (library && tsup !== tsupOneLiner) {
    say('tsup.config.ts must be the shared one-liner (copy packages/core/tsup.config.ts)');
  } else if (!library && !tsup.includes('baseConfig(import.meta.url')) {
    say("tsup.config.ts must build with the shared baseConfig (tooling/tsup/base.ts), adding only the app's entries");
  }
  for (const [section, deps] of Object.entries({ peerDependencies: pkg.peerDependencies ?? {} })) {
    for (const [name, range] of Object.entries(deps))
      if (range === 'workspace:*') say(`${section} ${name} uses workspace:* (use workspace:^)`);
  }
  const readme = existsSync(join(base, 'README.md')) ? readFileSync(join(base, 'README.md'), 'utf8') : '';
  if (!readme.startsWith(`# ${pkg.name}`)) say('README.md must start with "# <package name>"');
  if (pkg.private !== true) {
    if (pkg.publishConfig?.access !== 'public') say('publishConfig.access must be "public"');
    if (pkg.repository?.directory !== path) say(`repository.directory must be "${path}"`);
    if (pkg.repository?.url !== repositoryUrl)
      say(`repository.url must be "${repositoryUrl}", as in the root package.json`);
    if (!readme.includes(`pnpm add`) || !readme.includes(pkg.name))
      say('README.md needs the "pnpm add <name>" install line');
    if (!readme.includes('```ts')) say('README.md needs a minimal TypeScript example');
    const repositoryPage = repositoryUrl?.replace(/^git\+/, '').replace(/\.git$/, '');
    if (repositoryPage && !readme.includes(repositoryPage)) say(`README.md needs a link to ${repositoryPage}`);
  }
  // One character beyond Latin-1 anywhere in a bundle (a doc comment esbuild keeps) makes V8 hold its whole source
  // as a two-byte string, twice its size, in every thread that loads it.
  const dist = join(base, 'dist');
  for (const file of existsSync(dist) ? readdirSync(dist).filter((f) => f.endsWith('.js')) : []) {
    const at = readFileSync(join(dist, file), 'utf8').search(/[\u0080-\uffff]/);
    if (at >= 0) say(`dist/${file} holds a character beyond ASCII (at ${at}): write it in ASCII in the source`);
  }
}
// Folder cycles inside a package's src (Biome's noImportCycles sees files, not folders): src/<folder> importing a
// folder that imports it back means the folders are not layers, and a newcomer cannot read one without the other.
const importRe = /(?:from\s+|import\s*\(?\s*)'(\.{1,2}\/[^']*)'/g;
for (const { path } of workspaces) {
  const src = join(root, path, 'src');
  if (!existsSync(src)) continue;
  const edges = new Map();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mts|mjs)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        const from = relative(src, file).split(sep)[0];
        for (const [, specifier] of readFileSync(file, 'utf8').matchAll(importRe)) {
          const to = relative(src, resolve(dirname(file), specifier)).split(sep)[0];
          if (
            to === from ||
            to.startsWith('..') ||
            !existsSync(join(src, to)) ||
            !statSync(join(src, to)).isDirectory()
          )
            continue;
          if (!edges.has(from)) edges.set(from, new Map());
          edges.get(from).set(to, relative(join(root, path), file));
        }
      }
    }
  };
  walk(src);
  const reported = new Set();
  for (const [from, targets] of edges) {
    for (const [to, via] of targets) {
      const back = edges.get(to)?.get(from);
      const key = [from, to].sort().join(' <-> ');
      if (back && !reported.has(key)) {
        reported.add(key);
        problems.push(`${path}: src/${from} and src/${to} import each other (${via}; ${back})`);
      }
    }
  }
  // Longer cycles: a folder that reaches itself again.
  const reaches = (start) => {
    const seen = new Set();
    const stack = [...(edges.get(start)?.keys() ?? [])];
    while (stack.length > 0) {
      const next = stack.pop();
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(edges.get(next)?.keys() ?? []));
    }
    return false;
  };
  for (const folder of edges.keys()) {
    if (reaches(folder) && ![...reported].some((k) => k.split(' <-> ').includes(folder)))
      problems.push(`${path}: src/${folder} is part of an import cycle between folders`);
  }
}

// The e2e workspace (private, outside packages/ and apps/) runs on the same Node.js.
if (existsSync(join(root, 'e2e', 'package.json'))) {
  const pkg = readJson(join(root, 'e2e', 'package.json'));
  if (pkg.engines?.node !== nodeRange)
    problems.push(`e2e: engines.node must be "${nodeRange}", as in the root package.json`);
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
