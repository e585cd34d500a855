/* hf-jose.h — compact JWS (ES256) and JWE (ECDH-ES+A256KW, PBES2-HS512+A256KW; A256GCM)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The small JOSE glue the exchange layer signs and encrypts exports with: base64url, the
 * compact serializations, protected headers, the Concat KDF and thumbprints are ours; OpenSSL's
 * libcrypto does ECDSA, ECDH, AES-GCM, AES key wrap, PBKDF2 and SHA-2. Only what Healthfolio
 * needs is accepted, and everything else is refused with its own reason (HfJoseError), before
 * any expensive work: tokens, headers and PBES2 iteration counts are capped first.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-error.h"
#include "hf-secure.h"

G_BEGIN_DECLS

#define HF_JOSE_ERROR (hf_jose_error_quark ())

/* A whole compact token (JWS or JWE) larger than this is refused before it is decoded. A JWE
 * of a JWS of a 20 MB Bundle (about 13,000 resources) is about 36 MB. */
#define HF_JOSE_MAX_TOKEN            (64 * 1024 * 1024)
/* The decoded protected header. */
#define HF_JOSE_MAX_HEADER           (8 * 1024)
/* PBES2: what we use to encrypt (OWASP's figure for PBKDF2-HMAC-SHA512), the least and the
 * most a token may ask of us when we decrypt. */
#define HF_JOSE_PBES2_ITERATIONS     210000
#define HF_JOSE_PBES2_MIN_ITERATIONS 1000
#define HF_JOSE_PBES2_MAX_ITERATIONS 10000000
#define HF_JOSE_PBES2_SALT_SIZE      16

/**
 * HfJoseError:
 *
 * Why a token was refused: one code per reason, each with a plain sentence as the GError's
 * message. hf_jose_error_to_hf() says which exit code a command gives for it.
 */
typedef enum
{
  HF_JOSE_ERROR_FAILED,              /* the crypto library failed (not the token's fault) */
  HF_JOSE_ERROR_MALFORMED,           /* not a compact JWS/JWE: parts, base64url, JSON */
  HF_JOSE_ERROR_TOO_LARGE,           /* token or header over its cap */
  HF_JOSE_ERROR_DUPLICATE_MEMBER,    /* a header member appears twice */
  HF_JOSE_ERROR_ALG_MISSING,
  HF_JOSE_ERROR_ALG_NONE,            /* "none": unsigned */
  HF_JOSE_ERROR_ALG_HMAC,            /* HS256/384/512 */
  HF_JOSE_ERROR_ALG_RSA,             /* RS* and PS* */
  HF_JOSE_ERROR_ALG_UNSUPPORTED,     /* any other alg */
  HF_JOSE_ERROR_ENC_UNSUPPORTED,     /* a JWE enc other than A256GCM */
  HF_JOSE_ERROR_KID_MISSING,
  HF_JOSE_ERROR_EMBEDDED_JWK,        /* "jwk": the token names its own key */
  HF_JOSE_ERROR_JKU,                 /* "jku": a URL to fetch keys from */
  HF_JOSE_ERROR_X5U,
  HF_JOSE_ERROR_X5C,
  HF_JOSE_ERROR_B64_FALSE,           /* RFC 7797 unencoded payload */
  HF_JOSE_ERROR_CRIT_UNKNOWN,        /* "crit" names an extension we do not implement */
  HF_JOSE_ERROR_ZIP,                 /* compressed JWE */
  HF_JOSE_ERROR_SIGNATURE_ENCODING,  /* not 64 bytes of r‖s (a DER signature, say) */
  HF_JOSE_ERROR_SIGNATURE_RANGE,     /* r or s is 0 or not below the group order */
  HF_JOSE_ERROR_SIGNATURE_INVALID,   /* does not verify: tampered, or another key's */
  HF_JOSE_ERROR_KEY_INVALID,         /* not a P-256 point, wrong curve, no private part */
  HF_JOSE_ERROR_EPK_INVALID,         /* the JWE's ephemeral key is not a P-256 point */
  HF_JOSE_ERROR_WRONG_KEY,           /* the content key does not unwrap: another key/passphrase */
  HF_JOSE_ERROR_DECRYPT_FAILED,      /* the authentication tag does not match: tampered */
  HF_JOSE_ERROR_P2C_TOO_LARGE,
  HF_JOSE_ERROR_P2C_TOO_SMALL,
  HF_JOSE_ERROR_P2S_TOO_SHORT,
} HfJoseError;

