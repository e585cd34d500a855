/* hf-fhir-describe.c — everything a patient may want to read about one record, field by field
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-fhir.h"
#include "hf-fhir-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hf-json-util.h"

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
  g_autofree char *text = _hf_fhir_concept_text (cc);
  g_autofree char *codes = _hf_fhir_concept_codes (cc);

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
  add_field (fields, label, _hf_fhir_concepts_text (concepts));
}

static void
add_date (GPtrArray  *fields,
          const char *label,
          const char *text)
{
  add_field (fields, label, _hf_fhir_readable_date (text));
}

static void
describe_what (HfFhirContext       *ctx,
               GPtrArray *fields)
{
  const char *type = _hf_fhir_type_of (ctx->r);

  if (g_str_has_prefix (type, "Medication") && !g_str_equal (type, "Medication"))
    {
      JsonObject *cc = hf_json_object (ctx->r, "medicationCodeableConcept");
      add_field (fields, "Medication",
                 cc ? concept_with_codes (cc)
                    : _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                    "medicationReference")));
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
           g_str_equal (type, "Specimen") || g_str_equal (type, "Coverage") ||
           g_str_equal (type, "Composition") || g_str_equal (type, "Media"))
    add_field (fields, "What", concept_with_codes (hf_json_object (ctx->r, "type")));
  else if (g_str_equal (type, "Appointment"))
    {
      JsonArray *types = hf_json_array (ctx->r, "serviceType");
      add_field (fields, "What", concept_with_codes (types ? _hf_fhir_elem_obj (types, 0)
                                                           : hf_json_object (ctx->r,
                                                                             "appointmentType")));
    }
  else if (g_str_equal (type, "EpisodeOfCare"))
    add_field (fields, "What", concept_with_codes (hf_json_first_object (ctx->r, "type")));
  else if (g_str_equal (type, "AdverseEvent"))
    add_field (fields, "What", concept_with_codes (hf_json_object (ctx->r, "event")));
  else if (g_str_equal (type, "Consent"))
    add_field (fields, "What", concept_with_codes (hf_json_object (ctx->r, "scope")));
  else if (g_str_equal (type, "DeviceRequest"))
    add_field (fields, "Device",
               hf_json_object (ctx->r, "codeCodeableConcept")
               ? concept_with_codes (hf_json_object (ctx->r, "codeCodeableConcept"))
               : _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "codeReference")));
  else if (g_str_equal (type, "DeviceUseStatement"))
    add_field (fields, "Device", _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "device")));
  else if (g_str_equal (type, "FamilyMemberHistory"))
    add_field (fields, "Relative", concept_with_codes (hf_json_object (ctx->r, "relationship")));
  else
    add_field (fields, "What", concept_with_codes (hf_json_object (ctx->r, "code")));
}

static void
describe_observation (JsonObject *holder,
                      GPtrArray  *fields)
{
  JsonArray *components = hf_json_array (holder, "component");
  JsonArray *ranges = hf_json_array (holder, "referenceRange");
  HfFhirValueKind kind;
  double number = 0;
  /* The detail has the number as the source wrote it, the title at most four digits. */
  g_autofree char *value = _hf_fhir_value_text_styled (holder, HF_FHIR_NUMBER_EXACT, &kind,
                                                       &number, NULL);
  gboolean numeric = hf_json_object (holder, "valueQuantity") != NULL ||
                     json_object_has_member (holder, "valueInteger");

  add_field (fields, "Result", g_steal_pointer (&value));
  add_field (fields, "Meaning", _hf_fhir_interpretation_words (holder, numeric, number));
  for (guint i = 0; i < _hf_fhir_len (ranges); i++)
    {
      JsonObject *range = _hf_fhir_elem_obj (ranges, i);
      g_autofree char *text = _hf_fhir_range_text_styled (range, HF_FHIR_NUMBER_EXACT);
      g_autofree char *applies = _hf_fhir_concept_text (hf_json_object (range, "type"));
      if (text != NULL && applies != NULL)
        add_field (fields, "Normal range", g_strdup_printf ("%s (%s)", text, applies));
      else
        add_field (fields, "Normal range", g_steal_pointer (&text));
    }
  for (int rank = 0; rank <= 2; rank++)
    for (guint i = 0; i < _hf_fhir_len (components); i++)
      {
        JsonObject *c = _hf_fhir_elem_obj (components, i);
        g_autofree char *name = NULL;
        g_autofree char *v = NULL;
        g_autofree char *word = NULL;
        g_autofree char *absent = NULL;
        double n = 0;

        if (_hf_fhir_component_rank (c) != rank)
          continue;
        name = _hf_fhir_concept_text (hf_json_object (c, "code"));
        v = _hf_fhir_value_text_styled (c, HF_FHIR_NUMBER_EXACT, &kind, &n, NULL);
        word = _hf_fhir_interpretation (c, hf_json_object (c, "valueQuantity") != NULL, n);
        absent = _hf_fhir_concept_text (hf_json_object (c, "dataAbsentReason"));
        if (v != NULL && word != NULL)
          add_field (fields, name ? name : "Part", g_strdup_printf ("%s — %s", v, word));
        else if (v != NULL)
          add_field (fields, name ? name : "Part", g_steal_pointer (&v));
        else if (absent != NULL)
          add_field (fields, name ? name : "Part", g_strdup_printf ("no result (%s)", absent));
      }
  {
    g_autofree char *absent = _hf_fhir_concept_text (hf_json_object (holder, "dataAbsentReason"));
    if (absent != NULL)
      add_field (fields, "No result", g_steal_pointer (&absent));
  }
  add_field (fields, "Method", _hf_fhir_concept_text (hf_json_object (holder, "method")));
  add_field (fields, "Body site", _hf_fhir_concept_text (hf_json_object (holder, "bodySite")));
}

