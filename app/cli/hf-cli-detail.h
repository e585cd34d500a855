/* hf-cli-detail.h — what show prints about a record beyond its own fields
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-record-related.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* A panel's results, a visit's records, documents' text: after the record's own fields. */
void     hf_cli_detail_print      (const HfRecordRow    *row,
                                   const HfRecordRelated *detail,
                                   GPtrArray            *keep);
/* The same as members of the object B is building. */
void     hf_cli_detail_add_json   (JsonBuilder          *b,
                                   const HfRecordRelated *detail);
/* Writes part PART (1-based) of the record's files to PATH: mode 0600, never over an existing
 * file unless FORCE; logged in the activity log. */
gboolean hf_cli_detail_save       (HfVault              *vault,
                                   const HfRecordRow    *row,
                                   const HfRecordRelated *detail,
                                   guint                 part,
                                   const char           *path,
                                   gboolean              force,
                                   GError              **error);

G_END_DECLS
