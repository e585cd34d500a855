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

#include "hf-json-util.h"

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

/* {{{ reading JSON without fuss: wrong shapes read as absent, never as errors */

static guint
len (JsonArray *a)
{
  return a ? json_array_get_length (a) : 0;
}

static JsonObject *
elem_obj (JsonArray *a,
          guint      i)
{
  JsonNode *n = a && i < json_array_get_length (a) ? json_array_get_element (a, i) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static const char *
elem_str (JsonArray *a,
          guint      i)
{
  JsonNode *n = a && i < json_array_get_length (a) ? json_array_get_element (a, i) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* TRUE and the value if NAME is a JSON boolean. */
static gboolean
boolean (JsonObject *o,
         const char *name,
         gboolean   *value)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (n);
  return TRUE;
}

static const char *
type_of (JsonObject *r)
{
  return hf_json_string (r, "resourceType") ? hf_json_string (r, "resourceType") : "Resource";
}

/* For reading, not for storage: at most two decimals ("53.35 kg", not "53.3458767756843"). */
static char *
format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", round (value * 100) / 100));
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

static const char *
system_name (const char *system)
{
  static const struct { const char *part; const char *name; } known[] = {
    { "loinc", "LOINC" }, { "snomed", "SNOMED CT" }, { "rxnorm", "RxNorm" },
    { "cvx", "CVX" }, { "icd-10", "ICD-10" }, { "ndc", "NDC" }, { "cpt", "CPT" },
    { "unitsofmeasure", "UCUM" },
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
  JsonArray *codings = hf_json_array (cc, "coding");
  JsonObject *first = elem_obj (codings, 0);

  if (hf_json_string (cc, "text") != NULL && *hf_json_string (cc, "text") != '\0')
    return g_strdup (hf_json_string (cc, "text"));
  for (guint i = 0; i < len (codings); i++)
    if (hf_json_string (elem_obj (codings, i), "display") != NULL)
      return g_strdup (hf_json_string (elem_obj (codings, i), "display"));
  if (hf_json_string (first, "code") != NULL)
    {
      const char *sys = system_name (hf_json_string (first, "system"));
      return sys ? g_strdup_printf ("%s %s", sys, hf_json_string (first, "code"))
                 : g_strdup (hf_json_string (first, "code"));
    }
  return NULL;
}

/* Every CodeableConcept of an array, joined: "Hives, Itching". */
static char *
concepts_text (JsonArray *concepts)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < len (concepts); i++)
    {
      g_autofree char *t = concept_text (elem_obj (concepts, i));
      append_part (s, ", ", t);
    }
  return s->len ? g_strdup (s->str) : NULL;
}

/* The codes behind a concept, for the detail view: "LOINC 4548-4, SNOMED CT 43396009". */
static char *
concept_codes (JsonObject *cc)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *codings = hf_json_array (cc, "coding");

  for (guint i = 0; i < len (codings); i++)
    {
      JsonObject *c = elem_obj (codings, i);
      const char *sys = system_name (hf_json_string (c, "system"));
      g_autofree char *one = NULL;

      if (hf_json_string (c, "code") == NULL)
        continue;
      one = sys ? g_strdup_printf ("%s %s", sys, hf_json_string (c, "code"))
                : g_strdup (hf_json_string (c, "code"));
      append_part (s, ", ", one);
    }
  return s->len ? g_strdup (s->str) : NULL;
}

static char *
concept_code (JsonObject *o,
              const char *name)
{
  JsonObject *c = hf_json_first_object (hf_json_object (o, name), "coding");

  return hf_json_string (c, "code") ? g_strdup (hf_json_string (c, "code")) : NULL;
}

/* TRUE if any coding of CC has CODE. */
static gboolean
concept_has_code (JsonObject *cc,
                  const char *code)
{
  JsonArray *codings = hf_json_array (cc, "coding");

  for (guint i = 0; i < len (codings); i++)
    if (g_strcmp0 (hf_json_string (elem_obj (codings, i), "code"), code) == 0)
      return TRUE;
  return FALSE;
}

static char *
human_name (JsonObject *name)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *given = hf_json_array (name, "given");
  JsonArray *prefix = hf_json_array (name, "prefix");

  if (name == NULL)
    return NULL;
  if (hf_json_string (name, "text") != NULL)
    return g_strdup (hf_json_string (name, "text"));
  for (guint i = 0; i < len (prefix); i++)
    append_part (s, " ", elem_str (prefix, i));
  for (guint i = 0; i < len (given); i++)
    append_part (s, " ", elem_str (given, i));
  append_part (s, " ", hf_json_string (name, "family"));
  return s->len ? g_strdup (s->str) : NULL;
}

static char *
address_text (JsonObject *address)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *lines = hf_json_array (address, "line");

  if (address == NULL)
    return NULL;
  if (hf_json_string (address, "text") != NULL)
    return g_strdup (hf_json_string (address, "text"));
  for (guint i = 0; i < len (lines); i++)
    append_part (s, ", ", elem_str (lines, i));
  append_part (s, ", ", hf_json_string (address, "city"));
  append_part (s, ", ", hf_json_string (address, "state"));
  append_part (s, " ", hf_json_string (address, "postalCode"));
  append_part (s, ", ", hf_json_string (address, "country"));
  return s->len ? g_strdup (s->str) : NULL;
}

/* }}} */
/* {{{ references */

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

/* A reference's words: its display, else the name of a contained resource ("#med1"), else
 * whatever the caller can find for it. */
static char *
reference_text (Ctx        *ctx,
                JsonObject *ref)
{
  const char *target = hf_json_string (ref, "reference");

  if (ref == NULL)
    return NULL;
  if (hf_json_string (ref, "display") != NULL)
    return g_strdup (hf_json_string (ref, "display"));
  if (target != NULL && target[0] == '#')
    {
      JsonArray *contained = hf_json_array (ctx->r, "contained");
      for (guint i = 0; i < len (contained); i++)
        if (g_strcmp0 (hf_json_string (elem_obj (contained, i), "id"), target + 1) == 0)
          return hf_fhir_display_name (elem_obj (contained, i));
      return NULL;
    }
  if (ctx->resolve != NULL && target != NULL)
    return ctx->resolve (target, ctx->data);
  return NULL;
}

/* The referenced record's own summary when it can be found (a report's result shows its value,
 * not just the name the report gave it), else the reference's words. */
static char *
reference_text_resolved (Ctx        *ctx,
                         JsonObject *ref)
{
  const char *target = hf_json_string (ref, "reference");
  char *found = NULL;

  if (ctx->resolve != NULL && target != NULL && target[0] != '#')
    found = ctx->resolve (target, ctx->data);
  return found ? found : reference_text (ctx, ref);
}

/* Every reference of an array (or of a member of each element: performer[].actor), joined. */
static char *
references_text (Ctx        *ctx,
                 JsonArray  *refs,
                 const char *member)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < len (refs); i++)
    {
      JsonObject *e = elem_obj (refs, i);
      g_autofree char *t = reference_text (ctx, member ? hf_json_object (e, member) : e);
      append_part (s, ", ", t);
    }
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
          found = hf_json_string (hf_json_object (r, outer), dot + 1);
        }
      else
        found = hf_json_string (r, name);
    }
  va_end (args);
  return found;
}

static char *
display_date (const char *text)
{
  return text ? g_strndup (text, 10) : NULL;
}

/* For the detail view: the date, and the time of day as the source wrote it, without seconds
 * or zone ("2019-03-02 08:30"); midnight is a date only. */
static char *
readable_date (const char *text)
{
  const char *t;

  if (text == NULL)
    return NULL;
  t = strchr (text, 'T');
  if (t == NULL || strlen (t) < 6 || g_str_has_prefix (t, "T00:00:00"))
    return g_strndup (text, MIN (strlen (text), 10));
  return g_strdup_printf ("%.10s %.5s", text, t + 1);
}

static char *
period_text (JsonObject *period)
{
  g_autofree char *start = readable_date (hf_json_string (period, "start"));
  g_autofree char *end = readable_date (hf_json_string (period, "end"));

  if (start != NULL && end != NULL)
    {
      /* One day: "2019-03-02 08:30 to 09:15". */
      if (strlen (start) > 10 && strlen (end) > 10 && strncmp (start, end, 10) == 0)
        return g_strdup_printf ("%s to %s", start, end + 11);
      return g_strdup_printf ("%s to %s", start, end);
    }
  if (start != NULL)
    return g_strdup_printf ("from %s", start);
  if (end != NULL)
    return g_strdup_printf ("until %s", end);
  return NULL;
}

/* }}} */
/* {{{ values: quantities, ranges, observation values */

/* UCUM codes as people write them. */
static const char *
unit_display (const char *unit)
{
  static const struct { const char *ucum; const char *shown; } units[] = {
    { "mm[Hg]", "mmHg" }, { "[lb_av]", "lb" }, { "[in_i]", "in" }, { "Cel", "°C" },
    { "[degF]", "°F" }, { "kg/m2", "kg/m²" }, { "/min", "/min" }, { "{beats}/min", "/min" },
    { "{breaths}/min", "/min" }, { "1", NULL },
  };

  for (guint i = 0; unit != NULL && i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (units[i].ucum, unit))
      return units[i].shown;
  /* A bare annotation ("{score}") is a comment, not a unit. */
  if (unit != NULL && unit[0] == '{' && strchr (unit, '}') == unit + strlen (unit) - 1)
    return NULL;
  return unit;
}

