import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandResult, RunCommandOptions } from './run-command';
import { credentialFreeEnv, runCommand, runPnpm, runPnpmAsync } from './run-command';
import { listWorkspacePackages } from './workspace-packages';

/** A throw-away copy of the repository: its own git history, its own node_modules. */
export interface ScratchRepository {
  dir: string;
  git(...args: string[]): string;
  /** Runs the pinned pnpm in the copy, without credentials. */
  pnpm(args: readonly string[], options?: Partial<RunCommandOptions>): CommandResult;
  /** {@link ScratchRepository.pnpm} without blocking the event loop. */
  pnpmAsync(args: readonly string[], options?: Partial<RunCommandOptions>): Promise<CommandResult>;
  /** Stages everything and commits it. */
  commitAll(message: string): void;
  remove(): void;
}

/**
 * Copies the working tree of `source` (tracked and untracked files, as git lists them; not what .gitignore ignores)
 * and every workspace package's built `dist/` into a temporary folder, makes it a git repository of one commit on
 * `main`, and installs its dependencies from the pnpm store, offline. The source is only read.
 */
export function createScratchRepository(source: string, prefix = 'certexit-scratch-'): ScratchRepository {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const listed = runCommand('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: source });
  for (const file of new Set(listed.stdout.split('\0').filter(Boolean))) {
    if (!existsSync(join(source, file))) continue; // deleted in the working tree, not yet committed
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(source, file), join(dir, file));
  }
  for (const { path } of listWorkspacePackages(source)) {
    if (existsSync(join(source, path, 'dist')))
      cpSync(join(source, path, 'dist'), join(dir, path, 'dist'), { recursive: true });
  }

  const git = (...args: string[]) => runCommand('git', args, { cwd: dir }).stdout;
  const pnpm = (args: readonly string[], options: Partial<RunCommandOptions> = {}) =>
    runPnpm(args, { cwd: dir, env: credentialFreeEnv({ CI: 'true' }), ...options });
  const pnpmAsync = (args: readonly string[], options: Partial<RunCommandOptions> = {}) =>
    runPnpmAsync(args, { cwd: dir, env: credentialFreeEnv({ CI: 'true' }), ...options });
  const scratch: ScratchRepository = {
    dir,
    git,
    pnpm,
    pnpmAsync,
    commitAll(message) {
      git('add', '--all');
      git('commit', '--quiet', '--no-verify', '--message', message);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'certexit e2e');
  git('config', 'user.email', 'e2e@certexit.invalid');
  git('config', 'commit.gpgsign', 'false');
  scratch.commitAll('scratch copy of the working tree');
  // Offline: everything comes from the store the checkout was installed from; the release must not need the network.
  pnpm(['install', '--offline', '--frozen-lockfile']);
  return scratch;
}
