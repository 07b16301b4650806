import {
  CERTSRV_E_PROPERTY_EMPTY,
  CT_FLAG_PEND_ALL_REQUESTS,
  DB_DISP_REVOKED,
  E_INVALIDARG,
  HRESULT_FILE_NOT_FOUND,
} from '@certexit/core';
import type {
  AuditRecord,
  RequestViewColumn,
  RequestViewCursor,
  RequestViewFilter,
  RequestViewFolder,
  RequestViewRow,
} from '@certexit/engine';
import {
  dispositionText,
  exitQueueItem,
  listTemplateViews,
  REQUEST_VIEW_COLUMN_TYPES,
  REQUEST_VIEW_SORTS,
  REVOCATION_REASONS,
} from '@certexit/engine';
import type { CertificateInfo } from '@certexit/x509';
import { describeCertificate, OID_NAMES, parseCertificate, toPem, verifyCertificateSignature } from '@certexit/x509';
import type { FastifyRequest } from 'fastify';
import type { ApiHandler } from './api-route-types';
import type { PropertyTab, PropertyTabChange } from './ca-property-tabs';
import {
  AIA_URL_FLAGS,
  CRL_URL_FLAGS,
  changeCaPropertyTab,
  EDIT_FLAGS,
  PUBLISH_CERT_FLAGS,
  readCaPropertyTabs,
  undoPropertyChanges,
} from './ca-property-tabs';
import type { Caller } from './caller-directory';
import { roleAtLeast } from './caller-directory';
import type { DeliveryHistory } from './delivery-history';
import type { HttpApiEngine } from './http-api-engine';
import { HttpError } from './http-error';

/** The operations of the console's routes (console-api-routes.ts). */
export type ConsoleOperationId =
  | 'listTemplateFolder'
  | 'listFolder'
  | 'getCertificateView'
  | 'downloadCertificate'
  | 'listExitModules'
  | 'getDeliveryHistory'
  | 'getCaProperties'
  | 'setCaProperties'
  | 'getAuditLog';

/**
 * The handlers of the console's routes. A requester reads only its own rows and certificates (another's answer
 * 404, as if absent); officers and managers read everything; only managers change the CA's properties, and each
 * changed value goes to the audit log with the caller, its role, and the old and new value.
 */
