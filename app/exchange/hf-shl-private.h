/* hf-shl-private.h — the schema step of SMART Health Links kept as sources
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-shl.h"

G_BEGIN_DECLS

/* Schema step (12 on this branch; 14 after the cards' 12 and the links made's 13):
 * shl_source, an "L" link kept under a name, with its payload (the key too: the vault is
 * encrypted) and how its last sync went. */
gboolean _hf_shl_migrate (sqlite3  *db,
                          GError  **error);

G_END_DECLS
