import { isRegistrySubtree } from '@certexit/core';
import { shownRegistryKey, shownRegistryValue } from '@certexit/engine';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { resolveRegistryPath } from '../registry-path';
import { defaultRegistryValue, editRegistryValue, formatRegistryValue } from '../registry-value-edit';

/** `getreg` and `setreg` over the registry-shaped configuration, like certutil. */
export function registerRegistryCommands(program: Command, cli: CliContext): void {
  program
    .command('getreg')
    .description('show configuration, like certutil -getreg (CA\\…, exit\\…, policy\\…)')
    .argument('[path]', 'key or value path', 'CA')
    .action((path: string) =>
      cli.withCa(async (ca) => {
        const full = resolveRegistryPath(ca, path);
        // Secrets (a process module's environment) are stored, never printed.
        const stored = ca.registry.getValue(full);
        if (stored !== undefined) {
          const value = shownRegistryValue(full, stored);
          cli.print({ path: full, value }, [formatRegistryValue(full.split('\\').at(-1)!, value)]);
          return;
        }
        const found = ca.registry.getKey(full);
        if (!found) throw new Error(`${full} does not exist`);
        const key = shownRegistryKey(full, found);
        cli.print({ path: full, key }, [
          `HKLM\\${full}:`,
          ...Object.entries(key).map(([k, v]) => (isRegistrySubtree(v) ? `  ${k}\\` : formatRegistryValue(k, v))),
        ]);
      }),
    );

  program
    .command('setreg')
    .description('change configuration, like certutil -setreg (+X/-X edit flags and lists)')
    .argument('<path>', 'value path, e.g. exit\\PublishCertFlags')
    .argument('<value>', 'number, text, a\\nb for a list, or +X / -X')
    // certutil's -X (clear a flag, remove an entry) is a value here, not an option.
    .allowUnknownOption()
    .action((path: string, input: string) =>
      cli.withCa(async (ca) => {
        const full = resolveRegistryPath(ca, path);
        const name = full.split('\\').at(-1)!;
        const old = ca.registry.getValue(full);
        // A +X/-X edit of a flag word the CA has never written starts from its AD CS default, not from 0.
        const base = old ?? defaultRegistryValue(ca, full);
        const next = editRegistryValue(base, input);
        ca.registry.setValue(full, next);
        const shownOld = old === undefined ? undefined : shownRegistryValue(full, old);
        const shown = shownRegistryValue(full, next);
        cli.print({ path: full, old: shownOld, value: shown }, [
          ...(shownOld !== undefined ? ['Old value:', formatRegistryValue(name, shownOld)] : []),
          'New value:',
          formatRegistryValue(name, shown),
          'The exit modules see it on their next read; restart the service for ExitModules\\Active changes.',
        ]);
      }),
    );
}
