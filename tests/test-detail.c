/* test-detail.c — one record with what the vault knows around it: a panel's results, a visit's
 * records, documents as text or saved, every source, and HTML reduced to safe plain text
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expectations come from a plain json-glib walk over the fixtures (the R4 examples, Synthea),
 * independently of the importer and the summaries.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-error.h"
#include "hf-import.h"
#include "hf-record-related.h"
#include "hf-records.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS "detail: a long test passphrase 42"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
  char      *pass_file;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "owner", pass, &code, &error);
  g_assert_no_error (error);
  f->pass_file = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_free (f->pass_file);
  hf_test_dir_teardown (&f->td, data);
}

static char *
data_path (const char *folder,
           const char *name)
{
  return g_build_filename (g_getenv ("HF_TEST_DATA"), folder, name, NULL);
}

static void
import_paths (Fixture    *f,
              const char *first,
              ...) G_GNUC_NULL_TERMINATED;

static void
import_paths (Fixture    *f,
              const char *first,
              ...)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (paths, (gpointer) p);
  va_end (ap);
  g_ptr_array_add (paths, NULL);
  hf_vault_import_files (f->vault, (const char * const *) paths->pdata, NULL, NULL, NULL,
                         &result, &error);
  g_assert_no_error (error);
}

static void
import_example (Fixture    *f,
                const char *name)
{
  g_autofree char *path = data_path ("r4-examples", name);
  import_paths (f, path, NULL);
}

static JsonNode *
load_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The current record TYPE/FHIR_ID (the first, if several sources hold it). */
static HfRecordRow *
find_row (Fixture    *f,
          const char *type,
          const char *fhir_id)
{
  sqlite3 *db = _hf_vault_get_db (f->vault);
  sqlite3_stmt *stmt = NULL;
  HfRecordRow *row = NULL;
  gint64 id = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM resource WHERE resource_type = ? "
                                           "AND fhir_id = ? AND superseded_by IS NULL "
                                           "ORDER BY id LIMIT 1", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fhir_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (id, >, 0);
  g_assert_true (hf_record_store_get (f->vault, id, &row, NULL, NULL));
  return row;
}

static HfRecordRelated *
load_detail (Fixture           *f,
             const HfRecordRow *row)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  HfRecordRelated *detail;

  g_assert_true (hf_record_store_get (f->vault, row->id, NULL, &json, &error));
  g_assert_no_error (error);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  detail = hf_record_related_load (f->vault, row, json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_nonnull (detail);
  return detail;
}

/* Runs healthfolio-cli on the fixture's vault (locked first); returns the exit status. */
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

  if (!hf_vault_is_locked (f->vault))
    hf_vault_lock (f->vault);
  g_ptr_array_add (args, (gpointer) "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, (gpointer) "--member");
  g_ptr_array_add (args, (gpointer) "owner");
  g_ptr_array_add (args, (gpointer) "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

/* Whether OUT has a line that starts with START and holds PART. */
static gboolean
has_line (const char *out,
          const char *start,
          const char *part)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], start) && strstr (lines[i], part) != NULL)
      return TRUE;
  return FALSE;
}

static void
reopen (Fixture *f)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(GError) error = NULL;

  if (!hf_vault_is_locked (f->vault))
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  f->vault = hf_vault_open (f->td.vault, "owner", pass, &error);
  g_assert_no_error (error);
}

/* {{{ panels */

/* The Bundle's resources by "Type/id". */
static GHashTable *
bundle_resources (JsonNode *bundle)
{
  GHashTable *by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (bundle), "entry");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                     "resource");
      g_hash_table_insert (by_key, g_strdup_printf ("%s/%s",
                                                    json_object_get_string_member (r,
                                                                                   "resourceType"),
                                                    json_object_get_string_member (r, "id")), r);
    }
  return by_key;
}

