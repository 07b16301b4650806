import { describe, expect, it } from 'vitest';
import {
  SERVE_MALLOC_ARENAS,
  SERVE_MAX_OLD_SPACE_MB,
  SERVE_SEMI_SPACE_MB,
  serveProcessSizing,
} from './serve-process-sizing';

describe('serveProcessSizing', () => {
  const env = { PATH: '/usr/bin', CERTEXIT_DIR: '/srv/ca' };

  it('sizes serve, wherever its global options put the command word, and keeps the environment', () => {
    for (const args of [['serve'], ['--dir', '/srv/ca', '--json', 'serve', '--listen', '0.0.0.0:8443']]) {
      expect(serveProcessSizing(args, [], env)).toEqual({
        execArgv: [`--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`, `--max-old-space-size=${SERVE_MAX_OLD_SPACE_MB}`],
        env: { ...env, MALLOC_ARENA_MAX: String(SERVE_MALLOC_ARENAS) },
      });
    }
    // The process's own V8 flags stay, after the sizing (a later flag wins, so the operator's would).
    expect(serveProcessSizing(['serve'], ['--enable-source-maps'], env)?.execArgv).toEqual([
      `--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`,
      `--max-old-space-size=${SERVE_MAX_OLD_SPACE_MB}`,
      '--enable-source-maps',
    ]);
  });

  it('leaves every other command alone, including a folder named serve', () => {
    expect(serveProcessSizing(['setup', '--name', 'serve'], [], env)).toBeUndefined();
    expect(serveProcessSizing(['--dir', 'serve', 'caller', 'list'], [], env)).toBeUndefined();
    expect(serveProcessSizing(['--json'], [], env)).toBeUndefined();
    expect(serveProcessSizing([], [], env)).toBeUndefined();
  });

  it("keeps the operator's choices and does not start over once sized", () => {
    const chosen = serveProcessSizing(['serve'], ['--max-semi-space-size=16'], env);
    expect(chosen?.execArgv).toEqual([`--max-old-space-size=${SERVE_MAX_OLD_SPACE_MB}`, '--max-semi-space-size=16']);
    expect(chosen?.env.MALLOC_ARENA_MAX).toBe(String(SERVE_MALLOC_ARENAS));
    const fromNodeOptions = serveProcessSizing(['serve'], [], {
      ...env,
      NODE_OPTIONS: '--max_semi_space_size=8 --max-old-space-size=4096',
    });
    expect(fromNodeOptions?.execArgv).toEqual([]);
    expect(serveProcessSizing(['serve'], ['--max-old-space-size=2048'], env)?.execArgv).toEqual([
      `--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`,
      '--max-old-space-size=2048',
    ]);
    expect(serveProcessSizing(['serve'], [], { ...env, MALLOC_ARENA_MAX: '4' })?.env.MALLOC_ARENA_MAX).toBe('4');
    // What the first start-over gives is complete: no second one.
    const sized = serveProcessSizing(['serve'], [], env)!;
    expect(serveProcessSizing(['serve'], sized.execArgv, sized.env)).toBeUndefined();
  });
});
