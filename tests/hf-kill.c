/* hf-kill.c — healthfolio-cli killed at chosen moments, and what its vault holds afterwards
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-kill.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "hf-test-util.h"

/* {{{ data */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

typedef struct
{
  guint copy;
} Rewrite;

static gboolean
rewrite_uuid_cb (const GMatchInfo *match,
                 GString          *out,
                 gpointer          user_data)
{
  g_autofree char *uuid = g_match_info_fetch (match, 0);

  g_string_append_printf (out, "%08x%s", ((Rewrite *) user_data)->copy, uuid + 8);
  return FALSE;
}

void
hf_kill_write_bulk (const char *data_dir,
                    const char *path,
                    guint       n,
                    const char *patient_id,
                    GHashTable *counts)
{
  g_autofree char *dir_path = g_build_filename (data_dir ? data_dir : g_getenv ("HF_TEST_DATA"),
                                                "bulk-ndjson", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) uuid = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                        "[0-9a-f]{12}", G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GRegex) patient = g_regex_new ("\"Patient/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                           "[0-9a-f]{4}-[0-9a-f]{12}\"", G_REGEX_OPTIMIZE, 0,
                                           NULL);
  g_autofree char *patient_ref = g_strdup_printf ("\"Patient/%s\"", patient_id);
  const char *name;
  FILE *out;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".ndjson"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (dir_path, g_ptr_array_index (names, i), NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) split = NULL;

      g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
      split = g_strsplit (text, "\n", -1);
      for (guint k = 0; split[k] != NULL; k++)
        {
          g_autoptr(JsonNode) node = NULL;

          if (*g_strstrip (split[k]) == '\0')
            continue;
          node = json_from_string (split[k], NULL);
          g_assert_nonnull (node);
          if (g_str_equal (json_object_get_string_member (json_node_get_object (node),
                                                          "resourceType"), "Patient"))
            continue;
          g_ptr_array_add (types, g_strdup (json_object_get_string_member (
                                              json_node_get_object (node), "resourceType")));
          g_ptr_array_add (lines, g_strdup (split[k]));
        }
    }
  g_assert_cmpuint (lines->len, >, 0);

  out = fopen (path, "w");
  g_assert_nonnull (out);
  for (guint i = 0; i < n; i++)
    {
      Rewrite rewrite = { i / lines->len };
      const char *type = g_ptr_array_index (types, i % lines->len);
      g_autofree char *copied = g_regex_replace_eval (uuid, g_ptr_array_index (lines,
                                                                               i % lines->len),
                                                      -1, 0, 0, rewrite_uuid_cb, &rewrite, NULL);
      g_autofree char *line = g_regex_replace_literal (patient, copied, -1, 0, patient_ref, 0,
                                                       NULL);

      fputs (line, out);
      fputc ('\n', out);
      g_hash_table_insert (counts, g_strdup (type),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, type))
                                             + 1));
    }
  g_assert_cmpint (fclose (out), ==, 0);
}

void
hf_kill_copy_vault (const char *from,
                    const char *to)
{
  g_autofree char *from_wal = g_strconcat (from, "-wal", NULL);
  g_autofree char *to_wal = g_strconcat (to, "-wal", NULL);
  g_autofree char *to_shm = g_strconcat (to, "-shm", NULL);
  g_autofree char *keys_from = NULL;
  g_autofree char *keys_to = NULL;

  g_assert_true (g_str_has_suffix (from, ".hfvault") && g_str_has_suffix (to, ".hfvault"));
  keys_from = g_strdup_printf ("%.*s.hfkeys", (int) (strlen (from) - strlen (".hfvault")), from);
  keys_to = g_strdup_printf ("%.*s.hfkeys", (int) (strlen (to) - strlen (".hfvault")), to);
  hf_test_copy (from, to);
  hf_test_copy (keys_from, keys_to);
  if (g_file_test (from_wal, G_FILE_TEST_EXISTS))
    hf_test_copy (from_wal, to_wal);
  else
    remove (to_wal);
  remove (to_shm);
}

/* }}} */
/* {{{ running and killing */

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
keyring_changed (const char *path,
                 GBytes     *before)
{
  g_autofree char *now = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &now, &length, NULL))
    return FALSE;
  return length != g_bytes_get_size (before) ||
         memcmp (now, g_bytes_get_data (before, NULL), length) != 0;
}

