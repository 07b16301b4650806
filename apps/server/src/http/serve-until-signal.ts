import type { Logger } from '@certexit/core';
import type { RunningServer } from './start-server';

/** What delivers stop signals: the process, or an emitter in tests. */
export interface SignalSource {
  once(event: NodeJS.Signals, listener: () => void): unknown;
  off(event: NodeJS.Signals, listener: () => void): unknown;
}

/** The signals that stop `certexit serve`, as service managers send them (systemd, Docker, Ctrl+C). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Runs until SIGINT or SIGTERM, then stops the server cleanly ({@link RunningServer.close}: requests in flight
 * finish, the exit modules get `EXITEVENT_SHUTDOWN`). Resolves with the signal once everything has stopped; also
 * resolves if the server is closed some other way.
 */
export async function serveUntilSignal(
  server: RunningServer,
  options: { signals?: SignalSource; logger?: Logger } = {},
): Promise<NodeJS.Signals | undefined> {
  const source = options.signals ?? process;
  let received: NodeJS.Signals | undefined;
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => {
      received = signal;
      options.logger?.info({ signal }, 'stop signal received');
      void server.close();
    };
    source.once(signal, listener);
    return [signal, listener] as const;
  });
  try {
    await server.closed;
  } finally {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  }
  return received;
}
