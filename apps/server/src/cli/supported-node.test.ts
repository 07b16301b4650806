import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_NODE_RANGE, unsupportedNodeMessage } from './supported-node';

describe('unsupportedNodeMessage', () => {
  it.each(['22.16.0', '22.22.1', '24.0.0', '24.21.0', '26.1.0'])('accepts Node.js %s', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined();
  });

  // 20 has no node:sqlite; 22.5-22.12 and 23.0-23.3 have it behind a flag; 22.13-22.15 and 23.4+ lack setReturnArrays.
  it.each(['18.20.4', '20.20.2', '22.12.0', '22.15.1', '23.11.0'])(
    'refuses Node.js %s in one line naming the range',
    (version) => {
      const message = unsupportedNodeMessage(version);
      expect(message).toBe(
        `certexit needs Node.js ^22.16.0 || >=24 (this is Node.js ${version}); install Node.js 24 or later`,
      );
      expect(message).not.toContain('\n');
    },
  );

  it('is the range every package.json declares in engines.node', () => {
    for (const file of ['../../package.json', '../../../../package.json']) {
      const pkg = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as { engines: { node: string } };
      expect(pkg.engines.node, file).toBe(SUPPORTED_NODE_RANGE);
    }
  });
});
