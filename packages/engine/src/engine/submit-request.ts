import { hostname, userInfo } from 'node:os';
import {
  CR_IN_PKCS10,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_ORIGIN_REQUEST,
} from '@certexit/core';
import type { ParsedCertificationRequest } from '@certexit/x509';
import {
  CertificateContentError,
  nameAttributeValues,
  parseCertificationRequest,
  readEnrollmentNameValuePairs,
} from '@certexit/x509';
import type { CertificateTemplate } from '../policy/certificate-template';
import { refusalOfContent } from '../policy/content-refusal';
import { evaluateRequest } from '../policy/evaluate-request';
import type { IssuedCertificate, PreparedCertificate } from './build-issued-certificate';
import { prepareIssuedCertificate, signPreparedCertificate } from './build-issued-certificate';
import type { EngineServices } from './engine-services';
import { namePropertiesOf } from './name-properties-of';
import { policyContextOf } from './policy-context';
import { recordIssuedCertificate } from './record-issued-certificate';
import { parseRequestAttributes } from './request-attributes';
import type { RequestOutcome } from './request-outcome';
import type { RequestRejection } from './request-rejection';
import { MAX_REQUEST_BYTES, oversizedRejection, rejectionOf, subjectRejection } from './request-rejection';

/** A submission, as certreq makes it. */
export interface SubmitInput {
  /** PKCS#10 as PEM, base64 or DER. */
  request: string | Uint8Array;
  /** `Name:Value` attributes (`CertificateTemplate:User`), newline- or `\n`-separated. */
  attributes?: string | readonly string[];
  /** The authenticated requester, `DOMAIN\user`. */
  requesterName?: string;
  /**
   * The groups the requester is in by the CA's own records (the HTTP caller's `caller add --group`, the CLI's
   * `--group`); an enterprise CA adds the directory's, and everyone is in the implicit groups.
   */
  requesterGroups?: readonly string[];
}

/**
 * Submits a PKCS#10 request: the policy decides, and the request row, its attributes and requested extensions,
 * the certificate if issued, and the exit event all commit in one transaction; the event is delivered after.
 * A request that is malformed, truncated, oversized, wrongly signed or names its subject with control characters
 * ends as a failed or denied row with its `StatusCode` and `EXITEVENT_CERTDENIED`, as on AD CS.
 */
