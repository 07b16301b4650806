/** `CAType` (ENUM_CATYPES); 2 is unused. */
export const ENUM_ENTERPRISE_ROOTCA = 0;
export const ENUM_ENTERPRISE_SUBCA = 1;
export const ENUM_STANDALONE_ROOTCA = 3;
export const ENUM_STANDALONE_SUBCA = 4;
export const ENUM_UNKNOWN_CA = 5;

/** True for the enterprise (directory-integrated) CA types. */
export function isEnterpriseCaType(caType: number): boolean {
  return caType === ENUM_ENTERPRISE_ROOTCA || caType === ENUM_ENTERPRISE_SUBCA;
}
