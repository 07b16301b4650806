import { isAbsolute, resolve } from 'node:path';
import { exitEventMaskNames } from '@certexit/core';
import { dropExitQueueItem, exitQueueReport, ModuleRegistrations, retryExitQueue } from '@certexit/engine';
import type { Command } from 'commander';
import { builtinExitModules } from '../../builtin-exit-modules';
import type { CliContext } from '../cli-context';

/**
 * `module register|unregister|list`: regsvr32 and the snap-in's Exit Module tab; `module queue|retry|drop`: the
 * exit outbox (notifications waiting, in backoff or dead-lettered), which a running server picks up changes of.
 */
export function registerModuleCommands(program: Command, cli: CliContext): void {
  const module = program.command('module').description('register, list and remove exit modules; see their queue');
  module
    .command('register')
    .argument('<ProgID>', 'e.g. Contoso_Inventory.Exit')
    .argument('<package-or-path>', 'an npm package name or a JS file; with --process, the program to run')
    .option('--inactive', 'register without adding to ExitModules\\Active')
    .option('--process', 'run the module as its own process (any language) over the automation wire protocol')
    .option(
      '--arg <value>',
      'an argument of the process (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .option(
      '--env <NAME=VALUE>',
      'a variable of the process environment, its only one (repeatable)',
      (v: string, p: string[]) => [...p, v],
      [] as string[],
    )
    .action(
      (progId: string, source: string, o: { inactive?: boolean; process?: boolean; arg: string[]; env: string[] }) =>
        cli.withCa(async (ca) => {
          const registrations = new ModuleRegistrations(ca.registry, ca.sanitizedName);
          const stored = source.startsWith('.') || isAbsolute(source) ? resolve(source) : source;
          if (o.process) {
            registrations.registerProcess(progId, stored, o.arg, { activate: !o.inactive });
            for (const pair of o.env) {
              const eq = pair.indexOf('=');
              if (eq <= 0) throw new Error(`--env ${JSON.stringify(pair)} is not NAME=VALUE`);
              registrations.setEnvironment(progId, pair.slice(0, eq), pair.slice(eq + 1));
            }
          } else {
            if (o.arg.length > 0 || o.env.length > 0) throw new Error('--arg and --env go with --process');
            registrations.register(progId, stored, { activate: !o.inactive });
          }
          // The environment's values may be credentials: the output names the variables only.
          cli.print(
            {
              progId,
              source: stored,
              process: Boolean(o.process),
              args: o.arg,
              environment: o.env.map((p) => p.split('=')[0]),
              active: !o.inactive,
            },
            [
              `${progId} registered (${o.process ? 'process: ' : ''}${stored})${o.inactive ? '' : ' and added to ExitModules\\Active'}; restart the service to load it`,
            ],
          );
        }),
    );
  module
    .command('unregister')
    .argument('<ProgID>')
    .action((progId: string) =>
      cli.withCa(async (ca) => {
        const removed = new ModuleRegistrations(ca.registry, ca.sanitizedName).unregister(progId);
        cli.print({ progId, removed }, [
          removed ? `${progId} unregistered` : `${progId} was not registered; removed from Active if it was there`,
        ]);
      }),
    );
  module
    .command('queue')
    .description('the exit outbox: counts by module, status and age; each open or dead item with its last error')
    .argument('[ProgID]', 'only this module')
    .option('--limit <n>', 'items to list', '100')
    .action((progId: string | undefined, o: { limit: string }) =>
      cli.withCa(async (ca) => {
        const report = await exitQueueReport(ca.store.outbox, { progId, limit: Number(o.limit) || 100 });
        cli.print(report, [
          ...(report.counts.length === 0 ? ['the exit outbox is empty'] : []),
          ...report.counts.map((c) => `${c.progId}  ${c.status}  ${c.age}  ${c.count}`),
          ...report.items.map(
            (i) =>
              `#${i.id}  ${i.module}  ${i.event} context ${i.context}  ${i.status}  attempts ${i.attempts}` +
              (i.lastHresult ? `  ${i.lastHresult}: ${i.lastError ?? ''}` : ''),
          ),
        ]);
      }),
    );
  module
    .command('retry')
    .description('deliver again now: one item by id, or every dead and pending item of a module (attempts reset)')
    .argument('<id|ProgID>')
    .action((target: string) =>
      cli.withCa(async (ca) => {
        const retried = await retryExitQueue(ca.store.outbox, target);
        cli.print({ target, retried }, [`${retried} notification(s) due again`]);
      }),
    );
  module
    .command('drop')
    .description('remove one item from the exit outbox (never delivered again)')
    .argument('<id>')
    .action((id: string) =>
      cli.withCa(async (ca) => {
        const result = await dropExitQueueItem(ca.store.outbox, Number(id));
        if (!result.dropped) throw new Error(result.reason ?? `item ${id} was not dropped`);
        cli.print({ id: Number(id), dropped: true }, [`item ${id} dropped`]);
      }),
    );
  module
    .command('list')
    .description('registered and active modules; with --load, also what each answers to Initialize')
    .option('--load', 'load the active modules and show description and events')
    .action(async (o: { load?: boolean }) => {
      if (o.load) {
        await cli.withEngine(async (a) => {
          const rows = a.modules.map((m) => ({
            progId: m.progId,
            binding: m.binding,
            description: m.description,
            events: exitEventMaskNames(m.mask),
          }));
          cli.print(
            { modules: rows },
            rows.map(
              (r) => `${r.progId}  [${r.binding}]  "${r.description}"  ${r.events.join('|') || 'EXITEVENT_INVALID'}`,
            ),
          );
        });
        return;
      }
      await cli.withCa(async (ca) => {
        const rows = new ModuleRegistrations(ca.registry, ca.sanitizedName).list(Object.keys(builtinExitModules()));
        cli.print({ modules: rows }, [
          ...rows.map((r) => `${r.active ? '*' : ' '} ${r.progId}  ${r.source}`),
          '(* = in ExitModules\\Active, in notification order)',
        ]);
      });
    });
}
