/**
 * Names of the registry-shaped configuration (CertSrv.h `wszREG*`) and the ProgIDs the system knows.
 * @see adcs-exit-modules.md §5
 */
export const REGKEY_CONFIG_PATH = 'SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration';
export const REGKEY_EXIT_MODULES = 'ExitModules';
export const REGKEY_POLICY_MODULES = 'PolicyModules';
export const REGVAL_ACTIVE = 'Active';
export const REGVAL_PUBLISH_CERT_FLAGS = 'PublishCertFlags';
export const REGVAL_CRL_PUBLICATION_URLS = 'CRLPublicationURLs';
export const REGVAL_CACERT_PUBLICATION_URLS = 'CACertPublicationURLs';
export const REGKEY_EXIT_SMTP = 'SMTP';
export const REGKEY_EXIT_SMTP_TEMPLATES = 'Templates';
export const REGVAL_SMTP_EVENT_FILTER = 'EventFilter';
export const REGVAL_SMTP_SERVER = 'SMTPServer';
export const REGVAL_SMTP_AUTHENTICATE = 'SMTPAuthenticate';
/** Substituted in e-mail for a property that cannot be read (`wszREGEXITPROPNOTFOUND`). */
export const REGEXIT_PROP_NOT_FOUND = '???';
/** The request attribute that asks the default module to write the certificate to a file (`wszPROPEXITCERTFILE`). */
export const PROP_EXIT_CERT_FILE = 'CertFile';

/** ProgID suffixes: `<App>.Exit` and `<App>.ExitManage`. */
export const CERTEXITMODULE_POSTFIX = '.Exit';
export const CERTMANAGEEXIT_POSTFIX = '.ExitManage';
/** The Microsoft default exit module's ProgID, kept so configurations carry over. */
export const PROGID_DEFAULT_EXIT = 'CertificateAuthority_MicrosoftDefault.Exit';
export const PROGID_DEFAULT_EXIT_MANAGE = 'CertificateAuthority_MicrosoftDefault.ExitManage';
/** What `CreateObject` takes to reach the callback object. */
export const PROGID_SERVER_EXIT = 'CertificateAuthority.ServerExit';
/**
 * certexit: `CreateObject("CertExit.IdempotencyStore")` gives a late-bound module (a script, a process in any
 * language) the host's idempotency store (`ExitModuleServices.idempotency`).
 */
export const PROGID_IDEMPOTENCY_STORE = 'CertExit.IdempotencyStore';

/** Interface identities (for `QueryInterface`-style capability checks and logs). */
export const IID_ICertExit = 'e19ae1a0-7364-11d0-8816-00a0c903b83c';
export const IID_ICertExit2 = '0abf484b-d049-464d-a7ed-552e7529b0ff';
export const IID_ICertManageModule = 'e7d7ad42-bd3d-11d1-9a4d-00c04fc297eb';
export const IID_ICertServerExit = '4ba9eb90-732c-11d0-8816-00a0c903b83c';
export const CLSID_CCertServerExit = '4c4a5e40-732c-11d0-8816-00a0c903b83c';
