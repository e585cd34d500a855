/* test-import.c — importing FHIR files: schema, real data, bad input, versions, search, paging
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-error.h"
#include "hf-import.h"
#include "hf-records.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS "owner: correct horse battery staple"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
}

static char *
table_text (sqlite3    *db,
            const char *sql)
{
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s %s %lld\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1),
                            (long long) sqlite3_column_int64 (stmt, 2));
  sqlite3_finalize (stmt);
  return g_string_free (out, FALSE);
}

/* The counts the triggers keep are the counts of the rows, whatever the test did. */
static void
assert_counts_kept (Fixture *f)
{
  sqlite3 *db = _hf_vault_get_db (f->vault);
  g_autofree char *rows = table_text (db, "SELECT resource_type, category, count(*) FROM "
                                          "resource WHERE superseded_by IS NULL AND "
                                          "deleted_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2");
  g_autofree char *kept = table_text (db, "SELECT resource_type, category, sum (n) FROM "
                                          "record_count GROUP BY 1, 2 HAVING sum (n) <> 0 "
                                          "ORDER BY 1, 2");

  g_assert_cmpstr (kept, ==, rows);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL && !hf_vault_is_locked (f->vault))
    assert_counts_kept (f);
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  hf_test_dir_teardown (&f->td, data);
}

static void
reopen (Fixture *f)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(GError) error = NULL;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  f->vault = hf_vault_open (f->td.vault, NULL, pass, &error);
  g_assert_no_error (error);
}

static HfImportResult *
import_ok (Fixture    *f,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  HfImportResult *result = NULL;
  va_list args;

  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (paths, (gpointer) p);
  va_end (args);
  g_ptr_array_add (paths, NULL);
  hf_vault_import_files (f->vault, (const char * const *) paths->pdata, NULL, NULL, NULL, &result,
                         &error);
  g_assert_no_error (error);
  return result;
}

static guint64
total_records (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = NULL;
  guint64 total = 0;

  counts = hf_record_store_stats (f->vault, &total, &error);
  g_assert_no_error (error);
  return total;
}

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

/* {{{ documents in memory */

typedef struct
{
  GArray *provenance;   /* gint64, one per call */
  guint   fail_at;      /* the call that fails, or G_MAXUINT */
} Stored;

static gboolean
on_stored (HfVault  *vault,
           guint     index,
           gint64    provenance_id,
           gpointer  user_data,
           GError  **error)
{
  Stored *st = user_data;

  g_assert_cmpuint (index, ==, st->provenance->len);
  g_array_append_val (st->provenance, provenance_id);
  /* Inside the import's transaction: a row written here goes or stays with the records. */
  g_assert_true (_hf_db_exec (_hf_vault_get_db (vault),
                              "CREATE TABLE IF NOT EXISTS test_stored (p INTEGER)", NULL));
  if (index == st->fail_at)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY, "The test refuses document %u.", index);
      return FALSE;
    }
  return TRUE;
}

/* Several documents in one transaction: each its own provenance, the callback inside; a bad
 * one or a failing callback keeps nothing of any. */
static void
test_documents (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *p0 = data_path ("shc/example-00-a-fhirBundle.json");
  g_autofree char *p1 = data_path ("shc/example-02-a-fhirBundle.json");
  g_autoptr(GBytes) b0 = hf_test_read (p0);
  g_autoptr(GBytes) b1 = hf_test_read (p1);
  g_autoptr(GBytes) bad = g_bytes_new_static ("{\"resourceType\":\"Bundle\",", 25);
  HfImportDocument docs[] = {
    { b0, "card 0", "test:card-0" },
    { b1, "card 2", "test:card-2" },
    { bad, "a broken card", "test:broken" },
  };
  Stored st = { g_array_new (FALSE, FALSE, sizeof (gint64)), G_MAXUINT };
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* A broken third document: nothing, and it is named. */
  g_assert_false (hf_vault_import_documents (f->vault, docs, 3, NULL, on_stored, &st, NULL,
                                             &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "a broken card"));
  g_clear_error (&error);
  g_assert_cmpuint (total_records (f), ==, 0);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM sqlite_master WHERE "
                                                "name = 'test_stored'"), ==, 0);

  /* A callback that refuses the second: nothing either. */
  g_array_set_size (st.provenance, 0);
  st.fail_at = 1;
  g_assert_false (hf_vault_import_documents (f->vault, docs, 2, NULL, on_stored, &st, NULL,
                                             &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INTEGRITY);
  g_clear_error (&error);
  g_assert_cmpuint (total_records (f), ==, 0);
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM provenance"), ==, 0);

  /* Both good: two provenance rows, the records of both. */
  g_array_set_size (st.provenance, 0);
  st.fail_at = G_MAXUINT;
  g_assert_true (hf_vault_import_documents (f->vault, docs, 2, NULL, on_stored, &st, NULL,
                                            &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (st.provenance->len, ==, 2);
  g_assert_cmpint (g_array_index (st.provenance, gint64, 0), >, 0);
  g_assert_cmpint (g_array_index (st.provenance, gint64, 1), >,
                   g_array_index (st.provenance, gint64, 0));
  g_assert_cmpuint (result->files, ==, 2);
  g_assert_cmpuint (result->added, ==, total_records (f));
  g_assert_cmpuint (result->added, >, 50);   /* example 02 alone has 51 Observations */
  g_assert_cmpint (hf_test_count_sql (f->vault, "SELECT count(*) FROM sqlite_master WHERE "
                                                "name = 'test_stored'"), ==, 1);
  g_clear_pointer (&result, hf_import_result_free);

  /* Again: nothing new, so no provenance (0). */
  g_array_set_size (st.provenance, 0);
  g_assert_true (hf_vault_import_documents (f->vault, docs, 2, NULL, on_stored, &st, NULL,
                                            &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->added, ==, 0);
  g_assert_cmpint (g_array_index (st.provenance, gint64, 0), ==, 0);
  g_array_unref (st.provenance);
}

/* }}} */

/* {{{ schema */

static void
test_migration_from_v1 (Fixture       *f,
                        gconstpointer  data)
{
  sqlite3 *db = _hf_vault_get_db (f->vault);
  g_autoptr(HfImportResult) result = NULL;
  g_autofree char *bundle = NULL;
  sqlite3_stmt *stmt = NULL;

  /* Make it the vault schema 1 wrote: no records, sources or sharing tables, user_version 1. */
  g_assert_true (_hf_db_exec (db, "DROP TABLE shl_source; DROP TABLE shl_link; DROP TABLE shc_crl; "
                                  "DROP TABLE shc_card; DROP TABLE shc_secret; "
                                  "DROP TABLE trust_crl; DROP TABLE trust_directory; "
                                  "DROP TABLE import_signature; DROP TABLE trust_issuer; "
                                  "DROP TABLE issuer; DROP TABLE signing_key; "
                                  "DROP TABLE disclosure_item; DROP TABLE disclosure; "
                                  "DROP TABLE label_state; DROP TABLE label_decision; "
                                  "DROP TABLE resource_label; DROP TABLE share_fact; DROP TABLE consent; "
                                  "DROP TABLE recipient; "
                                  "DROP TABLE attachment; DROP TABLE source_sync; "
                                  "DROP TABLE source_token; DROP TABLE source; "
                                  "DROP TABLE resource_fts; DROP TABLE resource; "
                                  "DROP TABLE record_count; DROP TABLE search_vocab; DROP TABLE provenance; "
                                  "DROP TABLE person; "
                                  "PRAGMA user_version = 1", NULL));
  reopen (f);
  db = _hf_vault_get_db (f->vault);
  sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, _hf_vault_schema_version ());
  sqlite3_finalize (stmt);

  bundle = hf_test_write_file (&f->td, "p.json",
                               "{\"resourceType\":\"Patient\",\"id\":\"p1\","
                               "\"name\":[{\"family\":\"Doe\"}]}");
  result = import_ok (f, bundle, NULL);
  g_assert_cmpuint (result->added, ==, 1);
  g_assert_cmpuint (total_records (f), ==, 1);
}

/* }}} */
/* {{{ real data */


/* Counts every file's resources, and lists the files: each is imported as what the user
 * named, so each is a source of its own and the counts add up. */
static void
count_tree (GHashTable *expected,
            GPtrArray  *files,
            const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_str_has_suffix (path, ".json") || g_str_has_suffix (path, ".ndjson"))
        {
          hf_test_count_file (expected, path);
          g_ptr_array_add (files, g_strdup (path));
        }
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      count_tree (expected, files, child);
    }
}

