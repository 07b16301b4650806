// The command module on a real certexit CA: real programs (sh scripts written by the test) run for issuance and
// revocation, and the host's outbox treats their exit codes as the README's table says: 75 is retried, any other
// failure is dead-lettered at once with its reason.
import { chmod, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@certexit/core';
import { CRL_REASON_KEY_COMPROMISE, DB_DISP_ISSUED } from '@certexit/core';
import {
  CertificateAuthority,
  caRegistryPaths,
  editCaTemplateNames,
  exitQueueReport,
  openCa,
  PRINCIPALS,
  setupCa,
} from '@certexit/engine';
import { createCertificationRequest, generateKeyPair, toPem } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_PROGID, createCommandExitModule } from '../src/index';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let lines: string;
let exitCodeFile: string;
let authority: CertificateAuthority;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certexit-command-ca-'));
  lines = join(dir, 'events.log');
  exitCodeFile = join(dir, 'exit-code');
  const program = join(dir, 'on-event.sh');
  // Appends one line per event; exits with the code in $EXIT_CODE_FILE when there is one.
  await writeFile(
    program,
    [
      '#!/bin/sh',
      'if [ -s "$EXIT_CODE_FILE" ]; then echo "failing on purpose" >&2; exit "$(cat "$EXIT_CODE_FILE")"; fi',
      'echo "$CERTEXIT_EVENT $CERTEXIT_REQUEST_ID $CERTEXIT_SERIAL_NUMBER reason=$CERTEXIT_REVOKED_REASON $(grep -o \'"template":"[^"]*"\' "$CERTEXIT_EVENT_FILE")" >> "$LINES"',
    ].join('\n'),
  );
  await chmod(program, 0o755);
  await mkdir(join(dir, 'ca'));
  const setup = await setupCa({
    dir: join(dir, 'ca'),
    commonName: 'Command Test CA',
    type: 'enterprise-root',
    machineDnsName: 'ca.certexit.test',
    domainDn: 'DC=certexit,DC=test',
    configDn: 'CN=Configuration,DC=certexit,DC=test',
    exitModules: [COMMAND_PROGID],
  });
  const ca = await openCa(join(dir, 'ca'));
  const key = caRegistryPaths.exitModule(setup.sanitizedName, COMMAND_PROGID);
  ca.registry.setValue(`${key}\\Program`, program);
  ca.registry.setValue(`${key}\\Environment`, [`LINES=${lines}`, `EXIT_CODE_FILE=${exitCodeFile}`]);
  ca.registry.setValue(`${key}\\EventMask`, 0x9); // issued and revoked
  ca.registry.setValue(`${key}\\RetryBaseMs`, 100);
  ca.registry.setValue(`${key}\\RetryMaxMs`, 200);
  // The policy issues WebServer (subject from the request) to administrators once it is on the CA's list.
  editCaTemplateNames(ca, ['+WebServer']);
  await ca.store.close();
  authority = await CertificateAuthority.open({
    dir: join(dir, 'ca'),
    builtins: { [COMMAND_PROGID]: () => createCommandExitModule() },
    logger: quiet,
  });
}, 60_000);

afterAll(async () => {
  await authority?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function submit(cn: string) {
  const keyPair = await generateKeyPair('ECDSA_P256');
  const request = toPem(
    await createCertificationRequest({
      keyPair,
      keyAlgorithm: 'ECDSA_P256',
      subject: `CN=${cn}.certexit.test, O=certexit`,
    }),
    'CERTIFICATE REQUEST',
  );
  return authority.submit({
    request,
    attributes: 'CertificateTemplate:WebServer',
    requesterName: `CERTEXIT\\${cn}`,
    requesterGroups: [PRINCIPALS.administrators],
  });
}

async function logged(): Promise<string[]> {
  return (await readFile(lines, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
}

async function queueItem(requestId: number) {
  const report = await exitQueueReport(authority.ca.store.outbox, { progId: COMMAND_PROGID });
  return report.items.find((i) => i.context === requestId);
}

describe('CertExit_Command.Exit on a certexit CA', () => {
  it('runs the program for an issuance and a revocation', async () => {
    const issued = await submit('alice');
    expect(issued.disposition).toBe(DB_DISP_ISSUED);
    expect(issued.deliveries.map((d) => d.ok)).toEqual([true]);
    await authority.revoke(issued.serialNumber!, { reason: CRL_REASON_KEY_COMPROMISE, officer: 'CERTEXIT\\officer' });
    const [issuedLine, revokedLine] = await logged();
    expect(issuedLine).toBe(`issued ${issued.requestId} ${issued.serialNumber} reason= "template":"WebServer"`);
    expect(revokedLine).toBe(`revoked ${issued.requestId} ${issued.serialNumber} reason=1 "template":"WebServer"`);
  });

  it('has a permanent failure (exit 3) dead-lettered at once, with the program and its stderr named', async () => {
    await writeFile(exitCodeFile, '3');
    try {
      const failed = await submit('bob');
      expect(failed.deliveries.map((d) => d.ok)).toEqual([false]);
      const item = await queueItem(failed.requestId);
      expect(item).toMatchObject({ status: 'dead', attempts: 1 });
      expect(item?.lastError).toMatch(/on-event\.sh exited with 3 \(permanent\); stderr: failing on purpose/);
    } finally {
      await unlink(exitCodeFile);
    }
  });

  it('has a transient failure (exit 75, EX_TEMPFAIL) retried until the program succeeds', async () => {
    await writeFile(exitCodeFile, '75');
    const before = (await logged()).length;
    const failing = await submit('carol');
    expect(failing.deliveries.map((d) => d.ok)).toEqual([false]);
    expect((await queueItem(failing.requestId))?.status).not.toBe('dead');
    await unlink(exitCodeFile);
    // The outbox tries again after its backoff (RetryBaseMs 100): the line appears, once.
    for (let i = 0; i < 100 && (await logged()).length === before; i++) await new Promise((r) => setTimeout(r, 100));
    const after = await logged();
    expect(after.slice(before)).toEqual([expect.stringMatching(new RegExp(`^issued ${failing.requestId} `))]);
  });
});
