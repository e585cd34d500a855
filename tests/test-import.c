/* test-import.c — importing FHIR files: schema, real data, bad input, versions, search, paging
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

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

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
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
  g_assert_true (hf_vault_import_files (f->vault, (const char * const *) paths->pdata, NULL,
                                        NULL, NULL, &result, &error));
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

/* {{{ schema */

static void
test_migration_from_v1 (Fixture       *f,
                        gconstpointer  data)
{
  sqlite3 *db = _hf_vault_get_db (f->vault);
  g_autoptr(HfImportResult) result = NULL;
  g_autofree char *bundle = NULL;
  sqlite3_stmt *stmt = NULL;

  /* Make it the vault schema 1 wrote: no records or sources tables, user_version 1. */
  g_assert_true (_hf_db_exec (db, "DROP TABLE attachment; DROP TABLE source_sync; "
                                  "DROP TABLE source_token; DROP TABLE source; "
                                  "DROP TABLE resource_fts; DROP TABLE resource; "
                                  "DROP TABLE provenance; PRAGMA user_version = 1", NULL));
  reopen (f);
  db = _hf_vault_get_db (f->vault);
  sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 3);
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

static void
count_resource (GHashTable *expected,
                JsonObject *r)
{
  const char *type = json_object_get_string_member (r, "resourceType");

  if (g_str_equal (type, "Bundle"))
    {
      JsonArray *entries = json_object_get_array_member (r, "entry");
      for (guint i = 0; i < json_array_get_length (entries); i++)
        count_resource (expected,
                        json_object_get_object_member (json_array_get_object_element (entries,
                                                                                      i),
                                                       "resource"));
      return;
    }
  g_hash_table_insert (expected, g_strdup (type),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (expected, type))
                                         + 1));
}

/* What the files hold, counted with json-glib independently of the importer. */
static void
count_file (GHashTable *expected,
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
          count_resource (expected, json_node_get_object (node));
        }
    }
  else
    {
      g_autoptr(JsonNode) node = json_from_string (text, &error);
      g_assert_no_error (error);
      count_resource (expected, json_node_get_object (node));
    }
}

static void
count_tree (GHashTable *expected,
            const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_str_has_suffix (path, ".json") || g_str_has_suffix (path, ".ndjson"))
        count_file (expected, path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      count_tree (expected, child);
    }
}

static void
test_real_data (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *synthea = data_path ("synthea");
  g_autofree char *bulk = data_path ("bulk-ndjson");
  g_autofree char *shc = data_path ("shc");
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(HfImportResult) first = NULL;
  g_autoptr(HfImportResult) again = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint64 total = 0, expected_total = 0;
  guint64 provenance;

  count_tree (expected, synthea);
  count_tree (expected, bulk);
  count_tree (expected, shc);

  first = import_ok (f, synthea, bulk, shc, NULL);
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
  g_assert_cmpuint (first->files, ==, 12);
  provenance = hf_record_store_count_provenance (f->vault, NULL);
  g_assert_cmpuint (provenance, ==, 12);

  /* The accent case: an ASCII query finds the Patient "Carla Echevarría". */
  found = hf_record_store_search (f->vault, "echevarria", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, >=, 1);
  g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (found, 0))->resource_type, ==, "Patient");
  g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (found, 0))->title, ==,
                   "Carla Echevarría");

  /* Everything again: nothing changes, not even the provenance. */
  again = import_ok (f, synthea, bulk, shc, NULL);
  g_assert_cmpuint (again->added + again->updated + again->history, ==, 0);
  g_assert_cmpuint (again->unchanged, ==, expected_total);
  g_assert_cmpuint (hf_record_store_count_provenance (f->vault, NULL), ==, provenance);
  g_assert_cmpuint (total_records (f), ==, expected_total);
}

/* urn:uuid references of a transaction Bundle are stored as Type/id. */
static void
test_references_rewritten (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *synthea = data_path ("synthea");
  g_autoptr(HfImportResult) result = import_ok (f, synthea, NULL);
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
  };
  g_autofree char *seed = hf_test_write_file (&f->td, "seed.json",
                                              "{\"resourceType\":\"Patient\",\"id\":\"seed\"}");
  g_autoptr(HfImportResult) result = import_ok (f, seed, NULL);

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

static void
test_versions_and_sources (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *v1 = hf_test_write_file (&f->td, "v1.json",
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"meta\":{\"versionId\":\"1\"},"
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},\"code\":{\"text\":\"Asthma\"}}");
  g_autofree char *v2 = hf_test_write_file (&f->td, "v2.json",
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"meta\":{\"versionId\":\"2\"},"
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"resolved\"}]},\"code\":{\"text\":\"Asthma\"}}");
  g_autofree char *dir = g_build_filename (f->td.dir, "other", NULL);
  g_autofree char *other = NULL;
  g_autoptr(HfImportResult) r1 = NULL;
  g_autoptr(HfImportResult) r2 = NULL;
  g_autoptr(HfImportResult) r3 = NULL;
  g_autoptr(HfImportResult) r4 = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  sqlite3_stmt *stmt = NULL;

  /* The same name makes the same source: version 2 then version 1 from "cond.json". */
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  other = g_build_filename (dir, "v1.json", NULL);
  hf_test_copy (v2, other);

  r1 = import_ok (f, v1, NULL);
  g_assert_cmpuint (r1->added, ==, 1);
  r2 = import_ok (f, other, NULL);     /* version 2 from the source "v1.json": newer */
  g_assert_cmpuint (r2->updated, ==, 1);
  r3 = import_ok (f, v1, NULL);        /* version 1 again: known history */
  g_assert_cmpuint (r3->unchanged, ==, 1);
  g_assert_cmpuint (total_records (f), ==, 1);
  rows = hf_record_store_query (f->vault, NULL, NULL, 10, NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (rows, 0))->title, ==,
                   "Asthma — resolved");

  /* From another source: kept beside it, and linked to it. */
  r4 = import_ok (f, v2, NULL);
  g_assert_cmpuint (r4->added, ==, 1);
  g_assert_cmpuint (total_records (f), ==, 2);
  sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                      "SELECT count(*) FROM resource WHERE source_key = 'v2.json' "
                      "AND linked_to IS NOT NULL", -1, &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
}

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
  g_autoptr(HfImportResult) result = import_ok (f, path, NULL);
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
  guint seen = 0;

  for (int i = 0; i < 60; i++)
    g_string_append_printf (ndjson, "{\"resourceType\":\"Observation\",\"id\":\"o%d\","
                            "\"code\":{\"text\":\"Weight\"},\"effectiveDateTime\":"
                            "\"2001-01-%02d\"}\n", i, 1 + i % 28);
  g_string_append (ndjson, "{\"resourceType\":\"Patient\",\"id\":\"p\"}\n");
  path = hf_test_write_file (&f->td, "obs.ndjson", ndjson->str);
  result = import_ok (f, path, NULL);
  g_assert_cmpuint (result->added, ==, 61);

  all = hf_record_store_query (f->vault, NULL, NULL, 1000, NULL);
  g_assert_cmpuint (all->len, ==, 61);
  /* The undated Patient comes last. */
  g_assert_cmpstr (((HfRecordRow *) g_ptr_array_index (all, 60))->resource_type, ==, "Patient");

  for (;;)
    {
      g_autoptr(GPtrArray) page = hf_record_store_query (f->vault, NULL,
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

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
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
#undef ADD

  return g_test_run ();
}
