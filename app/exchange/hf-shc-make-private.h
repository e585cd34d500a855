/* hf-shc-make-private.h — the tables of the cards and links the vault made
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-shc-make.h"

G_BEGIN_DECLS

/* Schema 13: shc_secret (the key of revocation ids), shc_card (the cards made, their rid and
 * whether revoked), shc_crl (each key's revocation list counter) and shl_link (the links
 * made). */
gboolean _hf_shc_migrate_v13   (sqlite3    *db,
                                GError    **error);
/* The "ctr" of KID's revocation list, or 0 when none of its cards is revoked. */
gint64   _hf_shc_crl_version   (sqlite3    *db,
                                const char *kid);

G_END_DECLS
