import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICertExit2, RegistryTree } from '@certexit/core';
import {
  CertexitError,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  HRESULT_BAD_CONFIGURATION,
  HRESULT_FILE_NOT_FOUND,
  HRESULT_TIMEOUT,
  S_OK,
} from '@certexit/core';
import { checkExitModule, createTestServices } from '@certexit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_DEFAULT_EVENT_MASK, COMMAND_PROGID, createCommandExitModule } from './index';

let dir: string;
let runs: string;
let out: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certexit-command-'));
  runs = join(dir, 'runs');
  out = join(dir, 'out');
  await mkdir(runs);
  await mkdir(out);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real sh script, written by the test. */
async function script(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

/** A program that records what it was given, then exits with $EXIT_WITH (0 unless set). */
async function recorder(): Promise<string> {
  return script(
    'record.sh',
    [
      'set -e',
      'n=$(ls "$OUT" | wc -l)',
      'mkdir "$OUT/$n"',
      'env > "$OUT/$n/env.txt"',
      'cp "$CERTEXIT_EVENT_FILE" "$OUT/$n/event.json"',
      'stat -c %a "$CERTEXIT_EVENT_FILE" > "$OUT/$n/mode.txt"',
      'stat -c %a "$(dirname "$CERTEXIT_EVENT_FILE")" > "$OUT/$n/folder-mode.txt"',
      'echo "$CERTEXIT_EVENT_FILE" > "$OUT/$n/path.txt"',
      'printf "%s\\n" "$@" > "$OUT/$n/args.txt"',
      'pwd > "$OUT/$n/pwd.txt"',
      'echo "said something on stderr" >&2',
      'exit "$((EXIT_WITH + 0))"',
    ].join('\n'),
  );
}

async function start(config: RegistryTree, eventId?: string) {
  const services = createTestServices({ config, progId: COMMAND_PROGID, ...(eventId && { eventId }) });
  const module = (await createCommandExitModule({ tmpDirectory: runs }).create(services)) as ICertExit2;
  const mask = await module.Initialize('certexit Test CA');
  return { services, module, mask, fixture: services.fixture };
}

async function recorded(n = 0) {
  const at = join(out, String(n));
  const read = (file: string) => readFile(join(at, file), 'utf8');
  const env = Object.fromEntries(
    (await read('env.txt'))
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    env,
    event: JSON.parse(await read('event.json')),
    mode: (await read('mode.txt')).trim(),
    folderMode: (await read('folder-mode.txt')).trim(),
    path: (await read('path.txt')).trim(),
    args: (await read('args.txt')).trimEnd().split('\n'),
    pwd: (await read('pwd.txt')).trim(),
  };
}

describe('conformance', () => {
  it('passes the kit, running a real program for every event', async () => {
    const program = await recorder();
    (
      await checkExitModule({
        module: createCommandExitModule({ tmpDirectory: runs }),
        config: { Program: program, Environment: [`OUT=${out}`] },
      })
    ).assertOk();
    expect((await readdir(out)).length).toBeGreaterThan(5);
  }, 60_000);
});

describe('settings', () => {
  it('runs for every request event and CRL issuance by default; EventMask narrows or adds shutdown', async () => {
    expect((await start({ Program: '/bin/true' })).mask).toBe(COMMAND_DEFAULT_EVENT_MASK);
    expect(COMMAND_DEFAULT_EVENT_MASK).toBe(0x23f);
    expect(
      (await start({ Program: '/bin/true', EventMask: EXITEVENT_CERTISSUED | EXITEVENT_SHUTDOWN | 0x80 })).mask,
    ).toBe(EXITEVENT_CERTISSUED | EXITEVENT_SHUTDOWN);
  });

  it('fails Initialize on a configuration it cannot use, naming each value', async () => {
    const services = createTestServices({
      config: { Program: 'record.sh', TimeoutMs: 5, TransientExitCodes: ['75', 'x'], Environment: ['1BAD=x'] },
      progId: COMMAND_PROGID,
    });
    const module = (await createCommandExitModule().create(services)) as ICertExit2;
    const error = await Promise.resolve()
      .then(() => module.Initialize('C'))
      .catch((e: unknown) => e);
    expect(CertexitError.hresultOf(error)).toBe(HRESULT_BAD_CONFIGURATION);
    expect(String(error)).toMatch(/\\Program "record\.sh" is not an absolute path/);
    expect(String(error)).toMatch(/\\TimeoutMs 5 is below the minimum 100/);
    expect(String(error)).toMatch(/\\TransientExitCodes must list exit codes 0-255/);
    expect(String(error)).toMatch(/\\Environment must list NAME=VALUE lines; "1BAD" is not one/);
  });

  it('loads with a program that is not there yet, warning, and fails each run for good until it is', async () => {
    const { module, services } = await start({ Program: join(dir, 'not-yet.sh') });
    expect(services.logger.entries.some((e) => e.level === 'warn' && /not an executable file/.test(e.msg ?? ''))).toBe(
      true,
    );
    const error = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: unknown) => e);
    expect(CertexitError.hresultOf(error)).toBe(HRESULT_FILE_NOT_FOUND);
    expect((error as CertexitError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/cannot start .*not-yet\.sh/);
  });
});

