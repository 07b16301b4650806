import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { turnBufferedLines } from './turn-buffered-lines';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('turnBufferedLines', () => {
  it('writes the lines of one turn of the event loop as one text, in their order, at its end', async () => {
    const writes: string[] = [];
    const lines = turnBufferedLines((text) => writes.push(text));
    lines.write('{"n":1}\n');
    lines.write('{"n":2}\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n']);
    lines.write('{"n":3}\n');
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n', '{"n":3}\n']);
  });

  it('writes what is waiting when asked, and nothing when nothing is', async () => {
    const writes: string[] = [];
    const lines = turnBufferedLines((text) => writes.push(text));
    lines.flush();
    lines.write('a\n');
    lines.flush();
    await nextTurn();
    expect(writes).toEqual(['a\n']);
  });

  it("serves as pino's stream: logger.flush(cb) writes the waiting lines, then calls back", async () => {
    const writes: string[] = [];
    const logger = pino(
      { base: null, timestamp: false },
      turnBufferedLines((text) => writes.push(text)),
    );
    logger.info('one');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    expect(writes).toEqual(['{"level":30,"msg":"one"}\n']);
  });

  it('writes what is waiting when the process exits in the same turn', () => {
    const module = fileURLToPath(new URL('./turn-buffered-lines.ts', import.meta.url));
    const script = `import { turnBufferedLines } from ${JSON.stringify(module)};
      const lines = turnBufferedLines((text) => process.stdout.write(text));
      lines.write('last words\\n');
      process.exit(3);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(3);
    expect(run.stdout).toBe('last words\n');
  });
});
