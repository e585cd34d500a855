/* hf-fhir-words.c — coded values in words: statuses, categories, negations, type names
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words are ours, written for a patient; the codes are HL7's (the R4 value sets named at
 * each table, terminology.hl7.org), SNOMED CT's and the IPS "absent or unknown" code system's.
 * A code we have no words for reads as its source's display, as before.
 */

#include "hf-fhir.h"
#include "hf-fhir-private.h"

#include <string.h>

#include "hf-json-util.h"

typedef struct
{
  const char *code;
  const char *word;
} Word;

static const char *
lookup (const Word *words,
        gsize       n,
        const char *code)
{
  for (gsize i = 0; code != NULL && i < n; i++)
    if (g_str_equal (words[i].code, code))
      return words[i].word;
  return NULL;
}

/* {{{ statuses */

/* The status codes of every R4 resource type a patient meets (request-status, event-status,
 * condition-clinical, allergyintolerance-clinical, appointmentstatus, encounter-status,
 * goal-status, consent-state-codes, composition-status, document-reference-status,
 * diagnostic-report-status, fm-status, episode-of-care-status, …), lower case, for a title's
 * " — status". */
static const Word status_words[] = {
  { "aborted", "stopped before the end" }, { "accepted", "accepted" },
  { "achieved", "achieved" }, { "active", "active" }, { "ahead-of-target", "ahead of target" },
  { "amended", "amended" }, { "appended", "amended" }, { "arrived", "arrived" },
  { "behind-target", "behind target" }, { "booked", "booked" }, { "cancelled", "cancelled" },
  { "checked-in", "checked in" }, { "completed", "completed" }, { "confirmed", "confirmed" },
  { "corrected", "corrected" }, { "current", "current" }, { "declined", "declined" },
  { "differential", "one of several possibilities" }, { "draft", "draft" },
  { "entered-in-error", "entered in error" }, { "failed", "failed" }, { "final", "final" },
  { "finished", "finished" }, { "fulfilled", "fulfilled" }, { "health-unknown", "health unknown" },
  { "improving", "improving" }, { "in-progress", "in progress" }, { "inactive", "inactive" },
  { "intended", "intended" }, { "no-change", "no change" }, { "noshow", "missed" },
  { "not-achieved", "not achieved" }, { "not-attainable", "not attainable" },
  { "not-done", "not done" }, { "not-taken", "not taken" }, { "on-hold", "on hold" },
  { "on-target", "on target" }, { "onleave", "on leave" }, { "partial", "partial" },
  { "pending", "pending" }, { "planned", "planned" }, { "preliminary", "preliminary" },
  { "preparation", "being prepared" }, { "proposed", "proposed" },
  { "provisional", "provisional" }, { "received", "received" }, { "recurrence", "came back" },
  { "refuted", "ruled out" }, { "registered", "registered" }, { "rejected", "rejected" },
  { "relapse", "came back" }, { "remission", "in remission" }, { "requested", "requested" },
  { "resolved", "resolved" }, { "revoked", "withdrawn" }, { "stopped", "stopped" },
  { "superseded", "replaced by a newer version" }, { "suspended", "suspended" },
  { "sustaining", "keeping it up" }, { "triaged", "triaged" }, { "unconfirmed", "unconfirmed" },
  { "unknown", "status unknown" }, { "waitlist", "on the waiting list" },
  { "worsening", "worsening" },
};

const char *
_hf_fhir_status_word (const char *code)
{
  const char *word = lookup (status_words, G_N_ELEMENTS (status_words), code);

  return word ? word : code;
}

/* }}} */
/* {{{ codes of HL7 code systems, by system */

/* Condition category (condition-category, US Core's), DiagnosticReport category (v2-0074),
 * the clinical and verification statuses, allergy categories; keyed by the code system's last
 * path segment. */
