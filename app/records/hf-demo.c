/* hf-demo.c — a demo vault: an invented patient's record, to try the app without real data
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The record is data/demo/demo-patient.json, written by build-aux/gen-demo-data.py and
 * installed in the package's data folder. An uninstalled build finds it through
 * HEALTHFOLIO_DEMO_DATA, which build-aux/dev-env and the tests set.
 */

#include "hf-demo.h"

#include <glib/gstdio.h>
#include <string.h>

#include "hf-error.h"
#include "hf-import.h"

#define DEMO_FILE "demo-patient.json"

/**
 * hf_demo_find_data:
 *
 * Returns: the path of the demo bundle, or %NULL with an error saying where it was looked for
 */
char *
hf_demo_find_data (GError **error)
{
  const char *env = g_getenv (HF_DEMO_DATA_ENV);
  g_autofree char *installed = g_build_filename (HF_PKGDATADIR, "demo", DEMO_FILE, NULL);

  if (env != NULL && *env != '\0')
    {
      if (g_file_test (env, G_FILE_TEST_IS_REGULAR))
        return g_strdup (env);
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "The demo record is not at “%s”, where " HF_DEMO_DATA_ENV " points; "
                   "correct or unset that variable.", env);
      return NULL;
    }
  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
               "The demo record is not installed (looked for “%s”); reinstall Healthfolio, or "
               "set " HF_DEMO_DATA_ENV " to data/demo/" DEMO_FILE " of the source tree.",
               installed);
  return NULL;
}

/**
 * hf_demo_dup_new_path:
 * @dir: the folder for the vault
 *
 * Returns: "DIR/Demo.hfvault", or "Demo 2", "Demo 3"… when that name is taken
 */
char *
hf_demo_dup_new_path (const char *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);

  for (guint n = 1; ; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup ("Demo.hfvault")
                                     : g_strdup_printf ("Demo %u.hfvault", n);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *keys = hf_vault_keyring_path (path);

      if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (keys, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }
}

static void
remove_vault_files (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *keys = hf_vault_keyring_path (path);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
  g_unlink (keys);
}

/**
 * hf_demo_create_vault:
 * @path: where the vault goes; nothing may exist there
 * @owner: (nullable): the owner's member name
 * @passphrase: the owner's passphrase
 * @recovery_code: (out): the recovery code
 * @cancellable: (nullable): cancels the import
 * @error: the reason it failed
 *
 * Creates a vault holding the demo record. If the record cannot be imported, the new vault is
 * removed again: a demo vault is whole or absent.
 *
 * Returns: (transfer full): the vault, unlocked, or %NULL
 */
HfVault *
hf_demo_create_vault (const char      *path,
                      const char      *owner,
                      const HfSecret  *passphrase,
                      HfSecret       **recovery_code,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autofree char *data = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfSecret) code = NULL;
  const char *files[2] = { NULL, NULL };

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (recovery_code != NULL, NULL);

  /* Found before anything is created, so a missing file leaves nothing behind. */
  if ((data = hf_demo_find_data (error)) == NULL)
    return NULL;
  vault = hf_vault_create (path, owner, passphrase, &code, error);
  if (vault == NULL)
    return NULL;
  files[0] = data;
  if (!hf_vault_import_files (vault, files, NULL, NULL, cancellable, NULL, error))
    {
      hf_vault_lock (vault);
      remove_vault_files (path);
      return NULL;
    }
  *recovery_code = g_steal_pointer (&code);
  return g_steal_pointer (&vault);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  g_autoptr(HfSecret) passphrase = hf_secret_new_from_data (HF_DEMO_PASSPHRASE,
                                                            strlen (HF_DEMO_PASSPHRASE));
  g_autoptr(HfSecret) code = NULL;
  GError *error = NULL;
  HfVault *vault;

  vault = hf_demo_create_vault (task_data, NULL, passphrase, &code, cancellable, &error);
  if (vault == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, vault, g_object_unref);
}

/**
 * hf_demo_create_vault_async:
 * @path: where the vault goes
 * @cancellable: (nullable): cancels the import
 * @callback: called when the vault is ready
 * @user_data: for @callback
 *
 * Creates a demo vault in a thread, owned by "owner" with the passphrase
 * %HF_DEMO_PASSPHRASE. Its recovery code is not kept: the record is invented.
 */
void
hf_demo_create_vault_async (const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) (guintptr) hf_demo_create_vault_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, create_thread);
}

HfVault *
hf_demo_create_vault_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
