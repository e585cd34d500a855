/* bench-exchange.c — signing and encrypting the export of 10,000 resources, and opening it
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 12's budgets, for the export of (at least) 10,000 shared resources: sign + encrypt to
 * the recipient's key ≤ 300 ms, decrypt + verify ≤ 300 ms. What is timed is the JOSE work on
 * the Bundle's bytes, which are made once beforehand (hf_disclosure_bundle of the consent's
 * share): "sign + encrypt" is hf_export_sign (ES256 over the Bundle, the compact JWS) then
 * hf_export_encrypt (ECDH-ES+A256KW, A256GCM over that JWS, the compact JWE); "decrypt + verify"
 * is hf_jwe_parse, hf_jwe_decrypt with the recipient's private key, hf_jws_parse and
 * hf_jws_verify_es256 with the vault's public key, the payload checked to be the Bundle. Also
 * printed: the whole hf_export of format jwe (hf_disclosure_export: consent, policy, Bundle,
 * JOSE, the 0600 file and the disclosure recorded), and the fhir export beside it, and the
 * passphrase JWE (PBES2 with 210,000 iterations), whose key derivation is the cost by design.
 * Each figure is the median of 7 runs, printed with the load average. The vault is
 * bench-data.c's (as bench-import's and bench-share's), imported here. This program prints
 * figures; it never fails on timing.
 *
 *   tests/bench/bench-exchange [--n 40000] [--keep] [--rounds N]
 *   tests/bench/bench-exchange --vault DIR/bench.hfvault   (one that --keep kept)
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
#include "hf-export.h"
#include "hf-fhir.h"
#include "hf-import.h"
#include "hf-jose.h"
#include "hf-policy.h"
#include "hf-recipient.h"
#include "hf-records.h"
#include "hf-signing.h"

#define PASSPHRASE "correct horse battery staple, measured"
#define ROUNDS     7
#define RECIPIENT  "Dr. Osei"
#define ISSUER     "https://carla.example/phr"
#define TARGET     10000

static guint rounds = ROUNDS;

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The JOSE work alone, on BUNDLE's bytes. */
static void
time_jose (HfVault         *vault,
           GBytes          *bundle,
           const HfJoseKey *recipient_private,
           const HfJoseKey *recipient_public,
           const char      *recipient_kid)
{
  g_autoptr(GArray) seal = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) seal_pass = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) open_pass = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(HfSecret) secret = hf_secret_new_from_data ("a passphrase given by phone", 27);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJoseKey) signing = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *issuer = NULL;
  gsize length, jws_length = 0, jwe_length = 0;
  const guint8 *bytes = g_bytes_get_data (bundle, &length);
  guint8 x[32], y[32];
  g_autoptr(HfJoseKey) verifying = NULL;

  if ((signing = hf_signing_key_get (vault, &kid, &error)) == NULL)
    bench_die ("exchange", "the signing key", error);
  hf_jose_key_get_public (signing, x, y);
  if ((verifying = hf_jose_key_new_public (x, y, &error)) == NULL)
    bench_die ("exchange", "the public signing key", error);
  issuer = hf_issuer_get (vault, &error);

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *jws = NULL;
      g_autofree char *jwe = NULL;
      g_autoptr(HfJwe) parsed_jwe = NULL;
      g_autoptr(HfJws) parsed_jws = NULL;
      g_autoptr(GBytes) plain = NULL;
      gint64 start = g_get_monotonic_time ();
      double t;

      jws = hf_export_sign (signing, kid, issuer, g_get_real_time () / G_USEC_PER_SEC, bytes,
                            length, &error);
      if (jws == NULL)
        bench_die ("exchange", "signing", error);
      jwe = hf_export_encrypt (jws, recipient_public, recipient_kid, NULL, 0, &error);
      if (jwe == NULL)
        bench_die ("exchange", "encrypting", error);
      t = elapsed_ms (start);
      g_array_append_val (seal, t);
      jws_length = strlen (jws);
      jwe_length = strlen (jwe);

      start = g_get_monotonic_time ();
      if ((parsed_jwe = hf_jwe_parse (jwe, jwe_length, &error)) == NULL ||
          (plain = hf_jwe_decrypt (parsed_jwe, recipient_private, NULL, &error)) == NULL ||
          (parsed_jws = hf_jws_parse (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                                      &error)) == NULL ||
          !hf_jws_verify_es256 (parsed_jws, verifying, &error))
        bench_die ("exchange", "decrypting and verifying", error);
      t = elapsed_ms (start);
      g_array_append_val (open, t);
      if (!g_bytes_equal (hf_jws_get_payload (parsed_jws), bundle))
        bench_die ("exchange", "the payload is not the Bundle", NULL);
    }
  printf ("  JOSE on the Bundle's bytes: the JWS is %.1f MB, the JWE %.1f MB\n",
          jws_length / 1e6, jwe_length / 1e6);
  printf ("  sign + encrypt (hf_export_sign, hf_export_encrypt to the key):  median %7.1f ms "
          "of %u (budget ≤ 300 ms)\n", bench_median (seal), rounds);
  printf ("  decrypt + verify (hf_jwe_parse/decrypt, hf_jws_parse/verify):   median %7.1f ms "
          "of %u (budget ≤ 300 ms)\n", bench_median (open), rounds);

  for (guint i = 0; i < rounds; i++)
    {
      g_autofree char *jws = hf_export_sign (signing, kid, issuer, 0, bytes, length, &error);
      g_autofree char *jwe = NULL;
      g_autoptr(HfJwe) parsed = NULL;
      g_autoptr(GBytes) plain = NULL;
      gint64 start = g_get_monotonic_time ();
      double t;

      if (jws == NULL)
        bench_die ("exchange", "signing", error);
      start = g_get_monotonic_time ();
      if ((jwe = hf_export_encrypt (jws, NULL, NULL, secret, 0, &error)) == NULL)
        bench_die ("exchange", "encrypting with a passphrase", error);
      t = elapsed_ms (start);
      g_array_append_val (seal_pass, t);
      start = g_get_monotonic_time ();
      if ((parsed = hf_jwe_parse (jwe, strlen (jwe), &error)) == NULL ||
          (plain = hf_jwe_decrypt (parsed, NULL, secret, &error)) == NULL)
        bench_die ("exchange", "decrypting with a passphrase", error);
      t = elapsed_ms (start);
      g_array_append_val (open_pass, t);
    }
  printf ("  encrypt the JWS with a passphrase (PBES2, 210,000 iterations):  median %7.1f ms "
          "of %u\n", bench_median (seal_pass), rounds);
  printf ("  decrypt it with the passphrase:                                 median %7.1f ms "
          "of %u\n", bench_median (open_pass), rounds);
}

