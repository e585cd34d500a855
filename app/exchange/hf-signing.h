/* hf-signing.h — the vault's signing keys and its issuer
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A vault signs what it exports with an ES256 key of its own, made on first use. Keys are
 * kept in the vault (the SQLCipher file is encrypted, so the private part is encrypted with
 * it) and named by their RFC 7638 thumbprint; one is current, and those rotated out stay
 * retired so that what they signed still verifies against the vault's JWKS. The issuer is the
 * https URL a recipient fetches that JWKS from (ISS/.well-known/jwks.json, as SMART Health
 * Cards do), and the "iss" of everything the vault signs.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-jose.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* The current key, with its private part (wiped when it is freed); made, and its making
 * logged in the activity log, on first use. KID (or NULL) receives its thumbprint. Needs
 * HF_PERMISSION_SHARE. */
HfJoseKey  *hf_signing_key_get     (HfVault     *vault,
                                    char       **kid,
                                    GError     **error);
/* A new current key; the old one is retired, its public key kept in the JWKS. Returns the new
 * key's kid. Needs HF_PERMISSION_MANAGE. */
char       *hf_signing_key_rotate  (HfVault     *vault,
                                    GError     **error);
/* The current key's public JWK: kty, crv, x, y, use "sig", alg "ES256", kid. Made on first use
 * as hf_signing_key_get() makes it, so it needs HF_PERMISSION_SHARE. */
JsonObject *hf_signing_public_jwk  (HfVault     *vault,
                                    GError     **error);
/* {"keys":[…]}: every key's public JWK, the current one first, then the retired ones, the
 * latest retired first. Needs HF_PERMISSION_SHARE (the first key may be made). */
JsonNode   *hf_signing_jwks        (HfVault     *vault,
                                    GError     **error);

/* Whether URL can be an issuer: https, a host, no user, no query or fragment, no trailing
 * slash, at most 1,000 characters. FALSE with a sentence (HF_ERROR_INVALID_INPUT) otherwise. */
gboolean    hf_issuer_check        (const char  *url,
                                    GError     **error);
/* Sets the issuer (hf_issuer_check first) and logs it. Needs HF_PERMISSION_MANAGE. */
gboolean    hf_issuer_set          (HfVault     *vault,
                                    const char  *url,
                                    GError     **error);
/* The issuer, or NULL when none is set (ERROR left unset). Needs HF_PERMISSION_READ. */
char       *hf_issuer_get          (HfVault     *vault,
                                    GError     **error);

G_END_DECLS
