import type { ICertExit2 } from '@certexit/core';
import { CertexitError, HRESULT_BAD_CONFIGURATION } from '@certexit/core';
import { createTestServices } from '@certexit/testing';
import { describe, expect, it } from 'vitest';
import { createSyslogExitModule, SYSLOG_PROGID } from './index';

// The conformance kit and every delivery run against a real rsyslog in test/integration/siem-feed.test.ts.
describe('CertExit_Syslog.Exit', () => {
  it('describes itself with its ProgID, build-time version and the events it sends', () => {
    const factory = createSyslogExitModule();
    expect(factory).toMatchObject({ specificationVersion: 'v1', progId: SYSLOG_PROGID, eventMask: 0x23f });
    expect(factory.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('does not load without a Server, and names the value', async () => {
    const services = createTestServices({ progId: SYSLOG_PROGID });
    const module = createSyslogExitModule().create(services) as ICertExit2;
    const error = await Promise.resolve(module.Initialize('certexit Test CA')).catch((e: unknown) => e);
    expect(CertexitError.hresultOf(error)).toBe(HRESULT_BAD_CONFIGURATION);
    expect((error as Error).message).toMatch(/CertExit_Syslog\.Exit\\Server/);
  });
});
