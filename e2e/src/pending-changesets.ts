import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A bump a changeset asks for. */
export type BumpType = 'major' | 'minor' | 'patch';

/** One pending `.changeset/*.md` file: the bumps its front matter asks for. */
export interface PendingChangeset {
  file: string;
  releases: Map<string, BumpType | 'none'>;
}

/** The changesets waiting in `<root>/.changeset` (every `*.md` but the README), read from their front matter. */
export function readPendingChangesets(root: string): PendingChangeset[] {
  const dir = join(root, '.changeset');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1];
      if (frontMatter === undefined) throw new Error(`.changeset/${file} has no front matter`);
      const releases = new Map<string, BumpType | 'none'>();
      for (const line of frontMatter.split(/\r?\n/)) {
        if (!line.trim()) continue;
        const release = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch|none)\s*$/.exec(line);
        if (!release) throw new Error(`.changeset/${file}: cannot read "${line}"`);
        releases.set(release[1]!, release[2] as BumpType | 'none');
      }
      return { file, releases };
    });
}

/** The highest bump each package gets from `changesets`. */
export function highestBumps(changesets: readonly PendingChangeset[]): Map<string, BumpType> {
  const order: BumpType[] = ['patch', 'minor', 'major'];
  const highest = new Map<string, BumpType>();
  for (const { releases } of changesets) {
    for (const [name, type] of releases) {
      if (type === 'none') continue;
      const current = highest.get(name);
      if (!current || order.indexOf(type) > order.indexOf(current)) highest.set(name, type);
    }
  }
  return highest;
}
