/* hf-records-private.h — the records schema, for the vault's migrations and the importer
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include <glib.h>

G_BEGIN_DECLS

/* Schema 2: resources, their provenance and the full-text index. */
gboolean _hf_records_migrate_v2 (sqlite3  *db,
                                 GError  **error);

/* Adds to WORDS (a set of char*) the words of TEXT as the search index's tokenizer
 * (unicode61, remove_diacritics 2) cuts them: runs of letters and digits, lower case, accents
 * dropped. The importer keeps them in search_vocab; search expands prefixes against it. */
void     _hf_search_fold_words  (const char  *text,
                                 GHashTable  *words);

G_END_DECLS