static HfImportResult *
import_list (Fixture   *f,
             GPtrArray *files)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();   /* borrowed from FILES */
  g_autoptr(GError) error = NULL;
  HfImportResult *result = NULL;

  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (paths, g_ptr_array_index (files, i));
  g_ptr_array_add (paths, NULL);
  hf_vault_import_files (f->vault, (const char * const *) paths->pdata, NULL, NULL, NULL, &result,
                         &error);
  g_assert_no_error (error);
  return result;
}

/* A vault of its own in the fixture's place: a vault holds one person's record. */
static void
renew_vault (Fixture *f)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  assert_counts_kept (f);
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_unlink (f->td.vault);
  g_unlink (f->td.keys);
  f->vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
}

/* Each person's files in a vault of their own: the Synthea patients, the SMART Health Cards of
 * John B. Anyperson (00 to 02) and of Johnny Revoked (03), and the Bulk export's records that
 * are about nobody (its people are --person's, in test-person). */
static const char *const real_data_groups[][5] = {
  { "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json" },
  { "synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json" },
  { "synthea/Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json" },
  { "shc/example-00-a-fhirBundle.json", "shc/example-01-a-fhirBundle.json",
    "shc/example-02-a-fhirBundle.json" },
  { "shc/example-03-a-fhirBundle.json" },
  { "bulk-ndjson/Location.000.ndjson", "bulk-ndjson/Organization.000.ndjson",
    "bulk-ndjson/Practitioner.000.ndjson", "bulk-ndjson/PractitionerRole.000.ndjson" },
};

static void
test_real_data (Fixture       *f,
                gconstpointer  data)
{
  for (guint k = 0; k < G_N_ELEMENTS (real_data_groups); k++)
    {
      g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
      g_autoptr(GHashTable) counts = NULL;
      g_autoptr(HfImportResult) first = NULL;
      g_autoptr(HfImportResult) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
      GHashTableIter iter;
      gpointer key, value;
      guint64 total = 0, expected_total = 0;
      guint64 provenance;

      if (k > 0)
        renew_vault (f);
      for (guint i = 0; i < G_N_ELEMENTS (real_data_groups[k]) && real_data_groups[k][i]; i++)
        {
          g_autofree char *path = data_path (real_data_groups[k][i]);
          count_tree (expected, files, path);
        }
      g_test_message ("%s and %u more", real_data_groups[k][0], files->len - 1);

      first = import_list (f, files);
      counts = hf_record_store_stats (f->vault, &total, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_hash_table_size (counts), ==, g_hash_table_size (expected));
      g_hash_table_iter_init (&iter, expected);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_test_message ("%s: %u", (char *) key, GPOINTER_TO_UINT (value));
          g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)), ==,
                            GPOINTER_TO_UINT (value));
          expected_total += GPOINTER_TO_UINT (value);
        }
      g_assert_cmpuint (total, ==, expected_total);
      g_assert_cmpuint (first->added, ==, expected_total);
      g_assert_cmpuint (first->files, ==, files->len);
      provenance = hf_record_store_count_provenance (f->vault, NULL);
      g_assert_cmpuint (provenance, ==, files->len);

      /* The accent case: an ASCII query finds the Patient "Carla Echevarría". */
      if (k == 0)
        {
          g_autoptr(GPtrArray) found = hf_record_store_search (f->vault, "echevarria", 10,
                                                               &error);
          g_assert_no_error (error);
          g_assert_cmpuint (found->len, >=, 1);
          g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (found, 0))->resource_type, ==,
                           "Patient");
          g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (found, 0))->title, ==,
                           "Carla Echevarría");
        }

      /* Everything again: nothing changes, not even the provenance. */
      again = import_list (f, files);
      g_assert_cmpuint (again->added + again->updated + again->history, ==, 0);
      g_assert_cmpuint (again->unchanged, ==, expected_total);
      g_assert_cmpuint (hf_record_store_count_provenance (f->vault, NULL), ==, provenance);
      g_assert_cmpuint (total_records (f), ==, expected_total);
    }
}

/* urn:uuid references of a transaction Bundle are stored as Type/id. */
static void
test_references_rewritten (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *carla = data_path ("synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-"
                                      "bb58458fd674.json");
  g_autoptr(HfImportResult) result = import_ok (f, carla, NULL);
  sqlite3 *db = _hf_vault_get_db (f->vault);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (db, "SELECT count(*) FROM resource WHERE json LIKE '%urn:uuid:%'", -1,
                      &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM resource WHERE resource_type = 'Observation' "
                          "AND subject LIKE 'Patient/%'", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==,
                   GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type, "Observation")));
  sqlite3_finalize (stmt);
}

/* }}} */
/* {{{ bad input */

typedef struct
{
  const char *name;
  const char *contents;
  const char *message;    /* a part of the error message */
} BadCase;

