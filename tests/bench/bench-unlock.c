/* bench-unlock.c — how long unlocking takes: the KDF, and everything after it
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN.md §9: the KDF takes about 0.5–1 s by design; everything after it must stay under
 * 100 ms. The KDF is tuned as for a real user (HF_KDF_MINIMUM is unset), the derivation is
 * timed alone with the owner slot's own parameters, then whole unlocks (hf_vault_open, which
 * also writes the next keyring generation and the activity-log entry, and hf_vault_lock).
 * Argon2id over 256 MiB varies by tens of milliseconds from one run to the next, more than
 * everything else an unlock does, so "after the KDF" is measured inside each open: this
 * program wraps libsodium's crypto_pwhash (the symbol in the executable comes first) and
 * subtracts the time spent in it during that very open.
 *
 * This program prints figures; it never fails on timing.
 */

#define _GNU_SOURCE   /* RTLD_NEXT */

#include <dlfcn.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "hf-core.h"
#include "hf-keyring-private.h"
#include "hf-vault.h"

#define ROUNDS     7
#define PASSPHRASE "correct horse battery staple, measured"

/* {{{ time spent in the KDF */

typedef int (*PwhashFunc) (unsigned char *, unsigned long long, const char *, unsigned long long,
                           const unsigned char *, unsigned long long, size_t, int);

static gint64 pwhash_usec;
static guint  pwhash_calls;

int
crypto_pwhash (unsigned char * const        out,
               unsigned long long           outlen,
               const char * const           passwd,
               unsigned long long           passwdlen,
               const unsigned char * const  salt,
               unsigned long long           opslimit,
               size_t                       memlimit,
               int                          alg)
{
  static PwhashFunc real;
  gint64 start;
  int rc;

  /* POSIX's way of turning dlsym()'s object pointer into a function pointer. */
  if (real == NULL)
    *(void **) &real = dlsym (RTLD_NEXT, "crypto_pwhash");
  g_assert_nonnull (real);
  start = g_get_monotonic_time ();
  rc = real (out, outlen, passwd, passwdlen, salt, opslimit, memlimit, alg);
  pwhash_usec += g_get_monotonic_time () - start;
  pwhash_calls++;
  return rc;
}

/* }}} */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (const double *values,
        guint         n)
{
  double sorted[ROUNDS];

  memcpy (sorted, values, n * sizeof *values);
  qsort (sorted, n, sizeof *sorted, (int (*) (const void *, const void *)) compare_doubles);
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

static double
min_of (const double *values,
        guint         n)
{
  double m = values[0];

  for (guint i = 1; i < n; i++)
    m = MIN (m, values[i]);
  return m;
}

static double
max_of (const double *values,
        guint         n)
{
  double m = values[0];

  for (guint i = 1; i < n; i++)
    m = MAX (m, values[i]);
  return m;
}

static char *
cpu_model (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown CPU");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "model name"))
        {
          const char *colon = strchr (lines[i], ':');
          if (colon != NULL)
            return g_strstrip (g_strdup (colon + 1));
        }
    }
  return g_strdup ("unknown CPU");
}

