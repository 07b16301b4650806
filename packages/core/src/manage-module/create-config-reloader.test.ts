import { describe, expect, it } from 'vitest';
import { EXITEVENT_CERTISSUED, EXITEVENT_CERTREVOKED, EXITEVENT_REQUESTS_AND_CRL } from '../constants/exit-events';
import type { Logger } from '../interfaces/logger';
import type { RegistryKey } from '../interfaces/registry-key';
import { createConfigReloader } from './create-config-reloader';

function recordingLogger(): { logger: Logger; warnings: [object, string | undefined][] } {
  const warnings: [object, string | undefined][] = [];
  const none = () => {};
  return { logger: { debug: none, info: none, error: none, warn: (o, m) => void warnings.push([o, m]) }, warnings };
}

/** The services the reloader uses: a key (only its path is read here) and the logger. */
function services(logger: Logger): { config: RegistryKey; logger: Logger } {
  return { config: { path: 'Key' } as RegistryKey, logger };
}

describe('createConfigReloader', () => {
  it('subscribes at initialize, logs notes, and warns when a reload asks for more events than that', () => {
    const { logger, warnings } = recordingLogger();
    let eventMask = EXITEVENT_CERTISSUED;
    const loads: [number, number | undefined][] = [];
    const config = createConfigReloader(services(logger), {
      read: (key) => ({ eventMask, notes: [`odd value under ${key.path}`] }),
      lateEventsMessage: 'restart to receive them',
      onLoad: (next, previous) => void loads.push([next.eventMask, previous?.eventMask]),
    });
    expect(config.loaded).toBeUndefined();
    expect(config.initialize().eventMask).toBe(EXITEVENT_CERTISSUED);
    expect(config.subscribed).toBe(EXITEVENT_CERTISSUED);
    expect(warnings).toEqual([[{ configPath: 'Key' }, 'odd value under Key']]);

    eventMask = EXITEVENT_CERTISSUED | EXITEVENT_CERTREVOKED;
    expect(config.load().eventMask).toBe(eventMask);
    expect(config.subscribed).toBe(EXITEVENT_CERTISSUED);
    expect(warnings.at(-1)).toEqual([{ events: ['EXITEVENT_CERTREVOKED'] }, 'restart to receive them']);
    expect(config.current()).toBe(config.loaded);

    // A new Initialize starts over: the wider mask is subscribed, and nothing is "late".
    warnings.length = 0;
    config.initialize();
    expect(config.subscribed).toBe(eventMask);
    expect(warnings).toEqual([[{ configPath: 'Key' }, 'odd value under Key']]);
    expect(loads).toEqual([
      [EXITEVENT_CERTISSUED, undefined],
      [eventMask, EXITEVENT_CERTISSUED],
      [eventMask, undefined],
    ]);
  });

  it('reads on the first current() when Initialize never ran', () => {
    const config = createConfigReloader(services(recordingLogger().logger), {
      read: () => ({ eventMask: EXITEVENT_REQUESTS_AND_CRL, notes: [] }),
      lateEventsMessage: 'late',
    });
    expect(config.current().eventMask).toBe(0x23f);
    expect(config.subscribed).toBe(0);
  });
});
