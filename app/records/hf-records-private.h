/* hf-records-private.h — the records schema, for the vault's migrations and the importer
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Schema 2: resources, their provenance and the full-text index. */
gboolean _hf_records_migrate_v2 (sqlite3  *db,
                                 GError  **error);

/* Schema 4: the visit a record was made at (context), timelines without linked copies and
 * with "All records" leaving out billing and the directory, counts that tell copies apart,
 * and a search index that finds text inside words (trigrams). Rebuilds every row. */
gboolean _hf_records_migrate_v4 (sqlite3  *db,
                                 GError  **error);

/* Every current row's derived columns (category, date, title, …, context) summarized again
 * from its JSON with hf_fhir_summarize, the search index written again and record_count
 * recounted. Run inside the caller's transaction. */
gboolean _hf_records_rebuild    (sqlite3  *db,
                                 GError  **error);

/* TEXT as the search index holds it: its runs of letters and digits, lower case, accents
 * dropped, each followed and the first preceded by one space (" heart attack "), so that a
 * query's " xy" finds the words starting with "xy". NULL when TEXT has no word. */
char    *_hf_search_fold_text   (const char  *text);

/* The text of a DocumentReference's attachments (or a Binary) carried in the resource as
 * base64 data, when it is text/plain or text/html (tags dropped), or NULL. */
char    *_hf_records_attachment_text (JsonObject *resource);

/* The notes column of the search index for a resource of TYPE stored as JSON: NOTES (the
 * summary's search_notes) and, for documents, their text; folded. NULL when empty. */
char    *_hf_records_search_notes (const char *type,
                                   const char *json,
                                   const char *notes);

/* Adds to WORDS (a set of char*) the words of TEXT as _hf_search_fold_text cuts them: runs
 * of letters and digits, lower case, accents dropped. The importer keeps them in
 * search_vocab (a query's words are cut the same way). */
void     _hf_search_fold_words  (const char  *text,
                                 GHashTable  *words);

G_END_DECLS
