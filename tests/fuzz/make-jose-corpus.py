#!/usr/bin/env python3
# make-jose-corpus.py — writes tests/fuzz/corpus/jose/: seeds for fuzz-jose
#
# Copyright 2026 The Healthfolio authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: make-jose-corpus.py OUT_DIR
#
# The tokens are made here with Python's `cryptography` (not with Healthfolio's code), using
# the published keys that fuzz-jose.c also holds: the RFC 7515 A.3 signing key, Bob's key of
# RFC 7518 Appendix C and the password of RFC 7520 §5.3. Besides the RFCs' own tokens, each
# hostile seed is one refusal of test-jose. ECDSA and the random parts make every run's bytes
# differ; what each seed is does not.

import base64
import hmac
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

A3 = {"x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
      "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
      "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}
BOB = {"x": "weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
       "y": "e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
       "d": "VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"}
PASSWORD = "entrap_o\u2013peter_long\u2013credit_tun".encode()
RFC7515_A3 = ("eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9l"
              "eGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCg"
              "fTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key(jwk):
    return ec.derive_private_key(int.from_bytes(unb64(jwk["d"]), "big"), ec.SECP256R1())


def header(obj):
    return b64(json.dumps(obj, separators=(",", ":")).encode())


def sign(key, protected_b64, payload_b64):
    der = key.sign(f"{protected_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big"), der


def jws(key, hdr, payload=b'{"resourceType":"Bundle","type":"collection"}'):
    h, p = header(hdr), b64(payload)
    raw, _ = sign(key, h, p)
    return f"{h}.{p}.{b64(raw)}"


def concat_kdf(z, alg):
    info = (len(alg).to_bytes(4, "big") + alg.encode() + bytes(4) + bytes(4)
            + (256).to_bytes(4, "big"))
    return hashes_sha256(b"\0\0\0\1" + z + info)


def hashes_sha256(data):
    h = hashes.Hash(hashes.SHA256())
    h.update(data)
    return h.finalize()


def jwe(hdr, kek, plaintext=b"eyJhbGciOiJFUzI1NiJ9.e30.AAAA"):
    cek, iv = os.urandom(32), os.urandom(12)
    h = header(hdr)
    sealed = AESGCM(cek).encrypt(iv, plaintext, h.encode())
    return ".".join([h, b64(aes_key_wrap(kek, cek)), b64(iv), b64(sealed[:-16]),
                     b64(sealed[-16:])])


def jwe_ecdh(extra=None):
    eph = ec.generate_private_key(ec.SECP256R1())
    bob = private_key(BOB).public_key()
    z = eph.exchange(ec.ECDH(), bob)
    nums = eph.public_key().public_numbers()
    hdr = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": "bob",
           "epk": {"kty": "EC", "crv": "P-256", "x": b64(nums.x.to_bytes(32, "big")),
                   "y": b64(nums.y.to_bytes(32, "big"))}, "cty": "JOSE"}
    hdr.update(extra or {})
    return jwe(hdr, concat_kdf(z, "ECDH-ES+A256KW"))


def jwe_pbes2(p2c=1000, extra=None):
    p2s = os.urandom(16)
    kek = PBKDF2HMAC(hashes.SHA512(), 32, b"PBES2-HS512+A256KW\0" + p2s, p2c).derive(PASSWORD)
    hdr = {"alg": "PBES2-HS512+A256KW", "enc": "A256GCM", "p2s": b64(p2s), "p2c": p2c}
    hdr.update(extra or {})
    return jwe(hdr, kek)


def main():
    out = sys.argv[1]
    a3 = private_key(A3)
    good = jws(a3, {"alg": "ES256", "kid": "a3", "typ": "JOSE", "cty": "application/fhir+json"})
    h, p, s = good.split(".")
    raw = unb64(s)
    _, der = sign(a3, h, p)
    other = jws(a3, {"alg": "ES256", "kid": "a3", "typ": "JOSE", "cty": "application/fhir+json"},
                b"another payload")
    attacker = ec.generate_private_key(ec.SECP256R1())
    an = attacker.public_key().public_numbers()
    attacker_jwk = {"kty": "EC", "crv": "P-256", "x": b64(an.x.to_bytes(32, "big")),
                    "y": b64(an.y.to_bytes(32, "big"))}
    hs_h = header({"alg": "HS256", "kid": "a3"})
    public_jwk = json.dumps({"kty": "EC", "crv": "P-256", "x": A3["x"], "y": A3["y"]})
    hs_mac = hmac.new(public_jwk.encode(), f"{hs_h}.{p}".encode(), "sha256").digest()
    ecdh = jwe_ecdh()
    parts = ecdh.split(".")
    tag = bytearray(unb64(parts[4]))
    tag[0] ^= 1
    wrong_tag = ".".join(parts[:4] + [b64(bytes(tag))])
    off = jwe_ecdh()
    oh = json.loads(unb64(off.split(".")[0]))
    y = bytearray(unb64(oh["epk"]["y"]))
    y[31] ^= 1
    oh["epk"]["y"] = b64(bytes(y))
    off_curve = ".".join([header(oh)] + off.split(".")[1:])

    seeds = {
        "rfc7515-a3.jws": RFC7515_A3,
        "rfc7520-5.3.jwe": json.load(open(os.path.join(os.path.dirname(__file__), "..", "data",
                                                       "jose", "rfc7520-5.3.json")))["jwe"],
        "es256-kid.jws": good,
        "ecdh-es-a256kw.jwe": ecdh,
        "pbes2-1000.jwe": jwe_pbes2(),
        "alg-none.jws": f"{header({'alg': 'none', 'kid': 'a3'})}.{p}.",
        "hs256-public-key.jws": f"{hs_h}.{p}.{b64(hs_mac)}",
        "embedded-jwk.jws": jws(attacker, {"alg": "ES256", "kid": "a3", "jwk": attacker_jwk}),
        "jku-loopback.jws": jws(a3, {"alg": "ES256", "kid": "a3",
                                     "jku": "https://127.0.0.1:8443/.well-known/jwks.json"}),
        "crit-unknown.jws": jws(a3, {"alg": "ES256", "kid": "a3", "exp": 1, "crit": ["exp"]}),
        "b64-false.jws": jws(a3, {"alg": "ES256", "kid": "a3", "b64": False, "crit": ["b64"]}),
        "r-s-zero.jws": f"{h}.{p}.{b64(bytes(64))}",
        "r-n.jws": f"{h}.{p}.{b64(N.to_bytes(32, 'big') + raw[32:])}",
        "der-signature.jws": f"{h}.{p}.{b64(der)}",
        "other-payload.jws": f"{h}.{p}.{other.split('.')[2]}",
        "truncated.jws": good[:-5],
        "four-dots.jws": good + ".AAAA.AAAA",
        "duplicate-alg.jws": b64(b'{"alg":"ES256","kid":"a3","alg":"none"}') + f".{p}.{s}",
        "wrong-tag.jwe": wrong_tag,
        "epk-off-curve.jwe": off_curve,
        "zip.jwe": jwe_ecdh({"zip": "DEF"}),
        "p2c-1e9.jwe": ".".join([header({"alg": "PBES2-HS512+A256KW", "enc": "A256GCM",
                                         "p2s": b64(os.urandom(16)), "p2c": 1000000000})]
                                + jwe_pbes2().split(".")[1:]),
        "rfc7518-bob.jwk": json.dumps({"kty": "EC", "crv": "P-256", **BOB}),
    }
    for name, text in seeds.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)


main()
