/* test-fhir.c — resource types, categories and patient-friendly summaries
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-fhir.h"

static char *
resolve_cb (const char *reference,
            gpointer    user_data)
{
  if (g_str_equal (reference, "Medication/amox"))
    return g_strdup ("Amoxicillin 500 mg");
  if (g_str_equal (reference, "Organization/acme"))
    return g_strdup ("ACME Clinic");
  return NULL;
}

/* Summarizes JSON; returns "TITLE, DATE" and checks the category and subtitle. */
static void
assert_summary (const char *json,
                const char *line,
                const char *subtitle,
                const char *category)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autofree char *got = NULL;
  HfFhirSummary s;

  g_assert_nonnull (node);
  hf_fhir_summarize (json_node_get_object (node), resolve_cb, NULL, &s);
  got = hf_fhir_summary_line (&s);
  g_assert_cmpstr (got, ==, line);
  g_assert_cmpstr (s.subtitle, ==, subtitle);
  g_assert_cmpstr (s.category, ==, category);
  hf_fhir_summary_clear (&s);
}

static void
test_types (void)
{
  g_assert_true (hf_fhir_is_resource_type ("Patient"));
  g_assert_true (hf_fhir_is_resource_type ("Account"));
  g_assert_true (hf_fhir_is_resource_type ("VisionPrescription"));
  g_assert_true (hf_fhir_is_resource_type ("MedicinalProductUndesirableEffect"));
  g_assert_false (hf_fhir_is_resource_type ("Observaton"));
  g_assert_false (hf_fhir_is_resource_type ("patient"));
  g_assert_false (hf_fhir_is_resource_type (""));
  g_assert_true (hf_fhir_is_category ("lab-results"));
  g_assert_false (hf_fhir_is_category ("labs"));
}

static void
test_observation (void)
{
  assert_summary ("{\"resourceType\":\"Observation\",\"status\":\"final\","
                  "\"category\":[{\"coding\":[{\"code\":\"laboratory\"}]}],"
                  "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
                  "\"display\":\"Hemoglobin A1c\"}]},"
                  "\"valueQuantity\":{\"value\":6.3,\"unit\":\"%\"},"
                  "\"interpretation\":[{\"coding\":[{\"code\":\"H\"}]}],"
                  "\"referenceRange\":[{\"low\":{\"value\":4.0,\"unit\":\"%\"},"
                  "\"high\":{\"value\":5.6,\"unit\":\"%\"}}],"
                  "\"effectiveDateTime\":\"2019-03-02T08:30:00-05:00\"}",
                  "Hemoglobin A1c 6.3 % — high, 2019-03-02", "Normal range 4–5.6 %",
                  HF_CATEGORY_LAB_RESULTS);
  /* No interpretation: the reference range decides. */
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Glucose\"},"
                  "\"valueQuantity\":{\"value\":70,\"unit\":\"mg/dL\"},"
                  "\"referenceRange\":[{\"low\":{\"value\":74},\"high\":{\"value\":106}}],"
                  "\"effectiveDateTime\":\"2020-01-05\"}",
                  "Glucose 70 mg/dL — low, 2020-01-05", "Normal range 74–106", HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\","
                  "\"category\":[{\"coding\":[{\"code\":\"vital-signs\","
                  "\"display\":\"Vital signs\"}]}],\"code\":{\"text\":\"Blood pressure\"},"
                  "\"component\":[{\"valueQuantity\":{\"value\":120,\"unit\":\"mmHg\"}},"
                  "{\"valueQuantity\":{\"value\":80,\"unit\":\"mmHg\"}}],"
                  "\"effectiveDateTime\":\"2021-06-01T10:00:00Z\"}",
                  "Blood pressure 120/80 mmHg, 2021-06-01", "Vital signs", HF_CATEGORY_VITALS);
}

