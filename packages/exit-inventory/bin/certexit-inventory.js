#!/usr/bin/env node
// certexit-inventory: export the inventory (a snapshot, or what changed since a cursor), list the certificates about
// to expire, send the expiry report once (for cron). See the package README.
// Node.js 22 prints "SQLite is an experimental feature" on loading node:sqlite: drop that one notice, then load.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const message = typeof warning === 'string' ? warning : warning.message;
  if (!/^SQLite is an experimental feature/.test(message)) emitWarning(warning, ...rest);
};
const { runInventoryCli } = await import('../dist/index.js');
process.exitCode = await runInventoryCli(process.argv.slice(2));
