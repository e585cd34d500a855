/* test-label.c — sensitivity labels: the rule table, the source's, the patient's, refreshing
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The records are real ones (tests/data/PROVENANCE.md): a person of the SMART Bulk Data sample
 * whose Conditions hold severe anxiety, intimate partner abuse and unhealthy drinking; Synthea's
 * Tressa Bergstrom's drug overdose and rehabilitation (tests/data/labels/); the FHIR R4
 * examples' Condition f202 with a TBOO meta.security and its BRCA genetics Observation.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-audit.h"
#include "hf-core.h"
#include "hf-error.h"
#include "hf-import.h"
#include "hf-label-private.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS      "labels: correct horse battery staple"
#define PERSON    "79a66c97-6131-3213-f3c9-4606946ab056"   /* in bulk-ndjson */
#define ANXIETY   "80583007"     /* Severe anxiety (panic) (finding) */
#define ABUSE     "706893006"    /* Victim of intimate partner abuse (finding) */
#define DRINKING  "10939881000119105"
#define SINUSITIS "40055000"     /* Chronic sinusitis (disorder) */
#define CARLA     "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json"
#define TRESSA    "labels/tressa-bergstrom-sud.json"
#define ICD10CM   "http://hl7.org/fhir/sid/icd-10-cm"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
  char      *person_file;   /* the person's Patient and Conditions, copied from the fixture */
} Fixture;

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "carla", pass, &code, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  _hf_label_set_table_for_testing (NULL);
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_free (f->person_file);
  hf_test_dir_teardown (&f->td, data);
}

static void
import_path (Fixture    *f,
             const char *path,
             const char *person)
{
  const char *paths[] = { path, NULL };
  HfImportOptions options = { FALSE, person };
  g_autoptr(GError) error = NULL;
  g_autoptr(HfImportResult) result = NULL;

  g_assert_true (hf_vault_import_files_with (f->vault, paths, &options, NULL, NULL, NULL,
                                             &result, &error));
  g_assert_no_error (error);
}

static void
import_data (Fixture    *f,
             const char *part)
{
  g_autofree char *path = data_path (part);

  import_path (f, path, NULL);
}

/* The person's Patient and Conditions as one NDJSON file of this test's; REPLACE_CODE's
 * Condition with NOTE added (a newer version: same id, same file, other content). */
static void
write_person (Fixture    *f,
              const char *replace_code,
              const char *note)
{
  const char *files[] = { "bulk-ndjson/Patient.000.ndjson", "bulk-ndjson/Condition.000.ndjson" };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = data_path (files[i]);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, &error));
      lines = g_strsplit (text, "\n", -1);
      for (guint k = 0; lines[k] != NULL; k++)
        {
          g_autoptr(JsonNode) node = NULL;
          JsonObject *r;
          const char *subject;

          if (strstr (lines[k], PERSON) == NULL)
            continue;
          node = json_from_string (lines[k], &error);
          g_assert_no_error (error);
          r = json_node_get_object (node);
          subject = json_object_has_member (r, "subject")
            ? json_object_get_string_member (json_object_get_object_member (r, "subject"),
                                             "reference") : NULL;
          if (subject != NULL && !g_str_has_suffix (subject, PERSON))
            continue;
          if (replace_code != NULL && json_object_has_member (r, "code") &&
              strstr (lines[k], replace_code) != NULL)
            {
              g_autofree char *changed = NULL;
              JsonArray *notes = json_array_new ();
              JsonObject *n = json_object_new ();

              json_object_set_string_member (n, "text", note);
              json_array_add_object_element (notes, n);
              json_object_set_array_member (r, "note", notes);
              changed = json_to_string (node, FALSE);
              g_string_append_printf (out, "%s\n", changed);
            }
          else
            g_string_append_printf (out, "%s\n", lines[k]);
        }
    }
  if (f->person_file == NULL)
    f->person_file = g_build_filename (f->td.dir, "person.ndjson", NULL);
  g_assert_true (g_file_set_contents (f->person_file, out->str, -1, &error));
  g_assert_no_error (error);
}

static void
import_person (Fixture *f)
{
  write_person (f, NULL, NULL);
  import_path (f, f->person_file, NULL);
}

