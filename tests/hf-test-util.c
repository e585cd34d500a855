/* hf-test-util.c — shared helpers for the core's test programs
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-test-util.h"

#include "hf-vault-private.h"

#include "hf-core.h"

#include <json-glib/json-glib.h>

#include <glib/gstdio.h>
#include <locale.h>
#include <openssl/crypto.h>

void
hf_test_init (int    *argc,
              char ***argv)
{
  setlocale (LC_ALL, "");
  /* OpenSSL frees its global state from an atexit handler, while a GTask worker thread that
   * used it (SQLCipher's random numbers, in an asynchronous sync) may still be alive: now and
   * then LeakSanitizer then reports that thread's OpenSSL state. The process is ending anyway. */
  OPENSSL_init_crypto (OPENSSL_INIT_NO_ATEXIT, NULL);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_assert_true (hf_core_init ());
  /* The floor of the allowed KDF parameters: still Argon2id with 64 MiB, without tuning. */
  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  g_unsetenv ("HEALTHFOLIO_VAULT");
  g_unsetenv ("HF_TEST_CRASH_AT");
}

void
hf_test_dir_setup (HfTestDir    *td,
                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  td->dir = g_dir_make_tmp ("hf-test-XXXXXX", &error);
  g_assert_no_error (error);
  td->vault = g_build_filename (td->dir, "test.hfvault", NULL);
  td->keys = g_build_filename (td->dir, "test.hfkeys", NULL);
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
        /* A link is removed, never followed: it may lead out of the folder, or back into it. */
        if (!g_file_test (child, G_FILE_TEST_IS_SYMLINK) &&
            g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

void
hf_test_dir_teardown (HfTestDir    *td,
                      gconstpointer data)
{
  remove_tree (td->dir);
  g_free (td->dir);
  g_free (td->vault);
  g_free (td->keys);
}

HfSecret *
hf_test_secret (const char *text)
{
  return hf_secret_new_from_data (text, strlen (text));
}

char *
hf_test_write_file (HfTestDir  *td,
                    const char *name,
                    const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (td->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

GBytes *
hf_test_read (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

void
hf_test_write (const char *path,
               GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

void
hf_test_copy (const char *from,
              const char *to)
{
  g_autoptr(GBytes) bytes = hf_test_read (from);

  hf_test_write (to, bytes);
}

void
hf_test_flip_byte (const char *path,
                   gsize       offset)
{
  g_autoptr(GBytes) bytes = hf_test_read (path);
  gsize size;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);

  g_assert_cmpuint (offset, <, size);
  data[offset] ^= 0x01;
  g_file_set_contents (path, (char *) data, size, NULL);
  g_free (data);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A digest of every file's name and content in DIR: "nothing changed" means equal digests. */
char *
hf_test_digest_dir (const char *dir)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(GBytes) bytes = NULL;

      g_checksum_update (sum, (const guchar *) g_ptr_array_index (names, i), -1);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          bytes = hf_test_read (path);
          g_checksum_update (sum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        }
    }
  return g_strdup (g_checksum_get_string (sum));
}

const char *
hf_test_cli_path (void)
{
  const char *path = g_getenv ("HF_CLI");

  if (path == NULL)
    g_error ("HF_CLI is not set; run the tests through meson test");
  return path;
}

int
hf_test_cli_v (char              **out,
               char              **err,
               const char * const *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;

  g_ptr_array_add (args, (gpointer) hf_test_cli_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                            G_SUBPROCESS_FLAGS_STDIN_INHERIT, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  if (!g_subprocess_get_if_exited (proc))
    return -g_subprocess_get_term_sig (proc);
  return g_subprocess_get_exit_status (proc);
}

int
hf_test_cli (char       **out,
             char       **err,
             const char  *first_arg,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

int
hf_test_cli_stdin (char       **out,
                   char       **err,
                   const char  *input_file,
                   const char  *first_arg,
                   ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) hf_test_cli_path ());
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_file);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  if (!g_subprocess_get_if_exited (proc))
    return -g_subprocess_get_term_sig (proc);
  return g_subprocess_get_exit_status (proc);
}

static void
count_resource (GHashTable *expected,
                JsonNode   *node)
{
  JsonObject *r;
  const char *type;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  r = json_node_get_object (node);
  type = json_object_get_string_member (r, "resourceType");
  if (g_str_equal (type, "Bundle"))
    {
      JsonArray *entries = json_object_get_array_member (r, "entry");
      for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
        count_resource (expected,
                        json_object_get_member (json_array_get_object_element (entries, i),
                                                "resource"));
      return;
    }
  g_hash_table_insert (expected, g_strdup (type),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (expected, type))
                                         + 1));
}

/* Adds to EXPECTED (type → GUINT_TO_POINTER count) the resources PATH holds: a resource, a
 * Bundle (its entries, recursively) or NDJSON, counted with json-glib alone, independently of
 * the importer. */
void
hf_test_count_file (GHashTable *expected,
                    const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  if (g_str_has_suffix (path, ".ndjson"))
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autoptr(JsonNode) node = NULL;
          if (*g_strstrip (lines[i]) == '\0')
            continue;
          node = json_from_string (lines[i], &error);
          g_assert_no_error (error);
          count_resource (expected, node);
        }
    }
  else
    {
      g_autoptr(JsonNode) node = json_from_string (text, &error);
      g_assert_no_error (error);
      count_resource (expected, node);
    }
}