static void
remove_vault_dir (const char *dir)
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
  g_autoptr(HfSecret) passphrase = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfSecret) kek = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfKeyring) keyring = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *model = NULL;
  g_autofree char *date = NULL;
  double kdf[ROUNDS], total[ROUNDS], inside[ROUNDS], after[ROUNDS], apart[ROUNDS];
  double created;
  HfKeySlot *slot;
  gint64 start;

  setlocale (LC_ALL, "");
  /* Tuned as on a user's machine, not the test suite's floor. */
  g_unsetenv ("HF_KDF_MINIMUM");
  g_unsetenv ("HF_TEST_CRASH_AT");
  if (!hf_core_init ())
    {
      g_printerr ("bench-unlock: could not initialise libsodium\n");
      return 1;
    }

  now = g_date_time_new_now_utc ();
  date = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");
  model = cpu_model ();
  printf ("unlock: machine: %u CPUs, %s; %s\n", g_get_num_processors (), model, date);

  dir = g_dir_make_tmp ("hf-bench-unlock-XXXXXX", &error);
  if (dir == NULL)
    g_error ("bench-unlock: %s", error->message);
  path = g_build_filename (dir, "bench.hfvault", NULL);
  keys = hf_vault_keyring_path (path);
  passphrase = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));

  start = g_get_monotonic_time ();
  vault = hf_vault_create (path, "owner", passphrase, &code, &error);
  created = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (vault == NULL)
    g_error ("bench-unlock: creating the vault failed: %s", error->message);
  hf_vault_lock (vault);
  g_clear_object (&vault);
  printf ("unlock: vault created in %.2f s (includes tuning the KDF and two key slots)\n",
          created);

  keyring = hf_keyring_load (keys, &error);
  if (keyring == NULL)
    g_error ("bench-unlock: %s", error->message);
  slot = hf_keyring_first_owner (keyring);
  g_assert_nonnull (slot);
  printf ("unlock: owner slot: Argon2id, %" G_GUINT64_FORMAT " MiB, %" G_GUINT64_FORMAT
          " passes\n", slot->kdf.mem / (1024 * 1024), slot->kdf.ops);

  kek = hf_secret_new (32);
  for (guint i = 0; i < ROUNDS; i++)
    {
      start = g_get_monotonic_time ();
      if (!hf_kdf_derive (passphrase, slot->salt, &slot->kdf, hf_secret_get_data (kek), &error))
        g_error ("bench-unlock: %s", error->message);
      kdf[i] = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

      pwhash_usec = 0;
      pwhash_calls = 0;
      start = g_get_monotonic_time ();
      vault = hf_vault_open (path, NULL, passphrase, &error);
      if (vault == NULL)
        g_error ("bench-unlock: opening the vault failed: %s", error->message);
      hf_vault_lock (vault);
      total[i] = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      g_clear_object (&vault);

      inside[i] = pwhash_usec / (double) G_USEC_PER_SEC;
      after[i] = total[i] - inside[i];
      apart[i] = total[i] - kdf[i];
      printf ("unlock: round %u: KDF alone %.3f s; open + lock %.3f s, of which KDF %.3f s "
              "(%u derivation%s), after KDF %.1f ms\n",
              i + 1, kdf[i], total[i], inside[i], pwhash_calls, pwhash_calls == 1 ? "" : "s",
              after[i] * 1000);
    }

  printf ("unlock: KDF %.2f s (Argon2id %" G_GUINT64_FORMAT " MiB, %" G_GUINT64_FORMAT
          " passes); after KDF %.1f ms (median of %d)\n",
          median (kdf, ROUNDS), slot->kdf.mem / (1024 * 1024), slot->kdf.ops,
          median (after, ROUNDS) * 1000, ROUNDS);
  printf ("unlock: KDF alone min %.2f s, max %.2f s; open + lock median %.2f s, min %.2f s, "
          "max %.2f s; after KDF min %.1f ms, max %.1f ms\n",
          min_of (kdf, ROUNDS), max_of (kdf, ROUNDS),
          median (total, ROUNDS), min_of (total, ROUNDS), max_of (total, ROUNDS),
          min_of (after, ROUNDS) * 1000, max_of (after, ROUNDS) * 1000);
  printf ("unlock: for comparison, open + lock minus the KDF timed alone: median %.1f ms, "
          "min %.1f ms, max %.1f ms (noisier: two different runs of Argon2id)\n",
          median (apart, ROUNDS) * 1000, min_of (apart, ROUNDS) * 1000,
          max_of (apart, ROUNDS) * 1000);
  printf ("unlock: budget (DESIGN.md §9): KDF about 0.5–1 s, after KDF at most 100 ms\n");

  remove_vault_dir (dir);
  return 0;
}
