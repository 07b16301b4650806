/** CRL extensions that name where a CRL lives: Issuing Distribution Point and Microsoft's Published CRL Locations. */
import { concatBytes, encodeSequence, encodeTlv } from './der';
import type { X509Extension } from './extensions';
import { crlDistributionPoints } from './extensions';
import { X509ArgumentError } from './x509-error';

/** issuingDistributionPoint (2.5.29.28). */
export const OID_ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
/** Microsoft szOID_CRL_SELF_CDP: where the CA published this CRL (`CSURL_ADDTOCRLCDP`). */
export const OID_MS_CRL_SELF_CDP = '1.3.6.1.4.1.311.21.14';

/**
 * issuingDistributionPoint (2.5.29.28), critical as RFC 5280 §5.2.5 requires, with one full name per URL and no
 * scope restriction (the CRL covers every certificate of its key).
 *
 * ```asn1
 * IssuingDistributionPoint ::= SEQUENCE {
 *      distributionPoint          [0] DistributionPointName OPTIONAL,
 *      onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
 *      onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
 *      onlySomeReasons            [3] ReasonFlags OPTIONAL,
 *      indirectCRL                [4] BOOLEAN DEFAULT FALSE,
 *      onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
 * DistributionPointName ::= CHOICE {
 *      fullName                   [0] GeneralNames,
 *      nameRelativeToCRLIssuer    [1] RelativeDistinguishedName }
 * ```
 */
export function issuingDistributionPoint(urls: readonly string[]): X509Extension {
  if (urls.length === 0) throw new X509ArgumentError('issuingDistributionPoint: at least one URL is required');
  const names = urls.map((url) => {
    if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:[\x21-\x7e]+$/.test(url)) {
      throw new X509ArgumentError(`issuingDistributionPoint: "${url}" is not an ASCII absolute URI`);
    }
    return encodeTlv(0x86, new TextEncoder().encode(url)); // uniformResourceIdentifier [6] IA5String
  });
  return {
    oid: OID_ISSUING_DISTRIBUTION_POINT,
    critical: true,
    value: encodeSequence(encodeTlv(0xa0, encodeTlv(0xa0, concatBytes(...names)))),
  };
}

/** Microsoft's Published CRL Locations (1.3.6.1.4.1.311.21.14): the cRLDistributionPoints syntax, non-critical. */
export function publishedCrlLocations(urls: readonly string[]): X509Extension {
  return { ...crlDistributionPoints(urls), oid: OID_MS_CRL_SELF_CDP };
}
