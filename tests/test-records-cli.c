/* test-records-cli.c — records through healthfolio-cli as scripts use it: real data counted
 * exactly, bad input refused with exit code 3 and one sentence, search, show, the demo vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected counts are computed here with a plain json-glib walk over the files, independently
 * of the importer, and compared with what `stats --json` reports.
 */

#define _GNU_SOURCE   /* memmem */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hf-test-util.h"

#define PASS "records: a long test passphrase 42"

typedef struct
{
  HfTestDir  td;
  char      *pass_file;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  hf_test_dir_setup (&f->td, data);
  f->pass_file = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  g_assert_cmpint (hf_test_cli (&out, &err, "--vault", f->td.vault, "--passphrase-file",
                                f->pass_file, "vault", "create", NULL), ==, 0);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_free (f->pass_file);
  hf_test_dir_teardown (&f->td, data);
}

/* Runs a command on the fixture's vault; returns the exit status. */
static int
run (Fixture     *f,
     char       **out,
     char       **err,
     const char  *first,
     ...) G_GNUC_NULL_TERMINATED;

static int
run (Fixture     *f,
     char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, (gpointer) "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* `stats --json`, as an object. */
static JsonObject *
stats (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (f, &out, &err, "--json", "stats", NULL), ==, 0);
  return parse_object (out);
}

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

/* {{{ the files of tests/data */

static void
assert_counts (JsonObject *stats_object,
               GHashTable *expected)
{
  JsonObject *by_type = json_object_get_object_member (stats_object, "by_type");
  GHashTableIter iter;
  gpointer key, value;
  gint64 sum = 0;

  g_assert_cmpuint (json_object_get_size (by_type), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_test_message ("%s: %u expected", (char *) key, GPOINTER_TO_UINT (value));
      g_assert_true (json_object_has_member (by_type, key));
      g_assert_cmpint (json_object_get_int_member (by_type, key), ==, GPOINTER_TO_UINT (value));
      sum += GPOINTER_TO_UINT (value);
    }
  g_assert_cmpint (json_object_get_int_member (stats_object, "total"), ==, sum);
}

/* }}} */
/* {{{ real data */

/* Each person's files in a vault of their own (a vault holds one person's record): the
 * Synthea patients, the SMART Health Cards of John B. Anyperson (00 to 02) and of Johnny
 * Revoked (03), and the Bulk export's records about nobody (its people: test-person). */
static const char *const fixture_groups[][5] = {
  { "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json" },
  { "synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json" },
  { "synthea/Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-184f6a900ee3.json" },
  { "shc/example-00-a-fhirBundle.json", "shc/example-01-a-fhirBundle.json",
    "shc/example-02-a-fhirBundle.json" },
  { "shc/example-03-a-fhirBundle.json" },
  { "bulk-ndjson/Location.000.ndjson", "bulk-ndjson/Organization.000.ndjson",
    "bulk-ndjson/Practitioner.000.ndjson", "bulk-ndjson/PractitionerRole.000.ndjson" },
};

/* Runs `import` with FILES on the fixture's vault, as --json. */
static int
import_files (Fixture    *f,
              GPtrArray  *files,
              char      **out)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, (gpointer) "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, (gpointer) "import");
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (args, g_ptr_array_index (files, i));
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, NULL, (const char * const *) args->pdata);
}

