/* test-fhir.c — resource types, categories and patient-friendly summaries
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-fhir.h"

#include <string.h>

static char *
resolve_cb (const char *reference,
            gpointer    user_data)
{
  if (g_str_equal (reference, "Medication/amox"))
    return g_strdup ("Amoxicillin");
  if (g_str_equal (reference, "Medication/amox-caps"))
    return g_strdup ("Amoxicillin 500 MG Oral Capsule");
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
  /* No interpretation: the reference range decides, both ways. */
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Glucose\"},"
                  "\"valueQuantity\":{\"value\":70,\"unit\":\"mg/dL\"},"
                  "\"referenceRange\":[{\"low\":{\"value\":74},\"high\":{\"value\":106}}],"
                  "\"effectiveDateTime\":\"2020-01-05\"}",
                  "Glucose 70 mg/dL — low, 2020-01-05", "Normal range 74–106", HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"HbA1c\"},"
                  "\"valueQuantity\":{\"value\":6.3,\"unit\":\"%\"},"
                  "\"referenceRange\":[{\"high\":{\"value\":5.7,\"unit\":\"%\"}}],"
                  "\"effectiveDateTime\":\"2019-03-02\"}",
                  "HbA1c 6.3 % — high, 2019-03-02", "Normal below 5.7 %", HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"eGFR\"},"
                  "\"valueQuantity\":{\"value\":88,\"unit\":\"mL/min/{1.73_m2}\"},"
                  "\"referenceRange\":[{\"low\":{\"value\":60,\"unit\":\"mL/min/{1.73_m2}\"}}],"
                  "\"effectiveDateTime\":\"2019-03-02\"}",
                  "eGFR 88 mL/min/1.73 m² — normal, 2019-03-02",
                  "Normal above 60 mL/min/1.73 m²", HF_CATEGORY_OTHER);
  /* Blood pressure: systolic first even when the source lists diastolic first, and the UCUM
   * unit written as people write it. */
  assert_summary ("{\"resourceType\":\"Observation\","
                  "\"category\":[{\"coding\":[{\"code\":\"vital-signs\"}]}],"
                  "\"code\":{\"text\":\"Blood pressure\"},"
                  "\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\","
                  "\"code\":\"8462-4\"}]},\"valueQuantity\":{\"value\":80,\"unit\":\"mm[Hg]\"}},"
                  "{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"}]},"
                  "\"valueQuantity\":{\"value\":120,\"code\":\"mm[Hg]\"}}],"
                  "\"effectiveDateTime\":\"2021-06-01T10:00:00Z\"}",
                  "Blood pressure 120/80 mmHg, 2021-06-01", "Vital signs", HF_CATEGORY_VITALS);
  /* Words as values. */
  assert_summary ("{\"resourceType\":\"Observation\",\"category\":[{\"coding\":[{\"code\":"
                  "\"social-history\"}]}],\"code\":{\"text\":\"Smoking status\"},"
                  "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
                  "\"code\":\"266919005\",\"display\":\"Never smoker\"}]},"
                  "\"effectiveDateTime\":\"2018-01-01\"}",
                  "Smoking status: Never smoker, 2018-01-01", "Social history",
                  HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Urine color\"},"
                  "\"valueString\":\"pale yellow\",\"performer\":[{\"reference\":"
                  "\"Organization/acme\"}]}", "Urine color: pale yellow", "ACME Clinic",
                  HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Pregnant\"},"
                  "\"valueBoolean\":false}", "Pregnant: no", NULL, HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Pain score\"},"
                  "\"valueInteger\":3,\"valueQuantityX\":1}", "Pain score 3", NULL,
                  HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Pain score\"},"
                  "\"valueQuantity\":{\"value\":0,\"unit\":\"{score}\"}}", "Pain score 0", NULL,
                  HF_CATEGORY_OTHER);
  /* No value: said plainly, with the reason when there is one. */
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Body weight\"},"
                  "\"dataAbsentReason\":{\"coding\":[{\"code\":\"asked-declined\","
                  "\"display\":\"Asked But Declined\"}]},\"effectiveDateTime\":\"2022-01-01\"}",
                  "Body weight — no result (Asked But Declined), 2022-01-01", NULL,
                  HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Body weight\"},"
                  "\"effectivePeriod\":{\"start\":\"2022-01-01\"}}",
                  "Body weight, 2022-01-01", NULL, HF_CATEGORY_OTHER);
  /* Wrong shapes are read as absent, never trusted. */
  assert_summary ("{\"resourceType\":\"Observation\",\"code\":[1,2],\"valueQuantity\":\"7\","
                  "\"component\":[1,{\"valueQuantity\":{\"value\":\"x\"}}],\"category\":{},"
                  "\"performer\":[\"x\",null]}", "Observation", NULL, HF_CATEGORY_OTHER);
}

static void
assert_columns (const char *json,
                const char *status,
                const char *code,
                gboolean    has_value,
                double      value,
                const char *unit,
                const char *subject,
                const char *effective)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  HfFhirSummary s;

  hf_fhir_summarize (json_node_get_object (node), NULL, NULL, &s);
  g_assert_cmpstr (s.status, ==, status);
  g_assert_cmpstr (s.code, ==, code);
  g_assert_cmpint (s.has_value, ==, has_value);
  if (has_value)
    g_assert_cmpfloat_with_epsilon (s.value_num, value, 1e-9);
  g_assert_cmpstr (s.value_unit, ==, unit);
  g_assert_cmpstr (s.subject, ==, subject);
  g_assert_cmpstr (s.effective, ==, effective);
  hf_fhir_summary_clear (&s);
}

static void
test_columns (void)
{
  assert_columns ("{\"resourceType\":\"Observation\",\"status\":\"final\","
                  "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\","
                  "\"display\":\"Body weight\"}]},\"subject\":{\"reference\":\"Patient/p1\"},"
                  "\"valueQuantity\":{\"value\":71.5,\"unit\":\"kg\",\"code\":\"kg\"},"
                  "\"effectiveDateTime\":\"2021-03-02T23:30:00-02:00\"}",
                  "final", "29463-7", TRUE, 71.5, "kg", "Patient/p1", "2021-03-03T01:30:00Z");
  assert_columns ("{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{\"code\":"
                  "\"resolved\"}]},\"code\":{\"coding\":[{\"code\":\"44054006\"}]},"
                  "\"subject\":{\"reference\":\"Patient/p1\"},\"recordedDate\":\"2014-05\"}",
                  "resolved", "44054006", FALSE, 0, NULL, "Patient/p1", "2014-05");
  assert_columns ("{\"resourceType\":\"Immunization\",\"status\":\"completed\","
                  "\"vaccineCode\":{\"coding\":[{\"code\":\"140\"}]},"
                  "\"patient\":{\"reference\":\"Patient/p2\"},\"occurrenceDateTime\":\"2020-10-01\"}",
                  "completed", "140", FALSE, 0, NULL, "Patient/p2", "2020-10-01");
  assert_columns ("{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"active\","
                  "\"description\":{\"text\":\"Lose weight\"}}",
                  "active", NULL, FALSE, 0, NULL, NULL, NULL);
}

