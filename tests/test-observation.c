/* test-observation.c — observations as a patient reads them: units, test names, numbers, blood
 * pressure, interpretation words, on data nobody here wrote
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The FHIR R4 specification's observation examples and micro-biology report, the Synthea
 * patients, SMART's Bulk Data and Health Cards samples, all in tests/data (PROVENANCE.md).
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-fhir.h"
#include "hf-fhir-private.h"
#include "hf-test-util.h"

/* {{{ reading the test data */

static JsonNode *
load (const char *folder,
      const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("HF_TEST_DATA"), folder, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Every JSON document of the test data's FHIR folders (not the hostile corpus), one line of an
 * .ndjson file being one document. */
static GPtrArray *
test_documents (void)
{
  static const char * const folders[] = { "synthea", "bulk-ndjson", "shc", "r4-examples" };
  GPtrArray *docs = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *dir_path = g_build_filename (g_getenv ("HF_TEST_DATA"), folders[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, name, NULL);
          g_autofree char *text = NULL;

          if (!g_str_has_suffix (name, ".json") && !g_str_has_suffix (name, ".ndjson"))
            continue;
          g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
          if (g_str_has_suffix (name, ".ndjson"))
            {
              g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
              for (guint l = 0; lines[l] != NULL; l++)
                {
                  JsonNode *n = *lines[l] ? json_from_string (lines[l], NULL) : NULL;
                  if (n != NULL)
                    g_ptr_array_add (docs, n);
                }
            }
          else
            {
              JsonNode *n = json_from_string (text, NULL);
              g_assert_nonnull (n);
              g_ptr_array_add (docs, n);
            }
        }
    }
  return docs;
}

/* Calls FUNC on every JSON object inside NODE (NODE's own included). */
static void
each_object (JsonNode *node,
             void    (*func) (JsonObject *o, gpointer data),
             gpointer  data)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_values (o);

      func (o, data);
      for (GList *l = members; l != NULL; l = l->next)
        each_object (l->data, func, data);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        each_object (json_array_get_element (a, i), func, data);
    }
}

/* A Quantity's unit code, as build-aux/count-observation-codes.py counts it: its code when its
 * system is UCUM or absent, else its unit text when it has no code. */
static void
collect_unit (JsonObject *o,
              gpointer    data)
{
  JsonNode *value = json_object_get_member (o, "value");
  const char *system = json_object_get_string_member_with_default (o, "system", NULL);
  JsonNode *code = json_object_get_member (o, "code");
  JsonNode *unit = json_object_get_member (o, "unit");

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      (json_node_get_value_type (value) != G_TYPE_DOUBLE &&
       json_node_get_value_type (value) != G_TYPE_INT64))
    return;
  if (code != NULL && JSON_NODE_HOLDS_VALUE (code) &&
      json_node_get_value_type (code) == G_TYPE_STRING)
    {
      if (system == NULL || g_str_equal (system, "http://unitsofmeasure.org"))
        g_hash_table_add (data, g_strdup (json_node_get_string (code)));
    }
  else if (code == NULL && unit != NULL && JSON_NODE_HOLDS_VALUE (unit) &&
           json_node_get_value_type (unit) == G_TYPE_STRING)
    g_hash_table_add (data, g_strdup (json_node_get_string (unit)));
}

static void
add_loinc (JsonObject *concept,
           GHashTable *codes)
{
  JsonArray *codings = concept && json_object_has_member (concept, "coding") &&
                       JSON_NODE_HOLDS_ARRAY (json_object_get_member (concept, "coding"))
                       ? json_object_get_array_member (concept, "coding") : NULL;

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *c = _hf_fhir_elem_obj (codings, i);
      if (c != NULL && g_strcmp0 (json_object_get_string_member_with_default (c, "system", NULL),
                                  "http://loinc.org") == 0 &&
          json_object_get_string_member_with_default (c, "code", NULL) != NULL)
        g_hash_table_add (codes, g_strdup (json_object_get_string_member (c, "code")));
    }
}

/* The LOINC codes of every Observation's code and components. */
static void
collect_loinc (JsonObject *o,
               gpointer    data)
{
  JsonNode *components = json_object_get_member (o, "component");

  if (g_strcmp0 (json_object_get_string_member_with_default (o, "resourceType", NULL),
                 "Observation") != 0)
    return;
  if (json_object_has_member (o, "code") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o,
                                                                                        "code")))
    add_loinc (json_object_get_object_member (o, "code"), data);
  for (guint i = 0; components && JSON_NODE_HOLDS_ARRAY (components) &&
       i < json_array_get_length (json_node_get_array (components)); i++)
    {
      JsonObject *c = _hf_fhir_elem_obj (json_node_get_array (components), i);
      if (c != NULL && json_object_has_member (c, "code") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (c, "code")))
        add_loinc (json_object_get_object_member (c, "code"), data);
    }
}

