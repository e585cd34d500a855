/* hf-label-private.h — the labels' schema, the import observer, and what tests reach
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-import-private.h"
#include "hf-label.h"

G_BEGIN_DECLS

/* Schema 7: resource_label (labels of the table and of the source, per row), label_decision
 * (the patient's, per record: type, id and source, so that they outlive versions) and
 * label_state (the table version that labelled the vault). */
gboolean    _hf_labels_migrate_v7          (sqlite3    *db,
                                            GError    **error);

/* Labels every stored row as the import writes it (hf_core_init adds it). */
extern const HfImportObserver _hf_label_observer;

/* The labels (ActCode codes, sorted, no duplicates) the rule table gives a code of SYSTEM (a
 * code system URI); NULL when none. */
GStrv       _hf_label_match_code           (const char *system,
                                            const char *code);

/* Tests only: use TSV (the text of a rule table) instead of the built-in one, or the built-in
 * one again with NULL. Not reachable from the programs: nothing but tests calls it. */
void        _hf_label_set_table_for_testing (const char *tsv);

G_END_DECLS
