import { describe, expect, it } from 'vitest';
import { FrameSplitter } from './wire-frame';

describe('FrameSplitter', () => {
  it('splits lines across chunks, drops \\r and empty lines', () => {
    const lines: string[] = [];
    const s = new FrameSplitter(
      100,
      (l) => lines.push(l) > 0,
      () => undefined,
    );
    s.push(Buffer.from('{"a"'));
    s.push(Buffer.from(':1}\r\n\n{"b":2}\n{"c"'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });
  it('reports an oversized frame before its newline arrives', () => {
    let oversized = 0;
    const s = new FrameSplitter(
      8,
      () => true,
      (bytes) => {
        oversized = bytes;
      },
    );
    expect(s.push(Buffer.from('0123456789'))).toBe(false);
    expect(oversized).toBe(10);
  });
});
