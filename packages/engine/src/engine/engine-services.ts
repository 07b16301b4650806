import type { Logger } from '@certexit/core';
import type { CaContext } from '../ca/ca-context';
import type { DeliveryRecord } from '../hosting/delivery-record';
import type { RequestOutcome } from './request-outcome';

/**
 * What an engine operation (submit, revoke, publish a CRL, …) works with. Operations are functions over this, so
 * each lives in its own file and the `CertificateAuthority` façade only delegates.
 */
export interface EngineServices {
  readonly ca: CaContext;
  /** Where the policy's warnings go (e.g. `EDITF_ATTRIBUTESUBJECTALTNAME2` in use). */
  readonly logger?: Logger;
  now(): Date;
  /** Delivers an exit event that was committed with its state change. Never rejects. */
  deliver(event: number, context: number): Promise<DeliveryRecord[]>;
  /** A request's current outcome from the database, with the deliveries of its last event. */
  describe(requestId: number, deliveries: DeliveryRecord[]): Promise<RequestOutcome>;
}