static void
assert_refused (Fixture    *f,
                const char *path,
                const char *message)
{
  g_autofree char *good = hf_test_write_file (&f->td, "good.json",
                                              "{\"resourceType\":\"Patient\",\"id\":\"new\"}");
  const char *paths[] = { good, path, NULL };
  guint64 before = total_records (f);
  guint64 provenance = hf_record_store_count_provenance (f->vault, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autofree char *base = g_path_get_basename (path);

  g_assert_false (hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, base));
  g_assert_nonnull (strstr (error->message, message));
  g_assert_nonnull (strstr (error->message, "nothing was imported"));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (result);
  g_assert_cmpuint (total_records (f), ==, before);
  g_assert_cmpuint (hf_record_store_count_provenance (f->vault, NULL), ==, provenance);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  static const BadCase cases[] = {
    { "not-json.json", "this is not JSON\n", "not valid JSON" },
    { "truncated.json", "{\n  \"resourceType\": \"Patient\",\n  \"name\": [\n",
      "line 4, column 1: it ends too early" },
    { "no-type.json", "{\"hello\": \"world\"}", "not a FHIR resource (it has no resourceType)" },
    { "misspelt.json", "{\"resourceType\": \"Observaton\"}",
      "“Observaton”, which is not a FHIR R4 resource type" },
    { "entry.json", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
      "{\"resource\":{\"resourceType\":\"Patient\"}},{\"fullUrl\":\"urn:uuid:1\"}]}",
      "Bundle.entry[1] has no resource" },
    { "entry-type.json", "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
      "{\"resource\":{\"resourceType\":\"Patient\"}},{\"resource\":{\"resourceType\":\"X\"}}]}",
      "Bundle.entry[1] has the resourceType “X”" },
    { "utf8.json", "{\"resourceType\": \"Patient\", \"id\": \"a\xff\"}",
      "line 1, column 37: it is not valid UTF-8 text" },
    { "dup.json", "{\"resourceType\": \"Patient\",\n \"id\": \"a\",\n \"id\": \"b\"}",
      "line 3, column 2: the key “id” appears twice in one object" },
    { "bad-line.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"2\"}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"3\",}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"4\"}\n", "line 3, column" },
    { "bad-line-type.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"2\"}\n"
      "{\"resourceType\":\"Pateint\",\"id\":\"3\"}\n", "line 3 has the resourceType “Pateint”" },
    { "empty.json", "  \n", "the file is empty" },
    /* Not JSON, though json-glib's scanner takes it. */
    { "leading-zero.json", "{\"resourceType\":\"Observation\",\"valueInteger\":01}",
      "column 46: it is not valid JSON (unexpected “01”)" },
    { "hex.ndjson", "{\"resourceType\":\"Observation\",\"valueInteger\":0x10}\n",
      "line 1, column 46: it is not valid JSON (unexpected “0x10”)" },
    { "control.json", "{\"resourceType\":\"Patient\",\"id\":\"a\tb\"}", "control character" },
    { "escape.json", "{\"resourceType\":\"Patient\",\"id\":\"\\x41\"}", "escape “\\x”" },
    /* Half a character: json-glib turns it into bytes that are not UTF-8. */
    { "surrogate.json", "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"\\ud800\"}]}",
      "“\\ud800”, half of a character" },
    { "surrogate-low.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"
      "{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"x\\udc00y\"}]}\n",
      "line 2, column 45: a text value holds “\\udc00”" },
    /* Numbers a reader would show as another number. */
    { "height.json", "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Body Height\"},"
      "\"valueQuantity\":{\"value\":-9223372036854775809,\"unit\":\"cm\"}}",
      "the number “-9223372036854775809” is outside the range" },
    { "infinite.json", "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":1e999}}",
      "the number “1e999” is outside the range" },
    { "history-delete.json", "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
      "{\"request\":{\"method\":\"DELETE\"}}]}", "deletes a record but does not say which" },
  };
  g_autofree char *seed = hf_test_write_file (&f->td, "seed.json",
                                              "{\"resourceType\":\"Patient\",\"id\":\"seed\"}");
  G_GNUC_UNUSED g_autoptr(HfImportResult) result = import_ok (f, seed, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = hf_test_write_file (&f->td, cases[i].name, cases[i].contents);
      assert_refused (f, path, cases[i].message);
    }
  g_assert_cmpuint (total_records (f), ==, 1);
}

static void
test_deep_nesting (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GString) s = g_string_new ("{\"resourceType\":\"Patient\",\"x\":");
  g_autofree char *path = NULL;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, '[');
  for (int i = 0; i < 100000; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  path = hf_test_write_file (&f->td, "deep.json", s->str);
  assert_refused (f, path, "nests deeper than 256 levels");
}

static void
test_huge_string (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->td.dir, "huge.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, 0, NULL, &error);
  g_autofree char *chunk = g_malloc (1 << 20);
  const char *head = "{\"resourceType\":\"Patient\",\"id\":\"";

  g_assert_no_error (error);
  memset (chunk, 'x', 1 << 20);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), head, strlen (head), NULL,
                                            NULL, &error));
  for (int i = 0; i < 200; i++)
    g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), chunk, 1 << 20, NULL, NULL,
                                              &error));
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), "\"}\n", 3, NULL, NULL,
                                            &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
  g_assert_no_error (error);
  assert_refused (f, path, "line 1, column 32: a text value is longer than the limit of 64 MiB");
}

/* }}} */
/* {{{ versions, sources, search, paging */

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + strlen (needle) <= length; i++)
    if (memcmp (text + i, needle, strlen (needle)) == 0)
      return TRUE;
  return FALSE;
}

static void
test_canary (Fixture       *f,
             gconstpointer  data)
{
  const char *canary = "Zqxcanary7731";
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Observation\",\"id\":\"o1\","
                                           "\"code\":{\"text\":\"Note\"},\"note\":[{\"text\":"
                                           "\"patient said %s twice\"}]}", canary);
  g_autofree char *path = hf_test_write_file (&f->td, "canary.json", json);
  G_GNUC_UNUSED g_autoptr(HfImportResult) result = import_ok (f, path, NULL);
  g_autoptr(GPtrArray) found = hf_record_store_search (f->vault, "zqxcanary7731", 5, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (found, 0))->fhir_id, ==, "o1");
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* Not in any file of the vault, while it is open (WAL) nor after locking. */
  for (int pass = 0; pass < 2; pass++)
    {
      dir = g_dir_open (f->td.dir, 0, NULL);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (f->td.dir, name, NULL);
          if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
            g_assert_false (file_contains (file, canary));
        }
      g_clear_pointer (&dir, g_dir_close);
      hf_vault_lock (f->vault);
    }
}

static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GString) ndjson = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GPtrArray) all = NULL;
  HfRecordCursor cursor = { NULL, 0 };
  HfRecordFilter since = { .resource_type = "Observation", .since = "2001-01-10",
                           .until = "2001-01-19" };
  HfRecordFilter everything = { .all = TRUE };
  guint seen = 0;

  for (int i = 0; i < 60; i++)
    g_string_append_printf (ndjson, "{\"resourceType\":\"Observation\",\"id\":\"o%d\","
                            "\"code\":{\"text\":\"Weight\"},\"effectiveDateTime\":"
                            "\"2001-01-%02d\"}\n", i, 1 + i % 28);
  g_string_append (ndjson, "{\"resourceType\":\"Patient\",\"id\":\"p\"}\n");
  path = hf_test_write_file (&f->td, "obs.ndjson", ndjson->str);
  result = import_ok (f, path, NULL);
  g_assert_cmpuint (result->added, ==, 61);

  /* The Patient is not a timeline record: only --all lists it, undated, last. */
  all = hf_record_store_query (f->vault, NULL, NULL, 1000, NULL);
  g_assert_cmpuint (all->len, ==, 60);
  g_clear_pointer (&all, g_ptr_array_unref);
  all = hf_record_store_query (f->vault, &everything, NULL, 1000, NULL);
  g_assert_cmpuint (all->len, ==, 61);
  g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (all, 60))->resource_type, ==, "Patient");

  for (;;)
    {
      g_autoptr(GPtrArray) page = hf_record_store_query (f->vault, &everything,
                                                         seen ? &cursor : NULL, 7, NULL);
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        g_assert_cmpint (((HfRecordRow *) g_ptr_array_index (page, i))->id, ==,
                         ((HfRecordRow *) g_ptr_array_index (all, seen + i))->id);
      seen += page->len;
      hf_record_cursor_set (&cursor, g_ptr_array_index (page, page->len - 1));
    }
  g_assert_cmpuint (seen, ==, 61);
  hf_record_cursor_clear (&cursor);

  /* Counts, with and without a filter, match what the pages hold. */
  {
    g_autoptr(GHashTable) categories = NULL;
    g_autoptr(GError) error = NULL;
    HfRecordFilter observations = { .resource_type = "Observation" };
    guint64 count = 0, total = 0;

    g_assert_true (hf_record_store_count (f->vault, NULL, &count, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count, ==, 60);
    g_assert_true (hf_record_store_count (f->vault, &everything, &count, &error));
    g_assert_cmpuint (count, ==, 61);
    g_assert_true (hf_record_store_count (f->vault, &observations, &count, &error));
    g_assert_cmpuint (count, ==, 60);
    g_assert_true (hf_record_store_count (f->vault, &since, &count, &error));
    g_assert_cmpuint (count, >, 0);

    categories = hf_record_store_count_categories (f->vault, &total, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (total, ==, 60);   /* "All records": not the directory */
    /* 60 Observations without a category; the Patient is in the directory. */
    g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (categories, "other")), ==, 60);
  }

  /* A seek lands where reading page after page would have, from the start or a cursor. */
  {
    HfRecordCursor jumped = { NULL, 0 };
    HfRecordCursor from = { NULL, 0 };
    g_autoptr(GError) error = NULL;

    g_assert_true (hf_record_store_seek (f->vault, &everything, NULL, 25, &jumped, &error));
    g_assert_no_error (error);
    g_assert_cmpint (jumped.id, ==, ((HfRecordRow *) g_ptr_array_index (all, 24))->id);

    hf_record_cursor_set (&from, g_ptr_array_index (all, 9));
    g_assert_true (hf_record_store_seek (f->vault, &everything, &from, 51, &jumped, &error));
    g_assert_cmpint (jumped.id, ==, ((HfRecordRow *) g_ptr_array_index (all, 60))->id);
    g_assert_cmpstr (jumped.effective, ==, "");

    g_assert_false (hf_record_store_seek (f->vault, &everything, &from, 52, &jumped, &error));
    g_assert_error (error, HF_ERROR, HF_ERROR_NOT_FOUND);
    hf_record_cursor_clear (&jumped);
    hf_record_cursor_clear (&from);
  }

  {
    g_autoptr(GPtrArray) ranged = hf_record_store_query (f->vault, &since, NULL, 100, NULL);
    /* Days 10..19 of each of the 60 values cycling over 28 days. */
    guint expect = 0;
    for (int i = 0; i < 60; i++)
      expect += (1 + i % 28) >= 10 && (1 + i % 28) <= 19;
    g_assert_cmpuint (ranged->len, ==, expect);
  }
}

