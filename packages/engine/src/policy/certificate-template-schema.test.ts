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
});
