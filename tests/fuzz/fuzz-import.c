/* fuzz-import.c — libFuzzer target: importing a file into a vault (app/hf-import.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is a file imported into one vault, made once: its transaction is either
 * committed or refused as a whole. A refusal is HF_ERROR_INVALID_INPUT in a valid sentence
 * and leaves the records as they were; either way no transaction is left open.
 */

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-import.h"
#include "hf-vault-private.h"

/* Past this the vault starts over empty, to keep every run fast. */
#define MAX_VAULT_BYTES (16 << 20)

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  hf_fuzz_vault ();
  return 0;
}

static gint64
count_rows (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM resource", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  HfVault *vault = hf_fuzz_vault ();
  sqlite3 *db = _hf_vault_get_db (vault);
  g_autofree char *path = hf_fuzz_write_file ("input.json", data, size);
  const char *paths[] = { path, NULL };
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = count_rows (db);

  if (hf_vault_import_files (vault, paths, NULL, NULL, NULL, &result, &error))
    {
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_cmpuint (result->files, ==, 1);
    }
  else
    {
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (result);
      g_assert_cmpint (count_rows (db), ==, before);
    }
  g_assert_true (sqlite3_get_autocommit (db));
  hf_fuzz_vault_trim (MAX_VAULT_BYTES);
  return 0;
}
