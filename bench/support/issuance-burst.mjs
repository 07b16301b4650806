// The burst of issuances the issuance benches time (outbox-issuance, postgres-issuance, delivery-soak): one
// certification request made once and submitted again and again under WebServer (the enrollee supplies the subject)
// by SUBMITTERS concurrent submitters, as a server sees many requests at once.
import * as x509 from '../../packages/x509/dist/index.js';

/** How many submitters send at once. */
export const SUBMITTERS = 16;

/**
 * What each submission of the burst sends: a request for `subject` with a new ECDSA P-256 key, under WebServer, from
 * `requesterName` (a member of `requesterGroups`, when given).
 */
export async function burstSubmission({ subject, requesterName, requesterGroups }) {
  const keyPair = await x509.generateKeyPair('ECDSA_P256');
  const request = x509.toPem(
    await x509.createCertificationRequest({ keyPair, keyAlgorithm: 'ECDSA_P256', subject }),
    'CERTIFICATE REQUEST',
  );
  return {
    request,
    attributes: 'CertificateTemplate:WebServer',
    requesterName,
    ...(requesterGroups !== undefined && { requesterGroups }),
  };
}

/** Submits `submission` `n` times from SUBMITTERS submitters at once; throws unless every one is issued. */
export async function issueBurst(authority, submission, n) {
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async (_, w) => {
      for (let i = w; i < n; i += SUBMITTERS) {
        const outcome = await authority.submit({ ...submission });
        if (outcome.disposition !== 20) throw new Error(`not issued: ${outcome.message}`);
      }
    }),
  );
}

/** Issues `warmUp` certificates untimed, then `count` timed: the issuances per second of the timed burst. */
export async function timedBurst(authority, submission, { warmUp, count }) {
  await issueBurst(authority, submission, warmUp);
  const started = performance.now();
  await issueBurst(authority, submission, count);
  return (count * 1000) / (performance.now() - started);
}
