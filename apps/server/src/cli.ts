#!/usr/bin/env node
// The Node.js check runs before anything else is loaded: static imports are hoisted, and on an older Node.js the
// engine's `node:sqlite` would fail to load ("No such built-in module") before a line of this file ran. So this
// entry imports only the check (the folder lookup and the sizing of `serve`), and the CLI dynamically once the
// check has passed.
import { fileURLToPath } from 'node:url';
import { invocationFolder, packageRootOf } from './cli/invocation-folder';
import { quietSqliteExperimentalWarning } from './cli/quiet-sqlite-warning';
import { sizeServeProcess } from './cli/serve-process-sizing';
import { unsupportedNodeMessage } from './cli/supported-node';

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exitCode = 1;
} else {
  // `serve` starts over once, sized for a long-running server, before anything else is loaded.
  sizeServeProcess();
  quietSqliteExperimentalWarning();
  // Relative paths resolve against the folder the command was typed in, also under `pnpm exec` and scripts.
  const folder = invocationFolder(packageRootOf(fileURLToPath(import.meta.url)));
  if (folder !== process.cwd()) process.chdir(folder);
  const { runCli } = await import('./cli/main');
  process.exitCode = await runCli(process.argv.slice(2));
}
