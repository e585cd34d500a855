/* hf-signing-private.h — the signing keys' and the issuer's tables
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-signing.h"

G_BEGIN_DECLS

/* Schema 10: signing_key (one current) and issuer (one row). */
gboolean _hf_signing_migrate_v10 (sqlite3  *db,
                                  GError  **error);

G_END_DECLS
