/**
 * The Node.js versions certexit runs on, as in every package's `engines.node`: the engine's store needs `node:sqlite`
 * without a flag (22.13 / 23.4) and `StatementSync#setReturnArrays` (22.16 / 24.0; no Node.js 23 release has it).
 */
export const SUPPORTED_NODE_RANGE = '^22.16.0 || >=24';

/**
 * The one line `certexit` prints before exiting on a Node.js outside {@link SUPPORTED_NODE_RANGE}, or `undefined`
 * when `version` (as in `process.versions.node`) is supported. Imports nothing: the entry point runs it first.
 */
export function unsupportedNodeMessage(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (major >= 24 || (major === 22 && minor >= 16)) return undefined;
  return `certexit needs Node.js ${SUPPORTED_NODE_RANGE} (this is Node.js ${version}); install Node.js 24 or later`;
}
