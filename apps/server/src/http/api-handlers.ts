import {
  CERTSRV_E_BAD_REQUESTSTATUS,
  CERTSRV_E_PROPERTY_EMPTY,
  CertexitError,
  DB_DISP_DENIED,
  DB_DISP_ERROR,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  DB_DISP_REVOKED,
  E_ACCESSDENIED,
  E_INVALIDARG,
  ENUM_ENTERPRISE_ROOTCA,
  ENUM_ENTERPRISE_SUBCA,
  ENUM_STANDALONE_ROOTCA,
  ENUM_STANDALONE_SUBCA,
  HRESULT_FILE_NOT_FOUND,
} from '@certexit/core';
import type { RequestOutcome } from '@certexit/engine';
import {
  deltaCrlsEnabled,
  dispositionText,
  dropExitQueueItem,
  exitQueueReport,
  parseRequestAttributes,
  REVOCATION_REASONS,
  RegistryFile,
  readCrlScheduleSettings,
  replayExitEvents,
  retryExitQueue,
} from '@certexit/engine';
import { toPem } from '@certexit/x509';
import type { FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { ApiHandler } from './api-route-types';
import type { ApiOperationId } from './api-routes';
import type { Caller } from './caller-directory';
import { roleAtLeast } from './caller-directory';
import { consoleApiHandlers } from './console-api-handlers';
import type { DeliveryHistory } from './delivery-history';
import type { HttpApiEngine } from './http-api-engine';
import { HttpError } from './http-error';
import { deliveryJson, outcomeJson, requestSummaryJson } from './request-json';
import type { ServerMetrics } from './server-metrics';
import { templateHandlers } from './template-handlers';

export type { ApiHandler } from './api-route-types';

/** What the handlers need besides the engine. */
export interface ApiHandlerDependencies {
  metrics?: ServerMetrics;
  metricsRegistry?: Registry;
  /** The OpenAPI document `/openapi.json` serves. */
  document: object;
  /** Deliveries per minute for the console's chart. */
  history?: DeliveryHistory;
}

/**
 * The handler of every operation in the route table, keyed by `operationId` (the type makes the two lists
 * match). Each acts as the authenticated caller: the requester name of a submission and the officer of an
 * approval, denial or revocation are the caller's identity.
 */
export function createApiHandlers(
  engine: HttpApiEngine,
  dependencies: ApiHandlerDependencies,
): Record<ApiOperationId, ApiHandler> {
  const { metrics } = dependencies;
  const timed = async (operation: string, run: () => Promise<RequestOutcome>) => {
    const started = performance.now();
    const outcome = await run();
    metrics?.observeOutcome(operation, outcome, (performance.now() - started) / 1000);
    return outcome;
  };

  return {
    ...consoleApiHandlers(engine, { history: dependencies.history }),
    ...templateHandlers(engine),
    async getExitQueue(request) {
      const query = request.query as { module?: string; limit?: number };
      return exitQueueReport(engine.ca.store.outbox, {
        progId: query.module,
        limit: query.limit,
        sanitizedCaName: engine.ca.sanitizedName,
      });
    },
    async retryExitQueue(request) {
      const rows = await retryExitQueue(
        engine.ca,
        (request.body as { target: string }).target,
        engine.builtinProgIds ?? [],
      );
      engine.wakeExitOutbox?.();
      return { retried: rows.length, ids: rows.map((r) => r.id) };
    },
    async replayExitEvents(request, reply) {
      const body = request.body as { module: string; since: string; events?: string | number; limit?: number };
      const result = await replayExitEvents(engine.ca, {
        progId: body.module,
        since: body.since,
        builtinProgIds: engine.builtinProgIds ?? [],
        ...(body.events !== undefined && { events: body.events }),
        ...(body.limit !== undefined && { limit: body.limit }),
        requestedBy: _caller(request).identity,
      });
      engine.wakeExitOutbox?.();
      reply.code(201);
      return result;
    },
    async dropExitQueueItem(request) {
      const { id } = request.params as { id: number };
      const result = await dropExitQueueItem(engine.ca.store.outbox, id);
      if (!result.dropped)
        throw new HttpError(/does not exist/.test(result.reason ?? '') ? 404 : 409, result.reason ?? '');
      return { id, dropped: true };
    },
    async submitRequest(request, reply) {
      const caller = _caller(request);
      const body = request.body as { request: string; attributes?: string[] };
      try {
        parseRequestAttributes(body.attributes);
      } catch (error) {
        throw new HttpError(400, `body.attributes: ${(error as Error).message}`);
      }
      const outcome = await timed('submit', () =>
        engine.submit({
          request: body.request,
          attributes: body.attributes,
          requesterName: caller.identity,
          requesterGroups: caller.groups,
        }),
      );
      if (outcome.disposition === DB_DISP_ERROR) {
        // The engine recorded a failed row (unparsable or wrongly signed request): a client error, named.
        throw new HttpError(400, outcome.message, (outcome.statusCode || E_INVALIDARG) >>> 0, {
          requestId: outcome.requestId,
          disposition: outcome.disposition,
          statusCode: outcome.statusCode,
          dispositionMessage: outcome.message,
        });
      }
      reply.code(201).header('location', `/v1/requests/${outcome.requestId}`);
      return outcomeJson(outcome);
    },

    async listRequests(request) {
      const query = request.query as { disposition?: string; limit?: number };
      const dispositions = query.disposition?.split(',').map(_disposition);
      const rows = await engine.ca.store.listRequests({ dispositions, limit: query.limit ?? 100 });
      const requests = [];
      for (const row of rows) {
        const hasCertificate = row.Disposition === DB_DISP_ISSUED || row.Disposition === DB_DISP_REVOKED;
        const certificate = hasCertificate ? await engine.ca.store.getCertificate(row.RequestID) : undefined;
        requests.push(requestSummaryJson(row, certificate?.SerialNumber));
      }
      return { requests };
    },

    async getRequest(request) {
      const { id } = request.params as { id: number };
      const outcome = await engine.retrieve(id, _ownerFilter(_caller(request)));
      const row = await engine.ca.store.getRequest(id);
      return { ...(row && requestSummaryJson(row, outcome.serialNumber)), ...outcomeJson(outcome) };
    },

    async getRequestCertificate(request, reply) {
      const { id } = request.params as { id: number };
      const outcome = await engine.retrieve(id, _ownerFilter(_caller(request)));
      if (!outcome.certificate) {
        throw new HttpError(
          404,
          `request ${id} has no certificate: it is ${dispositionText(outcome.disposition).toLowerCase()} (${outcome.message})`,
          CERTSRV_E_PROPERTY_EMPTY,
        );
      }
      reply.type('application/x-pem-file');
      return toPem(outcome.certificate, 'CERTIFICATE');
    },

    async approveRequest(request) {
      const { id } = request.params as { id: number };
      return outcomeJson(await timed('approve', () => engine.resubmit(id, _caller(request).identity)));
    },

    async denyRequest(request) {
      const { id } = request.params as { id: number };
      return outcomeJson(await timed('deny', () => engine.deny(id, _caller(request).identity)));
    },

    async revokeCertificate(request) {
      const { serial } = request.params as { serial: string };
      const body = request.body as { reason: number | keyof typeof REVOCATION_REASONS; effectiveWhen?: string };
      const reason = typeof body.reason === 'number' ? body.reason : REVOCATION_REASONS[body.reason];
      const effectiveWhen = body.effectiveWhen === undefined ? undefined : new Date(body.effectiveWhen);
      const officer = _caller(request).identity;
      return outcomeJson(
        await timed('revoke', () =>
          engine.revoke(serial, { reason, ...(effectiveWhen && { effectiveWhen }), officer }),
        ),
      );
    },

    async unrevokeCertificate(request) {
      const { serial } = request.params as { serial: string };
      return outcomeJson(await timed('unrevoke', () => engine.unrevoke(serial, _caller(request).identity)));
    },

    async publishCrls(request) {
      const delta = (request.body as { delta?: boolean } | undefined)?.delta === true;
      if (delta && !deltaCrlsEnabled(readCrlScheduleSettings(engine.ca))) {
        throw new HttpError(
          409,
          'delta CRLs are disabled on this CA (CRLDeltaPeriodUnits is 0): publish a base CRL, or enable deltas with "certexit setreg CA\\CRLDeltaPeriodUnits 1"',
          CERTSRV_E_BAD_REQUESTSTATUS,
        );
      }
      const publication = await engine.publishCrls({ delta });
      return {
        crls: publication.crls.map((crl) => ({
          ...crl,
          thisUpdate: crl.thisUpdate.toISOString(),
          nextUpdate: crl.nextUpdate.toISOString(),
          nextPublish: crl.nextPublish.toISOString(),
        })),
        failures: publication.failures,
        deliveries: publication.deliveries.map(deliveryJson),
      };
    },

    async getCa() {
      const { ca } = engine;
      return {
        name: ca.commonName,
        sanitizedName: ca.sanitizedName,
        type: ca.caType,
        typeName: _CA_TYPE_NAMES[ca.caType] ?? 'unknown',
        certificate: toPem(ca.certificate.der, 'CERTIFICATE'),
        certIndex: ca.certIndex,
        keyIndex: ca.keyIndex,
        keyAlgorithm: ca.keyAlgorithm,
        exitModules: (engine.modules ?? []).map((m) => ({ progId: m.progId, description: m.description })),
      };
    },

    async health(request) {
      // Real reads of what every API call needs: the registry file (as on disk now, not a cached copy) and the
      // database (the schema version and the newest request row).
      let part = 'registry';
      try {
        RegistryFile.read(engine.ca.registry.file);
        part = 'database';
        const schemaVersion = await engine.ca.store.schemaVersion();
        await engine.ca.store.listRequests({ limit: 1 });
        return { status: 'ok', schemaVersion };
      } catch (error) {
        // Anyone may ask: the details go to the log only.
        request.log.error({ err: error, part }, `health check failed: the CA ${part} cannot be read`);
        throw new HttpError(
          503,
          `the CA ${part} cannot be read; the server log has the details under request id ${request.id}`,
          CertexitError.hresultOf(error),
        );
      }
    },

    async metrics(_request, reply) {
      const registry = dependencies.metricsRegistry;
      if (!registry) throw new HttpError(404, 'metrics are not enabled on this server', HRESULT_FILE_NOT_FOUND);
      reply.type(registry.contentType);
      return registry.metrics();
    },

    async openapi() {
      return dependencies.document;
    },
  };
}

const _DISPOSITION_NAMES: Record<string, number> = {
  pending: DB_DISP_PENDING,
  issued: DB_DISP_ISSUED,
  revoked: DB_DISP_REVOKED,
  failed: DB_DISP_ERROR,
  denied: DB_DISP_DENIED,
};

const _CA_TYPE_NAMES: Record<number, string> = {
  [ENUM_ENTERPRISE_ROOTCA]: 'enterprise-root',
  [ENUM_ENTERPRISE_SUBCA]: 'enterprise-subordinate',
  [ENUM_STANDALONE_ROOTCA]: 'standalone-root',
  [ENUM_STANDALONE_SUBCA]: 'standalone-subordinate',
};

function _disposition(text: string): number {
  return _DISPOSITION_NAMES[text] ?? Number(text);
}

function _caller(request: FastifyRequest): Caller {
  // The onRequest hook authenticated every route that reaches a handler needing a caller.
  if (!request.caller) throw new HttpError(401, 'this route needs a bearer token', E_ACCESSDENIED);
  return request.caller;
}

/** Requesters see only their own requests; officers and managers see all. */
function _ownerFilter(caller: Caller): { requesterName?: string } {
  return roleAtLeast(caller.role, 'officer') ? {} : { requesterName: caller.identity };
}