static void
test_panel_results (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "diagnosticreport-example-lipids.json");
  g_autoptr(JsonNode) bundle = load_json (path);
  g_autoptr(GHashTable) by_key = bundle_resources (bundle);
  JsonObject *report = g_hash_table_lookup (by_key, "DiagnosticReport/lipids");
  JsonArray *refs = json_object_get_array_member (report, "result");
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;

  import_paths (f, path, NULL);
  row = find_row (f, "DiagnosticReport", "lipids");
  detail = load_detail (f, row);

  /* Every result, in the report's order, is the stored Observation with its value and unit. */
  g_assert_cmpuint (detail->results->len, ==, json_array_get_length (refs));
  g_assert_cmpuint (detail->results->len, ==, 4);
  for (guint i = 0; i < detail->results->len; i++)
    {
      HfRecordResult *res = g_ptr_array_index (detail->results, i);
      const char *ref = json_object_get_string_member (json_array_get_object_element (refs, i),
                                                       "reference");
      JsonObject *obs = g_hash_table_lookup (by_key, ref);
      JsonObject *q = json_object_get_object_member (obs, "valueQuantity");
      g_autofree char *number = g_strdup_printf ("%g", json_object_get_double_member (q, "value"));
      g_autoptr(HfRecordRow) stored = NULL;

      g_assert_cmpstr (res->reference, ==, ref);
      g_assert_cmpint (res->id, >, 0);
      g_assert_true (hf_record_store_get (f->vault, res->id, &stored, NULL, NULL));
      g_assert_cmpstr (stored->resource_type, ==, "Observation");
      g_assert_cmpstr (stored->fhir_id, ==, json_object_get_string_member (obs, "id"));
      g_assert_cmpstr (res->title, ==, stored->title);
      g_assert_nonnull (res->name);
      /* The name a patient knows the test by: the one the record's title starts with. */
      g_assert_true (g_str_has_prefix (stored->title, res->name));
      g_assert_nonnull (res->value);
      g_assert_true (g_str_has_prefix (res->value, number));
      g_assert_nonnull (strstr (res->value, json_object_get_string_member (q, "unit")));
    }
  g_assert_null (detail->conclusion);

  /* show lists them, each with the record to open. */
  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Results (4):"));
  for (guint i = 0; i < detail->results->len; i++)
    {
      HfRecordResult *res = g_ptr_array_index (detail->results, i);
      g_autofree char *line = g_strdup_printf ("record %" G_GINT64_FORMAT "\n", res->id);
      g_assert_nonnull (strstr (out, res->name));
      g_assert_nonnull (strstr (out, line));
    }
}

/* The blood count's five results: the one imported from another file is found with its flag
 * (interpretation code H), the four nobody imported are said to be missing. */
static void
test_panel_missing_and_flag (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *obs_path = data_path ("r4-examples", "observation-example-f001-glucose.json");
  g_autoptr(JsonNode) obs = load_json (obs_path);
  JsonObject *coding = json_array_get_object_element (json_object_get_array_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (obs),
                                                                 "interpretation"), 0),
    "coding"), 0);
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  guint missing = 0;

  import_example (f, "diagnosticreport-example-f001-bloodexam.json");
  import_paths (f, obs_path, NULL);
  row = find_row (f, "DiagnosticReport", "f001");
  detail = load_detail (f, row);
  g_assert_cmpuint (detail->results->len, ==, 5);
  for (guint i = 0; i < detail->results->len; i++)
    {
      HfRecordResult *res = g_ptr_array_index (detail->results, i);
      if (g_strcmp0 (res->reference, "Observation/f001") == 0)
        {
          g_assert_cmpint (res->id, >, 0);
          g_assert_nonnull (res->flag);
          g_assert_cmpint (g_ascii_strcasecmp (res->flag, json_object_get_string_member (coding,
                                                                                 "display")),
                           ==, 0);
        }
      else
        {
          g_assert_cmpint (res->id, ==, 0);
          g_assert_null (res->title);
          missing++;
        }
    }
  g_assert_cmpuint (missing, ==, 4);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Results (5, 4 not in this vault):"));
  g_assert_true (has_line (out, "  Observation/f002 ", "  not in this vault"));
}

/* A profile of three panels: each panel is followed by its members, with their values, and the
 * interpretation code H reads "high". */
static void
test_panel_members (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "diagnosticreport-example-ghp.json");
  g_autoptr(JsonNode) bundle = load_json (path);
  g_autoptr(GHashTable) by_key = bundle_resources (bundle);
  JsonArray *refs = json_object_get_array_member (g_hash_table_lookup (by_key,
                                                                       "DiagnosticReport/ghp"),
                                                  "result");
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  g_autofree char *header = NULL;
  guint k = 0, members = 0;
  gboolean saw_high = FALSE;

  import_paths (f, path, NULL);
  row = find_row (f, "DiagnosticReport", "ghp");
  detail = load_detail (f, row);
  for (guint i = 0; i < json_array_get_length (refs); i++)
    {
      const char *ref = json_object_get_string_member (json_array_get_object_element (refs, i),
                                                       "reference");
      JsonArray *has = json_object_get_array_member (g_hash_table_lookup (by_key, ref),
                                                     "hasMember");
      HfRecordResult *panel = g_ptr_array_index (detail->results, k++);

      g_assert_cmpstr (panel->reference, ==, ref);
      g_assert_cmpuint (panel->depth, ==, 0);
      g_assert_cmpint (panel->id, >, 0);
      for (guint m = 0; m < json_array_get_length (has); m++)
        {
          const char *member_ref = json_object_get_string_member (
            json_array_get_object_element (has, m), "reference");
          JsonObject *obs = g_hash_table_lookup (by_key, member_ref);
          HfRecordResult *member = g_ptr_array_index (detail->results, k++);
          g_autoptr(HfRecordRow) stored = NULL;

          g_assert_cmpstr (member->reference, ==, member_ref);
          g_assert_cmpuint (member->depth, ==, 1);
          g_assert_true (hf_record_store_get (f->vault, member->id, &stored, NULL, NULL));
          g_assert_cmpstr (stored->fhir_id, ==, json_object_get_string_member (obs, "id"));
          /* The number's digits are the observations' own business (test-observation). */
          if (json_object_has_member (obs, "valueQuantity"))
            g_assert_nonnull (member->value);
          if (g_str_equal (json_object_get_string_member (obs, "id"), "r3"))
            {
              g_assert_cmpstr (member->flag, ==, "high");
              saw_high = TRUE;
            }
          members++;
        }
    }
  g_assert_cmpuint (k, ==, detail->results->len);
  g_assert_cmpuint (members, ==, 48);
  g_assert_true (saw_high);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  header = g_strdup_printf ("Results (%u, with %u more in their panels):",
                            json_array_get_length (refs), members);
  g_assert_nonnull (strstr (out, header));
  g_assert_true (has_line (out, "    Hematocrit ", "high")   /* its short name */);
}

