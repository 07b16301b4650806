import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXITPUB_FILE, PROGID_DEFAULT_EXIT } from '@certexit/core';
import type { CaContext } from '@certexit/engine';
import { caRegistryPaths, ModuleRegistrations } from '@certexit/engine';

export const DEMO_INVENTORY = 'CertExit_Inventory.Exit';
export const DEMO_SAMPLE = 'CertAuthority_Sample.Exit';
export const DEMO_WEBHOOK = 'CertExit_Webhook.Exit';
/** The web hook module's package (branch samples-b); the demo uses it when it is installed with certexit. */
export const DEMO_WEBHOOK_PACKAGE = '@certexit/exit-webhook';

/** Where the demo's modules leave what they did, under the CA folder. */
export function demoOutputs(root: string) {
  return {
    inventory: join(root, 'inventory.jsonl'),
    sampleCrls: join(root, 'sample-crl-copies'),
    webhookSecret: join(root, 'webhook.whsec'),
    webhookCa: join(root, 'webhook-receiver-ca.pem'),
  };
}

/**
 * Configures the demo's modules on the CA, the way an administrator would (`module register`, `setreg`): the
 * inventory writes JSON lines, the SDK sample (registered by package name) writes `CertEnroll\<RequestID>.cer` for
 * requests carrying `CertFile` and copies each CRL it is told about, and the web hook, when `webhook` is given,
 * posts to the demo's receiver. Idempotent: a demo folder of an earlier version gets what it lacks.
 */
export function configureDemoModules(
  ca: Pick<CaContext, 'registry' | 'sanitizedName' | 'folder'>,
  webhook?: { url: string; caPem: string; secret: string },
): void {
  const outputs = demoOutputs(ca.folder.root);
  const registrations = new ModuleRegistrations(ca.registry, ca.sanitizedName);
  const key = (progId: string, value: string) => `${caRegistryPaths.exitModule(ca.sanitizedName, progId)}\\${value}`;

  for (const builtin of [PROGID_DEFAULT_EXIT, DEMO_INVENTORY]) registrations.activate(builtin);
  ca.registry.setValue(key(DEMO_INVENTORY, 'OutputFile'), outputs.inventory);

  if (registrations.sourceOf(DEMO_SAMPLE) === undefined)
    registrations.register(DEMO_SAMPLE, '@certexit/exit-sample', { activate: true });
  mkdirSync(outputs.sampleCrls, { recursive: true });
  ca.registry.setValue(key(DEMO_SAMPLE, 'PublishCertFlags'), EXITPUB_FILE);
  ca.registry.setValue(key(DEMO_SAMPLE, 'CrlCopyDirectory'), outputs.sampleCrls);

  if (webhook) {
    if (registrations.sourceOf(DEMO_WEBHOOK) === undefined)
      registrations.register(DEMO_WEBHOOK, DEMO_WEBHOOK_PACKAGE, { activate: true });
    // Secrets live in a file of mode 0600, never in the registry.
    writeFileSync(outputs.webhookSecret, `${webhook.secret}\n`, { mode: 0o600 });
    chmodSync(outputs.webhookSecret, 0o600);
    writeFileSync(outputs.webhookCa, webhook.caPem);
    const endpoint = (value: string) => key(DEMO_WEBHOOK, `Endpoints\\demo\\${value}`);
    ca.registry.setValue(endpoint('Url'), webhook.url);
    ca.registry.setValue(endpoint('SecretFile'), outputs.webhookSecret);
    ca.registry.setValue(endpoint('CAFile'), outputs.webhookCa);
    // Issued, pending, denied, revoked and CRLs.
    ca.registry.setValue(endpoint('EventMask'), 0x2f);
  } else if (registrations.active().some((p) => p.toLowerCase() === DEMO_WEBHOOK.toLowerCase())) {
    registrations.deactivate(DEMO_WEBHOOK);
  }
}
