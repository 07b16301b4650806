import { readFile } from 'node:fs/promises';
import type { RegistryKey } from '@certexit/core';
import { MAIL_ERROR_CODES, MAIL_HRESULTS, MailError } from './mail-error';

/** The key under the module's configuration that holds the e-mail settings (`wszREGEXITSMTPKEY`). */
export const SMTP_KEY = 'SMTP';

/** The values the module reads from `SMTP\`. */
export const SMTP_VALUE_NAMES = {
  SMTPServer: 'SMTPServer',
  SMTPPort: 'SMTPPort',
  SMTPAuthenticate: 'SMTPAuthenticate',
  SMTPUser: 'SMTPUser',
  SMTPPasswordFile: 'SMTPPasswordFile',
  SMTPPasswordEnv: 'SMTPPasswordEnv',
  SMTPStartTLS: 'SMTPStartTLS',
  SMTPCAFile: 'SMTPCAFile',
  SMTPTimeoutMs: 'SMTPTimeoutMs',
  EventFilter: 'EventFilter',
} as const;

/** `SMTPAuthenticate`: `0` anonymous (cdoAnonymous). */
export const SMTP_AUTH_ANONYMOUS = 0;
/** `SMTPAuthenticate`: `1` user name and password (cdoBasic; AUTH PLAIN/LOGIN over TLS). */
export const SMTP_AUTH_BASIC = 1;

/** Where and how mail is sent. Holds no secret: the password is read when a mail is sent. */
export interface SmtpSettings {
  /** `SMTPServer`; without it no mail is sent. */
  readonly server: string | undefined;
  /** `SMTPPort`. @default 25 */
  readonly port: number;
  /** `SMTPAuthenticate`: 0 anonymous, 1 basic. */
  readonly authenticate: number;
  readonly user: string | undefined;
  readonly passwordFile: string | undefined;
  readonly passwordEnv: string | undefined;
  /** `SMTPStartTLS`: 1 (default) requires STARTTLS, 0 sends in clear (only without authentication). */
  readonly startTLS: boolean;
  /** `SMTPCAFile`: PEM of the CAs trusted for the server's certificate; the system CAs when absent. */
  readonly caFile: string | undefined;
  readonly timeoutMs: number;
  /** `EventFilter`: the `EXITEVENT_*` bits that produce mail. @default 0 (no mail) */
  readonly eventFilter: number;
}

/** Reads `SMTP\` of the module's configuration; unusable values are reported through `warn` and ignored. */
export function readSmtpSettings(config: RegistryKey, warn: (message: string) => void = () => undefined): SmtpSettings {
  const key = config.openSubKey(SMTP_KEY);
  const n = SMTP_VALUE_NAMES;
  const dword = (name: string): number | undefined => {
    const value = key.getValue(name);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isInteger(value)) return value >>> 0;
    if (typeof value === 'string' && /^\s*(0x[0-9a-f]+|\d+)\s*$/i.test(value)) return Number(value.trim()) >>> 0;
    warn(`SMTP\\${name}: ignoring a value that is not a REG_DWORD`);
    return undefined;
  };
  const string = (name: string): string | undefined => {
    const value = key.getValue(name);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value.trim() || undefined;
    warn(`SMTP\\${name}: ignoring a value that is not a REG_SZ`);
    return undefined;
  };
  let authenticate = dword(n.SMTPAuthenticate) ?? SMTP_AUTH_ANONYMOUS;
  if (authenticate > SMTP_AUTH_BASIC) {
    warn(`SMTP\\SMTPAuthenticate=${authenticate} (NTLM) is not supported; using 1 (user name and password)`);
    authenticate = SMTP_AUTH_BASIC;
  }
  return {
    server: string(n.SMTPServer),
    port: dword(n.SMTPPort) || 25,
    authenticate,
    user: string(n.SMTPUser),
    passwordFile: string(n.SMTPPasswordFile),
    passwordEnv: string(n.SMTPPasswordEnv),
    startTLS: (dword(n.SMTPStartTLS) ?? 1) !== 0,
    caFile: string(n.SMTPCAFile),
    timeoutMs: dword(n.SMTPTimeoutMs) || 10_000,
    eventFilter: dword(n.EventFilter) ?? 0,
  };
}

/** The settings as log fields: where the password comes from, never the password. */
export function describeSmtpSettings(smtp: SmtpSettings): Record<string, unknown> {
  return {
    smtpServer: smtp.server ?? null,
    smtpPort: smtp.port,
    smtpAuthenticate: smtp.authenticate,
    smtpUser: smtp.user ?? null,
    smtpPassword: smtp.passwordFile
      ? `file ${smtp.passwordFile}`
      : smtp.passwordEnv
        ? `environment variable ${smtp.passwordEnv}`
        : null,
    smtpStartTLS: smtp.startTLS,
    smtpCAFile: smtp.caFile ?? null,
    eventFilter: `0x${smtp.eventFilter.toString(16)}`,
  };
}

/**
 * The SMTP credentials for `SMTPAuthenticate=1`: `SMTPUser` and the password from `SMTPPasswordFile` (one trailing
 * newline removed) or the environment variable named by `SMTPPasswordEnv`, read at each send.
 * @returns `undefined` for anonymous sending.
 * @throws a {@link MailError} `CONFIGURATION` when authentication is asked for without usable credentials.
 */
export async function resolveSmtpCredentials(
  smtp: SmtpSettings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ user: string; pass: string } | undefined> {
  if (smtp.authenticate === SMTP_AUTH_ANONYMOUS) return undefined;
  const fail = (message: string, cause?: unknown) =>
    new MailError({ code: MAIL_ERROR_CODES.CONFIGURATION, hresult: MAIL_HRESULTS.BAD_CONFIGURATION, message, cause });
  if (!smtp.user) throw fail('SMTPAuthenticate=1 but SMTP\\SMTPUser is not set');
  let pass: string | undefined;
  if (smtp.passwordFile) {
    try {
      pass = (await readFile(smtp.passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw fail(`cannot read SMTP\\SMTPPasswordFile ${smtp.passwordFile}: ${(error as Error).message}`, error);
    }
  } else if (smtp.passwordEnv) {
    pass = env[smtp.passwordEnv];
    if (pass === undefined) throw fail(`SMTP\\SMTPPasswordEnv names ${smtp.passwordEnv}, which is not set`);
  } else {
    throw fail('SMTPAuthenticate=1 but neither SMTP\\SMTPPasswordFile nor SMTP\\SMTPPasswordEnv is set');
  }
  if (pass === '') throw fail('the SMTP password is empty');
  if (!smtp.startTLS) throw fail('refusing to send the SMTP password without STARTTLS (SMTPStartTLS=0)');
  return { user: smtp.user, pass };
}
