/* test-r4.c — FHIR R4 only, and all of R4: the element table, the R4 examples, older versions
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The R4 examples are a slice of the specification's own (tests/data/r4-examples); set
 * HF_R4_EXAMPLES to a folder of all 2,459 to check every one. The STU3 and DSTU2 files are
 * Synthea patients of those versions (tests/data/older-fhir).
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-error.h"
#include "hf-fhir-r4.h"
#include "hf-fhir-r4-private.h"
#include "hf-import.h"
#include "hf-records.h"
#include "hf-test-util.h"

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

static char *
data_path (const char *folder,
           const char *name)
{
  return g_build_filename (g_getenv ("HF_TEST_DATA"), folder, name, NULL);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* The table is R4's: every type, sorted for the binary search, each with resourceType and the
 * elements R4 gives it, and none that only older versions had. */
static void
test_table (void)
{
  static const char *const present[][2] = {
    { "Observation", "valueQuantity" }, { "Observation", "effectiveDateTime" },
    { "Observation", "_status" }, { "Observation", "encounter" },
    { "Observation", "extension" }, { "Observation", "modifierExtension" },
    { "Patient", "birthDate" }, { "Patient", "_birthDate" }, { "Patient", "generalPractitioner" },
    { "Immunization", "occurrenceDateTime" }, { "Immunization", "statusReason" },
    { "Condition", "recordedDate" }, { "Bundle", "entry" }, { "Bundle", "type" },
    { "MedicationRequest", "medicationCodeableConcept" }, { "Encounter", "class" },
  };
  static const char *const absent[][2] = {
    { "Immunization", "notGiven" }, { "Immunization", "wasNotGiven" },
    { "Observation", "context" }, { "Observation", "valueFoo" }, { "Observation", "_code" },
    { "Condition", "assertedDate" }, { "Condition", "patient" }, { "Encounter", "patient" },
    { "Patient", "careProvider" }, { "MedicationRequest", "context" }, { "Bundle", "extension" },
    { "Observation", "fhir_comments" },
  };

  g_assert_cmpuint (_hf_r4_n_types, ==, 146);
  for (guint i = 0; i < _hf_r4_n_types; i++)
    {
      const HfR4Type *t = &_hf_r4_types[i];

      if (i > 0)
        g_assert_cmpint (strcmp (_hf_r4_types[i - 1].type, t->type), <, 0);
      g_assert_cmpuint (t->n_elements, >=, 2);
      for (guint k = 1; k < t->n_elements; k++)
        g_assert_cmpint (strcmp (t->elements[k - 1], t->elements[k]), <, 0);
      g_assert_true (hf_fhir_r4_is_element (t->type, "resourceType"));
      g_assert_true (hf_fhir_r4_is_element (t->type, "id"));
      g_assert_true (hf_fhir_r4_is_type (t->type));
    }
  for (guint i = 0; i < G_N_ELEMENTS (present); i++)
    g_assert_true (hf_fhir_r4_is_element (present[i][0], present[i][1]));
  for (guint i = 0; i < G_N_ELEMENTS (absent); i++)
    g_assert_false (hf_fhir_r4_is_element (absent[i][0], absent[i][1]));
  g_assert_false (hf_fhir_r4_is_type ("MedicationOrder"));
  g_assert_false (hf_fhir_r4_is_type ("ProcedureRequest"));
  g_assert_false (hf_fhir_r4_is_type ("observation"));
  g_assert_true (hf_fhir_r4_is_type ("MedicationRequest"));
}

