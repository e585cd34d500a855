/* bench-search.c — searching and paging a big vault: search inside words, short words, one
 * category, the timeline with and without billing, counts
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN.md §9: a timeline page ≤ 5 ms and a search ≤ 50 ms at 1,000,000 resources. The vault
 * is one that `bench-import --keep` made (its passphrase), by this build or an older one:
 * opening it runs the schema steps it lacks, and the time that takes (the records' rebuild at
 * schema 4) is printed with the file's size before and after. Then every query runs at least
 * 3 times, for up to 5 s, and its median is printed. This program prints figures; it never
 * fails on timing.
 *
 *   tests/bench/bench-search VAULT [--query WORD]… [--category CATEGORY:WORD]…
 */

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf-core.h"
#include "hf-fhir.h"
#include "hf-records.h"
#include "hf-vault-private.h"

#define PASSPHRASE "correct horse battery staple, measured"   /* bench-import's */
#define ROUNDS     51

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *ms)
{
  g_array_sort (ms, compare_double);
  return g_array_index (ms, double, ms->len / 2);
}

static double
file_mb (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size / 1e6 : 0;
}

static void
print_uptime (void)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    printf ("search: load average %s", load);
}

/* The median time of searching WORD within FILTER (NULL: "All records"). */
static void
time_find (HfVault              *vault,
           const HfRecordFilter *filter,
           const char           *word)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 began = g_get_monotonic_time ();
  g_autofree char *what = NULL;
  guint64 matched = 0;
  guint rows = 0;

  for (guint i = 0; i < ROUNDS && (i < 3 || g_get_monotonic_time () - began < 5 * G_USEC_PER_SEC);
       i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = NULL;
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      found = hf_record_store_find (vault, filter, word, 50, &matched, &error);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      if (found == NULL)
        g_error ("bench-search: %s", error->message);
      rows = found->len;
      g_array_append_val (ms, elapsed);
    }
  what = g_strdup_printf ("“%s”%s%s", word, filter && filter->category ? " in " : "",
                          filter && filter->category ? filter->category : "");
  printf ("  search %-28s %8.3f ms median  %3u rows, %s%" G_GUINT64_FORMAT " match\n", what,
          median (ms), rows, matched > HF_RECORD_SEARCH_COUNT_MAX ? "more than " : "",
          MIN (matched, (guint64) HF_RECORD_SEARCH_COUNT_MAX));
}

static void
time_page (HfVault              *vault,
           const HfRecordFilter *filter,
           const char           *what,
           guint64               skip)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  HfRecordCursor at = { NULL, 0 };
  guint64 count = 0;
  double count_ms;
  gint64 start;
  guint rows = 0;

  start = g_get_monotonic_time ();
  if (!hf_record_store_count (vault, filter, &count, &error))
    g_error ("bench-search: %s", error->message);
  count_ms = (g_get_monotonic_time () - start) / 1000.0;
  if (skip > 0 && skip < count &&
      !hf_record_store_seek (vault, filter, NULL, skip, &at, &error))
    g_error ("bench-search: %s", error->message);
  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(GPtrArray) page = NULL;
      double elapsed;

      start = g_get_monotonic_time ();
      page = hf_record_store_query (vault, filter, at.effective ? &at : NULL, 50, &error);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      if (page == NULL)
        g_error ("bench-search: %s", error->message);
      rows = page->len;
      g_array_append_val (ms, elapsed);
    }
  printf ("  page of 50, %-26s %8.3f ms median  %3u rows; count %" G_GUINT64_FORMAT
          " in %.3f ms\n", what, median (ms), rows, count, count_ms);
  hf_record_cursor_clear (&at);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HfSecret) pass = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_auto(GStrv) queries = NULL;
  g_auto(GStrv) in_category = NULL;
  const char *default_queries[] = {
    "encounter",       /* common word */
    "anaphylaxis",     /* rare word */
    "diabetes",        /* inside words: Prediabetes */
    "cholesterol",     /* inside words: Hypercholesterolemia */
    "hb",              /* two letters: the start of a word (HbA1c) */
    "heart attack",    /* two words */
    "zzqx",            /* nothing */
    NULL
  };
  const char *default_categories[] = {
    HF_CATEGORY_PROBLEMS ":pharyngitis", HF_CATEGORY_LAB_RESULTS ":glucose",
    HF_CATEGORY_BILLING ":encounter", NULL
  };
  GOptionEntry entries[] = {
    { "query", 0, 0, G_OPTION_ARG_STRING_ARRAY, &queries, "A search (repeatable)", "WORDS" },
    { "category", 0, 0, G_OPTION_ARG_STRING_ARRAY, &in_category,
      "A search in one category (repeatable)", "CATEGORY:WORDS" },
    { NULL }
  };
  HfRecordFilter all = { .all = TRUE };
  HfRecordFilter billing = { .category = HF_CATEGORY_BILLING };
  double before_mb;
  gint64 start;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;

  setlocale (LC_ALL, "");
  context = g_option_context_new ("VAULT — how fast searching and paging a big vault is");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("bench-search: %s\n", error ? error->message : "give one VAULT");
      return 1;
    }
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  if (!hf_core_init ())
    return 1;

  print_uptime ();
  before_mb = file_mb (argv[1]);
  pass = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  start = g_get_monotonic_time ();
  vault = hf_vault_open (argv[1], NULL, pass, &error);
  if (vault == NULL)
    {
      g_printerr ("bench-search: %s\n", error->message);
      return 1;
    }
  printf ("search: opened in %.1f s (with any schema steps); vault file %.1f MB before, "
          "%.1f MB after\n", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
          before_mb, file_mb (argv[1]));
  db = _hf_vault_get_db (vault);
  sqlite3_prepare_v2 (db, "SELECT (SELECT count(*) FROM resource WHERE superseded_by IS NULL), "
                          "(SELECT freelist_count FROM pragma_freelist_count), "
                          "(SELECT page_size FROM pragma_page_size)", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    printf ("search: %" G_GINT64_FORMAT " current records; %.1f MB of free pages\n",
            (gint64) sqlite3_column_int64 (stmt, 0),
            sqlite3_column_int64 (stmt, 1) * sqlite3_column_int64 (stmt, 2) / 1e6);
  sqlite3_finalize (stmt);

  time_page (vault, NULL, "All records, first:", 0);
  time_page (vault, NULL, "All records, halfway:", 500000);
  time_page (vault, &all, "--all, first:", 0);
  time_page (vault, &billing, "billing, first:", 0);

  for (guint i = 0; queries ? queries[i] != NULL : default_queries[i] != NULL; i++)
    time_find (vault, NULL, queries ? queries[i] : default_queries[i]);
  for (guint i = 0; in_category ? in_category[i] != NULL : default_categories[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (in_category ? in_category[i] : default_categories[i],
                                        ":", 2);
      HfRecordFilter filter = { .category = parts[0] };

      if (parts[1] == NULL)
        {
          g_printerr ("bench-search: --category takes CATEGORY:WORDS\n");
          return 1;
        }
      time_find (vault, &filter, parts[1]);
    }
  printf ("  budgets at 1,000,000: page ≤ 5 ms, search ≤ 50 ms\n");
  print_uptime ();
  hf_vault_lock (vault);
  return 0;
}