static void
test_fixtures (Fixture       *f,
               gconstpointer  data)
{
  for (guint k = 0; k < G_N_ELEMENTS (fixture_groups); k++)
    {
      g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *out = NULL;
      g_autoptr(JsonObject) result = NULL;
      g_autoptr(JsonObject) now = NULL;

      if (k > 0)
        {
          g_autofree char *created = NULL;
          g_unlink (f->td.vault);
          g_unlink (f->td.keys);
          g_assert_cmpint (run (f, &created, NULL, "vault", "create", NULL), ==, 0);
        }
      for (guint i = 0; i < G_N_ELEMENTS (fixture_groups[k]) && fixture_groups[k][i]; i++)
        {
          g_ptr_array_add (paths, data_path (fixture_groups[k][i]));
          hf_test_count_file (expected, g_ptr_array_index (paths, i));
        }

      /* All of the person's files at once: the counts must match. */
      g_assert_cmpint (import_files (f, paths, &out), ==, 0);
      result = parse_object (out);
      g_assert_cmpint (json_object_get_int_member (result, "files"), ==, paths->len);
      g_assert_cmpint (json_object_get_int_member (result, "updated"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (result, "unchanged"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (result, "left_out"), ==, 0);
      now = stats (f);
      assert_counts (now, expected);
      g_assert_cmpint (json_object_get_int_member (now, "imports"), ==, paths->len);

      /* Everything again, file by file this time: nothing changes, no new import is
       * recorded. */
      for (guint i = 0; i < paths->len; i++)
        {
          g_autoptr(GPtrArray) one = g_ptr_array_new ();
          g_autofree char *again = NULL;
          g_autoptr(JsonObject) r = NULL;

          g_ptr_array_add (one, g_ptr_array_index (paths, i));
          g_assert_cmpint (import_files (f, one, &again), ==, 0);
          r = parse_object (again);
          g_assert_cmpint (json_object_get_int_member (r, "added"), ==, 0);
          g_assert_cmpint (json_object_get_int_member (r, "updated"), ==, 0);
        }
      {
        g_autoptr(JsonObject) after = stats (f);
        assert_counts (after, expected);
        g_assert_cmpint (json_object_get_int_member (after, "imports"), ==, paths->len);
      }
    }
}

static void
test_search_accents (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *carla = data_path ("synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-"
                                      "bb58458fd674.json");
  static const char * const queries[] = { "echevarria", "ECHEVARRÍA", "Echevarría", "echev" };

  g_assert_cmpint (run (f, NULL, NULL, "import", carla, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(JsonNode) node = NULL;
      JsonArray *rows;
      gboolean found = FALSE;

      g_assert_cmpint (run (f, &out, &err, "--json", "search", queries[i], NULL), ==, 0);
      node = json_from_string (out, NULL);
      rows = json_node_get_array (node);
      for (guint k = 0; k < json_array_get_length (rows); k++)
        {
          JsonObject *row = json_array_get_object_element (rows, k);
          found |= g_str_equal (json_object_get_string_member (row, "type"), "Patient") &&
                   g_str_equal (json_object_get_string_member (row, "title"), "Carla Echevarría");
        }
      g_assert_true (found);
    }
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return FALSE;
  return memmem (text, length, needle, strlen (needle)) != NULL;
}

/* A distinctive word in a record is found by search, and is in no file of the vault's folder. */
static void
test_canary (Fixture       *f,
             gconstpointer  data)
{
  const char *canary = "Quokkacanary5519";
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Condition\",\"id\":\"c1\","
                                           "\"code\":{\"text\":\"Knee pain\"},\"note\":[{\"text\":"
                                           "\"said %s when asked\"}]}", canary);
  g_autofree char *path = hf_test_write_file (&f->td, "canary.json", json);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_cmpint (run (f, NULL, NULL, "import", path, NULL), ==, 0);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (run (f, &out, &err, "search", "quokkacanary5519", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Knee pain"));

  dir = g_dir_open (f->td.dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (f->td.dir, name, NULL);
      if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
        g_assert_false (file_contains (file, canary));
    }
}

static void
test_show (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = hf_test_write_file (&f->td, "a1c.json",
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"fullUrl\":\"urn:uuid:7d3c2a9e-0000-4000-8000-000000000001\",\"resource\":{"
    "\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"given\":[\"Ines\"],"
    "\"family\":\"Okafor\"}]}},"
    "{\"resource\":{\"resourceType\":\"Organization\",\"id\":\"lab\",\"name\":\"Northside Lab\"}},"
    "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
    "\"display\":\"Hemoglobin A1c\"}]},"
    "\"subject\":{\"reference\":\"urn:uuid:7d3c2a9e-0000-4000-8000-000000000001\"},"
    "\"performer\":[{\"reference\":\"Organization/lab\"}],"
    "\"valueQuantity\":{\"value\":6.3,\"unit\":\"%\"},"
    "\"referenceRange\":[{\"low\":{\"value\":4,\"unit\":\"%\"},\"high\":{\"value\":5.6,"
    "\"unit\":\"%\"}}],\"effectiveDateTime\":\"2019-03-02T08:30:00Z\"}}]}");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *raw = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonObject) resource = NULL;
  g_autofree char *id = NULL;

  g_assert_cmpint (run (f, NULL, NULL, "import", path, NULL), ==, 0);
  g_assert_cmpint (run (f, &out, &err, "--json", "list", "--type", "Observation", NULL), ==, 0);
  list = json_from_string (out, NULL);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (
                          json_array_get_object_element (json_node_get_array (list), 0), "id"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (f, &out, &err, "show", id, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_true (g_str_has_prefix (out, "Hemoglobin A1c 6.3 % — high\n"));
  g_assert_nonnull (strstr (out, "What:"));
  g_assert_nonnull (strstr (out, "Hemoglobin A1c (LOINC 4548-4)"));
  g_assert_nonnull (strstr (out, "Normal range:  4–5.6 %"));
  g_assert_nonnull (strstr (out, "2019-03-02 08:30"));
  g_assert_nonnull (strstr (out, "Patient:       Ines Okafor"));
  g_assert_nonnull (strstr (out, "Performed by:  Northside Lab"));
  g_clear_pointer (&err, g_free);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, &raw, &err, "show", "--raw", id, NULL), ==, 0);
  resource = parse_object (raw);
  g_assert_cmpstr (json_object_get_string_member (resource, "resourceType"), ==, "Observation");
  /* The Bundle's urn reference is stored as Type/id. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (resource,
                                                                                 "subject"),
                                                  "reference"), ==, "Patient/p1");
}

/* Opening a record labelled sensitive is logged with who looked, and only such a record. */
static void
test_sensitive_view (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = hf_test_write_file (&f->td, "labelled.ndjson",
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"meta\":{\"security\":[{\"system\":"
    "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"PSY\"}]},"
    "\"code\":{\"text\":\"Depressive episode\"},\"recordedDate\":\"2022-01-05\"}\n"
    "{\"resourceType\":\"Condition\",\"id\":\"c2\",\"code\":{\"text\":\"Sprained ankle\"},"
    "\"recordedDate\":\"2022-02-05\"}\n");
  g_autofree char *out = NULL;
  g_autofree char *log = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonArray *rows;
  gint64 labelled = 0, plain = 0;
  g_autofree char *labelled_id = NULL;
  g_autofree char *plain_id = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpint (run (f, NULL, NULL, "import", path, NULL), ==, 0);
  g_assert_cmpint (run (f, &out, NULL, "--json", "list", "--type", "Condition", NULL), ==, 0);
  list = json_from_string (out, NULL);
  rows = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *o = json_array_get_object_element (rows, i);
      if (strstr (json_object_get_string_member (o, "title"), "Depressive") != NULL)
        labelled = json_object_get_int_member (o, "id");
      else
        plain = json_object_get_int_member (o, "id");
    }
  g_assert_cmpint (labelled, >, 0);
  g_assert_cmpint (plain, >, 0);
  labelled_id = g_strdup_printf ("%" G_GINT64_FORMAT, labelled);
  plain_id = g_strdup_printf ("%" G_GINT64_FORMAT, plain);

  g_assert_cmpint (run (f, NULL, NULL, "show", plain_id, NULL), ==, 0);
  g_assert_cmpint (run (f, &log, NULL, "audit", "list", NULL), ==, 0);
  g_assert_null (strstr (log, "record-viewed"));
  g_clear_pointer (&log, g_free);

  g_assert_cmpint (run (f, NULL, NULL, "show", "--raw", labelled_id, NULL), ==, 0);
  g_assert_cmpint (run (f, &log, NULL, "audit", "list", NULL), ==, 0);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "record-viewed"));
  expected = g_strdup_printf ("record %s (Condition, labelled PSY)", labelled_id);
  g_assert_nonnull (strstr (log, expected));
  /* The log names the record, never its content. */
  g_assert_null (strstr (log, "Depressive"));
  g_clear_pointer (&log, g_free);
  g_assert_cmpint (run (f, &log, NULL, "audit", "verify", NULL), ==, 0);
}

/* }}} */
/* {{{ bad input */

/* A refused import: exit code 3, one sentence on one line naming the file, WHERE and WHAT,
 * and the vault exactly as it was: same counts, same number of recorded imports. */
static void
assert_refused (Fixture    *f,
                const char *path,
                const char *where,
                const char *what)
{
  g_autofree char *good = hf_test_write_file (&f->td, "good.json",
                                              "{\"resourceType\":\"Patient\",\"id\":\"new\"}");
  g_autoptr(JsonObject) before = stats (f);
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) before_node = json_node_init_object (json_node_alloc (), before);
  g_autoptr(JsonNode) after_node = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *named = g_strdup_printf ("Cannot import “%s”", path);
  const char *nl;

  g_assert_cmpint (run (f, &out, &err, "import", good, path, NULL), ==, 3);
  g_test_message ("%s: %s", base, err);
  g_assert_cmpstr (out, ==, "");
  nl = strchr (err, '\n');
  g_assert_nonnull (nl);
  g_assert_cmpstr (nl, ==, "\n");                      /* one line */
  g_assert_true (g_str_has_prefix (err, "healthfolio-cli: "));
  g_assert_nonnull (strstr (err, named));              /* the file */
  g_assert_nonnull (strstr (err, where));              /* where in it */
  g_assert_nonnull (strstr (err, what));               /* what is wrong */
  g_assert_true (g_str_has_suffix (err, "; nothing was imported.\n"));
  /* One sentence: no full stop before the end. */
  g_assert_null (strstr (err, ". "));

  after = stats (f);
  after_node = json_node_init_object (json_node_alloc (), after);
  json_generator_set_root (gen, before_node);
  before_text = json_generator_to_data (gen, NULL);
  json_generator_set_root (gen, after_node);
  after_text = json_generator_to_data (gen, NULL);
  g_assert_cmpstr (after_text, ==, before_text);
}

