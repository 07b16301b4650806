import { DB_DISP_DENIED, DB_DISP_ERROR, DB_DISP_ISSUED, DB_DISP_PENDING, DB_DISP_REVOKED } from '@certexit/core';

/** The words certreq prints for a disposition. */
export function dispositionText(disposition: number): string {
  switch (disposition) {
    case DB_DISP_ISSUED:
      return 'Issued';
    case DB_DISP_PENDING:
      return 'Pending';
    case DB_DISP_DENIED:
      return 'Denied';
    case DB_DISP_ERROR:
      return 'Failed';
    case DB_DISP_REVOKED:
      return 'Revoked';
    default:
      return `Disposition ${disposition}`;
  }
}
