/** `ICertManageModule::Configure` flags (CertMod.h). 0 shows the configuration UI. */
export const CMM_REFRESHONLY = 0x1;
export const CMM_READONLY = 0x2;

/** Standard `ICertManageModule` property names (CertMod.h); compared case-insensitively. */
export const CMM_PROP_NAME = 'Name';
export const CMM_PROP_DESCRIPTION = 'Description';
export const CMM_PROP_COPYRIGHT = 'Copyright';
export const CMM_PROP_FILEVER = 'File Version';
export const CMM_PROP_PRODUCTVER = 'Product Version';
export const CMM_PROP_DISPLAY_HWND = 'HWND';
export const CMM_PROP_ISMULTITHREADED = 'IsMultiThreaded';

/** The five properties every manage module answers with a string. */
export const CMM_STANDARD_PROPERTIES = [
  CMM_PROP_NAME,
  CMM_PROP_DESCRIPTION,
  CMM_PROP_COPYRIGHT,
  CMM_PROP_FILEVER,
  CMM_PROP_PRODUCTVER,
] as const;
