import { E_NOINTERFACE, PROPTYPE_STRING } from '@certexit/core';
import { createTestServices } from '@certexit/testing';
import { describe, expect, it } from 'vitest';
import { createAutomationServices } from './automation-services';
import { callByName } from './call-by-name';
import { isDispatch } from './dispatch';
import { VT_BSTR } from './variant';

describe('createAutomationServices', () => {
  it('creates a new late-bound ServerExit per CreateObject, whatever the case of the ProgID', async () => {
    const services = createTestServices();
    const automation = createAutomationServices(services);
    const first = automation.CreateObject('CertificateAuthority.ServerExit');
    const second = automation.CreateObject('certificateauthority.serverexit');
    expect(isDispatch(first)).toBe(true);
    expect(second).not.toBe(first);
    // Each object has its own context, as on Windows.
    await callByName(first, 'SetContext', [services.fixture.eventContexts.issued]);
    expect(await callByName(first, 'GetRequestProperty', ['RequesterName', PROPTYPE_STRING])).toEqual({
      vt: VT_BSTR,
      value: 'CERTEXIT\\alice',
    });
    expect(await callByName(second, 'GetCertificateProperty', ['SanitizedCAName', PROPTYPE_STRING])).toEqual({
      vt: VT_BSTR,
      value: 'certexit Test CA',
    });
    expect(services.callLog.calls.map((c) => c.method)).toEqual([
      'SetContext',
      'GetRequestProperty',
      'GetCertificateProperty',
    ]);
  });

  it('fails an unknown ProgID with a clear error', () => {
    const automation = createAutomationServices(createTestServices());
    expect(() => automation.CreateObject('Scripting.FileSystemObject')).toThrow(
      expect.objectContaining({
        hresult: E_NOINTERFACE,
        message: expect.stringContaining('CreateObject("Scripting.FileSystemObject"): unknown ProgID'),
      }),
    );
  });

  it('passes the logger, configuration and stop signal through', () => {
    const services = createTestServices({ config: { PublishCertFlags: 1 } });
    const automation = createAutomationServices(services);
    expect(automation.config.getValue('PublishCertFlags')).toBe(1);
    expect(automation.logger).toBe(services.logger);
    expect(automation.signal.aborted).toBe(false);
    services.stop();
    expect(automation.signal.aborted).toBe(true);
  });
});
