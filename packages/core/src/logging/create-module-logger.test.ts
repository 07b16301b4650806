import { describe, expect, it } from 'vitest';
import type { Logger } from '../interfaces/logger';
import { createModuleLogger } from './create-module-logger';

describe('createModuleLogger', () => {
  it("keeps a module's fields under `fields`: they can never stand for the host's", () => {
    const records: Array<{ level: string; obj: object; msg?: string }> = [];
    const host: Logger = {
      debug: (obj, msg) => records.push({ level: 'debug', obj, msg }),
      info: (obj, msg) => records.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => records.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => records.push({ level: 'error', obj, msg }),
    };
    const logger = createModuleLogger(host, { module: 'X.Exit' });
    logger.error({ eventId: 46, level: 60, time: 0, msg: 'forged', module: 'Other.Exit', err: new Error('e') }, 'hi');
    logger.info({}, 'empty');
    (logger.warn as unknown as (m: string) => void)('bare text');
    expect(records[0]).toMatchObject({
      level: 'error',
      msg: 'hi',
      obj: {
        module: 'X.Exit',
        fields: { eventId: 46, level: 60, time: 0, msg: 'forged', module: 'Other.Exit', err: { message: 'e' } },
      },
    });
    expect(Object.keys(records[0]!.obj)).toEqual(['module', 'fields']);
    expect(records[1]!.obj).toEqual({ module: 'X.Exit' });
    expect(records[2]).toEqual({ level: 'warn', obj: { module: 'X.Exit' }, msg: 'bare text' });
  });
});