static void
describe_dosage (JsonArray *dosages,
                 GPtrArray *fields)
{
  for (guint i = 0; i < _hf_fhir_len (dosages); i++)
    {
      JsonObject *d = _hf_fhir_elem_obj (dosages, i);
      double count = 0;
      g_autofree char *dose = _hf_fhir_dose_text (d, &count);
      g_autofree char *rate =
        _hf_fhir_quantity_text (hf_json_object (hf_json_first_object (d, "doseAndRate"),
                                                "rateQuantity"),
                                NULL, NULL);

      if (dose == NULL && count > 0)
        dose = _hf_fhir_format_number (count);
      if (dose == NULL) /* MedicationAdministration */
        dose = _hf_fhir_quantity_text (hf_json_object (d, "dose"), NULL, NULL);
      add_field (fields, "Dose", g_steal_pointer (&dose));
      add_field (fields, "Rate", g_steal_pointer (&rate));
      add_field (fields, "How often", _hf_fhir_timing_text (d));
      add_field (fields, "How to take it", _hf_fhir_concept_text (hf_json_object (d, "route")));
      add_field (fields, "Instructions", g_strdup (hf_json_string (d, "text")));
      add_field (fields, "For the patient", g_strdup (hf_json_string (d, "patientInstruction")));
      add_concepts (fields, "Also", hf_json_array (d, "additionalInstruction"));
    }
}

static void
describe_status (HfFhirContext       *ctx,
                 GPtrArray *fields)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *verification = _hf_fhir_concept_text (hf_json_object (ctx->r,
                                                                         "verificationStatus"));
  g_autofree char *reason = _hf_fhir_concept_text (hf_json_object (ctx->r, "statusReason"));

  g_autofree char *clinical = _hf_fhir_concept_text (hf_json_object (ctx->r, "clinicalStatus"));

  if (hf_json_string (ctx->r, "status") != NULL)
    _hf_fhir_append_part (s, ", ", _hf_fhir_status_word (hf_json_string (ctx->r, "status")));
  if (clinical != NULL)
    _hf_fhir_append_part (s, ", ", clinical);
  if (hf_json_string (ctx->r, "lifecycleStatus") != NULL)
    _hf_fhir_append_part (s, ", ", _hf_fhir_status_word (hf_json_string (ctx->r,
                                                                          "lifecycleStatus")));
  _hf_fhir_append_part (s, ", ", verification);
  _hf_fhir_append_part (s, " — ", reason);
  add_field (fields, "Status", s->len ? g_strdup (s->str) : NULL);
}