/* The whole export, consent to recorded disclosure, of FORMAT. */
static void
time_export (HfVault        *vault,
             const char     *dir,
             const char     *today,
             HfExportFormat  format)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *name = g_strdup_printf ("export.%s", hf_export_format_to_string (format));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HfDisclosure) d = NULL;
      gint64 start = g_get_monotonic_time ();
      double t;

      d = hf_export (vault, RECIPIENT, today, g_get_real_time (), NULL, format, NULL, path, NULL,
                     &error);
      t = elapsed_ms (start);
      if (d == NULL)
        bench_die ("exchange", "export", error);
      g_array_append_val (ms, t);
    }
  g_stat (path, &st);
  printf ("  hf_export --format %-4s (hf_disclosure_export, all of it, a %.1f MB file): "
          "median %7.1f ms of %u\n", hf_export_format_to_string (format), st.st_size / 1e6,
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
  g_autoptr(HfJoseKey) recipient_private = NULL;
  g_autoptr(HfJoseKey) recipient_public = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *ndjson = NULL;
  g_autofree char *vault_path = NULL;
  g_autofree char *today = hf_policy_today ();
  g_autofree char *names = NULL;
  g_autofree char *reuse = NULL;
  g_auto(GStrv) categories = NULL;
  const char *data_dir;
  const char *paths[2] = { NULL, NULL };
  gboolean keep = FALSE;
  guint64 total = 0, n_shared = 0;
  int n = 40000, n_rounds = ROUNDS;
  gint64 start;
  GOptionEntry entries[] = {
    { "n", 'n', 0, G_OPTION_ARG_INT, &n, "Records in the vault (default 40000)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the vault and its folder", NULL },
    { "vault", 0, 0, G_OPTION_ARG_FILENAME, &reuse, "Measure this vault (kept by --keep)",
      "FILE" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &n_rounds, "Runs of each, for the bench_median (default 7)",
      "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— how fast exports are signed, encrypted and opened");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n < 1000 || n_rounds < 1)
    {
      g_printerr ("bench-exchange: %s\n", error != NULL ? error->message
                                        : "--n: at least 1000; --rounds: at least 1");
      return 1;
    }
  rounds = n_rounds;
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  if (!hf_core_init ())
    {
      g_printerr ("bench-exchange: could not initialise libsodium\n");
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
        bench_die ("exchange", "opening the vault", error);
      /* The recipient and its key as a previous run left them: the key is made again. */
      if (!hf_recipient_remove (vault, RECIPIENT, &error))
        g_clear_error (&error);
    }
  else
    {
      if ((dir = g_dir_make_tmp ("hf-bench-exchange-XXXXXX", &error)) == NULL)
        bench_die ("exchange", "a folder", error);
      ndjson = g_build_filename (dir, "resources.ndjson", NULL);
      vault_path = g_build_filename (dir, "bench.hfvault", NULL);
      templates = bench_data_load_templates (data_dir);
      bench_data_write_ndjson (templates, n, ndjson);
      if ((vault = hf_vault_create (vault_path, "owner", pass, &code, &error)) == NULL)
        bench_die ("exchange", "creating the vault", error);
      start = g_get_monotonic_time ();
      paths[0] = ndjson;
      if (!hf_vault_import_files (vault, paths, NULL, NULL, NULL, &result, &error))
        bench_die ("exchange", "importing", error);
      g_remove (ndjson);
      printf ("exchange: %d records imported in %.1f s\n", n,
              (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
    }
  if ((counts = hf_record_store_count_categories (vault, &total, &error)) == NULL)
    bench_die ("exchange", "counting", error);

  /* The recipient's key pair: the public part is what the vault holds, as a JWK. */
  if ((recipient_private = hf_jose_key_generate (&error)) == NULL)
    bench_die ("exchange", "the recipient's key", error);
  {
    g_autoptr(JsonObject) jwk = hf_jose_key_dup_public_jwk (recipient_private);
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), jwk);
    g_autofree char *text = json_to_string (node, FALSE);
    guint8 x[32], y[32];

    if ((recipient = hf_recipient_add (vault, RECIPIENT, HF_RECIPIENT_CLINICIAN, NULL, text,
                                       &error)) == NULL)
      bench_die ("exchange", "adding the recipient", error);
    hf_jose_key_get_public (recipient_private, x, y);
    if ((recipient_public = hf_jose_key_new_public (x, y, &error)) == NULL)
      bench_die ("exchange", "the recipient's public key", error);
  }
  if (!hf_issuer_set (vault, ISSUER, &error))
    bench_die ("exchange", "setting the issuer", error);
  categories = bench_pick_categories (counts, TARGET, &n_shared);
  if (categories == NULL)
    bench_die ("exchange", "no categories hold 10,000 records; give a larger --n", NULL);
  bench_set_consent (vault, RECIPIENT, (const char * const *) categories);
  names = g_strjoinv (", ", categories);

  if ((share = hf_share_compute (vault, RECIPIENT, today, NULL, HF_POLICY_EXPORT, &error)) == NULL)
    bench_die ("exchange", "the share", error);
  bundle = hf_disclosure_bundle (share, g_get_real_time (), NULL, NULL);
  printf ("exchange: %" G_GUINT64_FORMAT " records in the vault; the consent of %s shares %u "
          "resources, a %.1f MB Bundle\n", total, names, share->shared->len,
          g_bytes_get_size (bundle) / 1e6);

  bench_print_load ("exchange", "before");
  time_jose (vault, bundle, recipient_private, recipient_public, recipient->key_thumbprint);
  time_export (vault, dir, today, HF_EXPORT_JWE);
  time_export (vault, dir, today, HF_EXPORT_FHIR);
  bench_print_load ("exchange", "after");

  hf_vault_lock (vault);
  if (keep)
    printf ("exchange: kept in %s\n", dir);
  else
    remove_dir (dir);
  return 0;
}
