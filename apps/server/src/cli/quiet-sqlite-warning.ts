/**
 * Whether a warning is Node.js 22's "SQLite is an experimental feature" notice, which it prints on every start of a
 * process that loads `node:sqlite` (Node.js 24 no longer does). certexit pins the Node.js versions whose
 * `node:sqlite` it uses, so the notice tells its users nothing.
 */
export function isSqliteExperimentalWarning(warning: string | Error, type?: unknown): boolean {
  const message = typeof warning === 'string' ? warning : warning.message;
  const name = typeof warning === 'string' ? type : warning.name;
  return name === 'ExperimentalWarning' && /^SQLite is an experimental feature/.test(message);
}

/** Makes `process.emitWarning` drop {@link isSqliteExperimentalWarning} notices and pass every other warning on. */
export function quietSqliteExperimentalWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (warning: string | Error, ...rest: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { type?: unknown }).type : rest[0];
    if (!isSqliteExperimentalWarning(warning, type)) emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}