GQuark      hf_jose_error_quark      (void);
/* The HfError (and so the exit code) a command reports ERROR with: a signature or tag that
 * does not check out is HF_ERROR_INTEGRITY (4), another key or passphrase HF_ERROR_AUTH (2),
 * the crypto library's own failure HF_ERROR_FAILED, and every other refusal
 * HF_ERROR_INVALID_INPUT (3). */
HfError     hf_jose_error_to_hf      (const GError *error);

/**
 * HfJoseKey:
 *
 * An EC P-256 key, public or with its private part (kept by OpenSSL, which wipes it when the
 * key is freed). Every key made here is a point on the curve.
 */
typedef struct _HfJoseKey HfJoseKey;

HfJoseKey  *hf_jose_key_generate     (GError        **error);
/* X and Y: 32 bytes each, big-endian. */
HfJoseKey  *hf_jose_key_new_public   (const guint8   *x,
                                      const guint8   *y,
                                      GError        **error);
/* D (32 bytes) must be the private key of (X, Y). */
HfJoseKey  *hf_jose_key_new_private  (const guint8   *x,
                                      const guint8   *y,
                                      const HfSecret *d,
                                      GError        **error);
/* An EC P-256 JWK ("kty", "crv", "x", "y", and "d" for a private key). */
HfJoseKey  *hf_jose_key_new_from_jwk (JsonObject     *jwk,
                                      GError        **error);
gboolean    hf_jose_key_has_private  (const HfJoseKey *self);
void        hf_jose_key_get_public   (const HfJoseKey *self,
                                      guint8          *x,
                                      guint8          *y);
/* The 32 bytes of d, or NULL for a public key. */
HfSecret   *hf_jose_key_dup_private  (const HfJoseKey *self);
/* {"crv":"P-256","kty":"EC","x":…,"y":…}: the public JWK's required members. */
JsonObject *hf_jose_key_dup_public_jwk (const HfJoseKey *self);
/* The RFC 7638 thumbprint (base64url of SHA-256 of the canonical required members). */
char       *hf_jose_key_dup_thumbprint (const HfJoseKey *self);
gboolean    hf_jose_key_equal        (const HfJoseKey *a,
                                      const HfJoseKey *b);
void        hf_jose_key_free         (HfJoseKey      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfJoseKey, hf_jose_key_free)

/**
 * HfJws:
 *
 * A parsed compact JWS: three base64url parts, a protected header that is one JSON object
 * without duplicate members, the payload and the signature decoded. Parsing checks only the
 * form; hf_jws_check_header() and hf_jws_verify_es256() decide whether to believe it.
 * The token is taken as it is: a caller reading a file trims its trailing newline.
 */
typedef struct _HfJws HfJws;

HfJws      *hf_jws_parse             (const char     *token,
                                      gsize           length,
                                      GError        **error);
/* The protected header (borrowed). */
JsonObject *hf_jws_get_header        (HfJws          *self);
/* The header's "alg" and "kid", or NULL. */
const char *hf_jws_get_alg           (HfJws          *self);
const char *hf_jws_get_kid           (HfJws          *self);
GBytes     *hf_jws_get_payload       (HfJws          *self);
/* ES256 with a "kid"; no "none", HS*, RS*, PS*, "jwk", "jku", "x5u", "x5c", "b64": false or a
 * "crit" name we do not implement. Call it to pick a key by "kid" before verifying. */
gboolean    hf_jws_check_header      (HfJws          *self,
                                      GError        **error);
/* hf_jws_check_header(), then the signature: 64 bytes of r‖s, each in [1, n-1], by KEY. */
gboolean    hf_jws_verify_es256      (HfJws          *self,
                                      const HfJoseKey *key,
                                      GError        **error);
