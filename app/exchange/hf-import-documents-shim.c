/* hf-import-documents-shim.c — TEMPORARY stand-in for the contract's hf_vault_import_documents
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See hf-import-documents-shim.h: deleted when the records layer's version is merged.
 */

#include "hf-import-documents-shim.h"

static void
add_result (HfImportResult *sum,
            HfImportResult *one)
{
  GHashTableIter iter;
  gpointer key, value;

  sum->files += one->files;
  sum->added += one->added;
  sum->updated += one->updated;
  sum->history += one->history;
  sum->deleted += one->deleted;
  sum->unchanged += one->unchanged;
  sum->left_out += one->left_out;
  g_hash_table_iter_init (&iter, one->by_type);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint before = GPOINTER_TO_UINT (g_hash_table_lookup (sum->by_type, key));

      g_hash_table_replace (sum->by_type, g_strdup (key),
                            GUINT_TO_POINTER (before + GPOINTER_TO_UINT (value)));
    }
}

gboolean
hf_vault_import_documents (HfVault                 *vault,
                           const HfImportDocument  *docs,
                           guint                    n,
                           const HfImportOptions   *options,
                           HfImportStoredFunc       stored,
                           gpointer                 user_data,
                           GCancellable            *cancellable,
                           HfImportResult         **out,
                           GError                 **error)
{
  g_autoptr(HfImportResult) sum = g_new0 (HfImportResult, 1);

  sum->by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HfImportResult) one = NULL;
      gint64 provenance = 0;

      if (!hf_vault_import_bytes (vault, docs[i].bytes, docs[i].name, docs[i].origin, options,
                                  cancellable, &one, &provenance, error))
        return FALSE;
      add_result (sum, one);
      if (stored != NULL && !stored (vault, i, provenance, user_data, error))
        return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&sum);
  return TRUE;
}
