import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertExit2, RegistryTree } from '@certexit/core';
import {
  CertexitError,
  CT_FLAG_PUBLISH_TO_DS,
  classifyExitFailure,
  EXITEVENT_CERTISSUED,
  EXITPUB_ACTIVEDIRECTORY,
  EXITPUB_FILE,
  PROGID_DEFAULT_EXIT,
  S_OK,
} from '@certexit/core';
import type { LdapClientFactory } from '@certexit/ldap';
import { DIRECTORY_ERROR_CODES, DirectoryError } from '@certexit/ldap';
import type { ServerExitFixture } from '@certexit/testing';
import { checkExitModule, createTestServices, defaultFixture } from '@certexit/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultExitModule } from './create-default-exit-module';
import type { FilePublishErrorCode } from './file-publish-error';
import { FILE_PUBLISH_ERROR_CODES, FilePublishError } from './file-publish-error';

const ISSUED = 1;

describe('EXITPUB_FILE (CertFile request attribute)', () => {
  let root: string;
  let allowed: string;
  let certEnroll: string;
  let outside: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'certexit-file-'));
    allowed = join(root, 'allowed');
    certEnroll = join(root, 'CertEnroll');
    outside = join(root, 'outside');
    for (const d of [allowed, certEnroll, outside]) mkdirSync(d);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const fixture = (certFile: string | undefined): ServerExitFixture => {
    const base = defaultFixture();
    const issued = base.contexts[ISSUED]!;
    return {
      ...base,
      contexts: {
        ...base.contexts,
        [ISSUED]: {
          ...issued,
          attributes: { ...issued.attributes, ...(certFile === undefined ? {} : { CertFile: certFile }) },
        },
      },
    };
  };
  const der = () => defaultFixture().contexts[ISSUED]!.certificate!.RawCertificate as Uint8Array;

  const publish = async (certFile: string | undefined, config: RegistryTree = {}) => {
    const services = createTestServices({
      fixture: fixture(certFile),
      config: { PublishCertFlags: EXITPUB_FILE, CertFileDirectories: [allowed], ...config },
      progId: PROGID_DEFAULT_EXIT,
    });
    const module = (await createDefaultExitModule({ certEnrollDirectory: certEnroll }).create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    const result = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, ISSUED)).then(
      (hr) => ({ hr, error: undefined }),
      (error: unknown) => ({ hr: undefined, error }),
    );
    return { services, ...result };
  };

  const expectFailure = (error: unknown, code: FilePublishErrorCode) => {
    expect(FilePublishError.isInstance(error)).toBe(true);
    expect((error as FilePublishError).code).toBe(code);
    expect((error as Error).message).toMatch(/request 1/);
  };
  const nothingWrittenOutside = () => expect(readdirSync(outside)).toEqual([]);

  it('writes the DER to an absolute path inside CertFileDirectories', async () => {
    const target = join(allowed, 'alice.cer');
    const { hr, services } = await publish(target);
    expect(hr).toBe(S_OK);
    expect(Buffer.compare(readFileSync(target), Buffer.from(der()))).toBe(0);
    expect(services.logger.entries.some((e) => e.msg === 'wrote the certificate to a file (EXITPUB_FILE)')).toBe(true);
  });

  it('writes <CertEnroll>/<RequestID>.cer for a value without a path (the SDK sample), by default only there', async () => {
    const { hr } = await publish('1', { CertFileDirectories: undefined as never });
    expect(hr).toBe(S_OK);
    expect(Buffer.compare(readFileSync(join(certEnroll, '1.cer')), Buffer.from(der()))).toBe(0);
    // Without CertFileDirectories the CertEnroll folder is the only allowed directory.
    const { error } = await publish(join(allowed, 'x.cer'), { CertFileDirectories: undefined as never });
    expectFailure(error, FILE_PUBLISH_ERROR_CODES.OUTSIDE_ALLOWED_DIRECTORIES);
  });

  it('does nothing without the CertFile attribute, or without EXITPUB_FILE', async () => {
    expect((await publish(undefined)).hr).toBe(S_OK);
    expect((await publish(join(allowed, 'off.cer'), { PublishCertFlags: 0 })).hr).toBe(S_OK);
    expect(readdirSync(allowed)).toEqual([]);
  });

  it('never overwrites an existing file', async () => {
    const target = join(allowed, 'exists.cer');
    writeFileSync(target, 'precious');
    const { error } = await publish(target);
    expectFailure(error, FILE_PUBLISH_ERROR_CODES.FILE_EXISTS);
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  const attacks: ReadonlyArray<readonly [string, () => string, FilePublishErrorCode]> = [
    [
      '../ traversal out of the allowed directory',
      () => join(allowed, '..', 'outside', 'evil.cer'),
      'OUTSIDE_ALLOWED_DIRECTORIES',
    ],
    ['an absolute path elsewhere', () => join(outside, 'evil.cer'), 'OUTSIDE_ALLOWED_DIRECTORIES'],
    ['/etc/passwd', () => '/etc/passwd', 'OUTSIDE_ALLOWED_DIRECTORIES'],
    ['a relative path', () => '../outside/evil.cer', 'INVALID_PATH'],
    ['a relative path with backslashes', () => '..\\outside\\evil.cer', 'INVALID_PATH'],
    ['a NUL byte', () => `${join(allowed, 'a.cer')}\0${join(outside, 'b.cer')}`, 'INVALID_PATH'],
    ['a newline', () => `${join(allowed, 'a')}\n.cer`, 'INVALID_PATH'],
    ['a UNC path', () => '\\\\host\\share\\evil.cer', 'UNC_PATH'],
    ['a forward-slash UNC path', () => '//host/share/evil.cer', 'UNC_PATH'],
    ['a drive letter', () => 'C:\\Windows\\evil.cer', 'INVALID_PATH'],
    ['the allowed directory itself', () => `${allowed}/..`, 'OUTSIDE_ALLOWED_DIRECTORIES'],
    ['a missing directory', () => join(allowed, 'nope', 'a.cer'), 'DIRECTORY_NOT_FOUND'],
  ];
  // Issue 12: "permanent errors are retried ten times like transient ones" (a path refused by policy).
  it.each(attacks)('refuses %s with a clear error, as a permanent failure', async (_, path, code) => {
    const { error } = await publish(path());
    expectFailure(error, code);
    expect(classifyExitFailure(error, CertexitError.hresultOf(error)).kind).toBe('permanent');
    nothingWrittenOutside();
    expect(readdirSync(allowed)).toEqual([]);
  });

  it('counts a file that holds exactly this certificate as written (an earlier attempt was cut short)', async () => {
    const target = join(allowed, 'again.cer');
    writeFileSync(target, der());
    expect((await publish(target)).hr).toBe(S_OK);
    expect(Buffer.compare(readFileSync(target), Buffer.from(der()))).toBe(0);
  });

  // Issue 12: "side effects happen once": a retry repeats only the action that failed.
  it('repeats only the failed action on a retry: the file is not written again while the directory is retried', async () => {
    const target = join(allowed, 'once.cer');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const factory = vi.fn<LdapClientFactory>(() => ({
      bind: async () => Promise.reject(refused),
      startTLS: async () => undefined,
      search: async () => ({ searchEntries: [], searchReferences: [] }),
      modify: async () => undefined,
      unbind: async () => undefined,
    }));
    const base = fixture(target);
    const issued = base.contexts[ISSUED]!;
    const services = createTestServices({
      fixture: {
        ...base,
        contexts: {
          ...base.contexts,
          [ISSUED]: { ...issued, certificate: { ...issued.certificate, EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS } },
        },
      },
      config: {
        PublishCertFlags: EXITPUB_FILE | EXITPUB_ACTIVEDIRECTORY,
        CertFileDirectories: [allowed],
        LdapServers: ['ldap://dc1.certexit.test'],
        DomainDN: 'DC=certexit,DC=test',
      },
      progId: PROGID_DEFAULT_EXIT,
      eventId: 'certexit Test CA/41',
    });
    const module = (await createDefaultExitModule({ ldapClientFactory: factory }).create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    const attempt = () => Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, ISSUED)).catch((e: unknown) => e);
    const first = await attempt();
    expect(DirectoryError.isInstance(first) && first.code).toBe(DIRECTORY_ERROR_CODES.SERVER_UNREACHABLE);
    // The directory being down may pass: the host backs off and tries again.
    expect(classifyExitFailure(first, CertexitError.hresultOf(first)).kind).toBe('transient');
    expect(existsSync(target)).toBe(true);
    rmSync(target);
    // The retry (same EventID): the directory is tried again, the file, done already, is not written again.
    const second = await attempt();
    expect(DirectoryError.isInstance(second)).toBe(true);
    expect(factory).toHaveBeenCalledTimes(2);
    expect(existsSync(target)).toBe(false);
    expect(services.idempotency.actions).toEqual([
      { eventId: 'certexit Test CA/41', action: 'file', state: 'done', scope: 'delivery' },
    ]);
    // Another notification (another EventID) is another side effect.
    services.setEventId('certexit Test CA/42');
    await attempt();
    expect(existsSync(target)).toBe(true);
  });

  it('refuses a symbolic link to a directory outside (the real path is checked)', async () => {
    symlinkSync(outside, join(allowed, 'escape'));
    const { error } = await publish(join(allowed, 'escape', 'evil.cer'));
    expectFailure(error, FILE_PUBLISH_ERROR_CODES.OUTSIDE_ALLOWED_DIRECTORIES);
    expect((error as Error).message).toContain(outside);
    nothingWrittenOutside();
  });

  it('never writes through a symbolic link in place of the file (even a dangling one)', async () => {
    symlinkSync(join(outside, 'victim.cer'), join(allowed, 'link.cer'));
    const { error } = await publish(join(allowed, 'link.cer'));
    expectFailure(error, FILE_PUBLISH_ERROR_CODES.FILE_EXISTS);
    nothingWrittenOutside();
  });

  it('accepts an allowed directory that is itself reached through a symbolic link', async () => {
    const link = join(root, 'allowed-link');
    symlinkSync(allowed, link);
    const { hr } = await publish(join(allowed, 'via-real.cer'), { CertFileDirectories: [link] });
    expect(hr).toBe(S_OK);
    expect(existsSync(join(allowed, 'via-real.cer'))).toBe(true);
  });

  it('fails clearly when no directory is allowed', async () => {
    const services = createTestServices({
      fixture: fixture(join(allowed, 'a.cer')),
      config: { PublishCertFlags: EXITPUB_FILE },
      progId: PROGID_DEFAULT_EXIT,
    });
    const module = (await createDefaultExitModule().create(services)) as ICertExit2;
    await module.Initialize('certexit Test CA');
    const error = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, ISSUED)).catch((e: unknown) => e);
    expectFailure(error, FILE_PUBLISH_ERROR_CODES.NO_DIRECTORY);
    expect(services.logger.entries.some((e) => e.level === 'warn' && /EXITPUB_FILE/.test(e.msg ?? ''))).toBe(true);
  });

  it('conforms with EXITPUB_FILE and EXITPUB_ACTIVEDIRECTORY on (no servers) and a CertEnroll folder', async () => {
    (
      await checkExitModule({
        module: createDefaultExitModule({ certEnrollDirectory: certEnroll }),
        config: { PublishCertFlags: EXITPUB_FILE | EXITPUB_ACTIVEDIRECTORY },
      })
    ).assertOk();
  });
});
