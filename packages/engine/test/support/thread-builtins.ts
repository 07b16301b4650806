import type { PropertyValue } from '@certexit/core';
import type { SeenEvent } from './recording-module';
import { recordingModule } from './recording-module';

/** What the module below saw: the runner test runs the exit-module thread's side on its own thread, so it can look. */
export const threadSeen: SeenEvent[] = [];

/** The built-in modules of the runner test (what `runExitHostThread` imports by URL). */
export function builtinExitModules() {
  return {
    'Thread_Recording.Exit': recordingModule({
      progId: 'Thread_Recording.Exit',
      seen: threadSeen,
      reads: async (server, event): Promise<Record<string, PropertyValue>> =>
        event === 0x40 ? {} : { RequestID: await server.GetRequestProperty('RequestID', 1) },
    }),
  };
}