/* The element facts of the generated structure table, as the R4 specification states them. */
static void
test_structure (void)
{
  g_assert_cmpstr (hf_fhir_r4_element_type ("Encounter", "diagnosis"), ==, "Encounter_Diagnosis");
  g_assert_true (hf_fhir_r4_element_is_array ("Encounter", "diagnosis"));
  g_assert_false (hf_fhir_r4_element_required ("Encounter", "diagnosis"));
  g_assert_cmpstr (hf_fhir_r4_element_type ("Encounter_Diagnosis", "condition"), ==, "Reference");
  g_assert_true (hf_fhir_r4_element_required ("Encounter_Diagnosis", "condition"));
  g_assert_false (hf_fhir_r4_element_is_array ("Encounter_Diagnosis", "condition"));
  g_assert_cmpstr (hf_fhir_r4_element_type ("Observation", "subject"), ==, "Reference");
  g_assert_false (hf_fhir_r4_element_required ("Observation", "subject"));
  g_assert_false (hf_fhir_r4_element_is_array ("Observation", "subject"));
  g_assert_true (hf_fhir_r4_element_required ("Immunization", "patient"));
  g_assert_true (hf_fhir_r4_element_required ("Immunization", "vaccineCode"));
  g_assert_true (hf_fhir_r4_element_required ("Immunization", "occurrenceDateTime"));
  g_assert_true (hf_fhir_r4_element_required ("Immunization", "occurrenceString"));
  g_assert_true (hf_fhir_r4_element_required ("MedicationRequest", "medicationReference"));
  g_assert_true (hf_fhir_r4_element_required ("MedicationRequest", "medicationCodeableConcept"));
  g_assert_true (hf_fhir_r4_element_required ("MedicationRequest", "subject"));
  g_assert_false (hf_fhir_r4_element_required ("MedicationRequest", "encounter"));
  g_assert_false (hf_fhir_r4_element_required ("MedicationRequest", "reportedReference"));
  g_assert_true (hf_fhir_r4_element_required ("MedicationAdministration", "effectivePeriod"));
  g_assert_false (hf_fhir_r4_element_required ("MedicationStatement", "effectivePeriod"));
  g_assert_false (hf_fhir_r4_element_required ("Observation", "valueQuantity"));
  g_assert_cmpstr (hf_fhir_r4_element_type ("Observation", "note"), ==, "Annotation");
  g_assert_true (hf_fhir_r4_element_is_array ("Observation", "note"));
  g_assert_cmpstr (hf_fhir_r4_element_type ("Annotation", "authorReference"), ==, "Reference");
  g_assert_false (hf_fhir_r4_element_required ("Annotation", "authorReference"));
  g_assert_cmpstr (hf_fhir_r4_element_type ("Bundle_Entry", "resource"), ==, "ResourceList");
  g_assert_cmpstr (hf_fhir_r4_element_type ("Patient", "contained"), ==, "ResourceList");
  g_assert_cmpstr (hf_fhir_r4_element_type ("Reference", "identifier"), ==, "Identifier");
  g_assert_cmpstr (hf_fhir_r4_element_type ("Observation", "_status"), ==, "Element");

  /* Primitives have no definition; an array of them is still an array. */
  g_assert_null (hf_fhir_r4_element_type ("Observation", "status"));
  g_assert_null (hf_fhir_r4_element_type ("Reference", "reference"));
  g_assert_null (hf_fhir_r4_element_type ("HumanName", "given"));
  g_assert_true (hf_fhir_r4_element_is_array ("HumanName", "given"));
  g_assert_false (hf_fhir_r4_element_is_array ("HumanName", "family"));

  /* Unknown definitions and elements. */
  g_assert_null (hf_fhir_r4_element_type ("Observation", "context"));
  g_assert_false (hf_fhir_r4_element_required ("Observation", "context"));
  g_assert_false (hf_fhir_r4_element_is_array ("Observation", "context"));
  g_assert_null (hf_fhir_r4_element_type ("MedicationOrder", "medicationReference"));
  g_assert_false (hf_fhir_r4_element_required ("MedicationOrder", "medicationReference"));
  g_assert_null (hf_fhir_r4_element_type ("string", "value"));
  g_assert_null (hf_fhir_r4_element_type ("encounter", "diagnosis"));

  /* Both tables are sorted for bsearch, and a resource type's elements are the same in both. */
  for (guint i = 0; i < _hf_r4_n_definitions; i++)
    {
      const HfR4Definition *d = &_hf_r4_definitions[i];

      if (i > 0)
        g_assert_cmpint (strcmp (_hf_r4_definitions[i - 1].name, d->name), <, 0);
      for (guint k = 1; k < d->n_elements; k++)
        g_assert_cmpint (strcmp (d->elements[k - 1].name, d->elements[k].name), <, 0);
      for (guint k = 0; k < d->n_elements; k++)
        if (d->elements[k].type != NULL)
          g_assert_true (strcmp (d->elements[k].type, "ResourceList") == 0
                         || _hf_r4_element (d->elements[k].type, "id") != NULL);
    }
  for (guint i = 0; i < _hf_r4_n_types; i++)
    {
      const HfR4Type *t = &_hf_r4_types[i];

      for (guint k = 0; k < t->n_elements; k++)
        g_assert_nonnull (_hf_r4_element (t->type, t->elements[k]));
      g_assert_true (hf_fhir_r4_element_required (t->type, "resourceType"));
    }
}