static void
test_medications (void)
{
  /* The example: the name from a referenced Medication, the dose and the timing. */
  assert_summary ("{\"resourceType\":\"MedicationRequest\",\"status\":\"active\","
                  "\"medicationReference\":{\"reference\":\"Medication/amox\"},"
                  "\"authoredOn\":\"2022-02-03\","
                  "\"dosageInstruction\":[{\"doseAndRate\":[{\"doseQuantity\":{\"value\":500,"
                  "\"unit\":\"mg\"}}],\"timing\":{\"repeat\":{\"frequency\":3,"
                  "\"period\":1,\"periodUnit\":\"d\"}}}]}",
                  "Amoxicillin 500 mg, 3 times a day — active, 2022-02-03", NULL,
                  HF_CATEGORY_MEDICATIONS);
  /* The strength is not said twice. */
  assert_summary ("{\"resourceType\":\"MedicationRequest\",\"status\":\"active\","
                  "\"medicationReference\":{\"reference\":\"Medication/amox-caps\"},"
                  "\"dosageInstruction\":[{\"doseAndRate\":[{\"doseQuantity\":{\"value\":500,"
                  "\"unit\":\"mg\"}}],\"timing\":{\"repeat\":{\"frequency\":2,"
                  "\"period\":1,\"periodUnit\":\"d\"}}}]}",
                  "Amoxicillin 500 MG Oral Capsule, twice a day — active", NULL,
                  HF_CATEGORY_MEDICATIONS);
  assert_summary ("{\"resourceType\":\"MedicationRequest\",\"status\":\"stopped\","
                  "\"medicationCodeableConcept\":{\"text\":\"Ibuprofen 200 mg\"},"
                  "\"requester\":{\"display\":\"Dr. Ada Jones\"},"
                  "\"dosageInstruction\":[{\"timing\":{\"repeat\":{\"frequency\":1,"
                  "\"period\":8,\"periodUnit\":\"h\"}},\"asNeededBoolean\":true}]}",
                  "Ibuprofen 200 mg, every 8 hours, as needed — stopped",
                  "Prescribed by Dr. Ada Jones", HF_CATEGORY_MEDICATIONS);
  /* A timing code, a reason for "as needed", a count of tablets. */
  assert_summary ("{\"resourceType\":\"MedicationRequest\",\"status\":\"active\","
                  "\"medicationCodeableConcept\":{\"text\":\"Paracetamol 500 mg tablet\"},"
                  "\"reasonCode\":[{\"text\":\"Back pain\"}],"
                  "\"dosageInstruction\":[{\"doseAndRate\":[{\"doseQuantity\":{\"value\":2}}],"
                  "\"timing\":{\"code\":{\"coding\":[{\"code\":\"QID\"}]}},"
                  "\"asNeededCodeableConcept\":{\"text\":\"pain\"}}]}",
                  "Paracetamol 500 mg tablet, 2 at a time, 4 times a day, as needed for pain — "
                  "active", "For Back pain", HF_CATEGORY_MEDICATIONS);
  /* Only the prescriber's words. */
  assert_summary ("{\"resourceType\":\"MedicationRequest\",\"status\":\"active\","
                  "\"medicationCodeableConcept\":{\"text\":\"Metformin 500 mg\"},"
                  "\"dosageInstruction\":[{\"text\":\"One tablet with breakfast\"}]}",
                  "Metformin 500 mg, One tablet with breakfast — active", NULL,
                  HF_CATEGORY_MEDICATIONS);
  /* A contained Medication, as many EHRs send it. */
  assert_summary ("{\"resourceType\":\"MedicationStatement\",\"status\":\"active\","
                  "\"contained\":[{\"resourceType\":\"Medication\",\"id\":\"m1\","
                  "\"code\":{\"text\":\"Lisinopril 10 mg\"}}],"
                  "\"medicationReference\":{\"reference\":\"#m1\"},"
                  "\"informationSource\":{\"display\":\"the patient\"},"
                  "\"dosage\":[{\"timing\":{\"repeat\":{\"frequency\":1,\"period\":1,"
                  "\"periodUnit\":\"d\"}}}],\"effectiveDateTime\":\"2021-01-01\"}",
                  "Lisinopril 10 mg, once a day — active, 2021-01-01",
                  "Reported by the patient", HF_CATEGORY_MEDICATIONS);
  assert_summary ("{\"resourceType\":\"MedicationDispense\",\"status\":\"completed\","
                  "\"medicationCodeableConcept\":{\"text\":\"Atorvastatin 20 mg\"},"
                  "\"quantity\":{\"value\":30,\"unit\":\"tablets\"},"
                  "\"daysSupply\":{\"value\":30,\"unit\":\"days\"},"
                  "\"whenHandedOver\":\"2021-02-01T12:00:00Z\"}",
                  "Atorvastatin 20 mg — completed, 2021-02-01",
                  "Dispensed 30 tablets · 30 days' supply", HF_CATEGORY_MEDICATIONS);
  assert_summary ("{\"resourceType\":\"MedicationAdministration\",\"status\":\"completed\","
                  "\"medicationCodeableConcept\":{\"text\":\"Ceftriaxone\"},"
                  "\"effectiveDateTime\":\"2021-02-01T12:00:00Z\"}",
                  "Ceftriaxone — completed, 2021-02-01", NULL, HF_CATEGORY_MEDICATIONS);
  assert_summary ("{\"resourceType\":\"Medication\",\"code\":{\"coding\":[{\"system\":"
                  "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"308182\","
                  "\"display\":\"Amoxicillin 250 MG Oral Capsule\"}]},"
                  "\"form\":{\"text\":\"capsule\"}}",
                  "Amoxicillin 250 MG Oral Capsule", "capsule", HF_CATEGORY_DIRECTORY);
}

