import { PROPTYPE_BINARY as B, PROPTYPE_STRING as S } from '../constants';
import type { PropertyDefinition } from './property-definition';

/**
 * Name properties (`name-properties.md`). `GetRequestProperty('Subject.X')` gives the requested values,
 * `GetCertificateProperty('X')` the issued ones. The `Subject.` prefix applies to canonical names only, not to
 * aliases. All but `DistinguishedName`, `RawName` and `Country` may hold several `\n`-separated values.
 */
export const NAME_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'DistinguishedName', type: S, description: 'The whole name as text.' },
  { name: 'RawName', type: B, description: 'The whole name (DER).' },
  { name: 'Country', type: S, oid: '2.5.4.6', aliases: ['C'], description: 'Country.' },
  {
    name: 'Organization',
    type: S,
    oid: '2.5.4.10',
    aliases: ['O', 'Org'],
    multiValued: true,
    description: 'Organization.',
  },
  {
    name: 'OrgUnit',
    type: S,
    oid: '2.5.4.11',
    aliases: ['OU', 'OrganizationUnit', 'OrganizationalUnit'],
    multiValued: true,
    description: 'Organizational unit.',
  },
  { name: 'CommonName', type: S, oid: '2.5.4.3', aliases: ['CN'], multiValued: true, description: 'Common name.' },
  { name: 'Locality', type: S, oid: '2.5.4.7', aliases: ['L'], multiValued: true, description: 'Locality.' },
  { name: 'State', type: S, oid: '2.5.4.8', aliases: ['S', 'ST'], multiValued: true, description: 'State.' },
  { name: 'Title', type: S, oid: '2.5.4.12', aliases: ['T'], multiValued: true, description: 'Title.' },
  { name: 'GivenName', type: S, oid: '2.5.4.42', aliases: ['G'], multiValued: true, description: 'Given name.' },
  { name: 'Initials', type: S, oid: '2.5.4.43', aliases: ['I'], multiValued: true, description: 'Initials.' },
  { name: 'SurName', type: S, oid: '2.5.4.4', aliases: ['SN'], multiValued: true, description: 'Surname.' },
  {
    name: 'DomainComponent',
    type: S,
    oid: '0.9.2342.19200300.100.1.25',
    aliases: ['DC'],
    multiValued: true,
    description: 'Domain component.',
  },
  {
    name: 'EMail',
    type: S,
    oid: '1.2.840.113549.1.9.1',
    aliases: ['E'],
    multiValued: true,
    description: 'E-mail address in the name.',
  },
  {
    name: 'StreetAddress',
    type: S,
    oid: '2.5.4.9',
    aliases: ['Street'],
    multiValued: true,
    description: 'Street address.',
  },
  {
    name: 'UnstructuredName',
    type: S,
    oid: '1.2.840.113549.1.9.2',
    multiValued: true,
    description: 'PKCS#9 unstructured name.',
  },
  {
    name: 'UnstructuredAddress',
    type: S,
    oid: '1.2.840.113549.1.9.8',
    multiValued: true,
    description: 'PKCS#9 unstructured address.',
  },
  {
    name: 'DeviceSerialNumber',
    type: S,
    oid: '2.5.4.5',
    multiValued: true,
    description: 'Device serial number.',
  },
];
