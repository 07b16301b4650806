#!/usr/bin/env python3
"""The issued-line example exit module in Python: on ISSUED it reads RequestID, SerialNumber and RawCertificate
through the CA callback and appends one line to the file named by $ISSUED_LINE_FILE."""
import base64
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from certexit_wire import Connection, HostError  # noqa: E402

EXITEVENT_CERTISSUED = 0x1
PROPTYPE_LONG, PROPTYPE_BINARY, PROPTYPE_STRING = 0x1, 0x3, 0x4
CERTSRV_E_PROPERTY_EMPTY = 0x80094004


class Exit:
    METHODS = ["Initialize", "Notify", "GetDescription"]

    def Initialize(self, host, config):
        return EXITEVENT_CERTISSUED

    def GetDescription(self, host):
        return "Issued-line example exit module (Python)"

    def Notify(self, host, event, context):
        if event != EXITEVENT_CERTISSUED:
            return None
        server = host.create_object("CertificateAuthority.ServerExit")
        try:
            host.call(server, "SetContext", context)
            try:
                der = host.call(server, "GetCertificateProperty", "RawCertificate", PROPTYPE_BINARY)
            except HostError as error:
                if error.scode == CERTSRV_E_PROPERTY_EMPTY:
                    return None
                raise
            serial = host.call(server, "GetCertificateProperty", "SerialNumber", PROPTYPE_STRING)
            request_id = host.call(server, "GetRequestProperty", "RequestID", PROPTYPE_LONG)
            with open(os.environ["ISSUED_LINE_FILE"], "a", encoding="utf-8") as out:
                out.write("issued request=%d serial=%s certificate=%s\n"
                          % (request_id, serial, base64.b64encode(der).decode("ascii")))
        finally:
            host.release(server)
        return None


if __name__ == "__main__":
    Connection(Exit(), "CertExit_IssuedLine_Python.Exit").serve()
