/** One tarball as `npm publish --dry-run` describes it. */
export interface DryRunTarball {
  name: string;
  version: string;
  /** Paths inside the package, as listed under "Tarball Contents". */
  files: string[];
  /** The "total files" npm counted (to check the listing was read whole). */
  totalFiles: number;
}

/** What `pnpm publish -r --dry-run` printed: the tarballs npm described and the `+ name@version` lines. */
export interface PublishDryRun {
  tarballs: DryRunTarball[];
  published: string[];
}

/**
 * Reads the output of `pnpm publish -r --dry-run` (npm's notices and pnpm's `+ name@version` lines, in any
 * interleaving of stdout and stderr: each tarball's notices form one block, opened by its "📦 name@version" line).
 */
export function parsePublishDryRun(output: string): PublishDryRun {
  const tarballs: DryRunTarball[] = [];
  const published: string[] = [];
  let current: DryRunTarball | undefined;
  let inContents = false;
  for (const raw of output.split('\n')) {
    const line = raw.trimEnd();
    const plus = /^\+ (\S+@\S+)$/.exec(line);
    if (plus) {
      published.push(plus[1]!);
      continue;
    }
    const notice = /^npm notice ?(.*)$/.exec(line)?.[1];
    if (notice === undefined) continue;
    const header = /^📦\s+(\S+)$/u.exec(notice);
    if (header) {
      const { name, version } = splitSpec(header[1]!);
      current = { name, version, files: [], totalFiles: -1 };
      tarballs.push(current);
      inContents = false;
      continue;
    }
    if (!current) continue;
    if (notice === 'Tarball Contents') inContents = true;
    else if (notice === 'Tarball Details') inContents = false;
    else if (inContents) {
      const file = /^[\d.]+[kMG]?B (.+)$/.exec(notice);
      if (file) current.files.push(file[1]!);
    } else {
      const total = /^total files:\s*(\d+)$/.exec(notice);
      if (total) current.totalFiles = Number(total[1]);
    }
  }
  return { tarballs, published };
}

/** `@scope/name@1.2.3` → name and version (the version follows the last `@`). */
export function splitSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0) throw new Error(`not a name@version: ${spec}`);
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}
