/**
 * Certificate template flags (certca.h `CT_FLAG_*`; MS-CRTD §2.4, §2.26–2.28). A template carries four flag words:
 * `msPKI-Enrollment-Flag` (kept on the request as `EnrollmentFlags`), `msPKI-Certificate-Name-Flag`,
 * `msPKI-Private-Key-Flag` (`PrivatekeyFlags`) and the general `flags` (`GeneralFlags`). Some values repeat
 * across words with another meaning (0x1 is "include symmetric algorithms" and "enrollee supplies subject").
 */

// msPKI-Enrollment-Flag
/** Include the S/MIME capabilities extension in the request and the certificate. */
export const CT_FLAG_INCLUDE_SYMMETRIC_ALGORITHMS = 0x1;
/** Every request waits for a CA manager's approval ("CA certificate manager approval"). */
export const CT_FLAG_PEND_ALL_REQUESTS = 0x2;
/** KRA templates: publish to `CN=KRA,CN=Public Key Services,...`. */
export const CT_FLAG_PUBLISH_TO_KRA_CONTAINER = 0x4;
/** "Publish certificate in Active Directory": append to the requester's `userCertificate`. */
export const CT_FLAG_PUBLISH_TO_DS = 0x8;
export const CT_FLAG_AUTO_ENROLLMENT_CHECK_USER_DS_CERTIFICATE = 0x10;
export const CT_FLAG_AUTO_ENROLLMENT = 0x20;
export const CT_FLAG_PREVIOUS_APPROVAL_VALIDATE_REENROLLMENT = 0x40;
export const CT_FLAG_DOMAIN_AUTHENTICATION_NOT_REQUIRED = 0x80;
export const CT_FLAG_USER_INTERACTION_REQUIRED = 0x100;
export const CT_FLAG_ADD_TEMPLATE_NAME = 0x200;
export const CT_FLAG_REMOVE_INVALID_CERTIFICATE_FROM_PERSONAL_STORE = 0x400;
export const CT_FLAG_ALLOW_ENROLL_ON_BEHALF_OF = 0x800;
export const CT_FLAG_ADD_OCSP_NOCHECK = 0x1000;
export const CT_FLAG_ENABLE_KEY_REUSE_ON_NT_TOKEN_KEYSET_STORAGE_FULL = 0x2000;
export const CT_FLAG_NOREVOCATIONINFOINISSUEDCERTS = 0x4000;
export const CT_FLAG_INCLUDE_BASIC_CONSTRAINTS_FOR_EE_CERTS = 0x8000;
export const CT_FLAG_ALLOW_PREVIOUS_APPROVAL_KEYBASEDRENEWAL_VALIDATE_REENROLLMENT = 0x10000;
export const CT_FLAG_ISSUANCE_POLICIES_FROM_REQUEST = 0x20000;
export const CT_FLAG_SKIP_AUTO_RENEWAL = 0x40000;
/** No `szOID_NTDS_CA_SECURITY_EXT` (1.3.6.1.4.1.311.25.2) in the certificate (MS-CRTD §2.26; newer SDKs). */
export const CT_FLAG_NO_SECURITY_EXTENSION = 0x80000;

// msPKI-Certificate-Name-Flag
/** The subject comes from the request ("Supply in the request"): the ESC1 risk when authentication EKUs apply. */
export const CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT = 0x1;
/** The subject alternative name comes from the request. */
export const CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT_ALT_NAME = 0x10000;
/** The subject is the requester's full directory DN. */
export const CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH = 0x80000000;
/** The subject is `CN=<the requester's cn>`. */
export const CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME = 0x40000000;
/** The subject carries the requester's `mail` as E=. */
export const CT_FLAG_SUBJECT_REQUIRE_EMAIL = 0x20000000;
/** The subject is `CN=<the computer's dNSHostName>`. */
export const CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN = 0x10000000;
/** The SAN carries the computer's `dNSHostName`. */
export const CT_FLAG_SUBJECT_ALT_REQUIRE_DNS = 0x08000000;
/** The SAN carries the requester's `mail` (rfc822Name). */
export const CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL = 0x04000000;
/** The SAN carries the requester's `userPrincipalName` (otherName 1.3.6.1.4.1.311.20.2.3). */
export const CT_FLAG_SUBJECT_ALT_REQUIRE_UPN = 0x02000000;
/** The SAN carries the requester's `objectGUID` (otherName 1.3.6.1.4.1.311.25.1). */
export const CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID = 0x01000000;
/** The SAN carries names from the requester's `servicePrincipalName` values. */
export const CT_FLAG_SUBJECT_ALT_REQUIRE_SPN = 0x00800000;
/** The SAN carries the requester's domain: its DNS name and its NetBIOS name. */
export const CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS = 0x00400000;
export const CT_FLAG_OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME = 0x8;
/** Obsolete name of {@link CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT} (V1 templates' general flags). */
export const CT_FLAG_IS_SUBJECT_REQ = CT_FLAG_ENROLLEE_SUPPLIES_SUBJECT;
/** V1 general flag: add the principal's e-mail name. */
export const CT_FLAG_ADD_EMAIL = 0x2;
/** V1 general flag: add the principal's object GUID. */
export const CT_FLAG_ADD_OBJ_GUID = 0x4;
export const CT_FLAG_ADD_DIRECTORY_PATH = 0x100;

// msPKI-Private-Key-Flag (the header keeps these CT_FLAG_ names for backwards compatibility)
export const CT_FLAG_ALLOW_PRIVATE_KEY_ARCHIVAL = 0x1;
export const CT_FLAG_REQUIRE_PRIVATE_KEY_ARCHIVAL = 0x1;
export const CT_FLAG_EXPORTABLE_KEY = 0x10;
export const CT_FLAG_STRONG_KEY_PROTECTION_REQUIRED = 0x20;
export const CT_FLAG_REQUIRE_ALTERNATE_SIGNATURE_ALGORITHM = 0x40;

// General flags
/** Computer templates: the certificate belongs to the requester's computer object. */
export const CT_FLAG_MACHINE_TYPE = 0x40;
/** A CA certificate template (basicConstraints cA). */
export const CT_FLAG_IS_CA = 0x80;
export const CT_FLAG_IS_CROSS_CA = 0x800;
export const CT_FLAG_DONOTPERSISTINDB = 0x1000;
export const CT_FLAG_IS_DEFAULT = 0x10000;
export const CT_FLAG_IS_MODIFIED = 0x20000;
/**
 * The general flags' "publish to DS" bit (MS-CRTD §2.4 reuses `CT_FLAG_PUBLISH_TO_DS` = 0x8 there); a certexit name
 * that keeps the two words apart.
 */
export const CT_FLAG_PUBLISH_TO_DS_GENERAL = 0x8;

// Flags of the template enumeration API (CAEnumCertTypes and friends)
export const CT_FLAG_NO_CACHE_LOOKUP = 0x400;
export const CT_FLAG_SCOPE_IS_LDAP_HANDLE = 0x800;
export const CT_FLAG_ENUM_INCLUDE_INVALID_TYPES = 0x4000;