static void
test_panel_conclusion (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "diagnosticreport-example-f202-bloodculture.json");
  g_autoptr(JsonNode) bundle = load_json (path);
  g_autoptr(GHashTable) by_key = bundle_resources (bundle);
  JsonObject *report = g_hash_table_lookup (by_key, "DiagnosticReport/f202");
  JsonObject *coding = json_array_get_object_element (json_object_get_array_member (
    json_array_get_object_element (json_object_get_array_member (report, "conclusionCode"), 0),
    "coding"), 0);
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;

  import_paths (f, path, NULL);
  row = find_row (f, "DiagnosticReport", "f202");
  detail = load_detail (f, row);
  g_assert_cmpstr (detail->conclusion, ==, json_object_get_string_member (report, "conclusion"));
  g_assert_nonnull (detail->diagnoses);
  g_assert_nonnull (strstr (detail->diagnoses, json_object_get_string_member (coding,
                                                                               "display")));
  /* Its one result was not in the file: named by what the report calls it. */
  g_assert_cmpuint (detail->results->len, ==, 1);
  g_assert_cmpint (((HfRecordResult *) g_ptr_array_index (detail->results, 0))->id, ==, 0);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, json_object_get_string_member (report, "conclusion")));
  g_assert_nonnull (strstr (out, json_object_get_string_member (coding, "display")));
  g_assert_nonnull (strstr (out, "not in this vault"));
}

/* }}} */
/* {{{ visits */

static void
test_visit_records (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = data_path ("synthea",
                                     "Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json");
  g_autoptr(JsonNode) bundle = load_json (path);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (bundle), "entry");
  guint encounters = 0, with_records = 0;

  import_paths (f, path, NULL);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      JsonObject *enc = json_object_get_object_member (e, "resource");
      const char *full_url = json_object_get_string_member (e, "fullUrl");
      g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
      g_autoptr(HfRecordRow) row = NULL;
      g_autoptr(HfRecordRelated) detail = NULL;
      guint64 counted = 0;

      if (!g_str_equal (json_object_get_string_member (enc, "resourceType"), "Encounter"))
        continue;
      encounters++;
      /* What Synthea says was made at this visit: encounter.reference is its fullUrl. */
      for (guint k = 0; k < json_array_get_length (entries); k++)
        {
          JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries,
                                                                                        k),
                                                         "resource");
          JsonObject *ref = json_object_has_member (r, "encounter")
                            ? json_object_get_object_member (r, "encounter") : NULL;
          if (ref != NULL && g_strcmp0 (json_object_get_string_member (ref, "reference"),
                                        full_url) == 0)
            g_hash_table_add (expected, g_strdup_printf ("%s/%s",
                                                         json_object_get_string_member (
                                                           r, "resourceType"),
                                                         json_object_get_string_member (r, "id")));
        }
      row = find_row (f, "Encounter", json_object_get_string_member (enc, "id"));
      detail = load_detail (f, row);
      g_assert_cmpuint (detail->visit_total, ==, g_hash_table_size (expected));
      for (guint g = 0; g < detail->visit->len; g++)
        {
          HfRecordVisitGroup *grp = g_ptr_array_index (detail->visit, g);
          g_assert_cmpuint (grp->rows->len, >, 0);
          for (guint k = 0; k < grp->rows->len; k++)
            {
              HfRecordRow *r = g_ptr_array_index (grp->rows, k);
              g_autofree char *key = g_strdup_printf ("%s/%s", r->resource_type, r->fhir_id);
              g_assert_cmpstr (r->category, ==, grp->category);
              g_assert_true (g_hash_table_remove (expected, key));
              counted++;
            }
        }
      g_assert_cmpuint (counted, ==, detail->visit_total);
      g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
      with_records += detail->visit_total > 0;
    }
  g_assert_cmpuint (encounters, ==, 22);
  g_assert_cmpuint (with_records, >, 10);
}

