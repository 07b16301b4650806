import type {
  RegistryKeyDeclaration,
  RegistryValue,
  RegistryValueDeclaration,
  RegistryValueType,
} from '@certexit/core';
import {
  declaredValue,
  isRegistrySubtree,
  registryTypeOf,
  registryValueDefault,
  registryValueProblem,
} from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../cli-context';
import { resolveRegistryPath } from '../registry-path';
import type { RegistryKeySchema } from '../registry-schema';
import { registryKeySchema } from '../registry-schema';
import { editRegistryValue } from '../registry-value-edit';
import { formatRegistryValue } from '../registry-value-format';

const _SETTABLE_TYPES = ['REG_SZ', 'REG_DWORD', 'REG_MULTI_SZ'] as const;

/** One value as getreg shows it. */
interface _ValueView {
  name: string;
  type: RegistryValueType | undefined;
  value?: RegistryValue;
  /** True when nothing is stored and the value shown is the default. */
  default: boolean;
  meaning?: string;
  hidden?: boolean;
}

/**
 * `getreg` and `setreg` over the registry-shaped configuration, like certutil. Both check against the declared
 * catalogues (the engine's, and each module's own), so getreg shows effective defaults and setreg refuses names
 * and types the readers would not understand.
 */
export function registerRegistryCommands(program: Command, cli: CliContext): void {
  program
    .command('getreg')
    .description('show configuration with effective defaults, like certutil -getreg (CA\\…, exit\\…, policy\\…)')
    .argument('[path]', 'key or value path', 'CA')
    .action((path: string) =>
      cli.withCa(async (ca) => {
        const full = resolveRegistryPath(ca, path);
        const split = _split(full);
        const parent = await registryKeySchema(ca, split.key);
        const declared = parent.declaration && declaredValue(parent.declaration, split.name);
        const isKey = ca.registry.getKey(full) !== undefined;
        if (!isKey && (ca.registry.getValue(full) !== undefined || declared)) {
          const { view, line } = _valueView(ca, split.name, ca.registry.getValue(full), declared, parent.declaration);
          cli.print({ path: full, ...view }, [`HKLM\\${full}:`, line, ...(declared ? [`  ${declared.meaning}`] : [])]);
          return;
        }
        const schema = await registryKeySchema(ca, full);
        const tree = ca.registry.getKey(full);
        if (!tree && !schema.declaration) throw new Error(`${full} does not exist`);
        const stored = Object.entries(tree ?? {});
        const shown = stored
          .filter(([, v]) => !isRegistrySubtree(v))
          .map(([name, value]) =>
            _valueView(
              ca,
              name,
              value as RegistryValue,
              schema.declaration && declaredValue(schema.declaration, name),
              schema.declaration,
            ),
          );
        for (const declaration of Object.values(schema.declaration?.values ?? {})) {
          const set = shown.some((v) => v.view.name.toLowerCase() === declaration.name.toLowerCase());
          if (!set && registryValueDefault(declaration, ca) !== undefined)
            shown.push(_valueView(ca, declaration.name, undefined, declaration, schema.declaration));
        }
        const keys = [
          ...new Set([
            ...stored.filter(([, v]) => isRegistrySubtree(v)).map(([k]) => k),
            ...Object.keys(schema.declaration?.subkeys ?? {}).filter((k) => k !== '*'),
          ]),
        ];
        cli.print(
          {
            path: full,
            values: shown.map((v) => v.view),
            keys,
            ...(schema.undeclaredModule && { undeclaredModule: true }),
          },
          [
            `HKLM\\${full}:`,
            ...(shown.length > 0 ? ['Values:', ...shown.map((v) => v.line)] : []),
            ...(keys.length > 0 ? ['Keys:', ...keys.map((k) => `  ${k}\\`)] : []),
            ..._notes(schema),
          ],
        );
      }),
    );

  program
    .command('setreg')
    .description('change configuration, like certutil -setreg (+X/-X edit flags and lists, from the value in effect)')
    .argument('<path>', 'value path, e.g. exit\\PublishCertFlags')
    .argument('<value>', 'number, text, a\\nb for a list, or +X / -X (no -- needed)')
    .addOption(
      new Option(
        '--type <type>',
        "the type of a value its module does not declare (a third-party module's own)",
      ).choices(_SETTABLE_TYPES),
    )
    // `-X` and `-6:http://…` are values, not options.
    .allowUnknownOption()
    .action((path: string, input: string, o: { type?: RegistryValueType }) =>
      cli.withCa(async (ca) => {
        const full = resolveRegistryPath(ca, path);
        const { key, name } = _split(full);
        if (ca.registry.getKey(full)) throw new Error(`${full} is a key; setreg sets a value under it`);
        const schema = await registryKeySchema(ca, key);
        const declared = schema.declaration && declaredValue(schema.declaration, name);
        const old = ca.registry.getValue(full);
        const type = _typeOf(name, key, schema, declared, old, o.type);
        if (declared?.readOnly) throw new Error(`${declared.name} is ${declared.readOnly}; setreg does not change it`);
        const effective = old ?? (declared && registryValueDefault(declared, ca));
        const next = editRegistryValue(
          { name: declared?.name ?? name, type, current: effective, flags: declared?.flags },
          input,
        );
        const problem = declared && registryValueProblem(declared, next);
        if (problem) throw new Error(problem);
        const valueName = declared?.name ?? name;
        ca.registry.setValue(`${key}\\${valueName}`, next);
        const secret = Boolean(declared?.secret || schema.declaration?.secretValues);
        const oldLine =
          old !== undefined
            ? formatRegistryValue(valueName, old, { declaration: declared, secret })
            : formatRegistryValue(valueName, effective, {
                declaration: declared,
                isDefault: effective !== undefined,
                secret,
              });
        cli.print(
          secret
            ? { path: full, type }
            : {
                path: full,
                type,
                old: old ?? null,
                ...(old === undefined && { oldDefault: effective ?? null }),
                value: next,
              },
          [
            `HKLM\\${full}:`,
            'Old value:',
            oldLine,
            'New value:',
            formatRegistryValue(valueName, next, { declaration: declared, secret }),
            'A running service sees the change within a second; restart it for ExitModules\\Active and the modules Initialize reads.',
          ],
        );
      }),
    );
}