static const struct { const char *system; const char *code; const char *word; } coded[] = {
  { "condition-category", "encounter-diagnosis", "Diagnosis at a visit" },
  { "condition-category", "problem-list-item", "Problem list" },
  { "condition-category", "health-concern", "Health concern" },
  { "us-core-condition-category", "health-concern", "Health concern" },
  { "us-core-condition-category", "problem-list-item", "Problem list" },
  { "condition-clinical", "active", "Active" },
  { "condition-clinical", "recurrence", "Came back" },
  { "condition-clinical", "relapse", "Came back" },
  { "condition-clinical", "inactive", "Inactive" },
  { "condition-clinical", "remission", "In remission" },
  { "condition-clinical", "resolved", "Resolved" },
  { "condition-ver-status", "unconfirmed", "Unconfirmed" },
  { "condition-ver-status", "provisional", "Provisional" },
  { "condition-ver-status", "differential", "One of several possibilities" },
  { "condition-ver-status", "confirmed", "Confirmed" },
  { "condition-ver-status", "refuted", "Ruled out" },
  { "condition-ver-status", "entered-in-error", "Entered in error" },
  { "allergyintolerance-clinical", "active", "Active" },
  { "allergyintolerance-clinical", "inactive", "Inactive" },
  { "allergyintolerance-clinical", "resolved", "Resolved" },
  { "allergyintolerance-verification", "unconfirmed", "Unconfirmed" },
  { "allergyintolerance-verification", "confirmed", "Confirmed" },
  { "allergyintolerance-verification", "refuted", "Ruled out" },
  { "allergyintolerance-verification", "entered-in-error", "Entered in error" },
  { "v2-0074", "AU", "Audiology" }, { "v2-0074", "BG", "Blood gases" },
  { "v2-0074", "BLB", "Blood bank" }, { "v2-0074", "CG", "Cytogenetics" },
  { "v2-0074", "CH", "Chemistry" }, { "v2-0074", "CP", "Cytopathology" },
  { "v2-0074", "CT", "CT scan" }, { "v2-0074", "CTH", "Cardiac catheterization" },
  { "v2-0074", "CUS", "Heart ultrasound" }, { "v2-0074", "EC", "Heart tracing (ECG)" },
  { "v2-0074", "EN", "Nerve and brain tests" }, { "v2-0074", "GE", "Genetics" },
  { "v2-0074", "HM", "Hematology" }, { "v2-0074", "ICU", "Intensive care monitoring" },
  { "v2-0074", "IMM", "Immunology" }, { "v2-0074", "LAB", "Laboratory" },
  { "v2-0074", "MB", "Microbiology" }, { "v2-0074", "MCB", "Mycobacteriology" },
  { "v2-0074", "MYC", "Mycology" }, { "v2-0074", "NMR", "MRI scan" },
  { "v2-0074", "NMS", "Nuclear medicine scan" }, { "v2-0074", "NRS", "Nursing" },
  { "v2-0074", "OSL", "Outside laboratory" }, { "v2-0074", "OT", "Occupational therapy" },
  { "v2-0074", "OTH", "Other" }, { "v2-0074", "OUS", "Pregnancy ultrasound" },
  { "v2-0074", "PF", "Lung function" }, { "v2-0074", "PHR", "Pharmacy" },
  { "v2-0074", "PHY", "Physician" }, { "v2-0074", "PT", "Physical therapy" },
  { "v2-0074", "RAD", "Radiology" }, { "v2-0074", "RC", "Respiratory care" },
  { "v2-0074", "RT", "Radiation therapy" }, { "v2-0074", "RUS", "Ultrasound" },
  { "v2-0074", "RX", "X-ray" }, { "v2-0074", "SP", "Surgical pathology" },
  { "v2-0074", "SR", "Serology" }, { "v2-0074", "TX", "Toxicology" },
  { "v2-0074", "URN", "Urinalysis" }, { "v2-0074", "VR", "Virology" },
  { "v2-0074", "VUS", "Vascular ultrasound" }, { "v2-0074", "XRC", "Cineradiography" },
  { "observation-category", "vital-signs", "Vital signs" },
  { "observation-category", "laboratory", "Laboratory" },
  { "observation-category", "social-history", "Social history" },
  { "observation-category", "survey", "Survey" },
  { "observation-category", "exam", "Examination" },
  { "observation-category", "imaging", "Imaging" },
  { "observation-category", "procedure", "Procedure" },
  { "observation-category", "therapy", "Therapy" },
  { "observation-category", "activity", "Activity" },
  { "allergy-intolerance-category", "food", "Food" },
  { "allergy-intolerance-category", "medication", "Medication" },
  { "allergy-intolerance-category", "environment", "Environment" },
  { "allergy-intolerance-category", "biologic", "Biologic" },
  { "v3-ActCode", "AMB", "Outpatient" }, { "v3-ActCode", "EMER", "Emergency" },
  { "v3-ActCode", "IMP", "Inpatient" }, { "v3-ActCode", "HH", "Home health" },
  { "v3-ActCode", "VR", "Virtual" }, { "v3-ActCode", "OBSENC", "Observation" },
  { "v3-ActCode", "SS", "Short stay" }, { "v3-ActCode", "PRENC", "Pre-admission" },
  { "v3-ActCode", "ACUTE", "Inpatient acute" }, { "v3-ActCode", "NONAC", "Inpatient non-acute" },
  { "media-type", "image", "Image" }, { "media-type", "video", "Video" },
  { "media-type", "audio", "Audio recording" },
  { "media-modality", "diagram", "Diagram" }, { "media-modality", "fax", "Fax" },
  { "media-modality", "scan", "Scanned document" }, { "media-modality", "retina", "Retina image" },
  { "media-modality", "fingerprint", "Fingerprint" }, { "media-modality", "iris", "Iris image" },
  { "media-modality", "palm", "Palm image" }, { "media-modality", "face", "Face image" },
  { "consentcategorycodes", "INFA", "Information access" },
  { "consentscope", "patient-privacy", "Privacy" },
  { "consentscope", "research", "Research" },
  { "consentscope", "treatment", "Treatment" },
  { "consentscope", "adr", "Advance directive" },
  { "v3-ActCode", "IDSCL", "Information disclosure" },
  { "v3-ActCode", "INFA", "Information access" },
  { "v3-ActCode", "RESEARCH", "Research information access" },
};