/* Through show: the groups with their counts, and a record of each. */
static void
test_visit_show (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = data_path ("synthea",
                                     "Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json");
  g_autoptr(GPtrArray) rows = NULL;
  HfRecordFilter filter = { "Encounter", NULL, NULL, NULL };
  g_autoptr(HfRecordRelated) detail = NULL;
  HfRecordRow *busiest = NULL;
  guint64 most = 0;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  g_autofree char *line = NULL;

  import_paths (f, path, NULL);
  rows = hf_record_store_query (f->vault, &filter, NULL, 100, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(HfRecordRelated) d = load_detail (f, g_ptr_array_index (rows, i));
      if (d->visit_total > most)
        {
          most = d->visit_total;
          busiest = g_ptr_array_index (rows, i);
        }
    }
  g_assert_nonnull (busiest);
  detail = load_detail (f, busiest);
  g_assert_cmpuint (detail->visit->len, >, 1);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, busiest->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  line = g_strdup_printf ("Records made at this visit (%" G_GUINT64_FORMAT "):", most);
  g_assert_nonnull (strstr (out, line));
  for (guint g = 0; g < detail->visit->len; g++)
    {
      HfRecordVisitGroup *grp = g_ptr_array_index (detail->visit, g);
      HfRecordRow *first = g_ptr_array_index (grp->rows, 0);
      g_autofree char *count = g_strdup_printf ("(%u)\n", grp->rows->len);
      g_autofree char *record = g_strdup_printf ("%" G_GINT64_FORMAT "  ", first->id);
      g_assert_nonnull (strstr (out, count));
      g_assert_nonnull (strstr (out, record));
    }
}

/* }}} */
/* {{{ documents */

static char *
decoded_text (JsonObject *o)
{
  gsize n = 0;
  guchar *bytes = g_base64_decode (json_object_get_string_member (o, "data"), &n);
  char *text = g_strndup ((const char *) bytes, n);
  g_free (bytes);
  return text;
}

/* A DocumentReference whose text/plain file is a Binary in the same transaction. */
static void
test_document_plain (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "xds-example.json");
  g_autoptr(JsonNode) bundle = load_json (path);
  JsonArray *entries = json_object_get_array_member (json_node_get_object (bundle), "entry");
  JsonObject *doc = NULL, *binary = NULL;
  g_autoptr(HfRecordRow) doc_row = NULL;
  g_autoptr(HfRecordRow) bin_row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autoptr(HfRecordRelated) bin_detail = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  g_autofree char *line = NULL;
  HfRecordAttachment *a;

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                     "resource");
      const char *type = json_object_get_string_member (r, "resourceType");
      if (g_str_equal (type, "DocumentReference"))
        doc = r;
      else if (g_str_equal (type, "Binary"))
        binary = r;
    }
  g_assert_nonnull (doc);
  g_assert_nonnull (binary);
  expected = decoded_text (binary);
  g_assert_cmpuint (strlen (expected), >, 0);

  import_paths (f, path, NULL);
  {
    g_autoptr(GPtrArray) rows = NULL;
    HfRecordFilter filter = { "DocumentReference", NULL, NULL, NULL };
    rows = hf_record_store_query (f->vault, &filter, NULL, 10, NULL);
    g_assert_cmpuint (rows->len, ==, 1);
    doc_row = find_row (f, "DocumentReference",
                        ((HfRecordRow *) g_ptr_array_index (rows, 0))->fhir_id);
  }
  detail = load_detail (f, doc_row);
  g_assert_cmpuint (detail->attachments->len, ==, 1);
  a = g_ptr_array_index (detail->attachments, 0);
  g_assert_cmpstr (a->content_type, ==, "text/plain");
  g_assert_null (a->missing);
  g_assert_cmpstr (a->text, ==, expected);

  /* The Binary shows its own text too. */
  bin_row = find_row (f, "Binary", json_object_get_string_member (binary, "id"));
  bin_detail = load_detail (f, bin_row);
  g_assert_cmpuint (bin_detail->attachments->len, ==, 1);
  g_assert_cmpstr (((HfRecordAttachment *) g_ptr_array_index (bin_detail->attachments, 0))->text,
                   ==, expected);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, doc_row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  line = g_strdup_printf ("│ %s\n", expected);
  g_assert_nonnull (strstr (out, line));
}

/* An attachment on another server: not fetched, named; once a sync has stored it (the
 * attachment table), shown; while it waits, the sentence says how to fetch it. */