static const char *
quantity_unit (JsonObject *q)
{
  return unit_display (hf_json_string (q, "unit") ? hf_json_string (q, "unit")
                                                 : hf_json_string (q, "code"));
}

/* "6.3 %", "< 5 mg/dL"; the value and the unit as shown, if wanted. */
static char *
quantity_text (JsonObject *q,
               double     *value,
               char      **unit_out)
{
  double v;
  g_autofree char *n = NULL;
  const char *unit;
  const char *comparator = hf_json_string (q, "comparator");

  if (!hf_json_number (q, "value", &v))
    return NULL;
  n = format_number (v);
  unit = quantity_unit (q);
  if (value != NULL)
    *value = v;
  if (unit_out != NULL)
    *unit_out = g_strdup (unit);
  return g_strdup_printf ("%s%s%s%s%s", comparator ? comparator : "", comparator ? " " : "", n,
                          unit ? " " : "", unit ? unit : "");
}

/* "4–5.6 %", "below 5.6 %", "above 60 mL/min"; or the range's own text. */
static char *
range_text (JsonObject *range)
{
  double l;
  g_autofree char *low = NULL;
  g_autofree char *high = quantity_text (hf_json_object (range, "high"), NULL, NULL);

  if (range == NULL)
    return NULL;
  if (hf_json_string (range, "text") != NULL)
    return g_strdup (hf_json_string (range, "text"));
  if (hf_json_number (hf_json_object (range, "low"), "value", &l))
    low = high ? format_number (l) : quantity_text (hf_json_object (range, "low"), NULL, NULL);
  if (low != NULL && high != NULL)
    return g_strdup_printf ("%s–%s", low, high);
  if (high != NULL)
    return g_strdup_printf ("below %s", high);
  if (low != NULL)
    return g_strdup_printf ("above %s", low);
  return NULL;
}

typedef enum
{
  VALUE_NONE,
  VALUE_QUANTITY,   /* a number, shown after the name: "Weight 70 kg" */
  VALUE_WORDS,      /* words, shown after a colon: "Smoking status: Never smoker" */
} ValueKind;

/* An Observation's or a component's value[x], as words. */
static char *
value_text (JsonObject *holder,
            ValueKind  *kind,
            double     *number,
            char      **unit)
{
  JsonObject *ratio = hf_json_object (holder, "valueRatio");
  double d;
  gboolean b;
  char *text;

  *kind = VALUE_QUANTITY;
  if ((text = quantity_text (hf_json_object (holder, "valueQuantity"), number, unit)) != NULL)
    return text;
  if (hf_json_number (holder, "valueInteger", &d))
    {
      if (number != NULL)
        *number = d;
      return format_number (d);
    }
  if ((text = range_text (hf_json_object (holder, "valueRange"))) != NULL)
    return text;
  if (ratio != NULL)
    {
      g_autofree char *n = quantity_text (hf_json_object (ratio, "numerator"), NULL, NULL);
      g_autofree char *dn = quantity_text (hf_json_object (ratio, "denominator"), NULL, NULL);
      if (n != NULL && dn != NULL)
        return g_strdup_printf ("%s / %s", n, dn);
    }
  *kind = VALUE_WORDS;
  if ((text = concept_text (hf_json_object (holder, "valueCodeableConcept"))) != NULL)
    return text;
  if (hf_json_string (holder, "valueString") != NULL)
    return g_strdup (hf_json_string (holder, "valueString"));
  if (boolean (holder, "valueBoolean", &b))
    return g_strdup (b ? "yes" : "no");
  if ((text = readable_date (first_date (holder, "valueDateTime", "valueTime", NULL))) != NULL)
    return text;
  if ((text = period_text (hf_json_object (holder, "valuePeriod"))) != NULL)
    return text;
  *kind = VALUE_NONE;
  return NULL;
}

/* Blood pressure's parts by LOINC code: systolic first, whatever order the source used. */
static int
component_rank (JsonObject *component)
{
  JsonObject *code = hf_json_object (component, "code");

  if (concept_has_code (code, "8480-6"))
    return 0;
  if (concept_has_code (code, "8462-4"))
    return 1;
  return 2;
}

/* "120/80 mmHg" when every component is a number in the same unit. */
static char *
components_value (JsonArray *components)
{
  g_autoptr(GString) parts = g_string_new (NULL);
  g_autofree char *unit = NULL;
  guint order[64];
  guint n = 0;

  for (int rank = 0; rank <= 2; rank++)
    for (guint i = 0; i < len (components) && n < G_N_ELEMENTS (order); i++)
      if (component_rank (elem_obj (components, i)) == rank)
        order[n++] = i;
  for (guint k = 0; k < n; k++)
    {
      JsonObject *q = hf_json_object (elem_obj (components, order[k]), "valueQuantity");
      double v;
      g_autofree char *number = NULL;

      if (!hf_json_number (q, "value", &v))
        return NULL;
      number = format_number (v);
      append_part (parts, "/", number);
      if (k == 0)
        unit = g_strdup (quantity_unit (q));
      else if (g_strcmp0 (unit, quantity_unit (q)) != 0)
        return NULL;
    }
  if (parts->len == 0)
    return NULL;
  return unit ? g_strdup_printf ("%s %s", parts->str, unit) : g_strdup (parts->str);
}

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

/* "high", from the interpretation, else from the value and the reference range. */
static char *
interpretation (JsonObject *holder,
                gboolean    numeric,
                double      value)
{
  JsonObject *interp = hf_json_first_object (holder, "interpretation");
  JsonObject *range = hf_json_first_object (holder, "referenceRange");
  double low, high;

  if (interp != NULL)
    {
      JsonArray *codings = hf_json_array (interp, "coding");
      for (guint i = 0; i < len (codings); i++)
        {
          const char *word = interpretation_word (hf_json_string (elem_obj (codings, i), "code"));
          if (word != NULL)
            return g_strdup (word);
        }
      return concept_text (interp);
    }
  if (!numeric || range == NULL)
    return NULL;
  if (hf_json_number (hf_json_object (range, "high"), "value", &high) && value > high)
    return g_strdup ("high");
  if (hf_json_number (hf_json_object (range, "low"), "value", &low) && value < low)
    return g_strdup ("low");
  if (hf_json_number (hf_json_object (range, "high"), "value", &high) ||
      hf_json_number (hf_json_object (range, "low"), "value", &low))
    return g_strdup ("normal");
  return NULL;
}

/* }}} */
/* {{{ dosage */

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

/* The HL7 timing abbreviations (v3 GTSAbbreviation) a prescription may carry instead. */
static const char *
timing_code_text (const char *code)
{
  static const struct { const char *code; const char *text; } codes[] = {
    { "QD", "once a day" }, { "BID", "twice a day" }, { "TID", "3 times a day" },
    { "QID", "4 times a day" }, { "QOD", "every other day" }, { "AM", "every morning" },
    { "PM", "every afternoon" }, { "Q4H", "every 4 hours" }, { "Q6H", "every 6 hours" },
    { "Q8H", "every 8 hours" }, { "Q1H", "every hour" }, { "Q2H", "every 2 hours" },
    { "Q3H", "every 3 hours" }, { "WK", "once a week" }, { "MO", "once a month" },
  };

  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (codes); i++)
    if (g_ascii_strcasecmp (codes[i].code, code) == 0)
      return codes[i].text;
  return NULL;
}

/* "3 times a day", "once a week", "every 8 hours", "twice a day, as needed for pain". */
static char *
timing_text (JsonObject *dosage)
{
  JsonObject *timing = hf_json_object (dosage, "timing");
  JsonObject *repeat = hf_json_object (timing, "repeat");
  JsonObject *code = hf_json_object (timing, "code");
  g_autoptr(GString) s = g_string_new (NULL);
  double frequency = 1, period = 0;
  const char *unit = hf_json_string (repeat, "periodUnit");
  gboolean as_needed = FALSE;

  hf_json_number (repeat, "frequency", &frequency);
  if (hf_json_number (repeat, "period", &period) && unit_word (unit, FALSE) != NULL)
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
  else if (timing_code_text (hf_json_string (hf_json_first_object (code, "coding"), "code"))
           != NULL)
    g_string_append (s, timing_code_text (hf_json_string (hf_json_first_object (code, "coding"),
                                                          "code")));
  else if (hf_json_string (code, "text") != NULL)
    g_string_append (s, hf_json_string (code, "text"));

  if (hf_json_object (dosage, "asNeededCodeableConcept") != NULL)
    {
      g_autofree char *why = concept_text (hf_json_object (dosage, "asNeededCodeableConcept"));
      g_string_append_printf (s, "%sas needed%s%s", s->len ? ", " : "", why ? " for " : "",
                              why ? why : "");
    }
  else if (boolean (dosage, "asNeededBoolean", &as_needed) && as_needed)
    g_string_append_printf (s, "%sas needed", s->len ? ", " : "");
  return s->len ? g_strdup (s->str) : NULL;
}

