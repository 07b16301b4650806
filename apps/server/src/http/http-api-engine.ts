import type { CaContext, CrlPublication, RequestOutcome, RevokeOptions, SubmitInput } from '@certexit/engine';

/**
 * The part of `CertificateAuthority` the HTTP API calls. Declared here so the API states what it needs; the
 * engine's façade satisfies it structurally.
 */
export interface HttpApiEngine {
  readonly ca: CaContext;
  /** The loaded exit modules, in ExitModules\\Active order (for CR_PROP_EXITCOUNT / CR_PROP_EXITDESCRIPTION). */
  readonly modules?: ReadonlyArray<{ readonly progId: string; readonly description: string }>;
  /** The ProgIDs the app builds in: known to `module retry` and `module replay` without a registration. */
  readonly builtinProgIds?: readonly string[];
  submit(input: SubmitInput): Promise<RequestOutcome>;
  /** With `requesterName`, another requester's request answers `CERTSRV_E_NO_REQUEST`. */
  retrieve(requestId: number, options?: { requesterName?: string }): Promise<RequestOutcome>;
  resubmit(requestId: number, officer?: string): Promise<RequestOutcome>;
  deny(requestId: number, officer?: string): Promise<RequestOutcome>;
  revoke(serialNumber: string, options: RevokeOptions): Promise<RequestOutcome>;
  unrevoke(serialNumber: string, officer?: string): Promise<RequestOutcome>;
  publishCrls(options: { delta?: boolean }): Promise<CrlPublication>;
  /** Looks for due exit-outbox rows now (after an operator's retry); the lanes also poll. */
  wakeExitOutbox?(): void;
}
