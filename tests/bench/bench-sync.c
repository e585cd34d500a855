/* bench-sync.c — sync wall time against the latency bound (DESIGN.md §9)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test FHIR server on 127.0.0.1 adds 50 ms to every FHIR request; 200 search pages are
 * spread over the eight types it offers (25 pages of 20 resources each). The bound is
 * pages × latency ÷ parallel requests: what a sync costs if every slot is always busy and
 * storing is free. The budget is 1.3× the bound. Each run syncs into a fresh vault.
 *
 * This program prints figures; it never fails on timing.
 */

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "hf-core.h"
#include "hf-fhir-server.h"
#include "hf-source.h"
#include "hf-test-util.h"

#define LATENCY_MS (g_getenv ("BENCH_LATENCY") ? atoi (g_getenv ("BENCH_LATENCY")) : 50)
#define PAGE_SIZE  20
#define PAGES_EACH 25
#define ROUNDS     3

static const char *const types[] = {
  "AllergyIntolerance", "Condition", "DocumentReference", "Encounter", "Immunization",
  "MedicationRequest", "Observation", "Procedure", NULL,
};

static char *
machine (void)
{
  g_autofree char *cpuinfo = NULL;
  const char *model = "unknown CPU";
  g_autofree char *line = NULL;

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    {
      char *p = strstr (cpuinfo, "model name");
      if (p != NULL && (p = strchr (p, ':')) != NULL)
        {
          line = g_strndup (p + 2, strcspn (p + 2, "\n"));
          model = line;
        }
    }
  return g_strdup_printf ("%s, %u cores", model, g_get_num_processors ());
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  HfFhirServer *server;
  HfFhirFaults *faults;
  g_autofree char *where = machine ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M");
  HfSourceOptions options = { .page_size = PAGE_SIZE };
  guint n_types = g_strv_length ((char **) types);
  guint pages = n_types * PAGES_EACH;
  double best = G_MAXDOUBLE;
  double best_store = 0;

  setlocale (LC_ALL, "");
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  g_assert_true (hf_core_init ());

  server = hf_fhir_server_new (FALSE);
  hf_fhir_server_populate (server, types, PAGE_SIZE * PAGES_EACH);
  faults = hf_fhir_server_lock_faults (server);
  faults->latency_ms = LATENCY_MS;
  hf_fhir_server_unlock_faults (server);

  printf ("bench-sync: %s, %s\n", where, date);
  for (guint parallel = 4; parallel <= 8; parallel += 4)
    {
      double bound = (double) pages * LATENCY_MS / 1000.0 / parallel;

      options.parallel = parallel;
      best = G_MAXDOUBLE;
      best_store = 0;
      for (guint round = 0; round < ROUNDS; round++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *dir = g_dir_make_tmp ("hf-bench-sync-XXXXXX", &error);
          g_autofree char *path = g_build_filename (dir, "bench.hfvault", NULL);
          g_autoptr(HfSecret) pass = hf_test_secret ("bench passphrase");
          g_autoptr(HfSecret) code = NULL;
          g_autoptr(HfVault) vault = hf_vault_create (path, "owner", pass, &code, &error);
          g_autoptr(HfSourceInfo) info = NULL;
          g_autoptr(HfSyncResult) result = NULL;
          double wall;

          g_assert_no_error (error);
          info = hf_source_add (vault, "bench", hf_fhir_server_get_base (server), TRUE, NULL,
                                "p1", NULL, &options, NULL, NULL, &error);
          g_assert_no_error (error);
          if (!hf_source_sync (vault, "bench", &options, NULL, NULL, NULL, &result, &error))
            g_error ("sync failed: %s", error->message);
          g_assert_cmpuint (result->pages, ==, pages + 1);
          wall = result->elapsed_us / 1e6;
          if (wall < best)
            {
              best = wall;
              best_store = result->store_us / 1e6;
            }
          printf ("  parallel %u, round %u: %u pages + Patient, %" G_GUINT64_FORMAT " records, "
                  "%.3f s (storing in the vault: %.3f s)\n", parallel, round + 1, pages,
                  result->added, wall, result->store_us / 1e6);
          hf_vault_lock (vault);
          g_clear_object (&vault);
          remove_tree (dir);
        }
      printf ("sync, %u pages at %u ms latency, %u parallel: best %.3f s; bound %.3f s "
              "(pages × latency ÷ parallel); ratio %.2f (budget ≤ 1.30); of the best run, "
              "%.3f s went to storing pages (the importer's path, on the same thread)\n",
              pages, LATENCY_MS, parallel, best, bound, best / bound, best_store);
    }
  hf_fhir_server_free (server);
  return 0;
}
