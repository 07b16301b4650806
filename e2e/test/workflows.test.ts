// The GitHub workflows are valid, grant each job only what it needs, pin every action to a commit, and call the
// scripts that exist: CI runs the README's test command, the release runs pnpm ci:version and pnpm ci:release.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPOSITORY_ROOT } from '../src/repository-root';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  needs?: string | string[];
  if?: string;
  environment?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (path: string) => readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
const FILES = ['.github/workflows/ci.yml', '.github/workflows/release.yml'];
const ci = parse(read(FILES[0]!)) as Workflow;
const release = parse(read(FILES[1]!)) as Workflow;
const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const stepUsing = (job: Job, action: string) => job.steps?.find((step) => step.uses?.split('@')[0] === action);
const writes = (workflow: Workflow) =>
  Object.fromEntries(
    Object.entries(workflow.jobs).map(([id, job]) => [
      id,
      Object.entries(job.permissions ?? {})
        .filter(([, access]) => access === 'write')
        .map(([scope]) => scope)
        .sort(),
    ]),
  );

describe('the GitHub workflows', () => {
  it.each(FILES)('%s is a valid workflow', (file) => {
    expect(validateWorkflow(read(file)).errors).toEqual([]);
  });

  it.each(FILES)('%s pins every action to a commit, with its tag in a comment', (file) => {
    const uses = read(file)
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });

  it.each(FILES)('%s checks out without leaving credentials behind', (file) => {
    const workflow = parse(read(file)) as Workflow;
    for (const job of Object.values(workflow.jobs)) {
      const checkout = stepUsing(job, 'actions/checkout');
      if (checkout) expect(checkout.with?.['persist-credentials']).toBe(false);
    }
  });

  it('CI runs the README’s test command on pushes and pull requests, read-only', () => {
    expect(read('README.md')).toContain('npm test');
    expect(read('.ci/run')).toContain('exec npm test');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    expect(ci.jobs.test!.steps!.map((step) => step.run)).toContain('npm test');
    expect(ci.permissions).toEqual({ contents: 'read' });
    expect(writes(ci)).toEqual({ test: [], changeset: [], 'ci-ok': [] });
  });

  it('CI asks for a changeset when a package changes, and one job sums up the others', () => {
    const status = ci.jobs.changeset!.steps!.find((step) => step.run?.includes('changeset status'));
    expect(status?.run).toContain('--since=');
    expect(stepUsing(ci.jobs.changeset!, 'actions/checkout')?.with?.['fetch-depth']).toBe(0);
    expect(ci.jobs['ci-ok']!.needs).toEqual(Object.keys(ci.jobs).filter((id) => id !== 'ci-ok'));
  });

  it('the release opens the version pull request with pnpm ci:version and publishes with pnpm ci:release', () => {
    const changesets = JSON.parse(read('.changeset/config.json')) as { baseBranch: string };
    expect(release.on).toEqual({ push: { branches: [changesets.baseBranch] } });
    expect(stepUsing(release.jobs.version!, 'changesets/action/version')?.with).toEqual({
      script: 'pnpm ci:version',
    });
    expect(stepUsing(release.jobs.publish!, 'changesets/action/publish')?.with).toEqual({
      script: 'pnpm ci:release',
    });
    expect(rootPackage.scripts['ci:version']).toMatch(/^changeset version && pnpm install --no-frozen-lockfile$/);
    expect(rootPackage.scripts['ci:release']).toMatch(/^turbo run build.* && changeset publish$/);
    for (const id of ['version', 'publish']) {
      expect(release.jobs[id]!.needs).toBe('select-mode');
      expect(release.jobs[id]!.if).toBe(`needs.select-mode.outputs.mode == '${id}'`);
    }
  });

  it('the release publishes with npm provenance and the npm token from secrets', () => {
    const publish = release.jobs.publish!;
    expect(stepUsing(publish, 'actions/setup-node')?.with?.['registry-url']).toBe('https://registry.npmjs.org');
    const env = stepUsing(publish, 'changesets/action/publish')?.env;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    expect(env).toMatchObject({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}', NPM_CONFIG_PROVENANCE: true });
    expect(publish.environment).toBe('npm');
  });

  it('the release grants each job only what it needs', () => {
    expect(release.permissions).toEqual({});
    for (const [id, job] of Object.entries(release.jobs)) expect(job.permissions, id).toBeDefined();
    expect(writes(release)).toEqual({
      'select-mode': [],
      version: ['contents', 'pull-requests'],
      publish: ['contents', 'id-token'],
    });
  });
});
