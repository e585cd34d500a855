/* hf-record-detail-private.h — the schema step the record detail needs
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include <glib.h>

G_BEGIN_DECLS

/* Schema 4 (temporary, until the records store's own step 4 replaces it): the visit each
 * record was made at, resource.context, indexed. */
gboolean _hf_records_migrate_v4_context (sqlite3  *db,
                                         GError  **error);

G_END_DECLS
