import { findRequesterInDirectory } from '../directory/find-requester-in-directory';
import type { PolicyContext } from '../policy/evaluate-request';
import type { EngineServices } from './engine-services';

/** The policy's view of the engine: the CA, the logger, and requester look-ups in the CA's directory. */
export function policyContextOf(engine: Pick<EngineServices, 'ca' | 'logger'>): PolicyContext {
  const { ca, logger } = engine;
  return {
    ca,
    ...(logger && { logger }),
    findRequester: (requesterName) => findRequesterInDirectory(ca, requesterName, logger ? { logger } : {}),
  };
}
