/* hf-disclosure-private.h — the disclosures' tables
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-disclosure.h"

G_BEGIN_DECLS

/* Schema 8: disclosure and disclosure_item, kept for good (no delete, no update). */
gboolean _hf_disclosure_migrate_v8 (sqlite3  *db,
                                    GError  **error);

G_END_DECLS
