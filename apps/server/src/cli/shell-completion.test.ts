import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './main';

const work = mkdtempSync(join(tmpdir(), 'certexit-completion-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function script(shell: string): Promise<string> {
  const out: string[] = [];
  const code = await runCli(['completion', shell], { out: (l) => out.push(l), err: () => undefined });
  expect(code).toBe(0);
  const file = join(work, `certexit.${shell}`);
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

/** What bash completes for the words typed so far (the last one being completed). */
function complete(file: string, ...words: string[]): string[] {
  const typed = ['certexit', ...words].map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '-c',
      `source '${file}'; complete -p certexit; COMP_WORDS=(${typed}); COMP_CWORD=${words.length}; _certexit_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8', cwd: work },
  );
  expect(r.status, r.stderr).toBe(0);
  const [registered, ...replies] = r.stdout.trim().split('\n');
  expect(registered).toBe('complete -F _certexit_completion certexit');
  return replies.filter((l) => l !== '');
}

describe('certexit completion', () => {
  it('completes verbs, subcommands and options in bash from the commander tree', { timeout: 30_000 }, async () => {
    const bash = await script('bash');
    expect(complete(bash, 'vi')).toEqual(['view']);
    expect(complete(bash, 'de')).toEqual(expect.arrayContaining(['deleterow', 'demo', 'deny']));
    expect(complete(bash, 'view', 'sch')).toEqual(['schema']);
    expect(complete(bash, 'view', '--re')).toEqual(['--restrict']);
    expect(complete(bash, '--dir', 'ca', 'backup', '--pass')).toEqual(['--password-stdin']);
    expect(complete(bash, 'module', 'q')).toEqual(['queue']);
    expect(complete(bash, '--js')).toEqual(['--json']);
    // A file argument completes file names.
    writeFileSync(join(work, 'request.csr'), '');
    expect(complete(bash, 'dump', 'requ')).toEqual(['request.csr']);
  });

  it('prints a zsh script that runs the same completion through bashcompinit, loaded by a real zsh', {
    timeout: 30_000,
  }, async () => {
    const zsh = await script('zsh');
    const text = (await import('node:fs')).readFileSync(zsh, 'utf8');
    expect(text.startsWith('#compdef certexit\n')).toBe(true);
    expect(text).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(text).toContain('complete -F _certexit_completion certexit');
    // In a real zsh (scripts/zsh.sh installs it): compinit registers the completion, and the function, run as zsh's
    // _bash_complete runs it (sh emulation, arrays from 0), offers the subcommands of the command typed so far.
    const r = spawnSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -D; source '${zsh}'; print -r -- "$_comps[certexit]"; ` +
          'emulate -L sh; setopt kshglob noshglob braceexpand ksharrays; ' +
          `COMP_WORDS=(certexit module q); COMP_CWORD=2; _certexit_completion; print -l -- "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8', cwd: work },
    );
    expect(r.error, 'zsh is missing: run scripts/zsh.sh').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const [registered, ...replies] = r.stdout.trim().split('\n');
    expect(registered).toBe('_bash_complete -F _certexit_completion');
    expect(replies).toEqual(expect.arrayContaining(['queue', 'retry', 'replay', 'register']));
    expect(replies).not.toContain('setup');
    const bad = await runCli(['completion', 'fish'], { out: () => undefined, err: () => undefined });
    expect(bad).toBe(1);
  });
});