static void
test_condition_allergy (void)
{
  assert_summary ("{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{"
                  "\"code\":\"active\"}]},\"code\":{\"coding\":[{\"display\":\"Prediabetes\"}]},"
                  "\"onsetDateTime\":\"2015-04-12T09:00:00+02:00\"}",
                  "Prediabetes — active since 2015-04-12", NULL,
                  HF_CATEGORY_PROBLEMS);
  assert_summary ("{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{"
                  "\"code\":\"resolved\"}]},\"code\":{\"text\":\"Sinusitis\"},"
                  "\"category\":[{\"coding\":[{\"display\":\"Problem List Item\"}]}],"
                  "\"onsetDateTime\":\"2016-01-10\",\"abatementDateTime\":\"2016-02-01\"}",
                  "Sinusitis — resolved 2016-02-01, 2016-01-10", "Problem List Item",
                  HF_CATEGORY_PROBLEMS);
  assert_summary ("{\"resourceType\":\"Condition\",\"verificationStatus\":{\"coding\":[{"
                  "\"code\":\"refuted\"}]},\"code\":{\"text\":\"Asthma\"}}",
                  "Ruled out: Asthma", NULL, HF_CATEGORY_PROBLEMS);
  assert_summary ("{\"resourceType\":\"AllergyIntolerance\",\"criticality\":\"high\","
                  "\"code\":{\"text\":\"Peanuts\"},\"reaction\":[{\"manifestation\":"
                  "[{\"text\":\"Hives\"},{\"text\":\"Swelling\"}]}],"
                  "\"recordedDate\":\"2010-01-01\"}",
                  "Allergy to Peanuts — high risk, 2010-01-01", "Reaction: Hives, Swelling",
                  HF_CATEGORY_ALLERGIES);
  assert_summary ("{\"resourceType\":\"AllergyIntolerance\",\"clinicalStatus\":{\"coding\":[{"
                  "\"code\":\"inactive\"}]},\"code\":{\"text\":\"Allergy to cats\"}}",
                  "Allergy to cats — inactive", NULL, HF_CATEGORY_ALLERGIES);
}

static void
test_others (void)
{
  assert_summary ("{\"resourceType\":\"Encounter\",\"type\":[{\"text\":\"Wellness visit\"}],"
                  "\"serviceProvider\":{\"reference\":\"Organization/acme\"},"
                  "\"participant\":[{\"individual\":{\"display\":\"Dr. Ada Jones\"}}],"
                  "\"reasonCode\":[{\"text\":\"Check-up\"}],"
                  "\"period\":{\"start\":\"2019-05-06T10:00:00Z\"}}",
                  "Wellness visit at ACME Clinic, 2019-05-06",
                  "Reason: Check-up · with Dr. Ada Jones", HF_CATEGORY_ENCOUNTERS);
  assert_summary ("{\"resourceType\":\"Encounter\",\"class\":{\"code\":\"AMB\","
                  "\"display\":\"ambulatory\"}}", "ambulatory visit", NULL,
                  HF_CATEGORY_ENCOUNTERS);
  assert_summary ("{\"resourceType\":\"Immunization\",\"status\":\"completed\","
                  "\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\","
                  "\"code\":\"207\"}]},\"occurrenceDateTime\":\"2021-01-01\","
                  "\"performer\":[{\"actor\":{\"display\":\"ABC General Hospital\"}}]}",
                  "CVX 207, 2021-01-01", "ABC General Hospital", HF_CATEGORY_IMMUNIZATIONS);
  assert_summary ("{\"resourceType\":\"Immunization\",\"status\":\"not-done\","
                  "\"vaccineCode\":{\"text\":\"Influenza\"},\"lotNumber\":\"X1\","
                  "\"location\":{\"reference\":\"Organization/acme\"}}",
                  "Influenza — not given", "ACME Clinic · lot X1", HF_CATEGORY_IMMUNIZATIONS);
  assert_summary ("{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Echevarría\","
                  "\"given\":[\"Carla\"]}],\"gender\":\"female\",\"birthDate\":\"2005-05-03\"}",
                  "Carla Echevarría", "Born 2005-05-03 · female", HF_CATEGORY_DIRECTORY);
  assert_summary ("{\"resourceType\":\"Procedure\",\"status\":\"completed\","
                  "\"code\":{\"text\":\"Appendectomy\"},\"performedPeriod\":{\"start\":"
                  "\"2001-07-04\"},\"performer\":[{\"actor\":{\"reference\":"
                  "\"Organization/acme\"}}]}", "Appendectomy, 2001-07-04", "ACME Clinic",
                  HF_CATEGORY_PROCEDURES);
  assert_summary ("{\"resourceType\":\"DiagnosticReport\",\"code\":{\"text\":\"Lipid panel\"},"
                  "\"result\":[{},{}],\"effectiveDateTime\":\"2018-02-02\","
                  "\"performer\":[{\"reference\":\"Organization/acme\"}]}",
                  "Lipid panel, 2018-02-02", "2 results · ACME Clinic", HF_CATEGORY_LAB_RESULTS);
  assert_summary ("{\"resourceType\":\"DocumentReference\",\"status\":\"current\","
                  "\"type\":{\"text\":\"Discharge summary\"},\"date\":\"2020-03-03T10:00:00Z\","
                  "\"author\":[{\"reference\":\"Organization/acme\"}],"
                  "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\","
                  "\"data\":\"SGVsbG8=\"}}]}", "Discharge summary, 2020-03-03",
                  "ACME Clinic · text/plain", HF_CATEGORY_DOCUMENTS);
  assert_summary ("{\"resourceType\":\"Coverage\",\"status\":\"active\","
                  "\"payor\":[{\"display\":\"Aetna\"}]}", "Insurance: Aetna — active", NULL,
                  HF_CATEGORY_BILLING);
  assert_summary ("{\"resourceType\":\"ExplanationOfBenefit\",\"type\":{\"text\":\"pharmacy\"},"
                  "\"total\":[{\"amount\":{\"value\":12.5,\"currency\":\"USD\"}}],"
                  "\"insurer\":{\"display\":\"Aetna\"},\"billablePeriod\":{\"start\":"
                  "\"2020-01-01\"}}", "Insurance statement (pharmacy) — 12.50 USD, 2020-01-01",
                  "Aetna", HF_CATEGORY_BILLING);
  assert_summary ("{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"active\","
                  "\"description\":{\"text\":\"Walk 30 minutes a day\"},"
                  "\"target\":[{\"dueDate\":\"2023-01-01\"}]}",
                  "Walk 30 minutes a day — active", "By 2023-01-01", HF_CATEGORY_CARE_PLANS);
  assert_summary ("{\"resourceType\":\"CarePlan\",\"status\":\"active\",\"category\":[{"
                  "\"text\":\"Diabetes self management plan\"}],\"activity\":[{},{}],"
                  "\"period\":{\"start\":\"2016-06-10\"}}",
                  "Diabetes self management plan — active, 2016-06-10", "2 activities",
                  HF_CATEGORY_CARE_PLANS);
  assert_summary ("{\"resourceType\":\"CareTeam\",\"status\":\"active\",\"name\":\"Diabetes "
                  "team\",\"participant\":[{},{},{}]}", "Diabetes team — active", "3 members",
                  HF_CATEGORY_CARE_PLANS);
  assert_summary ("{\"resourceType\":\"Practitioner\",\"name\":[{\"prefix\":[\"Dr.\"],"
                  "\"given\":[\"Ada\"],\"family\":\"Jones\"}],\"qualification\":[{\"code\":{"
                  "\"text\":\"MD\"}}]}", "Dr. Ada Jones", "MD", HF_CATEGORY_DIRECTORY);
  assert_summary ("{\"resourceType\":\"PractitionerRole\",\"practitioner\":{\"display\":"
                  "\"Dr. Ada Jones\"},\"specialty\":[{\"text\":\"Cardiology\"}],"
                  "\"organization\":{\"reference\":\"Organization/acme\"}}",
                  "Dr. Ada Jones, Cardiology", "ACME Clinic", HF_CATEGORY_DIRECTORY);
  assert_summary ("{\"resourceType\":\"RelatedPerson\",\"name\":[{\"text\":\"Maria Lopez\"}],"
                  "\"relationship\":[{\"text\":\"Mother\"}]}", "Maria Lopez", "Mother",
                  HF_CATEGORY_DIRECTORY);
  assert_summary ("{\"resourceType\":\"Organization\",\"name\":\"ACME Clinic\",\"type\":[{"
                  "\"text\":\"Healthcare Provider\"}],\"address\":[{\"city\":\"Springfield\","
                  "\"state\":\"IL\"}]}", "ACME Clinic",
                  "Healthcare Provider · Springfield, IL", HF_CATEGORY_DIRECTORY);
  assert_summary ("{\"resourceType\":\"Location\",\"name\":\"Ward 3\"}", "Ward 3", NULL,
                  HF_CATEGORY_DIRECTORY);
  assert_summary ("{\"resourceType\":\"Device\",\"status\":\"inactive\",\"type\":{\"text\":"
                  "\"Insulin pump\"},\"udiCarrier\":[{\"deviceIdentifier\":\"0001\"}]}",
                  "Insulin pump — inactive", "Device identifier 0001", HF_CATEGORY_DIRECTORY);
  assert_summary ("{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"code\":{"
                  "\"text\":\"Chest X-ray\"},\"requester\":{\"display\":\"Dr. Ada Jones\"},"
                  "\"authoredOn\":\"2020-02-02\"}", "Chest X-ray — active, 2020-02-02",
                  "Ordered by Dr. Ada Jones", HF_CATEGORY_CARE_PLANS);
  assert_summary ("{\"resourceType\":\"Specimen\",\"type\":{\"text\":\"Blood\"},"
                  "\"collection\":{\"collectedDateTime\":\"2020-02-02T08:00:00Z\"}}",
                  "Blood, 2020-02-02", NULL, HF_CATEGORY_LAB_RESULTS);
  assert_summary ("{\"resourceType\":\"Provenance\",\"recorded\":\"2020-02-02T08:00:00Z\","
                  "\"target\":[{}],\"agent\":[{\"who\":{\"reference\":\"Organization/acme\"}}]}",
                  "Record history, 2020-02-02", "About 1 record · ACME Clinic",
                  HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\","
                  "\"item\":[{},{}],\"authored\":\"2020-02-02\"}",
                  "Questionnaire answers — completed, 2020-02-02", "2 answers",
                  HF_CATEGORY_DOCUMENTS);
  /* Unknown to the summarizer: what it names, else its type in words, never its id. */
  assert_summary ("{\"resourceType\":\"Flag\",\"id\":\"f1\",\"meta\":{\"lastUpdated\":"
                  "\"2020-02-02T00:00:00Z\"}}", "Alert", NULL, HF_CATEGORY_PROBLEMS);
  assert_summary ("{\"resourceType\":\"TestScript\",\"id\":\"t1\"}", "Test script", NULL,
                  HF_CATEGORY_OTHER);
  assert_summary ("{\"resourceType\":\"Basic\",\"id\":\"b1\",\"code\":{\"text\":"
                  "\"Referral\"},\"created\":\"2013-05-14\"}", "Referral, 2013-05-14", "Note",
                  HF_CATEGORY_OTHER);
}

