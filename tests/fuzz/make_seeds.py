#!/usr/bin/env python3
"""Writes the checked-in seed corpora of tests/fuzz/corpus (run from anywhere; idempotent).

Each seed is a small well-formed input of its target, so fuzzing starts from the real formats:
tokens and JWK Sets, log frames with a real envelope, stored ActionViews, audit entries, page
tokens and positions, and configuration files. Keys are generated afresh (they are public)."""
import base64
import json
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def ld(field, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def vi(field, value):
    return varint(field << 3) + varint(value)


# --- fuzz_jwt -------------------------------------------------------------------------------------
claims = {"sub": "p-1", "tenant": "acme", "roles": ["isms_manager", "auditor"], "exp": 1999999999,
          "iat": 1796000000, "iss": "https://issuer.example", "aud": ["reviewtrail", "x"]}
write("fuzz_jwt", "signed_claims", b"\x01" + json.dumps({"alg": "HS256", "typ": "JWT"}).encode()
      + b"\x00" + json.dumps(claims).encode())
pointer_claims = {"sub": "p-2", "ctx": {"tenant": "acme"}, "realm_access": {"roles": ["auditor"]},
                  "exp": 1999999999.5, "nbf": 1796000000}
write("fuzz_jwt", "signed_pointer_claims", b"\x81" + json.dumps({"alg": "HS256", "kid": "k1"}).encode()
      + b"\x00" + json.dumps(pointer_claims).encode())
write("fuzz_jwt", "bearer_unsigned", b"\x00Bearer " + (b64u(b'{"alg":"ES256","kid":"a"}') + "." +
      b64u(json.dumps(claims).encode()) + "." + b64u(b"\x00" * 64)).encode())
write("fuzz_jwt", "alg_none", b"\x00" + (b64u(b'{"alg":"none"}') + "." + b64u(b"{}") + ".").encode())
with tempfile.TemporaryDirectory() as tmp:
    ec = os.path.join(tmp, "ec.pem")
    subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ec],
                   check=True)
    der = subprocess.run(["openssl", "ec", "-in", ec, "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    point = der[-65:]  # 04 || X || Y
    rsa = os.path.join(tmp, "rsa.pem")
    subprocess.run(["openssl", "genrsa", "-out", rsa, "2048"], check=True, capture_output=True)
    modulus = subprocess.run(["openssl", "rsa", "-in", rsa, "-modulus", "-noout"], check=True,
                             capture_output=True).stdout.decode().strip().split("=")[1]
jwks = {"keys": [
    {"kty": "EC", "crv": "P-256", "kid": "ec-1", "use": "sig", "alg": "ES256",
     "x": b64u(point[1:33]), "y": b64u(point[33:])},
    {"kty": "RSA", "kid": "rsa-1", "n": b64u(bytes.fromhex(modulus)), "e": "AQAB"},
    {"kty": "oct", "k": "c2VjcmV0"},
    {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}]}
write("fuzz_jwt", "jwks", b"\x02" + json.dumps(jwks).encode())

# --- fuzz_eventlog_record -------------------------------------------------------------------------
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def frame(key, headers, value):
    body = b"\x01" + varint(len(key)) + key + varint(len(headers))
    for name, text in headers:
        body += varint(len(name)) + name + varint(len(text)) + text
    body += varint(len(value)) + value
    return body + struct.pack("<I", crc32c(body))


timestamp = vi(1, 1796083200) + vi(2, 500)
# EventEnvelope: event_id 1, tenant 2 ..., a payload in a high field: the fuzzer finds the rest.
envelope = (ld(1, "evt-1") + ld(2, "acme") + vi(3, 3) + ld(4, "act-1") + vi(5, 1)
            + ld(6, timestamp) + ld(7, timestamp) + ld(8, ld(1, "p-1")) + ld(9, "cmd-1")
            + ld(24, ld(1, "act-1") + ld(2, "rev-1") + ld(3, "dec-1") + ld(4, "p-7")))
person = (ld(1, "evt-0") + ld(2, "acme") + vi(3, 1) + ld(4, "p-7") + vi(5, 1)
          + ld(6, timestamp) + ld(20, ld(1, "p-7") + ld(2, "Pat") + ld(3, "p7@example.org")))
headers = [(b"ce_specversion", b"1.0"), (b"ce_id", b"evt-1"),
           (b"ce_type", b"reviewtrail.v1.ActionAssigned"), (b"content-type", b"application/protobuf")]
write("fuzz_eventlog_record", "frame_with_headers", frame(b"acme", headers, envelope))
write("fuzz_eventlog_record", "frame_bare", frame(b"t", [], b""))
write("fuzz_eventlog_record", "frame_person", frame(b"acme", [], person))
write("fuzz_eventlog_record", "unsealed_body", (b"\x01" + varint(4) + b"acme" + varint(0)
                                                + varint(len(envelope)) + envelope))
write("fuzz_eventlog_record", "log_key", struct.pack(">iq", 3, 17) + b"tail")

# --- fuzz_action_wire -----------------------------------------------------------------------------
date = vi(1, 2026) + vi(2, 11) + vi(3, 23)
view = (ld(1, "act-1") + ld(2, "rev-1") + ld(3, "dec-1") + ld(4, "Fix the access review")
        + ld(7, "p-7") + ld(8, date) + vi(10, 2) + ld(17, "history text")
        + varint(30 << 3 | 5) + b"\x01\x02\x03\x04" + varint(31 << 3 | 1) + b"\x00" * 8)
write("fuzz_action_wire", "view", view)
write("fuzz_action_wire", "view_overdue_merged_date", view + ld(8, vi(3, 24)) + vi(26, 1))
write("fuzz_action_wire", "group", view + varint(40 << 3 | 3) + vi(1, 5) + varint(40 << 3 | 4))

# --- fuzz_audit_stored_view and fuzz_audit_export -------------------------------------------------
def stored(fields):
    return b"".join(str(len(f)).encode() + b":" + f + b"\n" for f in fields)


# A v2 entry (the version new entries use): v1's fields, then the previous entry of the same review
# and of the same action.
entry_v1 = [b"reviewtrail-audit-v1", b"acme", b"12", b"3", b"170", b"evt-12",
            b"2026-11-23T09:00:00.000000Z", b"2026-11-23T09:00:00.250000Z", b"p-1",
            b"isms_manager,auditor", b"action", b"act-1", b"4", b"ActionAssigned", b"rev-1",
            b"act-1", b"Assigned to p-7, due 2026-12-01", b"ab" * 32, b"cd" * 32]
entry = [b"reviewtrail-audit-v2"] + entry_v1[1:] + [b"9", b"12" * 32, b"0", b""]
hashes = [b"0" * 64, b"ef" * 32]
write("fuzz_audit_stored_view", "entry", stored(entry + hashes))
write("fuzz_audit_stored_view", "entry_v1", stored(entry_v1 + hashes))
noncanonical = list(entry)
noncanonical[2] = b"-0"
noncanonical[9] = b""
noncanonical[21] = b"-07"
write("fuzz_audit_stored_view", "entry_noncanonical", stored(noncanonical + hashes))
noncanonical_v1 = list(entry_v1)
noncanonical_v1[2] = b"-0"
noncanonical_v1[9] = b""
write("fuzz_audit_stored_view", "entry_v1_noncanonical", stored(noncanonical_v1 + hashes))
write("fuzz_audit_export", "plain", b"acme\x00" * 10 + b"Assigned to p-7, due 2026-12-01")
write("fuzz_audit_export", "formula_quotes", b'=HYPERLINK("x")\x10,"\r\n\'' * 4
      + "résumé \u2028 \t".encode())

# --- fuzz_positions -------------------------------------------------------------------------------
write("fuzz_positions", "page_token",
      b"\x00" + base64.urlsafe_b64encode(b"p1\nactions_by_owner\nacme\x00p-7\x00act-1"))
write("fuzz_positions", "page_token_encode", b"\x01\x05abcdefghij")
write("fuzz_positions", "log_position", b"\x020:17")
write("fuzz_positions", "log_position_large", b"\x022147483647:9223372036854775807")

# --- fuzz_notifier_config -------------------------------------------------------------------------
config = {"default": {"reminder_days_before": [7, 1], "level1_days_overdue": 1,
                      "level2_days_overdue": 7, "repeat_every_days": 7, "send_at": "09:00",
                      "escalation_contact": "p-1", "channel": "log",
                      "recipients": {"p-7": {"channel": "email", "email": "p7@example.org"}},
                      "link_template": "https://rt.example/{tenant_id}/{action_id}",
                      "webhook": {"url": "https://hooks.example/rt", "secret": "s",
                                  "signature_header": "X-Sig", "timeout_ms": 5000},
                      "email": {"smtp_url": "smtp://mail:587", "from": "rt@example.org",
                                "require_tls": True, "timeout_ms": 10000}},
          "tenants": {"acme": {"channel": "webhook", "send_at": "17:30"}, "globex": {}}}
write("fuzz_notifier_config", "full", json.dumps(config, indent=1))
write("fuzz_notifier_config", "bad_send_at", '{"default": {"send_at": "9:5"}}')

# --- fuzz_cli_config ------------------------------------------------------------------------------
write("fuzz_cli_config", "ini", b'\x00address = "rt:7443"\ntoken = "abc"\ntls = true\ntimeout = 2.5\n')
write("fuzz_cli_config", "toml_section", b"\x00[section]\naddress='x'\n# comment\n")
write("fuzz_cli_config", "date", b"\x012024-02-29")
write("fuzz_cli_config", "instant", b"\x022026-11-23T10:00:00.123+01:00")
write("fuzz_cli_config", "link", b"\x03control:A.5.15:Access control")
