import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@certexit/core';
import { CRL_REASON_KEY_COMPROMISE, exitEventName, hresultName, PROGID_DEFAULT_EXIT } from '@certexit/core';
import {
  CertificateAuthority,
  caFolder,
  copyTemplate,
  editCaTemplateNames,
  openCa,
  PRINCIPALS,
  setTemplateField,
  setupCa,
} from '@certexit/engine';
import { createCertificationRequest, generateKeyPair, subjectAltName, toPem } from '@certexit/x509';
import { builtinExitModules, importExitModule } from '../builtin-exit-modules';
import { createLogger } from '../logging/create-logger';
import {
  configureDemoModules,
  DEMO_INVENTORY,
  DEMO_SAMPLE,
  DEMO_WEBHOOK,
  DEMO_WEBHOOK_PACKAGE,
  demoOutputs,
} from './demo-modules';
import { createDemoReceiverTls } from './demo-receiver-tls';
import type { WebhookReceiver } from './webhook-receiver';
import { startWebhookReceiver } from './webhook-receiver';

/** A copy of WebServer that requesters may enroll for, each request approved by a CA manager. */
const _APPROVED_WEB = 'WebServerApproved';

/** What the demo did, for its callers (the test). */
export interface DemoResult {
  readonly folder: string;
  /** The RequestIDs of the story's steps. */
  readonly requests: { issued: number; refused: number; denied: number; pending: number };
  readonly revokedSerial: string;
  /** What the demo's web hook receiver accepted; `undefined` when the web hook module is not installed. */
  readonly webhook: { received: WebhookReceiver['received']; refused: WebhookReceiver['refused'] } | undefined;
}

/**
 * The main job on embedded defaults: a demo enterprise CA in a local folder that issues, refuses, denies, approves,
 * revokes and publishes CRLs, with several exit modules notified: the default module, the inventory (JSON lines),
 * the Windows SDK sample (certificate files and CRL copies) and, when `@certexit/exit-webhook` is installed with
 * certexit, the web hook posting to a local HTTPS receiver the demo starts. It shows every notification as it
 * happens and says where to look for what each module did. A folder that already holds the demo CA is reused,
 * never overwritten.
 */
