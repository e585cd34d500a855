/* hf-jwks.h — JSON Web Key Sets (RFC 7517 §5) of an issuer's signing keys
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only what can check an ES256 signature is kept: EC P-256 public keys whose "use" (if there)
 * is "sig" and whose "alg" (if there) is "ES256", each with a "kid". Any other key (RSA, an
 * "enc" key, another curve) is skipped with a note; a private part, a duplicate "kid", more
 * than HF_JWKS_MAX_KEYS keys or more than HF_JWKS_MAX_SIZE bytes refuse the whole set.
 */

#pragma once

#include "hf-jose.h"

G_BEGIN_DECLS

#define HF_JWKS_MAX_SIZE (1024 * 1024)
#define HF_JWKS_MAX_KEYS 100

typedef struct
{
  char      *kid;
  HfJoseKey *key;     /* public */
} HfJwksKey;

typedef struct
{
  GPtrArray *keys;    /* HfJwksKey*, in the set's order */
  GPtrArray *notes;   /* char*: one sentence per key skipped */
} HfJwks;

/* TEXT: LENGTH bytes of JSON, {"keys":[…]}. A refusal is HF_ERROR_INVALID_INPUT. A set with
 * no usable key at all is refused too. */
HfJwks          *hf_jwks_parse    (const char *text,
                                   gsize       length,
                                   GError    **error);
/* The key with KID, or NULL (borrowed). */
const HfJoseKey *hf_jwks_lookup   (const HfJwks *jwks,
                                   const char   *kid);
void             hf_jwks_free     (HfJwks     *jwks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfJwks, hf_jwks_free)

G_END_DECLS