/* Looks up LABEL among FIELDS; the Nth (from 0) of that label. */
static const char *
field (GPtrArray  *fields,
       const char *label,
       guint       nth)
{
  for (guint i = 0; i < fields->len; i++)
    {
      HfFhirField *f = g_ptr_array_index (fields, i);
      if (g_str_equal (f->label, label) && nth-- == 0)
        return f->value;
    }
  return NULL;
}

static GPtrArray *
describe (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return hf_fhir_describe (json_node_get_object (node), resolve_cb, NULL);
}

static void
test_details (void)
{
  g_autoptr(GPtrArray) a1c = describe (
    "{\"resourceType\":\"Observation\",\"status\":\"final\","
    "\"category\":[{\"coding\":[{\"code\":\"laboratory\"}]}],"
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\","
    "\"display\":\"Hemoglobin A1c\"}]},\"subject\":{\"reference\":\"Patient/p1\"},"
    "\"performer\":[{\"reference\":\"Organization/acme\"}],"
    "\"valueQuantity\":{\"value\":6.3,\"unit\":\"%\"},"
    "\"referenceRange\":[{\"low\":{\"value\":4.0,\"unit\":\"%\"},"
    "\"high\":{\"value\":5.6,\"unit\":\"%\"}}],"
    "\"note\":[{\"text\":\"Fasting\"}],"
    "\"effectiveDateTime\":\"2019-03-02T08:30:00-05:00\"}");
  g_autoptr(GPtrArray) bp = describe (
    "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Blood pressure\"},"
    "\"component\":[{\"code\":{\"coding\":[{\"code\":\"8462-4\",\"display\":\"Diastolic\"}]},"
    "\"valueQuantity\":{\"value\":80,\"unit\":\"mmHg\"}},"
    "{\"code\":{\"coding\":[{\"code\":\"8480-6\",\"display\":\"Systolic\"}]},"
    "\"valueQuantity\":{\"value\":150,\"unit\":\"mmHg\"},"
    "\"interpretation\":[{\"coding\":[{\"code\":\"H\"}]}]}]}");
  g_autoptr(GPtrArray) rx = describe (
    "{\"resourceType\":\"MedicationRequest\",\"status\":\"active\","
    "\"medicationReference\":{\"reference\":\"Medication/amox\"},"
    "\"requester\":{\"reference\":\"Practitioner/unknown\"},"
    "\"authoredOn\":\"2022-02-03T09:15:00Z\","
    "\"dosageInstruction\":[{\"text\":\"Take with food\",\"doseAndRate\":[{\"doseQuantity\":"
    "{\"value\":500,\"unit\":\"mg\"}}],\"timing\":{\"repeat\":{\"frequency\":3,"
    "\"period\":1,\"periodUnit\":\"d\"}},\"route\":{\"text\":\"by mouth\"}}]}");
  g_autoptr(GPtrArray) absent = describe (
    "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Weight\"},"
    "\"dataAbsentReason\":{\"text\":\"Not performed\"}}");
  g_autoptr(GPtrArray) doc = describe (
    "{\"resourceType\":\"DocumentReference\",\"type\":{\"text\":\"Letter\"},"
    "\"content\":[{\"attachment\":{\"title\":\"letter.txt\",\"contentType\":\"text/plain\","
    "\"size\":5,\"data\":\"SGVsbG8=\"}}],\"custodian\":{\"reference\":\"Organization/acme\"}}");
  g_autoptr(GPtrArray) odd = describe ("{\"resourceType\":\"Basic\",\"code\":7,\"note\":[3]}");

  g_assert_cmpstr (field (a1c, "What", 0), ==, "Hemoglobin A1c (LOINC 4548-4)");
  g_assert_cmpstr (field (a1c, "Result", 0), ==, "6.3 %");
  g_assert_cmpstr (field (a1c, "Meaning", 0), ==, "High: above the normal range");
  g_assert_cmpstr (field (a1c, "Normal range", 0), ==, "4–5.6 %");
  g_assert_cmpstr (field (a1c, "Category", 0), ==, "Laboratory");
  g_assert_cmpstr (field (a1c, "Status", 0), ==, "final");
  g_assert_cmpstr (field (a1c, "Date", 0), ==, "2019-03-02 13:30");   /* 08:30-05:00, in UTC */
  g_assert_cmpstr (field (a1c, "Performed by", 0), ==, "ACME Clinic");
  g_assert_cmpstr (field (a1c, "Note", 0), ==, "Fasting");
  g_assert_null (field (a1c, "Patient", 0));    /* not found: not shown */

  g_assert_cmpstr (field (bp, "Systolic", 0), ==, "150 mmHg — high");
  g_assert_cmpstr (field (bp, "Diastolic", 0), ==, "80 mmHg");
  g_assert_cmpstr (((HfFhirField *) g_ptr_array_index (bp, 1))->label, ==, "Systolic");

  g_assert_cmpstr (field (rx, "Medication", 0), ==, "Amoxicillin");
  g_assert_cmpstr (field (rx, "Dose", 0), ==, "500 mg");
  g_assert_cmpstr (field (rx, "How often", 0), ==, "3 times a day");
  g_assert_cmpstr (field (rx, "How to take it", 0), ==, "by mouth");
  g_assert_cmpstr (field (rx, "Instructions", 0), ==, "Take with food");
  g_assert_cmpstr (field (rx, "Prescribed", 0), ==, "2022-02-03 09:15");
  g_assert_null (field (rx, "Prescribed by", 0));

  g_assert_cmpstr (field (absent, "No result", 0), ==, "Not performed");
  g_assert_null (field (absent, "Result", 0));

  g_assert_cmpstr (field (doc, "Attachment", 0), ==, "letter.txt · text/plain · 5 bytes · included");
  g_assert_cmpstr (field (doc, "Kept by", 0), ==, "ACME Clinic");

  g_assert_cmpuint (odd->len, ==, 0);
}

