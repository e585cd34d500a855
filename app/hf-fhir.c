/* hf-fhir.c — understanding FHIR R4 resources: types, categories, patient-friendly summaries
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Summaries are written for the patient, not the clinician: the name of the thing, its value
 * and what the value means, its state, and the date. Nothing here fails: a resource that lacks
 * what a summary wants gets a plainer summary, never an error.
 */

#include "hf-fhir.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every resource type of FHIR R4 (4.0.1), sorted for bsearch. */
static const char * const resource_types[] = {
  "Account", "ActivityDefinition", "AdverseEvent", "AllergyIntolerance", "Appointment",
  "AppointmentResponse", "AuditEvent", "Basic", "Binary", "BiologicallyDerivedProduct",
  "BodyStructure", "Bundle", "CapabilityStatement", "CarePlan", "CareTeam", "CatalogEntry",
  "ChargeItem", "ChargeItemDefinition", "Claim", "ClaimResponse", "ClinicalImpression",
  "CodeSystem", "Communication", "CommunicationRequest", "CompartmentDefinition", "Composition",
  "ConceptMap", "Condition", "Consent", "Contract", "Coverage", "CoverageEligibilityRequest",
  "CoverageEligibilityResponse", "DetectedIssue", "Device", "DeviceDefinition", "DeviceMetric",
  "DeviceRequest", "DeviceUseStatement", "DiagnosticReport", "DocumentManifest",
  "DocumentReference", "EffectEvidenceSynthesis", "Encounter", "Endpoint", "EnrollmentRequest",
  "EnrollmentResponse", "EpisodeOfCare", "EventDefinition", "Evidence", "EvidenceVariable",
  "ExampleScenario", "ExplanationOfBenefit", "FamilyMemberHistory", "Flag", "Goal",
  "GraphDefinition", "Group", "GuidanceResponse", "HealthcareService", "ImagingStudy",
  "Immunization", "ImmunizationEvaluation", "ImmunizationRecommendation", "ImplementationGuide",
  "InsurancePlan", "Invoice", "Library", "Linkage", "List", "Location", "Measure",
  "MeasureReport", "Media", "Medication", "MedicationAdministration", "MedicationDispense",
  "MedicationKnowledge", "MedicationRequest", "MedicationStatement", "MedicinalProduct",
  "MedicinalProductAuthorization", "MedicinalProductContraindication",
  "MedicinalProductIndication", "MedicinalProductIngredient", "MedicinalProductInteraction",
  "MedicinalProductManufactured", "MedicinalProductPackaged", "MedicinalProductPharmaceutical",
  "MedicinalProductUndesirableEffect", "MessageDefinition", "MessageHeader", "MolecularSequence",
  "NamingSystem", "NutritionOrder", "Observation", "ObservationDefinition",
  "OperationDefinition", "OperationOutcome", "Organization", "OrganizationAffiliation",
  "Parameters", "Patient", "PaymentNotice", "PaymentReconciliation", "Person", "PlanDefinition",
  "Practitioner", "PractitionerRole", "Procedure", "Provenance", "Questionnaire",
  "QuestionnaireResponse", "RelatedPerson", "RequestGroup", "ResearchDefinition",
  "ResearchElementDefinition", "ResearchStudy", "ResearchSubject", "RiskAssessment",
  "RiskEvidenceSynthesis", "Schedule", "SearchParameter", "ServiceRequest", "Slot", "Specimen",
  "SpecimenDefinition", "StructureDefinition", "StructureMap", "Subscription", "Substance",
  "SubstanceNucleicAcid", "SubstancePolymer", "SubstanceProtein",
  "SubstanceReferenceInformation", "SubstanceSourceMaterial", "SubstanceSpecification",
  "SupplyDelivery", "SupplyRequest", "Task", "TerminologyCapabilities", "TestReport",
  "TestScript", "ValueSet", "VerificationResult", "VisionPrescription",
};

static int
compare_type (const void *key,
              const void *member)
{
  return strcmp (key, *(const char * const *) member);
}

gboolean
hf_fhir_is_resource_type (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);

  return bsearch (name, resource_types, G_N_ELEMENTS (resource_types), sizeof (char *),
                  compare_type) != NULL;
}

static const struct { const char *id; const char *label; } categories[] = {
  { HF_CATEGORY_PROBLEMS, "Problems" },
  { HF_CATEGORY_MEDICATIONS, "Medications" },
  { HF_CATEGORY_ALLERGIES, "Allergies" },
  { HF_CATEGORY_IMMUNIZATIONS, "Immunizations" },
  { HF_CATEGORY_LAB_RESULTS, "Lab results" },
  { HF_CATEGORY_VITALS, "Vital signs" },
  { HF_CATEGORY_PROCEDURES, "Procedures" },
  { HF_CATEGORY_ENCOUNTERS, "Visits" },
  { HF_CATEGORY_DOCUMENTS, "Documents" },
  { HF_CATEGORY_OTHER, "Other" },
};

const char *
hf_fhir_category_label (const char *category)
{
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (g_strcmp0 (categories[i].id, category) == 0)
      return categories[i].label;
  return NULL;
}

gboolean
hf_fhir_is_category (const char *category)
{
  return hf_fhir_category_label (category) != NULL;
}

/* {{{ reading JSON without fuss */

