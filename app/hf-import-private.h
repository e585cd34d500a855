/* hf-import-private.h — storing resources that did not come from a file (sources' sync)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-import.h"

G_BEGIN_DECLS

/* The importer's storing path for callers that fetch resources themselves. The caller owns the
 * transaction and the provenance row (PROVENANCE_ID); records are kept under SOURCE_KEY. */
typedef struct _HfImportBatch HfImportBatch;

HfImportBatch  *_hf_import_batch_new        (HfVault        *vault,
                                             const char     *source_key,
                                             gint64          provenance_id,
                                             GError        **error);
/* Stores one resource, or every entry of a Bundle. WHERE names it in errors. */
gboolean        _hf_import_batch_add        (HfImportBatch  *batch,
                                             JsonObject     *resource,
                                             const char     *where,
                                             GError        **error);
/* Counts so far: added, updated, history, unchanged and by_type (records read). */
HfImportResult *_hf_import_batch_get_result (HfImportBatch  *batch);
void            _hf_import_batch_free       (HfImportBatch  *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfImportBatch, _hf_import_batch_free)

G_END_DECLS
