"""A minimal certexit out-of-process runtime for Python (PROTOCOL.md): newline-delimited JSON on stdin/stdout.

It serves one module object (handle 0) sequentially (maxInFlight 1) and lets it call the host back while a host
call is in progress. Standard library only.
"""
import base64
import json
import sys

PROTOCOL, VERSION = "certexit-automation", 1
VT_EMPTY, VT_I4, VT_BSTR, VT_DISPATCH = 0, 3, 8, 9
DISP_E_UNKNOWNNAME, DISP_E_MEMBERNOTFOUND, DISP_E_EXCEPTION = 0x80020006, 0x80020003, 0x80020009
E_FAIL = 0x80004005


class HostError(Exception):
    """A failed call to the host: `scode` is what VBScript's Err.Number would be."""

    def __init__(self, frame):
        info = frame.get("excepInfo") or {}
        self.hresult = frame.get("hresult", E_FAIL)
        self.scode = info.get("scode", self.hresult)
        super().__init__(info.get("description") or frame.get("description", "host error"))


class ModuleError(Exception):
    """Raise to fail a call with an HRESULT (sent as DISP_E_EXCEPTION with this scode)."""

    def __init__(self, scode, description):
        super().__init__(description)
        self.scode = scode


def to_variant(value):
    if value is None:
        return {"vt": VT_EMPTY}
    if isinstance(value, bool):
        return {"vt": 11, "value": value}
    if isinstance(value, int):
        return {"vt": VT_I4, "value": value}
    if isinstance(value, (bytes, bytearray)):
        return {"vt": VT_BSTR, "b64": base64.b64encode(bytes(value)).decode("ascii")}
    return {"vt": VT_BSTR, "value": str(value)}


def from_variant(variant):
    if "b64" in variant:
        return base64.b64decode(variant["b64"])
    if variant.get("vt") == VT_DISPATCH:
        return variant.get("handle")
    return variant.get("value")


class Connection:
    def __init__(self, module, prog_id):
        self.module, self.prog_id = module, prog_id
        self.names = {name.lower(): i + 1 for i, name in enumerate(module.METHODS)}
        self.next_id = 1

    def send(self, frame):
        sys.stdout.write(json.dumps(frame, separators=(",", ":")) + "\n")
        sys.stdout.flush()

    def call(self, handle, name, *args):
        """Calls the host's object `handle` by name; serves nothing else meanwhile (maxInFlight 1)."""
        call_id, self.next_id = self.next_id, self.next_id + 1
        self.send({"t": "call", "id": call_id, "handle": handle, "op": "invoke", "name": name, "flags": 1,
                   "args": [to_variant(a) for a in args]})
        while True:
            frame = self.read()
            if frame is None:
                sys.exit(0)
            if frame.get("id") == call_id and frame["t"] == "result":
                return from_variant(frame["value"])
            if frame.get("id") == call_id and frame["t"] == "error":
                raise HostError(frame)
            raise SystemExit("unexpected frame while waiting for a result: %r" % frame)

    def create_object(self, prog_id):
        return self.call(0, "CreateObject", prog_id)

    def release(self, handle):
        self.send({"t": "release", "handle": handle})

    def read(self):
        line = sys.stdin.readline()
        return json.loads(line) if line else None

    def serve(self):
        hello = self.read()
        if not hello or hello.get("t") != "hello":
            raise SystemExit("expected hello")
        self.send({"t": "hello", "protocol": PROTOCOL, "version": VERSION, "role": "module",
                   "progId": self.prog_id, "maxInFlight": 1})
        while True:
            frame = self.read()
            if frame is None:
                return
            if frame.get("t") == "call":
                self.answer(frame)

    def answer(self, frame):
        call_id = frame["id"]
        if frame["op"] == "names":
            dispid = self.names.get(frame["names"][0].lower())
            if dispid is None:
                self.send({"t": "error", "id": call_id, "hresult": DISP_E_UNKNOWNNAME,
                           "description": "no member %s" % frame["names"][0]})
            else:
                self.send({"t": "result", "id": call_id, "dispids": [dispid]})
            return
        dispid = frame.get("dispid") or self.names.get(str(frame.get("name", "")).lower())
        if not dispid or dispid > len(self.module.METHODS):
            self.send({"t": "error", "id": call_id, "hresult": DISP_E_MEMBERNOTFOUND, "description": "no such DISPID"})
            return
        method = getattr(self.module, self.module.METHODS[dispid - 1])
        try:
            result = method(self, *[from_variant(a) for a in frame["args"]])
            self.send({"t": "result", "id": call_id, "value": to_variant(result)})
        except (ModuleError, HostError) as error:
            self.error(call_id, error.scode, str(error))
        except Exception as error:  # noqa: BLE001 - every failure goes back to the host
            self.error(call_id, E_FAIL, "%s: %s" % (type(error).__name__, error))

    def error(self, call_id, scode, description):
        self.send({"t": "error", "id": call_id, "hresult": DISP_E_EXCEPTION, "description": description,
                   "excepInfo": {"source": self.prog_id, "description": description, "scode": scode}})