static JsonObject *
obj (JsonObject *o,
     const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonArray *
arr (JsonObject *o,
     const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static JsonObject *
first_obj (JsonObject *o,
           const char *name)
{
  JsonArray *a = arr (o, name);
  JsonNode *n = a && json_array_get_length (a) > 0 ? json_array_get_element (a, 0) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static const char *
str (JsonObject *o,
     const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gboolean
num (JsonObject *o,
     const char *name,
     double     *value)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  GType t;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  t = json_node_get_value_type (n);
  if (t == G_TYPE_INT64)
    *value = (double) json_node_get_int (n);
  else if (t == G_TYPE_DOUBLE)
    *value = json_node_get_double (n);
  else
    return FALSE;
  return TRUE;
}

/* For reading, not for storage: at most two decimals ("53.35 kg", not "53.3458767756843"). */
static char *
format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", round (value * 100) / 100));
}

static const char *
system_name (const char *system)
{
  static const struct { const char *part; const char *name; } known[] = {
    { "loinc", "LOINC" }, { "snomed", "SNOMED CT" }, { "rxnorm", "RxNorm" },
    { "cvx", "CVX" }, { "icd-10", "ICD-10" }, { "ndc", "NDC" }, { "cpt", "CPT" },
  };

  for (guint i = 0; system != NULL && i < G_N_ELEMENTS (known); i++)
    if (strstr (system, known[i].part) != NULL)
      return known[i].name;
  return NULL;
}

/* The words for a CodeableConcept: its text, else a coding's display, else "SYSTEM code". */
static char *
concept_text (JsonObject *cc)
{
  JsonArray *codings = arr (cc, "coding");
  JsonObject *first = first_obj (cc, "coding");

  if (str (cc, "text") != NULL)
    return g_strdup (str (cc, "text"));
  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *c = json_array_get_object_element (codings, i);
      if (str (c, "display") != NULL)
        return g_strdup (str (c, "display"));
    }
  if (str (first, "code") != NULL)
    {
      const char *sys = system_name (str (first, "system"));
      return sys ? g_strdup_printf ("%s %s", sys, str (first, "code"))
                 : g_strdup (str (first, "code"));
    }
  return NULL;
}

static char *
concept_code (JsonObject *o,
              const char *name)
{
  JsonObject *cc = obj (o, name);
  JsonObject *c = first_obj (cc, "coding");

  return c && str (c, "code") ? g_strdup (str (c, "code")) : NULL;
}

static char *
reference_text (JsonObject        *ref,
                HfFhirResolveFunc  resolve,
                gpointer           user_data)
{
  char *name = NULL;

  if (ref == NULL)
    return NULL;
  if (str (ref, "display") != NULL)
    return g_strdup (str (ref, "display"));
  if (resolve != NULL && str (ref, "reference") != NULL)
    name = resolve (str (ref, "reference"), user_data);
  return name;
}

static char *
human_name (JsonObject *name)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *given = arr (name, "given");
  JsonArray *prefix = arr (name, "prefix");

  if (name == NULL)
    return NULL;
  if (str (name, "text") != NULL)
    return g_strdup (str (name, "text"));
  for (guint i = 0; prefix != NULL && i < json_array_get_length (prefix); i++)
    g_string_append_printf (s, "%s%s", s->len ? " " : "",
                            json_array_get_string_element (prefix, i));
  for (guint i = 0; given != NULL && i < json_array_get_length (given); i++)
    g_string_append_printf (s, "%s%s", s->len ? " " : "",
                            json_array_get_string_element (given, i));
  if (str (name, "family") != NULL)
    g_string_append_printf (s, "%s%s", s->len ? " " : "", str (name, "family"));
  return s->len ? g_strdup (s->str) : NULL;
}

/* }}} */
/* {{{ dates */

/* "2019-03-02T10:00:00-05:00" → "2019-03-02T15:00:00Z"; dates and partial dates stay as they
 * are, so text order is time order. */
static char *
sortable_date (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (text == NULL || strlen (text) < 4)
    return NULL;
  if (strchr (text, 'T') == NULL)
    return g_strdup (text);
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return g_strndup (text, 10);
  utc = g_date_time_to_utc (dt);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static const char *
first_date (JsonObject *r,
            ...)
{
  const char *found = NULL;
  const char *name;
  va_list args;

  va_start (args, r);
  while (found == NULL && (name = va_arg (args, const char *)) != NULL)
    {
      const char *dot = strchr (name, '.');
      if (dot != NULL)
        {
          g_autofree char *outer = g_strndup (name, dot - name);
          found = str (obj (r, outer), dot + 1);
        }
      else
        found = str (r, name);
    }
  va_end (args);
  return found;
}

static char *
display_date (const char *text)
{
  return text ? g_strndup (text, 10) : NULL;
}

/* }}} */
/* {{{ phrases */

static const char *
interpretation_word (const char *code)
{
  static const struct { const char *code; const char *word; } words[] = {
    { "H", "high" }, { "HH", "critically high" }, { "HU", "very high" },
    { "L", "low" }, { "LL", "critically low" }, { "LU", "very low" },
    { "N", "normal" }, { "A", "abnormal" }, { "AA", "critically abnormal" },
    { "POS", "positive" }, { "NEG", "negative" }, { "DET", "detected" },
    { "ND", "not detected" },
  };

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (words[i].code, code))
      return words[i].word;
  return NULL;
}

static char *
quantity_text (JsonObject *q,
               double     *value,
               char      **unit_out)
{
  double v;
  g_autofree char *n = NULL;
  const char *unit;

  if (!num (q, "value", &v))
    return NULL;
  n = format_number (v);
  unit = str (q, "unit") ? str (q, "unit") : str (q, "code");
  if (value != NULL)
    *value = v;
  if (unit_out != NULL)
    *unit_out = g_strdup (unit);
  return unit ? g_strdup_printf ("%s %s", n, unit) : g_steal_pointer (&n);
}

