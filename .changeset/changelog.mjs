// The changelog generator `changeset version` uses (see config.json). With a GITHUB_TOKEN (the release workflow
// has one) entries link their pull request, commit and author through @changesets/changelog-github, which asks
// GitHub's API; without one, the default generator writes "- <commit>: <summary>" from git alone, so versioning
// works offline and without credentials (local dry runs, the e2e release test).
//
// The GitHub repository is read from the root package.json "repository" (the one place that names it; every
// package's repository.url must match it, see scripts/check-packages.mjs and contributing/releasing.md).
import { readFileSync } from 'node:fs';
import github from '@changesets/changelog-github';
import git from '@changesets/cli/changelog';

const ROOT_PACKAGE_JSON = new URL('../package.json', import.meta.url);

/** `owner/name` from the root package.json's repository URL. */
export function githubRepository() {
  const { repository } = JSON.parse(readFileSync(ROOT_PACKAGE_JSON, 'utf8'));
  const url = typeof repository === 'string' ? repository : repository?.url;
  const match = /github\.com[/:]([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(url ?? '');
  if (!match) {
    throw new Error(
      `.changeset/changelog.mjs: the root package.json "repository" must be the GitHub repository ` +
        `(git+https://github.com/<owner>/<name>.git), found ${JSON.stringify(url)}`,
    );
  }
  return match[1];
}

let announced = false;
function generator() {
  const linked = Boolean(process.env.GITHUB_TOKEN);
  if (!announced) {
    announced = true;
    console.info(
      linked
        ? `changelog: GitHub-linked entries for ${githubRepository()} (GITHUB_TOKEN is set)`
        : 'changelog: git-based entries (set GITHUB_TOKEN for GitHub links)',
    );
  }
  return linked ? { functions: github, options: { repo: githubRepository() } } : { functions: git, options: {} };
}

/** @type {import('@changesets/types').ChangelogFunctions} */
const changelogFunctions = {
  getReleaseLine(changeset, type, options) {
    const { functions, options: own } = generator();
    return functions.getReleaseLine(changeset, type, { ...options, ...own });
  },
  getDependencyReleaseLine(changesets, dependenciesUpdated, options) {
    const { functions, options: own } = generator();
    return functions.getDependencyReleaseLine(changesets, dependenciesUpdated, { ...options, ...own });
  },
};

export default changelogFunctions;