static void
test_read_only_refused (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret ("reader: a long enough passphrase");
  g_autoptr(HfVault) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hf_test_write_file (&f->td, "p.json",
                                              "{\"resourceType\":\"Patient\",\"id\":\"p\"}");
  const char *paths[] = { path, NULL };

  g_assert_true (hf_vault_add_member (f->vault, "reader", HF_ROLE_CAREGIVER_READ_ONLY, pass,
                                      NULL, &error));
  g_assert_no_error (error);
  hf_vault_lock (f->vault);
  reader = hf_vault_open (f->td.vault, "reader", pass, &error);
  g_assert_no_error (error);
  g_assert_false (hf_vault_import_files (reader, paths, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED);
  hf_vault_lock (reader);
}

/* }}} */
/* {{{ fidelity, history, deletions, cancelling, links */

static char *
stored_json (Fixture    *f,
             const char *type,
             const char *fhir_id)
{
  sqlite3_stmt *stmt = NULL;
  char *json = NULL;

  sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                      "SELECT json FROM resource WHERE resource_type = ? AND fhir_id = ? "
                      "AND superseded_by IS NULL", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fhir_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return json;
}

/* The current record TYPE/FHIR_ID imported from the file SOURCE (a base name). */
static gint64
record_id (Fixture    *f,
           const char *type,
           const char *fhir_id,
           const char *source)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                      "SELECT id FROM resource WHERE resource_type = ? AND fhir_id = ? "
                      "AND source_key LIKE 'file:%' AND substr (source_key, -length (?3)) = ?3 "
                      "AND superseded_by IS NULL", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, source, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return id;
}

static guint
count_rows (Fixture    *f,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Decimals keep their spelling: through the importer and out of "show --raw". */
static void
test_exact_json (Fixture       *f,
                 gconstpointer  data)
{
  const char *line = "{\"resourceType\":\"Observation\",\"id\":\"g1\",\"code\":{\"text\":"
                     "\"Glucose\"},\"valueQuantity\":{\"value\":6.30,\"unit\":\"mmol/L\"},"
                     "\"referenceRange\":[{\"high\":{\"value\":1.50e2}}]}";
  const char *entry = "{ \"resourceType\" : \"Observation\", \"id\": \"w1\",\n"
                      "  \"valueQuantity\": { \"value\": 70.00, \"unit\": \"kg\" },\n"
                      "  \"subject\": { \"reference\": \"urn:uuid:5d5a2c52-0c1e-4f1c-9d7e\" } }";
  g_autofree char *ndjson_text = g_strdup_printf ("%s\n{\"resourceType\":\"Patient\",\"id\":"
                                                  "\"p1\"}\n", line);
  g_autofree char *bundle_text = g_strdup_printf (
    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:5d5a2c52-0c1e-4f1c-9d7e\",\"resource\":{\"resourceType\":"
    "\"Patient\",\"id\":\"p1\"}},{\"fullUrl\":\"urn:uuid:b2\",\"resource\":%s}]}", entry);
  g_autofree char *ndjson = hf_test_write_file (&f->td, "glucose.ndjson", ndjson_text);
  g_autofree char *bundle = hf_test_write_file (&f->td, "weight.json", bundle_text);
  g_autoptr(HfImportResult) result = import_ok (f, ndjson, bundle, NULL);
  g_autofree char *stored = stored_json (f, "Observation", "g1");
  g_autofree char *weight = stored_json (f, "Observation", "w1");
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                         record_id (f, "Observation", "g1", "glucose.ndjson"));
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_entry = NULL;
  g_autofree char *pass_file = hf_test_write_file (&f->td, "pass", PASS);
  g_auto(GStrv) entry_parts = NULL;

  g_assert_cmpuint (result->added, ==, 4);
  g_assert_cmpstr (stored, ==, line);
  /* A Bundle entry: its own bytes, with only the reference to the other entry resolved. */
  entry_parts = g_strsplit (entry, "urn:uuid:5d5a2c52-0c1e-4f1c-9d7e", -1);
  expected_entry = g_strjoinv ("Patient/p1", entry_parts);
  g_assert_cmpstr (weight, ==, expected_entry);

  hf_vault_lock (f->vault);
  g_assert_cmpint (hf_test_cli (&out, NULL, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "show", id, "--raw", NULL), ==, 0);
  expected = g_strdup_printf ("%s\n", line);
  g_assert_cmpstr (out, ==, expected);
  g_assert_nonnull (strstr (out, "6.30"));
  g_assert_nonnull (strstr (out, "1.50e2"));
  reopen (f);
}

#define CONDITION(version, updated, status) \
  "{\"resourceType\":\"Condition\",\"id\":\"c7\",\"meta\":{\"versionId\":\"" version "\"," \
  "\"lastUpdated\":\"" updated "\"},\"clinicalStatus\":{\"coding\":[{\"code\":\"" status "\"}]}," \
  "\"code\":{\"text\":\"Migraine\"}}"

static const char *
current_title (Fixture *f)
{
  static char title[256];
  g_autoptr(GPtrArray) rows = hf_record_store_query (f->vault, NULL, NULL, 10, NULL);

  g_assert_cmpuint (rows->len, ==, 1);
  g_strlcpy (title, ((HfRecordRow *) g_ptr_array_index (rows, 0))->title, sizeof title);
  return title;
}