static void
test_document_fetched (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "documentreference-example.json");
  g_autoptr(JsonNode) doc = load_json (path);
  JsonObject *att = json_object_get_object_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (doc), "content"), 0), "attachment");
  const char *url = json_object_get_string_member (att, "url");
  const char *cda = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Physical</title>"
                    "</ClinicalDocument>";
  g_autoptr(HfRecordRow) row = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;

  import_paths (f, path, NULL);
  row = find_row (f, "DocumentReference", json_object_get_string_member (json_node_get_object (doc),
                                                                          "id"));
  {
    g_autoptr(HfRecordRelated) detail = load_detail (f, row);
    HfRecordAttachment *a = g_ptr_array_index (detail->attachments, 0);
    g_assert_null (a->bytes);
    g_assert_nonnull (strstr (a->missing, url));
    g_assert_nonnull (strstr (a->missing, "outside this vault"));
  }

  /* As sync leaves it: pending first. */
  db = _hf_vault_get_db (f->vault);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO attachment (source_key, resource_type, "
                                           "fhir_id, url, content_type, status) "
                                           "VALUES (?, ?, ?, ?, ?, 'pending')", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, row->source, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row->resource_type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, row->fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, json_object_get_string_member (att, "contentType"), -1,
                     SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  {
    g_autoptr(HfRecordRelated) detail = load_detail (f, row);
    HfRecordAttachment *a = g_ptr_array_index (detail->attachments, 0);
    g_assert_null (a->bytes);
    g_assert_nonnull (strstr (a->missing, "source sync"));
  }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE attachment SET status = 'stored', data = ?, "
                                           "size = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, cda, strlen (cda), SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, strlen (cda));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  {
    g_autoptr(HfRecordRelated) detail = load_detail (f, row);
    HfRecordAttachment *a = g_ptr_array_index (detail->attachments, 0);
    g_assert_nonnull (a->bytes);
    g_assert_cmpmem (g_bytes_get_data (a->bytes, NULL), g_bytes_get_size (a->bytes), cda,
                     strlen (cda));
    /* XML is not text for a reader: offered to save, not shown. */
    g_assert_null (a->text);
    g_assert_null (a->missing);
  }
}

/* The lipid report's narrative (XHTML with a <pre> table and entities), as a text/html
 * document: the words kept, the table's columns kept, the markup gone. */
static void
test_document_html (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "diagnosticreport-example-lipids.json");
  g_autoptr(JsonNode) bundle = load_json (path);
  g_autoptr(GHashTable) by_key = bundle_resources (bundle);
  JsonObject *report = g_hash_table_lookup (by_key, "DiagnosticReport/lipids");
  const char *div = json_object_get_string_member (json_object_get_object_member (report, "text"),
                                                   "div");
  g_autofree char *text = hf_record_html_to_text (div, strlen (div));
  g_autofree char *b64 = g_base64_encode ((const guchar *) div, strlen (div));
  g_autofree char *doc = NULL;
  g_autofree char *doc_path = NULL;
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  HfRecordAttachment *a;

  g_assert_true (g_str_has_prefix (text, "Lipid Report for Wile. E. COYOTE (MRN: 23453) issued "
                                         "3-Mar 2009 14:26\n\n"));
  /* <pre> keeps its spacing, &lt; and &gt; are the characters. */
  g_assert_nonnull (strstr (text, "\nCholesterol           mmol/L      6.3         <4.5\n"));
  g_assert_nonnull (strstr (text, "\nHDL Cholesterol       mmol/L      1.3         >1.5\n"));
  g_assert_true (g_str_has_suffix (text, "\n\nAcme Laboratory, Inc signed: Dr Pete Pathologist"));
  g_assert_null (strchr (text, '&'));
  g_assert_null (strstr (text, "<div"));
  g_assert_null (strstr (text, "\n\n\n"));

  doc = g_strdup_printf ("{\"resourceType\":\"DocumentReference\",\"id\":\"narrative\","
                         "\"status\":\"current\",\"content\":[{\"attachment\":{\"contentType\":"
                         "\"text/html; charset=utf-8\",\"title\":\"Lipid report\","
                         "\"data\":\"%s\"}}]}", b64);
  doc_path = hf_test_write_file (&f->td, "narrative.json", doc);
  import_paths (f, doc_path, NULL);
  row = find_row (f, "DocumentReference", "narrative");
  detail = load_detail (f, row);
  a = g_ptr_array_index (detail->attachments, 0);
  g_assert_cmpstr (a->text, ==, text);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Document 1 “Lipid report” (text/html; charset=utf-8):\n"));
  g_assert_nonnull (strstr (out, "│ Cholesterol           mmol/L      6.3         <4.5\n"));
  g_assert_null (strstr (out, "<h3>"));
}