/* "500 mg", "1–2 tablets"; a bare number ("1", no unit) as NULL with *count set. */
static char *
dose_text (JsonObject *dosage,
           double     *count)
{
  JsonObject *dr = hf_json_first_object (dosage, "doseAndRate");
  JsonObject *q = hf_json_object (dr, "doseQuantity");
  double v;

  *count = 0;
  if (q != NULL && quantity_unit (q) == NULL)
    {
      if (hf_json_number (q, "value", &v))
        *count = v;
      return NULL;
    }
  if (q != NULL)
    return quantity_text (q, NULL, NULL);
  return range_text (hf_json_object (dr, "doseRange"));
}

/* The dose and how often, as one phrase after the medication's name NAME: " 500 mg, 3 times a
 * day"; the prescriber's own text when nothing is structured. */
static char *
dosage_phrase (JsonObject *dosage,
               const char *name)
{
  double count = 0;
  g_autofree char *dose = dose_text (dosage, &count);
  g_autofree char *timing = timing_text (dosage);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *name_folded = name ? g_utf8_casefold (name, -1) : NULL;
  g_autofree char *dose_folded = dose ? g_utf8_casefold (dose, -1) : NULL;

  /* "Amoxicillin 500 MG Oral Capsule" says its strength already. */
  if (dose != NULL && name_folded != NULL && strstr (name_folded, dose_folded) != NULL)
    g_clear_pointer (&dose, g_free);
  if (dose != NULL)
    g_string_append_printf (s, " %s", dose);
  else if (count > 1)
    g_string_append_printf (s, ", %g at a time", count);
  if (timing != NULL)
    g_string_append_printf (s, ", %s", timing);
  if (s->len == 0 && hf_json_string (dosage, "text") != NULL)
    g_string_append_printf (s, ", %s", hf_json_string (dosage, "text"));
  return s->len ? g_strdup (s->str) : NULL;
}

/* }}} */
/* {{{ search text */

static char *
join_notes (JsonObject *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *notes = hf_json_array (r, "note");
  JsonArray *dosages = hf_json_array (r, "dosageInstruction")
                       ? hf_json_array (r, "dosageInstruction")
                       : hf_json_array (r, "dosage");

  for (guint i = 0; i < len (notes); i++)
    append_part (s, " ", hf_json_string (elem_obj (notes, i), "text"));
  for (guint i = 0; i < len (dosages); i++)
    {
      append_part (s, " ", hf_json_string (elem_obj (dosages, i), "text"));
      append_part (s, " ", hf_json_string (elem_obj (dosages, i), "patientInstruction"));
    }
  append_part (s, " ", hf_json_string (r, "description"));
  append_part (s, " ", hf_json_string (r, "valueString"));
  append_part (s, " ", hf_json_string (r, "comment"));
  append_part (s, " ", hf_json_string (r, "conclusion"));
  return s->len ? g_strdup (s->str) : NULL;
}

static void
add_concept_codes (GString    *s,
                   JsonObject *cc)
{
  JsonArray *codings = hf_json_array (cc, "coding");

  append_part (s, " ", hf_json_string (cc, "text"));
  for (guint i = 0; i < len (codings); i++)
    {
      JsonObject *c = elem_obj (codings, i);
      append_part (s, " ", hf_json_string (c, "display"));
      append_part (s, " ", hf_json_string (c, "code"));
    }
}

/* }}} */
/* {{{ summaries, per type */