/* Whether required element E of a definition is in OBJECT: E itself or, for an alternative of
 * a choice group (medicationReference), another required alternative with the same stem. */
static gboolean
has_required (JsonObject        *object,
              const char        *definition,
              const HfR4Element *e)
{
  g_autoptr(GList) members = NULL;
  gsize stem = 0;

  if (json_object_has_member (object, e->name))
    return TRUE;
  while (e->name[stem] != '\0' && !g_ascii_isupper (e->name[stem]))
    stem++;
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (strncmp (l->data, e->name, stem) == 0 && g_ascii_isupper (((char *) l->data)[stem])
        && hf_fhir_r4_element_required (definition, l->data))
      return TRUE;
  return FALSE;
}

/* Walks NODE as definition DEFINITION by the structure table; counts each object checked and
 * each problem (a member the table lacks, an array where it says one value or the reverse, a
 * required element missing), printing the first few. */
static void
walk_structure (JsonNode   *node,
                const char *definition,
                const char *where,
                guint      *objects,
                guint      *problems)
{
  g_autoptr(GList) members = NULL;
  const HfR4Definition *d;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;
  object = json_node_get_object (node);
  if (strcmp (definition, "ResourceList") == 0)
    definition = json_object_get_string_member_with_default (object, "resourceType", "?");
  (*objects)++;
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const HfR4Element *e = _hf_r4_element (definition, l->data);
      JsonNode *value = json_object_get_member (object, l->data);

      /* The one gap of HL7's R4 schema the examples show: ElementDefinition.type.profile
       * (canonical, 0..*) has no "_profile" sibling in it, and so not in the table. */
      if (e == NULL && strcmp (definition, "ElementDefinition_Type") == 0
          && strcmp (l->data, "_profile") == 0)
        continue;
      if (e == NULL || JSON_NODE_HOLDS_ARRAY (value) != ((e->flags & HF_R4_ARRAY) != 0))
        {
          if ((*problems)++ < 10)
            g_test_message ("%s: %s.%s is %s", where, definition, (char *) l->data,
                            e == NULL ? "unknown" : "an array where one value is, or the reverse");
          continue;
        }
      if (e->type == NULL)
        continue;
      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            walk_structure (json_array_get_element (array, i), e->type, where, objects, problems);
        }
      else
        walk_structure (value, e->type, where, objects, problems);
    }
  d = _hf_r4_definition (definition);
  for (guint k = 0; d != NULL && k < d->n_elements; k++)
    if ((d->elements[k].flags & HF_R4_REQUIRED) && !has_required (object, definition,
                                                                 &d->elements[k]))
      {
        if ((*problems)++ < 10)
          g_test_message ("%s: %s lacks %s, which R4 requires", where, definition,
                          d->elements[k].name);
      }
}

/* The structure table read against the R4 specification's own examples: every member is an
 * element of its definition, arrays are where the table says, required elements are there. */
static void
test_structure_examples (void)
{
  const char *all = g_getenv ("HF_R4_EXAMPLES");
  g_autofree char *folder = all != NULL ? g_strdup (all)
                                        : data_path ("r4-examples", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint files = 0, objects = 0, problems = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (folder, name, NULL);
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      walk_structure (json_parser_get_root (parser), "ResourceList", name, &objects, &problems);
      files++;
    }
  g_test_message ("%u R4 examples, %u objects read by the structure table, %u problems", files,
                  objects, problems);
  g_assert_cmpuint (files, >=, 149);
  g_assert_cmpuint (objects, >=, 8000);
  g_assert_cmpuint (problems, ==, 0);
}

/* A resource and, in a Bundle, every entry's resource (contained ones are checked by
 * hf_fhir_r4_check itself). */
static guint
check_tree (JsonObject *r,
            const char *name)
{
  HfFhirR4Problem problem = { 0 };
  guint n = 1;

  if (!hf_fhir_r4_check (r, &problem))
    g_error ("%s: %s is not R4", name, problem.element);
  if (g_strcmp0 (json_object_get_string_member_with_default (r, "resourceType", ""),
                 "Bundle") == 0 && json_object_has_member (r, "entry"))
    {
      JsonArray *entries = json_object_get_array_member (r, "entry");
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *e = json_array_get_object_element (entries, i);
          if (json_object_has_member (e, "resource"))
            n += check_tree (json_object_get_object_member (e, "resource"), name);
        }
    }
  return n;
}