static void
test_medication_request (void)
{
  assert_summary ("{\"resourceType\":\"MedicationRequest\",\"status\":\"active\","
                  "\"medicationReference\":{\"reference\":\"Medication/amox\"},"
                  "\"authoredOn\":\"2022-02-03\","
                  "\"dosageInstruction\":[{\"timing\":{\"repeat\":{\"frequency\":3,"
                  "\"period\":1,\"periodUnit\":\"d\"}}}]}",
                  "Amoxicillin 500 mg, 3 times a day — active, 2022-02-03", NULL,
                  HF_CATEGORY_MEDICATIONS);
  assert_summary ("{\"resourceType\":\"MedicationRequest\",\"status\":\"stopped\","
                  "\"medicationCodeableConcept\":{\"text\":\"Ibuprofen 200 mg\"},"
                  "\"requester\":{\"display\":\"Dr. Ada Jones\"},"
                  "\"dosageInstruction\":[{\"timing\":{\"repeat\":{\"frequency\":1,"
                  "\"period\":8,\"periodUnit\":\"h\"}},\"asNeededBoolean\":true}]}",
                  "Ibuprofen 200 mg, every 8 hours, as needed — stopped",
                  "Prescribed by Dr. Ada Jones", HF_CATEGORY_MEDICATIONS);
}

static void
test_condition_allergy (void)
{
  assert_summary ("{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{"
                  "\"code\":\"active\"}]},\"code\":{\"coding\":[{\"display\":\"Prediabetes\"}]},"
                  "\"onsetDateTime\":\"2015-04-12T09:00:00+02:00\"}",
                  "Prediabetes — active since 2015-04-12", NULL,
                  HF_CATEGORY_PROBLEMS);
  assert_summary ("{\"resourceType\":\"AllergyIntolerance\",\"criticality\":\"high\","
                  "\"code\":{\"text\":\"Peanuts\"},\"reaction\":[{\"manifestation\":"
                  "[{\"text\":\"Hives\"}]}],\"recordedDate\":\"2010-01-01\"}",
                  "Allergy to Peanuts — high risk, 2010-01-01", "Reaction: Hives",
                  HF_CATEGORY_ALLERGIES);
}

static void
test_others (void)
{
  assert_summary ("{\"resourceType\":\"Encounter\",\"type\":[{\"text\":\"Wellness visit\"}],"
                  "\"serviceProvider\":{\"reference\":\"Organization/acme\"},"
                  "\"period\":{\"start\":\"2019-05-06T10:00:00Z\"}}",
                  "Wellness visit at ACME Clinic, 2019-05-06", NULL, HF_CATEGORY_ENCOUNTERS);
  assert_summary ("{\"resourceType\":\"Immunization\",\"status\":\"completed\","
                  "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\","
                  "\"code\":\"207\"}]},\"occurrenceDateTime\":\"2021-01-01\","
                  "\"performer\":[{\"actor\":{\"display\":\"ABC General Hospital\"}}]}",
                  "CVX 207, 2021-01-01", "ABC General Hospital", HF_CATEGORY_IMMUNIZATIONS);
  assert_summary ("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Echevarría\","
                  "\"given\":[\"Carla\"]}],\"gender\":\"female\",\"birthDate\":\"2005-05-03\"}",
                  "Carla Echevarría", "Born 2005-05-03 · female", HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Procedure\",\"status\":\"completed\","
                  "\"code\":{\"text\":\"Appendectomy\"},\"performedPeriod\":{\"start\":"
                  "\"2001-07-04\"}}", "Appendectomy, 2001-07-04", NULL, HF_CATEGORY_PROCEDURES);
  assert_summary ("{\"resourceType\":\"DiagnosticReport\",\"code\":{\"text\":\"Lipid panel\"},"
                  "\"result\":[{},{}],\"effectiveDateTime\":\"2018-02-02\"}",
                  "Lipid panel, 2018-02-02", "2 results", HF_CATEGORY_LAB_RESULTS);
  assert_summary ("{\"resourceType\":\"Coverage\",\"status\":\"active\","
                  "\"payor\":[{\"display\":\"Aetna\"}]}", "Insurance: Aetna — active", NULL,
                  HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"active\","
                  "\"description\":{\"text\":\"Walk 30 minutes a day\"}}",
                  "Walk 30 minutes a day — active", NULL, HF_CATEGORY_OTHER);
  /* Unknown to the summarizer: type, id and date. */
  assert_summary ("{\"resourceType\":\"Flag\",\"id\":\"f1\",\"meta\":{\"lastUpdated\":"
                  "\"2020-02-02T00:00:00Z\"}}", "Flag f1, 2020-02-02", NULL, HF_CATEGORY_OTHER);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hf/fhir/types", test_types);
  g_test_add_func ("/hf/fhir/observation", test_observation);
  g_test_add_func ("/hf/fhir/medication-request", test_medication_request);
  g_test_add_func ("/hf/fhir/condition-allergy", test_condition_allergy);
  g_test_add_func ("/hf/fhir/others", test_others);

  return g_test_run ();
}
