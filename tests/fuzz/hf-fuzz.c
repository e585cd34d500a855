/* hf-fuzz.c — what the libFuzzer targets share: set-up, a scratch folder, a vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-fuzz.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf-core.h"
#include "hf-vault-private.h"

#define PASSPHRASE "fuzzing passphrase"

static char *scratch_dir;
static char *vault_path;
static HfVault *vault;

void
hf_fuzz_init (int    *argc,
              char ***argv)
{
  if (g_getenv ("G_SLICE") == NULL || g_getenv ("G_DEBUG") == NULL)
    {
      g_setenv ("G_SLICE", "always-malloc", FALSE);
      g_setenv ("G_DEBUG", "gc-friendly", FALSE);
      execv ("/proc/self/exe", *argv);
      g_error ("Could not run the fuzzer again with G_SLICE set: %s", g_strerror (errno));
    }
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  g_unsetenv ("HEALTHFOLIO_VAULT");
  g_unsetenv ("HF_TEST_CRASH_AT");
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  if (!hf_core_init ())
    g_error ("libsodium could not be initialized");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static void
remove_scratch_dir (void)
{
  /* The vault stays open (and reachable, for LeakSanitizer); its files can go. */
  if (scratch_dir != NULL)
    remove_tree (scratch_dir);
}

const char *
hf_fuzz_scratch_dir (void)
{
  if (scratch_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      scratch_dir = g_dir_make_tmp ("hf-fuzz-XXXXXX", &error);
      if (scratch_dir == NULL)
        g_error ("Could not make a scratch folder: %s", error->message);
      atexit (remove_scratch_dir);
    }
  return scratch_dir;
}

char *
hf_fuzz_write_file (const char   *name,
                    const guint8 *data,
                    gsize         size)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (hf_fuzz_scratch_dir (), name, NULL);

  if (!g_file_set_contents (path, (const char *) data, size, &error))
    g_error ("Could not write %s: %s", path, error->message);
  return path;
}

static void
vault_create (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfSecret) passphrase = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  g_autoptr(HfSecret) recovery = NULL;

  if (vault_path == NULL)
    vault_path = g_build_filename (hf_fuzz_scratch_dir (), "fuzz.hfvault", NULL);
  vault = hf_vault_create (vault_path, "owner", passphrase, &recovery, &error);
  if (vault == NULL)
    g_error ("Could not create the fuzzing vault: %s", error->message);
  if (!_hf_db_exec (_hf_vault_get_db (vault), "PRAGMA synchronous = OFF", &error))
    g_error ("Could not turn off fsync in the fuzzing vault: %s", error->message);
}

HfVault *
hf_fuzz_vault (void)
{
  if (vault == NULL)
    vault_create ();
  return vault;
}

static goffset
vault_size (void)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  goffset total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (vault_path, suffixes[i], NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        total += st.st_size;
    }
  return total;
}

void
hf_fuzz_vault_trim (gsize max_bytes)
{
  g_autofree char *keyring = NULL;
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  if (vault == NULL || vault_size () <= (goffset) max_bytes)
    return;
  keyring = hf_vault_keyring_path (vault_path);
  g_clear_object (&vault);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (vault_path, suffixes[i], NULL);
      g_unlink (path);
    }
  g_unlink (keyring);
  vault_create ();
}