/** The type a setreg stores: the declared one, else the stored one's, else `--type` where undeclared names are allowed. */
function _typeOf(
  name: string,
  key: string,
  schema: RegistryKeySchema,
  declared: RegistryValueDeclaration | undefined,
  old: RegistryValue | undefined,
  asked: RegistryValueType | undefined,
): RegistryValueType {
  const fixed = declared?.type ?? schema.declaration?.anyValueOfType;
  if (fixed) {
    if (asked && asked !== fixed) throw new Error(`${declared?.name ?? name} is a ${fixed}, not a ${asked}`);
    return fixed;
  }
  if (schema.undeclaredModule !== undefined && !_declaredElsewhere(schema.declaration, name)) {
    if (old !== undefined) {
      const stored = registryTypeOf(old);
      if (asked && asked !== stored) throw new Error(`${name} is a ${stored}; setreg keeps a value's type`);
      return stored;
    }
    if (asked) return asked;
    throw new Error(
      `${schema.undeclaredModule} declares no values: give the type of its own value ${name} (--type REG_SZ, REG_DWORD or REG_MULTI_SZ)${schema.moduleProblem ? `; its code does not load: ${schema.moduleProblem}` : ''}`,
    );
  }
  const known = Object.keys(schema.declaration?.values ?? {});
  if (!schema.declaration || (known.length === 0 && !schema.declaration.subkeys))
    throw new Error(`${key} is not a key certexit reads; setreg sets only known values`);
  const like = _closest(name, known);
  throw new Error(
    `${name} is not a value of ${_shortKey(key)}${like ? `: did you mean ${like}?` : ''} (known: ${known.join(', ') || 'none'})`,
  );
}

function _declaredElsewhere(declaration: RegistryKeyDeclaration | undefined, name: string): boolean {
  return declaration !== undefined && declaredValue(declaration, name) !== undefined;
}

function _valueView(
  ca: CaContext,
  name: string,
  stored: RegistryValue | undefined,
  declaration: RegistryValueDeclaration | undefined,
  key: RegistryKeyDeclaration | undefined,
): { view: _ValueView; line: string } {
  const value = stored ?? (declaration && registryValueDefault(declaration, ca));
  const hidden = Boolean(declaration?.secret || key?.secretValues);
  const isDefault = stored === undefined && value !== undefined;
  const shownName = declaration?.name ?? name;
  return {
    view: {
      name: shownName,
      type: value !== undefined ? registryTypeOf(value) : declaration?.type,
      ...(value !== undefined && !hidden && { value }),
      default: isDefault,
      ...(declaration && { meaning: declaration.meaning }),
      ...(hidden && { hidden: true }),
    },
    line: formatRegistryValue(shownName, value, { declaration, isDefault, secret: hidden }),
  };
}

function _notes(schema: RegistryKeySchema): string[] {
  return [
    ...(schema.undeclaredModule
      ? [`(${schema.undeclaredModule} declares no values of its own: setreg takes any name here with --type)`]
      : []),
    ...(schema.moduleProblem ? [`(the module's code does not load: ${schema.moduleProblem})`] : []),
  ];
}

function _split(full: string): { key: string; name: string } {
  const at = full.lastIndexOf('\\');
  return { key: full.slice(0, at), name: full.slice(at + 1) };
}

/** The key as a person typed it, without the long configuration prefix. */
function _shortKey(key: string): string {
  return key.replace(/^SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\[^\\]+/i, 'CA');
}

/** The known name closest to a typo (edit distance at most 2, or a prefix), if any. */
function _closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const distance =
      c.startsWith(lower) || lower.startsWith(c) ? Math.abs(c.length - lower.length) : _distance(lower, c);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function _distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
