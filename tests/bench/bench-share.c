/* bench-share.c — share preview over a 100,000-record vault; the export of 10,000 records
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 11's budgets: `share preview` (hf_share_compute, what the CLI calls) over 100,000
 * records with a consent of three categories ≤ 200 ms, and the export of 10,000 shared records
 * (hf_disclosure_export_fhir: the policy with every shared record written, the Bundle, the
 * file, the disclosure recorded) ≤ 1 s. The vault is bench-data.c's (bench-import's), imported
 * here. Each figure is the median of 7 runs, printed with the load average. As the other
 * side of the comparison, the same run times reading the same rows' JSON with one SELECT (the
 * floor of a preview that reads the records, as ours did before share_fact), and parsing each
 * with json-glib, which is what a policy built on parsed resources would pay before it decided
 * anything. This program prints figures; it never fails on timing.
 *
 *   tests/bench/bench-share [--n 100000] [--keep]
 *   tests/bench/bench-share --vault DIR/bench.hfvault   (one that --keep kept)
 *   … [--rounds N] [--only preview|export]             (to profile one of them)
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bench-data.h"
#include "bench-util.h"
#include "hf-consent.h"
#include "hf-core.h"
#include "hf-disclosure.h"
#include "hf-fhir.h"
#include "hf-import.h"
#include "hf-label.h"
#include "hf-policy.h"
#include "hf-recipient.h"
#include "hf-records.h"
#include "hf-vault-private.h"

#define PASSPHRASE "correct horse battery staple, measured"
#define ROUNDS     7

static guint rounds = ROUNDS;
#define RECIPIENT  "Dr. Osei"

/* The other side: one SELECT of the same rows' JSON, each parsed by json-glib (or, PARSE
 * false, only read: the floor of any preview that looks at the records' text). */
static double
parse_all (HfVault            *vault,
           const char * const *categories,
           gboolean            parse)
{
  g_autoptr(GString) sql = g_string_new ("SELECT json FROM resource WHERE superseded_by IS NULL "
                                         "AND deleted_at IS NULL AND linked_to IS NULL AND "
                                         "category IN (");
  sqlite3_stmt *stmt = NULL;
  gint64 start = g_get_monotonic_time ();
  guint n = 0;

  for (guint i = 0; categories[i] != NULL; i++)
    g_string_append_printf (sql, "%s'%s'", i > 0 ? ", " : "", categories[i]);
  g_string_append_c (sql, ')');
  sqlite3_prepare_v2 (_hf_vault_get_db (vault), sql->str, -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *json = (const char *) sqlite3_column_text (stmt, 0);
      if (parse)
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();
          json_parser_load_from_data (parser, json, sqlite3_column_bytes (stmt, 0), NULL);
        }
      n++;
    }
  sqlite3_finalize (stmt);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
time_preview (HfVault            *vault,
              const char         *today,
              const char * const *categories)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) parse_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) read_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) labels_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *names = g_strjoinv (", ", (char **) categories);
  guint shared = 0, withheld = 0, redacted = 0;

  bench_set_consent (vault, RECIPIENT, categories);
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfShare) share = NULL;
      gint64 start = g_get_monotonic_time ();
      double t;

      share = hf_share_compute (vault, RECIPIENT, today, NULL, HF_POLICY_PREVIEW, &error);
      t = (g_get_monotonic_time () - start) / 1000.0;
      if (share == NULL)
        bench_die ("share", "share preview", error);
      g_array_append_val (ms, t);
      shared = share->shared->len;
      withheld = (guint) hf_share_n_withheld (share);
      redacted = 0;
      for (guint k = 0; k < share->shared->len; k++)
        redacted += ((HfShared *) g_ptr_array_index (share->shared, k))->redacted;
      t = parse_all (vault, categories, TRUE);
      g_array_append_val (parse_ms, t);
      t = parse_all (vault, categories, FALSE);
      g_array_append_val (read_ms, t);
      {
        g_autoptr(GHashTable) labels = NULL;
        start = g_get_monotonic_time ();
        labels = hf_label_load_all (vault, &error);
        t = (g_get_monotonic_time () - start) / 1000.0;
        g_array_append_val (labels_ms, t);
      }
    }
  printf ("share: preview, consent of %s: %u shared (%u with references removed), %u withheld\n",
          names, shared, redacted, withheld);
  printf ("  hf_share_compute (preview):          median %8.1f ms of %u (budget ≤ 200 ms)\n",
          bench_median (ms), rounds);
  printf ("    of which hf_label_load_all (every record's labels):   %8.1f ms\n",
          bench_median (labels_ms));
  printf ("  beside it, only reading those categories' JSON (one SELECT; what a preview read "
          "before share_fact, and reads no more): %.1f ms\n", bench_median (read_ms));
  printf ("  beside it, reading and parsing the same categories' JSON with json-glib: "
          "%.1f ms\n", bench_median (parse_ms));
}