/* One source (a file at one place, read again as it changes) sends version 2, then 1, then 3. */
static void
test_versions_out_of_order (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->td.dir, "export", NULL);
  g_autofree char *c = g_build_filename (dir, "c.json", NULL);
  const char *v1 = CONDITION ("1", "2020-01-01T00:00:00Z", "recurrence");
  const char *v2 = CONDITION ("2", "2020-02-01T00:00:00Z", "active");
  const char *v3 = CONDITION ("3", "2020-03-01T00:00:00Z", "resolved");
  const char *each[] = { v3, v1, v2 };
  g_autoptr(HfImportResult) r2 = NULL;
  g_autoptr(HfImportResult) r1 = NULL;
  g_autoptr(HfImportResult) r3 = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (c, v2, -1, NULL));
  r2 = import_ok (f, dir, NULL);
  g_assert_cmpuint (r2->added, ==, 1);
  g_assert_true (g_file_set_contents (c, v1, -1, NULL));
  r1 = import_ok (f, dir, NULL);                /* older, arriving later: history */
  g_assert_cmpuint (r1->history, ==, 1);
  g_assert_cmpstr (current_title (f), ==, "Migraine — active");
  g_assert_true (g_file_set_contents (c, v3, -1, NULL));
  r3 = import_ok (f, dir, NULL);                /* newer: replaces */
  g_assert_cmpuint (r3->updated, ==, 1);
  g_assert_cmpstr (current_title (f), ==, "Migraine — resolved");
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource"), ==, 3);

  /* Each of the three again: known versions, nothing changes. */
  for (guint i = 0; i < G_N_ELEMENTS (each); i++)
    {
      g_autoptr(HfImportResult) again = NULL;

      g_assert_true (g_file_set_contents (c, each[i], -1, NULL));
      again = import_ok (f, c, NULL);
      g_assert_cmpuint (again->unchanged, ==, 1);
      g_assert_cmpuint (again->added + again->updated + again->history, ==, 0);
    }
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource"), ==, 3);
  g_assert_cmpuint (total_records (f), ==, 1);
}

#define HISTORY_ENTRY(version, updated, status) \
  "{\"fullUrl\":\"https://ehr.example/fhir/Condition/c7\",\"resource\":" \
  CONDITION (version, updated, status) ",\"request\":{\"method\":\"PUT\",\"url\":" \
  "\"Condition/c7\"},\"response\":{\"status\":\"200\"}}"

/* A server's _history: newest first, three versions; then a deletion. */
static void
test_history_bundle (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = hf_test_write_file (&f->td, "history.json",
    "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
    HISTORY_ENTRY ("3", "2021-03-01T00:00:00Z", "resolved") ","
    HISTORY_ENTRY ("2", "2021-02-01T00:00:00Z", "remission") ","
    HISTORY_ENTRY ("1", "2021-01-01T00:00:00Z", "active") "]}");
  g_autofree char *deleted = hf_test_write_file (&f->td, "deleted.json",
    "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"Condition/c7\"},\"response\":{\"status\":"
    "\"204\",\"lastModified\":\"2021-04-01T00:00:00Z\"}},"
    HISTORY_ENTRY ("3", "2021-03-01T00:00:00Z", "resolved") "]}");
  g_autoptr(HfImportResult) r1 = NULL;
  g_autoptr(HfImportResult) again = NULL;
  g_autoptr(HfImportResult) r2 = NULL;
  g_autoptr(HfImportResult) r3 = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(HfRecordRow) row = NULL;
  gint64 id;

  r1 = import_ok (f, path, NULL);
  g_assert_cmpuint (r1->added, ==, 1);
  g_assert_cmpuint (r1->updated, ==, 2);
  g_assert_cmpstr (current_title (f), ==, "Migraine — resolved");
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE superseded_by IS NOT "
                                   "NULL"), ==, 2);
  again = import_ok (f, path, NULL);
  g_assert_cmpuint (again->unchanged, ==, 3);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource"), ==, 3);

  /* Another source's history, newest first: version 3, then its deletion. That source's copy
   * is deleted; the first source's copy is untouched. */
  r2 = import_ok (f, deleted, NULL);
  g_assert_cmpuint (r2->added, ==, 1);
  g_assert_cmpuint (r2->deleted, ==, 1);
  g_assert_cmpuint (total_records (f), ==, 1);
  found = hf_record_store_search (f->vault, "migraine", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_true (g_str_has_suffix (((HfRecordRow *) g_ptr_array_index (found, 0))->source,
                                   G_DIR_SEPARATOR_S "history.json"));
  /* Kept, with its history, and marked. */
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource"), ==, 4);
  id = record_id (f, "Condition", "c7", "deleted.json");
  g_assert_true (hf_record_store_get (f->vault, id, &row, NULL, NULL));
  g_assert_cmpstr (row->deleted_at, ==, "2021-04-01T00:00:00Z");
  r3 = import_ok (f, deleted, NULL);
  g_assert_cmpuint (r3->deleted + r3->added + r3->updated, ==, 0);
}

static void
cancel_cb (const char *file,
           guint64     resources,
           guint64     bytes_done,
           guint64     bytes_total,
           gpointer    user_data)
{
  if (resources >= 1000)
    g_cancellable_cancel (user_data);
}

/* Counts that an import changes; the activity log's too unless the vault was reopened since
 * (unlocking is logged). */