void
hf_kill_run (const char         *vault,
             const char         *pass_file,
             const char * const *args,
             gint64              delay_us,
             gboolean            watch_unlock,
             HfKillRun          *run)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) keys_before = NULL;
  g_autofree char *keys = g_strdup_printf ("%.*s.hfkeys",
                                           (int) (strlen (vault) - strlen (".hfvault")), vault);
  gboolean done = FALSE;
  gint64 start;

  memset (run, 0, sizeof *run);
  run->unlocked_us = -1;
  keys_before = hf_test_read (keys);
  g_ptr_array_add (argv, (gpointer) hf_test_cli_path ());
  g_ptr_array_add (argv, (gpointer) "--vault");
  g_ptr_array_add (argv, (gpointer) vault);
  g_ptr_array_add (argv, (gpointer) "--passphrase-file");
  g_ptr_array_add (argv, (gpointer) pass_file);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_main_context_push_thread_default (context);
  start = g_get_monotonic_time ();
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc, NULL, waited_cb, &done);
  for (;;)
    {
      gint64 now;

      while (g_main_context_iteration (context, FALSE))
        ;
      now = g_get_monotonic_time ();
      if (watch_unlock && run->unlocked_us < 0 && keyring_changed (keys, keys_before))
        run->unlocked_us = now - start;
      if (done || (delay_us >= 0 && now - start >= delay_us))
        break;
      g_usleep (watch_unlock ? 1000 : MIN (1000, MAX (delay_us - (now - start), 100)));
    }
  if (!done)
    {
      run->unlocked = keyring_changed (keys, keys_before);
      g_subprocess_send_signal (proc, SIGKILL);
    }
  else
    run->unlocked = TRUE;
  run->elapsed_us = g_get_monotonic_time () - start;
  while (!done)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  if (g_subprocess_get_if_exited (proc))
    run->status = g_subprocess_get_exit_status (proc);
  else
    {
      g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
      run->killed = TRUE;
    }
  if (run->unlocked && run->unlocked_us < 0 && watch_unlock)
    run->unlocked_us = run->elapsed_us;
}

/* }}} */
/* {{{ afterwards */

GHashTable *
hf_kill_inspect (const char  *vault,
                 const char  *pass_file,
                 char       **problem)
{
  const char *check[] = { "--vault", vault, "--passphrase-file", pass_file, "vault", "check",
                          NULL };
  const char *stats[] = { "--vault", vault, "--passphrase-file", pass_file, "--json", "stats",
                          NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) node = NULL;
  GHashTable *counts;
  JsonObject *by_type;
  GList *members;
  int status;

  status = hf_test_cli_v (&out, &err, check);
  if (status != 0)
    {
      if (problem != NULL)
        *problem = g_strdup_printf ("vault check exited with %d: %s%s", status,
                                    g_strchomp (err), g_strchomp (out));
      return NULL;
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = hf_test_cli_v (&out, &err, stats);
  if (status != 0 || (node = json_from_string (out, NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (problem != NULL)
        *problem = g_strdup_printf ("stats --json exited with %d: %s", status,
                                    g_strchomp (err));
      return NULL;
    }
  by_type = json_object_get_object_member (json_node_get_object (node), "by_type");
  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  members = json_object_get_members (by_type);
  for (GList *l = members; l != NULL; l = l->next)
    g_hash_table_insert (counts, g_strdup (l->data),
                         GUINT_TO_POINTER ((guint) json_object_get_int_member (by_type, l->data)));
  g_list_free (members);
  return counts;
}

char *
hf_kill_describe (GHashTable *counts)
{
  g_autoptr(GList) types = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);
  GString *text = g_string_new (NULL);

  for (GList *l = types; l != NULL; l = l->next)
    g_string_append_printf (text, "%s%s %u", text->len ? ", " : "", (char *) l->data,
                            GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->data)));
  if (text->len == 0)
    g_string_append (text, "no records");
  return g_string_free (text, FALSE);
}

gboolean
hf_kill_counts_equal (GHashTable *a,
                      GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_lookup (b, key) != value)
      return FALSE;
  return TRUE;
}

/* }}} */

const char *const hf_kill_sync_types[] = {
  "AllergyIntolerance", "Condition", "Encounter", "Immunization", "MedicationRequest",
  "Observation", "Procedure", NULL,
};

int
hf_kill_whole_pages (GHashTable *counts,
                     guint       page)
{
  int pages = 0;

  for (guint t = 0; hf_kill_sync_types[t] != NULL; t++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, hf_kill_sync_types[t]));
      if (n == HF_KILL_SYNC_EACH)
        pages += (HF_KILL_SYNC_EACH + page - 1) / page;
      else if (n % page == 0)
        pages += n / page;
      else
        return -1;
    }
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Patient")) > 1 ? -1 : pages;
}