/* A date that is not a date may hold any text: cut at ten bytes, it must stay text (found by
 * fuzz-fhir: a two-byte character across the tenth byte). */
static void
test_dates_stay_text (void)
{
  static const char *const json[] = {
    "{\"resourceType\":\"Bundle\",\"meta\":{\"lastUpdated\":\"2020-01-0é9\"}}",
    "{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},"
    "\"code\":{\"text\":\"Asthma\"},\"onsetDateTime\":\"202ééééé-01\"}",
    "{\"resourceType\":\"Condition\",\"clinicalStatus\":{\"coding\":[{\"code\":\"resolved\"}]},"
    "\"code\":{\"text\":\"Asthma\"},\"abatementDateTime\":\"2020-01-0€\"}",
    "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"Pulse\"},"
    "\"effectiveDateTime\":\"2020-01-0€T10:0€:00\"}",
    "{\"resourceType\":\"Encounter\",\"period\":{\"start\":\"2020-01-0éT08:3é\","
    "\"end\":\"2020-01-0éT09:1é\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (json); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (json[i], NULL);
      g_autoptr(GPtrArray) fields = NULL;
      g_autofree char *line = NULL;
      HfFhirSummary s;

      g_assert_nonnull (node);
      hf_fhir_summarize (json_node_get_object (node), NULL, NULL, &s);
      line = hf_fhir_summary_line (&s);
      g_assert_true (g_utf8_validate (line, -1, NULL));
      g_assert_true (s.effective == NULL || g_utf8_validate (s.effective, -1, NULL));
      g_assert_true (s.subtitle == NULL || g_utf8_validate (s.subtitle, -1, NULL));
      fields = hf_fhir_describe (json_node_get_object (node), NULL, NULL);
      for (guint k = 0; k < fields->len; k++)
        {
          HfFhirField *f = g_ptr_array_index (fields, k);
          g_assert_true (g_utf8_validate (f->value, -1, NULL));
        }
      hf_fhir_summary_clear (&s);
    }
}

static void
assert_columns_context (const char *json,
                        const char *context)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  HfFhirSummary s;

  hf_fhir_summarize (json_node_get_object (node), NULL, NULL, &s);
  g_assert_cmpstr (s.context, ==, context);
  hf_fhir_summary_clear (&s);
}

/* {{{ on the fixtures: R4 examples, Synthea, Bulk Data (tests/data, see PROVENANCE.md) */

static char *
data_path (const char *folder,
           const char *name)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, folder, name, NULL);
}

/* The resource in tests/data/r4-examples/NAME (or the first TYPE in it, if a Bundle). */
static JsonNode *
load_example (const char *name,
              const char *type)
{
  g_autofree char *path = data_path ("r4-examples", name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *r;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  r = json_node_get_object (json_parser_get_root (parser));
  if (type != NULL && g_str_equal (json_object_get_string_member (r, "resourceType"), "Bundle"))
    {
      JsonArray *entries = json_object_get_array_member (r, "entry");
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonNode *e = json_object_get_member (json_array_get_object_element (entries, i),
                                                "resource");
          if (g_str_equal (json_object_get_string_member (json_node_get_object (e),
                                                          "resourceType"), type))
            return json_node_copy (e);
        }
      g_assert_not_reached ();
    }
  return json_node_copy (json_parser_get_root (parser));
}

static void
summarize_example (const char    *name,
                   const char    *type,
                   HfFhirSummary *s)
{
  g_autoptr(JsonNode) node = load_example (name, type);

  hf_fhir_summarize (json_node_get_object (node), NULL, NULL, s);
}

typedef struct
{
  GRegex     *uuid;
  GHashTable *categories;     /* category → count */
  guint       total;
  guint       checked;
  guint       other_not_observation;
} Sweep;

/* An id a reader would see as one: with a digit in it ("f001", "med0317", a UUID). Ids that are
 * words ("father", "home") may well be in a title. */
static gboolean
looks_like_id (const char *id)
{
  if (id == NULL || strlen (id) < 3)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;
  return FALSE;
}

