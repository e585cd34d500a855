/* hf-import-private.h — storing resources that did not come from a file (sources' sync)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <sqlcipher/sqlite3.h>

#include "hf-import.h"

G_BEGIN_DECLS

/* The importer's storing path for callers that fetch resources themselves. The caller owns the
 * transaction and the provenance row (PROVENANCE_ID); records are kept under SOURCE_KEY. */
typedef struct _HfImportBatch HfImportBatch;

HfImportBatch  *_hf_import_batch_new        (HfVault        *vault,
                                             const char     *source_key,
                                             gint64          provenance_id,
                                             GError        **error);
/* Queues one resource; TEXT and LENGTH are its exact bytes as received, stored as they are.
 * WHERE names it in errors. Call _hf_import_batch_flush before committing, and
 * _hf_import_batch_discard after rolling back. */
gboolean        _hf_import_batch_add        (HfImportBatch  *batch,
                                             JsonObject     *resource,
                                             const char     *text,
                                             gsize           length,
                                             const char     *where,
                                             GError        **error);
/* Writes what is queued, inside the caller's transaction. */
gboolean        _hf_import_batch_flush      (HfImportBatch  *batch,
                                             GError        **error);
/* Forgets what is queued: the caller's transaction was rolled back. */
void            _hf_import_batch_discard    (HfImportBatch  *batch);
/* Counts so far: added, updated, history, unchanged and by_type (records read). */
HfImportResult *_hf_import_batch_get_result (HfImportBatch  *batch);
void            _hf_import_batch_free       (HfImportBatch  *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfImportBatch, _hf_import_batch_free)

/* A new current row as the importer wrote it: its columns, and its JSON as stored (references
 * rewritten). Borrowed for the call. */
typedef struct
{
  gint64      id;
  const char *type;
  const char *fhir_id;
  const char *source_key;
  const char *category;
  const char *effective;   /* "" without a date */
  const char *title;
  const char *json;
  gsize       json_len;
  gboolean    linked;      /* a copy of a record from another source (linked_to set): not shown */
} HfImportRow;

/* A layer above records that keeps something of its own per stored row (the sharing layer's
 * sensitivity labels and share facts), which records cannot call. Every import and sync calls
 * SCAN with each resource it reads that it keeps (RESOURCE as parsed, before its references are
 * rewritten); for the rows that become current (new records and newer versions; not older
 * history, not unchanged ones) it calls STORE with the row's id inside the import's
 * transaction, unless SCAN returned NULL, which it should for most resources: it is on the
 * import's hot path. FREE (may be NULL) frees what SCAN returned. An observer that keeps
 * something for every row sets STORE_ROWS instead (SCAN and STORE may then be NULL): it is
 * called once per batch written, with all its new current rows; STATE is its own, NULL at
 * first and kept for the import (its prepared statements), which FINISH frees at the end of the
 * import. Observers are added once, from hf_core_init(). */
typedef struct
{
  gpointer (*scan)       (JsonObject         *resource,
                          const char         *type);
  gboolean (*store)      (sqlite3            *db,
                          gint64              row_id,
                          gpointer            scanned,
                          GError            **error);
  void     (*free)       (gpointer            scanned);
  gboolean (*store_rows) (sqlite3            *db,
                          gpointer           *state,
                          const HfImportRow  *rows,
                          guint               n_rows,
                          GError            **error);
  void     (*finish)     (gpointer            state);
} HfImportObserver;

void            _hf_import_add_observer     (const HfImportObserver *observer);

G_END_DECLS