static void
seed (Fixture *f)
{
  g_autofree char *path = hf_test_write_file (&f->td, "seed.json",
                                              "{\"resourceType\":\"Patient\",\"id\":\"seed\"}");

  g_assert_cmpint (run (f, NULL, NULL, "import", path, NULL), ==, 0);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  static const struct { const char *name; const char *contents; const char *where;
                        const char *what; } cases[] = {
    { "not-json.json", "this is not JSON\n", "line 1, column 1", "not valid JSON" },
    { "truncated.json", "{\n  \"resourceType\": \"Patient\",\n  \"name\": [\n", "line 4",
      "it ends too early" },
    { "not-fhir.json", "{\"hello\": \"world\"}", "line 1 is JSON",
      "not a FHIR resource (it has no resourceType)" },
    { "array.json", "[{\"resourceType\": \"Patient\"}]", "line 1", "not an object" },
    { "not-fhir-doc.json", "{\n  \"resourceType\": 7\n}\n", "the file",
      "not a FHIR resource (it has no resourceType)" },
    { "misspelt.json", "{\"resourceType\": \"Patinet\", \"id\": \"x\"}", "line 1",
      "the resourceType “Patinet”, which is not a FHIR R4 resource type" },
    { "misspelt-entry.json", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
      "{\"resource\":{\"resourceType\":\"Patient\"}},{\"resource\":{\"resourceType\":"
      "\"Observaton\"}}]}", "Bundle.entry[1]", "“Observaton”, which is not a FHIR R4" },
    { "no-resource.json", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
      "{\"resource\":{\"resourceType\":\"Patient\"}},{\"fullUrl\":\"urn:uuid:1\","
      "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}", "Bundle.entry[1]",
      "has no resource" },
    { "utf8.json", "{\"resourceType\": \"Patient\", \"id\": \"a\xc3\x28\"}", "line 1, column 37",
      "not valid UTF-8" },
    { "dup.json", "{\"resourceType\": \"Patient\",\n \"id\": \"a\",\n \"id\": \"b\"}",
      "line 3, column 2", "the key “id” appears twice in one object" },
    { "bad-line.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"2\"}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"3\",}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"4\"}\n", "line 3, column", "not valid JSON" },
    { "bad-type-line.ndjson", "{\"resourceType\":\"Patient\",\"id\":\"1\"}\n"
      "{\"resourceType\":\"Patinet\",\"id\":\"2\"}\n"
      "{\"resourceType\":\"Patient\",\"id\":\"3\"}\n", "line 2",
      "the resourceType “Patinet”" },
  };

  seed (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = hf_test_write_file (&f->td, cases[i].name, cases[i].contents);
      assert_refused (f, path, cases[i].where, cases[i].what);
    }
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
  g_string_append (s, "}\n");
  path = hf_test_write_file (&f->td, "deep.json", s->str);
  seed (f);
  assert_refused (f, path, "line 1, column", "nests deeper than");
}