static void
sweep_resource (Sweep      *sw,
                JsonObject *r,
                const char *file)
{
  const char *type = json_object_get_string_member_with_default (r, "resourceType", "");
  const char *id = json_object_get_string_member_with_default (r, "id", NULL);
  g_autofree char *type_id = NULL;
  HfFhirSummary s;

  if (g_str_equal (type, "Bundle") && json_object_has_member (r, "entry"))
    {
      JsonArray *entries = json_object_get_array_member (r, "entry");
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *e = json_array_get_object_element (entries, i);
          if (e != NULL && json_object_has_member (e, "resource"))
            sweep_resource (sw, json_object_get_object_member (e, "resource"), file);
        }
      return;
    }
  hf_fhir_summarize (r, NULL, NULL, &s);
  /* The share of "other" is of a patient's records: not of the definitions (ValueSet,
   * StructureDefinition…) that the examples also hold, which are about nobody. */
  if (s.subject == NULL && g_str_equal (s.category, HF_CATEGORY_OTHER))
    goto titles;
  sw->total++;
  if (g_str_equal (s.category, HF_CATEGORY_OTHER) && !g_str_equal (type, "Observation"))
    sw->other_not_observation++;
  g_hash_table_insert (sw->categories, (gpointer) s.category,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (sw->categories,
                                                                                s.category))
                                         + 1));
titles:
  type_id = g_strdup_printf ("%s %s", type, id ? id : "");
  if (s.title[0] == '\0' || !g_utf8_validate (s.title, -1, NULL) ||
      g_str_has_prefix (s.title, type_id) ||
      (looks_like_id (id) && strstr (s.title, id) != NULL) ||
      g_regex_match (sw->uuid, s.title, 0, NULL) ||
      strstr (s.title, "(disorder)") != NULL || strstr (s.title, "(finding)") != NULL ||
      strstr (s.title, "(procedure)") != NULL || strstr (s.title, "(situation)") != NULL)
    g_error ("%s: the %s %s is titled “%s”", file, type, id ? id : "without an id", s.title);
  sw->checked++;
  hf_fhir_summary_clear (&s);
}

static void
sweep_folder (Sweep      *sw,
              const char *folder)
{
  g_autofree char *dir_path = data_path (folder, NULL);
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
          for (guint i = 0; lines[i] != NULL; i++)
            {
              g_autoptr(JsonNode) node = lines[i][0] ? json_from_string (lines[i], NULL) : NULL;
              if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
                sweep_resource (sw, json_node_get_object (node), name);
            }
        }
      else
        {
          g_autoptr(JsonNode) node = json_from_string (text, NULL);
          g_assert_nonnull (node);
          sweep_resource (sw, json_node_get_object (node), name);
        }
    }
}

static double
other_share (Sweep *sw)
{
  return 100.0 * GPOINTER_TO_UINT (g_hash_table_lookup (sw->categories, HF_CATEGORY_OTHER)) /
         MAX (sw->total, 1);
}

/* No title is empty, an id, a UUID or carries a SNOMED CT semantic tag, over every resource of
 * the R4 examples slice, the Synthea patients and the Bulk Data files; and "other" holds almost
 * nothing of the patients' records. */
