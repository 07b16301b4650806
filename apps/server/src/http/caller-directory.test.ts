import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryFile } from '@certexit/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { CallerDirectory } from './caller-directory';

const CA_KEY = 'SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Test CA';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function registryFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certexit-callers-'));
  dirs.push(dir);
  return join(dir, 'registry.json');
}

describe('CallerDirectory', () => {
  it('keeps callers under CA\\Callers with only a hash of the token, and authenticates by token', () => {
    const file = registryFile();
    const registry = new RegistryFile(file);
    const callers = new CallerDirectory(registry, CA_KEY);
    const { token, caller, replaced } = callers.add('CERTEXIT\\bob', 'requester');
    expect(caller).toEqual({ identity: 'CERTEXIT\\bob', role: 'requester', groups: [] });
    expect(replaced).toBe(false);

    const key = registry.getKey(`${CA_KEY}\\Callers\\CERTEXIT!005cbob`);
    expect(key).toMatchObject({
      Identity: 'CERTEXIT\\bob',
      Role: 'requester',
      TokenHash: expect.stringMatching(/^sha256:/),
    });
    expect(JSON.stringify(key)).not.toContain(token);

    expect(callers.authenticate(token)).toEqual({ identity: 'CERTEXIT\\bob', role: 'requester', groups: [] });
    expect(callers.authenticate(`cxt_${'B'.repeat(43)}`)).toBeUndefined();
    expect(callers.list()).toEqual([
      { identity: 'CERTEXIT\\bob', role: 'requester', groups: [], created: expect.any(String) },
    ]);
  });

  it('replaces a caller (case-insensitively) with a new token that retires the old one', () => {
    const callers = new CallerDirectory(new RegistryFile(registryFile()), CA_KEY);
    const first = callers.add('CERTEXIT\\bob', 'requester');
    const second = callers.add('certexit\\BOB', 'manager');
    expect(second.replaced).toBe(true);
    expect(callers.authenticate(first.token)).toBeUndefined();
    expect(callers.authenticate(second.token)).toEqual({ identity: 'certexit\\BOB', role: 'manager', groups: [] });
    expect(callers.list()).toHaveLength(1);
  });

  it('removes a caller, whose token then fails', () => {
    const callers = new CallerDirectory(new RegistryFile(registryFile()), CA_KEY);
    const { token } = callers.add('CERTEXIT\\bob', 'requester');
    expect(callers.remove('certexit\\bob')).toBe(true);
    expect(callers.remove('CERTEXIT\\bob')).toBe(false);
    expect(callers.authenticate(token)).toBeUndefined();
  });

  it('binds a TLS client certificate by its SHA-256, and forgets it when the caller is replaced without one', () => {
    const callers = new CallerDirectory(new RegistryFile(registryFile()), CA_KEY);
    const certificate = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);
    callers.add('CERTEXIT\\bob', 'requester', { certificate });
    expect(callers.authenticateCertificate(certificate)).toEqual({
      identity: 'CERTEXIT\\bob',
      role: 'requester',
      groups: [],
    });
    expect(callers.authenticateCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x06]))).toBeUndefined();
    expect(callers.list()[0]?.certificateSha256).toBe(createHash('sha256').update(certificate).digest('hex'));
    callers.add('CERTEXIT\\bob', 'manager');
    expect(callers.authenticateCertificate(certificate)).toBeUndefined();
    expect(callers.list()[0]).not.toHaveProperty('certificateSha256');
  });

  it("keeps a session's credential valid only while the caller still holds it, with its role as it is now", () => {
    const callers = new CallerDirectory(new RegistryFile(registryFile()), CA_KEY);
    const { token } = callers.add('CERTEXIT\\carol', 'officer');
    const credential = callers.credentialOf({ token });
    expect(credential.hash).not.toContain(token);
    expect(callers.current('certexit\\CAROL', credential)).toEqual({
      identity: 'CERTEXIT\\carol',
      role: 'officer',
      groups: [],
    });
    // A role change (same token, as `caller add` would not keep it: simulate an edit) shows at once.
    expect(callers.current('CERTEXIT\\carol', { kind: 'certificate', hash: credential.hash })).toBeUndefined();
    callers.add('CERTEXIT\\carol', 'manager');
    expect(callers.current('CERTEXIT\\carol', credential)).toBeUndefined();
    const again = callers.add('CERTEXIT\\carol', 'requester');
    const next = callers.credentialOf({ token: again.token });
    expect(callers.current('CERTEXIT\\carol', next)?.role).toBe('requester');
    callers.remove('CERTEXIT\\carol');
    expect(callers.current('CERTEXIT\\carol', next)).toBeUndefined();
  });

  it('refuses malformed identities and roles with a clear error, changing nothing', () => {
    const registry = new RegistryFile(registryFile());
    const callers = new CallerDirectory(registry, CA_KEY);
    for (const identity of [
      'bob',
      'CERTEXIT\\',
      '\\bob',
      'A\\b\\c',
      'CERTEXIT\\bob\nadmin',
      'EVIL DOMAIN\\bob',
      'X\\a*b',
    ]) {
      expect(() => callers.add(identity, 'requester'), JSON.stringify(identity)).toThrow(/is not DOMAIN\\user/);
    }
    expect(() => callers.add('CERTEXIT\\bob', 'admin')).toThrow(
      /role "admin" is not one of requester, officer, manager/,
    );
    expect(registry.getKey(`${CA_KEY}\\Callers`)).toBeUndefined();
  });

  it('sees callers another process added or removed in the file, from the next turn of the event loop', async () => {
    const file = registryFile();
    const server = new CallerDirectory(new RegistryFile(file), CA_KEY);
    server.refresh();
    await nextTurn();
    const cli = new CallerDirectory(new RegistryFile(file), CA_KEY);
    const { token } = cli.add('CERTEXIT\\carol', 'manager');
    expect(server.authenticate(token)).toEqual({ identity: 'CERTEXIT\\carol', role: 'manager', groups: [] });
    new CallerDirectory(new RegistryFile(file), CA_KEY).remove('CERTEXIT\\carol');
    // The file is looked at once per turn: requests read in the same turn are judged by the same look.
    expect(server.authenticate(token)).toEqual({ identity: 'CERTEXIT\\carol', role: 'manager', groups: [] });
    await nextTurn();
    expect(server.authenticate(token)).toBeUndefined();
  });

  it('lets a hand-edited entry of the wrong shape authenticate nobody, without failing the others', () => {
    const file = registryFile();
    const good = new CallerDirectory(new RegistryFile(file), CA_KEY).add('CERTEXIT\\bob', 'requester');
    const registry = new RegistryFile(file);
    registry.setValue(`${CA_KEY}\\Callers\\broken\\Identity`, 'CERTEXIT\\mallory');
    registry.setValue(`${CA_KEY}\\Callers\\broken\\Role`, 'root');
    registry.setValue(`${CA_KEY}\\Callers\\broken\\TokenHash`, 'plaintext-token');
    const callers = new CallerDirectory(registry, CA_KEY);
    expect(callers.authenticate('plaintext-token')).toBeUndefined();
    expect(callers.authenticate(good.token)?.identity).toBe('CERTEXIT\\bob');
    expect(callers.list().map((c) => c.identity)).toEqual(['CERTEXIT\\bob']);
  });

  it('works on a registry file that does not exist yet', () => {
    const file = registryFile();
    const callers = new CallerDirectory(new RegistryFile(file), CA_KEY);
    expect(callers.authenticate(`cxt_${'C'.repeat(43)}`)).toBeUndefined();
    writeFileSync(file, '{}');
    expect(callers.list()).toEqual([]);
  });

  it('keeps the groups a caller is in, edits them without a new token, and refuses group names that break lists', () => {
    const callers = new CallerDirectory(new RegistryFile(registryFile()), CA_KEY);
    const { token } = callers.add('CERTEXIT\\webadmin', 'requester', { groups: ['Domain Admins', 'PKI Web'] });
    expect(callers.authenticate(token)).toEqual({
      identity: 'CERTEXIT\\webadmin',
      role: 'requester',
      groups: ['Domain Admins', 'PKI Web'],
    });
    expect(callers.editGroups('certexit\\WEBADMIN', ['-Domain Admins', '+Web Operators'])).toEqual([
      'PKI Web',
      'Web Operators',
    ]);
    expect(callers.authenticate(token)?.groups).toEqual(['PKI Web', 'Web Operators']);
    expect(callers.editGroups('CERTEXIT\\webadmin', ['Only'])).toEqual(['Only']);
    expect(callers.groupsOf('CERTEXIT\\nobody')).toEqual([]);
    expect(() => callers.add('CERTEXIT\\x', 'requester', { groups: ['bad\ngroup'] })).toThrow(/is not a group name/);
    expect(() => callers.editGroups('CERTEXIT\\webadmin', ['+a,b'])).toThrow(/is not a group name/);
    expect(() => callers.editGroups('CERTEXIT\\nobody', ['+x'])).toThrow(/is not a caller/);
  });
});
