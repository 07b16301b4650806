import type { CliIo } from './cli-context';

/**
 * A password for `backup` / `restore`, never from the command line (it would sit in the shell history and in every
 * process listing): the first line of standard input with `--password-stdin`, else a prompt on the terminal with
 * echo off (asked twice when `confirm`).
 */
export async function readPassword(io: CliIo, options: { fromStdin: boolean; confirm: boolean }): Promise<string> {
  if (options.fromStdin) {
    const text = await (io.stdin ?? _readStdin)();
    const line = text.split(/\r?\n/)[0] ?? '';
    if (!line) throw new Error('--password-stdin: standard input holds no password (one line)');
    return line;
  }
  if (io.prompt) return io.prompt('Password: ');
  if (!process.stdin.isTTY)
    throw new Error(
      'no password: run in a terminal to be asked for it, or give it on standard input with --password-stdin',
    );
  const first = await _promptHidden('Password: ');
  if (options.confirm && (await _promptHidden('Password again: ')) !== first)
    throw new Error('the two passwords differ: nothing was written');
  return first;
}

async function _readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal in raw mode, printing nothing of what is typed. */
function _promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
