import { CA_DISP_VALID } from '../constants/dispositions';
import { EXTENSION_CRITICAL_FLAG, EXTENSION_DISABLE_FLAG, EXTENSION_ORIGIN_MASK } from '../constants/extension-flags';
import { HRESULT_FILE_NOT_FOUND, sameHResult } from '../constants/hresults';
import type { PropertyValueOf } from '../constants/property-types';
import { PROPTYPE_BINARY, PROPTYPE_DATE, PROPTYPE_LONG, PROPTYPE_STRING } from '../constants/property-types';
import { CertexitError } from '../errors/certexit-error';
import { readEventId } from '../idempotency/read-event-id';
import { runOnce } from '../idempotency/run-once';
import type { ICertServerExit } from '../interfaces/cert-server-exit';
import type { ExitModuleServices } from '../interfaces/exit-module-factory';
import type { MaybePromise } from '../interfaces/maybe-promise';
import { enumerateAttributeNames, enumerateExtensionOids } from '../server-exit/enumerate-request';
import { readOptional } from '../server-exit/read-optional';
import type { CrlIssuedExitContext, ExitContext, RequestExitContext } from './exit-context';
import type {
  CaView,
  CertificateView,
  ExtensionView,
  PublishedCrl,
  RequestView,
  SubjectView,
} from './exit-context-views';
import type { ExitEventName } from './exit-event-names';
import { EXIT_EVENT_BITS } from './exit-event-names';

/** What {@link createExitContext} needs: the callback already set to the event's context. */
export interface CreateExitContextOptions<S> {
  readonly event: ExitEventName;
  readonly context: number;
  readonly caName: string;
  readonly settings: S;
  readonly server: ICertServerExit;
  readonly services: ExitModuleServices;
}

/**
 * The `ctx` a `defineExitModule` handler receives. Every read goes through the one `ICertServerExit` of the
 * notification, one call at a time (its last-extension flags and cursors are per-object state, so two reads in
 * flight must not interleave), and each lazy accessor reads once.
 */
