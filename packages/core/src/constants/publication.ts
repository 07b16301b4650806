/** `PublishCertFlags` of the default exit module (CertSrv.h). @see adcs-exit-modules.md §6.1 */
export const EXITPUB_FILE = 0x1;
export const EXITPUB_ACTIVEDIRECTORY = 0x2;
export const EXITPUB_REMOVEOLDCERTS = 0x10;
export const EXITPUB_DEFAULT_ENTERPRISE = EXITPUB_ACTIVEDIRECTORY;
export const EXITPUB_DEFAULT_STANDALONE = EXITPUB_FILE;

/** Flags of `CRLPublicationURLs` / `CACertPublicationURLs` entries (`"<flags>:<template>"`). §7.1 */
export const CSURL_SERVERPUBLISH = 0x1;
export const CSURL_ADDTOCERTCDP = 0x2;
export const CSURL_ADDTOFRESHESTCRL = 0x4;
export const CSURL_ADDTOCRLCDP = 0x8;
export const CSURL_PUBLISHRETRY = 0x10;
export const CSURL_ADDTOCERTOCSP = 0x20;
export const CSURL_SERVERPUBLISHDELTA = 0x40;
export const CSURL_ADDTOIDP = 0x80;
