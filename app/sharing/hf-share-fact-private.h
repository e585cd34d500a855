/* hf-share-fact-private.h — what a preview reads of each record instead of its JSON
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-import-private.h"

G_BEGIN_DECLS

/* Schema 9: share_fact, per current resource row (not superseded, not deleted at its source):
 * the columns a share reads (type, id, source, category, date, title, whether it is shown) and
 * the record's skeleton, kept apart from the row so that a preview reads none of the records'
 * JSON. Existing rows get theirs in the step. */
gboolean    _hf_share_facts_migrate_v9  (sqlite3       *db,
                                         GError       **error);

/* Writes every new current row's facts as the import stores it (hf_core_init adds it). */
extern const HfImportObserver _hf_share_fact_observer;

/* The skeleton of a resource (JSON, LENGTH bytes of it as stored): its JSON with only what
 * leads to a reference that can break (one not to a contained "#…" resource), in the same
 * member order and text; an array item without one becomes 0, an element without one goes,
 * as do the root's meta and, in contained resources, all but resourceType and what leads to a
 * reference. The policy's decisions (which references a record holds, and whether it survives
 * losing some) come out the same on the skeleton as on the whole resource: "{}" when it has
 * none. Newly allocated, NUL-terminated; LENGTH_OUT (may be NULL) is its length. */
char       *_hf_share_skeleton          (const char    *json,
                                         gsize          length,
                                         gsize         *length_out);

G_END_DECLS