/* The current row of the record whose code column is CODE (the first, by id). */
static gint64
row_with_code (Fixture    *f,
               const char *code)
{
  sqlite3 *db = _hf_vault_get_db (f->vault);
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM resource WHERE code = ? AND "
                                       "superseded_by IS NULL ORDER BY id LIMIT 1", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
row_of (Fixture    *f,
        const char *type,
        const char *fhir_id)
{
  sqlite3 *db = _hf_vault_get_db (f->vault);
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM resource WHERE resource_type = ? "
                                       "AND fhir_id = ? AND superseded_by IS NULL", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, fhir_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (id, >, 0);
  return id;
}

static GPtrArray *
labels_of (Fixture *f,
           gint64   id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *labels = hf_label_list (f->vault, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (labels);
  return labels;
}

/* The label CODE among LABELS; the test ends here if there is none. */
static HfLabel *
find_label (GPtrArray  *labels,
            const char *code)
{
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (((HfLabel *) g_ptr_array_index (labels, i))->code, code))
      return g_ptr_array_index (labels, i);
  g_error ("The record has no label %s.", code);
}

/* "PSY R": the codes, as load_all gives them. */
static char *
codes_of (GPtrArray *labels)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < labels->len; i++)
    {
      HfLabel *l = g_ptr_array_index (labels, i);
      if (g_str_equal (l->system, HF_LABEL_SYSTEM_ACTCODE) ||
          g_str_equal (l->system, HF_LABEL_SYSTEM_CONFIDENTIALITY))
        g_string_append_printf (out, "%s%s", out->len ? " " : "", l->code);
    }
  return g_string_free (out, FALSE);
}

static char *
codes_at (Fixture *f,
          gint64   id)
{
  g_autoptr(GPtrArray) labels = labels_of (f, id);

  return codes_of (labels);
}

/* The confidentiality code is last, and there is exactly one. */
static void
assert_one_confidentiality (GPtrArray *labels)
{
  guint n = 0;

  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++)
    n += g_str_equal (((HfLabel *) g_ptr_array_index (labels, i))->system,
                      HF_LABEL_SYSTEM_CONFIDENTIALITY);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (((HfLabel *) g_ptr_array_index (labels, labels->len - 1))->system, ==,
                   HF_LABEL_SYSTEM_CONFIDENTIALITY);
}

