import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** What `certexit serve` leaves in the CA folder while it runs, so that other commands know it is there. */
export interface RunningServerRecord {
  readonly pid: number;
  readonly host: string;
  readonly url: string;
  readonly startedAt: string;
}

/** The record's file in a CA folder. */
export function runningServerFile(caRoot: string): string {
  return join(caRoot, 'serve.json');
}

/**
 * Writes the record (mode 0600) and returns what removes it, only if it is still this process's (a second server
 * started meanwhile keeps its own).
 */
export function writeRunningServerRecord(caRoot: string, url: string): () => void {
  const file = runningServerFile(caRoot);
  const record: RunningServerRecord = {
    pid: process.pid,
    host: hostname(),
    url,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return () => {
    if (readRunningServer(caRoot)?.pid === process.pid) rmSync(file, { force: true });
  };
}

/**
 * The server running on this CA folder, if one is: the record exists, names this host, and its process is alive
 * (a record left by a server that was killed is ignored).
 */
export function findRunningServer(caRoot: string): RunningServerRecord | undefined {
  const record = readRunningServer(caRoot);
  if (!record || record.host !== hostname()) return undefined;
  try {
    process.kill(record.pid, 0);
    return record;
  } catch (error) {
    // EPERM: alive, but another user's; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? record : undefined;
  }
}

function readRunningServer(caRoot: string): RunningServerRecord | undefined {
  try {
    const parsed = JSON.parse(readFileSync(runningServerFile(caRoot), 'utf8')) as Partial<RunningServerRecord>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.url === 'string'
      ? (parsed as RunningServerRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