/* The resource with ID inside NODE (a Bundle entry, a contained resource, or NODE itself). */
typedef struct
{
  const char *type;
  const char *id;
  JsonObject *found;
} Find;

static void
find_cb (JsonObject *o,
         gpointer    data)
{
  Find *f = data;

  if (f->found == NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (o, "resourceType", NULL),
                 f->type) == 0 &&
      (f->id == NULL || g_strcmp0 (json_object_get_string_member_with_default (o, "id", NULL),
                                   f->id) == 0))
    f->found = o;
}

static JsonObject *
find (JsonNode   *node,
      const char *type,
      const char *id)
{
  Find f = { type, id, NULL };

  each_object (node, find_cb, &f);
  g_assert_nonnull (f.found);
  return f.found;
}

static char *
title_of (JsonObject *r)
{
  HfFhirSummary s;
  char *title;

  hf_fhir_summarize (r, NULL, NULL, &s);
  title = g_strdup (s.title);
  hf_fhir_summary_clear (&s);
  return title;
}

static char *
field (JsonObject *r,
       const char *label)
{
  g_autoptr(GPtrArray) fields = hf_fhir_describe (r, NULL, NULL);

  for (guint i = 0; i < fields->len; i++)
    {
      HfFhirField *f = g_ptr_array_index (fields, i);
      if (g_str_equal (f->label, label))
        return g_strdup (f->value);
    }
  return NULL;
}

/* }}} */
/* {{{ units */

static void
test_units_cover_test_data (void)
{
  g_autoptr(GPtrArray) docs = test_documents ();
  g_autoptr(GHashTable) units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  GHashTableIter iter;
  gpointer unit;

  for (guint i = 0; i < docs->len; i++)
    each_object (g_ptr_array_index (docs, i), collect_unit, units);
  /* The test data holds a real variety: lab, vital sign, dose and time units. */
  g_assert_cmpuint (g_hash_table_size (units), >=, 25);
  g_hash_table_iter_init (&iter, units);
  while (g_hash_table_iter_next (&iter, &unit, NULL))
    if (!_hf_fhir_unit_in_table (unit))
      _hf_fhir_append_part (missing, ", ", unit);
  g_test_message ("units in the test data: %u, all in data/ucum-display.tsv",
                  g_hash_table_size (units));
  g_assert_cmpstr (missing->str, ==, "");
}

static void
assert_unit (const char *code,
             const char *text,
             const char *shown)
{
  g_autofree char *got = _hf_fhir_unit_display (code, text);

  g_assert_cmpstr (got, ==, shown);
}

static void
test_unit_renderings (void)
{
  assert_unit ("10*3/uL", NULL, "×10³/µL");
  assert_unit ("10*6/uL", NULL, "×10⁶/µL");
  assert_unit ("mm[Hg]", NULL, "mmHg");
  assert_unit ("kg/m2", NULL, "kg/m²");
  assert_unit ("mL/min/{1.73_m2}", NULL, "mL/min/1.73 m²");
  assert_unit ("{beats}/min", NULL, "/min");
  assert_unit ("/min", NULL, "/min");
  assert_unit ("Cel", NULL, "°C");
  assert_unit ("[degF]", NULL, "°F");
  assert_unit ("%", NULL, "%");
  assert_unit ("mg/dL", NULL, "mg/dL");
  assert_unit ("ug/L", NULL, "µg/L");
  assert_unit ("[lb_av]", NULL, "lb");
  assert_unit ("[in_i]", NULL, "in");
  assert_unit ("{score}", NULL, NULL);
  assert_unit ("1", NULL, NULL);
  /* The table wins over the source's own spelling of the same unit: one rendering. */
  assert_unit ("mm[Hg]", "mm Hg", "mmHg");
  assert_unit ("10*12/L", "10^12/L", "×10¹²/L");
  assert_unit ("Cel", "degrees C", "°C");
  /* The rule, for units the table does not list. */
  assert_unit ("ng/dL", NULL, "ng/dL");
  assert_unit ("umol/mmol", NULL, "µmol/mmol");
  assert_unit ("10*9/mL", NULL, "×10⁹/mL");
  assert_unit ("cm3", NULL, "cm³");
  assert_unit ("{copies}/mL", NULL, "/mL");
  assert_unit ("[ppm]", NULL, "ppm");
  assert_unit ("mg/{total}", NULL, "mg");
  assert_unit ("U/L", NULL, "U/L");           /* units, not micro */
  /* A unit that is not UCUM stays as the source wrote it. */
  assert_unit (NULL, "beats per minute", "beats per minute");
  assert_unit (NULL, NULL, NULL);
}