static gboolean
audit_has (Fixture    *f,
           const char *action,
           const char *actor,
           const char *detail_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = hf_audit_list (f->vault, 0, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      HfAuditEntry *e = g_ptr_array_index (entries, i);
      if (g_str_equal (e->action, action) && g_str_equal (e->actor, actor) &&
          strstr (e->detail, detail_part) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* {{{ the table */

static void
assert_match (const char *system,
              const char *code,
              const char *expected)
{
  g_auto(GStrv) labels = _hf_label_match_code (system, code);
  g_autofree char *got = labels != NULL ? g_strjoinv (" ", labels) : NULL;

  g_assert_cmpstr (got, ==, expected);
}

/* ICD-10-CM ranges at their edges: substance use is F10-F19 without nicotine (F17); the
 * psychiatric block starts at F20 and leaves out F70-F89. */
static void
test_icd_ranges (void)
{
  assert_match (ICD10CM, "F10", "ETHUD");
  assert_match (ICD10CM, "F10.20", "ETHUD");
  assert_match (ICD10CM, "F11.10", "OPIOIDUD");
  assert_match (ICD10CM, "F12.90", "SUD");
  assert_match (ICD10CM, "F16", "SUD");
  assert_match (ICD10CM, "F17.210", NULL);
  assert_match (ICD10CM, "F17", NULL);
  assert_match (ICD10CM, "F18.10", "SUD");
  assert_match (ICD10CM, "F19.99", "SUD");
  assert_match (ICD10CM, "F20", "PSY");
  assert_match (ICD10CM, "F20.9", "PSY");
  assert_match (ICD10CM, "F09", "PSY");
  assert_match (ICD10CM, "F01.50", "PSY");
  assert_match (ICD10CM, "F69", "PSY");
  assert_match (ICD10CM, "F70", NULL);
  assert_match (ICD10CM, "F84.0", NULL);
  assert_match (ICD10CM, "F90.0", "PSY");
  assert_match (ICD10CM, "F99", "PSY");
  /* Without the dot, in lower case, in WHO's ICD-10 system: the same. */
  assert_match (ICD10CM, "f329", "PSY");
  assert_match ("http://hl7.org/fhir/sid/icd-10", "F32.9", "PSY");
  assert_match (ICD10CM, "B20", "HIV");
  assert_match (ICD10CM, "Z21", "HIV");
  assert_match (ICD10CM, "O98.72", "HIV");
  assert_match (ICD10CM, "O98.6", NULL);
  assert_match (ICD10CM, "A50.01", "STD");
  assert_match (ICD10CM, "A64", "STD");
  assert_match (ICD10CM, "A49.9", NULL);
  assert_match (ICD10CM, "A65", NULL);
  assert_match (ICD10CM, "Z04.41", "SDV");
  assert_match (ICD10CM, "Z04.3", NULL);
  assert_match (ICD10CM, "T74.11XA", "SDV");
  assert_match (ICD10CM, "T75.1", NULL);
  assert_match (ICD10CM, "Z15.01", "GDIS");
  /* A code of a system the table does not use, and codes that are not ICD-10 codes. */
  assert_match ("http://example.org/icd", "F20", NULL);
  assert_match (ICD10CM, "F2", NULL);
  assert_match (ICD10CM, "F-20", NULL);
  assert_match ("http://snomed.info/sct", ANXIETY, "PSY");
  assert_match ("http://snomed.info/sct", "73595000", NULL);   /* stress: not a disorder */
  assert_match ("http://www.nlm.nih.gov/research/umls/rxnorm", "1819", "OPIOIDUD");
}

/* Every rule of the built-in table was read, and every code it lists gives its label. */
static void
test_rules_whole (void)
{
  g_autoptr(GPtrArray) rules = hf_label_rules ();
  const char *uris[][2] = {
    { "ICD-10-CM", ICD10CM }, { "SNOMED-CT", "http://snomed.info/sct" },
    { "LOINC", "http://loinc.org" }, { "RxNorm", "http://www.nlm.nih.gov/research/umls/rxnorm" },
  };
  gboolean labels_seen[5] = { FALSE };
  const char *required[] = { "HIV", "PSY", "SUD", "ETHUD", "OPIOIDUD" };

  g_assert_cmpuint (rules->len, >=, 18);
  g_assert_cmpuint (strlen (hf_label_table_version ()), ==, 16);
  for (guint i = 0; i < rules->len; i++)
    {
      const HfLabelRule *r = g_ptr_array_index (rules, i);
      g_auto(GStrv) codes = g_strsplit (r->codes, ",", -1);
      const char *uri = NULL;

      g_assert_true (hf_label_is_known (r->label));
      g_assert_nonnull (hf_label_name (r->label));
      g_assert_cmpstr (r->source, !=, "");
      for (guint k = 0; k < G_N_ELEMENTS (uris); k++)
        if (g_str_equal (uris[k][0], r->system))
          uri = uris[k][1];
      g_assert_nonnull (uri);
      for (guint k = 0; codes[k] != NULL; k++)
        {
          g_auto(GStrv) ends = g_str_equal (r->match, "range")
                               ? g_strsplit (codes[k], "-", 2) : g_strsplit (codes[k], ",", 1);
          for (guint e = 0; ends[e] != NULL; e++)
            {
              g_auto(GStrv) got = _hf_label_match_code (uri, ends[e]);
              g_assert_nonnull (got);
              g_assert_true (g_strv_contains ((const char * const *) got, r->label));
            }
        }
      for (guint k = 0; k < G_N_ELEMENTS (required); k++)
        labels_seen[k] |= g_str_equal (r->label, required[k]);
    }
  for (guint k = 0; k < G_N_ELEMENTS (required); k++)
    g_assert_true (labels_seen[k]);
  /* No rule gives SEX: SDV is sexual and domestic violence (data/sensitivity-labels.tsv). */
  for (guint i = 0; i < rules->len; i++)
    g_assert_cmpstr (((const HfLabelRule *) g_ptr_array_index (rules, i))->label, !=, "SEX");
}

static void
test_part2 (void)
{
  const char *part2[] = { "ETH", "ETHUD", "OPIOIDUD", "SUD" };
  const char *others[] = { "PSY", "MH", "HIV", "STD", "SDV", "SEX", "GDIS", "R", "N", "TBOO" };
  const char *notice = hf_label_part2_notice ();

  for (guint i = 0; i < G_N_ELEMENTS (part2); i++)
    g_assert_true (hf_label_is_part2 (part2[i]));
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    g_assert_false (hf_label_is_part2 (others[i]));
  g_assert_false (hf_label_is_known ("TBOO"));
  g_assert_null (hf_label_name ("TBOO"));
  g_assert_cmpstr (hf_label_name ("R"), ==, "restricted");
  /* 42 CFR § 2.32(a)(2) as amended in 2024, without the file's comments. */
  g_assert_cmpstr (notice, ==, "42 CFR part 2 prohibits unauthorized use or disclosure of these "
                               "records.");
}

/* }}} */

/* {{{ labels at import */

/* The rule table at import: severe anxiety is PSY, the abuse SDV, the drinking ETHUD, each
 * with R derived; the person's other Conditions nothing but N. */
static void
test_import_table (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) labels = NULL;
  HfLabel *psy;
  g_autofree char *sinusitis = NULL;
  g_autofree char *abuse = NULL;
  g_autofree char *drinking = NULL;

  import_person (f);
  labels = labels_of (f, row_with_code (f, ANXIETY));
  assert_one_confidentiality (labels);
  g_assert_cmpuint (labels->len, ==, 2);
  psy = find_label (labels, "PSY");
  g_assert_nonnull (psy);
  g_assert_cmpint (psy->origin, ==, HF_LABEL_FROM_TABLE);
  g_assert_cmpstr (psy->system, ==, HF_LABEL_SYSTEM_ACTCODE);
  g_assert_nonnull (strstr (psy->why, "sct-anxiety"));
  g_assert_nonnull (strstr (psy->why, ANXIETY));
  g_assert_cmpstr (find_label (labels, "R")->code, ==, "R");
  g_assert_cmpint (find_label (labels, "R")->origin, ==, HF_LABEL_FROM_DERIVED);

  abuse = codes_at (f, row_with_code (f, ABUSE));
  g_assert_cmpstr (abuse, ==, "SDV R");
  drinking = codes_at (f, row_with_code (f, DRINKING));
  g_assert_cmpstr (drinking, ==, "ETHUD R");
  sinusitis = codes_at (f, row_with_code (f, SINUSITIS));
  g_assert_cmpstr (sinusitis, ==, "N");
}

/* Synthea's drug overdose and the rehabilitation stay: SUD, a 42 CFR Part 2 label; the
 * emergency visit for the overdose too (its reasonCode); the Patient none. */
static void
test_import_part2 (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *overdose = NULL;
  g_autofree char *rehab = NULL;
  g_autofree char *visit = NULL;
  g_autofree char *patient = NULL;

  import_data (f, TRESSA);
  overdose = codes_at (f, row_of (f, "Condition", "2f62a147-681c-4de8-9cc5-94818425a5c0"));
  rehab = codes_at (f, row_of (f, "Encounter", "f17c864a-23ec-4796-acdd-b7af077e4c67"));
  visit = codes_at (f, row_of (f, "Encounter", "ce669094-33c2-4925-89fc-13b817bab273"));
  patient = codes_at (f, row_of (f, "Patient", "43dd4e31-0c9d-42c7-a2e1-53ccf0e09dba"));
  g_assert_cmpstr (overdose, ==, "SUD R");
  g_assert_cmpstr (rehab, ==, "SUD R");
  g_assert_cmpstr (visit, ==, "SUD R");
  g_assert_cmpstr (patient, ==, "N");
  g_assert_true (hf_label_is_part2 ("SUD"));
}

/* A LOINC genetics test (the R4 BRCA example): GDIS. */
static void
test_import_loinc (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *codes = NULL;

  import_data (f, "labels/observation-example-genetics-brcapat.json");
  codes = codes_at (f, row_of (f, "Observation", "example-genetics-brcapat"));
  g_assert_cmpstr (codes, ==, "GDIS R");
}

/* A source's meta.security is kept: R4's Condition f202 carries ActCode TBOO ("taboo"), which
 * is not a sensitivity label we know, so it is listed, from the source, and does not restrict
 * the record. */
static void
test_source_labels (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) all = NULL;
  HfLabel *tboo;
  gint64 id;

  import_data (f, "labels/condition-example-f202-malignancy.json");
  id = row_of (f, "Condition", "f202");
  labels = labels_of (f, id);
  assert_one_confidentiality (labels);
  tboo = find_label (labels, "TBOO");
  g_assert_nonnull (tboo);
  g_assert_cmpint (tboo->origin, ==, HF_LABEL_FROM_SOURCE);
  g_assert_cmpstr (tboo->system, ==, HF_LABEL_SYSTEM_ACTCODE);
  g_assert_nonnull (strstr (tboo->why, "from its source"));
  g_assert_cmpstr (find_label (labels, "N")->code, ==, "N");
  all = hf_label_load_all (f->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((GStrv) g_hash_table_lookup (all, &id))[0], ==, "TBOO");
}

/* meta.security is outside input: the odd shapes are skipped, the Codings kept; a source's
 * v3-Confidentiality code is the record's (the most restricted of two). The resource is R4's
 * observation-example.json with a meta.security written here. */
static void
test_source_shapes (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = data_path ("r4-examples/observation-example.json");
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *file = g_build_filename (f->td.dir, "observation-security.json", NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *meta;
  HfLabel *conf;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  meta = json_object_get_object_member (json_node_get_object (node), "meta");
  if (meta == NULL)
    {
      meta = json_object_new ();
      json_object_set_object_member (json_node_get_object (node), "meta", meta);
    }
  json_object_set_member (meta, "security", json_from_string (
    "[\"HIV\", 7, null, [], {}, {\"code\": \"HIV\"}, {\"system\": 1, \"code\": \"HIV\"},"
    " {\"system\": \"http://terminology.hl7.org/CodeSystem/v3-ActCode\", \"code\": \"HIV\","
    "  \"display\": \"HIV/AIDS information sensitivity\"},"
    " {\"system\": \"http://terminology.hl7.org/CodeSystem/v3-ActCode\", \"code\": \"HIV\"},"
    " {\"system\": \"http://terminology.hl7.org/CodeSystem/v3-Confidentiality\", \"code\": \"R\"},"
    " {\"system\": \"http://terminology.hl7.org/CodeSystem/v3-Confidentiality\", \"code\": \"V\"},"
    " {\"system\": \"http://example.org/local-tags\", \"code\": \"VIP\"},"
    " {\"system\": \"http://terminology.hl7.org/CodeSystem/v3-ActCode\", \"code\": \"\"}]", NULL));
  out = json_to_string (node, FALSE);
  g_assert_true (g_file_set_contents (file, out, -1, &error));
  import_path (f, file, NULL);

  labels = labels_of (f, row_of (f, "Observation", "example"));
  assert_one_confidentiality (labels);
  g_assert_cmpuint (labels->len, ==, 3);     /* HIV, VIP, V */
  g_assert_cmpint (find_label (labels, "HIV")->origin, ==, HF_LABEL_FROM_SOURCE);
  g_assert_cmpstr (find_label (labels, "VIP")->system, ==, "http://example.org/local-tags");
  conf = find_label (labels, "V");
  g_assert_cmpint (conf->origin, ==, HF_LABEL_FROM_SOURCE);
}

/* }}} */

/* {{{ the patient's decisions */

/* Added by hand: listed with the member, the record becomes R, and it is in the activity log.
 * A confidentiality code chosen by hand wins, and only one is kept. */
static void
test_manual_add (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *after_v = NULL;
  g_autofree char *after_n = NULL;
  gint64 id;
  HfLabel *mh;

  import_person (f);
  id = row_with_code (f, SINUSITIS);
  g_assert_true (hf_label_add (f->vault, id, "MH", &error));
  g_assert_no_error (error);
  labels = labels_of (f, id);
  assert_one_confidentiality (labels);
  mh = find_label (labels, "MH");
  g_assert_nonnull (mh);
  g_assert_cmpint (mh->origin, ==, HF_LABEL_FROM_MANUAL);
  g_assert_nonnull (strstr (mh->why, "carla"));
  g_assert_cmpstr (find_label (labels, "R")->code, ==, "R");
  g_assert_true (audit_has (f, "label-added", "carla", "added MH"));

  g_assert_true (hf_label_add (f->vault, id, "V", &error));
  after_v = codes_at (f, id);
  g_assert_cmpstr (after_v, ==, "MH V");
  g_assert_true (hf_label_add (f->vault, id, "N", &error));
  after_n = codes_at (f, id);
  g_assert_cmpstr (after_n, ==, "MH N");

  /* Not a label: refused, nothing written. */
  g_assert_false (hf_label_add (f->vault, id, "ANXIOUS", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "PSY (psychiatric disorders)"));
}

/* Removed by hand: it wins over the table, and keeps winning after the same file is imported
 * again and after a newer version of the record comes (a new row). */
static void
test_manual_remove (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *reimported = NULL;
  g_autofree char *newer = NULL;
  gint64 id, new_id;

  import_person (f);
  id = row_with_code (f, ANXIETY);
  before = codes_at (f, id);
  g_assert_cmpstr (before, ==, "PSY R");
  g_assert_true (hf_label_remove (f->vault, id, "PSY", &error));
  g_assert_no_error (error);
  removed = codes_at (f, id);
  g_assert_cmpstr (removed, ==, "N");
  g_assert_true (audit_has (f, "label-removed", "carla", "removed PSY"));

  /* Removing what is not there, or the derived confidentiality: a sentence, nothing done. */
  g_assert_false (hf_label_remove (f->vault, id, "PSY", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "is not labelled PSY"));
  g_clear_error (&error);
  g_assert_false (hf_label_remove (f->vault, row_with_code (f, ABUSE), "R", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_USAGE);
  g_clear_error (&error);

  import_path (f, f->person_file, NULL);
  g_assert_cmpint (row_with_code (f, ANXIETY), ==, id);
  reimported = codes_at (f, id);
  g_assert_cmpstr (reimported, ==, "N");

  write_person (f, ANXIETY, "Seen again; a newer version of the record.");
  import_path (f, f->person_file, NULL);
  new_id = row_with_code (f, ANXIETY);
  g_assert_cmpint (new_id, !=, id);
  newer = codes_at (f, new_id);
  g_assert_cmpstr (newer, ==, "N");
  /* … though the table did label the new row: the decision is what takes it off. */
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                                         "SELECT count(*) FROM resource_label WHERE resource_id "
                                         "= ? AND origin = 'table' AND code = 'PSY'", -1, &stmt,
                                         NULL), ==, SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, new_id);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
  }
}

/* }}} */

/* {{{ a changed table */

/* The built-in table without the anxiety rule, with a rule for chronic sinusitis. */
static char *
changed_table (void)
{
  g_autoptr(GPtrArray) rules = hf_label_rules ();
  GString *out = g_string_new ("# a test's table\n"
                               "rule\tlabel\tsystem\tmatch\tcodes\tsource\tnote\n");

  for (guint i = 0; i < rules->len; i++)
    {
      const HfLabelRule *r = g_ptr_array_index (rules, i);
      if (g_str_equal (r->rule, "sct-anxiety"))
        continue;
      g_string_append_printf (out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r->rule, r->label, r->system,
                              r->match, r->codes, r->source, r->note);
    }
  g_string_append (out, "test-sinusitis\tGDIS\tSNOMED-CT\tlist\t" SINUSITIS "\ttest-label.c\t"
                        "a rule of this test\n");
  return g_string_free (out, FALSE);
}

/* When the table changes, the next read labels every record again (and says so in the log);
 * the per-label table version follows. Back to the built-in table: back to its labels. */
static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *table = changed_table ();
  g_autofree char *old_version = g_strdup (hf_label_table_version ());
  g_autofree char *anxiety = NULL;
  g_autofree char *sinusitis = NULL;
  g_autofree char *anxiety_back = NULL;
  g_autofree char *sinusitis_back = NULL;
  sqlite3_stmt *stmt = NULL;
  guint changed = 99;

  import_person (f);
  _hf_label_set_table_for_testing (table);
  g_assert_cmpstr (hf_label_table_version (), !=, old_version);
  anxiety = codes_at (f, row_with_code (f, ANXIETY));
  sinusitis = codes_at (f, row_with_code (f, SINUSITIS));
  g_assert_cmpstr (anxiety, ==, "N");
  g_assert_cmpstr (sinusitis, ==, "GDIS R");
  g_assert_true (audit_has (f, "labels-refreshed", "carla", hf_label_table_version ()));
  g_assert_true (audit_has (f, "labels-refreshed", "carla", ", 2 relabelled"));

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                                       "SELECT DISTINCT table_version FROM resource_label "
                                       "WHERE origin = 'table'", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, hf_label_table_version ());
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  /* Explicitly again: nothing changes. */
  g_assert_true (hf_label_refresh (f->vault, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 0);

  _hf_label_set_table_for_testing (NULL);
  g_assert_cmpstr (hf_label_table_version (), ==, old_version);
  anxiety_back = codes_at (f, row_with_code (f, ANXIETY));
  sinusitis_back = codes_at (f, row_with_code (f, SINUSITIS));
  g_assert_cmpstr (anxiety_back, ==, "PSY R");
  g_assert_cmpstr (sinusitis_back, ==, "N");
}

static char *
state_version (Fixture *f)
{
  sqlite3_stmt *stmt = NULL;
  char *version;

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault), "SELECT table_version FROM "
                                       "label_state", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return version;
}

/* A new vault is labelled by the table from the start: importing into it and reading labels
 * relabels nothing. A vault of an older schema (the CLI's schema 3 vault, 93 records) is
 * labelled when its labels are first read. */
static void
test_migrate (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *from = data_path ("v3-vault/v3.hfvault");
  g_autofree char *from_keys = data_path ("v3-vault/v3.hfkeys");
  g_autofree char *path = g_build_filename (f->td.dir, "v3.hfvault", NULL);
  g_autofree char *keys = g_build_filename (f->td.dir, "v3.hfkeys", NULL);
  g_autoptr(HfSecret) pass = hf_test_secret ("records v3 fixture passphrase");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) all = NULL;
  g_autofree char *fresh = state_version (f);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *codes = NULL;

  g_assert_cmpstr (fresh, ==, hf_label_table_version ());
  import_person (f);
  codes = codes_at (f, row_with_code (f, ANXIETY));
  g_assert_cmpstr (codes, ==, "PSY R");
  g_assert_false (audit_has (f, "labels-refreshed", "carla", ""));

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  hf_test_copy (from, path);
  hf_test_copy (from_keys, keys);
  f->vault = hf_vault_open (path, NULL, pass, &error);
  g_assert_no_error (error);
  before = state_version (f);
  g_assert_cmpstr (before, ==, "");
  all = hf_label_load_all (f->vault, &error);
  g_assert_no_error (error);
  after = state_version (f);
  g_assert_cmpstr (after, ==, hf_label_table_version ());
  g_assert_true (audit_has (f, "labels-refreshed", hf_vault_get_member_name (f->vault),
                            ": 93 records read"));
}

