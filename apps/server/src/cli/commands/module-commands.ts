import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitEventMaskNames, exitEventName, hresultName } from '@certexit/core';
import type { CaContext, OutboxRow } from '@certexit/engine';
import {
  assertProgId,
  dropExitQueueItem,
  exitQueueReport,
  formatEventId,
  importExitModuleFactory,
  isExitModulePath,
  locateExitModule,
  ModuleRegistrations,
  replayExitEvents,
  retryExitQueue,
} from '@certexit/engine';
import type { Command } from 'commander';
import { builtinExitModules, importExitModule } from '../../builtin-exit-modules';
import { findRunningServer } from '../../http/running-server-record';
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
          assertProgId(progId);
          let stored: string;
          let where = '';
          if (o.process) {
            stored = isExitModulePath(source) ? resolve(source) : source;
            assertExecutable(stored);
            const environment: Array<[string, string]> = o.env.map((pair) => {
              const eq = pair.indexOf('=');
              if (eq <= 0) throw new Error(`--env ${JSON.stringify(pair)} is not NAME=VALUE`);
              return [pair.slice(0, eq), pair.slice(eq + 1)];
            });
            registrations.registerProcess(progId, stored, o.arg, { activate: !o.inactive });
            for (const [name, value] of environment) registrations.setEnvironment(progId, name, value);
          } else {
            if (o.arg.length > 0 || o.env.length > 0) throw new Error('--arg and --env go with --process');
            // The code must resolve and load now: a registration that can never load is refused, not stored.
            const found = findExitModuleCode(ca, source);
            stored = found.source;
            where = found.where;
            await importExitModuleFactory(progId, stored, ca, {
              // Where it was looked for, also when it was not found: the error names every place.
              resolveFrom: found.resolveFrom ?? process.cwd(),
              importModule: importExitModule,
            });
            registrations.register(progId, stored, {
              activate: !o.inactive,
              ...(found.resolveFrom && { resolveFrom: found.resolveFrom }),
            });
          }
          // The environment's values may be credentials: the output names the variables only.
          cli.print(
            {
              progId,
              source: stored,
              process: Boolean(o.process),
              ...(where && { foundIn: where }),
              args: o.arg,
              environment: o.env.map((p) => p.split('=')[0]),
              active: !o.inactive,
            },
            [
              `${progId} registered (${o.process ? 'process: ' : ''}${stored}${where ? `, ${where}` : ''})${o.inactive ? '' : ' and added to ExitModules\\Active'}; restart the service to load it`,
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
        const report = await exitQueueReport(ca.store.outbox, {
          progId,
          limit: Number(o.limit) || 100,
          sanitizedCaName: ca.sanitizedName,
        });
        cli.print(report, [
          ...(report.counts.length === 0 ? ['the exit outbox is empty'] : []),
          ...report.counts.map((c) => `${c.progId}  ${c.status}  ${c.age}  ${c.count}`),
          ...report.items.map(
            (i) =>
              `#${i.id}  ${i.module}  ${i.event} context ${i.context}  ${i.status}  attempts ${i.attempts}` +
              (i.replayId !== undefined ? `  (replay ${i.replayId})` : '') +
              (i.lastHresult ? `  ${i.lastHresult}: ${i.lastError ?? ''}` : '') +
              (i.deadReason ? `  [${i.deadReason}]` : ''),
          ),
          ...report.replays.map(
            (r) =>
              `replay ${r.replayId}  ${r.module}  ${r.since}..${r.until}  ${r.count} event(s): ${r.open} open, ${r.done} done, ${r.dead} dead` +
              (r.requestedBy ? `  by ${r.requestedBy}` : ''),
          ),
          ...report.leases.map(
            (l) => `lease  node ${l.node}  ${l.module}  ${l.rows} in delivery  until ${l.leaseUntil}`,
          ),
        ]);
      }),
    );
  module
    .command('retry')
    .description(
      'deliver again now: one item by id, or every dead and pending item of a module (attempts reset); a running server delivers them, else this command does, within --wait',
    )
    .argument('<id|ProgID>')
    .option('--wait <seconds>', 'how long this command delivers when no server runs', '30')
    .action(async (target: string, o: { wait: string }) => {
      const waitMs = Math.max(1, Number(o.wait) || 30) * 1000;
      const builtins = Object.keys(builtinExitModules());
      // A running server delivers what is made due (it looks every 2 s); this command then only says so.
      const served = await cli.withCa(async (ca) => {
        const server = findRunningServer(ca.folder.root);
        if (!server) return false;
        const rows = await retryExitQueue(ca, target, builtins);
        cli.print({ target, retried: rows.length, ids: rows.map((r) => r.id), deliveredBy: server }, [
          `${rows.length} notification(s) due again; the running server (pid ${server.pid}, ${server.url}) delivers them`,
        ]);
        return true;
      });
      if (served) return;
      await cli.withEngine(async (authority) => {
        const rows = await retryExitQueue(authority.ca, target, builtins);
        const records = await authority.outbox!.deliverRows(rows, waitMs);
        const outcomes = [];
        for (const row of rows) {
          const record = records.find(
            (r) =>
              r.progId.toLowerCase() === row.progId.toLowerCase() &&
              r.eventId === formatEventId(authority.ca.sanitizedName, row.eventId),
          );
          const now = (await authority.ca.store.outbox.get(row.id)) ?? row;
          outcomes.push(
            _outcome(
              row,
              now,
              record,
              authority.modules.some((m) => m.progId === row.progId),
            ),
          );
        }
        cli.print({ target, retried: rows.length, deliveredBy: 'this command', outcomes }, [
          `${rows.length} notification(s) due again; delivering them now (up to ${waitMs / 1000} s):`,
          ...outcomes.map((x) => `  ${x.text}`),
        ]);
      });
    });
  module
    .command('replay')
    .description(
      'deliver past events to a module again through the outbox, with their original EventIDs (a new or repaired subscriber catches up); at most --limit events',
    )
    .argument('<ProgID>')
    .requiredOption('--since <date|EventID>', 'a date (2026-01-31, 2026-01-31T12:00:00Z) or an EventID (<CA>/<n>)')
    .option('--events <mask>', 'EXITEVENT_* names joined by | (or a number); default: every event but shutdown')
    .option('--limit <n>', 'at most this many events (default 10000; CA\\ExitReplayMaxEvents caps it)')
    .action((progId: string, o: { since: string; events?: string; limit?: string }) =>
      cli.withCa(async (ca) => {
        const limit = o.limit === undefined ? undefined : Number(o.limit);
        const result = await replayExitEvents(ca, {
          progId,
          since: o.since,
          builtinProgIds: Object.keys(builtinExitModules()),
          ...(o.events !== undefined && { events: o.events }),
          ...(limit !== undefined && { limit }),
          requestedBy: process.env.USER ?? process.env.USERNAME ?? 'cli',
        });
        const server = findRunningServer(ca.folder.root);
        cli.print({ ...result, deliveredBy: server ?? 'the next certexit serve, or certexit module retry' }, [
          result.events === 0
            ? `replay ${result.replayId}: no event to deliver again${result.alreadyOpen > 0 ? ` (${result.alreadyOpen} already waiting in the outbox)` : ''}`
            : `replay ${result.replayId}: ${result.events} event(s) (${result.firstEventIdText} to ${result.lastEventIdText}; ${result.eventMask.join('|')}) queued for ${result.progId}` +
              (result.alreadyOpen > 0 ? `; ${result.alreadyOpen} already waiting were left as they are` : ''),
          ...(result.continueSince ? [`more events match: continue with --since "${result.continueSince}"`] : []),
          server
            ? `the running server (pid ${server.pid}, ${server.url}) delivers them; see "certexit module queue ${result.progId}"`
            : `no server runs: "certexit serve" delivers them, or "certexit module retry ${result.progId}" now`,
        ]);
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
          const order = new ModuleRegistrations(a.ca.registry, a.ca.sanitizedName).active();
          const rows = order.flatMap((progId): _ListedModule[] => {
            const same = (m: { progId: string }) => m.progId.toLowerCase() === progId.toLowerCase();
            const loaded = a.modules.find(same);
            if (loaded)
              return [
                {
                  progId: loaded.progId,
                  loaded: true as const,
                  binding: loaded.binding,
                  description: loaded.description,
                  events: exitEventMaskNames(loaded.mask),
                },
              ];
            const failed = a.moduleLoadFailures.find(same);
            return failed
              ? [
                  {
                    progId: failed.progId,
                    loaded: false as const,
                    method: failed.method,
                    hresult: failed.hresult,
                    error: failed.message,
                  },
                ]
              : [];
          });
          cli.print(
            { modules: rows },
            rows.map((r) =>
              r.loaded
                ? `${r.progId}  [${r.binding}]  "${r.description}"  ${r.events.join('|') || 'EXITEVENT_INVALID'}`
                : `${r.progId}  FAILED to load (${r.method}): ${r.error} (${hresultName(r.hresult)})`,
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

/** A row of `module list --load`: a loaded module, or one that failed and why. */
type _ListedModule =
  | { progId: string; loaded: true; binding: string; description: string; events: string[] }
  | { progId: string; loaded: false; method: string; hresult: number; error: string };

/** Where `module register` found a module's code, and what it stores. */
interface _FoundCode {
  /** What the registration stores: the package name, or the file's absolute path. */
  source: string;
  /** The project folder the package was found from, when not the CA folder or certexit's own packages. */
  resolveFrom?: string;
  /** For the output: where the code is. */
  where: string;
}

/**
 * Finds a module's code the way docs/exit-modules.md says: a path relative to the current folder; a package from
 * the CA folder (`npm install --prefix <CA folder> <package>`), then from the current project (the registration
 * then remembers that folder), then among certexit's own packages (the built-in modules).
 */
export function findExitModuleCode(ca: CaContext, source: string): _FoundCode {
  if (isExitModulePath(source)) {
    const file = resolve(source);
    if (!existsSync(file)) throw new Error(`${file} does not exist`);
    return { source: file, where: 'a file' };
  }
  if (locateExitModule(source, { caFolder: ca.folder.root })) return { source, where: 'found in the CA folder' };
  const project = locateExitModule(source, { caFolder: ca.folder.root, resolveFrom: process.cwd() });
  if (project?.from === 'project') {
    const path = fileURLToPath(project.url);
    const at = path.indexOf(`${sep}node_modules${sep}`);
    const resolveFrom = at > 0 ? path.slice(0, at) : process.cwd();
    return { source, resolveFrom, where: `found in ${resolveFrom}` };
  }
  return { source, where: "one of certexit's own packages" };
}

/** Throws unless `command` is an executable file, by path or on PATH (`module register --process`). */
function assertExecutable(command: string): void {
  const candidates = command.includes(sep)
    ? [command]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter((d) => d !== '')
        .map((d) => join(d, command));
  for (const file of candidates) {
    try {
      if (statSync(file).isFile()) {
        accessSync(file, constants.X_OK);
        return;
      }
    } catch {
      // not this one
    }
  }
  throw new Error(
    command.includes(sep)
      ? `${command} is not an executable file`
      : `${command} is not an executable file on PATH (${process.env.PATH ?? ''})`,
  );
}

/** One retried row's outcome, for the CLI. */
function _outcome(
  row: OutboxRow,
  now: OutboxRow,
  record: { ok: boolean; hresult: number; attempt?: number } | undefined,
  loaded: boolean,
) {
  const head = `#${row.id}  ${row.progId}  ${exitEventName(row.event)} context ${row.context}`;
  const base = {
    id: row.id,
    module: row.progId,
    event: exitEventName(row.event),
    context: row.context,
    status: now.status,
    ...(now.deadReason !== undefined && { deadReason: now.deadReason }),
  };
  if (!record) {
    const why = loaded
      ? 'not attempted in time; it stays due'
      : 'not attempted: the module is not loaded (inactive, or its Initialize failed); it stays due';
    return { ...base, attempted: false, text: `${head}  ${why}` };
  }
  const verdict = record.ok
    ? `-> ${hresultName(record.hresult)} (delivered)`
    : `-> ${hresultName(record.hresult)}: ${now.lastError ?? ''}` +
      (now.status === 'dead' ? `  [dead: ${now.deadReason ?? ''}]` : `  [retry at ${now.nextAttemptAt.toISOString()}]`);
  return {
    ...base,
    attempted: true,
    ok: record.ok,
    hresult: hresultName(record.hresult),
    text: `${head}  attempt ${record.attempt ?? 1} ${verdict}`,
  };
}
