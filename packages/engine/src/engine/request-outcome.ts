import type { DeliveryRecord } from '../hosting/delivery-record';

/** What a submission, approval, denial, revocation or retrieval ended in. */
export interface RequestOutcome {
  requestId: number;
  /** `DB_DISP_*`. */
  disposition: number;
  message: string;
  /** The HRESULT of the disposition (0 when fine). */
  statusCode: number;
  serialNumber?: string;
  /** The certificate (DER), when there is one. */
  certificate?: Uint8Array;
  /** What each subscribed exit module made of the event. */
  deliveries: DeliveryRecord[];
}
