import { PROPTYPE_STRING } from '../constants/property-types';
import type { ICertServerExit } from '../interfaces/cert-server-exit';
import { readOptional } from '../server-exit/read-optional';

/**
 * The `EventID` of the notification being delivered (`<SanitizedCAName>/<n>`, the same on every retry and for every
 * module), read through the callback object set to its context; `undefined` outside a host delivery (a host that
 * has no outbox), when a module cannot deduplicate and simply acts.
 */
export async function readEventId(server: ICertServerExit): Promise<string | undefined> {
  const value = await readOptional(() => server.GetCertificateProperty('EventID', PROPTYPE_STRING));
  return typeof value === 'string' && value !== '' ? value : undefined;
}
