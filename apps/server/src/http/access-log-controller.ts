import type { FastifyReply, FastifyRequest } from 'fastify';
import { LogController } from 'fastify';

/**
 * The API's request log, in place of fastify's two lines per request (the first with every header, neither naming
 * the caller): one line when a request ends, `request completed` at info (`request errored` at error), with the
 * caller's identity, the status and the time taken; and at debug, when it arrives, `incoming request` with its
 * headers (the logger redacts their credentials), for following a request that never ends.
 */
export class AccessLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request, headers: request.headers }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = {
      req: request,
      caller: request.caller?.identity,
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}