/* Words for CODE of SYSTEM (an HL7 code system URL), or NULL. */
const char *
_hf_fhir_code_word (const char *system,
                    const char *code)
{
  const char *last;

  if (system == NULL || code == NULL)
    return NULL;
  last = strrchr (system, '/');
  last = last ? last + 1 : system;
  for (guint i = 0; i < G_N_ELEMENTS (coded); i++)
    if (g_str_equal (coded[i].system, last) && g_str_equal (coded[i].code, code))
      return coded[i].word;
  return NULL;
}

/* }}} */
/* {{{ negations */

/* SNOMED CT "no known …" situations and the IPS absent-or-unknown codes
 * (http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips). */
static const Word negations[] = {
  { "409137002", "No known drug allergies" }, { "716186003", "No known allergies" },
  { "716184000", "No known latex allergy" }, { "429625007", "No known food allergies" },
  { "428607008", "No known environmental allergies" },
  { "428197003", "No known insect allergies" }, { "160244002", "No known allergies" },
  { "160245001", "No known problems" }, { "1631000175102", "No known allergies" },
  { "no-allergy-info", "No information about allergies" },
  { "no-known-allergies", "No known allergies" },
  { "no-known-medication-allergies", "No known drug allergies" },
  { "no-known-environmental-allergies", "No known environmental allergies" },
  { "no-known-food-allergies", "No known food allergies" },
  { "no-problem-info", "No information about problems" },
  { "no-known-problems", "No known problems" },
  { "no-medication-info", "No information about medicines" },
  { "no-known-medications", "No known medicines" },
  { "no-immunization-info", "No information about vaccinations" },
  { "no-known-immunizations", "No known vaccinations" },
  { "no-procedure-info", "No information about procedures" },
  { "no-known-procedures", "No known procedures" },
  { "no-device-info", "No information about medical devices" },
  { "no-known-devices", "No known medical devices" },
};

/* The words of a "nothing known" CodeableConcept (SNOMED CT 409137002 "No known drug allergy",
 * IPS "no-known-problems", the text "NKDA"), or NULL when CC names a real thing. */
const char *
_hf_fhir_negation (JsonObject *cc)
{
  JsonArray *codings = hf_json_array (cc, "coding");
  const char *text = hf_json_string (cc, "text");

  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    {
      const char *word = lookup (negations, G_N_ELEMENTS (negations),
                                 hf_json_string (_hf_fhir_elem_obj (codings, i), "code"));
      if (word != NULL)
        return word;
    }
  if (text != NULL && (g_ascii_strcasecmp (text, "NKDA") == 0 ||
                       g_ascii_strcasecmp (text, "no known drug allergies") == 0))
    return "No known drug allergies";
  if (text != NULL && (g_ascii_strcasecmp (text, "NKA") == 0 ||
                       g_ascii_strcasecmp (text, "no known allergies") == 0))
    return "No known allergies";
  return NULL;
}

/* List.emptyReason (list-empty-reason) in words, about WHAT ("allergies"). */
char *
_hf_fhir_empty_reason_text (JsonObject *reason,
                            const char *what)
{
  const char *code = hf_json_string (hf_json_first_object (reason, "coding"), "code");
  g_autofree char *text = NULL;

  if (reason == NULL)
    return NULL;
  if (g_strcmp0 (code, "nilknown") == 0)
    return what ? g_strdup_printf ("No known %s", what) : g_strdup ("Nothing known");
  if (g_strcmp0 (code, "notasked") == 0)
    return what ? g_strdup_printf ("Not asked about %s", what) : g_strdup ("Not asked");
  if (g_strcmp0 (code, "withheld") == 0)
    return g_strdup ("Withheld");
  if (g_strcmp0 (code, "unavailable") == 0)
    return g_strdup ("Not available");
  if (g_strcmp0 (code, "notstarted") == 0)
    return g_strdup ("Not started yet");
  if (g_strcmp0 (code, "closed") == 0)
    return g_strdup ("Closed");
  text = _hf_fhir_concept_text (reason);
  return text ? g_strdup_printf ("Empty: %s", text) : g_strdup ("Empty");
}

