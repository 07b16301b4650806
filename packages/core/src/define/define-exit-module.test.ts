import { describe, expect, it } from 'vitest';
import {
  CA_DISP_REVOKED,
  CA_DISP_VALID,
  CMM_REFRESHONLY,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
  E_ACCESSDENIED,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_DISABLE_FLAG,
  EXTENSION_ORIGIN_POLICY,
  EXTENSION_ORIGIN_REQUEST,
  EXTENSION_ORIGIN_SERVER,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_FILE_NOT_FOUND,
  PROPTYPE_LONG,
  PROPTYPE_STRING,
  S_FALSE,
  S_OK,
} from '../constants';
import { CertexitError } from '../errors/certexit-error';
import type { ICertExit2 } from '../interfaces/cert-exit';
import type { TestRow } from './__fixtures__/define-test-services';
import { defineTestServices } from './__fixtures__/define-test-services';
import type { ExitModuleDefinition } from './define-exit-module';
import { defineExitModule } from './define-exit-module';
import type { CrlIssuedExitContext, ExitContext, RequestExitContext } from './exit-context';
import { setting } from './exit-setting';
import { ExitSettingsError } from './exit-settings';

const NOT_BEFORE = new Date('2026-01-05T10:00:00Z');
const NOT_AFTER = new Date('2027-01-05T10:00:00Z');
const DER = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01);

const issuedRow: TestRow = {
  values: {
    RequestID: 1,
    RequesterName: 'CONTOSO\\alice',
    CallerName: 'CONTOSO\\alice',
    Disposition: DB_DISP_ISSUED,
    DispositionMessage: 'Issued',
    StatusCode: 0,
    SubmittedWhen: NOT_BEFORE,
    RawCertificate: DER,
    SerialNumber: '1a2b',
    CertificateHash: 'ee31',
    CertificateTemplate: 'User',
    NotBefore: NOT_BEFORE,
    NotAfter: NOT_AFTER,
    UPN: 'alice@contoso.com',
    CommonName: 'alice',
    DistinguishedName: 'CN=alice, DC=contoso, DC=com',
    UserDN: 'CN=alice,DC=contoso,DC=com',
  },
  attributes: [
    ['CertificateTemplate', 'User'],
    ['ccm', 'ws01.contoso.com'],
  ],
  extensions: [
    { oid: '2.5.29.17', flags: EXTENSION_ORIGIN_REQUEST, value: Uint8Array.of(0x30, 0) },
    { oid: '2.5.29.15', flags: EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG, value: Uint8Array.of(3, 2, 7, 0x80) },
    {
      oid: '1.3.6.1.5.5.7.1.1',
      flags: EXTENSION_ORIGIN_SERVER | EXTENSION_DISABLE_FLAG,
      value: Uint8Array.of(0x30, 0),
    },
  ],
};
const rows: Record<number, TestRow> = {
  1: issuedRow,
  2: { values: { RequestID: 2, RequesterName: 'CONTOSO\\bob', Disposition: DB_DISP_PENDING } },
  4: {
    values: {
      ...issuedRow.values,
      RequestID: 4,
      Disposition: DB_DISP_REVOKED,
      RevokedReason: 1,
      RevokedWhen: NOT_AFTER,
      Officer: 'CONTOSO\\officer',
    },
  },
};
const ca = {
  SanitizedCAName: 'Contoso CA',
  CAType: 0,
  MachineDNSName: 'ca.contoso.com',
  fUseDS: 1,
  fDeltaCRLsDisabled: 1,
  CertCount: 2,
  'RawCACertificate.1': DER,
  'CRLState.0': CA_DISP_REVOKED,
  'CRLState.1': CA_DISP_VALID,
  'CRLIndex.1': 1,
  'RawCRL.1': Uint8Array.of(0x30, 0x01),
};

async function start<M extends ReturnType<typeof defineExitModule>>(
  factory: M,
  config: Record<string, unknown> = {},
  more: Partial<Parameters<typeof defineTestServices>[0]> = {},
) {
  const services = defineTestServices({ ca, rows, config: config as never, ...more });
  const module = factory.create(services) as ICertExit2;
  return { services, module };
}

/** A module A.Exit with these handlers, created on the test services and initialized for Contoso CA. */
async function initialized(events: ExitModuleDefinition<undefined>['events']) {
  const started = await start(defineExitModule({ progId: 'A.Exit', description: 'd', events }));
  await started.module.Initialize('Contoso CA');
  return started;
}