static char *
vault_state (Fixture  *f,
             gboolean  audit)
{
  g_autoptr(GString) s = g_string_new (NULL);
  const char *queries[] = {
    "SELECT count(*) FROM resource", "SELECT count(*) FROM provenance",
    "SELECT count(*) FROM audit", "SELECT coalesce (max (id), 0) FROM resource",
    "SELECT count(*) FROM resource_fts WHERE resource_fts MATCH 'weight'",
  };
  g_autoptr(GHashTable) counts = hf_record_store_stats (f->vault, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    if (audit || strstr (queries[i], "audit") == NULL)
      g_string_append_printf (s, "%u ", count_rows (f, queries[i]));
  g_string_append_printf (s, "%u", g_hash_table_size (counts));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GString) ndjson = g_string_new (NULL);
  g_autofree char *seed = hf_test_write_file (&f->td, "seed.json",
    "{\"resourceType\":\"Observation\",\"id\":\"s\",\"code\":{\"text\":\"Weight\"}}");
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  G_GNUC_UNUSED g_autoptr(HfImportResult) seeded = import_ok (f, seed, NULL);
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[2] = { NULL, NULL };

  for (int i = 0; i < 5000; i++)
    g_string_append_printf (ndjson, "{\"resourceType\":\"Observation\",\"id\":\"o%d\","
                            "\"code\":{\"text\":\"Weight\"},\"valueQuantity\":{\"value\":%d.5}}\n",
                            i, 60 + i % 40);
  path = hf_test_write_file (&f->td, "many.ndjson", ndjson->str);
  paths[0] = path;
  before = vault_state (f, TRUE);
  g_assert_false (hf_vault_import_files (f->vault, paths, cancel_cb, cancellable, cancellable,
                                         &result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  after = vault_state (f, TRUE);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&before, g_free);
  g_clear_pointer (&after, g_free);
  before = vault_state (f, FALSE);
  reopen (f);
  after = vault_state (f, FALSE);
  g_assert_cmpstr (after, ==, before);
}

/* The same Immunization from a clinic and a hospital: kept twice, linked, shown together. */
static void
test_linked_sources (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *clinic = hf_test_write_file (&f->td, "clinic.json",
    "{\"resourceType\":\"Immunization\",\"id\":\"clinic-9\",\"identifier\":[{\"system\":"
    "\"urn:oid:1.2.36.146.595.217.0.1\",\"value\":\"IMM-42\"}],\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Influenza\"},\"occurrenceDateTime\":\"2022-10-01\"}");
  g_autofree char *hospital = hf_test_write_file (&f->td, "hospital.ndjson",
    "{\"resourceType\":\"Immunization\",\"id\":\"H-77\",\"identifier\":[{\"system\":"
    "\"urn:oid:1.2.36.146.595.217.0.1\",\"value\":\"IMM-42\"}],\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Influenza\"},\"occurrenceDateTime\":\"2022-10-01\"}\n"
    "{\"resourceType\":\"Immunization\",\"id\":\"H-78\",\"identifier\":[{\"system\":"
    "\"urn:oid:1.2.36.146.595.217.0.1\",\"value\":\"IMM-43\"}],\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Tetanus\"},\"occurrenceDateTime\":\"2022-11-01\"}\n");
  G_GNUC_UNUSED g_autoptr(HfImportResult) r1 = import_ok (f, clinic, NULL);
  g_autoptr(HfImportResult) r2 = import_ok (f, hospital, NULL);
  gint64 first = record_id (f, "Immunization", "clinic-9", "clinic.json");
  gint64 second = record_id (f, "Immunization", "H-77", "hospital.ndjson");
  gint64 other = record_id (f, "Immunization", "H-78", "hospital.ndjson");
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autofree char *pass_file = hf_test_write_file (&f->td, "pass", PASS);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, first);
  g_autofree char *out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *real = NULL;

  g_assert_cmpuint (r2->added, ==, 2);
  g_assert_cmpuint (total_records (f), ==, 3);
  links = hf_record_store_linked (f->vault, second, NULL);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpint (((HfRecordRow *) g_ptr_array_index (links, 0))->id, ==, first);
  g_assert_true (g_str_has_suffix (((HfRecordRow *) g_ptr_array_index (links, 0))->source,
                                   G_DIR_SEPARATOR_S "clinic.json"));
  none = hf_record_store_linked (f->vault, other, NULL);
  g_assert_cmpuint (none->len, ==, 0);

  hf_vault_lock (f->vault);
  g_assert_cmpint (hf_test_cli (&out, NULL, "--vault", f->td.vault, "--passphrase-file",
                                pass_file, "show", id, NULL), ==, 0);
  real = realpath (hospital, NULL);
  line = g_strdup_printf ("Linked:   record %" G_GINT64_FORMAT " (Immunization/H-77 from %s)",
                          second, real);
  g_assert_nonnull (strstr (out, line));
  reopen (f);
}

/* }}} */


/* Every stored record holds its own entry's bytes: "entry"/"resource" pairs before
 * Bundle.entry (in an extension, a contained resource) and a document Bundle inside a
 * collection do not shift one entry's bytes onto the next. */
static void
test_span_decoys (Fixture       *f,
                  gconstpointer  data)
{
  const char *text =
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"meta\":{\"extension\":[{\"url\":"
    "\"http://example.org/x\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
    "\"id\":\"decoy\"}}]}]},\"entry\":["
    "{\"resource\":{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a1\",\"code\":{\"text\":"
    "\"Penicillin\"},\"contained\":[{\"resourceType\":\"Bundle\",\"id\":\"b\",\"entry\":["
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"decoy2\"}}]}]}},"
    "{\"resource\":{\"resourceType\":\"Bundle\",\"id\":\"doc\",\"type\":\"document\",\"entry\":["
    "{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c1\",\"code\":{\"text\":"
    "\"Asthma\"}}}]}},"
    "{\"resource\":{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a2\",\"code\":{\"text\":"
    "\"Peanut\"}}}]}";
  g_autofree char *path = hf_test_write_file (&f->td, "decoys.json", text);
  g_autoptr(HfImportResult) result = import_ok (f, path, NULL);
  g_autofree char *last = NULL;
  static const char *const ids[][2] = {
    { "AllergyIntolerance", "a1" }, { "Condition", "c1" }, { "AllergyIntolerance", "a2" },
  };

  g_assert_cmpuint (result->added, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *json = stored_json (f, ids[i][0], ids[i][1]);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      g_assert_nonnull (json);
      g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (o, "resourceType"), ==, ids[i][0]);
      g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, ids[i][1]);
    }
  last = stored_json (f, "AllergyIntolerance", "a2");
  g_assert_true (g_str_has_suffix (last, "\"Peanut\"}}"));
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE fhir_id LIKE 'decoy%'"),
                    ==, 0);
}

/* A source is what the user imported: two providers' files of the same name are two sources,
 * and neither makes the other's records older versions or deletes them. */
static void
test_versions_and_sources (Fixture       *f,
                           gconstpointer  data)
{
  const char *v1_text =
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"meta\":{\"versionId\":\"1\"},"
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},\"code\":{\"text\":\"Asthma\"}}";
  const char *v2_text =
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"meta\":{\"versionId\":\"2\"},"
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"resolved\"}]},\"code\":{\"text\":\"Asthma\"}}";
  const char *history_text =
    "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":[{\"request\":{\"method\":"
    "\"DELETE\",\"url\":\"Condition/c1\"},\"response\":{\"status\":\"204\"}}]}";
  g_autofree char *v1 = hf_test_write_file (&f->td, "Condition.000.ndjson", v1_text);
  g_autofree char *dir = g_build_filename (f->td.dir, "other", NULL);
  g_autofree char *third = g_build_filename (f->td.dir, "third", NULL);
  g_autofree char *other = NULL;
  g_autofree char *history = NULL;
  g_autofree char *source = NULL;
  g_autofree char *real = NULL;
  g_autoptr(HfImportResult) r1 = NULL;
  g_autoptr(HfImportResult) r2 = NULL;
  g_autoptr(HfImportResult) r3 = NULL;
  g_autoptr(HfImportResult) r4 = NULL;
  g_autoptr(HfImportResult) r5 = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (third, 0700), ==, 0);
  other = g_build_filename (dir, "Condition.000.ndjson", NULL);
  g_assert_true (g_file_set_contents (other, v2_text, -1, NULL));
  history = g_build_filename (third, "Condition.000.ndjson", NULL);
  g_assert_true (g_file_set_contents (history, history_text, -1, NULL));

  r1 = import_ok (f, v1, NULL);
  g_assert_cmpuint (r1->added, ==, 1);
  /* Version 2 from another provider's file of the same name: a record of its own. */
  r2 = import_ok (f, dir, NULL);
  g_assert_cmpuint (r2->added, ==, 1);
  g_assert_cmpuint (r2->updated + r2->history, ==, 0);
  g_assert_cmpuint (total_records (f), ==, 2);
  rows = hf_record_store_query (f->vault, NULL, NULL, 10, NULL);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE superseded_by IS NULL "
                                   "AND json LIKE '%\"active\"%'"), ==, 1);
  /* Not linked: the same id with other content (and no shared identifier) is not known to be
   * the same record, and a linked copy would not be shown. */
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE linked_to IS NOT NULL"),
                    ==, 0);
  real = realpath (other, NULL);
  source = g_strdup_printf ("SELECT count(*) FROM resource WHERE source_key = 'file:%s'", real);
  g_assert_cmpuint (count_rows (f, source), ==, 1);

  /* A third provider's history Bundle deletes its own Condition/c1, not theirs. */
  r3 = import_ok (f, history, NULL);
  g_assert_cmpuint (total_records (f), ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE deleted_at IS NOT NULL"),
                    ==, 0);

  /* The same file again is the same source: nothing changes. */
  r4 = import_ok (f, v1, NULL);
  g_assert_cmpuint (r4->unchanged, ==, 1);
  g_assert_cmpuint (r4->added + r4->updated, ==, 0);

  /* A newer version at the same place is a newer version. */
  g_assert_true (g_file_set_contents (v1, v2_text, -1, NULL));
  r5 = import_ok (f, v1, NULL);
  g_assert_cmpuint (r5->updated, ==, 1);
  g_assert_cmpuint (total_records (f), ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE superseded_by IS NULL "
                                   "AND json LIKE '%\"active\"%'"), ==, 0);
}

