/* hf-source-private.h — the sources schema, for the vault's migrations; a knob for tests
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include <glib.h>

G_BEGIN_DECLS

/* Schema 3: sources, their tokens, per-type sync state and attachments. */
gboolean _hf_sources_migrate_v3 (sqlite3  *db,
                                 GError  **error);

/* For tests: the most pages of one type a sync fetches (0: the default, 10,000). */
void     _hf_source_set_max_pages (guint     max_pages);

G_END_DECLS
