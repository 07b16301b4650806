import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { RegistryKey, RegistryTree, RegistryValue } from '@certexit/core';
import { isRegistrySubtree } from '@certexit/core';
import { RegistryFileError } from './registry-file-error';

/**
 * The registry-shaped configuration of a CA folder, kept as one JSON file (`registry.json`) rooted at HKLM:
 * `SYSTEM\CurrentControlSet\Services\CertSvc\Configuration\<CA>\…` and `SOFTWARE\Classes\<ProgID>` for module
 * registrations. Binary values are tagged base64. Writes go to a temporary file and are renamed into place, so a
 * crash never leaves a half-written configuration.
 */
export class RegistryFile {
  private tree: RegistryTree;

  /**
   * @param file the registry file (created on the first write).
   * @param options.lockTimeoutMs how long a write waits for another process's lock. @default 5000
   */
  constructor(
    readonly file: string,
    private readonly options: { lockTimeoutMs?: number; refreshMs?: number } = {},
  ) {
    this.tree = RegistryFile.read(file);
    this.seen = _stamp(file);
  }

  /** The file's size and modification time when last read, to notice another process's writes. */
  private seen: string;
  private checkedAt = Date.now();

  /** Reads the file; a missing file is an empty registry, a corrupt one a clear error naming it. */
  static read(file: string): RegistryTree {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new RegistryFileError({ file, detail: `cannot be read (${(error as Error).message})`, cause: error });
    }
    try {
      return JSON.parse(text, (_k, v: unknown) =>
        v && typeof v === 'object' && '$b64' in v ? Uint8Array.from(Buffer.from(String(v.$b64), 'base64')) : v,
      ) as RegistryTree;
    } catch (error) {
      throw new RegistryFileError({ file, detail: 'is not valid JSON', cause: error });
    }
  }

  /**
   * The current tree; views built on `() => file.root()` see every change. A change another process (the CLI's
   * `setreg`) saved is picked up within `refreshMs` (default 500 ms): a running server needs no restart to see it.
   */
  root(): RegistryTree {
    const now = Date.now();
    if (now - this.checkedAt >= (this.options.refreshMs ?? 500)) {
      this.checkedAt = now;
      if (_stamp(this.file) !== this.seen) this.reload();
    }
    return this.tree;
  }

  /** Re-reads the file (another process, e.g. the CLI, may have changed it). */
  reload(): void {
    this.seen = _stamp(this.file);
    this.tree = RegistryFile.read(this.file);
    this.values.clear();
    this.changes++;
  }

  /**
   * A number that changes whenever the tree may have (a reload, a save), another process's writes included: what is
   * computed from values stays current while it stays the same.
   */
  get generation(): number {
    this.root();
    return this.changes;
  }

  private changes = 0;

  /**
   * Values by path as last read, until the tree changes (reload or save): issuance reads the same few values for
   * every request, and each read otherwise walks the tree comparing every key without case.
   */
  private readonly values = new Map<string, RegistryValue | undefined>();

  /** A value at a backslash path, or `undefined`. Names compare case-insensitively. */
  getValue(path: string): RegistryValue | undefined {
    this.root(); // picks up another process's writes
    if (this.values.has(path)) return this.values.get(path);
    const segments = _split(path);
    const name = segments.pop();
    const parent = this.subtree(segments, false);
    const entry = parent && name !== undefined ? _lookup(parent, name)?.[1] : undefined;
    const value = isRegistrySubtree(entry) ? undefined : entry;
    this.values.set(path, value);
    return value;
  }

  /** A number (REG_DWORD) at a backslash path; `undefined` when the value is missing or is not a number. */
  getNumber(path: string): number | undefined {
    const value = this.getValue(path);
    return typeof value === 'number' ? value : undefined;
  }

  /** A read view of one key's values through this file's cache: what the registry catalogue's readers take. */
  keyAt(path: string): Pick<RegistryKey, 'path' | 'getValue'> {
    return { path, getValue: (name) => this.getValue(`${path}\\${name}`) };
  }

  /** A key at a backslash path, or `undefined`. */
  getKey(path: string): RegistryTree | undefined {
    this.root();
    return this.subtree(_split(path), false);
  }

  /** Sets a value, creating missing keys, and saves (merged with what other processes saved meanwhile). */
  setValue(path: string, value: RegistryValue): void {
    const segments = _split(path);
    const name = segments.pop();
    if (!name) throw new Error(`setreg needs a value name: ${JSON.stringify(path)}`);
    this.mutate(() => {
      const parent = this.subtree(segments, true)!;
      const existing = _lookup(parent, name);
      if (existing && isRegistrySubtree(existing[1])) throw new Error(`${path} is a key, not a value`);
      parent[existing?.[0] ?? name] = value;
      return true;
    });
  }

  /** Deletes a value or a whole key; true when something was there. Saves. */
  delete(path: string): boolean {
    const segments = _split(path);
    const name = segments.pop();
    return this.mutate(() => {
      const parent = this.subtree(segments, false);
      const existing = parent && name !== undefined ? _lookup(parent, name) : undefined;
      if (!parent || !existing) return false;
      delete parent[existing[0]];
      return true;
    });
  }

  /**
   * Changes the file as one read-modify-write under an exclusive lock file, so a running server and a CLI
   * `setreg` at the same moment both keep their change (a whole-tree write would lose one of them).
   */
  private mutate(change: () => boolean): boolean {
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? 5_000);
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // A lock left by a process that died is taken over after a while; a live one is short-lived.
        const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age > 30_000) rmSync(lock, { force: true });
        else if (Date.now() > deadline)
          throw new Error(`the registry file is locked by another process (${lock}); try again`);
        else Atomics.wait(_sleeper, 0, 0, 10);
      }
    }
    try {
      this.reload();
      const changed = change();
      if (changed) this.save();
      return changed;
    } finally {
      rmSync(lock, { force: true });
    }
  }

  save(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(
      temporary,
      `${JSON.stringify(this.tree, (_k, v: unknown) => (v instanceof Uint8Array ? { $b64: Buffer.from(v).toString('base64') } : v), 2)}\n`,
      { mode: 0o600 },
    );
    renameSync(temporary, this.file);
    this.seen = _stamp(this.file);
    this.values.clear();
    this.changes++;
  }

  private subtree(segments: readonly string[], create: boolean): RegistryTree | undefined {
    let node = this.tree;
    for (const segment of segments) {
      const found = _lookup(node, segment);
      if (found && isRegistrySubtree(found[1])) {
        node = found[1];
        continue;
      }
      if (found || !create) return undefined;
      const child: RegistryTree = {};
      node[segment] = child;
      node = child;
    }
    return node;
  }
}

function _split(path: string): string[] {
  return path.split('\\').filter((s) => s.length > 0);
}

function _lookup(tree: RegistryTree, name: string): [string, RegistryValue | RegistryTree] | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(tree)) if (key.toLowerCase() === wanted) return [key, value];
  return undefined;
}

/** A synchronous sleep for the lock retry loop (configuration writes are rare and short). */
const _sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The file's identity, size and times, or '' when it does not exist. Every save renames a new file into place, so
 * the inode changes even when two writes of the same size land within one tick of the file system's clock (which the
 * size and modification time alone missed).
 */
function _stamp(file: string): string {
  const stat = statSync(file, { throwIfNoEntry: false, bigint: true });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}` : '';
}