/* A Bundle that names itself (identifier) is a source within the file's: a second Bundle
 * saved under the same name does not replace the first one's records. */
static void
test_bundle_identity (Fixture       *f,
                      gconstpointer  data)
{
  const char *first =
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"identifier\":{\"system\":"
    "\"urn:ietf:rfc:3986\",\"value\":\"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0\"},"
    "\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"1\",\"code\":{\"text\":"
    "\"Asthma\"}}}]}";
  const char *second =
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"identifier\":{\"system\":"
    "\"urn:ietf:rfc:3986\",\"value\":\"urn:uuid:9a1e4b7c-8a3d-4e0f-b4a1-2c5e2f1e7d11\"},"
    "\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"1\",\"code\":{\"text\":"
    "\"Eczema\"}}}]}";
  g_autofree char *path = hf_test_write_file (&f->td, "record.json", first);
  g_autoptr(HfImportResult) r1 = import_ok (f, path, NULL);
  g_autoptr(HfImportResult) r2 = NULL;
  g_autoptr(HfImportResult) r3 = NULL;

  g_assert_cmpuint (r1->added, ==, 1);
  g_assert_true (g_file_set_contents (path, second, -1, NULL));
  r2 = import_ok (f, path, NULL);
  g_assert_cmpuint (r2->added, ==, 1);
  g_assert_cmpuint (total_records (f), ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE source_key LIKE "
                                   "'file:%record.json#urn:ietf:rfc:3986|urn:uuid:0c31%'"), ==, 1);
  r3 = import_ok (f, path, NULL);
  g_assert_cmpuint (r3->unchanged, ==, 1);
}

/* Valid input that used to be refused: a BOM, a transaction's DELETE, a batch-response,
 * folders nested deeper than 32. */
static void
test_valid_odd_input (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *bom_json = hf_test_write_file (&f->td, "bom.json",
    "\xef\xbb\xbf{\n  \"resourceType\": \"Patient\",\n  \"id\": \"bom1\"\n}\n");
  g_autofree char *bom_ndjson = hf_test_write_file (&f->td, "bom.ndjson",
    "\xef\xbb\xbf{\"resourceType\":\"Patient\",\"id\":\"bom2\"}\r\n\r\n"
    "{\"resourceType\":\"Patient\",\"id\":\"bom3\"}\r\n");
  g_autofree char *transaction = hf_test_write_file (&f->td, "transaction.json",
    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a\",\"resource\":"
    "{\"resourceType\":\"Condition\",\"code\":{\"text\":\"Asthma\"}},"
    "\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}},"
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"Condition/never-imported\"}},"
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"Condition?identifier=x|1\"}},"
    "{\"request\":{\"method\":\"GET\",\"url\":\"Patient?name=peter\"}}]}");
  g_autofree char *response = hf_test_write_file (&f->td, "response.json",
    "{\"resourceType\":\"Bundle\",\"type\":\"batch-response\",\"entry\":["
    "{\"response\":{\"status\":\"201 Created\",\"location\":\"Patient/9/_history/1\"}},"
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"r1\"},\"response\":{\"status\":\"200\"}},"
    "{\"response\":{\"status\":\"404\",\"outcome\":{\"resourceType\":\"OperationOutcome\","
    "\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}}}]}");
  g_autofree char *nest = g_build_filename (f->td.dir, "nest", NULL);
  g_autoptr(GString) deep = g_string_new (nest);
  g_autofree char *deep_file = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfImportResult) again = NULL;
  g_autofree char *stored = NULL;

  for (int i = 0; i < 40; i++)
    g_string_append_printf (deep, G_DIR_SEPARATOR_S "%d", i);
  g_assert_cmpint (g_mkdir_with_parents (deep->str, 0700), ==, 0);
  deep_file = g_build_filename (deep->str, "deep.json", NULL);
  g_assert_true (g_file_set_contents (deep_file, "{\"resourceType\":\"Patient\",\"id\":\"deep\"}",
                                      -1, NULL));

  result = import_ok (f, bom_json, bom_ndjson, transaction, response, nest, NULL);
  g_assert_cmpuint (result->added, ==, 6);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE fhir_id IN "
                                   "('bom1', 'bom2', 'bom3', 'r1', 'deep')"), ==, 5);
  stored = stored_json (f, "Patient", "bom1");
  g_assert_true (g_str_has_prefix (stored, "{\n  \"resourceType\""));
  again = import_ok (f, nest, bom_ndjson, NULL);
  g_assert_cmpuint (again->unchanged, ==, 3);
  g_assert_cmpuint (again->added + again->updated, ==, 0);
}

/* A named pipe, a device or a socket is refused at once, in a sentence, without reading
 * it (which would block); standard input is read once with "-"; a huge file without a
 * newline is refused without reading it whole. */
static void
test_special_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *fifo = g_build_filename (f->td.dir, "pipe.ndjson", NULL);
  g_autofree char *folder = g_build_filename (f->td.dir, "folder", NULL);
  g_autofree char *fifo_in_folder = g_build_filename (folder, "pipe.json", NULL);
  g_autofree char *sparse = g_build_filename (f->td.dir, "huge.json", NULL);
  g_autofree char *pass_file = hf_test_write_file (&f->td, "pass", PASS);
  g_autofree char *input = hf_test_write_file (&f->td, "input.ndjson",
                                               "{\"resourceType\":\"Patient\",\"id\":\"in1\"}\n");
  const char *one[2] = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_cmpint (mkfifo (fifo_in_folder, 0600), ==, 0);

  one[0] = fifo;
  g_assert_false (hf_vault_import_files (f->vault, one, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);
  one[0] = folder;
  g_assert_false (hf_vault_import_files (f->vault, one, NULL, NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "pipe.json” is a named pipe, a device or a socket"));
  g_clear_error (&error);
  one[0] = "/dev/zero";
  g_assert_false (hf_vault_import_files (f->vault, one, NULL, NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  /* 2 GiB of nothing but NUL bytes, no newline: a sparse file, refused by its size. */
  fd = g_open (sparse, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, G_GINT64_CONSTANT (2) << 30), ==, 0);
  close (fd);
  one[0] = sparse;
  g_assert_false (hf_vault_import_files (f->vault, one, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "larger than the limit of 1 GiB"));
  g_clear_error (&error);
  g_assert_cmpuint (total_records (f), ==, 0);

  /* Standard input: its own source, named by its content; the same text again is known. */
  hf_vault_lock (f->vault);
  g_assert_cmpint (hf_test_cli_stdin (&out, &err, input, "--vault", f->td.vault,
                                      "--passphrase-file", pass_file, "import", "-", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 added"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (hf_test_cli_stdin (&out, &err, input, "--vault", f->td.vault,
                                      "--passphrase-file", pass_file, "import", "-", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 unchanged"));
  reopen (f);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE source_key LIKE "
                                   "'stdin:%'"), ==, 1);
}

/* Two servers' Observation/14 in one Bundle (R4 example bundle-references.json: their
 * fullUrl bases differ) are two records, and the result says no older version was kept;
 * Patient/45 listed twice from one server is two versions of one record. */
static void
test_bundle_two_servers (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *several = data_path ("r4-examples/bundle-references.json");
  g_autofree char *path = data_path ("derived/bundle-references-one-person.json");
  const char *paths[] = { several, NULL };
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfImportResult) again = NULL;
  g_autoptr(GError) error = NULL;

  /* The example is several people's records: refused as such. Its one-person copy (every
   * Observation about Patient/45, Patient/23 left out) keeps the two servers' records. */
  g_assert_false (hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "3 people (Patient 23; Name 1, Patient 45; Patient 1"));
  result = import_ok (f, path, NULL);

  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type, "Observation")), ==,
                    7);
  g_assert_cmpuint (result->history, ==, 0);
  g_assert_cmpuint (result->added, ==, 9);
  g_assert_cmpuint (result->updated, ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE resource_type = "
                                   "'Observation' AND superseded_by IS NULL"), ==, 7);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE resource_type = "
                                   "'Observation' AND fhir_id = '14'"), ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM resource WHERE resource_type = "
                                   "'Patient' AND fhir_id = '45' AND superseded_by IS NULL"), ==,
                    1);
  /* Importing it again changes nothing: the second server's record keeps its identity. */
  again = import_ok (f, path, NULL);
  g_assert_cmpuint (again->added + again->updated + again->history, ==, 0);
  g_assert_cmpuint (again->unchanged, ==, 10);
}

