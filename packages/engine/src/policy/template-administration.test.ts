import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT, CT_FLAG_PEND_ALL_REQUESTS } from '@certexit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaContext } from '../ca/ca-context';
import { caFolder } from '../ca/ca-folder';
import { openCa } from '../ca/open-ca';
import { setupCa } from '../engine/setup-ca';
import { readCaTemplateNames } from './ca-template-list';
import {
  copyTemplate,
  editCaTemplates,
  editTemplateFlags,
  setTemplateField,
  templateView,
  templateWarnings,
} from './template-administration';
import { TemplateStore } from './template-store';

describe('template administration (template set|copy, catemplates)', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-templates-'));
  let ca: CaContext;
  beforeAll(async () => {
    await setupCa({ dir: work, commonName: 'Template Admin CA', type: 'enterprise-root', exitModules: [] });
    ca = await openCa(work);
  });
  afterAll(async () => {
    await ca.store.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('starts with the templates whose names come from the directory on the CA list', () => {
    expect(readCaTemplateNames(ca)).toEqual(['User', 'Machine', 'CodeSigning', 'KeyRecoveryAgent']);
    expect(templateView(ca, ca.templateStore.find('WebServer')!).onCaList).toBe(false);
  });

  it('edits flags, numbers, lists and permissions certutil-style, and writes a file another process reads', () => {
    const flags = setTemplateField(ca, 'User', 'msPKI-Enrollment-Flag', '+CT_FLAG_PEND_ALL_REQUESTS');
    expect(flags.value).toBe((flags.old as number) | CT_FLAG_PEND_ALL_REQUESTS);
    expect(setTemplateField(ca, 'User', 'minimalKeySize', '3072').value).toBe(3072);
    expect(setTemplateField(ca, 'User', 'keyAlgorithms', '-RSA').value).toEqual([
      'ECDSA_P256',
      'ECDSA_P384',
      'ECDSA_P521',
    ]);
    expect(setTemplateField(ca, 'User', 'Enroll', '+CERTEXIT\\carol,-Domain Users').value).toEqual([
      'Domain Admins',
      'Enterprise Admins',
      'Administrators',
      'CERTEXIT\\carol',
    ]);
    // Another process (a running server) reads what was written.
    const other = new TemplateStore(caFolder(work).templates);
    expect(other.find('user')).toMatchObject({
      minimalKeySize: 3072,
      keyAlgorithms: ['ECDSA_P256', 'ECDSA_P384', 'ECDSA_P521'],
    });
    expect(JSON.parse(readFileSync(caFolder(work).templates, 'utf8'))[0].permissions).toContainEqual({
      principal: 'CERTEXIT\\carol',
      allow: ['Enroll'],
    });
  });

  it('refuses bad edits with a clear error and leaves the file as it was', () => {
    const before = readFileSync(caFolder(work).templates, 'utf8');
    expect(() => setTemplateField(ca, 'User', 'colour', 'blue')).toThrow(/is not a template field/);
    expect(() => setTemplateField(ca, 'User', 'nameFlags', '+CT_FLAG_NO_SUCH')).toThrow(
      /neither a number nor a CT_FLAG_/,
    );
    expect(() => setTemplateField(ca, 'User', 'keyAlgorithms', '+DSA')).toThrow(/is not one of RSA/);
    expect(() => setTemplateField(ca, 'User', 'validityDays', '0')).toThrow(/validityDays/);
    expect(() => setTemplateField(ca, 'User', 'Enroll', 'Domain Users')).toThrow(/\+Principal or -Principal/);
    expect(() => setTemplateField(ca, 'Nope', 'Enroll', '+x')).toThrow(/there is no template "Nope"/);
    expect(readFileSync(caFolder(work).templates, 'utf8')).toBe(before);
  });

  it('warns of ESC1 when requesters may enroll for an authenticating template whose names they supply', () => {
    const copy = copyTemplate(ca, 'User', 'UserSuppliesName');
    expect(copy.onCaList).toBe(false);
    expect(copy.oid).not.toBe(ca.templateStore.find('User')!.oid);
    setTemplateField(ca, 'UserSuppliesName', 'nameFlags', String(CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT));
    setTemplateField(ca, 'UserSuppliesName', 'enrollmentFlags', '-CT_FLAG_PEND_ALL_REQUESTS');
    setTemplateField(ca, 'UserSuppliesName', 'Enroll', '+Domain Users');
    const listed = editCaTemplates(ca, ['+UserSuppliesName']);
    expect(listed.templates).toContain('UserSuppliesName');
    expect(listed.warnings.join('\n')).toMatch(/UserSuppliesName: ESC1: .*Domain Users may enroll/);
    // With manager approval the same template is not flagged.
    setTemplateField(ca, 'UserSuppliesName', 'enrollmentFlags', '+CT_FLAG_PEND_ALL_REQUESTS');
    expect(templateWarnings(ca.templateStore.find('UserSuppliesName')!).join()).not.toMatch(/ESC1/);
    expect(() => editCaTemplates(ca, ['+NoSuchTemplate'])).toThrow(/is not a template of this CA/);
    expect(editCaTemplates(ca, ['-UserSuppliesName']).templates).not.toContain('UserSuppliesName');
  });

  it('warns when non-administrators may enroll for a CA certificate', () => {
    const subCa = ca.templateStore.find('SubCA')!;
    expect(templateWarnings(subCa)).toEqual([]);
    expect(
      templateWarnings({ ...subCa, permissions: [{ principal: 'Domain Users', allow: ['Enroll'] }] }).join(),
    ).toMatch(/may enroll for a CA certificate/);
  });

  it('edits flag words with numbers, hex and CT_FLAG_ names', () => {
    expect(editTemplateFlags(0, '+CT_FLAG_PEND_ALL_REQUESTS,+0x8')).toBe(0xa);
    expect(editTemplateFlags(0xa, '-CT_FLAG_PEND_ALL_REQUESTS')).toBe(0x8);
    expect(editTemplateFlags(0xa, '0x80000000')).toBe(0x80000000);
  });
});
