import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertExit2, ICertServerExit, RegistryTree } from '@certexit/core';
import {
  CertexitError,
  CMM_REFRESHONLY,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_FILE_EXISTS,
  HRESULT_FILE_NOT_FOUND,
  HRESULT_PATH_NOT_FOUND,
  S_FALSE,
  S_OK,
} from '@certexit/core';
import type { ServerExitFixture } from '@certexit/testing';
import { checkExitModule, createTestServices, defaultFixture } from '@certexit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSampleExitModule, SAMPLE_EVENT_MASK, SAMPLE_PROGID } from './index';

let dir: string;
let certEnroll: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certexit-sample-'));
  certEnroll = join(dir, 'CertEnroll');
  await mkdir(certEnroll);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The kit's fixture with a `CertFile` attribute on the issued request (context 1). */
function withCertFile(value = '1'): ServerExitFixture {
  const base = defaultFixture();
  const issued = base.contexts[1]!;
  return {
    ...base,
    contexts: { ...base.contexts, 1: { ...issued, attributes: { ...issued.attributes, CertFile: value } } },
  };
}

async function start(
  config: RegistryTree,
  fixture: ServerExitFixture = withCertFile(),
  options = { certEnrollDirectory: certEnroll },
) {
  const services = createTestServices({ config, fixture, progId: SAMPLE_PROGID });
  const module = (await createSampleExitModule(options).create(services)) as ICertExit2;
  expect(await module.Initialize('certexit Test CA')).toBe(SAMPLE_EVENT_MASK);
  return { services, module, fixture: services.fixture };
}

describe('conformance', () => {
  it('passes the kit with file publishing on', async () => {
    (
      await checkExitModule({
        module: createSampleExitModule({ certEnrollDirectory: certEnroll }),
        config: { PublishCertFlags: 1 },
      })
    ).assertOk();
  });

  it('passes the kit as installed (PublishCertFlags absent: 0)', async () => {
    (await checkExitModule({ module: createSampleExitModule() })).assertOk();
  });
});

describe('Initialize', () => {
  it('asks for the sample mask 0x27F under its ProgID', async () => {
    expect(SAMPLE_EVENT_MASK).toBe(0x27f);
    expect(createSampleExitModule()).toMatchObject({ specificationVersion: 'v1', progId: 'CertAuthority_Sample.Exit' });
    const { services } = await start({});
    expect(services.logger.entries.find((e) => e.msg === 'Exit:Initialize')?.fields).toMatchObject({
      ca: 'certexit Test CA',
      location: expect.stringMatching(/\\ExitModules\\CertAuthority_Sample\.Exit$/),
      caType: 0,
      certCount: 1,
      publishCertFlags: 0,
    });
  });

  it('fails on a value it cannot use, naming it', async () => {
    const services = createTestServices({ config: { PublishCertFlags: 'yes', CertEnrollDirectory: 'relative' } });
    const module = (await createSampleExitModule().create(services)) as ICertExit2;
    await expect(Promise.resolve().then(() => module.Initialize('C'))).rejects.toSatisfy(
      (e: unknown) =>
        CertexitError.hresultOf(e) === HRESULT_BAD_CONFIGURATION &&
        /\\PublishCertFlags must be a REG_DWORD/.test(String(e)),
    );
  });
});

