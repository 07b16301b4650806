import type { Logger } from '@certexit/core';
import { exitEventName, formatHResult, hresultName } from '@certexit/core';

/**
 * AD CS's event 46 (`MSG_E_EXIT_ERROR`): an exit module method returned an error. Same fields as on Windows:
 * the module's description, the method, the status code and the error text; the request's outcome is unchanged.
 */
export function logExitModuleError(
  logger: Logger,
  entry: {
    progId: string;
    description: string;
    method: string;
    hresult: number;
    error: Error;
    event?: number;
    context?: number;
  },
): void {
  logger.error(
    {
      eventId: 46,
      module: entry.progId,
      description: entry.description,
      method: entry.method,
      hresult: formatHResult(entry.hresult),
      status: hresultName(entry.hresult),
      ...(entry.event !== undefined && { event: exitEventName(entry.event), context: entry.context }),
      err: { message: entry.error.message },
    },
    `The "${entry.description}" Exit Module "${entry.method}" method returned an error. ${entry.error.message}`,
  );
}
