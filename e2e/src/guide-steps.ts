/** One step of a guide: shell commands to run, or a file to write whole. */
export type GuideStep =
  | { readonly kind: 'sh'; readonly line: number; readonly code: string }
  | { readonly kind: 'file'; readonly line: number; readonly path: string; readonly content: string };

/**
 * The steps of a Markdown guide, in order: every fenced block whose info string is `sh` (commands), and every block
 * with a `file=<path>` attribute (a file to write, whatever its language). Blocks marked `not-run`, and the others
 * (output shown as `text`), are left out. Fences of three or more backticks nest as CommonMark says: a block closes
 * at a fence at least as long as the one that opened it.
 */
export function guideSteps(markdown: string): GuideStep[] {
  const lines = markdown.split('\n');
  const steps: GuideStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const info = open[2]!.trim().split(/\s+/).filter(Boolean);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !new RegExp(`^${fence}\`*\\s*$`).test(lines[i]!); i++) body.push(lines[i]!);
    if (i >= lines.length) throw new Error(`the block opened on line ${start + 1} is never closed`);
    if (info.includes('not-run')) continue;
    const file = info.find((word) => word.startsWith('file='))?.slice('file='.length);
    if (file !== undefined) {
      if (file === '' || file.startsWith('/') || file.split('/').includes('..'))
        throw new Error(`line ${start + 1}: file=${file} must be a relative path inside the repository`);
      steps.push({ kind: 'file', line: start + 1, path: file, content: `${body.join('\n')}\n` });
    } else if (info[0] === 'sh') {
      steps.push({ kind: 'sh', line: start + 1, code: body.join('\n') });
    }
  }
  return steps;
}

/**
 * One POSIX shell script that follows the steps in one session, as a reader at a terminal would: the commands as
 * written, each file written whole by a quoted here-document (nothing in it is expanded). `set -eu` stops at the
 * first failing command; `set -x` shows each command on stderr.
 */
export function guideScript(steps: readonly GuideStep[]): string {
  const out = ['set -eux'];
  for (const step of steps) {
    out.push(`# guide line ${step.line}`);
    if (step.kind === 'sh') {
      out.push(step.code);
      continue;
    }
    const delimiter = 'CERTEXIT_GUIDE_FILE_END';
    if (step.content.split('\n').includes(delimiter)) throw new Error(`line ${step.line}: the file holds ${delimiter}`);
    const quoted = `'${step.path.replaceAll("'", "'\\''")}'`;
    out.push(
      `mkdir -p "$(dirname ${quoted})"`,
      `cat > ${quoted} <<'${delimiter}'`,
      step.content.replace(/\n$/, ''),
      delimiter,
    );
  }
  return `${out.join('\n')}\n`;
}
