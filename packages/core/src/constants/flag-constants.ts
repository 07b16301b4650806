import * as crlFlags from './crl-flags';
import * as editFlags from './edit-flags';
import * as exitEvents from './exit-events';
import * as publication from './publication';
import * as templateFlags from './template-flags';

const _families = { ...crlFlags, ...editFlags, ...exitEvents, ...publication, ...templateFlags } as Record<
  string,
  unknown
>;

/**
 * The single-bit constants of one flag family by name, `flagConstants('EDITF_')` → `{ EDITF_ENABLEREQUESTEXTENSIONS:
 * 1, … }`: what a registry catalogue gives a DWORD of flags, so `setreg +X` takes the names and `getreg` shows them.
 * Combinations (`EDITF_DEFAULT_ENTERPRISE`) are left out.
 */
export function flagConstants(prefix: string): Readonly<Record<string, number>> {
  return Object.fromEntries(
    Object.entries(_families).filter(
      (entry): entry is [string, number] =>
        entry[0].startsWith(prefix) &&
        typeof entry[1] === 'number' &&
        entry[1] > 0 &&
        (entry[1] & (entry[1] - 1)) === 0,
    ),
  );
}