export function createExitContext<S>(
  options: CreateExitContextOptions<S>,
): ExitContext<S> | RequestExitContext<S> | CrlIssuedExitContext<S> {
  const { server, services, event } = options;
  const serial = _serializer();
  const certProp = <T extends number>(name: string, type: T) =>
    serial(() => readOptional(() => server.GetCertificateProperty(name, type)));
  const reqProp = <T extends number>(name: string, type: T) =>
    serial(() => readOptional(() => server.GetRequestProperty(name, type)));
  const eventId = _lazyValue(() => serial(() => readEventId(server)));

  const ca: CaView = _lazyObject(
    {
      sanitizedName: () => certProp('SanitizedCAName', PROPTYPE_STRING),
      type: () => certProp('CAType', PROPTYPE_LONG),
      machineDnsName: () => certProp('MachineDNSName', PROPTYPE_STRING),
      certCount: () => certProp('CertCount', PROPTYPE_LONG),
      usesDirectory: async () => _flag(await certProp('fUseDS', PROPTYPE_LONG)),
      deltaCrlsDisabled: async () => _flag(await certProp('fDeltaCRLsDisabled', PROPTYPE_LONG)),
      domainDn: () => certProp('DomainDN', PROPTYPE_STRING),
      configDn: () => certProp('ConfigDN', PROPTYPE_STRING),
    },
    {
      name: options.caName,
      certificate: (index?: number) =>
        certProp(index === undefined ? 'RawCACertificate' : `RawCACertificate.${index}`, PROPTYPE_BINARY),
      property: certProp,
    },
  );

  const base: ExitContext<S> = {
    event,
    exitEvent: EXIT_EVENT_BITS[event],
    context: options.context,
    get eventId() {
      return eventId();
    },
    ca,
    settings: options.settings,
    logger: services.logger,
    signal: services.signal,
    async once(action, work, runOptions) {
      const id = await eventId();
      if (id === undefined) return { status: 'ran', value: await work() };
      return runOnce(services.idempotency, { ...runOptions, eventId: id, action }, work);
    },
    server,
    services,
  };

  if (event === 'shutdown') return base;
  if (event === 'crlIssued') {
    const crls = _lazyValue(() => serial(() => _readPublishedCrls(server)));
    return Object.defineProperty(base, 'crls', { get: crls, enumerable: true }) as CrlIssuedExitContext<S>;
  }

  const extension = (oid: string) => serial(() => _readExtension(server, oid));
  const request: RequestView = _lazyObject(
    {
      id: () => serial(() => server.GetRequestProperty('RequestID', PROPTYPE_LONG)),
      requesterName: () => reqProp('RequesterName', PROPTYPE_STRING),
      callerName: () => reqProp('CallerName', PROPTYPE_STRING),
      disposition: () => reqProp('Disposition', PROPTYPE_LONG),
      dispositionMessage: () => reqProp('DispositionMessage', PROPTYPE_STRING),
      statusCode: () => reqProp('StatusCode', PROPTYPE_LONG),
      type: () => reqProp('RequestType', PROPTYPE_LONG),
      flags: () => reqProp('RequestFlags', PROPTYPE_LONG),
      der: () => reqProp('RawRequest', PROPTYPE_BINARY),
      submittedWhen: () => reqProp('SubmittedWhen', PROPTYPE_DATE),
      resolvedWhen: () => reqProp('ResolvedWhen', PROPTYPE_DATE),
      revokedWhen: () => reqProp('RevokedWhen', PROPTYPE_DATE),
      revokedEffectiveWhen: () => reqProp('RevokedEffectiveWhen', PROPTYPE_DATE),
      revokedReason: () => reqProp('RevokedReason', PROPTYPE_LONG),
      officer: () => reqProp('Officer', PROPTYPE_STRING),
      userDn: () => certProp('UserDN', PROPTYPE_STRING),
      attributes: () => serial(() => _readAttributes(server)),
    },
    {
      subject: _subject((name, type) =>
        reqProp(name === 'DistinguishedName' || name === 'RawName' ? `Request.${name}` : `Subject.${name}`, type),
      ),
      attribute: (name: string) => serial(() => readOptional(() => server.GetRequestAttribute(name))),
      property: reqProp,
    },
  );
  const certificate: CertificateView = _lazyObject(
    {
      der: () => certProp('RawCertificate', PROPTYPE_BINARY),
      serial: () => certProp('SerialNumber', PROPTYPE_STRING),
      hash: () => certProp('CertificateHash', PROPTYPE_STRING),
      template: () => certProp('CertificateTemplate', PROPTYPE_STRING),
      notBefore: () => certProp('NotBefore', PROPTYPE_DATE),
      notAfter: () => certProp('NotAfter', PROPTYPE_DATE),
      subjectKeyIdentifier: () => certProp('SubjectKeyIdentifier', PROPTYPE_STRING),
      upn: () => certProp('UPN', PROPTYPE_STRING),
      publicKeyAlgorithm: () => certProp('PublicKeyAlgorithm', PROPTYPE_STRING),
      publicKeyLength: () => certProp('PublicKeyLength', PROPTYPE_LONG),
      enrollmentFlags: () => certProp('EnrollmentFlags', PROPTYPE_LONG),
      generalFlags: () => certProp('GeneralFlags', PROPTYPE_LONG),
      extensions: () => serial(() => _readExtensions(server)),
    },
    {
      subject: _subject(certProp),
      extension,
      property: certProp,
    },
  );
  return Object.assign(base, { request, certificate }) as RequestExitContext<S>;
}

type _Reader = <T extends number>(name: string, type: T) => Promise<PropertyValueOf<T> | undefined>;

function _subject(read: _Reader): SubjectView {
  const s = (name: string) => () => read(name, PROPTYPE_STRING);
  return _lazyObject(
    {
      distinguishedName: s('DistinguishedName'),
      rawName: () => read('RawName', PROPTYPE_BINARY),
      commonName: s('CommonName'),
      email: s('EMail'),
      organization: s('Organization'),
      orgUnit: s('OrgUnit'),
      country: s('Country'),
      locality: s('Locality'),
      state: s('State'),
      domainComponent: s('DomainComponent'),
      title: s('Title'),
      givenName: s('GivenName'),
      surName: s('SurName'),
      streetAddress: s('StreetAddress'),
      unstructuredName: s('UnstructuredName'),
      deviceSerialNumber: s('DeviceSerialNumber'),
    },
    {},
  );
}