/* }}} */
/* {{{ SNOMED CT semantic tags */

static const char * const semantic_tags[] = {
  "assessment scale", "attribute", "body structure", "cell", "cell structure",
  "clinical drug", "context-dependent category", "disorder", "disposition", "environment",
  "environment / location", "ethnic group", "event", "finding", "geographic location",
  "life style", "medicinal product", "medicinal product form", "morphologic abnormality",
  "observable entity", "occupation", "organism", "person", "physical force",
  "physical object", "procedure", "product", "qualifier value", "racial group",
  "record artifact", "regime/therapy", "religion/philosophy", "situation", "social concept",
  "specimen", "staging scale", "substance", "tumor staging",
};

/* TEXT without a trailing SNOMED CT semantic tag ("Acute viral pharyngitis (disorder)" →
 * "Acute viral pharyngitis"); other parentheses stay. Returns a new string. */
char *
_hf_fhir_strip_semantic_tag (const char *text)
{
  gsize len;
  const char *open;

  if (text == NULL)
    return NULL;
  len = strlen (text);
  if (len < 4 || text[len - 1] != ')' || (open = strrchr (text, '(')) == NULL || open == text)
    return g_strdup (text);
  for (guint i = 0; i < G_N_ELEMENTS (semantic_tags); i++)
    {
      gsize tag = strlen (semantic_tags[i]);
      if ((gsize) (text + len - 1 - (open + 1)) == tag &&
          g_ascii_strncasecmp (open + 1, semantic_tags[i], tag) == 0)
        {
          const char *end = open;
          while (end > text && end[-1] == ' ')
            end--;
          if (end > text)
            return g_strndup (text, end - text);
        }
    }
  return g_strdup (text);
}

/* }}} */
/* {{{ resource types in words */

static const Word type_words[] = {
  { "Account", "Account" }, { "AdverseEvent", "Adverse event" },
  { "AllergyIntolerance", "Allergy" }, { "Appointment", "Appointment" },
  { "AppointmentResponse", "Reply to an appointment" }, { "Basic", "Note" },
  { "Binary", "Attached file" }, { "BiologicallyDerivedProduct", "Blood or tissue product" },
  { "BodyStructure", "Body part" }, { "CarePlan", "Care plan" }, { "CareTeam", "Care team" },
  { "ChargeItem", "Charge" }, { "Claim", "Claim" }, { "ClaimResponse", "Claim decision" },
  { "ClinicalImpression", "Clinical assessment" }, { "Communication", "Message" },
  { "CommunicationRequest", "Message request" }, { "Composition", "Clinical document" },
  { "Condition", "Condition" }, { "Consent", "Consent" }, { "Contract", "Contract" },
  { "Coverage", "Insurance" }, { "CoverageEligibilityRequest", "Insurance eligibility check" },
  { "CoverageEligibilityResponse", "Insurance eligibility" },
  { "DetectedIssue", "Warning about a treatment" }, { "Device", "Medical device" },
  { "DeviceRequest", "Device order" }, { "DeviceUseStatement", "Device use" },
  { "DiagnosticReport", "Report" }, { "DocumentManifest", "Set of documents" },
  { "DocumentReference", "Document" }, { "Encounter", "Visit" },
  { "Endpoint", "Service address" }, { "EnrollmentRequest", "Insurance enrollment" },
  { "EnrollmentResponse", "Insurance enrollment reply" },
  { "EpisodeOfCare", "Episode of care" }, { "ExplanationOfBenefit", "Insurance statement" },
  { "FamilyMemberHistory", "Family history" }, { "Flag", "Alert" }, { "Goal", "Goal" },
  { "Group", "Group" }, { "GuidanceResponse", "Decision support result" },
  { "HealthcareService", "Health service" }, { "ImagingStudy", "Imaging study" },
  { "Immunization", "Vaccination" }, { "ImmunizationEvaluation", "Vaccination check" },
  { "ImmunizationRecommendation", "Vaccination recommendation" }, { "Invoice", "Invoice" },
  { "List", "List" }, { "Location", "Place" }, { "MeasureReport", "Quality measure report" },
  { "Media", "Photo or recording" }, { "Medication", "Medication" },
  { "MedicationAdministration", "Medication given" },
  { "MedicationDispense", "Medication dispensed" }, { "MedicationRequest", "Prescription" },
  { "MedicationStatement", "Medication taken" }, { "MolecularSequence", "Genetic sequence" },
  { "NutritionOrder", "Diet order" }, { "Observation", "Observation" },
  { "Organization", "Organization" }, { "Patient", "Patient" },
  { "PaymentNotice", "Payment notice" }, { "PaymentReconciliation", "Payment statement" },
  { "Person", "Person" }, { "Practitioner", "Practitioner" },
  { "PractitionerRole", "Practitioner" }, { "Procedure", "Procedure" },
  { "Provenance", "Record history" }, { "QuestionnaireResponse", "Questionnaire answers" },
  { "RelatedPerson", "Related person" }, { "RequestGroup", "Set of orders" },
  { "ResearchStudy", "Research study" }, { "ResearchSubject", "Research participation" },
  { "RiskAssessment", "Risk assessment" }, { "Schedule", "Schedule" },
  { "ServiceRequest", "Order" }, { "Slot", "Appointment slot" }, { "Specimen", "Sample" },
  { "Substance", "Substance" }, { "SupplyDelivery", "Supply delivery" },
  { "SupplyRequest", "Supply order" }, { "Task", "Task" },
  { "VisionPrescription", "Glasses or lens prescription" },
};

