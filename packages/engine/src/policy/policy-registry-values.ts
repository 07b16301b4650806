import {
  declareRegistryValues,
  EDITF_DEFAULT_ENTERPRISE,
  EDITF_DEFAULT_STANDALONE,
  flagConstants,
  isEnterpriseCaType,
} from '@certexit/core';
import { PROGID_DEFAULT_POLICY, REQDISP_ISSUE, REQDISP_PENDINGFIRST } from './request-disposition';

/**
 * Request extensions a CA may copy without changing what the certificate lets its holder do: S/MIME capabilities,
 * the CA version a subordinate asks for, the previous CA certificate hash of a CA renewal, TLS feature (OCSP
 * must-staple). What `EnableRequestExtensionList` holds on a new CA.
 */
export const DEFAULT_ENABLED_REQUEST_EXTENSIONS: readonly string[] = [
  '1.2.840.113549.1.9.15',
  '1.3.6.1.4.1.311.21.1',
  '1.3.6.1.4.1.311.21.2',
  '1.3.6.1.5.5.7.1.24',
];

const _enterprise = (caType: number | undefined) => caType !== undefined && isEnterpriseCaType(caType);

/** The values of the `PolicyModules` key. */
export const POLICY_MODULES_VALUES = declareRegistryValues({
  Active: { type: 'REG_SZ', default: PROGID_DEFAULT_POLICY, meaning: 'The policy module the CA uses.' },
});

/**
 * The values of the built-in policy module's key (`certexit getreg policy`): name, type, default and meaning. The
 * policy reads them through this catalogue (`readPolicySettings`), and `certexit setreg` checks against it.
 */
export const POLICY_MODULE_VALUES = declareRegistryValues({
  EditFlags: {
    type: 'REG_DWORD',
    default: ({ caType }) => (_enterprise(caType) ? EDITF_DEFAULT_ENTERPRISE : EDITF_DEFAULT_STANDALONE),
    flags: flagConstants('EDITF_'),
    meaning: "The policy's EDITF_* flags: which request extensions and attributes may shape a certificate.",
  },
  RequestDisposition: {
    type: 'REG_DWORD',
    default: ({ caType }) => (_enterprise(caType) ? REQDISP_ISSUE : REQDISP_PENDINGFIRST | REQDISP_ISSUE),
    flags: { REQDISP_ISSUE, REQDISP_PENDINGFIRST },
    meaning:
      'REQDISP_ISSUE: issue what policy allows; with REQDISP_PENDINGFIRST every request waits for an officer first.',
  },
  EnableRequestExtensionList: {
    type: 'REG_MULTI_SZ',
    default: [...DEFAULT_ENABLED_REQUEST_EXTENSIONS],
    meaning: 'OIDs of request extensions copied into certificates under EDITF_REQUESTEXTENSIONLIST.',
  },
  DisableExtensionList: {
    type: 'REG_MULTI_SZ',
    default: [],
    meaning: 'OIDs of request extensions never copied under EDITF_DISABLEEXTENSIONLIST.',
  },
});