/* The same unit in the title and the detail, on the R4 examples. */
static void
test_units_in_titles_and_details (void)
{
  static const struct { const char *file; const char *title; const char *result; } cases[] = {
    { "observation-example-f004-erythrocyte.json", "Red blood cells 4.12 ×10¹²/L — low",
      "4.12 ×10¹²/L" },
    { "observation-example-f202-temperature.json",
      "Entered in error: Body temperature 39 °C — high", "39 °C" },   /* its status */
    { "observation-example-bmi.json", "BMI 16.2 kg/m²", "16.2 kg/m²" },
    { "observation-example-heart-rate.json", "Heart rate 44 /min", "44 /min" },
    { "observation-example-mbp.json", "Mean blood pressure 80 mmHg", "80 mmHg" },
    { "observation-example.json", "Body weight 185 lb", "185 lb" },
    /* Its code is "g/cm-2" and its unit "g/cm²": bone density is per area, as the table says. */
    { "observation-example-bmd.json", "Hip bone density 0.887 g/cm²", "0.887 g/cm²" },
    /* A local lab code (no LOINC): the source's name, and the unit from its text. */
    { "observation-example-f204-creatinine.json", "Creatinine(Serum) 122 µmol/L — high",
      "122 µmol/L" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = load ("r4-examples", cases[i].file);
      g_autofree char *title = title_of (json_node_get_object (node));
      g_autofree char *result = field (json_node_get_object (node), "Result");

      g_assert_cmpstr (title, ==, cases[i].title);
      g_assert_cmpstr (result, ==, cases[i].result);
    }
}

/* }}} */
/* {{{ test names */

static void
test_loinc_names (void)
{
  static const char * const vitals[] = {
    "85353-1", "9279-1", "8867-4", "2708-6", "59408-5", "8310-5", "8302-2", "9843-4", "29463-7",
    "39156-5", "85354-9", "8480-6", "8462-4", "59576-9", "8289-1", "3150-0", "3151-8",
  };
  g_autoptr(GPtrArray) docs = test_documents ();
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) synthea = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GDir) dir = NULL;
  g_autofree char *synthea_dir = g_build_filename (g_getenv ("HF_TEST_DATA"), "synthea", NULL);
  const char *name;
  GHashTableIter iter;
  gpointer code;
  guint named = 0;

  g_assert_cmpstr (_hf_fhir_loinc_name ("718-7"), ==, "Hemoglobin");
  g_assert_cmpstr (_hf_fhir_loinc_name ("777-3"), ==, "Platelets");
  g_assert_cmpstr (_hf_fhir_loinc_name ("18262-6"), ==, "LDL cholesterol");
  g_assert_cmpstr (_hf_fhir_loinc_name ("2339-0"), ==, "Glucose");
  g_assert_cmpstr (_hf_fhir_loinc_name ("29463-7"), ==, "Body weight");
  g_assert_cmpstr (_hf_fhir_loinc_name ("85354-9"), ==, "Blood pressure");
  g_assert_null (_hf_fhir_loinc_name ("0000-0"));
  g_assert_null (_hf_fhir_loinc_name (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (vitals); i++)
    if (_hf_fhir_loinc_name (vitals[i]) == NULL)
      _hf_fhir_append_part (missing, ", ", vitals[i]);
  g_assert_cmpstr (missing->str, ==, "");

  /* Every test of the Synthea patients has a short name. */
  dir = g_dir_open (synthea_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      {
        g_autoptr(JsonNode) node = load ("synthea", name);
        each_object (node, collect_loinc, synthea);
      }
  g_assert_cmpuint (g_hash_table_size (synthea), >=, 20);
  g_hash_table_iter_init (&iter, synthea);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    if (_hf_fhir_loinc_name (code) == NULL)
      _hf_fhir_append_part (missing, ", ", code);
  g_assert_cmpstr (missing->str, ==, "");

  /* And most of every test data's: the rest are genetics and local panels without a name we
   * are sure of. */
  for (guint i = 0; i < docs->len; i++)
    each_object (g_ptr_array_index (docs, i), collect_loinc, codes);
  g_hash_table_iter_init (&iter, codes);
  while (g_hash_table_iter_next (&iter, &code, NULL))
    named += _hf_fhir_loinc_name (code) != NULL;
  g_test_message ("LOINC codes of observations in the test data: %u, %u with a short name",
                  g_hash_table_size (codes), named);
  g_assert_cmpuint (named * 100, >=, 85 * g_hash_table_size (codes));
}

/* Titles start with the short name; the LOINC long name stays in the detail. */
static void
test_names_in_titles (void)
{
  g_autoptr(JsonNode) node = load ("r4-examples", "observation-example-f005-hemoglobin.json");
  JsonObject *r = json_node_get_object (node);
  g_autofree char *title = title_of (r);
  g_autofree char *what = field (r, "What");

  g_assert_cmpstr (title, ==, "Hemoglobin 7.2 g/dL — low");
  g_assert_nonnull (strstr (what, "Hemoglobin [Mass/volume] in Blood"));
  g_assert_nonnull (strstr (what, "718-7"));
}

/* A long name without a short one is cut at a word, never the value after it. */
static void
test_long_names_cut (void)
{
  g_autoptr(JsonNode) node = json_from_string (
    "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Mycoplasma hyopneumoniae Ab "
    "sample/Positive control in Serum by Immunoassay\"},"
    "\"valueQuantity\":{\"value\":0.2,\"unit\":\"%\",\"code\":\"%\"}}", NULL);
  g_autofree char *title = title_of (json_node_get_object (node));

  g_assert_true (g_str_has_suffix (title, "… 0.2 %"));
  g_assert_cmpuint (g_utf8_strlen (title, -1), <=, 40 + strlen ("… 0.2 %"));
}

/* }}} */
/* {{{ numbers */

static void
assert_number (double      value,
               const char *title,
               const char *exact)
{
  g_autofree char *t = _hf_fhir_number_text (value, HF_FHIR_NUMBER_TITLE);
  g_autofree char *e = _hf_fhir_number_text (value, HF_FHIR_NUMBER_EXACT);

  g_assert_cmpstr (t, ==, title);
  g_assert_cmpstr (e, ==, exact);
}

static void
test_numbers (void)
{
  assert_number (53.3458767756843, "53.35", "53.3458767756843");
  assert_number (66.89999999999999, "66.9", "66.89999999999999");
  assert_number (13.5, "13.5", "13.5");
  assert_number (6.3, "6.3", "6.3");                 /* never "6.300" */
  assert_number (0.0526, "0.0526", "0.0526");
  assert_number (0.00012346, "0.0001235", "0.00012346");
  assert_number (176000, "176000", "176000");        /* whole digits are never dropped */
  assert_number (1234.5678, "1235", "1234.5678");
  assert_number (1.009, "1.009", "1.009");
  assert_number (-2.25, "-2.25", "-2.25");
  assert_number (0, "0", "0");
}

/* The R4 example's body height is 66.89999999999999 [in_i]: the title reads 66.9 in, the
 * detail has the source's number. */
static void
test_numbers_in_titles_and_details (void)
{
  g_autoptr(JsonNode) node = load ("r4-examples", "observation-example-body-height.json");
  JsonObject *r = json_node_get_object (node);
  g_autofree char *title = title_of (r);
  g_autofree char *result = field (r, "Result");

  g_assert_cmpstr (title, ==, "Body height 66.9 in");
  g_assert_cmpstr (result, ==, "66.89999999999999 in");
}

/* }}} */
/* {{{ blood pressure */

typedef struct
{
  guint  n;
  guint  checked;
} BpCount;

static double
component_value (JsonObject *bp,
                 const char *loinc)
{
  JsonArray *components = json_object_get_array_member (bp, "component");

  for (guint i = 0; i < json_array_get_length (components); i++)
    {
      JsonObject *c = json_array_get_object_element (components, i);
      if (_hf_fhir_concept_has_code (json_object_get_object_member (c, "code"), loinc))
        return json_object_get_double_member (json_object_get_object_member (c,
                                                                              "valueQuantity"),
                                              "value");
    }
  g_assert_not_reached ();
}

static void
check_bp (JsonObject *o,
          gpointer    data)
{
  BpCount *count = data;
  g_autofree char *title = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *systolic = NULL;
  g_autofree char *diastolic = NULL;

  if (g_strcmp0 (json_object_get_string_member_with_default (o, "resourceType", NULL),
                 "Observation") != 0 ||
      !json_object_has_member (o, "code") ||
      !_hf_fhir_concept_has_code (json_object_get_object_member (o, "code"), "55284-4"))
    return;
  count->n++;
  /* Synthea lists the diastolic part first. */
  if (_hf_fhir_component_rank (_hf_fhir_elem_obj (json_object_get_array_member (o, "component"),
                                                  0)) == 1)
    count->checked++;
  title = title_of (o);
  systolic = _hf_fhir_format_number (component_value (o, "8480-6"));
  diastolic = _hf_fhir_format_number (component_value (o, "8462-4"));
  expected = g_strdup_printf ("Blood pressure %s/%s mmHg", systolic, diastolic);
  g_assert_cmpstr (title, ==, expected);
}

static void
test_blood_pressure (void)
{
  g_autoptr(JsonNode) carla = load ("synthea",
                                    "Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json");
  g_autoptr(JsonNode) r4 = load ("r4-examples", "observation-example-bloodpressure.json");
  g_autofree char *title = title_of (json_node_get_object (r4));
  g_autofree char *systolic = field (json_node_get_object (r4), "Systolic blood pressure");
  BpCount count = { 0, 0 };

  each_object (carla, check_bp, &count);
  g_assert_cmpuint (count.n, >=, 5);
  g_assert_cmpuint (count.checked, ==, count.n);
  /* The R4 example: systolic 107, diastolic 60, flagged low as a whole. */
  g_assert_cmpstr (title, ==, "Blood pressure 107/60 mmHg — low");
  g_assert_cmpstr (systolic, ==, "107 mmHg — normal");
}

/* }}} */
/* {{{ interpretation */

static void
test_interpretation (void)
{
  static const struct
  {
    const char *file;
    const char *type;
    const char *id;
    const char *flag;    /* at the end of the title */
    const char *words;   /* the detail's Meaning */
  } cases[] = {
    { "observation-example-f001-glucose.json", "Observation", NULL, " — high",
      "High: above the normal range" },
    { "observation-example-f004-erythrocyte.json", "Observation", NULL, " — low",
      "Low: below the normal range" },
    { "observation-example-satO2.json", "Observation", NULL, " — normal",
      "Normal: within the normal range" },
    { "observation-example-abdo-tender.json", "Observation", NULL, " — abnormal", "Abnormal" },
    { "observation-example-f206-staphylococcus.json", "Observation", NULL, " — positive",
      "Positive" },
    { "observation-example-herd1.json", "Observation", NULL, " — negative", "Negative" },
    { "diagnosticreport-micro1.json", "Observation", "obx2-1", " — resistant",
      "Resistant: this medicine is not expected to work against the germ" },
    { "diagnosticreport-micro1.json", "Observation", "obx2-2", " — susceptible",
      "Susceptible: this medicine is expected to work against the germ" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = load ("r4-examples", cases[i].file);
      JsonObject *r = find (node, cases[i].type, cases[i].id);
      g_autofree char *title = title_of (r);
      g_autofree char *meaning = field (r, "Meaning");

      if (!g_str_has_suffix (title, cases[i].flag))
        g_error ("%s: “%s” does not end with “%s”", cases[i].file, title, cases[i].flag);
      g_assert_cmpstr (meaning, ==, cases[i].words);
    }
}

/* The antibiotic's MIC keeps its comparator and the germ's susceptibility in words. */
static void
test_susceptibility_title (void)
{
  g_autoptr(JsonNode) node = load ("r4-examples", "diagnosticreport-micro1.json");
  g_autofree char *title = title_of (find (node, "Observation", "obx2-2"));

  g_assert_true (g_str_has_prefix (title, "Cefazolin"));
  g_assert_nonnull (strstr (title, "<= 2"));
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/observation/units/cover-test-data", test_units_cover_test_data);
  g_test_add_func ("/observation/units/renderings", test_unit_renderings);
  g_test_add_func ("/observation/units/titles-and-details", test_units_in_titles_and_details);
  g_test_add_func ("/observation/names/loinc", test_loinc_names);
  g_test_add_func ("/observation/names/titles", test_names_in_titles);
  g_test_add_func ("/observation/names/long", test_long_names_cut);
  g_test_add_func ("/observation/numbers/digits", test_numbers);
  g_test_add_func ("/observation/numbers/titles-and-details",
                   test_numbers_in_titles_and_details);
  g_test_add_func ("/observation/blood-pressure", test_blood_pressure);
  g_test_add_func ("/observation/interpretation", test_interpretation);
  g_test_add_func ("/observation/interpretation/susceptibility", test_susceptibility_title);
  return g_test_run ();
}