describe('_NotifyNewCert / _WriteCertToFile', () => {
  it('writes <RequestID>.cer with the DER certificate, 0600, when EXITPUB_FILE and CertFile are set', async () => {
    const { module, fixture } = await start({ PublishCertFlags: 1 });
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    const path = join(certEnroll, '1.cer');
    expect(new Uint8Array(await readFile(path))).toEqual(fixture.contexts[1]!.certificate!.RawCertificate);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('ignores the CertFile value (the sample only checks that it is there)', async () => {
    const { module } = await start({ PublishCertFlags: 1 }, withCertFile('../../etc/passwd'));
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(await readdir(certEnroll)).toEqual(['1.cer']);
  });

  it('writes nothing without EXITPUB_FILE, or without a CertFile attribute', async () => {
    await (await start({ PublishCertFlags: 2 })).module.Notify(EXITEVENT_CERTISSUED, 1);
    await (await start({ PublishCertFlags: 1 }, defaultFixture())).module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(await readdir(certEnroll)).toEqual([]);
  });

  it('never overwrites a file: another file in the way is a permanent failure, and stays', async () => {
    await writeFile(join(certEnroll, '1.cer'), 'mine');
    const { module } = await start({ PublishCertFlags: 1 });
    const error = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
    expect(CertexitError.hresultOf(error)).toBe(HRESULT_FILE_EXISTS);
    expect((error as CertexitError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/1\.cer exists already and is never overwritten/);
    expect(await readFile(join(certEnroll, '1.cer'), 'utf8')).toBe('mine');
  });

  it('writes once per notification; a retry after a crash that left the file finds it written', async () => {
    const { module, services } = await start({ PublishCertFlags: 1 });
    services.setEventId('certexit Test CA/3');
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect([...services.idempotency.completions.values()]).toEqual([1]);
    // The host lost the record (a crash before it was kept): the same bytes on disk count as written.
    services.setEventId('certexit Test CA/4');
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
  });

  it('fails clearly when the folder is unknown or missing', async () => {
    const unknown = await start({ PublishCertFlags: 1 }, withCertFile(), { certEnrollDirectory: undefined as never });
    await expect(Promise.resolve(unknown.module.Notify(EXITEVENT_CERTISSUED, 1))).rejects.toThrow(
      /set CertEnrollDirectory/,
    );
    const missing = await start({ PublishCertFlags: 1, CertEnrollDirectory: join(dir, 'nope') });
    await expect(Promise.resolve(missing.module.Notify(EXITEVENT_CERTISSUED, 1))).rejects.toSatisfy(
      (e: unknown) => CertexitError.hresultOf(e) === HRESULT_PATH_NOT_FOUND,
    );
  });

  it('takes the CertEnroll folder from the CA the engine passes to a default export', async () => {
    const services = createTestServices({ config: { PublishCertFlags: 1 }, fixture: withCertFile() });
    const module = (await createSampleExitModule({ folder: { certEnroll } }).create(services)) as ICertExit2;
    await module.Initialize('C');
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(await readdir(certEnroll)).toEqual(['1.cer']);
  });
});

describe('_NotifyCRLIssued', () => {
  it('reads the base CRL of each valid index and accepts no delta when delta CRLs are disabled', async () => {
    const { module, services, fixture } = await start({});
    expect(await module.Notify(EXITEVENT_CRLISSUED, 0)).toBe(S_OK);
    expect(services.logger.entries.find((e) => e.msg?.startsWith('CRL read'))?.fields).toEqual({
      index: 0,
      baseBytes: (fixture.ca['RawCRL.0'] as Uint8Array).length,
      deltaBytes: undefined,
    });
    const reads = services.callLog.calls.filter((c) => c.method === 'GetCertificateProperty').map((c) => c.args[0]);
    expect(reads).toEqual(
      expect.arrayContaining(['CertCount', 'fDeltaCRLsDisabled', 'CRLState.0', 'RawCRL.0', 'RawDeltaCRL.0']),
    );
  });

  it('copies the base and delta CRLs under their CertEnroll names with CrlCopyDirectory, skipping indexes that do not publish', async () => {
    const base = defaultFixture();
    const delta = Uint8Array.of(0x30, 0x01, 0x00);
    const fixture: ServerExitFixture = {
      ...base,
      ca: {
        ...base.ca,
        CertCount: 2,
        fDeltaCRLsDisabled: 0,
        'RawDeltaCRL.0': delta,
        'CRLState.1': 1, // CA_DISP_ERROR: another certificate's key publishes this CRL
        'RawCRL.1': Uint8Array.of(9),
      },
    };
    const { module, services } = await start({ CrlCopyDirectory: certEnroll }, fixture);
    services.setEventId('certexit Test CA/8');
    await module.Notify(EXITEVENT_CRLISSUED, 0);
    expect((await readdir(certEnroll)).sort()).toEqual(['certexit Test CA+.crl', 'certexit Test CA.crl']);
    expect(new Uint8Array(await readFile(join(certEnroll, 'certexit Test CA.crl')))).toEqual(base.ca['RawCRL.0']);
    expect(new Uint8Array(await readFile(join(certEnroll, 'certexit Test CA+.crl')))).toEqual(delta);
    expect(services.callLog.calls.some((c) => c.args[0] === 'RawCRL.1')).toBe(false);
  });

  it('fails when the delta CRL is missing although delta CRLs are enabled', async () => {
    const base = defaultFixture();
    const { module, services } = await start({}, { ...base, ca: { ...base.ca, fDeltaCRLsDisabled: 0 } });
    const inner = services.createServerExit;
    services.createServerExit = () => _failDelta(inner());
    await expect(Promise.resolve(module.Notify(EXITEVENT_CRLISSUED, 0))).rejects.toSatisfy(
      (e: unknown) => CertexitError.hresultOf(e) === HRESULT_FILE_NOT_FOUND,
    );
    expect(services.logger.entries.at(-1)?.msg).toMatch(
      /^Exit:Notify\(EXITEVENT_CRLISSUED=0x20, ctx=0x0\) rc=0x80070002/,
    );
  });
});

describe('other events and the manage module', () => {
  it('only logs the other events, and ignores unknown ones', async () => {
    const { module, services } = await start({ PublishCertFlags: 1 });
    for (const event of [EXITEVENT_CERTPENDING, EXITEVENT_CERTDENIED, EXITEVENT_SHUTDOWN, 0x100]) {
      expect(await module.Notify(event, event === EXITEVENT_SHUTDOWN ? 0 : 2)).toBe(S_OK);
    }
    expect(
      services.logger.entries
        .filter((e) => e.msg === 'notified')
        .map((e) => (e.fields as { event?: string } | undefined)?.event),
    ).toEqual(['EXITEVENT_CERTPENDING', 'EXITEVENT_CERTDENIED', 'EXITEVENT_SHUTDOWN']);
    expect(services.logger.entries.map((e) => e.msg)).toContain(
      'Exit:Notify(EXITEVENT_CERTPENDING=0x2, ctx=0x2) rc=0x00000000',
    );
    expect(await readdir(certEnroll)).toEqual([]);
  });

  it('answers the sample strings, S_FALSE to SetProperty, and reloads on Configure(CMM_REFRESHONLY)', async () => {
    const { module, services } = await start({});
    const manage = await module.GetManageModule();
    const get = (name: string) => manage.GetProperty('HOST\\CA', services.config.path, name, 0);
    expect([
      get('Name'),
      get('description'),
      get('COPYRIGHT'),
      get('File Version'),
      get('Product Version'),
      get('x'),
    ]).toEqual(['Sample/Test Exit Module', 'Sample Exit Module', '(c)1999 Microsoft', 'v 1.0', 'v 5.00', undefined]);
    expect(await manage.SetProperty('HOST\\CA', services.config.path, 'Name', 0, 'x')).toBe(S_FALSE);
    expect(get('Name')).toBe('Sample/Test Exit Module');
    expect(await module.GetDescription()).toBe('Sample Exit Module');

    services.setConfig({ PublishCertFlags: 1 });
    await manage.Configure('HOST\\CA', services.config.path, CMM_REFRESHONLY);
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(await readdir(certEnroll)).toEqual(['1.cer']);
    await manage.Configure('HOST\\CA', services.config.path, 0);
    expect(services.logger.entries.at(-1)?.msg).toMatch(/^No Configurable Options in the SDK sample/);
  });
});

function _failDelta(server: ICertServerExit): ICertServerExit {
  const read = server.GetCertificateProperty.bind(server);
  server.GetCertificateProperty = ((name: string, type: number) =>
    name.startsWith('RawDeltaCRL.')
      ? Promise.reject(new CertexitError({ hresult: HRESULT_FILE_NOT_FOUND, message: 'no delta' }))
      : read(name, type)) as ICertServerExit['GetCertificateProperty'];
  return server;
}
