/** `msPKI-Enrollment-Flag` bits the default module reads (kept on the request as `EnrollmentFlags`). */
export const CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS = 0x1;
/** The request waits for a CA manager's approval. */
export const CT_FLAG_PEND_ALL_REQUESTS = 0x2;
/** KRA templates: publish to `CN=KRA,CN=Public Key Services,...`. */
export const CT_FLAG_PUBLISH_TO_KRA_CONTAINER = 0x4;
/** "Publish certificate in Active Directory": append to the requester's `userCertificate`. */
export const CT_FLAG_PUBLISH_TO_DS = 0x8;
export const CT_FLAG_AUTO_ENROLLMENT_CHECK_USER_DS_CERTIFICATE = 0x10;
export const CT_FLAG_AUTO_ENROLLMENT = 0x20;
export const CT_FLAG_PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT = 0x40;
export const CT_FLAG_USER_INTERACTION_REQUIRED = 0x100;
export const CT_FLAG_REMOVE_INVALID_CERTIFICATE_FROM_PERSONAL_STORE = 0x400;
export const CT_FLAG_ALLOW_ENROLL_ON_BEHALF_OF = 0x800;
export const CT_FLAG_NO_SECURITY_EXTENSION = 0x80000;

/** Template general `flags` (kept on the request as `GeneralFlags`). */
export const CT_FLAG_ADD_EMAIL = 0x2;
export const CT_FLAG_PUBLISH_TO_DS_GENERAL = 0x8;
export const CT_FLAG_EXPORTABLE_KEY = 0x10;
/** Computer templates: the certificate belongs to the requester's computer object. */
export const CT_FLAG_MACHINE_TYPE = 0x40;
export const CT_FLAG_IS_CA = 0x80;
export const CT_FLAG_IS_CROSS_CA = 0x800;
export const CT_FLAG_IS_DEFAULT = 0x10000;
export const CT_FLAG_IS_MODIFIED = 0x20000;
