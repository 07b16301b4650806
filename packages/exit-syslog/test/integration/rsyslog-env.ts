import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The connection facts `scripts/rsyslog.sh start` writes to `$RSYSLOG_DIR/env`. */
export interface RsyslogEnv {
  host: string;
  port: number;
  caFile: string;
  /** The JSON-lines file rsyslog writes every message it received to. */
  messages: string;
  /** `$RSYSLOG_DIR`, for restarting the server with the script. */
  dir: string;
}

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

/** Reads the env file (or `CERTEXIT_RSYSLOG_ENV_FILE`); fails with how to start rsyslog when it is missing. */
export function readRsyslogEnv(): RsyslogEnv {
  const file = process.env.CERTEXIT_RSYSLOG_ENV_FILE ?? `${REPO}.tmp/rsyslog/env`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no rsyslog env file at ${file}: start it with "bash scripts/rsyslog.sh start" (npm test does)`);
  }
  const v = Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  return {
    host: v.CERTEXIT_RSYSLOG_HOST!,
    port: Number(v.CERTEXIT_RSYSLOG_PORT),
    caFile: v.CERTEXIT_RSYSLOG_CA!,
    messages: v.CERTEXIT_RSYSLOG_MESSAGES!,
    dir: dirname(file),
  };
}

/** Runs `scripts/rsyslog.sh <command>` on the same state directory (same port, same CA). */
export function rsyslogScript(env: RsyslogEnv, command: 'start' | 'stop'): void {
  execFileSync('bash', [`${REPO}scripts/rsyslog.sh`, command], {
    env: { ...process.env, RSYSLOG_DIR: env.dir },
    stdio: 'pipe',
  });
}

/** One message as rsyslog parsed and wrote it (`%jsonmesg%`, with mmpstrucdata's `$!` tree). */
export interface ReceivedSyslog {
  msg: string;
  rawmsg: string;
  hostname: string;
  'app-name': string;
  procid: string;
  msgid: string;
  syslogfacility: string;
  syslogseverity: string;
  'protocol-version': string;
  'structured-data': string;
  /** mmpstrucdata's parse of the structured data (`$!` → `rfc5424-sd`): SD-ID → parameter (lower-cased) → value. */
  sd: Record<string, Record<string, string>> | undefined;
}

/** Every message rsyslog wrote so far. */
export function readReceived(env: RsyslogEnv): ReceivedSyslog[] {
  let text = '';
  try {
    text = readFileSync(env.messages, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parsed = JSON.parse(line) as Omit<ReceivedSyslog, 'sd'> & {
        '$!'?: { 'rfc5424-sd'?: Record<string, Record<string, string>> } | null;
      };
      return { ...parsed, sd: parsed['$!']?.['rfc5424-sd'] };
    });
}
