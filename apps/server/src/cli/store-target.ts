import type { CaStoreSettings } from '@certexit/engine';
import { redactConnection } from '@certexit/engine';
import type { Command } from 'commander';
import { positiveInt } from './request-outcome-output';
import { shellWord } from './shell-word';

/** The options naming a PostgreSQL store (`setup --store`, `store migrate --to`). */
export interface StoreTargetOptions {
  schema?: string;
  passwordFile?: string;
  passwordEnv?: string;
  tlsCa?: string;
  poolSize?: string;
  statementTimeoutMs?: string;
  synchronousCommit?: string;
}

/** Adds the options of {@link StoreTargetOptions} to a command. */
export function addStoreTargetOptions(command: Command): Command {
  return command
    .option('--schema <name>', 'the PostgreSQL schema for the CA (several CAs can share a database)', 'certexit')
    .option('--password-file <file>', "a file holding the database user's password (its first line)")
    .option('--password-env <name>', "an environment variable holding the database user's password")
    .option('--tls-ca <file>', "the CA certificate(s) the database server's TLS certificate must chain to")
    .option('--pool-size <n>', 'connections per engine process')
    .option('--statement-timeout-ms <n>', 'cancel statements running longer than this')
    .option(
      '--synchronous-commit <mode>',
      "PostgreSQL's synchronous_commit for the CA (off: the embedded store's durability; on, remote_apply: wait for the flush or the standby)",
    );
}

/**
 * The store settings of `target` (`sqlite`, or a `postgres://` URL without a password) and the options; the
 * password is named (a file or a variable), never given, and a URL holding one is refused.
 */
export function storeTarget(target: string, o: StoreTargetOptions): CaStoreSettings {
  if (target.toLowerCase() === 'sqlite') {
    if (o.passwordFile || o.passwordEnv || o.tlsCa)
      throw new Error('--password-file, --password-env and --tls-ca go with a postgres:// store');
    return { kind: 'sqlite' };
  }
  if (!/^postgres(ql)?:\/\//i.test(target))
    throw new Error(`the store ${redactConnection(target)} is neither a postgres:// URL nor sqlite`);
  if (o.passwordFile && o.passwordEnv) throw new Error('give --password-file or --password-env, not both');
  return {
    kind: 'postgres',
    connection: target,
    ...(o.schema && { schema: o.schema }),
    ...(o.passwordFile && { passwordFile: o.passwordFile }),
    ...(o.passwordEnv && { passwordEnv: o.passwordEnv }),
    ...(o.tlsCa && { tlsCaFile: o.tlsCa }),
    ...(o.poolSize && { poolSize: positiveInt(o.poolSize, '--pool-size') }),
    ...(o.statementTimeoutMs && { statementTimeoutMs: positiveInt(o.statementTimeoutMs, '--statement-timeout-ms') }),
    ...(o.synchronousCommit && { synchronousCommit: o.synchronousCommit as CaStoreSettings['synchronousCommit'] }),
  };
}

/**
 * The inverse of {@link storeTarget}: the `--to` and options naming these settings, as a shell line for a message
 * (`store migrate --to postgres://… --schema …`). Never a password: the settings only name where it is.
 */
export function storeTargetCommandLine(settings: CaStoreSettings): string {
  if (settings.kind.toLowerCase() === 'sqlite' || !settings.connection) return '--to sqlite';
  const options: Array<[string, string | number | undefined]> = [
    ['--to', redactConnection(settings.connection)],
    ['--schema', settings.schema],
    ['--password-file', settings.passwordFile],
    ['--password-env', settings.passwordEnv],
    ['--tls-ca', settings.tlsCaFile],
    ['--pool-size', settings.poolSize],
    ['--statement-timeout-ms', settings.statementTimeoutMs],
    ['--synchronous-commit', settings.synchronousCommit],
  ];
  return options
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} ${shellWord(String(value))}`)
    .join(' ');
}
