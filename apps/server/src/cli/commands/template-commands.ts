import type { TemplateView } from '@certexit/engine';
import {
  copyTemplate,
  editCaTemplates,
  listTemplateViews,
  requireTemplate,
  setTemplateField,
  suppliesNames,
  TEMPLATE_SET_FIELDS,
  templateView,
} from '@certexit/engine';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';

/**
 * `template list|show|set|copy` (like `certutil -template`, and the Certificate Templates console's edits) and
 * `catemplates [+Name|-Name…]` (like `certutil -CATemplates` / `-SetCATemplates`).
 */
export function registerTemplateCommands(program: Command, cli: CliContext): void {
  const template = program
    .command('template')
    .description('certificate templates (templates.json), like certutil -template');
  template
    .command('list')
    .description('every template: on the CA list or not, who may enroll, where names come from')
    .action(() =>
      cli.withCa(async (ca) => {
        const views = listTemplateViews(ca);
        cli.print({ templates: views }, views.flatMap(_summary));
      }),
    );
  template
    .command('show')
    .description("one template's settings, permissions and warnings")
    .argument('<name>')
    .action((name: string) =>
      cli.withCa(async (ca) => {
        const view = templateView(ca, requireTemplate(ca, name));
        cli.print(view, _details(view));
      }),
    );
  template
    .command('set')
    .description(`change one field: ${TEMPLATE_SET_FIELDS.join(', ')}`)
    .argument('<name>')
    .argument('<field>')
    .argument('<value>', 'a number, +CT_FLAG_X / -CT_FLAG_X, +Item / -Item, or +Principal / -Principal')
    // -X removes, certutil-style: a value, not an option.
    .allowUnknownOption()
    .action((name: string, field: string, value: string) =>
      cli.withCa(async (ca) => {
        const change = setTemplateField(ca, name, field, value);
        cli.print(change, [
          `${change.template.name} ${change.field}: ${_text(change.old)} -> ${_text(change.value)}`,
          ...change.template.warnings.map((w) => `WARNING ${w}`),
          'A running server uses the change within half a second.',
        ]);
      }),
    );
  template
    .command('copy')
    .description('duplicate a template under a new name (and OID); add it to the CA with catemplates +Name')
    .argument('<source>')
    .argument('<name>')
    .option('--oid <oid>', 'the new template OID (default: derived from the source)')
    .action((source: string, name: string, o: { oid?: string }) =>
      cli.withCa(async (ca) => {
        const view = copyTemplate(ca, source, name, o.oid);
        cli.print(view, [`${view.name} copied from ${source} (OID ${view.oid}); not on the CA list yet`]);
      }),
    );

  program
    .command('catemplates')
    .description("the CA's template list, like certutil -CATemplates; +Name adds, -Name removes, bare names replace it")
    .argument('[edits...]')
    .allowUnknownOption()
    .action((edits: string[]) =>
      cli.withCa(async (ca) => {
        const result = editCaTemplates(ca, edits);
        cli.print(result, [
          ...result.templates.map((n) => `  ${n}`),
          ...result.warnings.map((w) => `WARNING ${w}`),
          ...(edits.length > 0 ? ['A running server uses the list within half a second.'] : []),
        ]);
      }),
    );
}

function _summary(view: TemplateView): string[] {
  const enroll = view.permissions.filter((e) => e.allow?.includes('Enroll')).map((e) => e.principal);
  const names = suppliesNames(view);
  return [
    `${view.onCaList ? '*' : ' '} ${view.name.padEnd(20)} ${view.displayName.padEnd(36)} enroll: ${enroll.join(', ') || '(nobody)'}; names: ${names.length ? `from the request (${names.join(', ')})` : 'from the directory'}`,
    ...view.warnings.map((w) => `    WARNING ${w}`),
  ];
}

function _details(view: TemplateView): string[] {
  const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
  return [
    `${view.name} (${view.displayName}), OID ${view.oid}${view.onCaList ? ', on the CA list' : ', not on the CA list'}`,
    `  msPKI-Certificate-Name-Flag ${hex(view.nameFlags)}; names ${suppliesNames(view).length ? `from the request (${suppliesNames(view).join(', ')})` : 'from the directory'}`,
    `  msPKI-Enrollment-Flag ${hex(view.enrollmentFlags)}; flags ${hex(view.generalFlags)}; msPKI-Private-Key-Flag ${hex(view.privateKeyFlags)}`,
    `  msPKI-Minimal-Key-Size ${view.minimalKeySize}; key algorithms ${view.keyAlgorithms.join(', ')}; msPKI-RA-Signature ${view.raSignatures}`,
    `  validity ${view.validityDays} days; key usage ${view.keyUsage.join(', ')}; EKU ${view.extendedKeyUsage.join(', ') || '(none)'}`,
    ...view.permissions.map(
      (e) =>
        `  ${e.principal}: ${[...(e.allow ?? []).map((r) => `allow ${r}`), ...(e.deny ?? []).map((r) => `deny ${r}`)].join(', ')}`,
    ),
    ...view.warnings.map((w) => `  WARNING ${w}`),
  ];
}

function _text(value: unknown): string {
  if (typeof value === 'number') return `${value} (0x${(value >>> 0).toString(16)})`;
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  return String(value);
}
