/** The built-in policy module's ProgID. */
export const PROGID_DEFAULT_POLICY = 'CertificateAuthority_MicrosoftDefault.Policy';
/** `RequestDisposition` of the policy module: issue at once, or pending first. */
export const REQDISP_ISSUE = 0x1;
export const REQDISP_PENDINGFIRST = 0x100;