/* The words of TEXT, one space between them, list bullets and cell bars left out. */
static char *
words_of (const char *text)
{
  g_auto(GStrv) tokens = g_strsplit_set (text, " \t\n\r", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0' && !g_str_equal (tokens[i], "•") && !g_str_equal (tokens[i], "|"))
      g_string_append_printf (out, "%s%s", out->len ? " " : "", tokens[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The markup of HTML without its tags, a block's tags a space: a reader's words, naively. */
static char *
naive_text (const char *html)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean in_tag = FALSE;

  gboolean block = FALSE;

  for (const char *p = html; *p != '\0'; p++)
    {
      if (*p == '<')
        {
          const char *name = p[1] == '/' ? p + 2 : p + 1;
          in_tag = TRUE;
          block = g_str_has_prefix (name, "div") || g_str_has_prefix (name, "li") ||
                  g_str_has_prefix (name, "p") || g_str_has_prefix (name, "br") ||
                  g_str_has_prefix (name, "t") || g_str_has_prefix (name, "ul");
        }
      else if (*p == '>' && in_tag)
        {
          in_tag = FALSE;
          if (block)
            g_string_append_c (out, ' ');
        }
      else if (!in_tag)
        g_string_append_c (out, *p);
    }
  return words_of (out->str);
}

/* An IPS Composition: each section with its title, its narrative's words in order. */
static void
test_document_sections (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = data_path ("ips", "bundle-minimal.json");
  g_autoptr(JsonNode) bundle = load_json (path);
  JsonObject *composition = json_object_get_object_member (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (bundle), "entry"), 0), "resource");
  JsonArray *sections = json_object_get_array_member (composition, "section");
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;

  g_assert_cmpstr (json_object_get_string_member (composition, "resourceType"), ==,
                   "Composition");
  import_paths (f, path, NULL);
  row = find_row (f, "Composition", json_object_get_string_member (composition, "id"));
  detail = load_detail (f, row);
  g_assert_cmpuint (detail->sections->len, ==, json_array_get_length (sections));
  g_assert_cmpuint (detail->sections->len, ==, 3);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  for (guint i = 0; i < detail->sections->len; i++)
    {
      JsonObject *sec = json_array_get_object_element (sections, i);
      HfFhirField *field = g_ptr_array_index (detail->sections, i);
      const char *div = json_object_get_string_member (json_object_get_object_member (sec, "text"),
                                                       "div");
      g_autofree char *expected = naive_text (div);
      g_autofree char *got = words_of (field->value);
      g_autofree char *heading = g_strdup_printf ("Section “%s”:\n",
                                                  json_object_get_string_member (sec, "title"));

      g_assert_cmpstr (field->label, ==, json_object_get_string_member (sec, "title"));
      g_assert_cmpstr (got, ==, expected);
      g_assert_null (strchr (field->value, '<'));
      /* One list item, one line: "• Condition Name: …". */
      g_assert_true (g_str_has_prefix (field->value, "• "));
      g_assert_nonnull (strstr (out, heading));
    }
}

/* A PDF is named with its size and saved byte for byte, 0600, never over another file. */
static void
test_document_save (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "binary-example.json");
  g_autoptr(JsonNode) binary = load_json (path);
  gsize size = 0;
  g_autofree guchar *pdf = g_base64_decode (json_object_get_string_member (
                                              json_node_get_object (binary), "data"), &size);
  g_autofree char *target = g_build_filename (f->td.dir, "report.pdf", NULL);
  g_autofree char *size_words = g_format_size (size);
  g_autofree char *hint = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(GBytes) saved = NULL;
  GStatBuf st;

  g_assert_true (size > 1000 && memcmp (pdf, "%PDF", 4) == 0);
  import_paths (f, path, NULL);
  row = find_row (f, "Binary", json_object_get_string_member (json_node_get_object (binary),
                                                               "id"));
  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);

  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  hint = g_strdup_printf ("A PDF document (%s). Save it with: healthfolio-cli show %s "
                          "--save FILE\n", size_words, id);
  g_assert_nonnull (strstr (out, hint));
  /* Not a byte of the PDF is printed. */
  g_assert_null (strstr (out, "%PDF"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (f, &out, &err, "show", id, "--save", target, NULL), ==, 0);
  saved = hf_test_read (target);
  g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), pdf, size);
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&saved, g_bytes_unref);

  /* Another file of that name is kept, and the message says how to replace it. */
  g_assert_true (g_file_set_contents (target, "keep me", -1, NULL));
  g_assert_cmpint (run (f, &out, &err, "show", id, "--save", target, NULL), !=, 0);
  g_assert_nonnull (strstr (err, "already exists"));
  g_assert_nonnull (strstr (err, "--force"));
  saved = hf_test_read (target);
  g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), "keep me", 7);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&saved, g_bytes_unref);

  g_assert_cmpint (g_chmod (target, 0644), ==, 0);
  g_assert_cmpint (run (f, &out, &err, "show", id, "--save", target, "--force", NULL), ==, 0);
  saved = hf_test_read (target);
  g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), pdf, size);
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A record with no file says so. */
  reopen (f);
  import_example (f, "observation-example-f001-glucose.json");
  {
    g_autoptr(HfRecordRow) obs = find_row (f, "Observation", "f001");
    g_autofree char *obs_id = g_strdup_printf ("%" G_GINT64_FORMAT, obs->id);
    g_autofree char *other = g_build_filename (f->td.dir, "nothing.bin", NULL);
    g_assert_cmpint (run (f, &out, &err, "show", obs_id, "--save", other, NULL), !=, 0);
    g_assert_nonnull (strstr (err, "carries no file"));
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
}