static void
describe_dates (HfFhirContext       *ctx,
                GPtrArray *fields)
{
  JsonObject *r = ctx->r;
  const char *type = _hf_fhir_type_of (r);
  const char *onset_label = g_str_equal (type, "Condition") ? "Since" : "Started";

  add_date (fields, "Date", _hf_fhir_first_date (r, "effectiveDateTime", "effectiveInstant",
                                                 "occurrenceDateTime", "performedDateTime", "date",
                                                 "authored", "started", "dateTime",
                                                 "identifiedDateTime", "createdDateTime",
                                                 "timingDateTime", "dateWritten", NULL));
  add_date (fields, "Starts", hf_json_string (r, "start"));
  add_date (fields, "Ends", hf_json_string (r, "end"));
  add_date (fields, "Sent", hf_json_string (r, "sent"));
  add_date (fields, "Received", hf_json_string (r, "received"));
  add_field (fields, "When", _hf_fhir_period_text (hf_json_object (r, "effectivePeriod")));
  add_field (fields, "When", _hf_fhir_period_text (hf_json_object (r, "performedPeriod")));
  add_field (fields, "When", _hf_fhir_period_text (hf_json_object (r, "occurrencePeriod")));
  add_field (fields, "When", _hf_fhir_period_text (hf_json_object (r, "period")));
  add_field (fields, "When", _hf_fhir_period_text (hf_json_object (r, "billablePeriod")));
  add_date (fields, onset_label, hf_json_string (r, "onsetDateTime"));
  add_field (fields, onset_label, _hf_fhir_period_text (hf_json_object (r, "onsetPeriod")));
  add_field (fields, onset_label, g_strdup (hf_json_string (r, "onsetString")));
  add_date (fields, "Resolved", hf_json_string (r, "abatementDateTime"));
  add_field (fields, "Resolved", g_strdup (hf_json_string (r, "abatementString")));
  add_date (fields, "Prescribed", hf_json_string (r, "authoredOn"));
  add_date (fields, "Handed over", hf_json_string (r, "whenHandedOver"));
  add_date (fields, "Recorded", _hf_fhir_first_date (r, "recordedDate", "recorded", "dateAsserted",
                                                     NULL));
  if (g_strcmp0 (hf_json_string (r, "issued"),
                 _hf_fhir_first_date (r, "effectiveDateTime", "effectiveInstant", NULL)) != 0)
    add_date (fields, "Reported", hf_json_string (r, "issued"));
  add_date (fields, "Collected", hf_json_string (hf_json_object (r, "collection"),
                                                 "collectedDateTime"));
  add_date (fields, "Born", hf_json_string (r, "birthDate"));
  add_date (fields, "Died", hf_json_string (r, "deceasedDateTime"));
  add_date (fields, "Last updated", hf_json_string (hf_json_object (r, "meta"), "lastUpdated"));
}