async function _readExtension(server: ICertServerExit, oid: string): Promise<ExtensionView | undefined> {
  const value = await readOptional(() => server.GetCertificateExtension(oid, PROPTYPE_BINARY));
  if (value === undefined) return undefined;
  // Right after the read, on the same object: the flags are those of the last extension read.
  const flags = (await server.GetCertificateExtensionFlags()) >>> 0;
  return {
    oid,
    value,
    flags,
    critical: (flags & EXTENSION_CRITICAL_FLAG) !== 0,
    disabled: (flags & EXTENSION_DISABLE_FLAG) !== 0,
    origin: flags & EXTENSION_ORIGIN_MASK,
  };
}

async function _readExtensions(server: ICertServerExit): Promise<readonly ExtensionView[]> {
  const out: ExtensionView[] = [];
  for (const oid of await enumerateExtensionOids(server)) {
    const view = await _readExtension(server, oid);
    if (view) out.push(view);
  }
  return out;
}

async function _readAttributes(server: ICertServerExit): Promise<Readonly<Record<string, string>>> {
  const out: Record<string, string> = {};
  for (const name of await enumerateAttributeNames(server)) {
    const value = await readOptional(() => server.GetRequestAttribute(name));
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The SDK sample's `_NotifyCRLIssued` loop: for each CA certificate index whose key still publishes CRLs
 * (`CRLState.N` is `CA_DISP_VALID`), `RawCRL.N` and `RawDeltaCRL.N`; a missing delta
 * (`HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)`) is accepted only when `fDeltaCRLsDisabled` is set.
 */
async function _readPublishedCrls(server: ICertServerExit): Promise<readonly PublishedCrl[]> {
  const ca = <T extends number>(name: string, type: T) => readOptional(() => server.GetCertificateProperty(name, type));
  const count = (await ca('CertCount', PROPTYPE_LONG)) ?? 0;
  const deltaDisabled = _flag(await ca('fDeltaCRLsDisabled', PROPTYPE_LONG)) === true;
  const out: PublishedCrl[] = [];
  for (let index = 0; index < count; index++) {
    if ((await ca(`CRLState.${index}`, PROPTYPE_LONG)) !== CA_DISP_VALID) continue;
    const crlIndex = await ca(`CRLIndex.${index}`, PROPTYPE_LONG);
    const base = await ca(`RawCRL.${index}`, PROPTYPE_BINARY);
    let delta: Uint8Array | undefined;
    try {
      delta = await ca(`RawDeltaCRL.${index}`, PROPTYPE_BINARY);
    } catch (error) {
      if (!(deltaDisabled && sameHResult(CertexitError.hresultOf(error), HRESULT_FILE_NOT_FOUND))) throw error;
    }
    out.push({ index, crlIndex, base, delta });
  }
  return out;
}

function _flag(value: number | undefined): boolean | undefined {
  return value === undefined ? undefined : value !== 0;
}

/** Runs calls one after another, whatever the caller awaits or not. */
function _serializer(): <T>(call: () => MaybePromise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(call: () => MaybePromise<T>) => {
    const run = tail.then(call, call);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
}

function _lazyValue<T>(read: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= read();
    return promise;
  };
}

/** An object whose `getters` each read once, on first access, beside plain `members`. */
function _lazyObject<G extends Record<string, () => Promise<unknown>>, M extends object>(
  getters: G,
  members: M,
): M & { readonly [K in keyof G]: ReturnType<G[K]> } {
  const out = { ...members } as Record<string, unknown>;
  for (const [key, read] of Object.entries(getters)) {
    Object.defineProperty(out, key, { get: _lazyValue(read), enumerable: true });
  }
  return out as M & { readonly [K in keyof G]: ReturnType<G[K]> };
}
