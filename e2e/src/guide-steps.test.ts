import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guideScript, guideSteps } from './guide-steps';

const guide = [
  '# Guide',
  '```sh not-run',
  'pnpm install',
  '```',
  '```sh',
  'echo "one $HOME" > out.txt',
  '```',
  '```text',
  'shown output',
  '```',
  '````md file=docs/readme.md',
  '# A file with a nested block',
  '```sh',
  'echo $NOT_EXPANDED',
  '```',
  '````',
  '```ts file=src/a.ts',
  "export const a = '$x';",
  '```',
].join('\n');

describe('guideSteps', () => {
  it('keeps sh blocks and file blocks in order, and leaves out not-run and other blocks', () => {
    expect(guideSteps(guide)).toEqual([
      { kind: 'sh', line: 5, code: 'echo "one $HOME" > out.txt' },
      {
        kind: 'file',
        line: 11,
        path: 'docs/readme.md',
        content: '# A file with a nested block\n```sh\necho $NOT_EXPANDED\n```\n',
      },
      { kind: 'file', line: 17, path: 'src/a.ts', content: "export const a = '$x';\n" },
    ]);
  });

  it('refuses a block never closed and a file outside the folder', () => {
    expect(() => guideSteps('```sh\necho')).toThrow(/line 1 is never closed/);
    expect(() => guideSteps('```ts file=../x.ts\n```')).toThrow(/relative path inside/);
    expect(() => guideSteps('```ts file=/etc/x\n```')).toThrow(/relative path inside/);
  });
});

describe('guideScript', () => {
  it('runs the commands and writes the files byte for byte, in one shell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certexit-guide-steps-'));
    try {
      const run = spawnSync('sh', ['-c', guideScript(guideSteps(guide))], { cwd: dir, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(`one ${process.env.HOME}\n`);
      expect(readFileSync(join(dir, 'docs/readme.md'), 'utf8')).toBe(
        '# A file with a nested block\n```sh\necho $NOT_EXPANDED\n```\n',
      );
      expect(readFileSync(join(dir, 'src/a.ts'), 'utf8')).toBe("export const a = '$x';\n");
      // A failing command stops the script.
      const failing = spawnSync('sh', ['-c', guideScript(guideSteps('```sh\nfalse\necho after\n```'))], {
        encoding: 'utf8',
      });
      expect(failing.status).not.toBe(0);
      expect(failing.stdout).not.toContain('after');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