/* }}} */

/* {{{ every record */

/* On a whole record (the Bulk Data person: 200 Conditions) with decisions of each kind:
 * every current record has exactly one confidentiality code, and hf_label_load_all gives what
 * hf_label_list gives, record by record (absent when that is only the derived N). */
static void
test_load_all_matches (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) all = NULL;
  sqlite3_stmt *stmt = NULL;
  guint labelled = 0, rows = 0;

  import_person (f);
  g_assert_true (hf_label_add (f->vault, row_with_code (f, SINUSITIS), "HIV", &error));
  g_assert_true (hf_label_add (f->vault, row_with_code (f, "15777000"), "V", &error));
  g_assert_true (hf_label_remove (f->vault, row_with_code (f, DRINKING), "ETHUD", &error));
  g_assert_no_error (error);
  all = hf_label_load_all (f->vault, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault), "SELECT id FROM resource "
                                       "WHERE superseded_by IS NULL AND deleted_at IS NULL", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_autoptr(GPtrArray) labels = labels_of (f, id);
      g_autofree char *codes = codes_of (labels);
      GStrv loaded = g_hash_table_lookup (all, &id);
      HfLabel *last;

      rows++;
      assert_one_confidentiality (labels);
      last = g_ptr_array_index (labels, labels->len - 1);
      if (loaded == NULL)
        {
          g_assert_cmpstr (codes, ==, "N");
          g_assert_cmpint (last->origin, ==, HF_LABEL_FROM_DERIVED);
        }
      else
        {
          g_autofree char *joined = g_strjoinv (" ", loaded);
          g_assert_cmpstr (joined, ==, codes);
          labelled++;
        }
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (rows, >, 100);
  /* 10 abuse, 1 anxiety, the sinusitis and prediabetes by hand; the drinking no longer. */
  g_assert_cmpuint (labelled, ==, 13);
  g_assert_cmpuint (g_hash_table_size (all), ==, labelled);
}