static void
test_sweep (void)
{
  Sweep patients = { g_regex_new ("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                                  "[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", 0, 0, NULL),
                     g_hash_table_new (g_str_hash, g_str_equal), 0, 0, 0 };
  Sweep examples = { g_regex_ref (patients.uuid), g_hash_table_new (g_str_hash, g_str_equal),
                     0, 0, 0 };

  sweep_folder (&patients, "synthea");
  sweep_folder (&patients, "bulk-ndjson");
  sweep_folder (&examples, "r4-examples");
  g_test_message ("Synthea and Bulk: %u resources, %.1f%% other; R4 examples: %u, %.1f%% other",
                  patients.total, other_share (&patients), examples.total,
                  other_share (&examples));
  g_assert_cmpuint (patients.checked, >, 1000);
  g_assert_cmpuint (examples.checked, >, 250);
  /* What is left in "other" is Observations without a category (surveys, scores). */
  g_assert_cmpuint (patients.other_not_observation, ==, 0);
  g_assert_cmpfloat (other_share (&patients), <, 2.0);
  g_assert_cmpfloat (other_share (&examples), <, 20.0);
  g_regex_unref (patients.uuid);
  g_regex_unref (examples.uuid);
  g_hash_table_unref (patients.categories);
  g_hash_table_unref (examples.categories);
}

static void
assert_example (const char *name,
                const char *type,
                const char *title,
                const char *category)
{
  HfFhirSummary s;

  summarize_example (name, type, &s);
  g_assert_cmpstr (s.title, ==, title);
  if (category != NULL)
    g_assert_cmpstr (s.category, ==, category);
  hf_fhir_summary_clear (&s);
}

/* A changed copy of an example: MEMBER of its top level set to the JSON VALUE. */
static void
assert_changed_example (const char *name,
                        const char *member,
                        const char *value,
                        const char *title,
                        const char *status)
{
  g_autoptr(JsonNode) node = load_example (name, NULL);
  JsonNode *v = json_from_string (value, NULL);
  HfFhirSummary s;

  json_object_set_member (json_node_get_object (node), member, v);
  hf_fhir_summarize (json_node_get_object (node), NULL, NULL, &s);
  g_assert_cmpstr (s.title, ==, title);
  g_assert_cmpstr (s.status, ==, status);
  hf_fhir_summary_clear (&s);
}

static void
test_negations (void)
{
  /* "NKDA", "NKA", SNOMED CT 409137002 / 716186003 / 716184000: no allergy at all. */
  assert_example ("allergyintolerance-nkda.json", NULL, "No known drug allergies",
                  HF_CATEGORY_ALLERGIES);
  assert_example ("allergyintolerance-nka.json", NULL, "No known allergies",
                  HF_CATEGORY_ALLERGIES);
  assert_example ("allergyintolerance-nkla.json", NULL, "No known latex allergy",
                  HF_CATEGORY_ALLERGIES);
  /* An empty list that says nothing is known: a medication review with no medicines. */
  assert_example ("list-example-empty.json", NULL, "No known medicines",
                  HF_CATEGORY_MEDICATIONS);
  /* SNOMED CT 160245001 "No current problems or disability". */
  assert_summary ("{\"resourceType\":\"Condition\",\"code\":{\"coding\":[{\"system\":"
                  "\"http://snomed.info/sct\",\"code\":\"160245001\",\"display\":"
                  "\"No current problems or disability\"}]},\"recordedDate\":\"2020-01-01\"}",
                  "No known problems, 2020-01-01", NULL, HF_CATEGORY_PROBLEMS);
  /* Refuted and mistaken records say so, and their status is not "active". */
  assert_changed_example ("condition-example-f201-fever.json", "verificationStatus",
                          "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                          "condition-ver-status\",\"code\":\"refuted\"}]}",
                          "Ruled out: Fever", "refuted");
  assert_changed_example ("condition-example-f201-fever.json", "verificationStatus",
                          "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                          "condition-ver-status\",\"code\":\"entered-in-error\"}]}",
                          "Entered in error: Fever", "entered-in-error");
  assert_changed_example ("allergyintolerance-example.json", "verificationStatus",
                          "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                          "allergyintolerance-verification\",\"code\":\"refuted\"}]}",
                          "Ruled out: Allergy to Cashew nuts", "refuted");
  assert_changed_example ("appointment-example.json", "status", "\"entered-in-error\"",
                          "Entered in error: Appointment: Discussion on the results of your "
                          "recent MRI", "entered-in-error");
}

static void
test_coded_words (void)
{
  HfFhirSummary s;
  g_autoptr(JsonNode) report = load_example ("diagnosticreport-example-f001-bloodexam.json",
                                             "DiagnosticReport");
  g_autoptr(GPtrArray) fields = hf_fhir_describe (json_node_get_object (report), NULL, NULL);
  g_autoptr(JsonNode) fever = load_example ("condition-example-f201-fever.json", NULL);
  g_autoptr(GPtrArray) fever_fields = hf_fhir_describe (json_node_get_object (fever), NULL,
                                                        NULL);

  /* Condition category "problem-list-item"; v2-0074 "HM"; clinical status "resolved". */
  summarize_example ("condition-example-f201-fever.json", NULL, &s);
  g_assert_cmpstr (s.subtitle, ==, "Problem list");
  hf_fhir_summary_clear (&s);
  g_assert_cmpstr (field (fields, "Category", 0), ==, "Hematology");
  g_assert_cmpstr (field (fever_fields, "Status", 0), ==, "Resolved, Confirmed");
  assert_summary ("{\"resourceType\":\"Condition\",\"category\":[{\"coding\":[{\"system\":"
                  "\"http://terminology.hl7.org/CodeSystem/condition-category\",\"code\":"
                  "\"encounter-diagnosis\",\"display\":\"Encounter Diagnosis\"}]}],"
                  "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":"
                  "\"195662009\",\"display\":\"Acute viral pharyngitis (disorder)\"}]}}",
                  "Acute viral pharyngitis", "Diagnosis at a visit", HF_CATEGORY_PROBLEMS);
  /* Only a trailing tag goes; other parentheses stay. */
  assert_summary ("{\"resourceType\":\"Procedure\",\"code\":{\"text\":\"Screening (regime/therapy)"
                  "\"}}", "Screening", NULL, HF_CATEGORY_PROCEDURES);
  assert_summary ("{\"resourceType\":\"Procedure\",\"code\":{\"text\":\"Hib (PRP-OMP)\"}}",
                  "Hib (PRP-OMP)", NULL, HF_CATEGORY_PROCEDURES);
  assert_summary ("{\"resourceType\":\"Procedure\",\"status\":\"in-progress\",\"code\":{\"text\":"
                  "\"(finding)\"}}", "(finding) — in progress", NULL, HF_CATEGORY_PROCEDURES);
}

/* Each type by the date a patient means. */
static void
test_example_dates (void)
{
  static const struct { const char *file; const char *type; const char *effective; } dates[] = {
    { "appointment-example.json", NULL, "2013-12-10T09:00:00Z" },     /* start, not created */
    { "appointment-example-request.json", NULL, "2016-06-02" },   /* asked for, not created */
    { "composition-example.json", NULL, "2012-01-04T09:10:14Z" },
    { "consent-example-Emergency.json", NULL, "2015-11-18" },
    { "familymemberhistory-example.json", NULL, "2011-03-18" },
    { "riskassessment-example-cardiac.json", NULL, "2014-07-19T16:04:00Z" },
    { "nutritionorder-example-diabeticdiet.json", NULL, "2014-09-17" },
    { "visionprescription-example.json", NULL, "2014-06-15" },
    { "episodeofcare-example.json", NULL, "2014-09-01" },
    { "clinicalimpression-example.json", NULL, "2014-12-06T09:00:00Z" },
    { "adverseevent-example.json", NULL, "2017-01-29T12:34:56Z" },
    { "detectedissue-example.json", NULL, "2014-01-05" },
    { "flag-example.json", NULL, "2015-01-17" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      HfFhirSummary s;
      summarize_example (dates[i].file, dates[i].type, &s);
      g_assert_cmpstr (s.effective, ==, dates[i].effective);
      hf_fhir_summary_clear (&s);
    }
}

static void
test_example_titles (void)
{
  assert_example ("appointment-example.json", NULL,
                  "Appointment: Discussion on the results of your recent MRI — booked",
                  HF_CATEGORY_ENCOUNTERS);
  assert_example ("familymemberhistory-example.json", NULL, "Father: Heart Attack",
                  HF_CATEGORY_PROBLEMS);
  assert_example ("riskassessment-example-cardiac.json", NULL, "Risk of Heart Attack 2%",
                  HF_CATEGORY_PROBLEMS);
  assert_example ("composition-example.json", NULL, "Consultation Note", HF_CATEGORY_DOCUMENTS);
  assert_example ("consent-example-Emergency.json", NULL, "Consent: Privacy — active",
                  HF_CATEGORY_DOCUMENTS);
  assert_example ("nutritionorder-example-diabeticdiet.json", NULL,
                  "Diet: DD - Diabetic diet — active", HF_CATEGORY_CARE_PLANS);
  assert_example ("visionprescription-example.json", NULL, "Glasses prescription",
                  HF_CATEGORY_CARE_PLANS);
  assert_example ("episodeofcare-example.json", NULL, "Home and Community Care — active",
                  HF_CATEGORY_ENCOUNTERS);
  assert_example ("detectedissue-example.json", NULL, "Drug Interaction Alert — high risk",
                  HF_CATEGORY_PROBLEMS);
  assert_example ("media-example.json", NULL, "Diagram", HF_CATEGORY_DOCUMENTS);
}

static void
test_example_categories (void)
{
  static const struct { const char *file; const char *type; const char *category; } cats[] = {
    { "claim-example.json", NULL, HF_CATEGORY_BILLING },
    { "explanationofbenefit-example.json", NULL, HF_CATEGORY_BILLING },
    { "coverage-example.json", NULL, HF_CATEGORY_BILLING },
    { "claimresponse-example.json", NULL, HF_CATEGORY_BILLING },
    { "paymentnotice-example.json", NULL, HF_CATEGORY_BILLING },
    { "careplan-example.json", NULL, HF_CATEGORY_CARE_PLANS },
    { "careteam-example.json", NULL, HF_CATEGORY_CARE_PLANS },
    { "goal-example.json", NULL, HF_CATEGORY_CARE_PLANS },
    { "servicerequest-example.json", NULL, HF_CATEGORY_CARE_PLANS },
    { "patient-example.json", NULL, HF_CATEGORY_DIRECTORY },
    { "practitioner-example.json", NULL, HF_CATEGORY_DIRECTORY },
    { "practitionerrole-example.json", NULL, HF_CATEGORY_DIRECTORY },
    { "organization-example.json", NULL, HF_CATEGORY_DIRECTORY },
    { "location-example.json", NULL, HF_CATEGORY_DIRECTORY },
    { "relatedperson-example.json", NULL, HF_CATEGORY_DIRECTORY },
    { "healthcareservice-example.json", NULL, HF_CATEGORY_DIRECTORY },
    { "documentreference-example.json", NULL, HF_CATEGORY_DOCUMENTS },
    { "binary-f006.json", NULL, HF_CATEGORY_DOCUMENTS },
    { "clinicalimpression-example.json", NULL, HF_CATEGORY_PROBLEMS },
    { "immunizationrecommendation-example.json", NULL, HF_CATEGORY_IMMUNIZATIONS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cats); i++)
    {
      HfFhirSummary s;
      summarize_example (cats[i].file, cats[i].type, &s);
      if (g_strcmp0 (s.category, cats[i].category) != 0)
        g_error ("%s: %s, not %s", cats[i].file, s.category, cats[i].category);
      hf_fhir_summary_clear (&s);
    }
}

/* What search reads: "heart attack" in family history and a risk assessment, a clinical
 * document's section titles. */
static void
test_search_text (void)
{
  static const struct { const char *file; const char *words; } texts[] = {
    { "familymemberhistory-example.json", "heart attack" },
    { "familymemberhistory-example.json", "went doing someting he loved" },
    { "riskassessment-example-cardiac.json", "heart attack" },
    { "questionnaireresponse-example-ussg-fht-answers.json", "heart attack" },   /* an answer */
    { "composition-example.json", "history of family member diseases" },
    { "communication-example.json", "serum potassium" },
    { "clinicalimpression-example.json", "motor vehicle accident" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      HfFhirSummary s;
      g_autofree char *all = NULL;
      g_autofree char *folded = NULL;

      summarize_example (texts[i].file, NULL, &s);
      all = g_strjoin (" ", s.title, s.search_codes ? s.search_codes : "",
                       s.search_notes ? s.search_notes : "", NULL);
      folded = g_utf8_casefold (all, -1);
      if (strstr (folded, texts[i].words) == NULL)
        g_error ("%s: “%s” is not in “%s”", texts[i].file, texts[i].words, all);
      hf_fhir_summary_clear (&s);
    }
}

static void
test_example_details (void)
{
  g_autoptr(JsonNode) fmh = load_example ("familymemberhistory-example.json", NULL);
  g_autoptr(JsonNode) risk = load_example ("riskassessment-example-cardiac.json", NULL);
  g_autoptr(JsonNode) appt = load_example ("appointment-example.json", NULL);
  g_autoptr(JsonNode) consent = load_example ("consent-example-Emergency.json", NULL);
  g_autoptr(JsonNode) vision = load_example ("visionprescription-example.json", NULL);
  g_autoptr(GPtrArray) f1 = hf_fhir_describe (json_node_get_object (fmh), NULL, NULL);
  g_autoptr(GPtrArray) f2 = hf_fhir_describe (json_node_get_object (risk), NULL, NULL);
  g_autoptr(GPtrArray) f3 = hf_fhir_describe (json_node_get_object (appt), NULL, NULL);
  g_autoptr(GPtrArray) f4 = hf_fhir_describe (json_node_get_object (consent), NULL, NULL);
  g_autoptr(GPtrArray) f5 = hf_fhir_describe (json_node_get_object (vision), NULL, NULL);

  g_assert_cmpstr (field (f1, "Relative", 0), ==, "father (FTH)");
  /* The age's unit is written by the units table (hf-fhir-text.c), not checked here. */
  g_assert_true (g_str_has_prefix (field (f1, "Condition", 0),
                                   "Heart Attack (SNOMED CT 315619001), from age 74 "));
  g_assert_true (g_str_has_suffix (field (f1, "Condition", 0), ", contributed to death"));
  g_assert_cmpstr (field (f1, "Status", 0), ==, "completed");
  g_assert_cmpstr (field (f2, "Prediction", 0), ==, "Heart Attack: 2% chance (at 39–49 years)");
  g_assert_cmpstr (field (f3, "Starts", 0), ==, "2013-12-10 09:00");
  g_assert_cmpstr (field (f3, "Status", 0), ==, "booked");
  g_assert_nonnull (field (f3, "With", 0));
  g_assert_cmpstr (field (f4, "What", 0), ==, "Privacy (patient-privacy)");
  g_assert_cmpstr (field (f4, "Date", 0), ==, "2015-11-18");
  g_assert_cmpstr (field (f5, "Right eye", 0), ==, "sphere -2, add 2");
}

/* The visit a record was made at, whatever the type calls it. */
static void
test_example_context (void)
{
  static const struct { const char *file; const char *context; } visits[] = {
    { "riskassessment-example-cardiac.json", "Encounter/example" },
    { "composition-example.json", "Encounter/xcda" },
    { "nutritionorder-example-diabeticdiet.json", "Encounter/example" },
    { "communication-example.json", "Encounter/example" },
    { "clinicalimpression-example.json", "Encounter/example" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (visits); i++)
    {
      HfFhirSummary s;
      summarize_example (visits[i].file, NULL, &s);
      g_assert_cmpstr (s.context, ==, visits[i].context);
      hf_fhir_summary_clear (&s);
    }
  assert_columns_context ("{\"resourceType\":\"DocumentReference\",\"context\":{\"encounter\":"
                          "[{\"reference\":\"Encounter/e1\"}]}}", "Encounter/e1");
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hf/fhir/types", test_types);
  g_test_add_func ("/hf/fhir/observation", test_observation);
  g_test_add_func ("/hf/fhir/columns", test_columns);
  g_test_add_func ("/hf/fhir/medications", test_medications);
  g_test_add_func ("/hf/fhir/condition-allergy", test_condition_allergy);
  g_test_add_func ("/hf/fhir/others", test_others);
  g_test_add_func ("/hf/fhir/details", test_details);
  g_test_add_func ("/hf/fhir/dates-stay-text", test_dates_stay_text);
  g_test_add_func ("/hf/fhir/sweep", test_sweep);
  g_test_add_func ("/hf/fhir/negations", test_negations);
  g_test_add_func ("/hf/fhir/coded-words", test_coded_words);
  g_test_add_func ("/hf/fhir/example-dates", test_example_dates);
  g_test_add_func ("/hf/fhir/example-titles", test_example_titles);
  g_test_add_func ("/hf/fhir/example-categories", test_example_categories);
  g_test_add_func ("/hf/fhir/search-text", test_search_text);
  g_test_add_func ("/hf/fhir/example-details", test_example_details);
  g_test_add_func ("/hf/fhir/example-context", test_example_context);

  return g_test_run ();
}
