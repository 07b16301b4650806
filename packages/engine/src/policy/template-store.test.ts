import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultTemplates } from './default-templates';
import { TemplateStore } from './template-store';

describe('TemplateStore', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-template-store-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses an invalid file when opened, or at the first look when told to read it then', () => {
    const file = join(work, 'templates.json');
    writeFileSync(file, JSON.stringify([{ name: 'User' }]));
    expect(() => new TemplateStore(file)).toThrow(/templates\.json is unreadable: .*not a valid template list/);
    const deferred = new TemplateStore(file, { readAtOpen: false });
    expect(() => deferred.list()).toThrow(/not a valid template list/);
    writeFileSync(file, JSON.stringify(defaultTemplates()));
    expect(deferred.find('webserver')?.name).toBe('WebServer');
  });
});
