import { CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT, CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH } from '@certexit/core';
import { describe, expect, it } from 'vitest';
import { parseCertificateTemplates } from './certificate-template-schema';
import { defaultTemplates } from './default-templates';

describe('templates.json validation', () => {
  it('accepts the shipped templates', () => {
    expect(parseCertificateTemplates(defaultTemplates(), 'templates.json').map((t) => t.name)).toContain('User');
  });

  it('names the file, the template and the field of each problem', () => {
    const broken = defaultTemplates();
    broken[2]!.validityDays = 0;
    (broken[0] as unknown as Record<string, unknown>).keyUsage = ['signEverything'];
    expect(() => parseCertificateTemplates(broken, 'templates.json')).toThrow(
      /templates\.json is not a valid template list: \[0\]\.keyUsage\.0 \(User\): .*; \[2\]\.validityDays \(WebServer\): /,
    );
  });

  it('refuses unknown fields, bad OIDs, duplicates and a non-list', () => {
    const extra = [{ ...defaultTemplates()[0]!, colour: 'blue' }];
    expect(() => parseCertificateTemplates(extra, 'f')).toThrow(/\[0\] \(User\): .*colour/);
    const oid = [{ ...defaultTemplates()[0]!, oid: '1.3.6.x' }];
    expect(() => parseCertificateTemplates(oid, 'f')).toThrow(/\[0\]\.oid \(User\): an OID/);
    const twice = [defaultTemplates()[0]!, { ...defaultTemplates()[0]!, name: 'user' }];
    expect(() => parseCertificateTemplates(twice, 'f')).toThrow(/duplicate template name "user"/);
    expect(() => parseCertificateTemplates({ User: {} }, 'f')).toThrow(/the file: /);
  });

  it('opens a templates.json written before the policy module, with safe defaults for the new fields', () => {
    const old = defaultTemplates().map(
      ({ nameFlags: _n, minimalKeySize: _m, keyAlgorithms: _k, raSignatures: _r, permissions: _p, ...rest }) => rest,
    );
    const custom = { ...old[2]!, name: 'LegacyWeb', oid: '1.3.6.1.4.1.99999.1', displayName: 'Legacy' };
    const parsed = parseCertificateTemplates([...old, custom], 'templates.json');
    const byName = (n: string) => parsed.find((t) => t.name === n)!;
    // A default template gets AD CS's settings back, by its OID.
    expect(byName('User')).toMatchObject({
      nameFlags: defaultTemplates()[0]!.nameFlags,
      minimalKeySize: 2048,
      permissions: defaultTemplates()[0]!.permissions,
    });
    // Any other template: names from the directory (never from the request), Enroll for administrators only.
    expect(byName('LegacyWeb').nameFlags & CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT).toBe(0);
    expect(byName('LegacyWeb').nameFlags & CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH).not.toBe(0);
    expect(byName('LegacyWeb').permissions.map((e) => e.principal)).toEqual([
      'Domain Admins',
      'Enterprise Admins',
      'Administrators',
    ]);
    expect(byName('LegacyWeb').keyAlgorithms).toEqual(['RSA', 'ECDSA_P256', 'ECDSA_P384', 'ECDSA_P521']);
  });

  it('names the template and field of a bad permission, key rule or name flag', () => {
    const bad = defaultTemplates();
    (bad[0]! as unknown as Record<string, unknown>).permissions = [{ principal: 'Domain Users', allow: ['Read'] }];
    (bad[1]! as unknown as Record<string, unknown>).keyAlgorithms = ['DSA'];
    (bad[2]! as unknown as Record<string, unknown>).nameFlags = -1;
    expect(() => parseCertificateTemplates(bad, 'templates.json')).toThrow(
      /\[0\]\.permissions\.0\.allow\.0 \(User\): .*; \[1\]\.keyAlgorithms\.0 \(Machine\): .*; \[2\]\.nameFlags \(WebServer\)/,
    );
  });
});
