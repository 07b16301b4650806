/** `ICertConfig::GetConfig` flags (CertCli.h `CC_*`): which CA configuration string to return. */
export const CC_DEFAULTCONFIG = 0;
export const CC_UIPICKCONFIG = 0x1;
export const CC_FIRSTCONFIG = 0x2;
export const CC_LOCALCONFIG = 0x3;
export const CC_LOCALACTIVECONFIG = 0x4;
export const CC_UIPICKCONFIGSKIPLOCALCA = 0x5;
