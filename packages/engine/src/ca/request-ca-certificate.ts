import type { webcrypto } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { CA_DISP_INCOMPLETE, CA_DISP_UNDER_SUBMISSION, CA_DISP_VALID } from '@certexit/core';
import type { Name } from '@certexit/x509';
import { createCaCertificationRequest, exportPrivateKeyPem, toPem } from '@certexit/x509';
import { CA_REGISTRY_VALUES } from '../registry/ca-registry-values';
import { caKeyFile, caRequestFile } from './ca-folder';
import type { InstalledCaCertificate } from './install-ca-certificate';
import { installCaCertificate } from './install-ca-certificate';
import type { CaFolderContext } from './open-ca-folder';
import type { ParentCa } from './parent-ca';

/** Input of {@link requestCaCertificate}. */
export interface CaCertificateRequestInput {
  /** The key to certify; with `newKey`, its private key is written to `keys/ca-key-<keyIndex>.pem`. */
  keyPair: webcrypto.CryptoKeyPair;
  /** True for a key made for this request; false when it reuses the key already stored for `keyIndex`. */
  newKey: boolean;
  subject: Name;
  certIndex: number;
  keyIndex: number;
  parent?: ParentCa;
}

/** Where a subordinate CA's request went, and how far it got. */
export interface CaCertificateRequestResult {
  certIndex: number;
  keyIndex: number;
  /** The PKCS#10 request (PEM) to hand to the parent CA. */
  requestFile: string;
  /**
   * `CA_DISP_INCOMPLETE` (the request waits in {@link requestFile}), `CA_DISP_UNDER_SUBMISSION` (pending at the
   * parent) or `CA_DISP_VALID` (the parent issued it and it is installed).
   */
  state: number;
  /** The parent's request ID, when it was sent to a parent. */
  parentRequestId?: number;
  /** What was installed, when the parent issued at once. */
  installed?: InstalledCaCertificate;
}

/**
 * Makes a subordinate CA's request for a CA certificate (setup or renewal): writes the key (when new) and the
 * request file, and records the CA certificate row `CA_DISP_INCOMPLETE` with the request, all or nothing. With a
 * parent, sends the request: an issued certificate is installed at once; a pending one marks the row
 * `CA_DISP_UNDER_SUBMISSION`; a denial is an error that leaves the CA incomplete, its request still in the file.
 */
export async function requestCaCertificate(
  ca: CaFolderContext,
  input: CaCertificateRequestInput,
): Promise<CaCertificateRequestResult> {
  const request = await createCaCertificationRequest({
    keyPair: input.keyPair,
    keyAlgorithm: ca.keyAlgorithm,
    subjectDn: input.subject,
    certIndex: input.certIndex,
    keyIndex: input.keyIndex,
  });
  const requestFile = caRequestFile(ca.folder, ca.machineDnsName, ca.sanitizedName, input.certIndex);
  const written: string[] = [];
  try {
    if (input.newKey) {
      const keyFile = caKeyFile(ca.folder, input.keyIndex);
      // 'wx': never overwrite a key file, even an orphaned one; key material is not ours to lose.
      writeFileSync(keyFile, await exportPrivateKeyPem(input.keyPair.privateKey), { mode: 0o600, flag: 'wx' });
      written.push(keyFile);
    }
    writeFileSync(requestFile, toPem(request, 'CERTIFICATE REQUEST'), { flag: 'wx', mode: 0o600 });
    written.push(requestFile);
    await ca.store.transaction((tx) =>
      tx.addCaCertificate({
        certIndex: input.certIndex,
        keyIndex: input.keyIndex,
        request,
        state: CA_DISP_INCOMPLETE,
      }),
    );
  } catch (error) {
    for (const file of written) rmSync(file, { force: true });
    throw error;
  }
  ca.registry.setValue(`${ca.registryPath}\\${CA_REGISTRY_VALUES.RequestFileName.name}`, requestFile);
  const result: CaCertificateRequestResult = {
    certIndex: input.certIndex,
    keyIndex: input.keyIndex,
    requestFile,
    state: CA_DISP_INCOMPLETE,
  };
  if (!input.parent) return result;

  const answer = await input.parent.submit(request).catch((error: unknown) => {
    throw new Error(
      `sending the request to the parent CA ${input.parent!.name} failed: ${(error as Error).message}; the CA stays ` +
        `incomplete, its request is in ${requestFile}`,
      { cause: error },
    );
  });
  if (answer.status === 'denied') {
    throw new Error(
      `the parent CA ${input.parent.name} denied the request${answer.requestId ? ` (request ID ${answer.requestId})` : ''}: ` +
        `${answer.message}; the CA stays incomplete, its request is in ${requestFile}`,
    );
  }
  if (answer.status === 'pending') {
    await ca.store.transaction((tx) => tx.updateCaCertificate(input.certIndex, { state: CA_DISP_UNDER_SUBMISSION }));
    ca.registry.setValue(`${ca.registryPath}\\${CA_REGISTRY_VALUES.RequestId.name}`, answer.requestId);
    return { ...result, state: CA_DISP_UNDER_SUBMISSION, parentRequestId: answer.requestId };
  }
  const installed = await installCaCertificate(ca.folder.root, answer.certificate, {
    ...(input.parent.certificates && { parentCertificates: input.parent.certificates }),
  });
  return {
    ...result,
    state: CA_DISP_VALID,
    ...(answer.requestId !== undefined && { parentRequestId: answer.requestId }),
    installed,
  };
}