describe('defineExitModule', () => {
  it('makes an ExitModuleFactoryV1 whose mask is the handlers present', async () => {
    const factory = defineExitModule({
      progId: 'Contoso_Hello.Exit',
      description: 'Hello',
      version: '1.2.3',
      events: { issued() {}, revoked() {}, crlIssued() {} },
    });
    expect(factory).toMatchObject({ specificationVersion: 'v1', progId: 'Contoso_Hello.Exit', version: '1.2.3' });
    expect(factory.eventMask).toBe(EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED | EXITEVENT_CRLISSUED);
    const { module } = await start(factory);
    expect(await module.Initialize('Contoso CA')).toBe(0x29);
    expect(await module.GetDescription()).toBe('Hello');
  });

  it('declares its settings for the registry catalogue (getreg defaults, setreg names and types)', () => {
    const factory = defineExitModule({
      progId: 'Contoso_Declared.Exit',
      description: 'declared',
      settings: {
        outputFile: setting.path('OutputFile', { required: true, description: 'Where lines go' }),
        timeoutMs: setting.dword('TimeoutMs', { default: 10_000, min: 1, max: 600_000 }),
        mode: setting.oneOf('Mode', ['append', 'replace'], { default: 'append' }),
        verbose: setting.flag('Verbose', { default: true }),
        token: setting.string('Token', { secret: true }),
      },
      events: { issued() {} },
    });
    expect(factory.configuration).toEqual({
      values: {
        OutputFile: { name: 'OutputFile', type: 'REG_SZ', meaning: 'Where lines go' },
        TimeoutMs: {
          name: 'TimeoutMs',
          type: 'REG_DWORD',
          meaning: 'TimeoutMs',
          default: 10_000,
          min: 1,
          max: 600_000,
        },
        Mode: { name: 'Mode', type: 'REG_SZ', meaning: 'Mode', default: 'append', oneOf: ['append', 'replace'] },
        Verbose: { name: 'Verbose', type: 'REG_DWORD', meaning: 'Verbose', default: 1 },
        Token: { name: 'Token', type: 'REG_SZ', meaning: 'Token', secret: true },
      },
    });
    const parsed = defineExitModule({
      progId: 'Contoso_Parsed.Exit',
      description: 'parsed',
      settings: () => ({ x: 1 }),
      events: { issued() {} },
    });
    expect(parsed.configuration).toBeUndefined();
  });

  it('refuses a definition that cannot work, naming the problem', () => {
    const ok = { progId: 'A.Exit', description: 'd', events: {} };
    expect(() => defineExitModule({ ...ok, progId: 'no dot' })).toThrow(/progId "no dot" is not a ProgID/);
    expect(() => defineExitModule({ ...ok, description: ' ' })).toThrow(/description must be a non-empty string/);
    // biome-ignore lint/suspicious/noExplicitAny: a typo a JavaScript author can make.
    expect(() => defineExitModule({ ...ok, events: { issue() {} } as any })).toThrow(
      /unknown event handler "issue"; the events are issued, pending, denied/,
    );
  });

  it('reads the request and certificate lazily, once, with empty properties as undefined', async () => {
    let seen: RequestExitContext<unknown, 'issued'> | undefined;
    const values: unknown[] = [];
    const { module, services } = await initialized({
      async issued(ctx) {
        seen = ctx;
        values.push(
          await ctx.request.id,
          await ctx.request.requesterName,
          await ctx.certificate.serial,
          await ctx.certificate.der,
          await ctx.certificate.notAfter,
          await ctx.certificate.template,
          await ctx.certificate.subject.commonName,
          await ctx.request.revokedWhen,
          await ctx.request.userDn,
          await ctx.ca.sanitizedName,
          await ctx.ca.usesDirectory,
          ctx.ca.name,
        );
        await ctx.certificate.serial; // read once
      },
    });
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(values).toEqual([
      1,
      'CONTOSO\\alice',
      '1a2b',
      DER,
      NOT_AFTER,
      'User',
      'alice',
      undefined,
      'CN=alice,DC=contoso,DC=com',
      'Contoso CA',
      true,
      'Contoso CA',
    ]);
    expect(services.reads.filter((r) => r === 'SerialNumber')).toHaveLength(1);
    // Nothing is read that the handler did not ask for.
    expect(services.reads).not.toContain('RawRequest');
    expect(seen?.event).toBe('issued');
    expect(seen?.exitEvent).toBe(EXITEVENT_CERTISSUED);
    expect(seen?.context).toBe(1);
  });

  it('gives attributes, extensions with their flags, and the raw callback', async () => {
    const got: unknown[] = [];
    const { module } = await initialized({
      async issued(ctx) {
        got.push(await ctx.request.attributes, await ctx.request.attribute('C-C-M'), await ctx.request.attribute('x'));
        got.push(
          (await ctx.certificate.extensions).map(({ oid, critical, disabled, origin }) => ({
            oid,
            critical,
            disabled,
            origin,
          })),
        );
        got.push(await ctx.certificate.extension('2.5.29.15'), await ctx.certificate.extension('1.2.3.4'));
        got.push(await ctx.server.GetRequestProperty('RequesterName', PROPTYPE_STRING));
        got.push(
          await ctx.request.property('CallerName', PROPTYPE_STRING),
          await ctx.ca.property('CRLIndex.1', PROPTYPE_LONG),
        );
      },
    });
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(got).toEqual([
      { CertificateTemplate: 'User', ccm: 'ws01.contoso.com' },
      'ws01.contoso.com',
      undefined,
      [
        { oid: '2.5.29.17', critical: false, disabled: false, origin: EXTENSION_ORIGIN_REQUEST },
        { oid: '2.5.29.15', critical: true, disabled: false, origin: EXTENSION_ORIGIN_POLICY },
        { oid: '1.3.6.1.5.5.7.1.1', critical: false, disabled: true, origin: EXTENSION_ORIGIN_SERVER },
      ],
      {
        oid: '2.5.29.15',
        value: Uint8Array.of(3, 2, 7, 0x80),
        flags: EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG,
        critical: true,
        disabled: false,
        origin: EXTENSION_ORIGIN_POLICY,
      },
      undefined,
      'CONTOSO\\alice',
      'CONTOSO\\alice',
      1,
    ]);
  });

  it('keeps reads made at once in order on the one callback (extension flags stay with their extension)', async () => {
    let flags: number[] = [];
    const { module } = await initialized({
      async issued(ctx) {
        // Started together: unserialized, each extension's flags would be those of the last one read.
        const oids = ['1.3.6.1.5.5.7.1.1', '2.5.29.15', '2.5.29.17', '1.3.6.1.5.5.7.1.1', '2.5.29.15'];
        flags = (await Promise.all(oids.map((oid) => ctx.certificate.extension(oid)))).map((e) => e?.flags ?? -1);
      },
    });
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(flags).toEqual([
      EXTENSION_ORIGIN_SERVER | EXTENSION_DISABLE_FLAG,
      EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG,
      EXTENSION_ORIGIN_REQUEST,
      EXTENSION_ORIGIN_SERVER | EXTENSION_DISABLE_FLAG,
      EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG,
    ]);
  });

  it('reads a pending request without a certificate, and a revocation', async () => {
    const got: unknown[] = [];
    const { module } = await initialized({
      async pending(ctx) {
        got.push(await ctx.request.disposition, await ctx.certificate.der, await ctx.certificate.serial);
      },
      async revoked(ctx) {
        got.push(await ctx.request.revokedReason, await ctx.request.revokedWhen, await ctx.request.officer);
      },
    });
    await module.Notify(EXITEVENT_CERTPENDING, 2);
    await module.Notify(EXITEVENT_CERTREVOKED, 4);
    expect(got).toEqual([DB_DISP_PENDING, undefined, undefined, 1, NOT_AFTER, 'CONTOSO\\officer']);
  });

  it('gives crlIssued the CRLs the CA publishes, the SDK sample way', async () => {
    let crls: unknown;
    const factory = defineExitModule({
      progId: 'A.Exit',
      description: 'd',
      events: {
        async crlIssued(ctx) {
          crls = await ctx.crls;
        },
      },
    });
    const { module } = await start(factory);
    await module.Initialize('Contoso CA');
    expect(await module.Notify(EXITEVENT_CRLISSUED, 0)).toBe(S_OK);
    // Index 0's key no longer publishes (CRLState REVOKED); delta CRLs are disabled.
    expect(crls).toEqual([{ index: 1, crlIndex: 1, base: Uint8Array.of(0x30, 0x01), delta: undefined }]);

    // Delta CRLs enabled but none there: the sample fails rather than call it "disabled".
    const enabled = await start(factory, {}, { ca: { ...ca, fDeltaCRLsDisabled: 0 } });
    await enabled.module.Initialize('Contoso CA');
    const inner = enabled.services.createServerExit;
    enabled.services.createServerExit = () => {
      const server = inner();
      const read = server.GetCertificateProperty.bind(server);
      server.GetCertificateProperty = ((name: string, type: number) =>
        name === 'RawDeltaCRL.1'
          ? Promise.reject(new CertexitError({ hresult: HRESULT_FILE_NOT_FOUND, message: 'no delta' }))
          : read(name, type)) as typeof server.GetCertificateProperty;
      return server;
    };
    await expect(enabled.module.Notify(EXITEVENT_CRLISSUED, 0)).rejects.toSatisfy(
      (e: unknown) => CertexitError.hresultOf(e) === HRESULT_FILE_NOT_FOUND,
    );
  });

  it('gives each event its own context shape', async () => {
    const contexts: Array<ExitContext<unknown> | CrlIssuedExitContext<unknown>> = [];
    const { module } = await initialized({
      shutdown: (ctx) => {
        contexts.push(ctx);
      },
    });
    await module.Notify(EXITEVENT_SHUTDOWN, 0);
    expect(contexts[0]).not.toHaveProperty('request');
    expect(contexts[0]).not.toHaveProperty('crls');
    expect(contexts[0]?.event).toBe('shutdown');
  });

  it('answers S_OK to what it did not subscribe to, and to unknown bits, without reading anything', async () => {
    let calls = 0;
    const { module, services } = await initialized({ issued: () => void calls++ });
    for (const event of [EXITEVENT_CERTDENIED, 0x100, 0x400, EXITEVENT_CERTISSUED | EXITEVENT_CERTPENDING, 0]) {
      expect(await module.Notify(event, 1)).toBe(S_OK);
    }
    expect(calls).toBe(0);
    expect(services.reads).toEqual([]);
  });

  it('passes on what the handler returns or throws', async () => {
    const failure = new CertexitError({ hresult: E_ACCESSDENIED, message: 'denied', isRetryable: false });
    const { module } = await initialized({
      issued: () => S_FALSE,
      revoked: () => {
        throw failure;
      },
    });
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_FALSE);
    await expect(module.Notify(EXITEVENT_CERTREVOKED, 4)).rejects.toBe(failure);
  });

  it('runs ctx.once side effects once per EventID, and every time without one', async () => {
    let posts = 0;
    const { module, services } = await initialized({
      async issued(ctx) {
        await ctx.once('post', () => posts++);
      },
    });
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(posts).toBe(2);
    services.eventId = 'Contoso CA/7';
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(posts).toBe(3);
    expect(services.actions.get('Contoso CA/7|post')).toBe('done');
  });
});

