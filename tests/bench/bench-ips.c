/* bench-ips.c — the International Patient Summary of a 5,000-record vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 14's budget: the IPS and the PDF of a 5,000-record vault ≤ 500 ms together. This
 * program measures the IPS part: hf_ips_from_bundle() alone on the collection the consent
 * gives, and the whole export (hf_export with HF_EXPORT_IPS: the policy, the collection, the
 * IPS, the file and the disclosure recorded). The vault is bench-data.c's, imported here, with
 * a consent of every clinical category. Each figure is the median of 7 runs, printed with the
 * load average. It never fails on timing.
 *
 *   tests/bench/bench-ips [--n 5000] [--rounds N]
 */

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bench-data.h"
#include "bench-util.h"
#include "hf-core.h"
#include "hf-disclosure.h"
#include "hf-export.h"
#include "hf-fhir.h"
#include "hf-import.h"
#include "hf-ips.h"
#include "hf-pdf.h"
#include "hf-policy.h"
#include "hf-recipient.h"

#define PASSPHRASE "correct horse battery staple, measured"
#define RECIPIENT  "Dr. Osei"

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
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autoptr(GBytes) collection = NULL;
  g_autoptr(GArray) ips_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) export_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) pdf_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) export_pdf_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gsize pdf_size = 0;
  g_autofree char *dir = NULL;
  g_autofree char *ndjson = NULL;
  g_autofree char *vault_path = NULL;
  g_autofree char *output = NULL;
  g_autofree char *today = hf_policy_today ();
  const char *categories[] = { HF_CATEGORY_ALLERGIES, HF_CATEGORY_CARE_PLANS,
                               HF_CATEGORY_IMMUNIZATIONS, HF_CATEGORY_LAB_RESULTS,
                               HF_CATEGORY_MEDICATIONS, HF_CATEGORY_PROBLEMS,
                               HF_CATEGORY_PROCEDURES, HF_CATEGORY_VITALS, NULL };
  const char *data_dir;
  const char *paths[2] = { NULL, NULL };
  gsize ips_size = 0;
  guint n_entries = 0;
  int n = 5000, rounds = 7;
  GOptionEntry entries[] = {
    { "n", 'n', 0, G_OPTION_ARG_INT, &n, "Records in the vault (default 5000)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Runs of each (default 7)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— how fast the International Patient Summary is made");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n < 100 || rounds < 1)
    {
      g_printerr ("bench-ips: %s\n", error != NULL ? error->message
                                     : "--n: at least 100; --rounds: at least 1");
      return 1;
    }
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  if (!hf_core_init ())
    {
      g_printerr ("bench-ips: could not initialise libsodium\n");
      return 1;
    }
  data_dir = g_getenv ("HF_TEST_DATA");
  if (data_dir == NULL)
    data_dir = HF_BENCH_DATA_DIR;
  pass = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  if ((dir = g_dir_make_tmp ("hf-bench-ips-XXXXXX", &error)) == NULL)
    bench_die ("ips", "a folder", error);
  ndjson = g_build_filename (dir, "resources.ndjson", NULL);
  vault_path = g_build_filename (dir, "bench.hfvault", NULL);
  output = g_build_filename (dir, "ips.json", NULL);
  templates = bench_data_load_templates (data_dir);
  bench_data_write_ndjson (templates, n, ndjson);
  if ((vault = hf_vault_create (vault_path, "owner", pass, &code, &error)) == NULL)
    bench_die ("ips", "creating the vault", error);
  paths[0] = ndjson;
  if (!hf_vault_import_files (vault, paths, NULL, NULL, NULL, &result, &error))
    bench_die ("ips", "importing", error);
  g_remove (ndjson);
  if ((recipient = hf_recipient_add (vault, RECIPIENT, HF_RECIPIENT_CLINICIAN, NULL, NULL,
                                     &error)) == NULL)
    bench_die ("ips", "adding the recipient", error);
  bench_set_consent (vault, RECIPIENT, categories);
  share = hf_share_compute (vault, RECIPIENT, today, NULL, HF_POLICY_EXPORT, &error);
  if (share == NULL)
    bench_die ("ips", "the share", error);
  collection = hf_disclosure_bundle (share, g_get_real_time (), NULL, NULL);

  bench_print_load ("ips", "before");
  for (int i = 0; i < rounds; i++)
    {
      HfIpsOptions options = { g_get_real_time (), NULL, RECIPIENT };
      g_autoptr(GBytes) ips = NULL;
      g_autoptr(HfDisclosure) d = NULL;
      gint64 start = g_get_monotonic_time ();
      double t;

      ips = hf_ips_from_bundle (collection, &options, &error);
      t = (g_get_monotonic_time () - start) / 1000.0;
      if (ips == NULL)
        bench_die ("ips", "the IPS", error);
      g_array_append_val (ips_ms, t);
      ips_size = g_bytes_get_size (ips);

      start = g_get_monotonic_time ();
      d = hf_export (vault, RECIPIENT, today, g_get_real_time (), NULL, HF_EXPORT_IPS, NULL,
                     output, NULL, &error);
      t = (g_get_monotonic_time () - start) / 1000.0;
      if (d == NULL)
        bench_die ("ips", "the export", error);
      g_array_append_val (export_ms, t);
      n_entries = d->n_items;

      /* The PDF of that IPS, and the whole export --format pdf (policy, collection, IPS, PDF,
       * file, disclosure): issue 14's "IPS + PDF ≤ 500 ms together". */
      {
        HfPdfOptions pdf_options = { HF_PDF_LAYOUT_SUMMARY, g_get_real_time (), "owner",
                                     RECIPIENT, NULL, NULL, FALSE };
        g_autoptr(GBytes) pdf = NULL;
        g_autoptr(HfDisclosure) pd = NULL;

        start = g_get_monotonic_time ();
        pdf = hf_pdf_from_ips (ips, &pdf_options, &error);
        t = (g_get_monotonic_time () - start) / 1000.0;
        if (pdf == NULL)
          bench_die ("ips", "the PDF", error);
        g_array_append_val (pdf_ms, t);
        pdf_size = g_bytes_get_size (pdf);
        start = g_get_monotonic_time ();
        pd = hf_export_pdf (vault, RECIPIENT, today, g_get_real_time (), NULL,
                            HF_PDF_LAYOUT_SUMMARY, NULL, output, NULL, &error);
        t = (g_get_monotonic_time () - start) / 1000.0;
        if (pd == NULL)
          bench_die ("ips", "the PDF export", error);
        g_array_append_val (export_pdf_ms, t);
      }
    }
  printf ("ips: %d records in the vault; the consent shares %u (%s), a %.1f MB collection; "
          "the IPS is %.2f MB\n", n, share->shared->len, "every clinical category",
          g_bytes_get_size (collection) / 1e6, ips_size / 1e6);
  printf ("  hf_ips_from_bundle (collection → IPS):        median %8.1f ms of %d\n",
          bench_median (ips_ms), rounds);
  printf ("  hf_export --format ips (policy, IPS, file, disclosure of %u): median %8.1f ms of %d "
          "(budget with the PDF ≤ 500 ms)\n", n_entries, bench_median (export_ms), rounds);
  printf ("  hf_pdf_from_ips (IPS → PDF, %.0f KB):            median %8.1f ms of %d\n",
          pdf_size / 1e3, bench_median (pdf_ms), rounds);
  printf ("  hf_export_pdf --format pdf (policy, IPS, PDF, file, disclosure): median %8.1f ms of "
          "%d (budget ≤ 500 ms)\n", bench_median (export_pdf_ms), rounds);
  bench_print_load ("ips", "after");
  hf_vault_lock (vault);
  g_remove (output);
  g_remove (vault_path);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_remove (path);
      }
  }
  g_rmdir (dir);
  return 0;
}