/* The tests' source folder: HF_TESTS_DIR (meson sets it), else HF_TEST_DATA's parent. */
static char *
tests_dir (void)
{
  const char *dir = g_getenv ("HF_TESTS_DIR");
  const char *data = g_getenv ("HF_TEST_DATA");

  if (dir != NULL)
    return g_strdup (dir);
  if (data == NULL)
    g_error ("HF_TESTS_DIR is not set; run the tests through meson test");
  return g_path_get_dirname (data);
}

gboolean
hf_test_validate_fhir_files (const char * const *paths,
                             char              **problems)
{
  g_autofree char *dir = tests_dir ();
  g_autofree char *script = g_build_filename (dir, "fhir-validate.mjs", NULL);
  g_autofree char *schema = g_build_filename (dir, "node_modules", "@asymmetrik",
                                              "fhir-json-schema-validator", "fhir.schema.json",
                                              NULL);
  g_autofree char *ajv = g_build_filename (dir, "node_modules", "ajv", "package.json", NULL);
  g_autofree char *node = g_find_program_in_path ("node");
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_return_val_if_fail (paths != NULL && paths[0] != NULL, FALSE);

  /* Never "invalid" for want of the validator: a test that expects a file to fail would pass. */
  if (node == NULL)
    g_error ("node is not installed, and the FHIR R4 validator needs it; run build-aux/dev test "
             "(or build-aux/dev deps) once to install it and the test tools");
  if (!g_file_test (schema, G_FILE_TEST_EXISTS) || !g_file_test (ajv, G_FILE_TEST_EXISTS))
    g_error ("the FHIR R4 validator's packages are not installed in %s/node_modules; run "
             "build-aux/dev test (or build-aux/dev deps) once to install them", dir);

  g_ptr_array_add (args, node);
  g_ptr_array_add (args, script);
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) paths[i]);
  g_ptr_array_add (args, NULL);
  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc))
    g_error ("the FHIR R4 validator was killed by signal %d: %s",
             g_subprocess_get_term_sig (proc), err);
  status = g_subprocess_get_exit_status (proc);
  if (status != 0 && status != 1)
    g_error ("the FHIR R4 validator could not run (exit status %d): %s", status, err);
  if (problems != NULL)
    *problems = status == 1 ? g_steal_pointer (&out) : NULL;
  return status == 0;
}

gboolean
hf_test_validate_fhir (const char  *path,
                       char       **problems)
{
  const char *paths[] = { path, NULL };

  g_return_val_if_fail (path != NULL, FALSE);

  return hf_test_validate_fhir_files (paths, problems);
}

void
hf_test_assert_valid_fhir_file (const char *path)
{
  g_autofree char *problems = NULL;

  if (!hf_test_validate_fhir (path, &problems))
    {
      g_test_message ("%s", problems);
      g_test_fail_printf ("not valid FHIR R4 by the R4 JSON schema:\n%s", problems);
    }
}

void
hf_test_assert_valid_fhir (const char *json_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd;

  g_return_if_fail (json_text != NULL);

  fd = g_file_open_tmp ("hf-fhir-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_true (g_file_set_contents (path, json_text, -1, &error));
  g_assert_no_error (error);
  hf_test_assert_valid_fhir_file (path);
  g_unlink (path);
}

gint64
hf_test_count_sql (HfVault    *vault,
                   const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (vault), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}
