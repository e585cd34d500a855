/* hf-trust-private.h — the trust store's schema step
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-trust.h"

G_BEGIN_DECLS

/* Schema step (10 on this branch; 11 after the vault's signing keys): trust_issuer (an
 * issuer's key set, hand-added or fetched, never both) and import_signature (how each import
 * of a signed bundle was verified, keyed by its provenance row). */
gboolean    _hf_trust_migrate        (sqlite3       *db,
                                      GError       **error);

/* The key set text stored for ISS that hf_trust_find_key() used when it said HOW (the
 * directory's for HF_TRUST_HOW_DIRECTORY, else trust_issuer's), or NULL with
 * HF_ERROR_NOT_FOUND. */
char       *_hf_trust_dup_jwks       (HfVault       *vault,
                                      const char    *iss,
                                      HfTrustHow     how,
                                      GError       **error);

G_END_DECLS
