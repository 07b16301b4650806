/**
 * Test-only helpers: drive the real `openssl` binary to check our DER from the outside.
 * Not exported from the package; used by the colocated `*.test.ts` files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslSelfSigned as opensslSelfSignedFile } from '../../../../tooling/test/openssl-request';

/** Outcome of one openssl invocation (stdout and stderr kept apart, exit status). */
export interface OpensslResult {
  status: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for assertions that don't care where OpenSSL printed. */
  output: string;
}

/**
 * Runs openssl with an argument array (no shell); never throws on a non-zero exit.
 * spawnSync rather than execFileSync: OpenSSL reports some successes ("verify OK") on stderr,
 * which execFileSync drops when the exit status is 0.
 */
export function openssl(args: string[], cwd?: string): OpensslResult {
  const r = spawnSync('openssl', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OPENSSL_CONF: '/dev/null' },
  });
  if (r.error) throw r.error;
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status ?? -1, stdout, stderr, output: `${stdout}${stderr}` };
}

/** Like {@link openssl} but throws with OpenSSL's output when it fails. */
export function opensslOk(args: string[], cwd?: string): string {
  const r = openssl(args, cwd);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}):\n${r.output}`);
  return r.stdout;
}

/** A scratch directory with small file helpers; call `remove()` in afterAll. */
export interface TempDir {
  path: string;
  file(name: string): string;
  write(name: string, data: string | Uint8Array): string;
  read(name: string): string;
  remove(): void;
}

export function makeTempDir(prefix = 'certexit-x509-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: (name) => join(path, name),
    write(name, data) {
      const p = join(path, name);
      writeFileSync(p, data);
      return p;
    },
    read: (name) => readFileSync(join(path, name), 'utf8'),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A self-signed P-256 certificate made by OpenSSL in `dir`, with the given `-addext` values (DER). */
export function opensslSelfSigned(dir: TempDir, name: string, ...addext: string[]): Uint8Array {
  return new Uint8Array(readFileSync(opensslSelfSignedFile(dir.path, name, { addext, format: 'DER' })));
}
