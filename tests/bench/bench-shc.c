/* bench-shc.c — making a SMART Health Card with its QR code
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 13's budget: make a card with its QR code ≤ 100 ms. Timed is the whole
 * hf_shc_export with --qr and --rid, as "export RECIPIENT --format shc --qr" runs it: the
 * consent and policy, the Bundle, minifying, DEFLATE, ES256, the QR code and its PNG, the
 * .smart-health-card file and the disclosure recorded. Beside it, the card's own work on a
 * Bundle made beforehand (minify, sign, QR code and PNG). The vault holds the framework's
 * example 00 (a Patient and three immunizations: a card that fits one QR code). Then the
 * other end: verify and import that card (from its file, and from its QR code's PNG) into a
 * fresh vault that trusts the maker's keys, as "import" runs it. Each figure
 * is the median of the rounds, printed with the load average. It never fails on timing.
 *
 *   tests/bench/bench-shc [--rounds N]
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bench-util.h"
#include "hf-consent.h"
#include "hf-core.h"
#include "hf-disclosure.h"
#include "hf-import.h"
#include "hf-policy.h"
#include "hf-recipient.h"
#include "hf-shc-make.h"
#include "hf-shc.h"
#include "hf-signing.h"
#include "hf-trust.h"

#define PASSPHRASE "correct horse battery staple, measured"
#define RECIPIENT  "Dr. Osei"
#define ISSUER     "https://john.example/phr"

static GBytes *
read_all (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, &error))
    bench_die ("shc", "reading what was made", error);
  return g_bytes_new_take (data, length);
}

/* DIR and the files in it (vaults, keyrings, their WAL files, cards). */
static void
remove_all (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HfSecret) pass = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecipient) who = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GArray) whole = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) card = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) read_file = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) read_png = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *last_card = NULL;
  g_autofree char *last_qr = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *vault_path = NULL;
  g_autofree char *example = NULL;
  g_autofree char *today = hf_policy_today ();
  const char *categories[] = { "immunizations", NULL };
  const char *paths[] = { NULL, NULL };
  const char *data_dir;
  gsize jws_length = 0;
  int n_rounds = 21;
  GOptionEntry entries[] = {
    { "rounds", 0, 0, G_OPTION_ARG_INT, &n_rounds, "Rounds per figure (21)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— how fast a SMART Health Card and its QR code are made");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_rounds < 1)
    {
      g_printerr ("bench-shc: %s\n", error != NULL ? error->message : "--rounds: at least 1");
      return 1;
    }
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  if (!hf_core_init ())
    {
      g_printerr ("bench-shc: could not initialise libsodium\n");
      return 1;
    }
  data_dir = g_getenv ("HF_TEST_DATA");
  if (data_dir == NULL)
    data_dir = HF_BENCH_DATA_DIR;
  example = g_build_filename (data_dir, "shc", "example-00-a-fhirBundle.json", NULL);

  pass = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  if ((dir = g_dir_make_tmp ("hf-bench-shc-XXXXXX", &error)) == NULL)
    bench_die ("shc", "a folder", error);
  vault_path = g_build_filename (dir, "bench.hfvault", NULL);
  if ((vault = hf_vault_create (vault_path, "owner", pass, &code, &error)) == NULL)
    bench_die ("shc", "creating the vault", error);
  paths[0] = example;
  if (!hf_vault_import_files (vault, paths, NULL, NULL, NULL, &result, &error))
    bench_die ("shc", "importing", error);
  if ((who = hf_recipient_add (vault, RECIPIENT, HF_RECIPIENT_CLINICIAN, NULL, NULL,
                               &error)) == NULL)
    bench_die ("shc", "the recipient", error);
  bench_set_consent (vault, RECIPIENT, categories);
  if (!hf_issuer_set (vault, ISSUER, &error))
    bench_die ("shc", "the issuer", error);
  if ((key = hf_signing_key_get (vault, &kid, &error)) == NULL)
    bench_die ("shc", "the signing key", error);

  bench_print_load ("shc", "before");
  for (int i = 0; i < n_rounds; i++)
    {
      g_autoptr(HfDisclosure) d = NULL;
      g_autoptr(HfShcMadeCard) made = NULL;
      g_autofree char *name = g_strdup_printf ("card-%d.smart-health-card", i);
      g_autofree char *qr_name = g_strdup_printf ("card-%d.png", i);
      g_autofree char *output = g_build_filename (dir, name, NULL);
      g_autofree char *qr = g_build_filename (dir, qr_name, NULL);
      gint64 start = g_get_monotonic_time ();
      double ms;

      d = hf_shc_export (vault, RECIPIENT, today, g_get_real_time (), NULL, output, qr, TRUE,
                         &made, &error);
      ms = elapsed_ms (start);
      if (d == NULL)
        bench_die ("shc", "making the card", error);
      jws_length = made->jws_length;
      g_array_append_val (whole, ms);
      if (i + 1 < n_rounds)
        {
          g_remove (output);
          g_remove (qr);
        }
    }
  last_card = g_strdup_printf ("%s/card-%d.smart-health-card", dir, n_rounds - 1);
  last_qr = g_strdup_printf ("%s/card-%d.png", dir, n_rounds - 1);

  /* The card's own work, on the Bundle of the same share. */
  if ((share = hf_share_compute (vault, RECIPIENT, today, NULL, HF_POLICY_EXPORT,
                                 &error)) == NULL)
    bench_die ("shc", "the share", error);
  bundle = hf_disclosure_bundle (share, g_get_real_time (), NULL, NULL);
  for (int i = 0; i < n_rounds; i++)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonNode) minified = NULL;
      g_autofree char *jws = NULL;
      g_autofree char *qr = g_build_filename (dir, "card.png", NULL);
      gsize length;
      const char *text = g_bytes_get_data (bundle, &length);
      gint64 start = g_get_monotonic_time ();
      double ms;

      root = json_from_string (text, &error);
      if (root == NULL)
        bench_die ("shc", "reading the Bundle", error);
      minified = hf_shc_minify_bundle (json_node_get_object (root), NULL);
      jws = hf_shc_sign (key, kid, ISSUER, g_get_real_time () / G_USEC_PER_SEC, minified, NULL,
                         &error);
      if (jws == NULL || !hf_shc_write_qr (jws, qr, &error))
        bench_die ("shc", "signing the card", error);
      ms = elapsed_ms (start);
      g_array_append_val (card, ms);
      g_remove (qr);
    }
  /* Verify and import the card: into a fresh vault each round (made untimed) that trusts the
   * maker's published keys, from the .smart-health-card file and from its QR code's PNG. */
  {
    g_autoptr(JsonNode) jwks = hf_signing_jwks (vault, &error);
    g_autofree char *jwks_text = NULL;
    g_autoptr(GBytes) file_bytes = NULL;
    g_autoptr(GBytes) png_bytes = NULL;

    if (jwks == NULL)
      bench_die ("shc", "the JWKS", error);
    jwks_text = json_to_string (jwks, FALSE);
    file_bytes = read_all (last_card);
    png_bytes = read_all (last_qr);
    for (int i = 0; i < 2 * n_rounds; i++)
      {
        g_autofree char *name = g_strdup_printf ("receiving-%d.hfvault", i);
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autoptr(HfSecret) code2 = NULL;
        g_autoptr(HfVault) other = hf_vault_create (path, "Dr. Osei's", pass, &code2, &error);
        g_autoptr(GPtrArray) cards = NULL;
        g_autoptr(HfImportResult) imported = NULL;
        gint64 start;
        double ms;

        if (other == NULL ||
            !hf_trust_add (other, ISSUER, jwks_text, strlen (jwks_text), NULL, NULL, &error))
          bench_die ("shc", "the receiving vault", error);
        start = g_get_monotonic_time ();
        cards = hf_shc_read (other, i % 2 == 0 ? file_bytes : png_bytes, HF_VERIFY_OFFLINE,
                             NULL, &error);
        if (cards == NULL || !hf_shc_import_cards (other, cards, FALSE, "bench card",
                                                   "bench:card", NULL, &imported, &error))
          bench_die ("shc", "verifying and importing the card", error);
        ms = elapsed_ms (start);
        g_array_append_val (i % 2 == 0 ? read_file : read_png, ms);
        if (imported->added != 4)
          g_error ("bench-shc: the card gave %" G_GUINT64_FORMAT " records, not 4",
                   imported->added);
        hf_vault_lock (other);
      }
  }
  bench_print_load ("shc", "after");

  printf ("shc: make a card with its QR code (export --format shc --qr --rid: consent, policy, "
          "Bundle, minify, DEFLATE, ES256, QR, PNG, file, disclosure): %.1f ms median of %d "
          "(budget 100 ms); a JWS of %" G_GSIZE_FORMAT " characters\n",
          bench_median (whole), n_rounds, jws_length);
  printf ("shc: the card's own work (minify, DEFLATE, ES256, QR code and PNG): %.1f ms median "
          "of %d\n", bench_median (card), n_rounds);
  printf ("shc: verify + import the card (.smart-health-card file: inflate, checks, ES256 with "
          "the trusted key, 4 records in one transaction): %.1f ms median of %d (budget 100 ms)"
          "\n", bench_median (read_file), n_rounds);
  printf ("shc: the same from its QR code's PNG (libpng, ZBar, numeric decoding first): %.1f ms "
          "median of %d (budget 100 ms)\n", bench_median (read_png), n_rounds);

  hf_vault_lock (vault);
  remove_all (dir);
  return 0;
}
