import type { ExitSettingsOf } from '@certexit/core';
import { setting } from '@certexit/core';
import { COMMAND_DEFAULT_EVENT_MASK, EX_TEMPFAIL } from './command-constants';

const _exitCodes = (values: readonly string[]) =>
  values.every((v) => /^\d{1,3}$/.test(v) && Number(v) <= 255)
    ? undefined
    : `must list exit codes 0-255, one per line (got ${JSON.stringify(values)})`;

const _environment = (values: readonly string[]) => {
  const bad = values.find((v) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(v));
  return bad === undefined ? undefined : `must list NAME=VALUE lines; ${JSON.stringify(bad.split('=')[0])} is not one`;
};

/**
 * The command module's values under `…\ExitModules\CertExit_Command.Exit`. Only `Program` is required.
 */
export const commandSettings = {
  /** REG_SZ: the program, an absolute path (no shell, no `PATH` lookup). */
  program: setting.path('Program', { required: true, description: 'the program to run, an absolute path' }),
  /**
   * REG_MULTI_SZ: its arguments, one per line; `{eventFile}`, `{event}`, `{eventId}`, `{requestId}` and
   * `{serialNumber}` are replaced (empty when the event has none).
   */
  arguments: setting.multiString('Arguments', { description: 'arguments, one per line, with {tokens}' }),
  /** REG_MULTI_SZ: `NAME=VALUE` lines added to the program's environment (which inherits nothing from the host). */
  environment: setting.multiString('Environment', { validate: _environment, secret: true }),
  /** REG_SZ: the working directory. Default: the private folder holding the event file. */
  workingDirectory: setting.path('WorkingDirectory'),
  /** REG_DWORD: the events to run it for, within every event but startup. Default `0x23F`. */
  eventMask: setting.dword('EventMask', { default: COMMAND_DEFAULT_EVENT_MASK }),
  /** REG_DWORD: killed with its process group after this many milliseconds (keep it below the host's NotifyTimeoutMs, 30 s). */
  timeoutMs: setting.dword('TimeoutMs', { default: 20_000, min: 100, max: 3_600_000 }),
  /** REG_DWORD: bytes kept of stdout and of stderr each (the last ones), for the log. */
  maxOutputBytes: setting.dword('MaxOutputBytes', { default: 65_536, max: 16 * 1024 * 1024 }),
  /** REG_MULTI_SZ: exit codes that mean success. */
  successExitCodes: setting.multiString('SuccessExitCodes', { default: ['0'], validate: _exitCodes }),
  /** REG_MULTI_SZ: exit codes that mean "try again later" (retried by the host); every other code is permanent. */
  transientExitCodes: setting.multiString('TransientExitCodes', {
    default: [String(EX_TEMPFAIL)],
    validate: _exitCodes,
  }),
  /** REG_DWORD: include the certificate (and CRLs) in the event file. */
  includeCertificate: setting.flag('IncludeCertificate', { default: true }),
  /**
   * REG_DWORD: run at most once per event, even across an operator's replay and a crash in the middle of a run (for
   * programs that must not run twice). Default 0: once per delivery, repeated when a run was cut short.
   */
  atMostOnce: setting.flag('AtMostOnce', { default: false }),
};

/** The settings in effect. */
export type CommandSettings = ExitSettingsOf<typeof commandSettings>;