static const char *
unit_word (const char *unit,
           gboolean    plural)
{
  static const struct { const char *code; const char *one; const char *many; } units[] = {
    { "s", "second", "seconds" }, { "min", "minute", "minutes" }, { "h", "hour", "hours" },
    { "d", "day", "days" }, { "wk", "week", "weeks" }, { "mo", "month", "months" },
    { "a", "year", "years" },
  };

  for (guint i = 0; unit != NULL && i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (units[i].code, unit))
      return plural ? units[i].many : units[i].one;
  return NULL;
}

/* "3 times a day", "once a week", "every 8 hours", "as needed". */
static char *
timing_text (JsonObject *dosage)
{
  JsonObject *repeat = obj (obj (dosage, "timing"), "repeat");
  g_autoptr(GString) s = g_string_new (NULL);
  double frequency = 1, period = 0;
  const char *unit = str (repeat, "periodUnit");
  JsonNode *as_needed = dosage ? json_object_get_member (dosage, "asNeededBoolean") : NULL;

  if (str (dosage, "text") != NULL)
    return g_strdup (str (dosage, "text"));
  num (repeat, "frequency", &frequency);
  if (num (repeat, "period", &period) && unit_word (unit, FALSE) != NULL)
    {
      if (period == 1)
        {
          if (frequency == 1)
            g_string_append (s, "once");
          else if (frequency == 2)
            g_string_append (s, "twice");
          else
            g_string_append_printf (s, "%g times", frequency);
          g_string_append_printf (s, " a%s %s", g_str_equal (unit, "h") ? "n" : "",
                                  unit_word (unit, FALSE));
        }
      else if (frequency == 1)
        g_string_append_printf (s, "every %g %s", period, unit_word (unit, TRUE));
      else
        g_string_append_printf (s, "%g times every %g %s", frequency, period,
                                unit_word (unit, TRUE));
    }
  if (as_needed != NULL && JSON_NODE_HOLDS_VALUE (as_needed) &&
      json_node_get_value_type (as_needed) == G_TYPE_BOOLEAN && json_node_get_boolean (as_needed))
    g_string_append_printf (s, "%sas needed", s->len ? ", " : "");
  return s->len ? g_strdup (s->str) : NULL;
}

static void
append_part (GString    *s,
             const char *separator,
             const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (s->len > 0)
    g_string_append (s, separator);
  g_string_append (s, part);
}

static char *
join_notes (JsonObject *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *notes = arr (r, "note");

  for (guint i = 0; notes != NULL && i < json_array_get_length (notes); i++)
    append_part (s, " ", str (json_array_get_object_element (notes, i), "text"));
  append_part (s, " ", str (r, "description"));
  append_part (s, " ", str (r, "valueString"));
  append_part (s, " ", str (r, "comment"));
  return s->len ? g_strdup (s->str) : NULL;
}

static void
add_concept_codes (GString    *s,
                   JsonObject *cc)
{
  JsonArray *codings = arr (cc, "coding");

  append_part (s, " ", str (cc, "text"));
  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *c = json_array_get_object_element (codings, i);
      append_part (s, " ", str (c, "display"));
      append_part (s, " ", str (c, "code"));
    }
}

/* }}} */
/* {{{ per type */

typedef struct
{
  JsonObject        *r;
  HfFhirResolveFunc  resolve;
  gpointer           data;
  HfFhirSummary     *out;
  GString           *title;
  GString           *subtitle;
  const char        *when;       /* the resource's date, as written */
} Ctx;

static void
set_primary_code (Ctx        *ctx,
                  JsonObject *cc)
{
  JsonObject *c = first_obj (cc, "coding");

  if (c != NULL && ctx->out->code == NULL)
    {
      ctx->out->code_system = g_strdup (str (c, "system"));
      ctx->out->code = g_strdup (str (c, "code"));
      ctx->out->code_display = concept_text (cc);
    }
}

static void
title_concept (Ctx        *ctx,
               JsonObject *cc,
               const char *fallback)
{
  g_autofree char *text = concept_text (cc);

  set_primary_code (ctx, cc);
  g_string_append (ctx->title, text ? text : fallback);
}

static const char *
clinical_status (JsonObject *r)
{
  JsonObject *cs = obj (r, "clinicalStatus");
  JsonObject *c = first_obj (cs, "coding");

  return str (c, "code") ? str (c, "code") : str (cs, "text");
}