/* A report's presentedForm is a file of the report. */
static void
test_document_presented_form (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples", "diagnosticreport-example-pgx.json");
  g_autoptr(JsonNode) report = load_json (path);
  JsonObject *form = json_array_get_object_element (json_object_get_array_member (
    json_node_get_object (report), "presentedForm"), 0);
  g_autofree char *expected = decoded_text (form);
  g_autofree char *target = g_build_filename (f->td.dir, "pgx.pdf", NULL);
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autoptr(GBytes) saved = NULL;
  HfRecordAttachment *a;

  import_paths (f, path, NULL);
  row = find_row (f, "DiagnosticReport", "example-pgx");
  detail = load_detail (f, row);
  g_assert_cmpuint (detail->attachments->len, ==, 1);
  a = g_ptr_array_index (detail->attachments, 0);
  g_assert_cmpstr (a->title, ==, json_object_get_string_member (form, "title"));
  g_assert_null (a->text);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, "--save", target, "--part", "1", NULL), ==, 0);
  saved = hf_test_read (target);
  g_assert_cmpmem (g_bytes_get_data (saved, NULL), g_bytes_get_size (saved), expected,
                   strlen (expected));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (f, &out, NULL, "show", id, "--save", target, "--part", "2", NULL), !=, 0);
}

/* }}} */
/* {{{ HTML, hostile */

static void
test_html_hostile (void)
{
  static const struct { const char *html; const char *text; } cases[] = {
    { "<p>Hello <b>there</b></p><p>again</p>", "Hello there\n\nagain" },
    { "<script>alert('x')</script>Visible", "Visible" },
    { "<SCRIPT type=\"text/javascript\">document.write('<p>no</p>')</SCRIPT>yes", "yes" },
    { "<style>p { color: red }</style><p>styled</p>", "styled" },
    { "a<!-- hidden <p>comment</p> -->b", "ab" },
    { "a<!-- never closed <p>x</p>", "a" },
    { "kept<script>never closed", "kept" },
    { "1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot; &#65;&#x42; &nbsp;x", "1 < 2 && 3 > 2 \"q\" AB x" },
    { "&unknown; &amp &", "&unknown; &amp &" },
    { "&#0; &#xD800; &#1114112;", "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd" },
    { "bell&#7;esc&#27;[31mred&#x9b;", "bellesc[31mred" },
    { "a\x1b[2Jb\x07" "c", "a[2Jbc" },
    { "<div><div><span><i>deep</i></span></div></div>", "deep" },
    { "<ul><li>one</li><li>two</li></ul>", "• one\n• two" },
    { "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
      "a | b\nc | d" },
    { "line<br>break<br/>again", "line\nbreak\nagain" },
    { "<a href=\"javascript:alert(1)\" title='x > y'>link</a> text", "link text" },
    { "<img src=x onerror=alert(1)>after", "after" },
    { "x < y and y > z", "x < y and y > z" },
    { "<head><title>T</title><meta charset=utf-8></head><body>Body</body>", "Body" },
    { "<head><meta charset=utf-8><p>No end of head", "No end of head" },
    { "<head><head><HEAD>x<head>y", "xy" },
    { "  lots   of \n\n  space  ", "lots of space" },
    { "\xe2\x80\xae" "evil\xe2\x80\xac", "evil" },
    { "<svg><script>x</script><text>svg</text></svg>ok", "ok" },
    { "<p>unterminated <b attr=\"never closed>rest", "unterminated" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = hf_record_html_to_text (cases[i].html, strlen (cases[i].html));
      g_test_message ("case %u: %s", i, cases[i].html);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
assert_safe (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_assert_false ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f));
    }
}

static void
test_html_invalid_utf8 (void)
{
  static const char html[] = "<p>caf\xc3\xa9 \xff\xfe bad \xc3 cut</p>\0<p>after nul</p>";
  g_autofree char *text = hf_record_html_to_text (html, sizeof html - 1);
  g_autofree char *plain = hf_record_attachment_text ("text/plain", (const guint8 *) html,
                                                      sizeof html - 1);
  g_autofree char *latin1 = hf_record_attachment_text ("text/plain; charset=ISO-8859-1",
                                                       (const guint8 *) "caf\xe9", 4);

  assert_safe (text);
  g_assert_true (g_str_has_prefix (text, "café "));
  g_assert_nonnull (strstr (text, "after nul"));
  assert_safe (plain);
  g_assert_nonnull (strstr (plain, "after nul"));
  g_assert_cmpstr (latin1, ==, "café");
  /* Only text is text. */
  g_assert_null (hf_record_attachment_text ("application/pdf", (const guint8 *) "%PDF", 4));
  g_assert_null (hf_record_attachment_text (NULL, (const guint8 *) "x", 1));
}