static void
describe_people_and_places (HfFhirContext       *ctx,
                            GPtrArray *fields)
{
  JsonObject *r = ctx->r;
  const char *type = _hf_fhir_type_of (r);
  JsonObject *subject = hf_json_object (r, "subject") ? hf_json_object (r, "subject")
                                                      : hf_json_object (r, "patient");

  if (subject == NULL)
    subject = hf_json_object (r, "beneficiary");
  add_field (fields, "Patient", _hf_fhir_reference_text (ctx, subject));
  if (g_str_equal (type, "MedicationRequest") || g_str_equal (type, "ServiceRequest"))
    add_field (fields, g_str_equal (type, "ServiceRequest") ? "Ordered by" : "Prescribed by",
               _hf_fhir_reference_text (ctx, hf_json_object (r, "requester")));
  add_field (fields, "Performed by",
             _hf_fhir_references_text (ctx, hf_json_array (r, "performer"),
                                       hf_json_first_object (r, "performer") &&
                                       hf_json_object (hf_json_first_object (r, "performer"),
                                                       "actor") ? "actor" : NULL));
  add_field (fields, "Performed by",
             _hf_fhir_reference_text (ctx, hf_json_object (r, "performer")));
  add_field (fields, "With", _hf_fhir_references_text (ctx, hf_json_array (r, "participant"),
                                                       g_str_equal (type, "CareTeam") ? "member"
                                                       : g_str_equal (type, "Appointment")
                                                       ? "actor" : "individual"));
  add_field (fields, "Ordered by", _hf_fhir_reference_text (ctx, hf_json_object (r, "orderer")));
  add_field (fields, "Prescribed by",
             _hf_fhir_reference_text (ctx, hf_json_object (r, "prescriber")));
  add_field (fields, "Assessed by", _hf_fhir_reference_text (ctx, hf_json_object (r, "assessor")));
  add_field (fields, "From", _hf_fhir_reference_text (ctx, hf_json_object (r, "sender")));
  add_field (fields, "To", _hf_fhir_references_text (ctx, hf_json_array (r, "recipient"), NULL));
  add_field (fields, "Managed by",
             _hf_fhir_reference_text (ctx, hf_json_object (r, "managingOrganization")));
  add_field (fields, "Practitioner",
             _hf_fhir_reference_text (ctx, hf_json_object (r, "practitioner")));
  add_field (fields, "Recorded by", _hf_fhir_reference_text (ctx, hf_json_object (r, "recorder")));
  add_field (fields, "Stated by", _hf_fhir_reference_text (ctx, hf_json_object (r, "asserter")));
  add_field (fields, "Reported by",
             _hf_fhir_reference_text (ctx, hf_json_object (r, "informationSource")));
  add_field (fields, "Author", _hf_fhir_references_text (ctx, hf_json_array (r, "author"), NULL));
  add_field (fields, "Author", _hf_fhir_reference_text (ctx, hf_json_object (r, "author")));
  add_field (fields, "Agent", _hf_fhir_references_text (ctx, hf_json_array (r, "agent"), "who"));
  add_field (fields, "Where", _hf_fhir_reference_text (ctx, hf_json_object (r, "location")));
  add_field (fields, "Where", _hf_fhir_references_text (ctx, hf_json_array (r, "location"),
                                                        "location"));
  add_field (fields, "Care provider",
             _hf_fhir_reference_text (ctx, hf_json_object (r, "serviceProvider")));
  add_field (fields, "Organization",
             _hf_fhir_reference_text (ctx, hf_json_object (r, "organization")));
  add_field (fields, "Organization",
             _hf_fhir_references_text (ctx, hf_json_array (r, "organization"), NULL));
  add_field (fields, "Kept by", _hf_fhir_reference_text (ctx, hf_json_object (r, "custodian")));
  add_field (fields, "Insurer", _hf_fhir_reference_text (ctx, hf_json_object (r, "insurer")));
  add_field (fields, "Paid by", _hf_fhir_references_text (ctx, hf_json_array (r, "payor"), NULL));
  add_field (fields, "Made by", _hf_fhir_reference_text (ctx, hf_json_object (r, "manufacturer")));
  add_field (fields, "Visit", _hf_fhir_reference_text (ctx, hf_json_object (r, "encounter")));
}

