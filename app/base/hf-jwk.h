/* hf-jwk.h — public EC P-256 JSON Web Keys (RFC 7517/7518), their thumbprints (RFC 7638), and
 * base64url (RFC 4648 §5, without padding, as JOSE writes it)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

typedef struct _HfJwk HfJwk;

/* Base64url without padding. Decoding is strict: only the URL-safe alphabet, no "=", no
 * white space, and the canonical encoding of the bytes (unused low bits zero); anything else
 * is NULL. */
char         *hf_base64url_encode    (const guint8  *data,
                                      gsize          length);
guint8       *hf_base64url_decode    (const char    *text,
                                      gssize         length,
                                      gsize         *out_length);

/* TEXT: one JSON object, a public EC key on P-256: "kty" "EC", "crv" "P-256", "x" and "y" of
 * 32 bytes each in base64url, the point on the curve, no private part "d", "use" (if there) "enc"
 * or "sig", "kid" (if there) a string, kept. Other members are ignored. A refusal is
 * HF_ERROR_INVALID_INPUT with one sentence saying what is wrong. LEN -1: TEXT is nul-ended. */
HfJwk        *hf_jwk_parse_public    (const char    *text,
                                      gssize         len,
                                      GError       **error);
void          hf_jwk_free            (HfJwk         *jwk);
/* The RFC 7638 thumbprint: base64url of SHA-256 over {"crv":"P-256","kty":"EC","x":…,"y":…}. */
const char   *hf_jwk_get_thumbprint  (const HfJwk   *jwk);
const char   *hf_jwk_get_kid         (const HfJwk   *jwk);   /* or NULL */
const char   *hf_jwk_get_use         (const HfJwk   *jwk);   /* "enc", "sig" or NULL */
/* The uncompressed point 04‖x‖y (65 bytes). */
const guint8 *hf_jwk_get_point       (const HfJwk   *jwk,
                                      gsize         *length);
/* The key for OpenSSL (ECDH, signature checks); borrowed, lives as long as JWK. */
EVP_PKEY     *hf_jwk_get_pkey        (const HfJwk   *jwk);
/* The public key as canonical JSON: members sorted, no white space, only crv, kid, kty, use,
 * x, y: what is stored and shown, and parses back to the same key. */
char         *hf_jwk_to_json         (const HfJwk   *jwk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfJwk, hf_jwk_free)

G_END_DECLS