export async function runDemo(options: {
  dir: string;
  io: { out(line: string): void };
  logger?: Logger;
}): Promise<DemoResult> {
  const { io } = options;
  const folder = caFolder(options.dir);
  if (!existsSync(folder.registry)) {
    const setup = await setupCa({
      dir: folder.root,
      commonName: 'certexit Demo CA',
      type: 'enterprise-root',
      machineDnsName: 'ca.certexit.test',
      domainDn: 'DC=certexit,DC=test',
      configDn: 'CN=Configuration,DC=certexit,DC=test',
      exitModules: [PROGID_DEFAULT_EXIT, DEMO_INVENTORY],
    });
    io.out(`Set up the demo CA "${setup.sanitizedName}" in ${folder.root}`);
  } else {
    io.out(`Using the demo CA in ${folder.root}`);
  }

  // The web hook module comes in its own package: the demo uses it when certexit can import it.
  const webhookInstalled = await importExitModule(DEMO_WEBHOOK_PACKAGE).then(
    () => true,
    () => false,
  );
  let receiver: WebhookReceiver | undefined;
  let webhook: Parameters<typeof configureDemoModules>[1];
  if (webhookInstalled) {
    const tls = await createDemoReceiverTls();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    receiver = await startWebhookReceiver({ keyPem: tls.keyPem, certPem: tls.certPem, secret });
    io.out(`Started a web hook receiver at ${receiver.url} (HTTPS, its certificate from a CA generated for the demo)`);
    webhook = { url: receiver.url, caPem: tls.caPem, secret };
  }

  // The demo has no directory, so it uses templates whose subject the enrollee supplies; they are off a new CA's
  // list (certexit catemplates +WebServer), and requesters may enroll only with a CA manager's approval.
  const configured = await openCa(folder.root);
  try {
    if (!configured.templateStore.find(_APPROVED_WEB)) {
      copyTemplate(configured, 'WebServer', _APPROVED_WEB);
      setTemplateField(configured, _APPROVED_WEB, 'enrollmentFlags', '+CT_FLAG_PEND_ALL_REQUESTS');
      setTemplateField(configured, _APPROVED_WEB, 'Enroll', `+${PRINCIPALS.domainUsers}`);
    }
    editCaTemplateNames(configured, ['+WebServer', `+${_APPROVED_WEB}`]);
    configureDemoModules(configured, webhook);
  } finally {
    await configured.store.close();
  }

  const outputs = demoOutputs(folder.root);
  const caPem = join(folder.root, 'ca-certificate.pem');
  let certFile = '';
  let result: Omit<DemoResult, 'webhook'>;
  const authority = await CertificateAuthority.open({
    dir: folder.root,
    builtins: builtinExitModules(),
    importModule: importExitModule,
    logger: options.logger ?? createLogger('warn'),
    onDelivered: (d) =>
      io.out(
        `  notified ${d.progId.padEnd(44)} ${exitEventName(d.event).padEnd(24)} context ${String(d.context).padEnd(4)} -> ${hresultName(d.hresult)}`,
      ),
  });
  try {
    writeFileSync(caPem, toPem(authority.ca.certificate.der, 'CERTIFICATE'));
    io.out('Exit modules (ExitModules\\Active, in order):');
    for (const m of authority.modules) io.out(`  ${m.progId} [${m.binding}] "${m.description}"`);
    if (!webhookInstalled)
      io.out(
        `  (the web hook module, ${DEMO_WEBHOOK}, is not installed with this certexit: ${DEMO_WEBHOOK_PACKAGE} cannot be imported)`,
      );

    const keys = await generateKeyPair('ECDSA_P256');
    const csr = toPem(
      await createCertificationRequest({
        keyPair: keys,
        keyAlgorithm: 'ECDSA_P256',
        subject: 'CN=www.certexit.test, O=certexit',
        extensions: [subjectAltName({ dns: ['www.certexit.test'] })],
      }),
      'CERTIFICATE REQUEST',
    );
    writeFileSync(join(folder.root, 'www.csr'), csr);

    io.out(
      '\n1. The CA administrator submits a request for template WebServer, asking for a certificate file (certreq -submit -attrib "CertificateTemplate:WebServer\\nCertFile:yes"):',
    );
    const issued = await authority.submit({
      request: csr,
      attributes: 'CertificateTemplate:WebServer\nCertFile:yes',
      requesterGroups: [PRINCIPALS.administrators],
    });
    certFile = join(folder.root, `request-${issued.requestId}.cer.pem`);
    if (issued.certificate) writeFileSync(certFile, toPem(issued.certificate, 'CERTIFICATE'));
    io.out(`  RequestId ${issued.requestId}: ${issued.message}; certificate in ${certFile}`);

    io.out(
      '\n2. A requester (CERTEXIT\\alice, Domain Users) asks for the same template: only administrators may enroll:',
    );
    const refused = await authority.submit({
      request: csr,
      attributes: 'CertificateTemplate:WebServer',
      requesterName: 'CERTEXIT\\alice',
    });
    io.out(`  RequestId ${refused.requestId}: ${hresultName(refused.statusCode)}: ${refused.message}`);

    io.out('\n3. A request without a template (an enterprise CA denies it):');
    const denied = await authority.submit({ request: csr, requesterName: 'CERTEXIT\\alice' });
    io.out(`  RequestId ${denied.requestId}: ${denied.message}`);

    io.out(
      `\n4. alice asks for ${_APPROVED_WEB}, which requesters may use with a CA manager's approval; the officer approves:`,
    );
    const pending = await authority.submit({
      request: csr,
      attributes: `CertificateTemplate:${_APPROVED_WEB}`,
      requesterName: 'CERTEXIT\\alice',
    });
    io.out(`  RequestId ${pending.requestId}: ${pending.message}`);
    const approved = await authority.resubmit(pending.requestId, 'CERTEXIT\\officer');
    io.out(`  RequestId ${approved.requestId}: ${approved.message}`);

    io.out(`\n5. The officer revokes the first certificate, its key compromised (certutil -revoke <serial> 1):`);
    const revokedSerial = issued.serialNumber ?? '';
    const revoked = await authority.revoke(revokedSerial, {
      reason: CRL_REASON_KEY_COMPROMISE,
      officer: 'CERTEXIT\\officer',
    });
    io.out(`  RequestId ${revoked.requestId}: ${revoked.message}`);

    io.out('\n6. The CA publishes its CRLs (certutil -crl):');
    const crls = await authority.publishCrls();
    for (const crl of crls.crls)
      io.out(
        `  ${crl.isDelta ? 'delta' : 'base '} CRL number ${crl.crlNumber}, ${crl.entries} entries -> ${crl.files.join(', ')}`,
      );

    io.out('\n7. The service stops:');
    result = {
      folder: folder.root,
      requests: {
        issued: issued.requestId,
        refused: refused.requestId,
        denied: denied.requestId,
        pending: pending.requestId,
      },
      revokedSerial,
    };
  } finally {
    await authority.stop();
    await receiver?.close();
  }

  io.out('\nWhere to look for what each module did:');
  if (existsSync(outputs.inventory)) {
    const lines = readFileSync(outputs.inventory, 'utf8').trim().split('\n');
    io.out(`  ${DEMO_INVENTORY}: ${lines.length} JSON lines in ${outputs.inventory}; the last:`);
    io.out(`    ${lines.at(-1)}`);
  }
  const sampleCert = join(folder.certEnroll, `${result.requests.issued}.cer`);
  io.out(
    `  ${DEMO_SAMPLE}: the certificate of request ${result.requests.issued} (it asked with CertFile) in ${existsSync(sampleCert) ? sampleCert : `${sampleCert} (missing!)`}`,
  );
  const copies = existsSync(outputs.sampleCrls) ? readdirSync(outputs.sampleCrls).sort() : [];
  io.out(`    and its copies of the CRLs in ${outputs.sampleCrls}: ${copies.join(', ') || '(none)'}`);
  if (receiver) {
    io.out(
      `  ${DEMO_WEBHOOK}: the receiver verified the Standard Webhooks signature of ${receiver.received.length} CloudEvents:`,
    );
    for (const event of receiver.received) io.out(`    ${event.type.padEnd(36)} id ${event.id}`);
    for (const problem of receiver.refused) io.out(`    refused: ${problem}`);
  } else {
    io.out(
      `  ${DEMO_WEBHOOK}: not run (install ${DEMO_WEBHOOK_PACKAGE} with certexit and run the demo again: it posts to a local HTTPS receiver)`,
    );
  }
  io.out(`  Every notification and its outcome: certexit --dir "${folder.root}" module queue`);
  io.out(`\nCheck the issued certificate with OpenSSL:\n  openssl verify -CAfile "${caPem}" "${certFile}"`);
  io.out(
    `and that it is revoked:\n  openssl crl -inform DER -in "${join(folder.certEnroll, 'certexit Demo CA.crl')}" -noout -text`,
  );
  return { ...result, webhook: receiver && { received: receiver.received, refused: receiver.refused } };
}
