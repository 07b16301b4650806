import { declareRegistryValues, isEnterpriseCaType } from '@certexit/core';
import { PROGID_DEFAULT_POLICY, REQDISP_ISSUE, REQDISP_PENDINGFIRST } from './request-disposition';

/** The values of the `PolicyModules` key. */
export const POLICY_MODULES_VALUES = declareRegistryValues({
  Active: { type: 'REG_SZ', default: PROGID_DEFAULT_POLICY, meaning: 'The policy module the CA uses.' },
});

/** The values of the built-in policy module's key (`certexit getreg policy`). */
export const POLICY_MODULE_VALUES = declareRegistryValues({
  RequestDisposition: {
    type: 'REG_DWORD',
    default: ({ caType }) =>
      caType !== undefined && isEnterpriseCaType(caType) ? REQDISP_ISSUE : REQDISP_PENDINGFIRST | REQDISP_ISSUE,
    flags: { REQDISP_ISSUE, REQDISP_PENDINGFIRST },
    meaning:
      'REQDISP_ISSUE: issue what policy allows; with REQDISP_PENDINGFIRST every request waits for an officer first.',
  },
});