/* The care, history and document types: TRUE if TYPE is one of them. */
static gboolean
describe_more (HfFhirContext *ctx,
               GPtrArray     *fields)
{
  JsonObject *r = ctx->r;
  const char *type = _hf_fhir_type_of (r);

  if (g_str_equal (type, "FamilyMemberHistory"))
    {
      JsonArray *conditions = hf_json_array (r, "condition");
      add_field (fields, "Name", g_strdup (hf_json_string (r, "name")));
      add_field (fields, "Sex", _hf_fhir_concept_text (hf_json_object (r, "sex")));
      for (guint i = 0; i < _hf_fhir_len (conditions); i++)
        {
          JsonObject *c = _hf_fhir_elem_obj (conditions, i);
          g_autoptr(GString) v = g_string_new (NULL);
          g_autofree char *what = concept_with_codes (hf_json_object (c, "code"));
          g_autofree char *age = _hf_fhir_quantity_text (hf_json_object (c, "onsetAge"), NULL,
                                                         NULL);
          gboolean died = FALSE;
          JsonNode *n = json_object_get_member (c, "contributedToDeath");
          _hf_fhir_append_part (v, "", what);
          if (age != NULL)
            g_string_append_printf (v, "%sfrom age %s", v->len ? ", " : "", age);
          if (n != NULL && JSON_NODE_HOLDS_VALUE (n) &&
              json_node_get_value_type (n) == G_TYPE_BOOLEAN)
            died = json_node_get_boolean (n);
          if (died)
            g_string_append_printf (v, "%scontributed to death", v->len ? ", " : "");
          add_field (fields, "Condition", v->len ? g_strdup (v->str) : NULL);
        }
    }
  else if (g_str_equal (type, "RiskAssessment"))
    {
      JsonArray *predictions = hf_json_array (r, "prediction");
      for (guint i = 0; i < _hf_fhir_len (predictions); i++)
        {
          JsonObject *p = _hf_fhir_elem_obj (predictions, i);
          g_autoptr(GString) v = g_string_new (NULL);
          g_autofree char *outcome = _hf_fhir_concept_text (hf_json_object (p, "outcome"));
          g_autofree char *quality = _hf_fhir_concept_text (hf_json_object (p,
                                                                            "qualitativeRisk"));
          g_autofree char *when = _hf_fhir_range_text (hf_json_object (p, "whenRange"));
          double probability;
          _hf_fhir_append_part (v, "", outcome);
          if (hf_json_number (p, "probabilityDecimal", &probability))
            {
              g_autofree char *percent = _hf_fhir_format_number (probability * 100);
              g_string_append_printf (v, "%s%s%% chance", v->len ? ": " : "", percent);
            }
          else if (quality != NULL)
            g_string_append_printf (v, "%s%s", v->len ? ": " : "", quality);
          if (when != NULL)
            g_string_append_printf (v, " (at %s)", when);
          add_field (fields, "Prediction", v->len ? g_strdup (v->str) : NULL);
          add_field (fields, "Why", g_strdup (hf_json_string (p, "rationale")));
        }
      add_field (fields, "Advice", g_strdup (hf_json_string (r, "mitigation")));
      add_field (fields, "Based on", _hf_fhir_references_text (ctx, hf_json_array (r, "basis"),
                                                               NULL));
    }
  else if (g_str_equal (type, "ClinicalImpression"))
    {
      JsonArray *findings = hf_json_array (r, "finding");
      add_field (fields, "Summary", g_strdup (hf_json_string (r, "summary")));
      add_field (fields, "Problem", _hf_fhir_references_text (ctx, hf_json_array (r, "problem"),
                                                              NULL));
      for (guint i = 0; i < _hf_fhir_len (findings); i++)
        {
          JsonObject *f = _hf_fhir_elem_obj (findings, i);
          char *v = concept_with_codes (hf_json_object (f, "itemCodeableConcept"));
          add_field (fields, "Finding",
                     v ? v : _hf_fhir_reference_text (ctx, hf_json_object (f, "itemReference")));
        }
    }
  else if (g_str_equal (type, "Composition"))
    {
      JsonArray *sections = hf_json_array (r, "section");
      add_field (fields, "Title", g_strdup (hf_json_string (r, "title")));
      for (guint i = 0; i < _hf_fhir_len (sections); i++)
        add_field (fields, "Section", g_strdup (hf_json_string (_hf_fhir_elem_obj (sections, i),
                                                                "title")));
    }
  else if (g_str_equal (type, "Consent"))
    {
      add_field (fields, "Rule", concept_with_codes (hf_json_object (r, "policyRule")));
      add_field (fields, "Terms", g_strdup (hf_json_string (hf_json_object (r,
                                                                            "sourceAttachment"),
                                                            "title")));
      add_field (fields, "Allowed",
                 g_strdup (g_strcmp0 (hf_json_string (hf_json_object (r, "provision"), "type"),
                                      "deny") == 0 ? "no, except as listed"
                           : g_strcmp0 (hf_json_string (hf_json_object (r, "provision"), "type"),
                                        "permit") == 0 ? "yes, as listed" : NULL));
      add_field (fields, "In force",
                 _hf_fhir_period_text (hf_json_object (hf_json_object (r, "provision"),
                                                       "period")));
    }
  else if (g_str_equal (type, "Communication") || g_str_equal (type, "CommunicationRequest"))
    {
      JsonArray *payload = hf_json_array (r, "payload");
      add_field (fields, "About", _hf_fhir_concept_text (hf_json_object (r, "topic")));
      for (guint i = 0; i < _hf_fhir_len (payload); i++)
        {
          JsonObject *p = _hf_fhir_elem_obj (payload, i);
          JsonObject *a = hf_json_object (p, "contentAttachment");
          add_field (fields, "Message", g_strdup (hf_json_string (p, "contentString")));
          add_field (fields, "Attachment", g_strdup (hf_json_string (a, "title")
                                                     ? hf_json_string (a, "title")
                                                     : hf_json_string (a, "contentType")));
          add_field (fields, "Refers to",
                     _hf_fhir_reference_text (ctx, hf_json_object (p, "contentReference")));
        }
    }
  else if (g_str_equal (type, "List"))
    {
      JsonArray *entries = hf_json_array (r, "entry");
      add_field (fields, "Title", g_strdup (hf_json_string (r, "title")));
      for (guint i = 0; i < _hf_fhir_len (entries); i++)
        {
          JsonObject *item = hf_json_object (_hf_fhir_elem_obj (entries, i), "item");
          add_field (fields, "Item", _hf_fhir_reference_text_resolved (ctx, item));
        }
      if (_hf_fhir_len (entries) == 0)
        add_field (fields, "Empty", _hf_fhir_empty_reason_text (hf_json_object (r, "emptyReason"),
                                                                NULL));
    }
  else if (g_str_equal (type, "Media"))
    {
      JsonObject *content = hf_json_object (r, "content");
      add_field (fields, "Kind", _hf_fhir_concept_text (hf_json_object (r, "modality")));
      add_field (fields, "View", _hf_fhir_concept_text (hf_json_object (r, "view")));
      add_field (fields, "Attachment", g_strdup (hf_json_string (content, "title")
                                                 ? hf_json_string (content, "title")
                                                 : hf_json_string (content, "contentType")));
    }
  else if (g_str_equal (type, "NutritionOrder"))
    {
      JsonObject *oral = hf_json_object (r, "oralDiet");
      JsonArray *supplements = hf_json_array (r, "supplement");
      add_concepts (fields, "Diet", hf_json_array (oral, "type"));
      add_field (fields, "How often", _hf_fhir_timing_text (oral));
      add_field (fields, "Instructions", g_strdup (hf_json_string (oral, "instruction")));
      for (guint i = 0; i < _hf_fhir_len (supplements); i++)
        {
          JsonObject *one = _hf_fhir_elem_obj (supplements, i);
          char *v = _hf_fhir_concept_text (hf_json_object (one, "type"));
          add_field (fields, "Supplement", v ? v : g_strdup (hf_json_string (one, "productName")));
        }
      add_field (fields, "Tube feeding",
                 _hf_fhir_concept_text (hf_json_object (hf_json_object (r, "enteralFormula"),
                                                        "baseFormulaType")));
      add_concepts (fields, "Avoid", hf_json_array (r, "excludeFoodModifier"));
      add_concepts (fields, "Preferences", hf_json_array (r, "foodPreferenceModifier"));
      add_field (fields, "Allergies",
                 _hf_fhir_references_text (ctx, hf_json_array (r, "allergyIntolerance"), NULL));
    }
  else if (g_str_equal (type, "VisionPrescription"))
    {
      JsonArray *lenses = hf_json_array (r, "lensSpecification");
      for (guint i = 0; i < _hf_fhir_len (lenses); i++)
        {
          JsonObject *l = _hf_fhir_elem_obj (lenses, i);
          g_autoptr(GString) v = g_string_new (NULL);
          static const char * const powers[] = { "sphere", "cylinder", "axis", "add", "power",
                                                 NULL };
          double d;
          for (guint k = 0; powers[k] != NULL; k++)
            if (hf_json_number (l, powers[k], &d))
              {
                g_autofree char *n = _hf_fhir_format_number (d);
                g_string_append_printf (v, "%s%s %s", v->len ? ", " : "", powers[k], n);
              }
          add_field (fields, g_strcmp0 (hf_json_string (l, "eye"), "left") == 0 ? "Left eye"
                             : g_strcmp0 (hf_json_string (l, "eye"), "right") == 0 ? "Right eye"
                             : "Lens", v->len ? g_strdup (v->str) : NULL);
        }
    }
  else if (g_str_equal (type, "AdverseEvent"))
    {
      JsonArray *suspects = hf_json_array (r, "suspectEntity");
      add_field (fields, "Seriousness", _hf_fhir_concept_text (hf_json_object (r, "seriousness")));
      add_field (fields, "Severity", _hf_fhir_concept_text (hf_json_object (r, "severity")));
      for (guint i = 0; i < _hf_fhir_len (suspects); i++)
        add_field (fields, "Suspected cause",
                   _hf_fhir_reference_text (ctx, hf_json_object (_hf_fhir_elem_obj (suspects, i),
                                                                 "instance")));
    }
  else if (g_str_equal (type, "DetectedIssue"))
    {
      add_field (fields, "Risk", g_strdup (hf_json_string (r, "severity")));
      add_field (fields, "Detail", g_strdup (hf_json_string (r, "detail")));
      add_field (fields, "About", _hf_fhir_references_text (ctx, hf_json_array (r, "implicated"),
                                                            NULL));
    }
  else if (g_str_equal (type, "EpisodeOfCare"))
    {
      JsonArray *diagnoses = hf_json_array (r, "diagnosis");
      for (guint i = 0; i < _hf_fhir_len (diagnoses); i++)
        add_field (fields, "For",
                   _hf_fhir_reference_text (ctx, hf_json_object (_hf_fhir_elem_obj (diagnoses, i),
                                                                 "condition")));
    }
  else if (g_str_equal (type, "ImmunizationRecommendation"))
    {
      JsonArray *recs = hf_json_array (r, "recommendation");
      for (guint i = 0; i < _hf_fhir_len (recs); i++)
        {
          JsonObject *one = _hf_fhir_elem_obj (recs, i);
          g_autofree char *vaccine = _hf_fhir_concepts_text (hf_json_array (one, "vaccineCode"));
          g_autofree char *forecast = _hf_fhir_concept_text (hf_json_object (one,
                                                                             "forecastStatus"));
          add_field (fields, "Recommended", vaccine && forecast
                                            ? g_strdup_printf ("%s (%s)", vaccine, forecast)
                                            : g_steal_pointer (&vaccine));
        }
    }
  else
    return FALSE;
  return TRUE;
}

