import { readFile } from 'node:fs/promises';
import type { RegistryKey, RegistryValueDeclaration, RegistryValueType } from '@certexit/core';
import {
  declareRegistryValues,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
  EXITEVENT_STARTUP,
  readRegistryValue,
} from '@certexit/core';
import { MAIL_ERROR_CODES, MAIL_HRESULTS, MailError } from './mail-error';

/** The key under the module's configuration that holds the e-mail settings (`wszREGEXITSMTPKEY`). */
export const SMTP_KEY = 'SMTP';

/** `SMTPAuthenticate`: `0` anonymous (cdoAnonymous). */
export const SMTP_AUTH_ANONYMOUS = 0;
/** `SMTPAuthenticate`: `1` user name and password (cdoBasic; AUTH PLAIN/LOGIN over TLS). */
export const SMTP_AUTH_BASIC = 1;

/** The values the module reads from `SMTP\\` (`certexit getreg exit\\SMTP`): name, type, default and meaning. */
export const SMTP_VALUES = declareRegistryValues({
  SMTPServer: {
    type: 'REG_SZ',
    meaning: 'Host name of the SMTP server (it must match its certificate); no mail without it.',
  },
  SMTPPort: {
    type: 'REG_DWORD',
    default: 25,
    min: 1,
    max: 65535,
    meaning: '465: implicit TLS; anything else: STARTTLS.',
  },
  SMTPAuthenticate: {
    type: 'REG_DWORD',
    default: SMTP_AUTH_ANONYMOUS,
    meaning: '0 anonymous, 1 user name and password (2, NTLM, is treated as 1).',
  },
  SMTPUser: { type: 'REG_SZ', meaning: 'The AUTH user.' },
  SMTPPasswordFile: { type: 'REG_SZ', meaning: 'A file holding the SMTP password, read at each send.' },
  SMTPPasswordEnv: { type: 'REG_SZ', meaning: 'The name of an environment variable holding the SMTP password.' },
  SMTPStartTLS: {
    type: 'REG_DWORD',
    default: 1,
    max: 1,
    meaning: '1: STARTTLS is required and verified; 0: no TLS, and then no authentication.',
  },
  SMTPCAFile: {
    type: 'REG_SZ',
    meaning: "PEM of the CAs trusted for the server's certificate; the system CAs when not set.",
  },
  SMTPTimeoutMs: { type: 'REG_DWORD', default: 10_000, min: 1, meaning: 'Connect, greeting and socket timeout.' },
  EventFilter: {
    type: 'REG_DWORD',
    default: 0,
    flags: {
      EXITEVENT_CERTISSUED,
      EXITEVENT_CERTPENDING,
      EXITEVENT_CERTDENIED,
      EXITEVENT_CERTREVOKED,
      EXITEVENT_CERTRETRIEVEPENDING,
      EXITEVENT_CRLISSUED,
      EXITEVENT_SHUTDOWN,
      EXITEVENT_STARTUP,
      EXITEVENT_CERTIMPORTED,
    },
    meaning: 'The EXITEVENT_* bits that send mail (0: none).',
  },
});

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
  const v = SMTP_VALUES;
  const read = <T extends RegistryValueType>(declaration: RegistryValueDeclaration<T>) => {
    const { value, problem } = readRegistryValue(key, declaration);
    if (problem) warn(`SMTP\\${problem}: ignoring it`);
    return value;
  };
  const string = (declaration: RegistryValueDeclaration<'REG_SZ'>) => read(declaration)?.trim() || undefined;
  let authenticate = read(v.SMTPAuthenticate)!;
  if (authenticate > SMTP_AUTH_BASIC) {
    warn(`SMTP\\SMTPAuthenticate=${authenticate} (NTLM) is not supported; using 1 (user name and password)`);
    authenticate = SMTP_AUTH_BASIC;
  }
  return {
    server: string(v.SMTPServer),
    port: read(v.SMTPPort)!,
    authenticate,
    user: string(v.SMTPUser),
    passwordFile: string(v.SMTPPasswordFile),
    passwordEnv: string(v.SMTPPasswordEnv),
    startTLS: read(v.SMTPStartTLS) !== 0,
    caFile: string(v.SMTPCAFile),
    timeoutMs: read(v.SMTPTimeoutMs)!,
    eventFilter: read(v.EventFilter)!,
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