static void
summarize_observation (Ctx *ctx)
{
  JsonObject *r = ctx->r;
  JsonObject *interp = first_obj (r, "interpretation");
  JsonObject *range = first_obj (r, "referenceRange");
  JsonArray *components = arr (r, "component");
  const char *word = NULL;
  g_autofree char *value = NULL;
  g_autofree char *concept_value = NULL;

  title_concept (ctx, obj (r, "code"), "Observation");

  value = quantity_text (obj (r, "valueQuantity"), &ctx->out->value_num, &ctx->out->value_unit);
  ctx->out->has_value = value != NULL;
  if (value == NULL && obj (r, "valueCodeableConcept") != NULL)
    value = concept_text (obj (r, "valueCodeableConcept"));
  if (value == NULL && str (r, "valueString") != NULL)
    value = g_strdup (str (r, "valueString"));
  if (value == NULL && components != NULL)
    {
      /* Blood pressure and other panels: "120/80 mmHg" when the units agree. */
      g_autoptr(GString) parts = g_string_new (NULL);
      g_autofree char *unit = NULL;
      gboolean same_unit = TRUE;

      for (guint i = 0; i < json_array_get_length (components); i++)
        {
          JsonObject *q = obj (json_array_get_object_element (components, i), "valueQuantity");
          double v;
          g_autofree char *n = NULL;
          if (!num (q, "value", &v))
            continue;
          n = format_number (v);
          append_part (parts, "/", n);
          if (unit == NULL)
            unit = g_strdup (str (q, "unit") ? str (q, "unit") : str (q, "code"));
          else if (g_strcmp0 (unit, str (q, "unit") ? str (q, "unit") : str (q, "code")) != 0)
            same_unit = FALSE;
        }
      if (parts->len > 0 && same_unit)
        value = unit ? g_strdup_printf ("%s %s", parts->str, unit) : g_strdup (parts->str);
    }
  if (value != NULL)
    g_string_append_printf (ctx->title, " %s", value);

  if (interp != NULL)
    {
      JsonObject *c = first_obj (interp, "coding");
      word = interpretation_word (str (c, "code"));
      if (word == NULL)
        word = str (interp, "text") ? str (interp, "text") : str (c, "display");
    }
  else if (ctx->out->has_value && range != NULL)
    {
      double low, high;
      if (num (obj (range, "high"), "value", &high) && ctx->out->value_num > high)
        word = "high";
      else if (num (obj (range, "low"), "value", &low) && ctx->out->value_num < low)
        word = "low";
      else
        word = "normal";
    }
  if (word != NULL)
    g_string_append_printf (ctx->title, " — %s", word);

  if (range != NULL)
    {
      g_autofree char *low = quantity_text (obj (range, "low"), NULL, NULL);
      g_autofree char *high = quantity_text (obj (range, "high"), NULL, NULL);
      if (str (range, "text") != NULL)
        g_string_append_printf (ctx->subtitle, "Normal range %s", str (range, "text"));
      else if (low != NULL && high != NULL)
        {
          double l = 0;
          g_autofree char *ln = num (obj (range, "low"), "value", &l) ? format_number (l) : NULL;
          g_string_append_printf (ctx->subtitle, "Normal range %s–%s", ln, high);
        }
      else if (high != NULL)
        g_string_append_printf (ctx->subtitle, "Normal below %s", high);
      else if (low != NULL)
        g_string_append_printf (ctx->subtitle, "Normal above %s", low);
    }
  if (ctx->subtitle->len == 0)
    {
      g_autofree char *performer = reference_text (first_obj (r, "performer"), ctx->resolve,
                                                   ctx->data);
      g_autofree char *category = concept_text (first_obj (r, "category"));
      append_part (ctx->subtitle, " · ", category);
      append_part (ctx->subtitle, " · ", performer);
    }
  ctx->when = first_date (r, "effectiveDateTime", "effectivePeriod.start", "effectiveInstant",
                          "issued", NULL);
}

static char *
medication_name (Ctx *ctx)
{
  JsonObject *cc = obj (ctx->r, "medicationCodeableConcept");

  if (cc != NULL)
    {
      set_primary_code (ctx, cc);
      return concept_text (cc);
    }
  return reference_text (obj (ctx->r, "medicationReference"), ctx->resolve, ctx->data);
}