describe('the event, given to the program', () => {
  it('in CERTEXIT_* variables and a JSON file (0600 in a private 0700 folder, removed afterwards), with argument tokens', async () => {
    process.env.CERTEXIT_TEST_HOST_VARIABLE = 'not for the program';
    try {
      const program = await recorder();
      const { module, fixture } = await start(
        {
          Program: program,
          Arguments: [
            'certissued',
            '-serialnumber',
            '{serialNumber}',
            '-request',
            '{requestId}',
            '{event}',
            '{eventFile}',
            '{unknown}',
          ],
          Environment: [`OUT=${out}`, 'CERTEXIT_EVENT=forged'],
        },
        'certexit Test CA/12',
      );
      expect(await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued)).toBe(S_OK);
      const issued = fixture.contexts[1]!;
      const seen = await recorded();
      expect(seen.env).toMatchObject({
        CERTEXIT_EVENT: 'issued',
        CERTEXIT_EXIT_EVENT: 'EXITEVENT_CERTISSUED',
        CERTEXIT_EVENT_ID: 'certexit Test CA/12',
        CERTEXIT_CA: 'certexit Test CA',
        CERTEXIT_CONTEXT: '1',
        CERTEXIT_REQUEST_ID: '1',
        CERTEXIT_REQUESTER_NAME: 'CERTEXIT\\alice',
        CERTEXIT_DISPOSITION: '20',
        CERTEXIT_SERIAL_NUMBER: issued.certificate!.SerialNumber,
        CERTEXIT_NOT_AFTER: (issued.certificate!.NotAfter as Date).toISOString(),
        CERTEXIT_CERTIFICATE_TEMPLATE: 'User',
        CERTEXIT_SUBJECT: 'CN=alice, CN=Users, DC=certexit, DC=test',
        CERTEXIT_EVENT_FILE: seen.path,
        PATH: '/usr/local/bin:/usr/bin:/bin',
        OUT: out,
      });
      expect(seen.env).not.toHaveProperty('CERTEXIT_TEST_HOST_VARIABLE');
      expect(seen.env).not.toHaveProperty('HOME');
      expect(seen.args).toEqual([
        'certissued',
        '-serialnumber',
        String(issued.certificate!.SerialNumber),
        '-request',
        '1',
        'issued',
        seen.path,
        '{unknown}',
      ]);
      expect([seen.mode, seen.folderMode]).toEqual(['600', '700']);
      expect(seen.pwd).toBe(join(seen.path, '..'));
      expect(seen.event).toMatchObject({
        version: 1,
        event: 'issued',
        exitEvent: 'EXITEVENT_CERTISSUED',
        eventId: 'certexit Test CA/12',
        ca: 'certexit Test CA',
        context: 1,
        request: {
          id: 1,
          requesterName: 'CERTEXIT\\alice',
          disposition: 20,
          attributes: { CertificateTemplate: 'User' },
        },
        certificate: {
          serialNumber: issued.certificate!.SerialNumber,
          template: 'User',
          der: Buffer.from(issued.certificate!.RawCertificate as Uint8Array).toString('base64'),
        },
      });
      expect(seen.event.certificate.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
      // Nothing is left behind.
      expect(await readdir(runs)).toEqual([]);
    } finally {
      delete process.env.CERTEXIT_TEST_HOST_VARIABLE;
    }
  });

  it('leaves the certificate out with IncludeCertificate 0, and gives denied requests without one', async () => {
    const program = await recorder();
    const { module, fixture } = await start({ Program: program, Environment: [`OUT=${out}`], IncludeCertificate: 0 });
    await module.Notify(EXITEVENT_CERTISSUED, fixture.eventContexts.issued);
    await module.Notify(EXITEVENT_CERTDENIED, fixture.eventContexts.denied);
    const issued = await recorded(0);
    expect(issued.event.certificate).toHaveProperty('serialNumber');
    expect(issued.event.certificate).not.toHaveProperty('der');
    expect(issued.event.certificate).not.toHaveProperty('pem');
    const denied = await recorded(1);
    expect(denied.event).not.toHaveProperty('certificate');
    expect(denied.env).not.toHaveProperty('CERTEXIT_SERIAL_NUMBER');
    expect(denied.event.request.dispositionMessage).toBe('Denied by Policy Module');
  });

  it('gives the revocation, the CRLs of a CRL event, and runs at shutdown when asked', async () => {
    const program = await recorder();
    const { module, fixture } = await start({ Program: program, Environment: [`OUT=${out}`], EventMask: 0x7f });
    await module.Notify(EXITEVENT_CERTREVOKED, fixture.eventContexts.revoked);
    await module.Notify(EXITEVENT_CRLISSUED, 0);
    await module.Notify(EXITEVENT_SHUTDOWN, 0);
    const revoked = await recorded(0);
    expect(revoked.env).toMatchObject({ CERTEXIT_EVENT: 'revoked', CERTEXIT_REVOKED_REASON: '1' });
    expect(revoked.event.request.revokedWhen).toBe('2026-02-01T09:00:00.000Z');
    const crl = await recorded(1);
    expect(crl.env).toMatchObject({ CERTEXIT_EVENT: 'crlIssued', CERTEXIT_CRL_COUNT: '1' });
    expect(crl.event.crls).toEqual([
      {
        index: 0,
        crlIndex: 0,
        baseBytes: (fixture.ca['RawCRL.0'] as Uint8Array).length,
        base: Buffer.from(fixture.ca['RawCRL.0'] as Uint8Array).toString('base64'),
      },
    ]);
    expect((await recorded(2)).env.CERTEXIT_EVENT).toBe('shutdown');
  });
});

