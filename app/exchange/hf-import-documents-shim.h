/* hf-import-documents-shim.h — TEMPORARY: the shared contract's hf_vault_import_documents
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The records layer's hf_vault_import_documents (contract.md) is not on main yet. This is its
 * declaration, word for word, and a stand-in made of hf_vault_import_bytes() calls so that
 * the link code builds and its tests run. The stand-in is all or nothing only per document:
 * the link code decrypts and checks every file before it calls it, which is what the link
 * tests exercise. Delete both files and include hf-import.h once the contract is merged.
 */

#pragma once

#include "hf-import.h"

G_BEGIN_DECLS

typedef struct
{
  GBytes     *bytes;
  const char *name;
  const char *origin;
} HfImportDocument;

typedef gboolean (*HfImportStoredFunc) (HfVault  *vault,
                                        guint     index,
                                        gint64    provenance_id,
                                        gpointer  user_data,
                                        GError  **error);

gboolean hf_vault_import_documents (HfVault                 *vault,
                                    const HfImportDocument  *docs,
                                    guint                    n,
                                    const HfImportOptions   *options,
                                    HfImportStoredFunc       stored,
                                    gpointer                 user_data,
                                    GCancellable            *cancellable,
                                    HfImportResult         **out,
                                    GError                 **error);

G_END_DECLS