static void
time_export (HfVault            *vault,
             const char         *dir,
             const char         *today,
             const char * const *categories)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *names = g_strjoinv (", ", (char **) categories);
  g_autofree char *path = g_build_filename (dir, "export.json", NULL);
  guint records = 0;
  GStatBuf st;

  bench_set_consent (vault, RECIPIENT, categories);
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfDisclosure) d = NULL;
      gint64 start = g_get_monotonic_time ();
      double t;

      d = hf_disclosure_export_fhir (vault, RECIPIENT, today, g_get_real_time (), NULL, path,
                                     NULL, &error);
      t = (g_get_monotonic_time () - start) / 1000.0;
      if (d == NULL)
        bench_die ("share", "export", error);
      g_array_append_val (ms, t);
      records = d->n_items;
    }
  g_stat (path, &st);
  printf ("share: export, consent of %s: %u records shared, a %.1f MB Bundle\n", names, records,
          st.st_size / 1e6);
  printf ("  hf_disclosure_export_fhir:           median %8.1f ms of %u (budget ≤ 1000 ms)\n",
          bench_median (ms), rounds);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_remove (path);
      }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(HfSecret) pass = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfRecipient) recipient = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *ndjson = NULL;
  g_autofree char *vault_path = NULL;
  g_autofree char *today = hf_policy_today ();
  g_auto(GStrv) ten_thousand = NULL;
  const char *preview_categories[] = { HF_CATEGORY_LAB_RESULTS, HF_CATEGORY_VITALS,
                                       HF_CATEGORY_IMMUNIZATIONS, NULL };
  const char *data_dir;
  const char *paths[2] = { NULL, NULL };
  gboolean keep = FALSE;
  g_autofree char *reuse = NULL;
  guint64 total = 0, n_target = 0;
  int n = 100000, n_rounds = ROUNDS;
  g_autofree char *only = NULL;
  gint64 start;
  GOptionEntry entries[] = {
    { "n", 'n', 0, G_OPTION_ARG_INT, &n, "Records in the vault (default 100000)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the vault and its folder", NULL },
    { "vault", 0, 0, G_OPTION_ARG_FILENAME, &reuse, "Measure this vault (kept by --keep)",
      "FILE" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &n_rounds, "Runs of each, for the bench_median (default 7)",
      "N" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only,
      "Only “preview” or only “export” (to profile one)", "WHAT" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— how fast share preview and export are");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n < 1000 || n_rounds < 1 ||
      (only != NULL && !g_str_equal (only, "preview") && !g_str_equal (only, "export")))
    {
      g_printerr ("bench-share: %s\n", error != NULL ? error->message
                                     : "--n: at least 1000; --rounds: at least 1; "
                                       "--only: preview or export");
      return 1;
    }
  rounds = n_rounds;
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  if (!hf_core_init ())
    {
      g_printerr ("bench-share: could not initialise libsodium\n");
      return 1;
    }
  data_dir = g_getenv ("HF_TEST_DATA");
  if (data_dir == NULL)
    data_dir = HF_BENCH_DATA_DIR;

  pass = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  if (reuse != NULL)
    {
      dir = g_path_get_dirname (reuse);
      keep = TRUE;
      if ((vault = hf_vault_open (reuse, "owner", pass, &error)) == NULL)
        bench_die ("share", "opening the vault", error);
      if ((counts = hf_record_store_count_categories (vault, &total, &error)) == NULL)
        bench_die ("share", "counting", error);
      n = 0;
      {
        HfRecordFilter all = { .all = TRUE };
        guint64 count = 0;
        hf_record_store_count (vault, &all, &count, &error);
        n = (int) count;
      }
    }
  else
    {
      if ((dir = g_dir_make_tmp ("hf-bench-share-XXXXXX", &error)) == NULL)
        bench_die ("share", "a folder", error);
      ndjson = g_build_filename (dir, "resources.ndjson", NULL);
      vault_path = g_build_filename (dir, "bench.hfvault", NULL);
      templates = bench_data_load_templates (data_dir);
      bench_data_write_ndjson (templates, n, ndjson);

      if ((vault = hf_vault_create (vault_path, "owner", pass, &code, &error)) == NULL)
        bench_die ("share", "creating the vault", error);
      start = g_get_monotonic_time ();
      paths[0] = ndjson;
      if (!hf_vault_import_files (vault, paths, NULL, NULL, NULL, &result, &error))
        bench_die ("share", "importing", error);
      g_remove (ndjson);
      if ((counts = hf_record_store_count_categories (vault, &total, &error)) == NULL)
        bench_die ("share", "counting", error);
      printf ("share: %d records imported in %.1f s\n", n,
              (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
      if ((recipient = hf_recipient_add (vault, RECIPIENT, HF_RECIPIENT_CLINICIAN, NULL, NULL,
                                         &error)) == NULL)
        bench_die ("share", "adding the recipient", error);
    }
  printf ("share: %d records; by category:", n);
  {
    g_autoptr(GPtrArray) names = bench_sorted_keys (counts);
    for (guint i = 0; i < names->len; i++)
      printf (" %s %zu", (char *) g_ptr_array_index (names, i),
              GPOINTER_TO_SIZE (g_hash_table_lookup (counts, g_ptr_array_index (names, i))));
  }
  printf ("\n");

  bench_print_load ("share", "before");
  if (g_strcmp0 (only, "export") != 0)
    time_preview (vault, today, preview_categories);
  ten_thousand = bench_pick_categories (counts, 10000 * (guint64) n / 100000, &n_target);
  if (g_strcmp0 (only, "preview") != 0)
    time_export (vault, dir, today, (const char * const *) ten_thousand);
  bench_print_load ("share", "after");

  hf_vault_lock (vault);
  if (keep)
    printf ("share: kept in %s\n", dir);
  else
    remove_dir (dir);
  return 0;
}
