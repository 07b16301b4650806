"""Parses certificates strictly with Python `cryptography` (Debian's python3-cryptography) and prints what it read.

Usage: /usr/bin/python3 parse-certificate.py <file.der>...
Prints one JSON object per file: {"file", "ok": true, subject, san, extensions, ...} or {"file", "ok": false, "error"}.
Every extension is decoded (not only listed), so a malformed one fails here as it would for a relying party.
"""
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def general_name(name):
    if isinstance(name, x509.OtherName):
        return {"type": "otherName", "oid": name.type_id.dotted_string, "value": name.value.hex()}
    if isinstance(name, x509.DirectoryName):
        return {"type": "directoryName", "value": name.value.rfc4514_string()}
    if isinstance(name, x509.IPAddress):
        return {"type": "ip", "value": str(name.value)}
    if isinstance(name, x509.RegisteredID):
        return {"type": "registeredID", "value": name.value.dotted_string}
    kind = {x509.DNSName: "dns", x509.RFC822Name: "email", x509.UniformResourceIdentifier: "uri"}[type(name)]
    return {"type": kind, "value": name.value}


def describe(path):
    with open(path, "rb") as f:
        cert = x509.load_der_x509_certificate(f.read())
    extensions = []
    san = []
    basic = None
    for ext in cert.extensions:
        value = ext.value  # decodes the extension: a malformed one raises here
        extensions.append({"oid": ext.oid.dotted_string, "critical": ext.critical})
        if isinstance(value, x509.SubjectAlternativeName):
            san = [general_name(n) for n in value]
        if isinstance(value, x509.BasicConstraints):
            basic = {"ca": value.ca, "pathLength": value.path_length}
    key = cert.public_key()
    key_info = (
        {"type": "rsa", "bits": key.key_size}
        if isinstance(key, rsa.RSAPublicKey)
        else {"type": "ec", "curve": key.curve.name}
        if isinstance(key, ec.EllipticCurvePublicKey)
        else {"type": type(key).__name__}
    )
    return {
        "file": path,
        "ok": True,
        "subject": cert.subject.rfc4514_string(),
        "subjectAttributes": [{"oid": a.oid.dotted_string, "value": a.value} for a in cert.subject],
        "issuer": cert.issuer.rfc4514_string(),
        "serial": format(cert.serial_number, "x"),
        "san": san,
        "extensions": extensions,
        "basicConstraints": basic,
        "key": key_info,
        "signatureHash": cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None,
        "notAfter": cert.not_valid_after_utc.isoformat() if hasattr(cert, "not_valid_after_utc") else cert.not_valid_after.isoformat(),
    }


for path in sys.argv[1:]:
    try:
        print(json.dumps(describe(path)))
    except Exception as error:  # noqa: BLE001 - every failure is the answer
        print(json.dumps({"file": path, "ok": False, "error": f"{type(error).__name__}: {error}"}))
