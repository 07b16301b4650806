// The example module logic shared by every binding: on ISSUED it reads RequestID, SerialNumber and RawCertificate
// through the callback and appends one line to a file. No imports, so the same file runs in the host process
// (direct or through IDispatch) and out of process (main.mjs).
import { appendFileSync } from 'node:fs';

const EXITEVENT_CERTISSUED = 0x1;
const PROPTYPE_LONG = 0x1;
const PROPTYPE_BINARY = 0x3;
const PROPTYPE_STRING = 0x4;
const CERTSRV_E_PROPERTY_EMPTY = 0x80094004;

/** @param {{ outputFile: string }} settings */
export function createIssuedLineModule({ outputFile }) {
  return {
    specificationVersion: 'v1',
    progId: 'CertExit_IssuedLine.Exit',
    version: '1.0.0',
    create(services) {
      return {
        Initialize: () => EXITEVENT_CERTISSUED,
        GetDescription: () => 'Issued-line example exit module (JavaScript)',
        async Notify(event, context) {
          if (event !== EXITEVENT_CERTISSUED) return;
          const server = services.createServerExit();
          await server.SetContext(context);
          let der;
          try {
            der = await server.GetCertificateProperty('RawCertificate', PROPTYPE_BINARY);
          } catch (error) {
            if (error?.hresult >>> 0 === CERTSRV_E_PROPERTY_EMPTY) return; // nothing issued in this context
            throw error;
          }
          const serial = await server.GetCertificateProperty('SerialNumber', PROPTYPE_STRING);
          const requestId = await server.GetRequestProperty('RequestID', PROPTYPE_LONG);
          const base64 = Buffer.from(der).toString('base64');
          appendFileSync(outputFile, `issued request=${requestId} serial=${serial} certificate=${base64}\n`);
        },
      };
    },
  };
}
