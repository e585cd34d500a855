/* hf-jose-private.h — the steps of hf-jose.c, for its tests and fuzz target
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-jose.h"

G_BEGIN_DECLS

/* base64url without padding (RFC 7515 §2), as hf_base64url_decode() (hf-jwk.h) reads it, with
 * the reason for a refusal: "=", whitespace, any character outside the alphabet, a length of
 * 4k+1, and unused low bits that are not zero (so that each byte string has one spelling). */
GBytes   *_hf_jose_base64url_decode (const char     *text,
                                     gsize           length,
                                     GError        **error);

/* RFC 7518 §4.6.2: the Concat KDF (NIST SP 800-56A, SHA-256) over Z, with AlgorithmID ALG,
 * PartyUInfo APU, PartyVInfo APV and KEY_SIZE bytes of output. */
HfSecret *_hf_jose_concat_kdf       (const guint8   *z,
                                     gsize           z_length,
                                     const char     *alg,
                                     GBytes         *apu,
                                     GBytes         *apv,
                                     gsize           key_size);

/* RFC 3394 AES key wrap with a 256-bit KEK (OpenSSL's id-aes256-wrap). Unwrap returns NULL
 * with HF_JOSE_ERROR_WRONG_KEY when the integrity check fails. */
GBytes   *_hf_jose_aes_key_wrap     (const HfSecret *kek,
                                     const HfSecret *key,
                                     GError        **error);
HfSecret *_hf_jose_aes_key_unwrap   (const HfSecret *kek,
                                     const guint8   *wrapped,
                                     gsize           length,
                                     GError        **error);

/* RFC 7518 §4.8: the PBES2-HS512+A256KW key-encryption key: PBKDF2-HMAC-SHA512 of the
 * passphrase over ("PBES2-HS512+A256KW" ‖ 0x00 ‖ P2S), P2C rounds, 32 bytes. */
HfSecret *_hf_jose_pbes2_kek        (const HfSecret *passphrase,
                                     const guint8   *p2s,
                                     gsize           p2s_length,
                                     guint           p2c);

/* A256GCM content decryption with a known CEK (32 bytes), the JWE's parts decoded; AAD is
 * the protected header's base64url text. */
GBytes   *_hf_jose_gcm_decrypt      (const HfSecret *cek,
                                     GBytes         *iv,
                                     const char     *aad,
                                     gsize           aad_length,
                                     GBytes         *ciphertext,
                                     GBytes         *tag,
                                     GError        **error);

/* RFC 7638 §3: base64url (SHA-256 (the members NAMES[i] = VALUES[i], N of them, sorted by
 * name, as JSON without whitespace)). *CANONICAL, if not NULL, is that JSON. */
char     *_hf_jose_thumbprint       (const char * const *names,
                                     const char * const *values,
                                     guint           n,
                                     char          **canonical);

/* The ECDH shared secret Z (the x coordinate, 32 bytes) of PRIVATE_KEY and PEER. */
HfSecret *_hf_jose_ecdh             (const HfJoseKey *private_key,
                                     const HfJoseKey *peer,
                                     GError        **error);

/* The signature check of hf_jws_verify_es256() alone, without hf_jws_check_header(). */
gboolean  _hf_jws_verify_signature  (HfJws          *self,
                                     const HfJoseKey *key,
                                     GError        **error);

/* An ES256 signature (r‖s, 64 bytes into SIGNATURE) of INPUT by KEY: any signing input,
 * for tests that need tokens hf_jws_sign_es256() would never make. */
gboolean  _hf_jws_sign_raw          (const HfJoseKey *key,
                                     const char     *input,
                                     gsize           length,
                                     guint8         *signature,
                                     GError        **error);

/* hf_jwe_decrypt() with a lower ceiling for p2c (the fuzz target's, so that it stays fast). */
GBytes   *_hf_jwe_decrypt_capped    (HfJwe          *self,
                                     const HfJoseKey *key,
                                     const HfSecret *passphrase,
                                     guint           max_iterations,
                                     GError        **error);

G_END_DECLS