/* Every example of the R4 specification is R4 by the element check. */
static void
test_examples_pass (void)
{
  const char *all = g_getenv ("HF_R4_EXAMPLES");
  g_autofree char *folder = all != NULL ? g_strdup (all)
                                        : data_path ("r4-examples", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;
  guint files = 0, resources = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *r;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (folder, name, NULL);
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      r = json_node_get_object (json_parser_get_root (parser));
      g_hash_table_add (types, g_strdup (json_object_get_string_member (r, "resourceType")));
      resources += check_tree (r, name);
      files++;
    }
  g_test_message ("%u R4 examples (%u resources, %u types) pass the element check", files,
                  resources, g_hash_table_size (types));
  /* The slice holds one example of each of the 141 types the examples have, and the Bundles. */
  g_assert_cmpuint (g_hash_table_size (types), >=, 141);
  g_assert_cmpuint (files, >=, 149);
}

/* Each older version's tells, as the refusal names them. */
static void
test_tells (void)
{
  static const struct { const char *json, *element; HfFhirVersion version; } cases[] = {
    { "{\"resourceType\":\"Immunization\",\"status\":\"completed\",\"notGiven\":false}",
      "Immunization.notGiven", HF_FHIR_VERSION_STU3 },
    { "{\"resourceType\":\"MedicationOrder\",\"id\":\"m\"}", "MedicationOrder",
      HF_FHIR_VERSION_DSTU2 },
    { "{\"resourceType\":\"ProcedureRequest\",\"id\":\"p\"}", "ProcedureRequest",
      HF_FHIR_VERSION_OLDER },
    { "{\"resourceType\":\"Condition\",\"patient\":{\"reference\":\"Patient/1\"}}",
      "Condition.patient", HF_FHIR_VERSION_DSTU2 },
    { "{\"resourceType\":\"Patient\",\"careProvider\":[]}", "Patient.careProvider",
      HF_FHIR_VERSION_DSTU2 },
    /* The surest tell is named, wherever it is among the members. */
    { "{\"resourceType\":\"Encounter\",\"reason\":[],\"patient\":{}}", "Encounter.patient",
      HF_FHIR_VERSION_DSTU2 },
    { "{\"resourceType\":\"AllergyIntolerance\",\"verificationStatus\":\"confirmed\"}",
      "AllergyIntolerance.verificationStatus", HF_FHIR_VERSION_STU3 },
    { "{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":\"inpatient\"}",
      "Encounter.class", HF_FHIR_VERSION_DSTU2 },
    { "{\"resourceType\":\"Observation\",\"fhir_comments\":[\"x\"]}", "Observation.fhir_comments",
      HF_FHIR_VERSION_DSTU2 },
    { "{\"resourceType\":\"Observation\",\"status\":\"final\",\"foo\":1}", "Observation.foo",
      HF_FHIR_VERSION_UNKNOWN },
    { "{\"resourceType\":\"Observation\",\"_foo\":{}}", "Observation._foo",
      HF_FHIR_VERSION_UNKNOWN },
    /* A contained resource is checked too. */
    { "{\"resourceType\":\"MedicationRequest\",\"contained\":[{\"resourceType\":\"Medication\","
      "\"id\":\"m\",\"isBrand\":true}]}", "Medication.isBrand", HF_FHIR_VERSION_UNKNOWN },
  };
  static const char *const r4[] = {
    ("{\"resourceType\":\"Observation\",\"status\":\"final\",\"_status\":{\"id\":\"s\"},"
     "\"effectiveDateTime\":\"2020\",\"valueQuantity\":{\"value\":1},\"extension\":[]}"),
    "{\"resourceType\":\"AllergyIntolerance\",\"verificationStatus\":{\"text\":\"confirmed\"}}",
    "{\"resourceType\":\"Encounter\",\"class\":{\"code\":\"AMB\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      HfFhirR4Problem problem = { 0 };

      g_assert_false (hf_fhir_r4_check (parse_object (parser, cases[i].json), &problem));
      g_assert_cmpstr (problem.element, ==, cases[i].element);
      g_assert_cmpint (problem.version, ==, cases[i].version);
      hf_fhir_r4_problem_clear (&problem);
    }
  for (guint i = 0; i < G_N_ELEMENTS (r4); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      HfFhirR4Problem problem = { 0 };

      g_assert_true (hf_fhir_r4_check (parse_object (parser, r4[i]), &problem));
      g_assert_null (problem.element);
    }

  g_assert_cmpint (hf_fhir_version_from_number ("4.0.1"), ==, HF_FHIR_VERSION_R4);
  g_assert_cmpint (hf_fhir_version_from_number ("3.0.2"), ==, HF_FHIR_VERSION_STU3);
  g_assert_cmpint (hf_fhir_version_from_number ("1.0.2"), ==, HF_FHIR_VERSION_DSTU2);
  g_assert_cmpint (hf_fhir_version_from_number ("5.0.0"), ==, HF_FHIR_VERSION_UNKNOWN);
}

