import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryFile } from './registry-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-registry-'));
  dirs.push(dir);
  return join(dir, 'registry.json');
};

describe('RegistryFile', () => {
  it('keeps both changes when two processes write from stale views', () => {
    const path = file();
    const server = new RegistryFile(path);
    const cli = new RegistryFile(path);
    server.setValue('A\\Served', 1);
    cli.setValue('A\\Typed', 'x'); // the CLI's view predates the server's write
    server.setValue('A\\Other', [1, 2].map(String));
    const fresh = new RegistryFile(path);
    expect(fresh.getValue('A\\Served')).toBe(1);
    expect(fresh.getValue('a\\typed')).toBe('x');
    expect(fresh.getValue('A\\Other')).toEqual(['1', '2']);
    expect(cli.delete('A\\Served')).toBe(true);
    expect(new RegistryFile(path).getValue('A\\Served')).toBeUndefined();
    expect(new RegistryFile(path).getValue('A\\Other')).toEqual(['1', '2']);
  });

  it('waits for a held lock, names it when it stays, and takes over a stale one', () => {
    const path = file();
    const registry = new RegistryFile(path, { lockTimeoutMs: 200 });
    writeFileSync(`${path}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    registry.setValue('K\\V', 1);
    expect(new RegistryFile(path).getValue('K\\V')).toBe(1);
    writeFileSync(`${path}.lock`, '');
    expect(() => registry.setValue('K\\V', 2)).toThrow(/locked by another process \(.*registry\.json\.lock\)/);
    expect(new RegistryFile(path).getValue('K\\V')).toBe(1);
  });

  it('reads a number as a number and anything else as missing', () => {
    const registry = new RegistryFile(file());
    registry.setValue('CA\\Niceness', 10);
    registry.setValue('CA\\Text', '10');
    expect(registry.getNumber('ca\\niceness')).toBe(10);
    expect(registry.getNumber('CA\\Text')).toBeUndefined();
    expect(registry.getNumber('CA\\Missing')).toBeUndefined();
  });

  it('names a corrupt file instead of overwriting it', () => {
    const path = file();
    writeFileSync(path, '{ not json');
    expect(() => new RegistryFile(path)).toThrow(/registry\.json is not valid JSON/);
  });

  it('lets a long-lived reader see the writes of another process without a restart', async () => {
    const path = file();
    const server = new RegistryFile(path, { refreshMs: 0 });
    const view = () => server.getValue('CA\\Directory\\LdapServers');
    expect(view()).toBeUndefined();
    new RegistryFile(path).setValue('CA\\Directory\\LdapServers', ['ldaps://dc1:636']); // the CLI's setreg
    expect(view()).toEqual(['ldaps://dc1:636']);
    expect(server.root()).toMatchObject({ CA: { Directory: { LdapServers: ['ldaps://dc1:636'] } } });
  });

  it('moves its generation on every change, its own and another process’s, and only then', () => {
    const path = file();
    const server = new RegistryFile(path, { refreshMs: 0 });
    const start = server.generation;
    expect(server.generation).toBe(start);
    server.setValue('CA\\CRLFlags', 4);
    const afterOwn = server.generation;
    expect(afterOwn).not.toBe(start);
    expect(server.generation).toBe(afterOwn);
    new RegistryFile(path).setValue('CA\\CRLFlags', 8);
    expect(server.generation).not.toBe(afterOwn);
    expect(server.getNumber('CA\\CRLFlags')).toBe(8);
  });

  it('sees another process write a value of the same size within one tick of the clock', () => {
    const path = file();
    const server = new RegistryFile(path, { refreshMs: 0 });
    // As on a coarse file-system clock: both writes carry the same modification time, to the nanosecond.
    const tick = new Date('2026-12-07T00:00:00Z');
    server.setValue('CA\\CRLFlags', 4);
    utimesSync(path, tick, tick);
    const afterOwn = server.generation;
    const size = statSync(path).size;
    new RegistryFile(path).setValue('CA\\CRLFlags', 8);
    utimesSync(path, tick, tick);
    expect(statSync(path).size).toBe(size);
    expect(server.generation).not.toBe(afterOwn);
    expect(server.getNumber('CA\\CRLFlags')).toBe(8);
  });
});
