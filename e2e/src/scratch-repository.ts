import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { CommandResult, RunCommandOptions } from './run-command';
import { credentialFreeEnv, runCommand, runPnpm, runPnpmAsync } from './run-command';
import { listWorkspacePackages } from './workspace-packages';

/** A throw-away copy of the repository: its own git history, its own node_modules. */
export interface ScratchRepository {
  dir: string;
  /** The pnpm store it installs from: give it as `npm_config_store_dir` to a pnpm started another way. */
  storeDir: string;
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
  // The copy installs from the store the checkout was installed from (pnpm would pick another one for a folder on
  // another file system); the variable reaches the pnpm that package scripts start, too.
  const storeDir = installedStore(source);
  const store = { npm_config_store_dir: storeDir };
  const dir = copyWorkingTree(source, prefix);
  const git = (...args: string[]) => runCommand('git', args, { cwd: dir }).stdout;
  const withStore = (options: Partial<RunCommandOptions>) => ({
    cwd: dir,
    ...options,
    env: { ...(options.env ?? credentialFreeEnv({ CI: 'true' })), ...store },
  });
  const pnpm = (args: readonly string[], options: Partial<RunCommandOptions> = {}) => runPnpm(args, withStore(options));
  const pnpmAsync = (args: readonly string[], options: Partial<RunCommandOptions> = {}) =>
    runPnpmAsync(args, withStore(options));
  const scratch: ScratchRepository = {
    dir,
    storeDir,
    git,
    pnpm,
    pnpmAsync,
    commitAll(message) {
      git('add', '--all');
      git('commit', '--quiet', '--no-verify', '--message', message);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  try {
    for (const { path } of listWorkspacePackages(source)) {
      if (existsSync(join(source, path, 'dist')))
        cpSync(join(source, path, 'dist'), join(dir, path, 'dist'), { recursive: true });
    }
    git('init', '--quiet', '--initial-branch=main');
    git('config', 'user.name', 'certexit e2e');
    git('config', 'user.email', 'e2e@certexit.invalid');
    git('config', 'commit.gpgsign', 'false');
    scratch.commitAll('scratch copy of the working tree');
    // Offline: everything comes from the checkout's store; the release must not need the network.
    pnpm(['install', '--offline', '--frozen-lockfile']);
  } catch (error) {
    scratch.remove();
    throw error;
  }
  return scratch;
}

/**
 * Copies the files of `source`'s working tree that git lists (tracked and untracked, not what .gitignore ignores)
 * into a new temporary folder, and returns it.
 */
export function copyWorkingTree(source: string, prefix = 'certexit-copy-'): string {
  const listed = runCommand('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: source });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    for (const file of new Set(listed.stdout.split('\0').filter(Boolean))) {
      if (!existsSync(join(source, file))) continue; // deleted in the working tree, not yet committed
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(source, file), join(dir, file));
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

/** The pnpm store `source`'s node_modules were installed from. */
function installedStore(source: string): string {
  const modules = join(source, 'node_modules', '.modules.yaml');
  if (!existsSync(modules)) throw new Error(`${source} is not installed (no ${modules}): run pnpm install first`);
  const { storeDir } = parse(readFileSync(modules, 'utf8')) as { storeDir?: string };
  if (!storeDir) throw new Error(`${modules} names no storeDir`);
  return storeDir;
}
