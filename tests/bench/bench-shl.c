/* bench-shl.c — opening a SMART Health Link with 3 embedded files
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 13's budget: open a link with 3 embedded files ≤ 100 ms, network latency excluded (the
 * link's server is tests/hf-shl-server.c on loopback). Each file is a Bundle of the patient and
 * N observations (--observations, 30 by default), encrypted with hf_jwe_encrypt_dir. Timed:
 * "open" is hf_shl_link_parse then hf_shl_import into a fresh vault (the manifest request, the
 * three files decrypted, their records imported in one transaction); "fetch + decrypt" is
 * hf_shl_fetch alone; "open again" is the same link imported a second time into the same
 * vault (everything unchanged). Each figure is the median of 7 runs (--rounds), printed with
 * the load average before and after. This program prints figures; it never fails on timing.
 *
 *   tests/bench/bench-shl [--rounds N] [--observations N]
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench-util.h"
#include "hf-core.h"
#include "hf-jose.h"
#include "hf-jwk.h"
#include "hf-shl-server.h"
#include "hf-shl.h"
#include "hf-test-util.h"

#define FILES 3

static guint rounds = 7;
static guint observations = 30;

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* CPU time of the thread that opens the link, in ms: what the load on the machine does not
 * stretch (the link server's thread is not counted). */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static char *