/* A transaction whose entries include requests without a resource (DELETE, GET) imports
 * what it carries. */
static void
test_bundle_transaction (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples/bundle-transaction.json");
  g_autoptr(HfImportResult) result = import_ok (f, path, NULL);

  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type, "Patient")), ==, 5);
  g_assert_cmpuint (result->added, ==, 6);
  g_assert_cmpuint (result->deleted, ==, 0);   /* its DELETEs name nothing in this vault */
}

static char *
copy_into (const char *folder,
           const char *data_file)
{
  g_autofree char *from = data_path (data_file);
  g_autofree char *base = g_path_get_basename (data_file);
  char *to = g_build_filename (folder, base, NULL);

  hf_test_copy (from, to);
  return to;
}

/* In a folder, files that are not FHIR at all (a Bulk Data client's log, a README, a PDF, an
 * empty file) are skipped and named; FHIR beside them is imported. Named on their own, they
 * are refused as before. */
static void
test_folder_skips_not_fhir (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->td.dir, "export", NULL);
  g_autofree char *log = NULL;
  g_autofree char *device = NULL;
  g_autofree char *readme = NULL;
  g_autoptr(HfImportResult) result = NULL;
  const char *alone[] = { NULL, NULL };
  GError *error = NULL;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  log = copy_into (folder, "bulk-log/log.ndjson");
  device = copy_into (folder, "bulk-ndjson/Organization.000.ndjson");   /* about nobody */
  readme = g_build_filename (folder, "README.md", NULL);
  g_assert_true (g_file_set_contents (readme, "# Export of 2024-08-06\n\nSee log.ndjson.\n", -1,
                                      NULL));
  {
    g_autofree char *pdf = g_build_filename (folder, "letter.pdf", NULL);
    g_autofree char *empty = g_build_filename (folder, "notes.txt", NULL);
    g_assert_true (g_file_set_contents (pdf, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", -1, NULL));
    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  }

  result = import_ok (f, folder, NULL);
  g_assert_cmpuint (result->files, ==, 1);
  g_assert_cmpuint (result->added, ==, 43);
  g_assert_nonnull (result->skipped);
  g_assert_cmpuint (result->skipped->len, ==, 4);
  for (guint i = 0; i < result->skipped->len; i++)
    {
      const char *name = g_ptr_array_index (result->skipped, i);
      g_assert_true (g_str_has_suffix (name, "README.md") ||
                     g_str_has_suffix (name, "letter.pdf") ||
                     g_str_has_suffix (name, "log.ndjson") ||
                     g_str_has_suffix (name, "notes.txt"));
    }

  alone[0] = log;
  g_assert_false (hf_vault_import_files (f->vault, alone, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "not a FHIR resource (it has no resourceType)"));
  g_clear_error (&error);
}

/* A folder with several bad FHIR files is refused naming every one of them, and nothing is
 * kept, not even the good files before and after them. */
static void
test_folder_names_every_bad_file (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (f->td.dir, "export", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  const char *paths[] = { NULL, NULL };
  GError *error = NULL;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  /* Sorted: a good file, a truncated one, an STU3 one, a good one. */
  a = copy_into (folder, "bulk-ndjson/AllergyIntolerance.000.ndjson");
  b = copy_into (folder, "hostile/truncated-device-at-150.ndjson");
  c = copy_into (folder, "older-fhir/stu3-Abernathy_Francine_55.json");
  d = copy_into (folder, "synthea/Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json");
  g_free (copy_into (folder, "bulk-log/log.ndjson"));

  paths[0] = folder;
  g_assert_false (hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Cannot import 2 of the files: "));
  g_assert_nonnull (strstr (error->message, "truncated-device-at-150.ndjson”: line 1"));
  g_assert_nonnull (strstr (error->message, "stu3-Abernathy_Francine_55.json”: it looks like "
                                            "FHIR STU3"));
  g_assert_null (strstr (error->message, "AllergyIntolerance.000.ndjson"));
  g_assert_null (strstr (error->message, "log.ndjson"));
  g_assert_true (g_str_has_suffix (error->message, "; nothing was imported."));
  g_clear_error (&error);
  g_assert_cmpuint (total_records (f), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/hf/import/documents", test_documents);
  ADD ("/hf/import/migration-from-v1", test_migration_from_v1);
  ADD ("/hf/import/real-data", test_real_data);
  ADD ("/hf/import/references-rewritten", test_references_rewritten);
  ADD ("/hf/import/bad-input", test_bad_input);
  ADD ("/hf/import/deep-nesting", test_deep_nesting);
  ADD ("/hf/import/huge-string", test_huge_string);
  ADD ("/hf/import/versions-and-sources", test_versions_and_sources);
  ADD ("/hf/import/canary", test_canary);
  ADD ("/hf/import/paging", test_paging);
  ADD ("/hf/import/read-only-refused", test_read_only_refused);
  ADD ("/hf/import/exact-json", test_exact_json);
  ADD ("/hf/import/versions-out-of-order", test_versions_out_of_order);
  ADD ("/hf/import/history-bundle", test_history_bundle);
  ADD ("/hf/import/cancel", test_cancel);
  ADD ("/hf/import/linked-sources", test_linked_sources);
  ADD ("/hf/import/span-decoys", test_span_decoys);
  ADD ("/hf/import/bundle-identity", test_bundle_identity);
  ADD ("/hf/import/valid-odd-input", test_valid_odd_input);
  ADD ("/hf/import/special-files", test_special_files);
  ADD ("/hf/import/bundle-two-servers", test_bundle_two_servers);
  ADD ("/hf/import/bundle-transaction", test_bundle_transaction);
  ADD ("/hf/import/folder-skips-not-fhir", test_folder_skips_not_fhir);
  ADD ("/hf/import/folder-names-every-bad-file", test_folder_names_every_bad_file);
#undef ADD

  return g_test_run ();
}