static void
set_primary_code (Ctx        *ctx,
                  JsonObject *cc)
{
  JsonObject *c = hf_json_first_object (cc, "coding");

  if (c != NULL && ctx->out->code == NULL)
    {
      ctx->out->code_system = g_strdup (hf_json_string (c, "system"));
      ctx->out->code = g_strdup (hf_json_string (c, "code"));
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
  JsonObject *cs = hf_json_object (r, "clinicalStatus");
  JsonObject *c = hf_json_first_object (cs, "coding");

  return hf_json_string (c, "code") ? hf_json_string (c, "code") : hf_json_string (cs, "text");
}

static const char *
observation_category_label (JsonObject *r)
{
  static const struct { const char *code; const char *label; } labels[] = {
    { "vital-signs", "Vital signs" }, { "laboratory", "Laboratory" },
    { "social-history", "Social history" }, { "survey", "Survey" }, { "exam", "Examination" },
    { "imaging", "Imaging" }, { "procedure", "Procedure" }, { "therapy", "Therapy" },
    { "activity", "Activity" },
  };
  JsonObject *category = hf_json_first_object (r, "category");

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (concept_has_code (category, labels[i].code))
      return labels[i].label;
  return NULL;
}

static void
summarize_observation (Ctx *ctx)
{
  JsonObject *r = ctx->r;
  JsonArray *components = hf_json_array (r, "component");
  ValueKind kind = VALUE_NONE;
  g_autofree char *value = NULL;
  g_autofree char *word = NULL;
  g_autofree char *range = range_text (hf_json_first_object (r, "referenceRange"));
  g_autofree char *performer = references_text (ctx, hf_json_array (r, "performer"), NULL);
  g_autofree char *absent = concept_text (hf_json_object (r, "dataAbsentReason"));

  title_concept (ctx, hf_json_object (r, "code"), "Observation");

  value = value_text (r, &kind, &ctx->out->value_num, &ctx->out->value_unit);
  ctx->out->has_value = kind == VALUE_QUANTITY && (hf_json_object (r, "valueQuantity") != NULL ||
                                                   json_object_has_member (r, "valueInteger"));
  if (value == NULL && components != NULL)
    {
      value = components_value (components);
      kind = value ? VALUE_QUANTITY : VALUE_NONE;
    }
  if (kind == VALUE_QUANTITY)
    g_string_append_printf (ctx->title, " %s", value);
  else if (kind == VALUE_WORDS)
    g_string_append_printf (ctx->title, ": %s", value);

  word = interpretation (r, ctx->out->has_value, ctx->out->value_num);
  if (word != NULL)
    g_string_append_printf (ctx->title, " — %s", word);
  else if (value == NULL && absent != NULL)
    g_string_append_printf (ctx->title, " — no result (%s)", absent);
  else if (value == NULL && g_strcmp0 (hf_json_string (r, "status"), "cancelled") == 0)
    g_string_append (ctx->title, " — cancelled");

  if (range != NULL)
    g_string_append_printf (ctx->subtitle, "Normal %s%s",
                            g_str_has_prefix (range, "below ") || g_str_has_prefix (range, "above ")
                            ? "" : "range ", range);
  else
    append_part (ctx->subtitle, " · ", observation_category_label (r));
  append_part (ctx->subtitle, " · ", performer);
  ctx->when = first_date (r, "effectiveDateTime", "effectivePeriod.start", "effectiveInstant",
                          "issued", NULL);
}

static char *
medication_name (Ctx *ctx)
{
  JsonObject *cc = hf_json_object (ctx->r, "medicationCodeableConcept");

  if (cc != NULL)
    {
      set_primary_code (ctx, cc);
      return concept_text (cc);
    }
  return reference_text (ctx, hf_json_object (ctx->r, "medicationReference"));
}

static void
summarize_medication_use (Ctx        *ctx,
                          const char *dosage_member)
{
  const char *type = type_of (ctx->r);
  g_autofree char *name = medication_name (ctx);
  g_autofree char *dosage = dosage_phrase (hf_json_first_object (ctx->r, dosage_member), name);
  g_autofree char *requester = reference_text (ctx, hf_json_object (ctx->r, "requester"));
  g_autofree char *source = reference_text (ctx, hf_json_object (ctx->r, "informationSource"));
  g_autofree char *reason = concepts_text (hf_json_array (ctx->r, "reasonCode"));
  g_autofree char *quantity = quantity_text (hf_json_object (ctx->r, "quantity"), NULL, NULL);
  double days;

  g_string_append (ctx->title, name ? name : "Medication");
  if (dosage != NULL)
    g_string_append (ctx->title, dosage);
  if (hf_json_string (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s", hf_json_string (ctx->r, "status"));

  if (reason != NULL)
    g_string_append_printf (ctx->subtitle, "For %s", reason);
  if (g_str_equal (type, "MedicationDispense"))
    {
      if (quantity != NULL)
        g_string_append_printf (ctx->subtitle, "%sDispensed %s", ctx->subtitle->len ? " · " : "",
                                quantity);
      if (hf_json_number (hf_json_object (ctx->r, "daysSupply"), "value", &days))
        g_string_append_printf (ctx->subtitle, "%s%g days' supply",
                                ctx->subtitle->len ? " · " : "", days);
    }
  if (requester != NULL)
    g_string_append_printf (ctx->subtitle, "%sPrescribed by %s", ctx->subtitle->len ? " · " : "",
                            requester);
  else if (source != NULL)
    g_string_append_printf (ctx->subtitle, "%sReported by %s", ctx->subtitle->len ? " · " : "",
                            source);
  ctx->when = first_date (ctx->r, "authoredOn", "effectiveDateTime", "effectivePeriod.start",
                          "dateAsserted", "whenHandedOver", "whenPrepared", NULL);
}

static void
summarize_medication (Ctx *ctx)
{
  g_autofree char *form = concept_text (hf_json_object (ctx->r, "form"));
  g_autofree char *maker = reference_text (ctx, hf_json_object (ctx->r, "manufacturer"));

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Medication");
  append_part (ctx->subtitle, " · ", form);
  append_part (ctx->subtitle, " · ", maker);
}

static void
summarize_condition (Ctx *ctx)
{
  const char *status = clinical_status (ctx->r);
  const char *onset = first_date (ctx->r, "onsetDateTime", "onsetPeriod.start", NULL);
  const char *abated = first_date (ctx->r, "abatementDateTime", "abatementPeriod.start", NULL);
  g_autofree char *verification = concept_code (ctx->r, "verificationStatus");
  g_autofree char *category = concept_text (hf_json_first_object (ctx->r, "category"));
  g_autofree char *asserter = reference_text (ctx, hf_json_object (ctx->r, "asserter"));

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Condition");
  if (g_strcmp0 (verification, "refuted") == 0 || g_strcmp0 (verification, "entered-in-error") == 0)
    g_string_append_printf (ctx->title, " — %s", verification);
  else if (g_strcmp0 (status, "active") == 0 && onset != NULL)
    g_string_append_printf (ctx->title, " — active since %.10s", onset);
  else if (g_strcmp0 (status, "resolved") == 0 && abated != NULL)
    g_string_append_printf (ctx->title, " — resolved %.10s", abated);
  else if (status != NULL)
    g_string_append_printf (ctx->title, " — %s", status);
  append_part (ctx->subtitle, " · ", category);
  append_part (ctx->subtitle, " · ", asserter);
  ctx->when = onset ? onset : first_date (ctx->r, "recordedDate", NULL);
}

static void
summarize_allergy (Ctx *ctx)
{
  g_autofree char *what = concept_text (hf_json_object (ctx->r, "code"));
  const char *status = clinical_status (ctx->r);
  const char *criticality = hf_json_string (ctx->r, "criticality");
  JsonArray *reactions = hf_json_array (ctx->r, "reaction");

  set_primary_code (ctx, hf_json_object (ctx->r, "code"));
  /* Many systems name the allergy ("Allergy to grass pollen"), not the substance. */
  if (what != NULL && (strstr (what, "llergy") != NULL || strstr (what, "ntolerance") != NULL))
    g_string_append (ctx->title, what);
  else
    g_string_append_printf (ctx->title, "Allergy to %s", what ? what : "an unnamed substance");
  if (g_strcmp0 (criticality, "high") == 0)
    g_string_append (ctx->title, " — high risk");
  else if (status != NULL && !g_str_equal (status, "active"))
    g_string_append_printf (ctx->title, " — %s", status);
  for (guint i = 0; i < len (reactions); i++)
    {
      g_autofree char *m = concepts_text (hf_json_array (elem_obj (reactions, i), "manifestation"));
      if (m == NULL)
        continue;
      g_string_append (ctx->subtitle, ctx->subtitle->len == 0 ? "Reaction: " : ", ");
      g_string_append (ctx->subtitle, m);
    }
  ctx->when = first_date (ctx->r, "onsetDateTime", "recordedDate", NULL);
}

static void
summarize_immunization (Ctx *ctx)
{
  g_autofree char *performer = references_text (ctx, hf_json_array (ctx->r, "performer"), "actor");
  g_autofree char *location = reference_text (ctx, hf_json_object (ctx->r, "location"));

  title_concept (ctx, hf_json_object (ctx->r, "vaccineCode"), "Vaccination");
  if (g_strcmp0 (hf_json_string (ctx->r, "status"), "not-done") == 0)
    g_string_append (ctx->title, " — not given");
  append_part (ctx->subtitle, " · ", location ? location : performer);
  if (hf_json_string (ctx->r, "lotNumber") != NULL)
    g_string_append_printf (ctx->subtitle, "%slot %s", ctx->subtitle->len ? " · " : "",
                            hf_json_string (ctx->r, "lotNumber"));
  ctx->when = first_date (ctx->r, "occurrenceDateTime", "recorded", NULL);
}

static void
summarize_procedure (Ctx *ctx)
{
  const char *status = hf_json_string (ctx->r, "status");
  g_autofree char *performer = references_text (ctx, hf_json_array (ctx->r, "performer"), "actor");
  g_autofree char *location = reference_text (ctx, hf_json_object (ctx->r, "location"));

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Procedure");
  if (status != NULL && !g_str_equal (status, "completed"))
    g_string_append_printf (ctx->title, " — %s", status);
  append_part (ctx->subtitle, " · ", performer);
  append_part (ctx->subtitle, " · ", location);
  ctx->when = first_date (ctx->r, "performedDateTime", "performedPeriod.start", NULL);
}

static void
summarize_encounter (Ctx *ctx)
{
  g_autofree char *type = concept_text (hf_json_first_object (ctx->r, "type"));
  JsonObject *klass = hf_json_object (ctx->r, "class");
  g_autofree char *where = reference_text (ctx, hf_json_object (ctx->r, "serviceProvider"));
  g_autofree char *reason = concepts_text (hf_json_array (ctx->r, "reasonCode"));
  g_autofree char *who = references_text (ctx, hf_json_array (ctx->r, "participant"), "individual");

  if (where == NULL)
    where = reference_text (ctx, hf_json_object (hf_json_first_object (ctx->r, "location"),
                                                 "location"));
  set_primary_code (ctx, hf_json_first_object (ctx->r, "type"));
  if (type != NULL)
    g_string_append (ctx->title, type);
  else if (hf_json_string (klass, "display") != NULL)
    g_string_append_printf (ctx->title, "%s visit", hf_json_string (klass, "display"));
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
  guint results = len (hf_json_array (ctx->r, "result"));
  g_autofree char *performer = references_text (ctx, hf_json_array (ctx->r, "performer"), NULL);

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Report");
  if (results > 0)
    g_string_append_printf (ctx->subtitle, "%u result%s", results, results == 1 ? "" : "s");
  append_part (ctx->subtitle, " · ", performer);
  ctx->when = first_date (ctx->r, "effectiveDateTime", "effectivePeriod.start", "issued", NULL);
}

static void
summarize_document (Ctx *ctx)
{
  JsonObject *attachment = hf_json_object (hf_json_first_object (ctx->r, "content"), "attachment");
  g_autofree char *type = concept_text (hf_json_object (ctx->r, "type"));
  g_autofree char *author = references_text (ctx, hf_json_array (ctx->r, "author"), NULL);
  g_autofree char *custodian = reference_text (ctx, hf_json_object (ctx->r, "custodian"));

  set_primary_code (ctx, hf_json_object (ctx->r, "type"));
  g_string_append (ctx->title, hf_json_string (ctx->r, "description")
                               ? hf_json_string (ctx->r, "description")
                               : type ? type
                               : hf_json_string (attachment, "title")
                               ? hf_json_string (attachment, "title")
                               : "Document");
  append_part (ctx->subtitle, " · ", author ? author : custodian);
  append_part (ctx->subtitle, " · ", hf_json_string (attachment, "contentType"));
  ctx->when = first_date (ctx->r, "date", "context.period.start", NULL);
  if (ctx->when == NULL)
    ctx->when = hf_json_string (attachment, "creation");
}

static void
summarize_patient (Ctx *ctx)
{
  g_autofree char *name = human_name (hf_json_first_object (ctx->r, "name"));
  const char *birth = hf_json_string (ctx->r, "birthDate");

  g_string_append (ctx->title, name ? name : "Patient");
  if (birth != NULL)
    g_string_append_printf (ctx->subtitle, "Born %s", birth);
  append_part (ctx->subtitle, " · ", hf_json_string (ctx->r, "gender"));
}

static void
summarize_person (Ctx *ctx)
{
  g_autofree char *name = human_name (hf_json_first_object (ctx->r, "name"));
  g_autofree char *relation = concept_text (hf_json_first_object (ctx->r, "relationship"));
  g_autofree char *qualification =
    concept_text (hf_json_object (hf_json_first_object (ctx->r, "qualification"), "code"));

  g_string_append (ctx->title, name ? name : type_of (ctx->r));
  append_part (ctx->subtitle, " · ", relation ? relation : qualification);
}

static void
summarize_place (Ctx *ctx)
{
  JsonObject *address = hf_json_object (ctx->r, "address")
                        ? hf_json_object (ctx->r, "address")
                        : hf_json_first_object (ctx->r, "address");
  g_autofree char *type = concept_text (hf_json_first_object (ctx->r, "type"));

  if (type == NULL)
    type = concept_text (hf_json_object (ctx->r, "type"));
  g_string_append (ctx->title, hf_json_string (ctx->r, "name") ? hf_json_string (ctx->r, "name")
                                                              : type_of (ctx->r));
  append_part (ctx->subtitle, " · ", type);
  if (address != NULL)
    {
      append_part (ctx->subtitle, " · ", hf_json_string (address, "city"));
      if (hf_json_string (address, "city") != NULL)
        append_part (ctx->subtitle, ", ", hf_json_string (address, "state"));
    }
}

static void
summarize_practitioner_role (Ctx *ctx)
{
  g_autofree char *who = reference_text (ctx, hf_json_object (ctx->r, "practitioner"));
  g_autofree char *role = concept_text (hf_json_first_object (ctx->r, "code"));
  g_autofree char *specialty = concept_text (hf_json_first_object (ctx->r, "specialty"));
  g_autofree char *org = reference_text (ctx, hf_json_object (ctx->r, "organization"));

  g_string_append (ctx->title, who ? who : "Practitioner");
  append_part (ctx->title, ", ", specialty ? specialty : role);
  append_part (ctx->subtitle, " · ", org);
}

static void
summarize_plan (Ctx        *ctx,
                const char *fallback)
{
  g_autofree char *category = concept_text (hf_json_first_object (ctx->r, "category"));
  const char *status = hf_json_string (ctx->r, "status");

  g_string_append (ctx->title, hf_json_string (ctx->r, "title") ? hf_json_string (ctx->r, "title")
                               : hf_json_string (ctx->r, "name") ? hf_json_string (ctx->r, "name")
                               : category ? category : fallback);
  if (status != NULL)
    g_string_append_printf (ctx->title, " — %s", status);
  if (g_str_equal (fallback, "Care team"))
    {
      guint n = len (hf_json_array (ctx->r, "participant"));
      if (n > 0)
        g_string_append_printf (ctx->subtitle, "%u member%s", n, n == 1 ? "" : "s");
    }
  else
    {
      guint n = len (hf_json_array (ctx->r, "activity"));
      append_part (ctx->subtitle, " · ", hf_json_string (ctx->r, "description"));
      if (ctx->subtitle->len == 0 && n > 0)
        g_string_append_printf (ctx->subtitle, "%u activit%s", n, n == 1 ? "y" : "ies");
    }
  ctx->when = first_date (ctx->r, "period.start", "created", NULL);
}

static void
summarize_goal (Ctx *ctx)
{
  g_autofree char *what = concept_text (hf_json_object (ctx->r, "description"));
  JsonObject *target = hf_json_first_object (ctx->r, "target");
  g_autofree char *due = readable_date (hf_json_string (target, "dueDate"));

  g_string_append (ctx->title, what ? what : "Goal");
  if (hf_json_string (ctx->r, "lifecycleStatus") != NULL)
    g_string_append_printf (ctx->title, " — %s", hf_json_string (ctx->r, "lifecycleStatus"));
  if (due != NULL)
    g_string_append_printf (ctx->subtitle, "By %s", due);
  ctx->when = first_date (ctx->r, "startDate", "statusDate", NULL);
}

static void
summarize_device (Ctx *ctx)
{
  JsonObject *name = hf_json_first_object (ctx->r, "deviceName");
  g_autofree char *type = concept_text (hf_json_object (ctx->r, "type"));
  const char *udi = hf_json_string (hf_json_first_object (ctx->r, "udiCarrier"),
                                    "deviceIdentifier");

  set_primary_code (ctx, hf_json_object (ctx->r, "type"));
  g_string_append (ctx->title, hf_json_string (name, "name") ? hf_json_string (name, "name")
                               : type ? type : "Device");
  if (hf_json_string (ctx->r, "status") != NULL &&
      !g_str_equal (hf_json_string (ctx->r, "status"), "active"))
    g_string_append_printf (ctx->title, " — %s", hf_json_string (ctx->r, "status"));
  if (udi != NULL)
    g_string_append_printf (ctx->subtitle, "Device identifier %s", udi);
  ctx->when = first_date (ctx->r, "manufactureDate", NULL);
}

static char *
money_text (JsonObject *money)
{
  double v;

  if (!hf_json_number (money, "value", &v))
    return NULL;
  return hf_json_string (money, "currency")
         ? g_strdup_printf ("%.2f %s", v, hf_json_string (money, "currency"))
         : g_strdup_printf ("%.2f", v);
}

static JsonObject *
claim_total (JsonObject *r)
{
  return hf_json_object (r, "total") ? hf_json_object (r, "total")
                                     : hf_json_object (hf_json_first_object (r, "total"), "amount");
}

static void
summarize_claim (Ctx        *ctx,
                 const char *what)
{
  g_autofree char *type = concept_text (hf_json_object (ctx->r, "type"));
  g_autofree char *total = money_text (claim_total (ctx->r));
  g_autofree char *insurer = reference_text (ctx, hf_json_object (ctx->r, "insurer"));

  g_string_append (ctx->title, what);
  if (type != NULL)
    g_string_append_printf (ctx->title, " (%s)", type);
  if (total != NULL)
    g_string_append_printf (ctx->title, " — %s", total);
  append_part (ctx->subtitle, " · ", insurer);
  ctx->when = first_date (ctx->r, "billablePeriod.start", "created", NULL);
}

static void
summarize_coverage (Ctx *ctx)
{
  g_autofree char *payor = references_text (ctx, hf_json_array (ctx->r, "payor"), NULL);
  g_autofree char *type = concept_text (hf_json_object (ctx->r, "type"));

  g_string_append (ctx->title, "Insurance");
  append_part (ctx->title, ": ", payor ? payor : type);
  if (hf_json_string (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s", hf_json_string (ctx->r, "status"));
  ctx->when = first_date (ctx->r, "period.start", NULL);
}

static void
summarize_request (Ctx *ctx)
{
  g_autofree char *requester = reference_text (ctx, hf_json_object (ctx->r, "requester"));
  g_autofree char *reason = concepts_text (hf_json_array (ctx->r, "reasonCode"));

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Order");
  if (hf_json_string (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s", hf_json_string (ctx->r, "status"));
  if (reason != NULL)
    g_string_append_printf (ctx->subtitle, "For %s", reason);
  if (requester != NULL)
    g_string_append_printf (ctx->subtitle, "%sOrdered by %s", ctx->subtitle->len ? " · " : "",
                            requester);
  ctx->when = first_date (ctx->r, "occurrenceDateTime", "occurrencePeriod.start", "authoredOn",
                          NULL);
}

static void
summarize_specimen (Ctx *ctx)
{
  g_autofree char *site = concept_text (hf_json_object (hf_json_object (ctx->r, "collection"),
                                                       "bodySite"));

  title_concept (ctx, hf_json_object (ctx->r, "type"), "Specimen");
  append_part (ctx->subtitle, " · ", site);
  ctx->when = first_date (ctx->r, "collection.collectedDateTime", "receivedTime", NULL);
}

static void
summarize_imaging (Ctx *ctx)
{
  g_autofree char *procedure = concept_text (hf_json_first_object (ctx->r, "procedureCode"));
  g_autofree char *modality = hf_json_string (hf_json_first_object (ctx->r, "modality"), "display")
    ? g_strdup (hf_json_string (hf_json_first_object (ctx->r, "modality"), "display"))
    : g_strdup (hf_json_string (hf_json_first_object (ctx->r, "modality"), "code"));
  g_autofree char *site = NULL;
  guint series = len (hf_json_array (ctx->r, "series"));

  site = concept_text (hf_json_object (hf_json_first_object (ctx->r, "series"), "bodySite"));
  if (site == NULL && hf_json_string (hf_json_object (hf_json_first_object (ctx->r, "series"),
                                                      "bodySite"),
                                      "display") != NULL)
    site = g_strdup (hf_json_string (hf_json_object (hf_json_first_object (ctx->r, "series"),
                                                     "bodySite"),
                                     "display"));
  if (modality == NULL)
    {
      JsonObject *m = hf_json_object (hf_json_first_object (ctx->r, "series"), "modality");
      modality = g_strdup (hf_json_string (m, "display") ? hf_json_string (m, "display")
                                                         : hf_json_string (m, "code"));
    }
  g_string_append (ctx->title, procedure ? procedure : "Imaging study");
  if (procedure == NULL && modality != NULL)
    g_string_append_printf (ctx->title, " (%s)", modality);
  if (procedure == NULL && site != NULL)
    g_string_append_printf (ctx->title, " of the %s", site);
  if (series > 0)
    g_string_append_printf (ctx->subtitle, "%u series", series);
  ctx->when = first_date (ctx->r, "started", NULL);
}

static void
summarize_misc (Ctx *ctx)
{
  const char *type = type_of (ctx->r);

  if (g_str_equal (type, "Provenance"))
    {
      g_autofree char *who = references_text (ctx, hf_json_array (ctx->r, "agent"), "who");
      guint n = len (hf_json_array (ctx->r, "target"));
      g_string_append (ctx->title, "Record history");
      if (n > 0)
        g_string_append_printf (ctx->subtitle, "About %u record%s", n, n == 1 ? "" : "s");
      append_part (ctx->subtitle, " · ", who);
      ctx->when = first_date (ctx->r, "recorded", NULL);
    }
  else if (g_str_equal (type, "QuestionnaireResponse"))
    {
      guint n = len (hf_json_array (ctx->r, "item"));
      g_autofree char *author = reference_text (ctx, hf_json_object (ctx->r, "author"));
      g_string_append (ctx->title, "Questionnaire answers");
      if (hf_json_string (ctx->r, "status") != NULL)
        g_string_append_printf (ctx->title, " — %s", hf_json_string (ctx->r, "status"));
      if (n > 0)
        g_string_append_printf (ctx->subtitle, "%u answer%s", n, n == 1 ? "" : "s");
      append_part (ctx->subtitle, " · ", author);
      ctx->when = first_date (ctx->r, "authored", NULL);
    }
  else
    {
      /* Unknown to us: shown plainly, by what it names, else by type and id. */
      g_autofree char *what = concept_text (hf_json_object (ctx->r, "code"));
      set_primary_code (ctx, hf_json_object (ctx->r, "code"));
      if (what != NULL)
        {
          g_string_append (ctx->title, what);
          g_string_append (ctx->subtitle, type);
        }
      else
        {
          g_string_append (ctx->title, type);
          if (hf_json_string (ctx->r, "id") != NULL)
            g_string_append_printf (ctx->title, " %s", hf_json_string (ctx->r, "id"));
        }
      ctx->when = first_date (ctx->r, "date", "effectiveDateTime", "occurrenceDateTime",
                              "period.start", "authored", "recorded", "created", "issued",
                              "meta.lastUpdated", NULL);
    }
}

static const char *
observation_category (JsonObject *r)
{
  JsonArray *cats = hf_json_array (r, "category");

  for (guint i = 0; i < len (cats); i++)
    {
      if (concept_has_code (elem_obj (cats, i), "vital-signs"))
        return HF_CATEGORY_VITALS;
      if (concept_has_code (elem_obj (cats, i), "laboratory"))
        return HF_CATEGORY_LAB_RESULTS;
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
    { "ImagingStudy", HF_CATEGORY_PROCEDURES },
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

static void
summarize_by_type (Ctx *ctx)
{
  const char *type = type_of (ctx->r);

  if (g_str_equal (type, "Observation"))
    summarize_observation (ctx);
  else if (g_str_equal (type, "MedicationRequest") || g_str_equal (type, "MedicationDispense"))
    summarize_medication_use (ctx, "dosageInstruction");
  else if (g_str_equal (type, "MedicationStatement") ||
           g_str_equal (type, "MedicationAdministration"))
    summarize_medication_use (ctx, "dosage");
  else if (g_str_equal (type, "Medication"))
    summarize_medication (ctx);
  else if (g_str_equal (type, "Condition"))
    summarize_condition (ctx);
  else if (g_str_equal (type, "AllergyIntolerance"))
    summarize_allergy (ctx);
  else if (g_str_equal (type, "Immunization"))
    summarize_immunization (ctx);
  else if (g_str_equal (type, "Procedure"))
    summarize_procedure (ctx);
  else if (g_str_equal (type, "Encounter"))
    summarize_encounter (ctx);
  else if (g_str_equal (type, "DiagnosticReport"))
    summarize_report (ctx);
  else if (g_str_equal (type, "DocumentReference"))
    summarize_document (ctx);
  else if (g_str_equal (type, "Patient"))
    summarize_patient (ctx);
  else if (g_str_equal (type, "Practitioner") || g_str_equal (type, "RelatedPerson") ||
           g_str_equal (type, "Person"))
    summarize_person (ctx);
  else if (g_str_equal (type, "Organization") || g_str_equal (type, "Location"))
    summarize_place (ctx);
  else if (g_str_equal (type, "PractitionerRole"))
    summarize_practitioner_role (ctx);
  else if (g_str_equal (type, "CarePlan"))
    summarize_plan (ctx, "Care plan");
  else if (g_str_equal (type, "CareTeam"))
    summarize_plan (ctx, "Care team");
  else if (g_str_equal (type, "Goal"))
    summarize_goal (ctx);
  else if (g_str_equal (type, "Device"))
    summarize_device (ctx);
  else if (g_str_equal (type, "Claim"))
    summarize_claim (ctx, "Claim");
  else if (g_str_equal (type, "ExplanationOfBenefit"))
    summarize_claim (ctx, "Insurance statement");
  else if (g_str_equal (type, "Coverage"))
    summarize_coverage (ctx);
  else if (g_str_equal (type, "ServiceRequest"))
    summarize_request (ctx);
  else if (g_str_equal (type, "Specimen"))
    summarize_specimen (ctx);
  else if (g_str_equal (type, "ImagingStudy"))
    summarize_imaging (ctx);
  else
    summarize_misc (ctx);
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
  type = type_of (resource);
  out->category = category_of (type, resource);
  summarize_by_type (&ctx);

  if (title->len == 0)
    g_string_append (title, type);
  out->title = g_strdup (title->str);
  out->subtitle = subtitle->len ? g_strdup (subtitle->str) : NULL;
  out->effective = sortable_date (ctx.when);
  out->date = display_date (ctx.when);

  out->status = g_strdup (hf_json_string (resource, "status"));
  if (out->status == NULL && clinical_status (resource) != NULL)
    out->status = g_strdup (clinical_status (resource));
  if (out->status == NULL)
    out->status = concept_code (resource, "verificationStatus");
  if (out->status == NULL)
    out->status = g_strdup (hf_json_string (resource, "lifecycleStatus"));

  subject = hf_json_object (resource, "subject") ? hf_json_object (resource, "subject")
                                                : hf_json_object (resource, "patient");
  if (subject == NULL && hf_json_object (resource, "beneficiary") != NULL)
    subject = hf_json_object (resource, "beneficiary");
  out->subject = g_strdup (hf_json_string (subject, "reference"));

  add_concept_codes (codes, hf_json_object (resource, "code"));
  add_concept_codes (codes, hf_json_object (resource, "vaccineCode"));
  add_concept_codes (codes, hf_json_object (resource, "medicationCodeableConcept"));
  add_concept_codes (codes, hf_json_first_object (resource, "type"));
  add_concept_codes (codes, hf_json_object (resource, "type"));
  add_concept_codes (codes, hf_json_object (resource, "valueCodeableConcept"));
  for (guint i = 0; i < len (hf_json_array (resource, "reasonCode")); i++)
    add_concept_codes (codes, elem_obj (hf_json_array (resource, "reasonCode"), i));
  for (guint i = 0; i < len (hf_json_array (resource, "component")); i++)
    add_concept_codes (codes, hf_json_object (elem_obj (hf_json_array (resource, "component"), i),
                                              "code"));
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

/* HL7 v3 Confidentiality (restricted, very restricted) and the DS4P sensitivity codes. */
static const char * const sensitive_codes[] = {
  "R", "V", "HIV", "PSY", "PSYTHPN", "MH", "SUD", "ETH", "ETHUD", "OPIOIDUD", "ALC", "DRG",
  "STD", "SEX", "SDV", "GDIS", "BH", "TBOO", "HLIST", NULL
};

const char *
hf_fhir_sensitivity_label (JsonObject *resource)
{
  JsonArray *security = hf_json_array (hf_json_object (resource, "meta"), "security");

  for (guint i = 0; security != NULL && i < json_array_get_length (security); i++)
    {
      JsonNode *n = json_array_get_element (security, i);
      const char *code;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      code = hf_json_string (json_node_get_object (n), "code");
      if (code != NULL && g_strv_contains (sensitive_codes, code))
        return code;
    }
  return NULL;
}

char *
hf_fhir_display_name (JsonObject *resource)
{
  const char *type;

  g_return_val_if_fail (resource != NULL, NULL);

  type = hf_json_string (resource, "resourceType");
  if (type == NULL)
    return NULL;
  if (g_str_equal (type, "Medication"))
    return concept_text (hf_json_object (resource, "code"));
  if (g_str_equal (type, "Patient") || g_str_equal (type, "Practitioner") ||
      g_str_equal (type, "RelatedPerson") || g_str_equal (type, "Person"))
    return human_name (hf_json_first_object (resource, "name"));
  if (hf_json_string (resource, "name") != NULL)
    return g_strdup (hf_json_string (resource, "name"));
  return NULL;
}

/* {{{ details: everything a patient may want to read about one record */

void
hf_fhir_field_free (HfFhirField *field)
{
  if (field == NULL)
    return;
  g_free (field->label);
  g_free (field->value);
  g_free (field);
}

/* Takes VALUE; nothing is added for NULL or "". */
static void
add_field (GPtrArray  *fields,
           const char *label,
           char       *value)
{
  HfFhirField *f;

  if (value == NULL || *value == '\0')
    {
      g_free (value);
      return;
    }
  f = g_new0 (HfFhirField, 1);
  f->label = g_strdup (label);
  f->value = value;
  g_ptr_array_add (fields, f);
}

/* "Hemoglobin A1c (LOINC 4548-4)". */
static char *
concept_with_codes (JsonObject *cc)
{
  g_autofree char *text = concept_text (cc);
  g_autofree char *codes = concept_codes (cc);

  if (text == NULL)
    return NULL;
  if (codes == NULL || strstr (text, codes) != NULL)
    return g_steal_pointer (&text);
  return g_strdup_printf ("%s (%s)", text, codes);
}

static void
add_concepts (GPtrArray  *fields,
              const char *label,
              JsonArray  *concepts)
{
  add_field (fields, label, concepts_text (concepts));
}

static void
add_date (GPtrArray  *fields,
          const char *label,
          const char *text)
{
  add_field (fields, label, readable_date (text));
}

static void
describe_what (Ctx       *ctx,
               GPtrArray *fields)
{
  const char *type = type_of (ctx->r);

  if (g_str_has_prefix (type, "Medication") && !g_str_equal (type, "Medication"))
    {
      JsonObject *cc = hf_json_object (ctx->r, "medicationCodeableConcept");
      add_field (fields, "Medication",
                 cc ? concept_with_codes (cc)
                    : reference_text (ctx, hf_json_object (ctx->r, "medicationReference")));
    }
  else if (g_str_equal (type, "Immunization"))
    add_field (fields, "Vaccine", concept_with_codes (hf_json_object (ctx->r, "vaccineCode")));
  else if (g_str_equal (type, "Encounter"))
    add_field (fields, "Kind of visit", concept_with_codes (hf_json_first_object (ctx->r, "type")));
  else if (g_str_equal (type, "ImagingStudy"))
    add_field (fields, "What", concept_with_codes (hf_json_first_object (ctx->r, "procedureCode")));
  else if (g_str_equal (type, "Goal"))
    add_field (fields, "Goal", concept_with_codes (hf_json_object (ctx->r, "description")));
  else if (g_str_equal (type, "Device") || g_str_equal (type, "DocumentReference") ||
           g_str_equal (type, "Specimen") || g_str_equal (type, "Coverage"))
    add_field (fields, "What", concept_with_codes (hf_json_object (ctx->r, "type")));
  else
    add_field (fields, "What", concept_with_codes (hf_json_object (ctx->r, "code")));
}

static void
describe_observation (JsonObject *holder,
                      GPtrArray  *fields)
{
  JsonArray *components = hf_json_array (holder, "component");
  JsonArray *ranges = hf_json_array (holder, "referenceRange");
  ValueKind kind;
  double number = 0;
  g_autofree char *value = value_text (holder, &kind, &number, NULL);
  gboolean numeric = hf_json_object (holder, "valueQuantity") != NULL ||
                     json_object_has_member (holder, "valueInteger");

  add_field (fields, "Result", g_steal_pointer (&value));
  add_field (fields, "Meaning", interpretation (holder, numeric, number));
  for (guint i = 0; i < len (ranges); i++)
    {
      JsonObject *range = elem_obj (ranges, i);
      g_autofree char *text = range_text (range);
      g_autofree char *applies = concept_text (hf_json_object (range, "type"));
      if (text != NULL && applies != NULL)
        add_field (fields, "Normal range", g_strdup_printf ("%s (%s)", text, applies));
      else
        add_field (fields, "Normal range", g_steal_pointer (&text));
    }
  for (int rank = 0; rank <= 2; rank++)
    for (guint i = 0; i < len (components); i++)
      {
        JsonObject *c = elem_obj (components, i);
        g_autofree char *name = NULL;
        g_autofree char *v = NULL;
        g_autofree char *word = NULL;
        g_autofree char *absent = NULL;
        double n = 0;

        if (component_rank (c) != rank)
          continue;
        name = concept_text (hf_json_object (c, "code"));
        v = value_text (c, &kind, &n, NULL);
        word = interpretation (c, hf_json_object (c, "valueQuantity") != NULL, n);
        absent = concept_text (hf_json_object (c, "dataAbsentReason"));
        if (v != NULL && word != NULL)
          add_field (fields, name ? name : "Part", g_strdup_printf ("%s — %s", v, word));
        else if (v != NULL)
          add_field (fields, name ? name : "Part", g_steal_pointer (&v));
        else if (absent != NULL)
          add_field (fields, name ? name : "Part", g_strdup_printf ("no result (%s)", absent));
      }
  {
    g_autofree char *absent = concept_text (hf_json_object (holder, "dataAbsentReason"));
    if (absent != NULL)
      add_field (fields, "No result", g_steal_pointer (&absent));
  }
  add_field (fields, "Method", concept_text (hf_json_object (holder, "method")));
  add_field (fields, "Body site", concept_text (hf_json_object (holder, "bodySite")));
}

static void
describe_dosage (JsonArray *dosages,
                 GPtrArray *fields)
{
  for (guint i = 0; i < len (dosages); i++)
    {
      JsonObject *d = elem_obj (dosages, i);
      double count = 0;
      g_autofree char *dose = dose_text (d, &count);
      g_autofree char *rate =
        quantity_text (hf_json_object (hf_json_first_object (d, "doseAndRate"), "rateQuantity"),
                       NULL, NULL);

      if (dose == NULL && count > 0)
        dose = format_number (count);
      if (dose == NULL) /* MedicationAdministration */
        dose = quantity_text (hf_json_object (d, "dose"), NULL, NULL);
      add_field (fields, "Dose", g_steal_pointer (&dose));
      add_field (fields, "Rate", g_steal_pointer (&rate));
      add_field (fields, "How often", timing_text (d));
      add_field (fields, "How to take it", concept_text (hf_json_object (d, "route")));
      add_field (fields, "Instructions", g_strdup (hf_json_string (d, "text")));
      add_field (fields, "For the patient", g_strdup (hf_json_string (d, "patientInstruction")));
      add_concepts (fields, "Also", hf_json_array (d, "additionalInstruction"));
    }
}

static void
describe_status (Ctx       *ctx,
                 GPtrArray *fields)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *verification = concept_text (hf_json_object (ctx->r, "verificationStatus"));
  g_autofree char *reason = concept_text (hf_json_object (ctx->r, "statusReason"));

  append_part (s, ", ", hf_json_string (ctx->r, "status"));
  append_part (s, ", ", clinical_status (ctx->r));
  append_part (s, ", ", hf_json_string (ctx->r, "lifecycleStatus"));
  append_part (s, ", ", verification);
  append_part (s, " — ", reason);
  add_field (fields, "Status", s->len ? g_strdup (s->str) : NULL);
}

static void
describe_dates (Ctx       *ctx,
                GPtrArray *fields)
{
  JsonObject *r = ctx->r;
  const char *type = type_of (r);
  const char *onset_label = g_str_equal (type, "Condition") ? "Since" : "Started";

  add_date (fields, "Date", first_date (r, "effectiveDateTime", "effectiveInstant",
                                        "occurrenceDateTime", "performedDateTime", "date",
                                        "authored", "started", NULL));
  add_field (fields, "When", period_text (hf_json_object (r, "effectivePeriod")));
  add_field (fields, "When", period_text (hf_json_object (r, "performedPeriod")));
  add_field (fields, "When", period_text (hf_json_object (r, "occurrencePeriod")));
  add_field (fields, "When", period_text (hf_json_object (r, "period")));
  add_field (fields, "When", period_text (hf_json_object (r, "billablePeriod")));
  add_date (fields, onset_label, hf_json_string (r, "onsetDateTime"));
  add_field (fields, onset_label, period_text (hf_json_object (r, "onsetPeriod")));
  add_field (fields, onset_label, g_strdup (hf_json_string (r, "onsetString")));
  add_date (fields, "Resolved", hf_json_string (r, "abatementDateTime"));
  add_field (fields, "Resolved", g_strdup (hf_json_string (r, "abatementString")));
  add_date (fields, "Prescribed", hf_json_string (r, "authoredOn"));
  add_date (fields, "Handed over", hf_json_string (r, "whenHandedOver"));
  add_date (fields, "Recorded", first_date (r, "recordedDate", "recorded", "dateAsserted",
                                            NULL));
  if (g_strcmp0 (hf_json_string (r, "issued"),
                 first_date (r, "effectiveDateTime", "effectiveInstant", NULL)) != 0)
    add_date (fields, "Reported", hf_json_string (r, "issued"));
  add_date (fields, "Collected", hf_json_string (hf_json_object (r, "collection"),
                                                 "collectedDateTime"));
  add_date (fields, "Born", hf_json_string (r, "birthDate"));
  add_date (fields, "Died", hf_json_string (r, "deceasedDateTime"));
  add_date (fields, "Last updated", hf_json_string (hf_json_object (r, "meta"), "lastUpdated"));
}

static void
describe_people_and_places (Ctx       *ctx,
                            GPtrArray *fields)
{
  JsonObject *r = ctx->r;
  const char *type = type_of (r);
  JsonObject *subject = hf_json_object (r, "subject") ? hf_json_object (r, "subject")
                                                      : hf_json_object (r, "patient");

  if (subject == NULL)
    subject = hf_json_object (r, "beneficiary");
  add_field (fields, "Patient", reference_text (ctx, subject));
  if (g_str_equal (type, "MedicationRequest") || g_str_equal (type, "ServiceRequest"))
    add_field (fields, g_str_equal (type, "ServiceRequest") ? "Ordered by" : "Prescribed by",
               reference_text (ctx, hf_json_object (r, "requester")));
  add_field (fields, "Performed by",
             references_text (ctx, hf_json_array (r, "performer"),
                              hf_json_first_object (r, "performer") &&
                              hf_json_object (hf_json_first_object (r, "performer"), "actor")
                              ? "actor" : NULL));
  add_field (fields, "Performed by", reference_text (ctx, hf_json_object (r, "performer")));
  add_field (fields, "With", references_text (ctx, hf_json_array (r, "participant"),
                                              g_str_equal (type, "CareTeam") ? "member"
                                                                              : "individual"));
  add_field (fields, "Practitioner", reference_text (ctx, hf_json_object (r, "practitioner")));
  add_field (fields, "Recorded by", reference_text (ctx, hf_json_object (r, "recorder")));
  add_field (fields, "Stated by", reference_text (ctx, hf_json_object (r, "asserter")));
  add_field (fields, "Reported by", reference_text (ctx, hf_json_object (r, "informationSource")));
  add_field (fields, "Author", references_text (ctx, hf_json_array (r, "author"), NULL));
  add_field (fields, "Author", reference_text (ctx, hf_json_object (r, "author")));
  add_field (fields, "Agent", references_text (ctx, hf_json_array (r, "agent"), "who"));
  add_field (fields, "Where", reference_text (ctx, hf_json_object (r, "location")));
  add_field (fields, "Where", references_text (ctx, hf_json_array (r, "location"), "location"));
  add_field (fields, "Care provider", reference_text (ctx, hf_json_object (r, "serviceProvider")));
  add_field (fields, "Organization", reference_text (ctx, hf_json_object (r, "organization")));
  add_field (fields, "Kept by", reference_text (ctx, hf_json_object (r, "custodian")));
  add_field (fields, "Insurer", reference_text (ctx, hf_json_object (r, "insurer")));
  add_field (fields, "Paid by", references_text (ctx, hf_json_array (r, "payor"), NULL));
  add_field (fields, "Made by", reference_text (ctx, hf_json_object (r, "manufacturer")));
  add_field (fields, "Visit", reference_text (ctx, hf_json_object (r, "encounter")));
}

static void
describe_specifics (Ctx       *ctx,
                    GPtrArray *fields)
{
  JsonObject *r = ctx->r;
  const char *type = type_of (r);

  if (g_str_equal (type, "Observation"))
    describe_observation (r, fields);
  else if (g_str_equal (type, "MedicationRequest") || g_str_equal (type, "MedicationDispense"))
    describe_dosage (hf_json_array (r, "dosageInstruction"), fields);
  else if (g_str_equal (type, "MedicationStatement"))
    describe_dosage (hf_json_array (r, "dosage"), fields);
  else if (g_str_equal (type, "MedicationAdministration"))
    {
      g_autoptr(JsonArray) one = json_array_new ();
      if (hf_json_object (r, "dosage") != NULL)
        json_array_add_object_element (one, json_object_ref (hf_json_object (r, "dosage")));
      describe_dosage (one, fields);
    }
  else if (g_str_equal (type, "AllergyIntolerance"))
    {
      JsonArray *reactions = hf_json_array (r, "reaction");
      JsonArray *cats = hf_json_array (r, "category");
      g_autoptr(GString) kind = g_string_new (NULL);

      append_part (kind, " ", hf_json_string (r, "type"));
      for (guint i = 0; i < len (cats); i++)
        append_part (kind, ", ", elem_str (cats, i));
      add_field (fields, "Kind", kind->len ? g_strdup (kind->str) : NULL);
      add_field (fields, "Risk", g_strdup (hf_json_string (r, "criticality")));
      for (guint i = 0; i < len (reactions); i++)
        {
          JsonObject *reaction = elem_obj (reactions, i);
          g_autofree char *m = concepts_text (hf_json_array (reaction, "manifestation"));
          const char *severity = hf_json_string (reaction, "severity");
          add_field (fields, "Reaction", severity && m ? g_strdup_printf ("%s (%s)", m, severity)
                                                       : g_steal_pointer (&m));
        }
    }
  else if (g_str_equal (type, "Immunization"))
    {
      JsonObject *dose = hf_json_first_object (r, "protocolApplied");
      double n;
      add_field (fields, "Lot", g_strdup (hf_json_string (r, "lotNumber")));
      add_field (fields, "Where on the body", concept_text (hf_json_object (r, "site")));
      add_field (fields, "How given", concept_text (hf_json_object (r, "route")));
      if (hf_json_number (dose, "doseNumberPositiveInt", &n))
        add_field (fields, "Dose number", format_number (n));
    }
  else if (g_str_equal (type, "DiagnosticReport"))
    {
      JsonArray *results = hf_json_array (r, "result");
      for (guint i = 0; i < len (results); i++)
        add_field (fields, "Result", reference_text_resolved (ctx, elem_obj (results, i)));
      add_field (fields, "Conclusion", g_strdup (hf_json_string (r, "conclusion")));
    }
  else if (g_str_equal (type, "DocumentReference"))
    {
      JsonArray *content = hf_json_array (r, "content");
      for (guint i = 0; i < len (content); i++)
        {
          JsonObject *a = hf_json_object (elem_obj (content, i), "attachment");
          g_autoptr(GString) s = g_string_new (NULL);
          double size;
          append_part (s, " · ", hf_json_string (a, "title"));
          append_part (s, " · ", hf_json_string (a, "contentType"));
          if (hf_json_number (a, "size", &size))
            g_string_append_printf (s, "%s%.0f bytes", s->len ? " · " : "", size);
          if (hf_json_string (a, "data") != NULL)
            append_part (s, " · ", "included");
          else if (hf_json_string (a, "url") != NULL)
            append_part (s, " · ", hf_json_string (a, "url"));
          add_field (fields, "Attachment", s->len ? g_strdup (s->str) : NULL);
        }
    }
  else if (g_str_equal (type, "Claim") || g_str_equal (type, "ExplanationOfBenefit"))
    {
      add_field (fields, "Kind", concept_text (hf_json_object (r, "type")));
      add_field (fields, "Total", money_text (claim_total (r)));
      add_field (fields, "Outcome", g_strdup (hf_json_string (r, "outcome")));
    }
  else if (g_str_equal (type, "Patient") || g_str_equal (type, "Practitioner") ||
           g_str_equal (type, "RelatedPerson"))
    {
      add_field (fields, "Name", human_name (hf_json_first_object (r, "name")));
      add_field (fields, "Relationship", concepts_text (hf_json_array (r, "relationship")));
      add_field (fields, "Gender", g_strdup (hf_json_string (r, "gender")));
      add_field (fields, "Language",
                 concept_text (hf_json_object (hf_json_first_object (r, "communication"),
                                               "language")));
    }
  else if (g_str_equal (type, "CarePlan"))
    {
      JsonArray *activities = hf_json_array (r, "activity");
      add_concepts (fields, "Kind", hf_json_array (r, "category"));
      for (guint i = 0; i < len (activities); i++)
        {
          JsonObject *detail = hf_json_object (elem_obj (activities, i), "detail");
          g_autofree char *what = concept_text (hf_json_object (detail, "code"));
          const char *status = hf_json_string (detail, "status");
          add_field (fields, "Activity", what && status ? g_strdup_printf ("%s (%s)", what, status)
                                                        : g_steal_pointer (&what));
        }
    }
  else if (g_str_equal (type, "Device"))
    {
      add_field (fields, "Identifier",
                 g_strdup (hf_json_string (hf_json_first_object (r, "udiCarrier"),
                                           "deviceIdentifier")));
      add_field (fields, "Serial number", g_strdup (hf_json_string (r, "serialNumber")));
    }
  else if (g_str_equal (type, "ImagingStudy"))
    {
      JsonArray *series = hf_json_array (r, "series");
      for (guint i = 0; i < len (series); i++)
        {
          JsonObject *one = elem_obj (series, i);
          JsonObject *m = hf_json_object (one, "modality");
          JsonObject *site = hf_json_object (one, "bodySite");
          g_autoptr(GString) s = g_string_new (NULL);
          append_part (s, " · ", hf_json_string (m, "display") ? hf_json_string (m, "display")
                                                               : hf_json_string (m, "code"));
          append_part (s, " · ", hf_json_string (site, "display"));
          append_part (s, " · ", hf_json_string (one, "description"));
          add_field (fields, "Series", s->len ? g_strdup (s->str) : NULL);
        }
    }
  else if (g_str_equal (type, "PractitionerRole"))
    {
      add_concepts (fields, "Role", hf_json_array (r, "code"));
      add_concepts (fields, "Specialty", hf_json_array (r, "specialty"));
    }

  if (g_str_equal (type, "Observation") && observation_category_label (r) != NULL)
    add_field (fields, "Category", g_strdup (observation_category_label (r)));
  else if (!g_str_equal (type, "CarePlan"))
    add_concepts (fields, "Category", hf_json_array (r, "category"));
  add_concepts (fields, "Reason", hf_json_array (r, "reasonCode"));
  add_field (fields, "Reason", references_text (ctx, hf_json_array (r, "reasonReference"), NULL));
  add_concepts (fields, "Body site", hf_json_array (r, "bodySite"));
  add_field (fields, "Outcome", concept_text (hf_json_object (r, "outcome")));
  add_field (fields, "Description", g_strdup (hf_json_string (r, "description")));
  {
    JsonObject *address = hf_json_object (r, "address") ? hf_json_object (r, "address")
                                                        : hf_json_first_object (r, "address");
    JsonArray *telecom = hf_json_array (r, "telecom");
    add_field (fields, "Address", address_text (address));
    for (guint i = 0; i < len (telecom); i++)
      add_field (fields, "Contact", g_strdup (hf_json_string (elem_obj (telecom, i), "value")));
  }
  {
    JsonArray *notes = hf_json_array (r, "note");
    for (guint i = 0; i < len (notes); i++)
      add_field (fields, "Note", g_strdup (hf_json_string (elem_obj (notes, i), "text")));
  }
}

GPtrArray *
hf_fhir_describe (JsonObject        *resource,
                  HfFhirResolveFunc  resolve,
                  gpointer           user_data)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                hf_fhir_field_free);
  HfFhirSummary unused = { 0 };
  Ctx ctx = { resource, resolve, user_data, &unused, NULL, NULL, NULL };

  g_return_val_if_fail (resource != NULL, NULL);

  describe_what (&ctx, fields);
  describe_specifics (&ctx, fields);
  describe_status (&ctx, fields);
  describe_dates (&ctx, fields);
  describe_people_and_places (&ctx, fields);
  return g_steal_pointer (&fields);
}

/* }}} */
