/** What a parent CA answered to a subordinate CA's request. */
export type ParentCaSubmission =
  | { status: 'issued'; certificate: Uint8Array; requestId?: number }
  | { status: 'pending'; requestId: number; message: string }
  | { status: 'denied'; message: string; requestId?: number };

/**
 * A parent CA reachable online, for AD CS setup's "Send a certificate request to a parent CA": the subordinate's
 * request is submitted at once, an issued certificate is installed at once, and a pending one leaves the CA
 * certificate `CA_DISP_UNDER_SUBMISSION` until `installCaCertificate`. Without one, the request is only written to
 * a file (`CA_DISP_INCOMPLETE`).
 */
export interface ParentCa {
  /** For messages, e.g. the parent CA's name. */
  readonly name: string;
  /** The parent's CA certificates (DER), to verify the issued certificate's chain before installing it. */
  readonly certificates?: readonly Uint8Array[];
  /** Submits the subordinate's PKCS#10 request (DER). */
  submit(request: Uint8Array): Promise<ParentCaSubmission>;
}