/* {{{ the CLI */

static int
run (Fixture     *f,
     const char  *member,
     char       **out,
     char       **err,
     const char  *first,
     ...) G_GNUC_NULL_TERMINATED;

static int
run (Fixture     *f,
     const char  *member,
     char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *pass = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  g_autofree char *pass2 = hf_test_write_file (&f->td, "pass2.txt",
                                               "labels: a reader's passphrase\n");
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, (gpointer) "--member");
  g_ptr_array_add (args, (gpointer) member);
  g_ptr_array_add (args, (gpointer) "--passphrase-file");
  g_ptr_array_add (args, g_str_equal (member, "carla") ? pass : pass2);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” is not in:\n%s", part, text ? text : "(nothing)");
}

/* label add|remove|list|refresh|rules and show, with their exit codes. */
static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *pass2 = hf_test_write_file (&f->td, "pass2.txt",
                                               "labels: a reader's passphrase\n");
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  char *err = NULL;
  JsonArray *labels;

  import_data (f, TRESSA);
  id = g_strdup_printf ("%" G_GINT64_FORMAT,
                        row_of (f, "Condition", "2f62a147-681c-4de8-9cc5-94818425a5c0"));
  patient = g_strdup_printf ("%" G_GINT64_FORMAT,
                             row_of (f, "Patient", "43dd4e31-0c9d-42c7-a2e1-53ccf0e09dba"));
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);

  /* show: the labels and where they came from, in words and in JSON. */
  g_assert_cmpint (run (f, "carla", &out, &err, "show", id, NULL), ==, 0);
  assert_contains (out, "Sensitive: substance use disorders (SUD) — from the rule "
                        "“sct-substance”");
  assert_contains (out, "Confidentiality: restricted (R) — because it is labelled");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "--json", "show", id, NULL), ==, 0);
  shown = json_from_string (out, &error);
  g_assert_no_error (error);
  labels = json_object_get_array_member (json_node_get_object (shown), "labels");
  g_assert_cmpuint (json_array_get_length (labels), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (labels, 0),
                                                  "origin"), ==, "table");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (labels, 0),
                                                  "code"), ==, "SUD");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (labels, 1),
                                                  "origin"), ==, "derived");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* add, remove, list */
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "add", patient, "gdis", NULL), ==, 0);
  assert_contains (out, "labelled GDIS (genetic diseases)");
  assert_contains (out, "added by carla");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "remove", id, "SUD", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "list", id, NULL), ==, 0);
  g_assert_null (strstr (out, "SUD"));
  assert_contains (out, "Confidentiality: normal (N)");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Mistakes: exit 1, a sentence saying what to do. */
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "add", id, "SADNESS", NULL), ==, 1);
  assert_contains (err, "“SADNESS” is not a label Healthfolio knows; use one of");
  assert_contains (err, "PSY (psychiatric disorders)");
  assert_contains (err, "MH (mental health)");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "remove", id, "HIV", NULL), ==, 1);
  assert_contains (err, "is not labelled HIV (HIV/AIDS); there is nothing to remove");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "add", "999999", "HIV", NULL), ==, 1);
  assert_contains (err, "There is no record 999999");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "add", id, NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* rules, refresh */
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "rules", NULL), ==, 0);
  assert_contains (out, "substance use disorders (SUD), under 42 CFR Part 2: ICD-10-CM codes in "
                        "F12-F16,F18-F19");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "--json", "label", "rules", NULL), ==, 0);
  assert_contains (out, "\"rule\" : \"icd-mental\"");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "label", "refresh", NULL), ==, 0);
  assert_contains (out, "0 records changed");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A read-only caregiver may read the labels, not change them: exit 6. */
  g_assert_cmpint (run (f, "carla", &out, &err, "member", "add", "dana", "--role",
                        "caregiver-read-only", "--new-passphrase-file", pass2, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "dana", &out, &err, "label", "list", id, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "dana", &out, &err, "label", "add", id, "PSY", NULL), ==, 6);
  assert_contains (err, "may not label records");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Each decision is in the activity log, with the member who made it. */
  g_assert_cmpint (run (f, "carla", &out, &err, "audit", "list", NULL), ==, 0);
  assert_contains (out, "label-added");
  assert_contains (out, "label-removed");
  assert_contains (out, "removed SUD");
  g_assert_null (strstr (out, "added PSY"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (f, "carla", &out, &err, "audit", "verify", NULL), ==, 0);
  g_free (out);
  g_free (err);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/label/table/icd-ranges", test_icd_ranges);
  g_test_add_func ("/label/table/rules", test_rules_whole);
  g_test_add_func ("/label/table/part2", test_part2);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/label/import/table", test_import_table);
  ADD ("/label/import/part2", test_import_part2);
  ADD ("/label/import/loinc", test_import_loinc);
  ADD ("/label/import/source", test_source_labels);
  ADD ("/label/import/source-shapes", test_source_shapes);
  ADD ("/label/manual/add", test_manual_add);
  ADD ("/label/manual/remove", test_manual_remove);
  ADD ("/label/refresh", test_refresh);
  ADD ("/label/migrate", test_migrate);
  ADD ("/label/load-all", test_load_all_matches);
  ADD ("/label/cli", test_cli);
#undef ADD
  return g_test_run ();
}
