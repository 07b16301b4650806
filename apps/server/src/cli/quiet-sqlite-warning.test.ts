import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSqliteExperimentalWarning, quietSqliteExperimentalWarning } from './quiet-sqlite-warning';

const original = process.emitWarning;
afterEach(() => {
  process.emitWarning = original;
});

describe('the SQLite experimental notice', () => {
  it('is recognised as Node.js 22 emits it, and nothing else is', () => {
    const notice = 'SQLite is an experimental feature and might change at any time';
    expect(isSqliteExperimentalWarning(notice, 'ExperimentalWarning')).toBe(true);
    expect(isSqliteExperimentalWarning(notice, 'DeprecationWarning')).toBe(false);
    expect(isSqliteExperimentalWarning('The Fetch API is an experimental feature.', 'ExperimentalWarning')).toBe(false);
    const error = Object.assign(new Error(notice), { name: 'ExperimentalWarning' });
    expect(isSqliteExperimentalWarning(error)).toBe(true);
  });

  it('is dropped while every other warning still reaches process.emitWarning', () => {
    const emitted = vi.fn();
    process.emitWarning = emitted as unknown as typeof process.emitWarning;
    quietSqliteExperimentalWarning();
    process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
    process.emitWarning('SQLite is an experimental feature and might change at any time', {
      type: 'ExperimentalWarning',
    });
    process.emitWarning('something else', 'DeprecationWarning', 'DEP0999');
    expect(emitted.mock.calls).toEqual([['something else', 'DeprecationWarning', 'DEP0999']]);
  });
});