describe('typed settings', () => {
  const schema = {
    outputFile: setting.path('OutputFile', { required: true }),
    timeoutMs: setting.dword('TimeoutMs', { default: 10_000, min: 1, max: 600_000 }),
    mode: setting.oneOf('Mode', ['append', 'replace'], { default: 'append' }),
    verbose: setting.flag('Verbose', { default: false }),
    urls: setting.multiString('Urls'),
    token: setting.string('Token', { secret: true }),
    eventMask: setting.dword('EventMask'),
  };
  const factory = defineExitModule({
    progId: 'A.Exit',
    description: 'd',
    settings: schema,
    eventMask: (s) => s.eventMask ?? 0xffffffff,
    events: {
      issued(ctx) {
        ctx.logger.info({ settings: ctx.settings }, 'issued');
      },
      denied() {},
    },
  });

  it('reads every value with its defaults', async () => {
    const { module, services } = await start(factory, {
      OutputFile: '/var/lib/ca/../ca/out.jsonl',
      Verbose: 1,
      Urls: 'https://a.example\n\n https://b.example ',
      Token: 's3cret',
    });
    expect(await module.Initialize('Contoso CA')).toBe(EXITEVENT_CERTISSUED | EXITEVENT_CERTDENIED);
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(services.logs.at(-1)?.obj).toEqual({
      settings: {
        outputFile: '/var/lib/ca/out.jsonl',
        timeoutMs: 10_000,
        mode: 'append',
        verbose: true,
        urls: ['https://a.example', 'https://b.example'],
        token: 's3cret',
        eventMask: undefined,
      },
    });
  });

  it('fails Initialize naming every value that is missing or wrong, with its registry path', async () => {
    const { module } = await start(factory, { TimeoutMs: 0, Mode: 'truncate', Verbose: 'yes', Urls: 5 });
    const error = await Promise.resolve(module.Initialize('Contoso CA')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExitSettingsError);
    const settingsError = error as ExitSettingsError;
    expect(settingsError.hresult).toBe(HRESULT_BAD_CONFIGURATION);
    expect(settingsError.isRetryable).toBe(false);
    expect(settingsError.problems).toEqual([
      'SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\Test CA\\ExitModules\\Test.Exit\\OutputFile is required (REG_SZ) and not set',
      expect.stringMatching(/\\TimeoutMs 0 is below the minimum 1$/),
      expect.stringMatching(/\\Mode "truncate" is none of "append", "replace"$/),
      expect.stringMatching(/\\Verbose must be a REG_DWORD, not a REG_SZ$/),
      expect.stringMatching(/\\Urls must be a REG_MULTI_SZ, not a REG_DWORD$/),
    ]);
    expect(settingsError.message).toMatch(/^\[certexit\] \[A\.Exit\] bad configuration: /);
  });

  it('refuses a relative path and narrows the mask by a setting', async () => {
    await expect(
      Promise.resolve((await start(factory, { OutputFile: 'out.jsonl' })).module.Initialize('C')),
    ).rejects.toThrow(/OutputFile "out\.jsonl" is not an absolute path/);
    const { module } = await start(factory, { OutputFile: '/tmp/x', EventMask: EXITEVENT_CERTDENIED | 0x40 });
    expect(await module.Initialize('C')).toBe(EXITEVENT_CERTDENIED);
  });

  it('reloads on Configure(CMM_REFRESHONLY); a bad value is refused and the settings in effect stay', async () => {
    const { module, services } = await start(factory, { OutputFile: '/tmp/a' });
    await module.Initialize('C');
    const manage = await module.GetManageModule();
    services.tree = { OutputFile: '/tmp/b', Token: 'tok' };
    await manage.Configure('HOST\\C', services.config.path, CMM_REFRESHONLY);
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(services.logs.at(-1)?.obj).toMatchObject({ settings: { outputFile: '/tmp/b' } });

    services.tree = { OutputFile: 'relative' };
    await expect(Promise.resolve(manage.Configure('HOST\\C', services.config.path, CMM_REFRESHONLY))).rejects.toThrow(
      ExitSettingsError,
    );
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(services.logs.at(-1)?.obj).toMatchObject({ settings: { outputFile: '/tmp/b' } });

    // Configure(0): no UI, so the settings in effect are logged, secrets never.
    await manage.Configure('HOST\\C', services.config.path, 0);
    const shown = services.logs.at(-1);
    expect(shown?.msg).toBe('settings in effect');
    expect(JSON.stringify(shown)).not.toContain('tok');
    expect(shown?.obj).toMatchObject({
      settings: expect.arrayContaining(['Token (REG_SZ) = [set]', 'OutputFile (REG_SZ) = "/tmp/b"']),
    });
  });

  it('takes a parse function, whose throw fails Initialize as bad configuration', async () => {
    const parsed = defineExitModule({
      progId: 'A.Exit',
      description: 'd',
      settings: (key) => {
        const port = key.getValue('Port');
        if (typeof port !== 'number') throw new Error('Port (REG_DWORD) is required');
        return { port };
      },
      events: {
        issued(ctx) {
          ctx.logger.info({ port: ctx.settings.port + 1 });
        },
      },
    });
    const good = await start(parsed, { Port: 8443 });
    await good.module.Initialize('C');
    await good.module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(good.services.logs.at(-1)?.obj).toEqual({ port: 8444 });
    const bad = await start(parsed, {});
    await expect(Promise.resolve(bad.module.Initialize('C'))).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof ExitSettingsError && /Test\.Exit: Port \(REG_DWORD\) is required/.test(e.problems[0] ?? ''),
    );
  });

  it('answers the manage module standard properties', async () => {
    const { module } = await start(
      defineExitModule({
        progId: 'A.Exit',
        description: 'Hello exit module',
        version: '2.0.0',
        manage: { name: 'Hello', copyright: '(c) Contoso' },
        events: {},
      }),
    );
    const manage = await module.GetManageModule();
    const get = (name: string) => manage.GetProperty('HOST\\C', 'x', name, 0);
    expect([get('name'), get('Description'), get('COPYRIGHT'), get('File Version'), get('Product Version')]).toEqual([
      'Hello',
      'Hello exit module',
      '(c) Contoso',
      '2.0.0',
      '2.0.0',
    ]);
    expect(get('Nope')).toBeUndefined();
    expect(manage.SetProperty('HOST\\C', 'x', 'Name', 0, 'x')).toBe(S_FALSE);
  });
});
