import {
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTIMPORTED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXITEVENT_CERTRETRIEVEPENDING,
  EXITEVENT_CERTREVOKED,
  EXITEVENT_CRLISSUED,
  EXITEVENT_SHUTDOWN,
} from '../constants/exit-events';

/**
 * The handler name of each exit event in `defineExitModule({ events })`, with its `EXITEVENT_*` bit.
 * (`EXITEVENT_STARTUP` is never sent by a host: do start-up work in `initialize`.)
 */
export const EXIT_EVENT_BITS = {
  issued: EXITEVENT_CERTISSUED,
  pending: EXITEVENT_CERTPENDING,
  denied: EXITEVENT_CERTDENIED,
  revoked: EXITEVENT_CERTREVOKED,
  retrievePending: EXITEVENT_CERTRETRIEVEPENDING,
  crlIssued: EXITEVENT_CRLISSUED,
  shutdown: EXITEVENT_SHUTDOWN,
  imported: EXITEVENT_CERTIMPORTED,
} as const;

/** `issued`, `pending`, `denied`, `revoked`, `retrievePending`, `crlIssued`, `shutdown`, `imported`. */
export type ExitEventName = keyof typeof EXIT_EVENT_BITS;

/** The events whose context is a request row (the others are CA scope). */
export type RequestExitEventName = Exclude<ExitEventName, 'crlIssued' | 'shutdown'>;

/**
 * The handler name of one `EXITEVENT_*` bit, `undefined` for anything else (0, several bits, unknown bits).
 * @example exitEventHandlerName(0x1) // 'issued'
 */
export function exitEventHandlerName(event: number): ExitEventName | undefined {
  const bit = event >>> 0;
  for (const [name, value] of Object.entries(EXIT_EVENT_BITS)) if (value === bit) return name as ExitEventName;
  return undefined;
}