static void
describe_specifics (HfFhirContext       *ctx,
                    GPtrArray *fields)
{
  JsonObject *r = ctx->r;
  const char *type = _hf_fhir_type_of (r);

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

      _hf_fhir_append_part (kind, " ", hf_json_string (r, "type"));
      for (guint i = 0; i < _hf_fhir_len (cats); i++)
        _hf_fhir_append_part (kind, ", ", _hf_fhir_elem_str (cats, i));
      add_field (fields, "Kind", kind->len ? g_strdup (kind->str) : NULL);
      add_field (fields, "Risk", g_strdup (hf_json_string (r, "criticality")));
      for (guint i = 0; i < _hf_fhir_len (reactions); i++)
        {
          JsonObject *reaction = _hf_fhir_elem_obj (reactions, i);
          g_autofree char *m = _hf_fhir_concepts_text (hf_json_array (reaction, "manifestation"));
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
      add_field (fields, "Where on the body", _hf_fhir_concept_text (hf_json_object (r, "site")));
      add_field (fields, "How given", _hf_fhir_concept_text (hf_json_object (r, "route")));
      if (hf_json_number (dose, "doseNumberPositiveInt", &n))
        add_field (fields, "Dose number", _hf_fhir_format_number (n));
    }
  else if (g_str_equal (type, "DiagnosticReport"))
    {
      JsonArray *results = hf_json_array (r, "result");
      for (guint i = 0; i < _hf_fhir_len (results); i++)
        add_field (fields, "Result", _hf_fhir_reference_text_resolved (ctx,
                                                                       _hf_fhir_elem_obj (results,
                                                                                          i)));
      add_field (fields, "Conclusion", g_strdup (hf_json_string (r, "conclusion")));
    }
  else if (g_str_equal (type, "DocumentReference"))
    {
      JsonArray *content = hf_json_array (r, "content");
      for (guint i = 0; i < _hf_fhir_len (content); i++)
        {
          JsonObject *a = hf_json_object (_hf_fhir_elem_obj (content, i), "attachment");
          g_autoptr(GString) s = g_string_new (NULL);
          double size;
          _hf_fhir_append_part (s, " · ", hf_json_string (a, "title"));
          _hf_fhir_append_part (s, " · ", hf_json_string (a, "contentType"));
          if (hf_json_number (a, "size", &size))
            g_string_append_printf (s, "%s%.0f bytes", s->len ? " · " : "", size);
          if (hf_json_string (a, "data") != NULL)
            _hf_fhir_append_part (s, " · ", "included");
          else if (hf_json_string (a, "url") != NULL)
            _hf_fhir_append_part (s, " · ", hf_json_string (a, "url"));
          add_field (fields, "Attachment", s->len ? g_strdup (s->str) : NULL);
        }
    }
  else if (g_str_equal (type, "Claim") || g_str_equal (type, "ExplanationOfBenefit"))
    {
      add_field (fields, "Kind", _hf_fhir_concept_text (hf_json_object (r, "type")));
      add_field (fields, "Total", _hf_fhir_money_text (_hf_fhir_claim_total (r)));
      add_field (fields, "Outcome", g_strdup (hf_json_string (r, "outcome")));
    }
  else if (g_str_equal (type, "Patient") || g_str_equal (type, "Practitioner") ||
           g_str_equal (type, "RelatedPerson"))
    {
      add_field (fields, "Name", _hf_fhir_human_name (hf_json_first_object (r, "name")));
      add_field (fields, "Relationship", _hf_fhir_concepts_text (hf_json_array (r,
                                                                                "relationship")));
      add_field (fields, "Gender", g_strdup (hf_json_string (r, "gender")));
      add_field (fields, "Language",
                 _hf_fhir_concept_text (hf_json_object (hf_json_first_object (r, "communication"),
                                               "language")));
    }
  else if (g_str_equal (type, "CarePlan"))
    {
      JsonArray *activities = hf_json_array (r, "activity");
      add_concepts (fields, "Kind", hf_json_array (r, "category"));
      for (guint i = 0; i < _hf_fhir_len (activities); i++)
        {
          JsonObject *detail = hf_json_object (_hf_fhir_elem_obj (activities, i), "detail");
          g_autofree char *what = _hf_fhir_concept_text (hf_json_object (detail, "code"));
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
      for (guint i = 0; i < _hf_fhir_len (series); i++)
        {
          JsonObject *one = _hf_fhir_elem_obj (series, i);
          JsonObject *m = hf_json_object (one, "modality");
          JsonObject *site = hf_json_object (one, "bodySite");
          g_autoptr(GString) s = g_string_new (NULL);
          _hf_fhir_append_part (s, " · ", hf_json_string (m, "display") ? hf_json_string (m,
                                                                                          "display")
                                                               : hf_json_string (m, "code"));
          _hf_fhir_append_part (s, " · ", hf_json_string (site, "display"));
          _hf_fhir_append_part (s, " · ", hf_json_string (one, "description"));
          add_field (fields, "Series", s->len ? g_strdup (s->str) : NULL);
        }
    }
  else if (!describe_more (ctx, fields) && g_str_equal (type, "PractitionerRole"))
    {
      add_concepts (fields, "Role", hf_json_array (r, "code"));
      add_concepts (fields, "Specialty", hf_json_array (r, "specialty"));
    }

  if (g_str_equal (type, "Observation") && _hf_fhir_observation_category_label (r) != NULL)
    add_field (fields, "Category", g_strdup (_hf_fhir_observation_category_label (r)));
  else if (!g_str_equal (type, "CarePlan"))
    add_concepts (fields, "Category", hf_json_array (r, "category"));
  add_concepts (fields, "Reason", hf_json_array (r, "reasonCode"));
  add_field (fields, "Reason", _hf_fhir_references_text (ctx, hf_json_array (r, "reasonReference"),
                                                         NULL));
  add_concepts (fields, "Body site", hf_json_array (r, "bodySite"));
  add_field (fields, "Outcome", _hf_fhir_concept_text (hf_json_object (r, "outcome")));
  add_field (fields, "Description", g_strdup (hf_json_string (r, "description")));
  {
    JsonObject *address = hf_json_object (r, "address") ? hf_json_object (r, "address")
                                                        : hf_json_first_object (r, "address");
    JsonArray *telecom = hf_json_array (r, "telecom");
    add_field (fields, "Address", _hf_fhir_address_text (address));
    for (guint i = 0; i < _hf_fhir_len (telecom); i++)
      add_field (fields, "Contact", g_strdup (hf_json_string (_hf_fhir_elem_obj (telecom, i),
                                                              "value")));
  }
  {
    JsonArray *notes = hf_json_array (r, "note");
    for (guint i = 0; i < _hf_fhir_len (notes); i++)
      add_field (fields, "Note", g_strdup (hf_json_string (_hf_fhir_elem_obj (notes, i), "text")));
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
  HfFhirContext ctx = { resource, resolve, user_data, &unused, NULL, NULL, NULL };

  g_return_val_if_fail (resource != NULL, NULL);

  describe_what (&ctx, fields);
  describe_specifics (&ctx, fields);
  describe_status (&ctx, fields);
  describe_dates (&ctx, fields);
  describe_people_and_places (&ctx, fields);
  return g_steal_pointer (&fields);
}

/* }}} */
