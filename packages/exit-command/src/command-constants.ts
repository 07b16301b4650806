import { EXITEVENT_REQUESTS_AND_CRL } from '@certexit/core';

/** The command module's ProgID. */
export const COMMAND_PROGID = 'CertExit_Command.Exit';

/** What `GetDescription` returns. */
export const COMMAND_DESCRIPTION = 'certexit command (runs a program per event)';

/**
 * The events it runs the program for by default: every request event and CRL issuance (`0x23F`). `EventMask` can
 * narrow it, or add `EXITEVENT_SHUTDOWN` (`0x40`).
 */
export const COMMAND_DEFAULT_EVENT_MASK = EXITEVENT_REQUESTS_AND_CRL;

/** `EX_TEMPFAIL` (sysexits.h): "temporary failure, try again later", the default transient exit code. */
export const EX_TEMPFAIL = 75;

/** The `PATH` the program gets unless `Environment` sets one: enough for `#!/usr/bin/env sh`. */
export const COMMAND_DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';
