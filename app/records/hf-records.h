/* hf-records.h — reading the vault's records: timeline pages, search, one record, counts
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-vault.h"

G_BEGIN_DECLS

typedef struct
{
  const char *resource_type;   /* or NULL for any */
  const char *category;        /* HF_CATEGORY_*, or NULL */
  const char *since;           /* "YYYY-MM-DD", inclusive, or NULL */
  const char *until;           /* "YYYY-MM-DD", inclusive, or NULL */
  gboolean    all;             /* without a type or category, "All records" leaves out
                                * HF_CATEGORY_BILLING and HF_CATEGORY_DIRECTORY: TRUE keeps
                                * them */
} HfRecordFilter;

/* A search counts its matches exactly up to this many; more are "more than" it. */
#define HF_RECORD_SEARCH_COUNT_MAX 1000

/* Where a page ended: the last row's sort key. Rows without a date come after all dated ones. */
typedef struct
{
  char   *effective;           /* "" for a row without a date */
  gint64  id;
} HfRecordCursor;

typedef struct
{
  gint64  id;
  char   *resource_type;
  char   *fhir_id;
  char   *category;
  char   *effective;           /* sortable, or NULL */
  char   *title;
  char   *subtitle;
  char   *source;              /* the source it came from (the file's name) */
  char   *deleted_at;          /* when its source deleted it, or NULL */
} HfRecordRow;

void       hf_record_row_free       (HfRecordRow          *row);
/* A record's source (HfRecordRow.source) in words: the file's path, standard input, or the
 * FHIR server's name. */
char      *hf_record_source_dup_label (const char         *source);
void       hf_record_cursor_clear   (HfRecordCursor       *cursor);
void       hf_record_cursor_set     (HfRecordCursor       *cursor,
                                     const HfRecordRow    *row);

/* What a patient reads is one row per resource: a linked copy (the same resource from
 * another file or source) is not listed, counted or found; hf_record_store_linked lists
 * them. */

/* Current records, newest first, at most LIMIT after AFTER (NULL: from the start).
 * Returns HfRecordRow*; each page is one indexed range scan, never a scan of everything. */
GPtrArray *hf_record_store_query    (HfVault              *vault,
                                     const HfRecordFilter *filter,
                                     const HfRecordCursor *after,
                                     guint                 limit,
                                     GError              **error);
/* How many current records FILTER (NULL: all) matches. */
gboolean   hf_record_store_count    (HfVault              *vault,
                                     const HfRecordFilter *filter,
                                     guint64              *count,
                                     GError              **error);
/* The cursor SKIP rows on from AFTER (NULL: the start), in the order of query, without reading
 * the rows in between: for jumping far into a long timeline. Fewer rows: HF_ERROR_NOT_FOUND. */
gboolean   hf_record_store_seek     (HfVault              *vault,
                                     const HfRecordFilter *filter,
                                     const HfRecordCursor *after,
                                     guint64               skip,
                                     HfRecordCursor       *cursor,
                                     GError              **error);
/* Full-text search over titles, codes, notes and document text; accents and case do not
 * matter. Every word of QUERY must be found: a word of three letters or more anywhere, inside
 * words too ("diabetes" finds "Prediabetes"); a word of two at the start of a word; a word of
 * one as a whole word. At most LIMIT rows by date, newest first, of the newest 200 matches,
 * within FILTER's type and category (its dates are not used). Without a type or category,
 * and unless FILTER's all is TRUE, billing is left out; the directory is searched (a name
 * finds the doctor).
 * MATCHED (or NULL) is set to how many records match, exact up to
 * HF_RECORD_SEARCH_COUNT_MAX, which a larger number exceeds by one. */
GPtrArray *hf_record_store_find     (HfVault              *vault,
                                     const HfRecordFilter *filter,
                                     const char           *query,
                                     guint                 limit,
                                     guint64              *matched,
                                     GError              **error);
/* hf_record_store_find in "All records", without the count. */
GPtrArray *hf_record_store_search   (HfVault              *vault,
                                     const char           *query,
                                     guint                 limit,
                                     GError              **error);
/* The resource's JSON exactly as received, and the row. */
gboolean   hf_record_store_get      (HfVault              *vault,
                                     gint64                id,
                                     HfRecordRow         **row,
                                     char                **json,
                                     GError              **error);
/* An HfFhirResolveFunc over the vault's current records, USER_DATA being the HfVault: the title
 * of the record REFERENCE ("Type/id", or a URL ending in it) points to, or NULL. */
char      *hf_record_store_resolve  (const char           *reference,
                                     gpointer              vault);
/* Notes in the activity log that the acting member looked at ROW, when RESOURCE (its JSON)
 * carries a sensitivity label; does nothing for other records. */
gboolean   hf_record_store_note_view (HfVault             *vault,
                                      const HfRecordRow   *row,
                                      JsonObject          *resource,
                                      GError             **error);
/* The current records linked with ID: the same resource from other sources. */
GPtrArray *hf_record_store_linked   (HfVault              *vault,
                                     gint64                id,
                                     GError              **error);
/* Counts of current records per resource type (char* → GINT_TO_POINTER), as imported:
 * linked copies, billing and the directory too. */
GHashTable *hf_record_store_stats   (HfVault              *vault,
                                     guint64              *total,
                                     GError              **error);
/* Counts of current records per HF_CATEGORY_* (char* → GSIZE_TO_POINTER), linked copies
 * left out; TOTAL is that of "All records", without billing and the directory. */
GHashTable *hf_record_store_count_categories (HfVault     *vault,
                                              guint64     *total,
                                              GError     **error);
guint64    hf_record_store_count_provenance (HfVault      *vault,
                                             GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfRecordRow, hf_record_row_free)

G_END_DECLS
