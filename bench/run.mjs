// Runs every benchmark under bench/ (files named *.bench.mjs), one after another in its own process so they do not
// disturb each other, and passes their output through. Each ends with `bench <name>: ratio <x> (target >= <y>)`.
// Exits 0 even when a target is missed: the ratios are measurements, read by people, never timed assertions.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', `${here}${file}`], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`bench ${file}: did not complete (exit ${run.status})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
