import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@certexit/core';
import { exitEventName, hresultName, PROGID_DEFAULT_EXIT } from '@certexit/core';
import {
  CertificateAuthority,
  caFolder,
  caRegistryPaths,
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

const _INVENTORY = 'CertExit_Inventory.Exit';
/** A copy of WebServer that requesters may enroll for, each request approved by a CA manager. */
const _APPROVED_WEB = 'WebServerApproved';

/**
 * The main job on embedded defaults: a demo enterprise CA in a local folder, the default and inventory exit
 * modules active, certificates issued from CSRs, and every exit notification shown as it happens. A folder that
 * already holds the demo CA is reused, never overwritten.
 */
export async function runDemo(options: {
  dir: string;
  io: { out(line: string): void };
  logger?: Logger;
}): Promise<void> {
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
      exitModules: [PROGID_DEFAULT_EXIT, _INVENTORY],
    });
    const ca = await openCa(folder.root);
    ca.registry.setValue(
      `${caRegistryPaths.exitModule(setup.sanitizedName, _INVENTORY)}\\OutputFile`,
      join(folder.root, 'inventory.jsonl'),
    );
    await ca.store.close();
    io.out(`Set up the demo CA "${setup.sanitizedName}" in ${folder.root}`);
  } else {
    io.out(`Using the demo CA in ${folder.root}`);
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
  } finally {
    await configured.store.close();
  }

  const caPem = join(folder.root, 'ca-certificate.pem');
  let certFile = '';
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
      '\n1. The CA administrator submits a request for template WebServer (certreq -submit -attrib CertificateTemplate:WebServer):',
    );
    const issued = await authority.submit({
      request: csr,
      attributes: 'CertificateTemplate:WebServer',
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

    io.out('\n5. The service stops:');
  } finally {
    await authority.stop();
  }
  const inventory = join(folder.root, 'inventory.jsonl');
  if (existsSync(inventory)) {
    const lines = readFileSync(inventory, 'utf8').trim().split('\n');
    io.out(`\nThe inventory module wrote ${lines.length} records to ${inventory}; the last:`);
    io.out(`  ${lines.at(-1)}`);
  }
  io.out(`\nCheck the issued certificate with OpenSSL:\n  openssl verify -CAfile "${caPem}" "${certFile}"`);
}