static char *
import_refused (Fixture    *f,
                const char *path)
{
  const char *paths[] = { path, NULL };
  g_autoptr(HfImportResult) result = NULL;
  GError *error = NULL;
  char *message;

  g_assert_false (hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  message = g_strdup (error->message);
  g_error_free (error);
  return message;
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

/* Every STU3 and DSTU2 file is refused, saying which version it looks like and naming the
 * element that tells, and nothing is kept. */
static void
test_older_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *folder = data_path ("older-fhir", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint stu3 = 0, dstu2 = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *message = import_refused (f, path);
      const char *version = g_str_has_prefix (name, "stu3-") ? "STU3" : "DSTU2";
      g_autofree char *looks = g_strdup_printf ("it looks like FHIR %s (", version);

      g_test_message ("%s: %s", name, message);
      g_assert_nonnull (strstr (message, looks));
      g_assert_true (strstr (message, ", which is not an R4 element)") != NULL ||
                     strstr (message, ", a resource type R4 does not have)") != NULL);
      g_assert_nonnull (strstr (message, "Healthfolio reads FHIR R4 only, so ask for an R4 "
                                         "export; nothing was imported."));
      if (g_str_has_prefix (name, "stu3-"))
        stu3++;
      else
        dstu2++;
    }
  g_assert_cmpuint (stu3, >=, 3);
  g_assert_cmpuint (dstu2, >=, 3);
  g_assert_cmpuint (total_records (f), ==, 0);
}

/* A top-level element R4 does not have, with no sign of an older version, is named. */
static void
test_unknown_element (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = hf_test_write_file (&f->td, "obs.json",
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\"}},"
    "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\","
    "\"code\":{\"text\":\"Weight\"},\"valueQuantity\":{\"value\":70},\"foo\":true}}]}");
  g_autofree char *message = import_refused (f, path);

  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "Bundle.entry[1] has Observation.foo, which is not an "
                                     "R4 element (Healthfolio reads FHIR R4 only); nothing was "
                                     "imported."));
  g_assert_null (strstr (message, "looks like"));
  g_assert_cmpuint (total_records (f), ==, 0);
}

/* The R4 examples import: every Bundle type of the slice, single resources of every type
 * (AdverseEvent's identifier is one Identifier, ImplementationGuide's resource.reference a
 * Reference: both were refused before R4's table said so). */
static void
test_examples_import (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *folder = data_path ("r4-examples", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  HfImportOptions same_person = { .same_person = TRUE };
  guint files = 0, several = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      const char *paths[] = { path, NULL };
      g_autoptr(HfImportResult) result = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      /* The examples are many people's records: each is taken as the vault's person's, but a
       * Bundle of several people is refused saying so, R4 or not. */
      hf_vault_import_files_with (f->vault, paths, &same_person, NULL, NULL, NULL, &result,
                                  &error);
      if (error != NULL && strstr (error->message, " people (") != NULL)
        {
          g_assert_nonnull (strstr (error->message, "--person ID"));
          g_clear_error (&error);
          several++;
        }
      g_assert_no_error (error);
      files++;
    }
  g_test_message ("%u R4 examples imported, %u of them refused as several people's", files,
                  several);
  g_assert_cmpuint (several, <, files / 10);
  g_assert_cmpuint (files, >=, 149);
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/hf/r4/table", test_table);
  g_test_add_func ("/hf/r4/structure", test_structure);
  g_test_add_func ("/hf/r4/structure-examples", test_structure_examples);
  g_test_add_func ("/hf/r4/examples-pass", test_examples_pass);
  g_test_add_func ("/hf/r4/tells", test_tells);
#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/hf/r4/older-refused", test_older_refused);
  ADD ("/hf/r4/unknown-element", test_unknown_element);
  ADD ("/hf/r4/examples-import", test_examples_import);
#undef ADD

  return g_test_run ();
}
