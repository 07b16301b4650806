/**
 * Test helpers for the policy: what an administrator sets up before tests that are about something else issue
 * certificates. The policy itself is tested in its own files and in test/integration/policy-*.test.ts.
 */
import { CT_FLAG_PEND_ALL_REQUESTS, REGVAL_ACTIVE } from '@certexit/core';
import { caRegistryPaths } from '../../src/ca/ca-configuration-paths';
import type { CaContext } from '../../src/ca/ca-context';
import { caFolder } from '../../src/ca/ca-folder';
import { REGVAL_CA_TEMPLATES } from '../../src/policy/ca-template-list';
import { PRINCIPALS } from '../../src/policy/certexit-principals';
import { PROGID_DEFAULT_POLICY } from '../../src/policy/request-disposition';
import { TemplateStore } from '../../src/policy/template-store';
import { RegistryFile } from '../../src/registry/registry-file';

/** Submit as the CA host's administrator (what the CLI does for its own requests): `{ ...AS_ADMINISTRATOR }`. */
export const AS_ADMINISTRATOR = { requesterGroups: [PRINCIPALS.administrators] } as const;

/** The template {@link offerPendingTemplate} adds. */
export const PENDING_TEMPLATE = 'PendingWebServer';

/**
 * Adds templates to the CA's list (`certexit catemplates +Name`), e.g. WebServer and SubCA, off by default. Give
 * the folder, or an opened CA (which then sees the change at once).
 */
export function offerTemplates(ca: string | CaContext, ...names: string[]): void {
  const { registry, path } =
    typeof ca === 'string'
      ? _registryOf(ca)
      : { registry: ca.registry, path: `${ca.registryPath}\\${REGVAL_CA_TEMPLATES}` };
  const list = registry.getValue(path);
  const current = Array.isArray(list) ? list.map(String) : [];
  registry.setValue(path, [...new Set([...current, ...names])]);
}

/**
 * Adds `PendingWebServer` (WebServer with `CT_FLAG_PEND_ALL_REQUESTS`) and offers it: requests that wait for a CA
 * manager on a CA without a directory (KeyRecoveryAgent builds its names from the directory).
 */
export function offerPendingTemplate(ca: string | CaContext): string {
  const store = typeof ca === 'string' ? new TemplateStore(caFolder(ca).templates) : ca.templateStore;
  const web = store.find('WebServer')!;
  if (!store.find(PENDING_TEMPLATE))
    store.save([
      ...store.list(),
      {
        ...structuredClone(web),
        name: PENDING_TEMPLATE,
        displayName: 'Web Server (approved by a CA manager)',
        oid: `${web.oid}.99`,
        enrollmentFlags: web.enrollmentFlags | CT_FLAG_PEND_ALL_REQUESTS,
      },
    ]);
  offerTemplates(ca, PENDING_TEMPLATE);
  return PENDING_TEMPLATE;
}

function _registryOf(dir: string): { registry: RegistryFile; path: string } {
  const registry = new RegistryFile(caFolder(dir).registry);
  const name = registry.getValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`);
  return { registry, path: `${caRegistryPaths.ca(String(name))}\\${REGVAL_CA_TEMPLATES}` };
}

/** Sets the policy's `RequestDisposition` (`certexit setreg policy\RequestDisposition <n>`), e.g. issue at once. */
export function setRequestDisposition(dir: string, disposition: number): void {
  const registry = new RegistryFile(caFolder(dir).registry);
  const name = registry.getValue(`${caRegistryPaths.configuration}\\${REGVAL_ACTIVE}`);
  registry.setValue(
    `${caRegistryPaths.policyModules(String(name))}\\${PROGID_DEFAULT_POLICY}\\RequestDisposition`,
    disposition,
  );
}
