import { hostname, userInfo } from 'node:os';
import {
  CR_IN_PKCS10,
  DB_DISP_DENIED,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  EXITEVENT_CERTDENIED,
  EXITEVENT_CERTISSUED,
  EXITEVENT_CERTPENDING,
  EXTENSION_CRITICAL_FLAG,
  EXTENSION_ORIGIN_REQUEST,
  readRegistryValue,
} from '@certexit/core';
import type { ParsedCertificationRequest } from '@certexit/x509';
import { nameAttributeValues, parseCertificationRequest } from '@certexit/x509';
import { caRegistryPaths } from '../ca/ca-configuration-paths';
import { decidePolicy } from '../policy/policy-decision';
import { POLICY_MODULE_VALUES, POLICY_MODULES_VALUES } from '../policy/policy-registry-values';
import { buildIssuedCertificate } from './build-issued-certificate';
import type { EngineServices } from './engine-services';
import { namePropertiesOf } from './name-properties-of';
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
  const badSubject = subjectRejection(nameAttributeValues(request.subjectDer));
  if (badSubject)
    return recordRejected(engine, badSubject, { raw: request.der, attributes, requesterName, now, request });
  const policyKey = caRegistryPaths.policyModules(ca.sanitizedName);
  const policy = readRegistryValue(ca.registry.keyAt(policyKey), POLICY_MODULES_VALUES.Active).value;
  const decision = decidePolicy({
    caType: ca.caType,
    attributes,
    templates: ca.templates,
    requestDisposition: readRegistryValue(
      ca.registry.keyAt(`${policyKey}\\${policy}`),
      POLICY_MODULE_VALUES.RequestDisposition,
      ca,
    ).value!,
  });
  const template = 'template' in decision ? decision.template : undefined;
  const requestName = namePropertiesOf(request.subjectDer);
  const issued =
    decision.disposition === DB_DISP_ISSUED
      ? await buildIssuedCertificate(ca, request, template, now, requestName)
      : undefined;
  const statusCode = decision.disposition === DB_DISP_DENIED ? decision.statusCode : 0;
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
    const pendingOrDenied = decision.disposition === DB_DISP_PENDING ? EXITEVENT_CERTPENDING : EXITEVENT_CERTDENIED;
    await tx.recordExitEvent(pendingOrDenied, id);
    return { requestId: id, event: pendingOrDenied };
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
      requestName: context.request ? namePropertiesOf(context.request.subjectDer) : {},
      system: {},
    });
    await tx.setAttributes(id, context.attributes);
    await tx.recordExitEvent(EXITEVENT_CERTDENIED, id);
    return id;
  });
  return engine.describe(requestId, await engine.deliver(EXITEVENT_CERTDENIED, requestId));
}

/** The requester recorded when none is given: `HOST\user` of the process, as a local certreq would. */
export function defaultRequesterName(): string {
  return `${hostname().split('.')[0]!.toUpperCase()}\\${userInfo().username}`;
}