describe('exit codes', () => {
  async function failWith(code: number, config: RegistryTree = {}): Promise<{ hr?: unknown; error?: CertexitError }> {
    const program = await recorder();
    const { module } = await start({ Program: program, Environment: [`OUT=${out}`, `EXIT_WITH=${code}`], ...config });
    return Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).then(
      (hr) => ({ hr }),
      (error: CertexitError) => ({ error }),
    );
  }

  it('0 succeeds even with stderr output; 75 (EX_TEMPFAIL) is transient; any other code is permanent', async () => {
    expect(await failWith(0)).toEqual({ hr: S_OK });
    const transient = await failWith(75);
    expect(transient.error?.isRetryable).toBe(true);
    expect(transient.error?.message).toMatch(/exited with 75 \(transient: retried\); stderr: said something on stderr/);
    const permanent = await failWith(3);
    expect(permanent.error?.isRetryable).toBe(false);
    expect(permanent.error?.message).toMatch(/exited with 3 \(permanent\)/);
  });

  it('follows SuccessExitCodes and TransientExitCodes', async () => {
    expect(await failWith(1, { SuccessExitCodes: ['0', '1'] })).toEqual({ hr: S_OK });
    expect((await failWith(3, { TransientExitCodes: '3\n4' })).error?.isRetryable).toBe(true);
    expect((await failWith(75, { TransientExitCodes: ['4'] })).error?.isRetryable).toBe(false);
  });

  it('kills a program that runs too long, with its process group: transient', async () => {
    const program = await script('slow.sh', 'sleep 300');
    const { module, services } = await start({ Program: program, TimeoutMs: 300 });
    const error = await Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1)).catch((e: CertexitError) => e);
    expect(error).toMatchObject({ hresult: HRESULT_TIMEOUT, isRetryable: true });
    expect(services.logger.entries.find((e) => e.msg === 'program failed')?.fields).toMatchObject({
      timedOut: true,
      retryable: true,
    });
    expect(await readdir(runs)).toEqual([]);
  });
});

describe('once per event', () => {
  it('runs the program once per EventID however often the notification comes', async () => {
    const program = await recorder();
    const { module, services } = await start({ Program: program, Environment: [`OUT=${out}`] }, 'certexit Test CA/20');
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    services.setEventId('certexit Test CA/21');
    await module.Notify(EXITEVENT_CERTISSUED, 1);
    expect(await readdir(out)).toHaveLength(2);
  });

  it('repeats a failed run on the next attempt', async () => {
    const flag = join(dir, 'fail-once');
    await writeFile(flag, '');
    const program = await script(
      'flaky.sh',
      `if [ -e "${flag}" ]; then rm "${flag}"; exit 75; fi\necho ok >> "${join(dir, 'ran')}"`,
    );
    const { module } = await start({ Program: program }, 'certexit Test CA/30');
    await expect(Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, 1))).rejects.toMatchObject({ isRetryable: true });
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(await readFile(join(dir, 'ran'), 'utf8')).toBe('ok\n');
  });

  it('with AtMostOnce, never runs again a run that was cut short', async () => {
    const program = await recorder();
    const { module, services } = await start(
      { Program: program, Environment: [`OUT=${out}`], AtMostOnce: 1 },
      'certexit Test CA/40',
    );
    // An earlier attempt began the run and never said how it went (the CA crashed).
    await services.idempotency.begin('certexit Test CA/40', 'run', { scope: 'event' });
    expect(await module.Notify(EXITEVENT_CERTISSUED, 1)).toBe(S_OK);
    expect(await readdir(out)).toEqual([]);
    expect(services.logger.entries.at(-1)).toMatchObject({
      msg: 'already run for this event',
      fields: { because: 'interrupted' },
    });
  });
});