void        hf_jws_free              (HfJws          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfJws, hf_jws_free)

/* A compact JWS of PAYLOAD by KEY (which has its private part): the protected header is
 * {"alg":"ES256","kid":KID} followed by the members of EXTRA_HEADER (may be NULL; it must not
 * set "alg" or "kid"), in that order. The signature is raw r‖s. */
char       *hf_jws_sign_es256        (const HfJoseKey *key,
                                      const char     *kid,
                                      JsonObject     *extra_header,
                                      const guint8   *payload,
                                      gsize           length,
                                      GError        **error);

/**
 * HfJwe:
 *
 * A parsed compact JWE: five base64url parts and a protected header (no duplicate members).
 * hf_jwe_decrypt() checks the header and decrypts.
 */
typedef struct _HfJwe HfJwe;

HfJwe      *hf_jwe_parse             (const char     *token,
                                      gsize           length,
                                      GError        **error);
JsonObject *hf_jwe_get_header        (HfJwe          *self);
const char *hf_jwe_get_alg           (HfJwe          *self);
const char *hf_jwe_get_kid           (HfJwe          *self);
/* "cty" ("JOSE" when the plaintext is a compact JWS), or NULL. */
const char *hf_jwe_get_cty           (HfJwe          *self);
/* "alg" ECDH-ES+A256KW needs KEY (with its private part: the caller picks it by "kid");
 * PBES2-HS512+A256KW needs PASSPHRASE.
 * "enc" must be A256GCM; "zip", "jwk", "jku", "x5u", "x5c" and unknown "crit" are refused;
 * p2c is checked against its bounds before any key is derived. */
GBytes     *hf_jwe_decrypt           (HfJwe          *self,
                                      const HfJoseKey *key,
                                      const HfSecret *passphrase,
                                      GError        **error);
void        hf_jwe_free              (HfJwe          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfJwe, hf_jwe_free)

/* A compact JWE of PLAINTEXT to RECIPIENT's public key: {"alg":"ECDH-ES+A256KW",
 * "enc":"A256GCM","kid":KID (if not NULL),"epk":{…}} and then EXTRA_HEADER's members (it must
 * not set "alg", "enc", "kid", "epk", "zip", "p2s", "p2c"). A fresh ephemeral key and CEK. */
char       *hf_jwe_encrypt_ecdh_es   (const HfJoseKey *recipient,
                                      const char     *kid,
                                      JsonObject     *extra_header,
                                      const guint8   *plaintext,
                                      gsize           length,
                                      GError        **error);
/* The same with PBES2-HS512+A256KW from PASSPHRASE: a fresh 16-byte p2s and ITERATIONS
 * (0 for HF_JOSE_PBES2_ITERATIONS; fewer than that is a programmer error). */
char       *hf_jwe_encrypt_pbes2     (const HfSecret *passphrase,
                                      guint           iterations,
                                      JsonObject     *extra_header,
                                      const guint8   *plaintext,
                                      gsize           length,
                                      GError        **error);

/* "alg": "dir" (SMART Health Links): the 32-byte KEY is the content key itself. A fresh random
 * IV for every call; the content is not compressed. The header is {"alg":"dir","enc":"A256GCM"}
 * and then EXTRA_HEADER's members ("cty"; not "alg", "enc", "kid", "zip", "epk", "p2s", "p2c"). */
char       *hf_jwe_encrypt_dir       (const HfSecret *key,
                                      JsonObject     *extra_header,
                                      const guint8   *plaintext,
                                      gsize           length,
                                      GError        **error);
/* Decrypts a "dir" + A256GCM token with KEY (32 bytes); the encrypted key must be empty. A
 * "zip": "DEF" content is inflated, refused past MAX_INFLATED bytes (HF_JOSE_ERROR_TOO_LARGE);
 * any other "zip" is HF_JOSE_ERROR_ZIP. Another key or a tampered token:
 * HF_JOSE_ERROR_DECRYPT_FAILED. */
GBytes     *hf_jwe_decrypt_dir       (HfJwe          *self,
                                      const HfSecret *key,
                                      gsize           max_inflated,
                                      GError        **error);

G_END_DECLS