export async function submitRequest(engine: EngineServices, input: SubmitInput): Promise<RequestOutcome> {
  const { ca } = engine;
  const attributes = parseRequestAttributes(input.attributes);
  const requesterName = input.requesterName ?? defaultRequesterName();
  const now = engine.now();
  const raw = typeof input.request === 'string' ? new TextEncoder().encode(input.request) : input.request;
  if (raw.length > MAX_REQUEST_BYTES) {
    return recordRejected(engine, oversizedRejection(raw.length), { raw: undefined, attributes, requesterName, now });
  }
  let request: ParsedCertificationRequest;
  try {
    request = await parseCertificationRequest(input.request);
  } catch (error) {
    return recordRejected(engine, rejectionOf(error), { raw, attributes, requesterName, now });
  }
  // certreq's [RequestAttributes] travel inside the request; what the submitter gives (--attrib) wins a name clash.
  const given = new Set(attributes.map(([name]) => name.toLowerCase()));
  attributes.unshift(
    ...readEnrollmentNameValuePairs(request.attributes).filter(([name]) => !given.has(name.toLowerCase())),
  );
  const badSubject = subjectRejection(nameAttributeValues(request.subjectDer));
  if (badSubject)
    return recordRejected(engine, badSubject, { raw: request.der, attributes, requesterName, now, request });
  const verdict = await evaluateRequest(policyContextOf(engine), {
    request,
    attributes,
    requesterName,
    requesterGroups: input.requesterGroups ?? [],
  });
  const rejected = (refusal: RequestRejection, template?: CertificateTemplate) =>
    recordRejected(engine, refusal, { raw: request.der, attributes, requesterName, now, request, template });
  if (verdict.outcome === 'refuse') return rejected(verdict.refusal, verdict.template);
  const { template } = verdict.plan;
  // Every certificate is built and checked before the request is recorded, pending ones too: a request the CA
  // would refuse to sign is denied now, not when a manager approves it.
  let prepared: PreparedCertificate;
  try {
    prepared = await prepareIssuedCertificate(ca, request, verdict.plan, now);
  } catch (error) {
    if (error instanceof CertificateContentError) return rejected(refusalOfContent(error), template);
    throw error;
  }
  const disposition = verdict.outcome === 'issue' ? DB_DISP_ISSUED : DB_DISP_PENDING;
  const decision = { disposition, message: verdict.message };
  const requestName = namePropertiesOf(request.subjectDer);
  const issued: IssuedCertificate | undefined =
    disposition === DB_DISP_ISSUED ? await signPreparedCertificate(ca, prepared) : undefined;
  const statusCode = 0;
  const { requestId, event } = await ca.store.transaction(async (tx) => {
    const id = await tx.insertRequest({
      RawRequest: request.der,
      RequestType: CR_IN_PKCS10,
      RequestFlags: 0,
      StatusCode: statusCode,
      Disposition: decision.disposition,
      DispositionMessage: decision.message,
      SubmittedWhen: now,
      ...(decision.disposition !== DB_DISP_PENDING && { ResolvedWhen: now }),
      RequesterName: requesterName,
      CallerName: requesterName,
      RequestAttributes: attributes.map(([n, v]) => `${n}:${v}`).join('\n'),
      CertificateTemplate: template?.name,
      EnrollmentFlags: template?.enrollmentFlags,
      GeneralFlags: template?.generalFlags,
      PrivatekeyFlags: template?.privateKeyFlags,
      requestName,
      system: {},
    });
    await tx.setAttributes(id, attributes);
    if (issued) {
      await recordIssuedCertificate(tx, id, issued);
      return { requestId: id, event: EXITEVENT_CERTISSUED };
    }
    await tx.setExtensions(
      id,
      request.extensions.map((e) => ({
        oid: e.oid,
        flags: EXTENSION_ORIGIN_REQUEST | (e.critical ? EXTENSION_CRITICAL_FLAG : 0),
        value: e.value,
      })),
    );
    await tx.recordExitEvent(EXITEVENT_CERTPENDING, id);
    return { requestId: id, event: EXITEVENT_CERTPENDING };
  });
  // The outcome is what the transaction committed: no need to read it back.
  const deliveries = await engine.deliver(event, requestId);
  return {
    requestId,
    disposition: decision.disposition,
    message: decision.message,
    statusCode,
    ...(issued && { serialNumber: issued.row.SerialNumber, certificate: issued.row.RawCertificate }),
    deliveries,
  };
}

/** Records a request that cannot be processed as a failed or denied row, with `EXITEVENT_CERTDENIED`. */
async function recordRejected(
  engine: EngineServices,
  rejection: RequestRejection,
  context: {
    raw: Uint8Array | undefined;
    attributes: Array<[string, string]>;
    requesterName: string;
    now: Date;
    request?: ParsedCertificationRequest;
    template?: CertificateTemplate;
  },
): Promise<RequestOutcome> {
  const requestId = await engine.ca.store.transaction(async (tx) => {
    const id = await tx.insertRequest({
      ...(context.raw && { RawRequest: context.raw }),
      RequestType: CR_IN_PKCS10,
      RequestFlags: 0,
      StatusCode: rejection.statusCode,
      Disposition: rejection.disposition,
      DispositionMessage: rejection.message,
      SubmittedWhen: context.now,
      ResolvedWhen: context.now,
      RequesterName: context.requesterName,
      CallerName: context.requesterName,
      RequestAttributes: context.attributes.map(([n, v]) => `${n}:${v}`).join('\n'),
      ...(context.template && {
        CertificateTemplate: context.template.name,
        EnrollmentFlags: context.template.enrollmentFlags | 0,
        GeneralFlags: context.template.generalFlags | 0,
        PrivatekeyFlags: context.template.privateKeyFlags | 0,
      }),
      requestName: context.request ? namePropertiesOf(context.request.subjectDer) : {},
      system: {},
    });
    await tx.setAttributes(id, context.attributes);
    if (context.request)
      await tx.setExtensions(
        id,
        context.request.extensions.map((e) => ({
          oid: e.oid,
          flags: EXTENSION_ORIGIN_REQUEST | (e.critical ? EXTENSION_CRITICAL_FLAG : 0),
          value: e.value,
        })),
      );
    await tx.recordExitEvent(EXITEVENT_CERTDENIED, id);
    return id;
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTDENIED, requestId));
}

/** The requester recorded when none is given: `HOST\user` of the process, as a local certreq would. */
export function defaultRequesterName(): string {
  return `${hostname().split('.')[0]!.toUpperCase()}\\${userInfo().username}`;
}
