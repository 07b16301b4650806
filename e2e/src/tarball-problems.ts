import type { PackageManifest } from './workspace-packages';

// Fixtures stay: a conformance kit ships the recorded data (public certificates) its runtime reads.
const TEST_FILE = /(^|\/)(test|tests|__tests__|__mocks__)\/|\.(test|spec)(-d)?\.[cm]?[jt]sx?$|(^|\/)vitest\.config\./;
const SECRET_FILE =
  /(^|\/)\.env($|\.)|(^|\/)\.npmrc$|\.(pem|key|p12|pfx|jks|keystore)$|(^|\/)id_(rsa|dsa|ecdsa|ed25519)\b|(^|\/)\.tmp\//i;
const BUILD_LEFTOVER = /\.tsbuildinfo$|(^|\/)\.turbo\/|(^|\/)node_modules\//;
const SECRET_CONTENT: ReadonlyArray<[string, RegExp]> = [
  ['a private key', /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----\s*\n[A-Za-z0-9+/=\s]{64,}/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
];

/**
 * What is wrong with a package's tarball, judged by its file list: a missing entry point (every `exports` and `bin`
 * target, `dist/`, the README), a test, a file that looks like a secret, or a build leftover.
 */
export function tarballProblems(manifest: PackageManifest, files: readonly string[]): string[] {
  const problems: string[] = [];
  const present = new Set(files.map((file) => file.replace(/^\.\//, '')));
  const required = new Set(['package.json', 'README.md', ...entryPoints(manifest)]);
  for (const file of required) if (!present.has(file)) problems.push(`${file} is missing`);
  if (![...present].some((file) => file.startsWith('dist/'))) problems.push('no dist/ files');
  for (const file of present) {
    if (TEST_FILE.test(file)) problems.push(`${file} is a test`);
    if (SECRET_FILE.test(file)) problems.push(`${file} looks like a secret`);
    if (BUILD_LEFTOVER.test(file)) problems.push(`${file} is a build leftover`);
  }
  return problems;
}

/** What a file's text gives away, if anything: a private key or an access token. */
export function secretsIn(text: string): string[] {
  return SECRET_CONTENT.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);
}

/** The files `exports` and `bin` point at, relative to the package root. */
export function entryPoints(manifest: PackageManifest): string[] {
  const targets: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return [...new Set(targets.filter((target) => !target.includes('*')).map((target) => target.replace(/^\.\//, '')))];
}