/* 200 MB in one string, written at test time and removed with the folder. */
static void
test_huge_string (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->td.dir, "huge.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, 0, NULL, &error);
  g_autofree char *chunk = g_malloc (1 << 20);
  const char *head = "{\"resourceType\":\"Observation\",\"valueString\":\"";

  g_assert_no_error (error);
  memset (chunk, 'y', 1 << 20);
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), head, strlen (head), NULL,
                                            NULL, &error));
  for (int i = 0; i < 200; i++)
    g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), chunk, 1 << 20, NULL, NULL,
                                              &error));
  g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (out), "\"}\n", 3, NULL, NULL,
                                            &error));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
  g_assert_no_error (error);
  seed (f);
  assert_refused (f, path, "line 1, column", "a text value is longer than the limit");
}

/* }}} */
/* {{{ the demo vault */

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  const char *demo_data = g_getenv ("HEALTHFOLIO_DEMO_DATA");
  g_autofree char *demo = g_build_filename (f->td.dir, "Demo.hfvault", NULL);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonObject) counts = NULL;
  g_autoptr(JsonNode) found = NULL;
  g_autoptr(JsonNode) labs = NULL;
  gboolean patient = FALSE, a1c = FALSE;
  JsonArray *rows;
  Fixture d = *f;

  g_assert_nonnull (demo_data);
  hf_test_count_file (expected, demo_data);
  d.td.vault = demo;

  g_assert_cmpint (run (&d, &out, &err, "--json", "vault", "create", "--demo", NULL), ==, 0);
  created = parse_object (out);
  g_assert_cmpint (json_object_get_int_member (created, "demo_records"), >, 100);

  /* It opens with the passphrase given, holds exactly what the demo file holds, and is whole. */
  counts = stats (&d);
  assert_counts (counts, expected);
  g_assert_cmpint (json_object_get_int_member (counts, "total"), ==,
                   json_object_get_int_member (created, "demo_records"));
  g_assert_cmpint (json_object_get_int_member (counts, "imports"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&d, &out, &err, "vault", "check", NULL), ==, 0);

  /* What a trend chart and the timeline need: the patient, repeated HbA1c with ranges. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&d, &out, &err, "--json", "search", "holloway", NULL), ==, 0);
  found = json_from_string (out, NULL);
  rows = json_node_get_array (found);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    patient |= g_str_equal (json_object_get_string_member (json_array_get_object_element (rows,
                                                                                          i),
                                                           "type"), "Patient");
  g_assert_true (patient);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&d, &out, &err, "--json", "list", "--category", "lab-results",
                        "--limit", "500", NULL), ==, 0);
  labs = json_from_string (out, NULL);
  rows = json_node_get_array (labs);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      if (g_str_has_prefix (json_object_get_string_member (row, "title"),
                            "Hemoglobin A1c 6.2 % — high"))
        {
          a1c = TRUE;
          g_assert_cmpstr (json_object_get_string_member (row, "subtitle"), ==,
                           "Normal range 4–5.6 % · Riverside Laboratory");
        }
    }
  g_assert_true (a1c);

  /* Not over an existing vault. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&d, &out, &err, "vault", "create", "--demo", NULL), !=, 0);
  g_assert_nonnull (strstr (err, "already exists"));
}

/* Without the demo record, nothing is created. */
static void
test_demo_missing (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *saved = g_strdup (g_getenv ("HEALTHFOLIO_DEMO_DATA"));
  g_autofree char *missing = g_build_filename (f->td.dir, "nowhere.json", NULL);
  g_autofree char *demo = g_build_filename (f->td.dir, "Demo.hfvault", NULL);
  g_autofree char *keys = g_build_filename (f->td.dir, "Demo.hfkeys", NULL);
  g_autofree char *err = NULL;
  Fixture d = *f;

  d.td.vault = demo;
  g_setenv ("HEALTHFOLIO_DEMO_DATA", missing, TRUE);
  g_assert_cmpint (run (&d, NULL, &err, "vault", "create", "--demo", NULL), !=, 0);
  g_setenv ("HEALTHFOLIO_DEMO_DATA", saved, TRUE);
  g_assert_nonnull (strstr (err, "HEALTHFOLIO_DEMO_DATA"));
  g_assert_false (g_file_test (demo, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (keys, G_FILE_TEST_EXISTS));
}

/* }}} */

/* {{{ terminal escapes */

/* What a terminal could act on: C0 controls but the newline, DEL, and C1 controls in UTF-8. */
static void
assert_terminal_safe (const char *what,
                      const char *text)
{
  const guint8 *p = (const guint8 *) text;

  g_assert_nonnull (text);
  for (gsize i = 0; p[i] != '\0'; i++)
    if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f ||
        (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
      g_error ("%s printed control byte 0x%02x at %" G_GSIZE_FORMAT ":\n%s", what, p[i], i,
               text);
}

/* Runs a command with its standard output on a pseudo-terminal; returns what it printed. */
static char *
run_on_tty (Fixture    *f,
            const char *first,
            ...) G_GNUC_NULL_TERMINATED;

static char *
run_on_tty (Fixture    *f,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);
  struct termios t;
  char buf[4096];
  ssize_t n;
  int master, slave;
  va_list ap;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);
  /* No "\n" to "\r\n": what arrives is what the program wrote. */
  g_assert_cmpint (tcgetattr (slave, &t), ==, 0);
  t.c_oflag &= ~OPOST;
  g_assert_cmpint (tcsetattr (slave, TCSANOW, &t), ==, 0);

  g_ptr_array_add (args, (gpointer) hf_test_cli_path ());
  g_ptr_array_add (args, (gpointer) "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, (gpointer) "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_stdout_fd (launcher, slave);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copy of the terminal's end */

  /* Linux answers EIO once the program has closed the terminal. */
  while ((n = read (master, buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (master);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  return g_string_free (out, FALSE);
}

/* Record text and error messages quote files and servers: what reaches a terminal holds no
 * control sequence, in list, search, show, the activity log and errors. */
static void
test_terminal_escapes (Fixture       *f,
                       gconstpointer  data)
{
  /* A condition whose text sets the window title, clears the screen, colours and hides
   * text, with a C1 CSI both escaped and raw, DEL, and a CR LF. */
  const char *line =
    "{\"resourceType\":\"Condition\",\"id\":\"esc\",\"code\":{\"text\":\"Flu\\u001b]0;owned"
    "\\u0007\\u001b[2J\\u001b[31m red\\u009b1m\\u007f\\r\\nsecond line\",\"coding\":[{"
    "\"system\":\"http://snomed.info/sct\",\"code\":\"6142004\",\"display\":\"raw \xc2\x9b"
    "2J csi\"}]},\"note\":[{\"text\":\"a note\\u001b[8m hidden\"}],"
    "\"recordedDate\":\"2022-01-05\"}";
  g_autofree char *ndjson = g_strconcat (line, "\n", NULL);
  g_autofree char *path = hf_test_write_file (&f->td, "escapes.ndjson", ndjson);
  g_autofree char *bad = hf_test_write_file (&f->td, "bad\x1b[31mname\x9b.json", "not JSON");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expected_raw = NULL;
  g_autoptr(JsonNode) list = NULL;

  g_assert_cmpint (run (f, NULL, NULL, "import", path, NULL), ==, 0);
  g_assert_cmpint (run (f, &out, NULL, "--json", "list", NULL), ==, 0);
  list = json_from_string (out, NULL);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (
                          json_array_get_object_element (json_node_get_array (list), 0), "id"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (f, &out, NULL, "list", NULL), ==, 0);
  g_test_message ("list: %s", out);
  assert_terminal_safe ("list", out);
  g_assert_nonnull (strstr (out, "Flu"));
  g_assert_nonnull (strstr (out, " red"));
  g_assert_cmpuint (strchr (out, '\n') - out, ==, strlen (out) - 1);   /* one line */
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (f, &out, NULL, "search", "flu", NULL), ==, 0);
  assert_terminal_safe ("search", out);
  g_assert_nonnull (strstr (out, "Flu"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  g_test_message ("show: %s", out);
  assert_terminal_safe ("show", out);
  g_assert_nonnull (strstr (out, "second line"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (f, &out, NULL, "audit", "list", NULL), ==, 0);
  assert_terminal_safe ("audit list", out);
  g_clear_pointer (&out, g_free);

  /* Errors that quote what was given. */
  g_assert_cmpint (run (f, &out, &err, "import", bad, NULL), ==, 3);
  g_test_message ("import: %s", err);
  assert_terminal_safe ("an import error", err);
  g_assert_nonnull (strstr (err, "name"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, &out, &err, "list", "--type", "\x1b]0;owned\x07Obs", NULL), ==, 1);
  assert_terminal_safe ("a usage error", err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, &out, &err, "\x1b[2Jexplode", NULL), ==, 1);
  assert_terminal_safe ("an unknown command", err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --raw into a pipe or a file: the stored bytes, raw C1 and all. */
  expected_raw = g_strconcat (line, "\n", NULL);
  g_assert_cmpint (run (f, &out, NULL, "show", "--raw", id, NULL), ==, 0);
  g_assert_cmpstr (out, ==, expected_raw);
  g_clear_pointer (&out, g_free);

  /* --raw on a terminal: the same JSON, with what the terminal would act on escaped. */
  out = run_on_tty (f, "show", "--raw", id, NULL);
  g_test_message ("show --raw on a terminal: %s", out);
  assert_terminal_safe ("show --raw on a terminal", out);
  g_assert_nonnull (strstr (out, "raw \\u009b2J csi"));
  {
    g_autoptr(JsonNode) shown = json_from_string (out, NULL);
    g_autoptr(JsonNode) stored = json_from_string (line, NULL);

    g_assert_nonnull (shown);
    g_assert_true (json_node_equal (shown, stored));
  }
  g_clear_pointer (&out, g_free);

  /* Human-readable output on a terminal is the same as into a pipe. */
  out = run_on_tty (f, "show", id, NULL);
  assert_terminal_safe ("show on a terminal", out);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/hf/records-cli/fixtures", test_fixtures);
  ADD ("/hf/records-cli/search-accents", test_search_accents);
  ADD ("/hf/records-cli/canary", test_canary);
  ADD ("/hf/records-cli/show", test_show);
  ADD ("/hf/records-cli/sensitive-view", test_sensitive_view);
  ADD ("/hf/records-cli/bad-input", test_bad_input);
  ADD ("/hf/records-cli/deep-nesting", test_deep_nesting);
  ADD ("/hf/records-cli/huge-string", test_huge_string);
  ADD ("/hf/records-cli/demo", test_demo);
  ADD ("/hf/records-cli/demo-missing", test_demo_missing);
  ADD ("/hf/records-cli/terminal-escapes", test_terminal_escapes);
#undef ADD

  return g_test_run ();
}
