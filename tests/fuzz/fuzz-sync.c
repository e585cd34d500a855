/* fuzz-sync.c — libFuzzer target: adding a source and its sync (app/hf-source.c)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input's first line sets the scene: "open" (no sign-in) or "smart" (signed in, with
 * stored tokens), "expired" (the access token must be renewed before the first request) and
 * "cancel" (the sync is cancelled once the first page of a search is stored, with other
 * requests still out).
 * The rest is a script of HTTP answers (tests/fuzz/hf-fuzz-http.h), in the order the code
 * asks: discovery (.well-known/smart-configuration, metadata), then the sync's requests:
 * the Patient, a search per type and its next pages, retries, token renewals, documents.
 *
 * Each input adds a new source to one vault, syncs it and removes it again. A sync may fail,
 * but with a GError in a valid sentence and a result that says what was done, and it
 * leaves no transaction open.
 */

#include <string.h>

#include "hf-error.h"
#include "hf-fuzz-http.h"
#include "hf-fuzz.h"
#include "hf-source.h"
#include "hf-vault-private.h"

#define BASE_URL        "https://fhir.example.org/r4"
#define MAX_VAULT_BYTES (16 << 20)

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  hf_fuzz_vault ();
  return 0;
}

static void
progress_cb (const HfSyncProgress *progress,
             gpointer              user_data)
{
  GCancellable *cancellable = user_data;

  if (cancellable != NULL && progress->event == HF_SYNC_EVENT_PAGE &&
      g_strcmp0 (progress->type, "Patient") != 0)
    g_cancellable_cancel (cancellable);
  g_assert_nonnull (progress->source);
  if (progress->message != NULL)
    g_assert_true (g_utf8_validate (progress->message, -1, NULL));
  g_assert_cmpuint (progress->types_done, <=, progress->types_total);
}

/* What hf_source_login would have stored: a signed-in SMART source. */
static void
sign_in (sqlite3    *db,
         const char *name,
         gboolean    expired)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "UPDATE source SET auth = 'smart', client_id = "
                                       "'fuzz-client' WHERE name = ?", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO source_token (source_id, access_token, "
                                       "refresh_token, expires_at, scope, updated_at) SELECT "
                                       "id, 'access-1', 'refresh-1', ?, 'patient/*.rs', 0 "
                                       "FROM source WHERE name = ?", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, expired ? 1 : 0);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

static void
assert_failed (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == HF_ERROR || error->domain == G_IO_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static guint serial;
  HfVault *vault = hf_fuzz_vault ();
  sqlite3 *db = _hf_vault_get_db (vault);
  const char *text = (const char *) data;
  const char *nl = memchr (text, '\n', size);
  gsize head = nl ? (gsize) (nl - text) : size;
  g_autofree char *scene = g_strndup (text, head);
  g_autofree char *name = g_strdup_printf ("fuzz-%u", serial++);
  gboolean smart = strstr (scene, "smart") != NULL;
  HfSourceOptions options = { .backoff_ms = 1 };
  g_autoptr(GCancellable) cancellable = strstr (scene, "cancel") ? g_cancellable_new () : NULL;
  g_autoptr(HfSourceInfo) info = NULL;
  g_autoptr(HfSyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  hf_fuzz_http_set_script (nl ? data + head + 1 : data + size, nl ? size - head - 1 : 0);
  info = hf_source_add (vault, name, BASE_URL, TRUE, NULL, "example", NULL, &options, NULL, NULL,
                        &error);
  g_assert_true (sqlite3_get_autocommit (db));
  if (info == NULL)
    {
      assert_failed (error);
      hf_fuzz_http_reset ();
      return 0;
    }
  if (smart)
    sign_in (db, name, strstr (scene, "expired") != NULL);

  ok = hf_source_sync (vault, name, &options, progress_cb, cancellable, cancellable, &result,
                       &error);
  g_assert_true (sqlite3_get_autocommit (db));
  g_assert_nonnull (result);
  g_assert_cmpstr (result->source, ==, name);
  if (!ok)
    assert_failed (error);
  else
    g_assert_no_error (error);
  for (guint i = 0; i < result->types->len; i++)
    {
      HfSyncTypeResult *r = g_ptr_array_index (result->types, i);
      if (r->message != NULL)
        g_assert_true (g_utf8_validate (r->message, -1, NULL));
    }
  g_clear_error (&error);

  g_assert_true (hf_source_remove (vault, name, &error));
  g_assert_no_error (error);
  hf_fuzz_http_reset ();
  hf_fuzz_vault_trim (MAX_VAULT_BYTES);
  return 0;
}
