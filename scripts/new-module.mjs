#!/usr/bin/env node
// pnpm new:module <name>
//
// Creates packages/exit-<name> from the living template packages/exit-template: copies it (without node_modules,
// dist, .turbo and template-only files), renames the package, ProgID, factory and files, makes the package
// publishable, and writes the first changeset. Plain Node ESM with no dependencies, so it runs before
// `pnpm install` on any Node >= 20.
//
// CERTEXIT_NEW_MODULE_ROOT overrides the repository root (the generator's own test uses a temporary copy).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATE = 'exit-template';
/** Never copied: build output, caches and installed dependencies. */
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', 'coverage']);
/** Template files that make no sense in a module (paths relative to the template, `/`-separated). */
const TEMPLATE_ONLY = new Set(['test/generator.test.ts']);
/** Files whose text is rewritten; anything else is copied byte for byte. */
const TEXT_EXTENSIONS = /\.(?:[cm]?[jt]s|json|md|ya?ml|txt)$/;
const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 50;

class UsageError extends Error {}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`new-module: ${error.message}\n`);
  process.exitCode = 1;
}

function main(args) {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  if (args.length !== 1) throw new UsageError(`expected exactly one module name.\n${usage()}`);
  const name = validateName(args[0]);

  const root = process.env.CERTEXIT_NEW_MODULE_ROOT
    ? resolve(process.env.CERTEXIT_NEW_MODULE_ROOT)
    : resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const templateDir = join(root, 'packages', TEMPLATE);
  const targetDir = join(root, 'packages', `exit-${name}`);
  const changesetDir = join(root, '.changeset');
  const changesetFile = join(changesetDir, `exit-${name}-initial.md`);

  if (!existsSync(join(templateDir, 'package.json'))) {
    throw new UsageError(
      `the template ${relative(process.cwd(), templateDir) || templateDir} is missing; is ${root} the repository root?`,
    );
  }
  // Refuse before writing anything, so a failed run leaves the repository as it was.
  if (existsSync(targetDir)) {
    throw new UsageError(
      `packages/exit-${name} already exists; refusing to overwrite it (pick another name or delete it first)`,
    );
  }
  if (!existsSync(changesetDir))
    throw new UsageError(`${changesetDir} does not exist; is ${root} the repository root?`);
  if (existsSync(changesetFile)) {
    throw new UsageError(`.changeset/exit-${name}-initial.md already exists; refusing to overwrite it`);
  }

  const names = moduleNames(name);
  try {
    copyTemplate(templateDir, targetDir, names);
  } catch (error) {
    rmSync(targetDir, { recursive: true, force: true });
    throw error;
  }
  writeFileSync(
    changesetFile,
    `---\n"${names.packageName}": minor\n---\n\nInitial release of \`${names.packageName}\`, the \`${names.progId}\` exit module.\n`,
  );

  // Longer names make longer lines: let the repository's own formatter re-wrap them.
  const formatted = formatWithBiome(root, targetDir);

  process.stdout.write(
    [
      `Created packages/exit-${name} (${names.packageName}, ProgID ${names.progId}, factory ${names.factory})`,
      `Created .changeset/exit-${name}-initial.md`,
      '',
      'Next steps:',
      '  pnpm install',
      ...(formatted ? [] : [`  pnpm exec biome check --write packages/exit-${name}`]),
      `  pnpm --filter ${names.packageName} test`,
      '',
      'Then implement the module and follow docs/writing-an-exit-module.md (settings, events, tests, README,',
      'changeset, registration with a CA, publishing).',
      '',
    ].join('\n'),
  );
}

function usage() {
  return [
    'Usage: pnpm new:module <name>',
    '',
    '  <name>  lowercase kebab-case, e.g. "webhook" or "sql-inventory"; creates packages/exit-<name>',
    '          (@certexit/exit-<name>, ProgID CertExit_<PascalName>.Exit) from packages/exit-template.',
  ].join('\n');
}