bundle_json (guint file)
{
  GString *s = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                             "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\","
                             "\"name\":[{\"family\":\"Example\",\"given\":[\"Alice\"]}],"
                             "\"birthDate\":\"1980-04-02\"}}");

  for (guint i = 0; i < observations; i++)
    g_string_append_printf (s, ",{\"resource\":{\"resourceType\":\"Observation\","
                            "\"id\":\"f%u-obs-%u\",\"status\":\"final\",\"category\":[{\"coding\":"
                            "[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-"
                            "category\",\"code\":\"vital-signs\"}]}],\"code\":{\"coding\":[{"
                            "\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":"
                            "\"Heart rate\"}]},\"subject\":{\"reference\":\"Patient/p1\"},"
                            "\"effectiveDateTime\":\"2026-%02u-%02uT08:00:00Z\",\"valueQuantity\":"
                            "{\"value\":%u,\"unit\":\"/min\",\"system\":\"http://unitsofmeasure.org\","
                            "\"code\":\"/min\"}}}", file, i, 1 + i % 12, 1 + i % 28, 55 + i % 40);
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
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
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Runs of each measurement (7)", "N" },
    { "observations", 0, 0, G_OPTION_ARG_INT, &observations,
      "Observations in each file's Bundle (30)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— open a SMART Health Link");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) open_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fetch_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) again_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(HfSecret) key = NULL;
  g_autofree char *key_b64 = NULL;
  g_autofree char *url = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *payload_b64 = NULL;
  g_autofree char *text = NULL;
  HfShlOpenOptions options = { "Dr. Bench", NULL, NULL };
  HfShlServer *server;
  gsize plain_bytes = 0, token_bytes = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    bench_die ("shl", "options", error);
  if (rounds == 0 || observations == 0)
    bench_die ("shl", "options", NULL);
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  g_assert_true (hf_core_init ());
  key = hf_secret_new_random (32);

  server = hf_shl_server_new ();
  url = hf_shl_server_add_link (server, "bench", NULL, 0);
  for (guint i = 0; i < FILES; i++)
    {
      g_autofree char *json = bundle_json (i);
      g_autoptr(JsonObject) extra = json_object_new ();
      g_autofree char *jwe = NULL;

      json_object_set_string_member (extra, "cty", "application/fhir+json");
      jwe = hf_jwe_encrypt_dir (key, extra, (const guint8 *) json, strlen (json), &error);
      if (jwe == NULL)
        bench_die ("shl", "encrypt", error);
      plain_bytes += strlen (json);
      token_bytes += strlen (jwe);
      hf_shl_server_add_file (server, "bench", "application/fhir+json;fhirVersion=4.0.1", jwe,
                              TRUE);
    }
  key_b64 = hf_base64url_encode (hf_secret_peek (key), 32);
  payload = g_strdup_printf ("{\"url\":\"%s\",\"key\":\"%s\",\"label\":\"Bench\"}", url, key_b64);
  payload_b64 = hf_base64url_encode ((const guint8 *) payload, strlen (payload));
  text = g_strconcat ("shlink:/", payload_b64, NULL);

  printf ("bench-shl: a link with %u embedded files, each the patient and %u observations "
          "(%zu bytes of FHIR JSON, %zu of JWE in all), from a loopback server\n", FILES,
          observations, plain_bytes, token_bytes);
  bench_print_load ("shl", "before");
  for (guint round = 0; round < rounds; round++)
    {
      g_autofree char *dir = g_dir_make_tmp ("hf-bench-shl-XXXXXX", &error);
      g_autofree char *path = NULL;
      g_autoptr(HfSecret) pass = hf_test_secret ("bench passphrase");
      g_autoptr(HfSecret) code = NULL;
      g_autoptr(HfVault) vault = NULL;
      g_autoptr(HfShlLink) link = NULL;
      g_autoptr(HfShlImport) result = NULL;
      g_autoptr(HfShlImport) again = NULL;
      g_autoptr(HfShlContents) contents = NULL;
      gint64 start;
      double ms, cpu;

      if (dir == NULL)
        bench_die ("shl", "temporary folder", error);
      path = g_build_filename (dir, "bench.hfvault", NULL);
      if ((vault = hf_vault_create (path, "owner", pass, &code, &error)) == NULL)
        bench_die ("shl", "vault", error);

      start = g_get_monotonic_time ();
      if ((contents = hf_shl_fetch ((link = hf_shl_link_parse (text, -1, &error)), &options,
                                    NULL, &error)) == NULL)
        bench_die ("shl", "fetch", error);
      ms = elapsed_ms (start);
      g_array_append_val (fetch_ms, ms);
      g_clear_pointer (&link, hf_shl_link_free);

      start = g_get_monotonic_time ();
      cpu = thread_cpu_ms ();
      if ((link = hf_shl_link_parse (text, -1, &error)) == NULL ||
          !hf_shl_import (vault, link, &options, NULL, NULL, &result, &error))
        bench_die ("shl", "open", error);
      ms = elapsed_ms (start);
      cpu = thread_cpu_ms () - cpu;
      g_array_append_val (open_ms, ms);
      g_array_append_val (cpu_ms, cpu);
      if (result->imported->added != 1 + FILES * observations)
        bench_die ("shl", "records added", NULL);

      start = g_get_monotonic_time ();
      if (!hf_shl_import (vault, link, &options, NULL, NULL, &again, &error))
        bench_die ("shl", "open again", error);
      ms = elapsed_ms (start);
      g_array_append_val (again_ms, ms);
      printf ("  round %u: open %.1f ms (CPU %.1f ms; %" G_GUINT64_FORMAT " records added), "
              "fetch + decrypt %.1f ms, open again %.1f ms\n", round + 1,
              g_array_index (open_ms, double, round), g_array_index (cpu_ms, double, round),
              result->imported->added, g_array_index (fetch_ms, double, round), ms);
      hf_vault_lock (vault);
      g_clear_object (&vault);
      remove_tree (dir);
    }
  bench_print_load ("shl", "after");
  printf ("open a link with %u embedded files: median %.1f ms (budget ≤ 100 ms), of which CPU "
          "%.1f ms; fetch + decrypt alone %.1f ms; open again (all unchanged) %.1f ms; %u runs\n",
          FILES, bench_median (open_ms), bench_median (cpu_ms), bench_median (fetch_ms),
          bench_median (again_ms), rounds);
  hf_shl_server_free (server);
  return 0;
}