export function consoleApiHandlers(
  engine: HttpApiEngine,
  options: { history?: DeliveryHistory },
): Record<ConsoleOperationId, ApiHandler> {
  const { ca } = engine;
  const certificateOf = async (request: FastifyRequest) => {
    const serial = (request.params as { serial: string }).serial.toLowerCase();
    const caller = _caller(request);
    const requestId = await ca.store.findRequestIdBySerial(serial);
    const row = requestId === undefined ? undefined : await ca.store.getRequest(requestId);
    const certificate = requestId === undefined ? undefined : await ca.store.getCertificate(requestId);
    const own = !row || roleAtLeast(caller.role, 'officer') || _sameName(row.RequesterName, caller.identity);
    if (!row || !certificate || !own)
      throw new HttpError(404, `there is no certificate with serial number ${serial}`, CERTSRV_E_PROPERTY_EMPTY);
    return { row, certificate };
  };

  return {
    async listTemplateFolder() {
      // As certsrv.msc's folder: the templates on the CA's list (CATemplates), the ones it issues.
      return {
        templates: listTemplateViews(ca)
          .filter((t) => t.onCaList)
          .map((t) => ({
            name: t.name,
            displayName: t.displayName,
            oid: t.oid,
            purposes: t.extendedKeyUsage.length ? t.extendedKeyUsage.map((oid) => OID_NAMES[oid] ?? oid) : ['<All>'],
            validityDays: t.validityDays,
            pendsForApproval: (t.enrollmentFlags & CT_FLAG_PEND_ALL_REQUESTS) !== 0 || t.raSignatures > 0,
          })),
      };
    },

    async listFolder(request) {
      const { folder } = request.params as { folder: RequestViewFolder };
      const query = request.query as {
        sort?: RequestViewColumn;
        desc?: boolean;
        limit?: number;
        after?: string;
        before?: string;
        filter?: string[];
      };
      const caller = _caller(request);
      const sort = query.sort ?? 'RequestID';
      const sorts = REQUEST_VIEW_SORTS[folder];
      const filters = (query.filter ?? []).map(_parseFilter);
      let page: Awaited<ReturnType<typeof ca.store.viewRequestPage>>;
      try {
        page = await ca.store.viewRequestPage({
          folder,
          sort,
          descending: query.desc === true,
          filters,
          limit: query.limit ?? 50,
          ...(query.after && { after: _cursor(query.after) }),
          ...(query.before && { before: _cursor(query.before) }),
          ...(!roleAtLeast(caller.role, 'officer') && { requesterName: caller.identity }),
        });
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, (error as Error).message, E_INVALIDARG);
      }
      return {
        folder,
        sort,
        desc: query.desc === true,
        sorts,
        rows: page.rows.map(_rowJson),
        ...(page.next && { next: _encodeCursor(page.next) }),
        ...(page.previous && { previous: _encodeCursor(page.previous) }),
      };
    },

    async getCertificateView(request) {
      const { row, certificate } = await certificateOf(request);
      const info = await parseCertificate(certificate.RawCertificate);
      const description = await describeCertificate(info);
      const now = new Date();
      const revoked = row.Disposition === DB_DISP_REVOKED;
      const status = revoked
        ? 'revoked'
        : info.notAfter < now
          ? 'expired'
          : info.notBefore > now
            ? 'not-yet-valid'
            : 'valid';
      const reasonText = _reasonText(row.RevokedReason);
      return {
        serialNumber: info.serialNumberHex,
        requestId: row.RequestID,
        ...(row.RequesterName && { requesterName: row.RequesterName }),
        disposition: row.Disposition,
        status,
        statusText: {
          valid: 'This certificate is OK.',
          revoked: `This certificate has been revoked by its certification authority${reasonText ? ` (${reasonText})` : ''}.`,
          expired: 'This certificate has expired or is not yet valid.',
          'not-yet-valid': 'This certificate has expired or is not yet valid.',
        }[status],
        ...(revoked && row.RevokedWhen && { revokedWhen: row.RevokedWhen.toISOString() }),
        ...(revoked && row.RevokedReason !== undefined && { revokedReason: row.RevokedReason }),
        ...(revoked && reasonText && { revokedReasonText: reasonText }),
        general: {
          purposes: description.purposes,
          issuedTo: description.issuedTo,
          issuedBy: description.issuedBy,
          notBefore: description.notBefore.toISOString(),
          notAfter: description.notAfter.toISOString(),
          isCa: description.isCa,
        },
        fields: description.fields,
        sha1Thumbprint: description.sha1Thumbprint,
        sha256Thumbprint: description.sha256Thumbprint,
        path: await _certificationPath(engine, info, status),
      };
    },

    async downloadCertificate(request, reply) {
      const { certificate } = await certificateOf(request);
      const format = (request.query as { format?: 'der' | 'pem' }).format ?? 'pem';
      const name = `${certificate.SerialNumber}.${format === 'der' ? 'cer' : 'crt'}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (format === 'der') {
        reply.type('application/pkix-cert');
        return Buffer.from(certificate.RawCertificate);
      }
      reply.type('application/x-pem-file');
      return toPem(certificate.RawCertificate, 'CERTIFICATE');
    },

    async listExitModules() {
      const now = new Date();
      const modules = engine.modules ?? [];
      const counts = await ca.store.outbox.counts(now);
      const names = [...new Set([...modules.map((m) => m.progId), ...counts.map((c) => c.progId)])];
      const out = [];
      for (const progId of names) {
        const mine = counts.filter((c) => c.progId === progId);
        const total = (status: string) => mine.filter((c) => c.status === status).reduce((n, c) => n + c.count, 0);
        const open = mine.filter((c) => c.status === 'pending' || c.status === 'delivering');
        const oldestOpen = open.reduce<Date | undefined>(
          (oldest, c) => (oldest === undefined || c.oldestAt < oldest ? c.oldestAt : oldest),
          undefined,
        );
        const rows = await ca.store.outbox.list({ progId, limit: 50 });
        const failed = [...rows]
          .filter((r) => r.lastError !== undefined)
          .sort((a, b) => +b.updatedAt - +a.updatedAt)[0];
        out.push({
          progId,
          description: modules.find((m) => m.progId === progId)?.description ?? progId,
          counts: {
            pending: total('pending'),
            delivering: total('delivering'),
            done: total('done'),
            dead: total('dead'),
          },
          ...(oldestOpen && {
            oldestOpenAt: oldestOpen.toISOString(),
            oldestOpenAgeSeconds: Math.max(0, (now.getTime() - oldestOpen.getTime()) / 1000),
          }),
          ...(failed && {
            lastError: {
              id: failed.id,
              ...(exitQueueItem(failed).lastHresult && { hresult: exitQueueItem(failed).lastHresult }),
              message: failed.lastError,
              at: failed.updatedAt.toISOString(),
            },
          }),
          items: rows.map(exitQueueItem),
        });
      }
      return { modules: out };
    },

    async getDeliveryHistory(request) {
      const minutes = (request.query as { minutes?: number }).minutes ?? 60;
      const series = options.history?.series(
        minutes,
        (engine.modules ?? []).map((m) => m.progId),
      ) ?? {
        from: new Date(Date.now() - minutes * 60_000),
        to: new Date(),
        modules: [],
      };
      return {
        bucketSeconds: 60,
        from: series.from.toISOString(),
        to: series.to.toISOString(),
        modules: series.modules.map((m) => ({
          progId: m.progId,
          points: m.points.map((p) => ({ ...p, at: p.at.toISOString() })),
        })),
      };
    },

    async getCaProperties(request) {
      const tabs = readCaPropertyTabs(ca, engine.modules ?? []);
      const [base, delta] = await Promise.all([
        ca.store.getLatestCrlInfo(ca.keyIndex, false),
        ca.store.getLatestCrlInfo(ca.keyIndex, true),
      ]);
      return {
        ...tabs,
        ...(base?.nextPublish && { nextCrl: base.nextPublish.toISOString() }),
        ...(delta?.nextPublish &&
          tabs.crlSchedule.CRLDeltaPeriodUnits > 0 && { nextDeltaCrl: delta.nextPublish.toISOString() }),
        flagNames: { crl: CRL_URL_FLAGS, aia: AIA_URL_FLAGS, publishCert: PUBLISH_CERT_FLAGS, edit: EDIT_FLAGS },
        canChange: _caller(request).role === 'manager',
      };
    },

    async setCaProperties(request) {
      const caller = _caller(request);
      const { tab } = request.params as { tab: PropertyTab };
      let changes: ReturnType<typeof changeCaPropertyTab>;
      try {
        changes = changeCaPropertyTab(ca, tab, request.body as PropertyTabChange);
      } catch (error) {
        throw new HttpError(400, (error as Error).message, E_INVALIDARG);
      }
      const at = new Date();
      const recorded = [];
      try {
        for (const change of changes) {
          const entry = {
            at,
            identity: caller.identity,
            role: caller.role,
            action: `set ${tab}`,
            target: change.target,
            ...(change.oldValue !== undefined && { oldValue: JSON.stringify(change.oldValue) }),
            newValue: JSON.stringify(change.newValue),
          };
          const auditId = await ca.store.recordAudit(entry);
          // AD CS's event 4892, "A property of Certificate Services changed", with who and from what to what.
          request.log.info(
            { event: 4892, audit: auditId, caller: caller.identity, role: caller.role, ...change },
            'a property of the CA changed',
          );
          recorded.push({
            auditId,
            target: change.target,
            oldValue: change.oldValue ?? null,
            newValue: change.newValue,
          });
        }
      } catch (error) {
        // A change nobody could see in the audit log is not made.
        undoPropertyChanges(ca, changes);
        throw error;
      }
      return { changes: recorded };
    },

    async getAuditLog(request) {
      const query = request.query as { before?: number; limit?: number };
      const entries = await ca.store.listAudit({ before: query.before, limit: query.limit ?? 100 });
      return { entries: entries.map(_auditJson) };
    },
  };
}

function _caller(request: FastifyRequest): Caller {
  if (!request.caller) throw new HttpError(401, 'this route needs a caller', HRESULT_FILE_NOT_FOUND);
  return request.caller;
}

function _sameName(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function _reasonText(reason: number | undefined): string | undefined {
  if (reason === undefined) return undefined;
  return Object.entries(REVOCATION_REASONS).find(([, code]) => code === reason)?.[0];
}

/** `Column:op:value`; the value may hold colons (a date-time). */
function _parseFilter(text: string): RequestViewFilter {
  const match = /^([A-Za-z]+):(prefix|eq|lt|le|gt|ge):(.*)$/s.exec(text);
  if (!match) throw new HttpError(400, `filter ${JSON.stringify(text)} is not Column:op:value`, E_INVALIDARG);
  const column = match[1] as RequestViewColumn;
  const type = REQUEST_VIEW_COLUMN_TYPES[column];
  if (!type) throw new HttpError(400, `filter ${JSON.stringify(text)}: no column ${match[1]}`, E_INVALIDARG);
  const raw = match[3]!;
  let value: string | number | Date = raw;
  if (type === 'number') {
    if (!/^\d{1,15}$/.test(raw))
      throw new HttpError(400, `filter ${column} takes a whole number, not ${JSON.stringify(raw)}`, E_INVALIDARG);
    value = Number(raw);
  } else if (type === 'date') {
    value = new Date(raw);
    if (Number.isNaN(value.getTime()))
      throw new HttpError(400, `filter ${column} takes a date (ISO 8601), not ${JSON.stringify(raw)}`, E_INVALIDARG);
  }
  return { column, op: match[2] as RequestViewFilter['op'], value };
}

/** A page cursor as the client holds it: opaque base64url JSON. */
function _encodeCursor(cursor: RequestViewCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');
}

function _cursor(text: string): RequestViewCursor {
  try {
    const [key, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((typeof key === 'string' || typeof key === 'number') && typeof id === 'number') return { key, id };
  } catch {
    // Refused below.
  }
  throw new HttpError(400, 'the page cursor is not valid: start again from the first page', E_INVALIDARG);
}

function _rowJson(row: RequestViewRow): Record<string, unknown> {
  const iso = (d: Date | undefined) => d?.toISOString();
  const reason = row.Disposition === DB_DISP_REVOKED ? _reasonText(row.RevokedReason) : undefined;
  return {
    requestId: row.RequestID,
    disposition: row.Disposition,
    dispositionText: dispositionText(row.Disposition),
    ...(row.DispositionMessage !== undefined && { dispositionMessage: row.DispositionMessage }),
    statusCode: row.StatusCode,
    ...(row.RequesterName !== undefined && { requesterName: row.RequesterName }),
    ...(row.CommonName !== undefined && { commonName: row.CommonName }),
    ...(row.CertificateTemplate !== undefined && { certificateTemplate: row.CertificateTemplate }),
    submittedWhen: row.SubmittedWhen.toISOString(),
    ...(row.ResolvedWhen && { resolvedWhen: iso(row.ResolvedWhen) }),
    ...(row.RevokedWhen && { revokedWhen: iso(row.RevokedWhen) }),
    ...(row.RevokedEffectiveWhen && { revokedEffectiveWhen: iso(row.RevokedEffectiveWhen) }),
    ...(row.RevokedReason !== undefined && { revokedReason: row.RevokedReason }),
    ...(reason && { revokedReasonText: reason }),
    ...(row.Officer !== undefined && { officer: row.Officer }),
    ...(row.SerialNumber !== undefined && { serialNumber: row.SerialNumber }),
    ...(row.NotBefore && { notBefore: iso(row.NotBefore) }),
    ...(row.NotAfter && { notAfter: iso(row.NotAfter) }),
  };
}

function _auditJson(entry: AuditRecord): Record<string, unknown> {
  return { ...entry, at: entry.at.toISOString() };
}

/**
 * The Certification Path tab: the CA certificate that signed this one (found among the CA's own certificates by
 * key identifier or name, its signature checked), up to a self-signed root where the CA has it; root first. A
 * subordinate's parent is not kept by the CA: it shows as missing, as Windows shows an issuer it cannot find.
 */
async function _certificationPath(
  engine: HttpApiEngine,
  leaf: CertificateInfo,
  leafStatus: string,
): Promise<Array<Record<string, unknown>>> {
  const caCertificates: CertificateInfo[] = [];
  for (const row of await engine.ca.store.listCaCertificates())
    if (row.raw) caCertificates.push(await parseCertificate(row.raw));
  const entry = (info: CertificateInfo, status: string) => ({
    name: _commonNameOf(info),
    subject: info.subjectDn,
    serialNumber: info.serialNumberHex,
    status,
  });
  const path: Array<Record<string, unknown>> = [
    entry(
      leaf,
      { valid: 'OK', revoked: 'Revoked', expired: 'Expired', 'not-yet-valid': 'Not yet valid' }[leafStatus] ??
        leafStatus,
    ),
  ];
  let current = leaf;
  for (let depth = 0; depth < 8; depth++) {
    if (current.subjectDn === current.issuerDn && depth > 0) break;
    const candidates = caCertificates.filter((c) =>
      current.authorityKeyIdentifier && c.subjectKeyIdentifier
        ? c.subjectKeyIdentifier === current.authorityKeyIdentifier
        : c.subjectDn === current.issuerDn,
    );
    let issuer: CertificateInfo | undefined;
    for (const candidate of candidates)
      if (await verifyCertificateSignature(current, candidate.subjectPublicKeyInfo)) issuer = candidate;
    if (!issuer) {
      if (current.subjectDn !== current.issuerDn)
        path.unshift({ name: current.issuerDn, serialNumber: '', status: 'Not available', missing: true });
      break;
    }
    const now = new Date();
    path.unshift(entry(issuer, issuer.notAfter < now || issuer.notBefore > now ? 'Expired' : 'OK'));
    if (issuer.subjectDn === issuer.issuerDn) break;
    current = issuer;
  }
  return path;
}

function _commonNameOf(info: CertificateInfo): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(info.subjectDn)?.[1] ?? info.subjectDn;
}