function validateName(raw) {
  const name = String(raw ?? '').trim();
  if (name.startsWith('exit-')) {
    throw new UsageError(`give the name without the "exit-" prefix: pnpm new:module ${name.slice('exit-'.length)}`);
  }
  if (!NAME_PATTERN.test(name)) {
    throw new UsageError(
      `invalid module name ${JSON.stringify(name)}: use lowercase kebab-case (a-z, 0-9 and single hyphens, starting with a letter), e.g. "sql-inventory"`,
    );
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new UsageError(`invalid module name ${JSON.stringify(name)}: at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

/** Every spelling of the module's name the template uses. */
function moduleNames(name) {
  const pascal = name
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return {
    name,
    pascal,
    packageName: `@certexit/exit-${name}`,
    progId: `CertExit_${pascal}.Exit`,
    factory: `create${pascal}ExitModule`,
  };
}

function copyTemplate(templateDir, targetDir, names) {
  for (const file of listFiles(templateDir)) {
    const rel = relative(templateDir, file).split(sep).join('/');
    if (TEMPLATE_ONLY.has(rel)) continue;
    const target = join(targetDir, ...renamePath(rel, names).split('/'));
    mkdirSync(dirname(target), { recursive: true });
    if (!TEXT_EXTENSIONS.test(rel)) {
      writeFileSync(target, readFileSync(file));
      continue;
    }
    let text = readFileSync(file, 'utf8');
    if (rel.endsWith('.md')) text = stripTemplateOnly(text);
    text = renameText(text, names);
    if (rel === 'package.json') text = rewritePackageJson(text, names);
    writeFileSync(target, text);
  }
}

function listFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** `src/create-template-exit-module.ts` → `src/create-<name>-exit-module.ts`. */
function renamePath(rel, names) {
  return rel
    .split('/')
    .map((segment) => segment.replace(/(^|-)template(?=[-.])/g, `$1${names.name}`))
    .join('/');
}

/**
 * The template spells its own name in a few fixed shapes only; each has one rule here. (Words such as
 * `CertificateTemplate` or "template" in prose are left alone.)
 */
function renameText(text, names) {
  return text
    .replace(/@certexit\/exit-template\b/g, names.packageName)
    .replace(/\bexit-template\b/g, `exit-${names.name}`)
    .replace(/\bCertExit_Template\b/g, `CertExit_${names.pascal}`)
    .replace(/\bcreateTemplate(?=[A-Z])/g, `create${names.pascal}`)
    .replace(/\bTemplateSettings\b/g, `${names.pascal}Settings`)
    .replace(/\bcertexit Template exit module\b/g, `certexit ${names.pascal} exit module`)
    .replace(/\bcreate-template-/g, `create-${names.name}-`);
}

/** README blocks between `<!-- template-only:start -->` and `<!-- template-only:end -->` describe the template itself. */
function stripTemplateOnly(text) {
  return text.replace(/<!-- template-only:start -->[\s\S]*?<!-- template-only:end -->\n*/g, '');
}

function rewritePackageJson(text, names) {
  const pkg = JSON.parse(text);
  pkg.name = names.packageName;
  pkg.version = '0.0.0';
  pkg.description = `A certexit exit module (${names.progId}).`;
  delete pkg.private;
  pkg.repository = { ...pkg.repository, directory: `packages/exit-${names.name}` };
  // JSON.stringify's layout is the one Biome's formatter keeps.
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * Runs `biome check --write` on the new package with the repository's Biome and configuration, if both are there
 * (a fresh clone before `pnpm install` has neither). Returns false when it did not run or reported problems.
 */
function formatWithBiome(root, dir) {
  const bin = join(root, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  if (!existsSync(bin) || !existsSync(join(root, 'biome.json'))) return false;
  const result = spawnSync(process.execPath, [bin, 'check', '--write', '--no-errors-on-unmatched', dir], {
    cwd: root,
    encoding: 'utf8',
  });
  return result.status === 0;
}