/* TYPE as a patient says it ("NutritionOrder" → "Diet order"); an unlisted type is split into
 * words ("TestScript" → "Test script"). Returns a new string. */
char *
_hf_fhir_type_words (const char *type)
{
  const char *word = lookup (type_words, G_N_ELEMENTS (type_words), type);
  g_autoptr(GString) s = NULL;

  if (word != NULL)
    return g_strdup (word);
  s = g_string_new (NULL);
  for (const char *p = type; p != NULL && *p != '\0'; p++)
    {
      if (p != type && g_ascii_isupper (*p) && !g_ascii_isupper (p[-1]))
        g_string_append_c (s, ' ');
      g_string_append_c (s, p == type ? *p : g_ascii_tolower (*p));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* }}} */
/* {{{ narrative */

/* XHTML reduced to plain text: tags dropped (block ends become spaces), the common entities
 * decoded, whitespace runs collapsed. Never fails; returns NULL for no words. */
char *
_hf_fhir_plain_text (const char *xhtml)
{
  static const struct { const char *entity; const char *text; } entities[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&apos;", "'" },
    { "&nbsp;", " " }, { "&#160;", " " }, { "&#39;", "'" },
  };
  g_autoptr(GString) s = NULL;
  gboolean space = TRUE;

  if (xhtml == NULL)
    return NULL;
  s = g_string_new (NULL);
  for (const char *p = xhtml; *p != '\0';)
    {
      if (*p == '<')
        {
          const char *end = strchr (p, '>');
          if (end == NULL)
            break;
          if (!space)
            {
              g_string_append_c (s, ' ');
              space = TRUE;
            }
          p = end + 1;
          continue;
        }
      if (*p == '&')
        {
          gboolean done = FALSE;
          for (guint i = 0; i < G_N_ELEMENTS (entities) && !done; i++)
            if (g_str_has_prefix (p, entities[i].entity))
              {
                g_string_append (s, entities[i].text);
                p += strlen (entities[i].entity);
                space = g_str_equal (entities[i].text, " ");
                done = TRUE;
              }
          if (done)
            continue;
        }
      if (g_ascii_isspace (*p))
        {
          if (!space)
            g_string_append_c (s, ' ');
          space = TRUE;
          p++;
          continue;
        }
      g_string_append_c (s, *p++);
      space = FALSE;
    }
  while (s->len > 0 && s->str[s->len - 1] == ' ')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0 || !g_utf8_validate (s->str, -1, NULL))
    return NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The resource's narrative (text.div) as plain text, or NULL. */
char *
_hf_fhir_narrative_text (JsonObject *r)
{
  g_autofree char *text = _hf_fhir_plain_text (hf_json_string (hf_json_object (r, "text"),
                                                               "div"));

  /* A narrative made by a tool from the elements ("Generated Narrative with Details id: …")
   * says nothing the elements do not, and names ids. */
  if (text != NULL && g_str_has_prefix (text, "Generated Narrative"))
    return NULL;
  return g_steal_pointer (&text);
}

/* }}} */
