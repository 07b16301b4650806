import type { ExitModuleFactoryV1, ICertServerExit, PropertyValue } from '@certexit/core';
import { CertexitError, EXITEVENT_ALL_DEFINED, EXITEVENT_STARTUP } from '@certexit/core';

/** One Notify as a test module saw it, with what it read through ICertServerExit. */
export interface SeenEvent {
  event: number;
  context: number;
  reads: Record<string, PropertyValue | string>;
}

/**
 * A module for engine tests: it subscribes to everything, reads the named properties on every event (recording
 * the HRESULT name of failures) and can be told to fail or hang.
 */
export function recordingModule(options: {
  progId: string;
  seen: SeenEvent[];
  reads?: (server: ICertServerExit, event: number) => Promise<Record<string, PropertyValue | string>>;
  behaviour?: 'ok' | 'throw' | 'hang' | 'fail-initialize';
}): ExitModuleFactoryV1 {
  return {
    specificationVersion: 'v1',
    progId: options.progId,
    version: '0.0.0',
    create: (services) => ({
      Initialize: () => {
        if (options.behaviour === 'fail-initialize') throw new Error('cannot start');
        return EXITEVENT_ALL_DEFINED & ~EXITEVENT_STARTUP;
      },
      GetDescription: () => `Recording ${options.progId}`,
      async Notify(event: number, context: number) {
        if (options.behaviour === 'hang') return new Promise<void>(() => {});
        const server = services.createServerExit();
        await server.SetContext(context);
        const reads = options.reads ? await options.reads(server, event) : {};
        options.seen.push({ event, context, reads });
        if (options.behaviour === 'throw') throw new Error('module failure');
      },
    }),
  };
}

/** Reads a property, answering the HRESULT's name instead of throwing. */
export async function readOrError(read: () => PropertyValue | Promise<PropertyValue>): Promise<PropertyValue | string> {
  try {
    return await read();
  } catch (error) {
    return `error:${(CertexitError.hresultOf(error) >>> 0).toString(16)}`;
  }
}