/* Ten megabytes of markup: read once, in time proportional to its size; nothing hidden in it
 * comes out, everything visible does. */
static void
test_html_large (void)
{
  g_autoptr(GString) html = g_string_new ("<html><head><style>body{}</style></head><body>");
  g_autofree char *text = NULL;
  gint64 start;
  guint paragraphs = 0;

  while (html->len < 10 << 20)
    {
      g_string_append_printf (html, "<p class=\"x\">Paragraph %u &amp; <b>bold</b></p>"
                                    "<script>var s = '%u';</script><!-- c -->", paragraphs,
                              paragraphs);
      paragraphs++;
    }
  g_string_append (html, "</body></html>");
  start = g_get_monotonic_time ();
  text = hf_record_html_to_text (html->str, html->len);
  g_test_message ("%zu bytes of HTML in %.0f ms", html->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  assert_safe (text);
  g_assert_null (strstr (text, "var s"));
  g_assert_null (strchr (text, '<'));
  g_assert_true (g_str_has_prefix (text, "Paragraph 0 & bold\n\nParagraph 1 & bold\n\n"));
  {
    g_autofree char *last = g_strdup_printf ("Paragraph %u & bold", paragraphs - 1);
    g_assert_true (g_str_has_suffix (text, last));
  }

  /* Ten megabytes of elements that are never closed, each of which would send a careless
   * reader looking for its end through all the rest. */
  {
    static const char * const opens[] = { "<head>", "<script>", "<!--", "<a title=\"", "<!x" };
    for (guint i = 0; i < G_N_ELEMENTS (opens); i++)
      {
        g_autoptr(GString) many = g_string_new ("visible ");
        g_autofree char *none = NULL;
        while (many->len < 10 << 20)
          g_string_append (many, opens[i]);
        start = g_get_monotonic_time ();
        none = hf_record_html_to_text (many->str, many->len);
        g_test_message ("%s × %zu: %.0f ms", opens[i], many->len / strlen (opens[i]),
                        (g_get_monotonic_time () - start) / 1000.0);
        g_assert_cmpstr (none, ==, "visible");
      }
  }
}

/* }}} */
/* {{{ sources */

static void
test_sources (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *fixture = data_path ("r4-examples", "observation-example-f001-glucose.json");
  g_autofree char *a = g_build_filename (f->td.dir, "clinic.json", NULL);
  g_autofree char *b = g_build_filename (f->td.dir, "hospital.json", NULL);
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *out = NULL;
  g_autofree char *id = NULL;
  g_autofree char *real_a = NULL;
  g_autofree char *real_b = NULL;

  hf_test_copy (fixture, a);
  hf_test_copy (fixture, b);
  import_paths (f, a, NULL);
  import_paths (f, b, NULL);
  row = find_row (f, "Observation", "f001");
  detail = load_detail (f, row);
  real_a = realpath (a, NULL);
  real_b = realpath (b, NULL);
  g_assert_cmpuint (detail->sources->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (detail->sources, 0), ==, real_a);
  g_assert_cmpstr (g_ptr_array_index (detail->sources, 1), ==, real_b);

  id = g_strdup_printf ("%" G_GINT64_FORMAT, row->id);
  g_assert_cmpint (run (f, &out, NULL, "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, real_a));
  g_assert_nonnull (strstr (out, real_b));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (f, &out, NULL, "--json", "show", id, NULL), ==, 0);
  {
    g_autoptr(JsonNode) node = json_from_string (out, NULL);
    JsonArray *sources = json_object_get_array_member (json_node_get_object (node), "sources");
    g_assert_cmpuint (json_array_get_length (sources), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (sources, 1), ==, real_b);
  }
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  hf_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/hf/detail/panel/results", test_panel_results);
  ADD ("/hf/detail/panel/missing-and-flag", test_panel_missing_and_flag);
  ADD ("/hf/detail/panel/members", test_panel_members);
  ADD ("/hf/detail/panel/conclusion", test_panel_conclusion);
  ADD ("/hf/detail/visit/records", test_visit_records);
  ADD ("/hf/detail/visit/show", test_visit_show);
  ADD ("/hf/detail/document/plain", test_document_plain);
  ADD ("/hf/detail/document/fetched", test_document_fetched);
  ADD ("/hf/detail/document/html", test_document_html);
  ADD ("/hf/detail/document/sections", test_document_sections);
  ADD ("/hf/detail/document/save", test_document_save);
  ADD ("/hf/detail/document/presented-form", test_document_presented_form);
  ADD ("/hf/detail/sources", test_sources);
#undef ADD
  g_test_add_func ("/hf/detail/html/hostile", test_html_hostile);
  g_test_add_func ("/hf/detail/html/invalid-utf8", test_html_invalid_utf8);
  g_test_add_func ("/hf/detail/html/large", test_html_large);
  return g_test_run ();
}
