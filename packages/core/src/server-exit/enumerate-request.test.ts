import { describe, expect, it } from 'vitest';
import type { ICertServerExit } from '../interfaces/cert-server-exit';
import { enumerateAttributeNames, enumerateExtensionOids } from './enumerate-request';

/** A server whose cursors yield `items` then `end`, or throw on the call after `failAfter` items; records calls. */
function cursorServer(items: string[], end: undefined | '', failAfter?: number) {
  const calls: string[] = [];
  let next = 0;
  const step = (name: string) => () => {
    calls.push(name);
    if (failAfter !== undefined && next === failAfter) throw new Error('cursor broke');
    return next < items.length ? items[next++] : end;
  };
  const server = {
    EnumerateExtensionsSetup: () => void calls.push('ExtensionsSetup'),
    EnumerateExtensions: step('Extensions'),
    EnumerateExtensionsClose: () => void calls.push('ExtensionsClose'),
    EnumerateAttributesSetup: () => void calls.push('AttributesSetup'),
    EnumerateAttributes: step('Attributes'),
    EnumerateAttributesClose: () => void calls.push('AttributesClose'),
  } as unknown as ICertServerExit;
  return { server, calls };
}

describe('enumerateExtensionOids / enumerateAttributeNames', () => {
  it('lists every item until undefined (S_FALSE) or "" (Automation), then closes the cursor', async () => {
    const a = cursorServer(['2.5.29.15', '2.5.29.37'], undefined);
    expect(await enumerateExtensionOids(a.server)).toEqual(['2.5.29.15', '2.5.29.37']);
    expect(a.calls).toEqual(['ExtensionsSetup', 'Extensions', 'Extensions', 'Extensions', 'ExtensionsClose']);
    const b = cursorServer(['CertType', 'ccm'], '');
    expect(await enumerateAttributeNames(b.server)).toEqual(['CertType', 'ccm']);
    expect(b.calls.at(-1)).toBe('AttributesClose');
  });

  it('closes the cursor when enumerating fails', async () => {
    const c = cursorServer(['a', 'b'], undefined, 1);
    await expect(enumerateAttributeNames(c.server)).rejects.toThrow('cursor broke');
    expect(c.calls).toEqual(['AttributesSetup', 'Attributes', 'Attributes', 'AttributesClose']);
  });
});