static void
summarize_medication_use (Ctx        *ctx,
                          const char *dosage_member)
{
  g_autofree char *name = medication_name (ctx);
  JsonObject *dosage = first_obj (ctx->r, dosage_member);
  g_autofree char *timing = timing_text (dosage);
  g_autofree char *requester = reference_text (obj (ctx->r, "requester"), ctx->resolve,
                                               ctx->data);

  g_string_append (ctx->title, name ? name : "Medication");
  if (timing != NULL)
    g_string_append_printf (ctx->title, ", %s", timing);
  if (str (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s", str (ctx->r, "status"));
  if (requester != NULL)
    g_string_append_printf (ctx->subtitle, "Prescribed by %s", requester);
  ctx->when = first_date (ctx->r, "authoredOn", "effectiveDateTime", "effectivePeriod.start",
                          "dateAsserted", "whenHandedOver", "whenPrepared", NULL);
}

static void
summarize_condition (Ctx *ctx)
{
  const char *status = clinical_status (ctx->r);
  const char *onset = first_date (ctx->r, "onsetDateTime", "onsetPeriod.start", NULL);
  const char *abated = first_date (ctx->r, "abatementDateTime", "abatementPeriod.start", NULL);
  g_autofree char *category = concept_text (first_obj (ctx->r, "category"));

  title_concept (ctx, obj (ctx->r, "code"), "Condition");
  if (g_strcmp0 (status, "active") == 0 && onset != NULL)
    g_string_append_printf (ctx->title, " — active since %.10s", onset);
  else if (g_strcmp0 (status, "resolved") == 0 && abated != NULL)
    g_string_append_printf (ctx->title, " — resolved %.10s", abated);
  else if (status != NULL)
    g_string_append_printf (ctx->title, " — %s", status);
  append_part (ctx->subtitle, " · ", category);
  ctx->when = onset ? onset : first_date (ctx->r, "recordedDate", NULL);
}

static void
summarize_allergy (Ctx *ctx)
{
  g_autofree char *what = concept_text (obj (ctx->r, "code"));
  const char *status = clinical_status (ctx->r);
  const char *criticality = str (ctx->r, "criticality");
  JsonArray *reactions = arr (ctx->r, "reaction");

  set_primary_code (ctx, obj (ctx->r, "code"));
  /* Many systems name the allergy ("Allergy to grass pollen"), not the substance. */
  if (what != NULL && strstr (what, "llergy") != NULL)
    g_string_append (ctx->title, what);
  else
    g_string_append_printf (ctx->title, "Allergy to %s", what ? what : "an unnamed substance");
  if (g_strcmp0 (criticality, "high") == 0)
    g_string_append (ctx->title, " — high risk");
  else if (status != NULL && !g_str_equal (status, "active"))
    g_string_append_printf (ctx->title, " — %s", status);
  for (guint i = 0; reactions != NULL && i < json_array_get_length (reactions); i++)
    {
      g_autofree char *m = concept_text (first_obj (json_array_get_object_element (reactions, i),
                                                    "manifestation"));
      if (m != NULL)
        {
          if (ctx->subtitle->len == 0)
            g_string_append (ctx->subtitle, "Reaction: ");
          else
            g_string_append (ctx->subtitle, ", ");
          g_string_append (ctx->subtitle, m);
        }
    }
  ctx->when = first_date (ctx->r, "onsetDateTime", "recordedDate", NULL);
}

static void
summarize_immunization (Ctx *ctx)
{
  g_autofree char *performer = reference_text (obj (first_obj (ctx->r, "performer"), "actor"),
                                               ctx->resolve, ctx->data);
  g_autofree char *location = reference_text (obj (ctx->r, "location"), ctx->resolve, ctx->data);

  title_concept (ctx, obj (ctx->r, "vaccineCode"), "Vaccination");
  if (g_strcmp0 (str (ctx->r, "status"), "not-done") == 0)
    g_string_append (ctx->title, " — not given");
  append_part (ctx->subtitle, " · ", performer ? performer : location);
  if (str (ctx->r, "lotNumber") != NULL)
    g_string_append_printf (ctx->subtitle, "%slot %s", ctx->subtitle->len ? " · " : "",
                            str (ctx->r, "lotNumber"));
  ctx->when = first_date (ctx->r, "occurrenceDateTime", "recorded", NULL);
}

static void
summarize_procedure (Ctx *ctx)
{
  const char *status = str (ctx->r, "status");
  g_autofree char *performer = reference_text (obj (first_obj (ctx->r, "performer"), "actor"),
                                               ctx->resolve, ctx->data);
  g_autofree char *location = reference_text (obj (ctx->r, "location"), ctx->resolve, ctx->data);

  title_concept (ctx, obj (ctx->r, "code"), "Procedure");
  if (status != NULL && !g_str_equal (status, "completed"))
    g_string_append_printf (ctx->title, " — %s", status);
  append_part (ctx->subtitle, " · ", location ? location : performer);
  ctx->when = first_date (ctx->r, "performedDateTime", "performedPeriod.start", NULL);
}

static void
summarize_encounter (Ctx *ctx)
{
  g_autofree char *type = concept_text (first_obj (ctx->r, "type"));
  JsonObject *klass = obj (ctx->r, "class");
  g_autofree char *where = reference_text (obj (ctx->r, "serviceProvider"), ctx->resolve,
                                           ctx->data);
  g_autofree char *reason = concept_text (first_obj (ctx->r, "reasonCode"));
  g_autofree char *who = reference_text (obj (first_obj (ctx->r, "participant"), "individual"),
                                         ctx->resolve, ctx->data);

  if (where == NULL)
    where = reference_text (obj (first_obj (ctx->r, "location"), "location"), ctx->resolve,
                            ctx->data);
  set_primary_code (ctx, first_obj (ctx->r, "type"));
  if (type != NULL)
    g_string_append (ctx->title, type);
  else if (str (klass, "display") != NULL)
    g_string_append_printf (ctx->title, "%s visit", str (klass, "display"));
  else
    g_string_append (ctx->title, "Visit");
  if (where != NULL)
    g_string_append_printf (ctx->title, " at %s", where);
  if (reason != NULL)
    g_string_append_printf (ctx->subtitle, "Reason: %s", reason);
  if (who != NULL)
    g_string_append_printf (ctx->subtitle, "%swith %s", ctx->subtitle->len ? " · " : "", who);
  ctx->when = first_date (ctx->r, "period.start", NULL);
}

static void
summarize_report (Ctx *ctx)
{
  JsonArray *results = arr (ctx->r, "result");
  g_autofree char *performer = reference_text (first_obj (ctx->r, "performer"), ctx->resolve,
                                               ctx->data);

  title_concept (ctx, obj (ctx->r, "code"), "Report");
  if (results != NULL && json_array_get_length (results) > 0)
    g_string_append_printf (ctx->subtitle, "%u result%s", json_array_get_length (results),
                            json_array_get_length (results) == 1 ? "" : "s");
  append_part (ctx->subtitle, " · ", performer);
  ctx->when = first_date (ctx->r, "effectiveDateTime", "effectivePeriod.start", "issued", NULL);
}

static void
summarize_document (Ctx *ctx)
{
  JsonObject *attachment = obj (first_obj (ctx->r, "content"), "attachment");
  g_autofree char *type = concept_text (obj (ctx->r, "type"));
  g_autofree char *author = reference_text (first_obj (ctx->r, "author"), ctx->resolve,
                                            ctx->data);

  set_primary_code (ctx, obj (ctx->r, "type"));
  g_string_append (ctx->title, str (ctx->r, "description") ? str (ctx->r, "description")
                               : type ? type : str (attachment, "title") ? str (attachment, "title")
                               : "Document");
  append_part (ctx->subtitle, " · ", author);
  append_part (ctx->subtitle, " · ", str (attachment, "contentType"));
  ctx->when = first_date (ctx->r, "date", NULL);
}

static void
summarize_patient (Ctx *ctx)
{
  g_autofree char *name = human_name (first_obj (ctx->r, "name"));
  const char *birth = str (ctx->r, "birthDate");

  g_string_append (ctx->title, name ? name : "Patient");
  if (birth != NULL)
    g_string_append_printf (ctx->subtitle, "Born %s", birth);
  append_part (ctx->subtitle, " · ", str (ctx->r, "gender"));
}

static void
summarize_person (Ctx *ctx)
{
  g_autofree char *name = human_name (first_obj (ctx->r, "name"));
  g_autofree char *relation = concept_text (first_obj (ctx->r, "relationship"));
  g_autofree char *qualification = concept_text (obj (first_obj (ctx->r, "qualification"),
                                                      "code"));

  g_string_append (ctx->title, name ? name : json_object_get_string_member (ctx->r,
                                                                            "resourceType"));
  append_part (ctx->subtitle, " · ", relation ? relation : qualification);
}

static void
summarize_place (Ctx *ctx)
{
  JsonObject *address = obj (ctx->r, "address") ? obj (ctx->r, "address")
                                                 : first_obj (ctx->r, "address");
  g_autofree char *type = concept_text (first_obj (ctx->r, "type"));

  g_string_append (ctx->title, str (ctx->r, "name") ? str (ctx->r, "name")
                               : json_object_get_string_member (ctx->r, "resourceType"));
  append_part (ctx->subtitle, " · ", type);
  if (address != NULL)
    {
      append_part (ctx->subtitle, " · ", str (address, "city"));
      if (str (address, "city") != NULL)
        append_part (ctx->subtitle, ", ", str (address, "state"));
    }
}

static void
summarize_practitioner_role (Ctx *ctx)
{
  g_autofree char *who = reference_text (obj (ctx->r, "practitioner"), ctx->resolve, ctx->data);
  g_autofree char *role = concept_text (first_obj (ctx->r, "code"));
  g_autofree char *specialty = concept_text (first_obj (ctx->r, "specialty"));
  g_autofree char *org = reference_text (obj (ctx->r, "organization"), ctx->resolve, ctx->data);

  g_string_append (ctx->title, who ? who : "Practitioner");
  append_part (ctx->title, ", ", specialty ? specialty : role);
  append_part (ctx->subtitle, " · ", org);
}

static void
summarize_plan (Ctx        *ctx,
                const char *fallback)
{
  g_autofree char *category = concept_text (first_obj (ctx->r, "category"));
  const char *status = str (ctx->r, "status");

  g_string_append (ctx->title, str (ctx->r, "title") ? str (ctx->r, "title")
                               : str (ctx->r, "name") ? str (ctx->r, "name")
                               : category ? category : fallback);
  if (status != NULL)
    g_string_append_printf (ctx->title, " — %s", status);
  if (g_str_equal (fallback, "Care team"))
    {
      JsonArray *p = arr (ctx->r, "participant");
      if (p != NULL)
        g_string_append_printf (ctx->subtitle, "%u member%s", json_array_get_length (p),
                                json_array_get_length (p) == 1 ? "" : "s");
    }
  else
    append_part (ctx->subtitle, " · ", str (ctx->r, "description"));
  ctx->when = first_date (ctx->r, "period.start", "created", NULL);
}

static void
summarize_goal (Ctx *ctx)
{
  g_autofree char *what = concept_text (obj (ctx->r, "description"));

  g_string_append (ctx->title, what ? what : "Goal");
  if (str (ctx->r, "lifecycleStatus") != NULL)
    g_string_append_printf (ctx->title, " — %s", str (ctx->r, "lifecycleStatus"));
  ctx->when = first_date (ctx->r, "startDate", "statusDate", NULL);
}

static void
summarize_device (Ctx *ctx)
{
  JsonObject *name = first_obj (ctx->r, "deviceName");
  g_autofree char *type = concept_text (obj (ctx->r, "type"));

  set_primary_code (ctx, obj (ctx->r, "type"));
  g_string_append (ctx->title, str (name, "name") ? str (name, "name") : type ? type : "Device");
  if (str (ctx->r, "status") != NULL && !g_str_equal (str (ctx->r, "status"), "active"))
    g_string_append_printf (ctx->title, " — %s", str (ctx->r, "status"));
  if (str (first_obj (ctx->r, "udiCarrier"), "deviceIdentifier") != NULL)
    g_string_append_printf (ctx->subtitle, "Device identifier %s",
                            str (first_obj (ctx->r, "udiCarrier"), "deviceIdentifier"));
  ctx->when = first_date (ctx->r, "manufactureDate", NULL);
}

static void
summarize_claim (Ctx        *ctx,
                 const char *what)
{
  g_autofree char *type = concept_text (obj (ctx->r, "type"));
  JsonObject *total = obj (ctx->r, "total");
  g_autofree char *insurer = reference_text (obj (ctx->r, "insurer"), ctx->resolve, ctx->data);
  double v;

  if (total == NULL)
    total = obj (first_obj (ctx->r, "total"), "amount");
  g_string_append (ctx->title, what);
  if (type != NULL)
    g_string_append_printf (ctx->title, " (%s)", type);
  if (num (total, "value", &v))
    g_string_append_printf (ctx->title, " — %.2f %s", v,
                            str (total, "currency") ? str (total, "currency") : "");
  while (ctx->title->len > 0 && ctx->title->str[ctx->title->len - 1] == ' ')
    g_string_truncate (ctx->title, ctx->title->len - 1);
  append_part (ctx->subtitle, " · ", insurer);
  ctx->when = first_date (ctx->r, "billablePeriod.start", "created", NULL);
}

static void
summarize_coverage (Ctx *ctx)
{
  g_autofree char *payor = reference_text (first_obj (ctx->r, "payor"), ctx->resolve, ctx->data);
  g_autofree char *type = concept_text (obj (ctx->r, "type"));

  g_string_append (ctx->title, "Insurance");
  append_part (ctx->title, ": ", payor ? payor : type);
  if (str (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s", str (ctx->r, "status"));
  ctx->when = first_date (ctx->r, "period.start", NULL);
}

static void
summarize_request (Ctx *ctx)
{
  title_concept (ctx, obj (ctx->r, "code"), "Order");
  if (str (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s", str (ctx->r, "status"));
  ctx->when = first_date (ctx->r, "occurrenceDateTime", "authoredOn", NULL);
}

static void
summarize_specimen (Ctx *ctx)
{
  title_concept (ctx, obj (ctx->r, "type"), "Specimen");
  ctx->when = first_date (ctx->r, "collection.collectedDateTime", "receivedTime", NULL);
}

static void
summarize_misc (Ctx *ctx)
{
  const char *type = json_object_get_string_member (ctx->r, "resourceType");

  if (g_str_equal (type, "Medication"))
    title_concept (ctx, obj (ctx->r, "code"), "Medication");
  else if (g_str_equal (type, "Provenance"))
    {
      g_autofree char *who = reference_text (obj (first_obj (ctx->r, "agent"), "who"),
                                             ctx->resolve, ctx->data);
      g_string_append (ctx->title, "Record history");
      append_part (ctx->subtitle, " · ", who);
      ctx->when = first_date (ctx->r, "recorded", NULL);
    }
  else if (g_str_equal (type, "QuestionnaireResponse"))
    {
      g_string_append (ctx->title, "Questionnaire answers");
      append_part (ctx->subtitle, " · ", str (ctx->r, "status"));
      ctx->when = first_date (ctx->r, "authored", NULL);
    }
  else
    {
      /* Unknown to us: shown plainly, by type and id. */
      g_string_append (ctx->title, type);
      if (str (ctx->r, "id") != NULL)
        g_string_append_printf (ctx->title, " %s", str (ctx->r, "id"));
      ctx->when = first_date (ctx->r, "date", "effectiveDateTime", "authored", "recorded",
                              "created", "issued", "meta.lastUpdated", NULL);
    }
}

static const char *
observation_category (JsonObject *r)
{
  JsonArray *cats = arr (r, "category");

  for (guint i = 0; cats != NULL && i < json_array_get_length (cats); i++)
    {
      JsonArray *codings = arr (json_array_get_object_element (cats, i), "coding");
      for (guint k = 0; codings != NULL && k < json_array_get_length (codings); k++)
        {
          const char *code = str (json_array_get_object_element (codings, k), "code");
          if (g_strcmp0 (code, "vital-signs") == 0)
            return HF_CATEGORY_VITALS;
          if (g_strcmp0 (code, "laboratory") == 0)
            return HF_CATEGORY_LAB_RESULTS;
        }
    }
  return HF_CATEGORY_OTHER;
}

static const char *
category_of (const char *type,
             JsonObject *r)
{
  static const struct { const char *type; const char *category; } map[] = {
    { "AllergyIntolerance", HF_CATEGORY_ALLERGIES },
    { "Condition", HF_CATEGORY_PROBLEMS },
    { "DiagnosticReport", HF_CATEGORY_LAB_RESULTS },
    { "DocumentReference", HF_CATEGORY_DOCUMENTS },
    { "Encounter", HF_CATEGORY_ENCOUNTERS },
    { "Immunization", HF_CATEGORY_IMMUNIZATIONS },
    { "Medication", HF_CATEGORY_MEDICATIONS },
    { "MedicationAdministration", HF_CATEGORY_MEDICATIONS },
    { "MedicationDispense", HF_CATEGORY_MEDICATIONS },
    { "MedicationRequest", HF_CATEGORY_MEDICATIONS },
    { "MedicationStatement", HF_CATEGORY_MEDICATIONS },
    { "Procedure", HF_CATEGORY_PROCEDURES },
  };

  if (g_str_equal (type, "Observation"))
    return observation_category (r);
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (map[i].type, type))
      return map[i].category;
  return HF_CATEGORY_OTHER;
}

/* }}} */

void
hf_fhir_summarize (JsonObject        *resource,
                   HfFhirResolveFunc  resolve,
                   gpointer           user_data,
                   HfFhirSummary     *out)
{
  g_autoptr(GString) title = g_string_new (NULL);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GString) codes = g_string_new (NULL);
  Ctx ctx = { resource, resolve, user_data, out, title, subtitle, NULL };
  const char *type;
  JsonObject *subject;

  g_return_if_fail (resource != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  type = str (resource, "resourceType") ? str (resource, "resourceType") : "Resource";
  out->category = category_of (type, resource);

  if (g_str_equal (type, "Observation"))
    summarize_observation (&ctx);
  else if (g_str_equal (type, "MedicationRequest"))
    summarize_medication_use (&ctx, "dosageInstruction");
  else if (g_str_equal (type, "MedicationStatement") ||
           g_str_equal (type, "MedicationAdministration"))
    summarize_medication_use (&ctx, "dosage");
  else if (g_str_equal (type, "MedicationDispense"))
    summarize_medication_use (&ctx, "dosageInstruction");
  else if (g_str_equal (type, "Condition"))
    summarize_condition (&ctx);
  else if (g_str_equal (type, "AllergyIntolerance"))
    summarize_allergy (&ctx);
  else if (g_str_equal (type, "Immunization"))
    summarize_immunization (&ctx);
  else if (g_str_equal (type, "Procedure"))
    summarize_procedure (&ctx);
  else if (g_str_equal (type, "Encounter"))
    summarize_encounter (&ctx);
  else if (g_str_equal (type, "DiagnosticReport"))
    summarize_report (&ctx);
  else if (g_str_equal (type, "DocumentReference"))
    summarize_document (&ctx);
  else if (g_str_equal (type, "Patient"))
    summarize_patient (&ctx);
  else if (g_str_equal (type, "Practitioner") || g_str_equal (type, "RelatedPerson") ||
           g_str_equal (type, "Person"))
    summarize_person (&ctx);
  else if (g_str_equal (type, "Organization") || g_str_equal (type, "Location"))
    summarize_place (&ctx);
  else if (g_str_equal (type, "PractitionerRole"))
    summarize_practitioner_role (&ctx);
  else if (g_str_equal (type, "CarePlan"))
    summarize_plan (&ctx, "Care plan");
  else if (g_str_equal (type, "CareTeam"))
    summarize_plan (&ctx, "Care team");
  else if (g_str_equal (type, "Goal"))
    summarize_goal (&ctx);
  else if (g_str_equal (type, "Device"))
    summarize_device (&ctx);
  else if (g_str_equal (type, "Claim"))
    summarize_claim (&ctx, "Claim");
  else if (g_str_equal (type, "ExplanationOfBenefit"))
    summarize_claim (&ctx, "Insurance statement");
  else if (g_str_equal (type, "Coverage"))
    summarize_coverage (&ctx);
  else if (g_str_equal (type, "ServiceRequest"))
    summarize_request (&ctx);
  else if (g_str_equal (type, "Specimen"))
    summarize_specimen (&ctx);
  else
    summarize_misc (&ctx);

  if (title->len == 0)
    g_string_append (title, type);
  out->title = g_strdup (title->str);
  out->subtitle = subtitle->len ? g_strdup (subtitle->str) : NULL;
  out->effective = sortable_date (ctx.when);
  out->date = display_date (ctx.when);

  out->status = g_strdup (str (resource, "status"));
  if (out->status == NULL && clinical_status (resource) != NULL)
    out->status = g_strdup (clinical_status (resource));
  if (out->status == NULL)
    out->status = concept_code (resource, "verificationStatus");

  subject = obj (resource, "subject") ? obj (resource, "subject") : obj (resource, "patient");
  if (subject == NULL && obj (resource, "beneficiary") != NULL)
    subject = obj (resource, "beneficiary");
  out->subject = g_strdup (str (subject, "reference"));

  add_concept_codes (codes, obj (resource, "code"));
  add_concept_codes (codes, obj (resource, "vaccineCode"));
  add_concept_codes (codes, obj (resource, "medicationCodeableConcept"));
  add_concept_codes (codes, first_obj (resource, "type"));
  add_concept_codes (codes, obj (resource, "valueCodeableConcept"));
  add_concept_codes (codes, first_obj (resource, "reasonCode"));
  out->search_codes = codes->len ? g_strdup (codes->str) : NULL;
  out->search_notes = join_notes (resource);
}

void
hf_fhir_summary_clear (HfFhirSummary *s)
{
  g_clear_pointer (&s->effective, g_free);
  g_clear_pointer (&s->date, g_free);
  g_clear_pointer (&s->status, g_free);
  g_clear_pointer (&s->code_system, g_free);
  g_clear_pointer (&s->code, g_free);
  g_clear_pointer (&s->code_display, g_free);
  g_clear_pointer (&s->value_unit, g_free);
  g_clear_pointer (&s->subject, g_free);
  g_clear_pointer (&s->title, g_free);
  g_clear_pointer (&s->subtitle, g_free);
  g_clear_pointer (&s->search_codes, g_free);
  g_clear_pointer (&s->search_notes, g_free);
}

char *
hf_fhir_summary_line (const HfFhirSummary *summary)
{
  g_return_val_if_fail (summary != NULL, NULL);

  /* "Prediabetes — active since 2015-04-12" says its date already. */
  if (summary->date == NULL || strstr (summary->title, summary->date) != NULL)
    return g_strdup (summary->title);
  return g_strdup_printf ("%s, %s", summary->title, summary->date);
}

char *
hf_fhir_display_name (JsonObject *resource)
{
  const char *type;

  g_return_val_if_fail (resource != NULL, NULL);

  type = str (resource, "resourceType");
  if (type == NULL)
    return NULL;
  if (g_str_equal (type, "Medication"))
    return concept_text (obj (resource, "code"));
  if (g_str_equal (type, "Patient") || g_str_equal (type, "Practitioner") ||
      g_str_equal (type, "RelatedPerson") || g_str_equal (type, "Person"))
    return human_name (first_obj (resource, "name"));
  if (str (resource, "name") != NULL)
    return g_strdup (str (resource, "name"));
  return NULL;
}
