/* hf-fhir-summary.c — a one-line summary of each FHIR R4 resource, for the timeline and search
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Summaries are written for the patient, not the clinician: the name of the thing, its value
 * and what the value means, its state, and the date. Nothing here fails: a resource that lacks
 * what a summary wants gets a plainer summary, never an error.
 *
 * The date a record is listed by is the one a patient means (the first of these it has):
 *
 *   Observation, DiagnosticReport  effective[x], issued
 *   Condition                      onset[x], recordedDate, abatement
 *   AllergyIntolerance             onset, recordedDate
 *   Encounter, EpisodeOfCare       period.start
 *   Appointment                    start, requestedPeriod[0].start, created (never created first)
 *   AppointmentResponse            start
 *   Procedure                      performed[x]
 *   Immunization                   occurrence, recorded
 *   ImmunizationRecommendation,
 *   ImmunizationEvaluation         date
 *   Medication{Request,Statement,
 *   Administration,Dispense}       authoredOn, effective[x], dateAsserted, whenHandedOver,
 *                                  whenPrepared
 *   ServiceRequest, DeviceRequest  occurrence[x], authoredOn
 *   CarePlan, CareTeam             period.start, created
 *   Goal                           startDate, statusDate
 *   NutritionOrder                 dateTime
 *   VisionPrescription             dateWritten, created
 *   DeviceUseStatement             timing[x], recordedOn
 *   Composition, List, Family-
 *   MemberHistory                  date
 *   DocumentReference              date, context.period.start, attachment creation
 *   DocumentManifest               created
 *   Consent                        dateTime, provision.period.start
 *   Communication                  sent, received
 *   CommunicationRequest           occurrence[x], authoredOn
 *   Media                          created[x], issued
 *   ImagingStudy                   started
 *   Specimen                       collection.collected, receivedTime
 *   RiskAssessment                 occurrence[x]
 *   ClinicalImpression             effective[x], date
 *   DetectedIssue                  identified[x]
 *   AdverseEvent                   date, detected, recordedDate
 *   Flag                           period.start
 *   Task                           executionPeriod.start, authoredOn
 *   Claim, ExplanationOfBenefit    billablePeriod.start, created
 *   Coverage                       period.start
 *   other billing types            serviced, occurrence, servicePeriod.start, date, created,
 *                                  issued, enteredDate, paymentDate
 *   QuestionnaireResponse          authored
 *   Provenance                     recorded
 *   anything else                  date, effective, occurrence, period.start, authored,
 *                                  authoredOn, recorded, created, issued
 *   Patient, Practitioner, places  none: they are not timeline records
 */

#include "hf-fhir.h"
#include "hf-fhir-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hf-json-util.h"

/* {{{ summaries, per type */

void
_hf_fhir_set_primary_code (HfFhirContext *ctx,
                           JsonObject    *cc)
{
  JsonObject *c = hf_json_first_object (cc, "coding");

  if (c != NULL && ctx->out->code == NULL)
    {
      ctx->out->code_system = g_strdup (hf_json_string (c, "system"));
      ctx->out->code = g_strdup (hf_json_string (c, "code"));
      ctx->out->code_display = _hf_fhir_concept_text (cc);
    }
}

static void
title_concept (HfFhirContext        *ctx,
               JsonObject *cc,
               const char *fallback)
{
  g_autofree char *text = _hf_fhir_concept_text (cc);

  _hf_fhir_set_primary_code (ctx, cc);
  g_string_append (ctx->title, text ? text : fallback);
}

const char *
_hf_fhir_clinical_status (JsonObject *r)
{
  JsonObject *cs = hf_json_object (r, "clinicalStatus");
  JsonObject *c = hf_json_first_object (cs, "coding");

  return hf_json_string (c, "code") ? hf_json_string (c, "code") : hf_json_string (cs, "text");
}

const char *
_hf_fhir_observation_category_label (JsonObject *r)
{
  static const struct { const char *code; const char *label; } labels[] = {
    { "vital-signs", "Vital signs" }, { "laboratory", "Laboratory" },
    { "social-history", "Social history" }, { "survey", "Survey" }, { "exam", "Examination" },
    { "imaging", "Imaging" }, { "procedure", "Procedure" }, { "therapy", "Therapy" },
    { "activity", "Activity" },
  };
  JsonObject *category = hf_json_first_object (r, "category");

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (_hf_fhir_concept_has_code (category, labels[i].code))
      return labels[i].label;
  return NULL;
}

/* The longest name a title starts with, in characters: the value after it is the part a
 * patient looks for, so a list that cuts titles must never cut it. */
#define OBSERVATION_NAME_MAX 40

/* An observation's title starts with the test's short name ("Hemoglobin", data/loinc-names.tsv),
 * else the source's own name, shortened at a word. */
static void
observation_name (HfFhirContext *ctx,
                  JsonObject    *code)
{
  const char *short_name = _hf_fhir_concept_loinc_name (code);
  g_autofree char *text = NULL;

  _hf_fhir_set_primary_code (ctx, code);
  if (short_name != NULL)
    {
      g_string_append (ctx->title, short_name);
      return;
    }
  text = _hf_fhir_concept_text (code);
  if (text == NULL)
    {
      g_string_append (ctx->title, "Observation");
      return;
    }
  if (g_utf8_strlen (text, -1) > OBSERVATION_NAME_MAX)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, OBSERVATION_NAME_MAX - 1);
      char *space = strrchr (cut, ' ');

      if (space != NULL && space - cut > OBSERVATION_NAME_MAX / 2)
        *space = '\0';
      g_strchomp (cut);
      while (*cut != '\0' && strchr (",;:-([", cut[strlen (cut) - 1]) != NULL)
        {
          cut[strlen (cut) - 1] = '\0';
          g_strchomp (cut);
        }
      g_string_append_printf (ctx->title, "%s…", cut);
      return;
    }
  g_string_append (ctx->title, text);
}

static void
summarize_observation (HfFhirContext *ctx)
{
  JsonObject *r = ctx->r;
  JsonArray *components = hf_json_array (r, "component");
  HfFhirValueKind kind = HF_FHIR_VALUE_NONE;
  g_autofree char *value = NULL;
  g_autofree char *word = NULL;
  g_autofree char *range = _hf_fhir_range_text (hf_json_first_object (r, "referenceRange"));
  g_autofree char *performer = _hf_fhir_references_text (ctx, hf_json_array (r, "performer"), NULL);
  g_autofree char *absent = _hf_fhir_concept_text (hf_json_object (r, "dataAbsentReason"));

  observation_name (ctx, hf_json_object (r, "code"));

  value = _hf_fhir_value_text (r, &kind, &ctx->out->value_num, &ctx->out->value_unit);
  ctx->out->has_value = kind == HF_FHIR_VALUE_QUANTITY &&
                        (hf_json_object (r, "valueQuantity") != NULL ||
                         json_object_has_member (r, "valueInteger"));
  if (value == NULL && components != NULL)
    {
      value = _hf_fhir_components_value (components);
      kind = value ? HF_FHIR_VALUE_QUANTITY : HF_FHIR_VALUE_NONE;
    }
  if (kind == HF_FHIR_VALUE_QUANTITY)
    g_string_append_printf (ctx->title, " %s", value);
  else if (kind == HF_FHIR_VALUE_WORDS)
    g_string_append_printf (ctx->title, ": %s", value);

  word = _hf_fhir_interpretation (r, ctx->out->has_value, ctx->out->value_num);
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
    _hf_fhir_append_part (ctx->subtitle, " · ", _hf_fhir_observation_category_label (r));
  _hf_fhir_append_part (ctx->subtitle, " · ", performer);
  ctx->when = _hf_fhir_first_date (r, "effectiveDateTime", "effectivePeriod.start",
                                   "effectiveInstant",
                                   "issued", NULL);
}

static char *
medication_name (HfFhirContext *ctx)
{
  JsonObject *cc = hf_json_object (ctx->r, "medicationCodeableConcept");

  if (cc != NULL)
    {
      _hf_fhir_set_primary_code (ctx, cc);
      return _hf_fhir_concept_text (cc);
    }
  return _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "medicationReference"));
}

static void
summarize_medication_use (HfFhirContext        *ctx,
                          const char *dosage_member)
{
  const char *type = _hf_fhir_type_of (ctx->r);
  g_autofree char *name = medication_name (ctx);
  g_autofree char *dosage = _hf_fhir_dosage_phrase (hf_json_first_object (ctx->r, dosage_member),
                                                    name);
  g_autofree char *requester = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "requester"));
  g_autofree char *source = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                          "informationSource"));
  g_autofree char *reason = _hf_fhir_concepts_text (hf_json_array (ctx->r, "reasonCode"));
  g_autofree char *quantity = _hf_fhir_quantity_text (hf_json_object (ctx->r, "quantity"), NULL,
                                                      NULL);
  double days;

  g_string_append (ctx->title, name ? name : "Medication");
  if (dosage != NULL)
    g_string_append (ctx->title, dosage);
  if (hf_json_string (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s",
                            _hf_fhir_status_word (hf_json_string (ctx->r, "status")));

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
  ctx->when = _hf_fhir_first_date (ctx->r, "authoredOn", "effectiveDateTime",
                                   "effectivePeriod.start",
                                   "dateAsserted", "whenHandedOver", "whenPrepared", NULL);
}

static void
summarize_medication (HfFhirContext *ctx)
{
  g_autofree char *form = _hf_fhir_concept_text (hf_json_object (ctx->r, "form"));
  g_autofree char *maker = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "manufacturer"));

  if (hf_json_object (ctx->r, "code") != NULL)
    title_concept (ctx, hf_json_object (ctx->r, "code"), "Medication");
  else
    {
      /* A compounded medicine is named by what is in it. */
      JsonArray *ingredients = hf_json_array (ctx->r, "ingredient");
      for (guint i = 0; i < _hf_fhir_len (ingredients); i++)
        {
          JsonObject *item = _hf_fhir_elem_obj (ingredients, i);
          g_autofree char *t = _hf_fhir_concept_text (hf_json_object (item, "itemCodeableConcept"));
          if (t == NULL)
            t = _hf_fhir_reference_text (ctx, hf_json_object (item, "itemReference"));
          _hf_fhir_append_part (ctx->title, ", ", t);
        }
      if (ctx->title->len == 0)
        g_string_append (ctx->title, "Medication");
    }
  _hf_fhir_append_part (ctx->subtitle, " · ", form);
  _hf_fhir_append_part (ctx->subtitle, " · ", maker);
}

/* "Ruled out: " or "Entered in error: " for a refuted or mistaken record, else NULL. */
static const char *
verification_prefix (JsonObject *r)
{
  g_autofree char *verification = _hf_fhir_concept_code (r, "verificationStatus");

  if (g_strcmp0 (verification, "refuted") == 0)
    return "Ruled out: ";
  if (g_strcmp0 (verification, "entered-in-error") == 0)
    return "Entered in error: ";
  return NULL;
}

static void
summarize_condition (HfFhirContext *ctx)
{
  const char *status = _hf_fhir_clinical_status (ctx->r);
  const char *onset = _hf_fhir_first_date (ctx->r, "onsetDateTime", "onsetPeriod.start", NULL);
  const char *abated = _hf_fhir_first_date (ctx->r, "abatementDateTime", "abatementPeriod.start",
                                            NULL);
  const char *prefix = verification_prefix (ctx->r);
  const char *none = _hf_fhir_negation (hf_json_object (ctx->r, "code"));
  g_autofree char *category = _hf_fhir_concepts_text (hf_json_array (ctx->r, "category"));
  g_autofree char *asserter = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "asserter"));

  if (prefix != NULL)
    g_string_append (ctx->title, prefix);
  if (none != NULL)
    {
      _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "code"));
      g_string_append (ctx->title, none);
    }
  else
    title_concept (ctx, hf_json_object (ctx->r, "code"), "A condition without a name");
  if (prefix != NULL || none != NULL)
    {
      /* the words say it all */
    }
  else if (g_strcmp0 (status, "active") == 0 && onset != NULL)
    {
      g_autofree char *since = _hf_fhir_date_for_title (onset);
      g_string_append_printf (ctx->title, " — active since %s", since);
    }
  else if (g_strcmp0 (status, "resolved") == 0 && abated != NULL)
    {
      g_autofree char *when = _hf_fhir_date_for_title (abated);
      g_string_append_printf (ctx->title, " — resolved %s", when);
    }
  else if (status != NULL)
    g_string_append_printf (ctx->title, " — %s", _hf_fhir_status_word (status));
  _hf_fhir_append_part (ctx->subtitle, " · ", category);
  _hf_fhir_append_part (ctx->subtitle, " · ", asserter);
  ctx->when = _hf_fhir_first_date (ctx->r, "onsetDateTime", "onsetPeriod.start", "recordedDate",
                                   "abatementDateTime", NULL);
}

static void
summarize_allergy (HfFhirContext *ctx)
{
  g_autofree char *what = _hf_fhir_concept_text (hf_json_object (ctx->r, "code"));
  const char *status = _hf_fhir_clinical_status (ctx->r);
  const char *criticality = hf_json_string (ctx->r, "criticality");
  JsonArray *reactions = hf_json_array (ctx->r, "reaction");

  const char *prefix = verification_prefix (ctx->r);
  const char *none = _hf_fhir_negation (hf_json_object (ctx->r, "code"));

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "code"));
  if (prefix != NULL)
    g_string_append (ctx->title, prefix);
  /* "NKDA" is no allergy at all; many systems name the allergy ("Allergy to grass pollen"),
   * not the substance. */
  if (none != NULL)
    g_string_append (ctx->title, none);
  else if (what != NULL && (strstr (what, "llergy") != NULL || strstr (what, "ntolerance") != NULL))
    g_string_append (ctx->title, what);
  else
    g_string_append_printf (ctx->title, "Allergy to %s", what ? what : "an unnamed substance");
  if (prefix != NULL || none != NULL)
    {
      /* the words say it all */
    }
  else if (g_strcmp0 (criticality, "high") == 0)
    g_string_append (ctx->title, " — high risk");
  else if (status != NULL && !g_str_equal (status, "active"))
    g_string_append_printf (ctx->title, " — %s", _hf_fhir_status_word (status));
  for (guint i = 0; i < _hf_fhir_len (reactions); i++)
    {
      g_autofree char *m = _hf_fhir_concepts_text (hf_json_array (_hf_fhir_elem_obj (reactions, i),
                                                                  "manifestation"));
      if (m == NULL)
        continue;
      g_string_append (ctx->subtitle, ctx->subtitle->len == 0 ? "Reaction: " : ", ");
      g_string_append (ctx->subtitle, m);
    }
  ctx->when = _hf_fhir_first_date (ctx->r, "onsetDateTime", "recordedDate", NULL);
}

static void
summarize_immunization (HfFhirContext *ctx)
{
  g_autofree char *performer = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "performer"),
                                                         "actor");
  g_autofree char *location = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "location"));

  title_concept (ctx, hf_json_object (ctx->r, "vaccineCode"), "Vaccination");
  if (g_strcmp0 (hf_json_string (ctx->r, "status"), "not-done") == 0)
    g_string_append (ctx->title, " — not given");
  _hf_fhir_append_part (ctx->subtitle, " · ", location ? location : performer);
  if (hf_json_string (ctx->r, "lotNumber") != NULL)
    g_string_append_printf (ctx->subtitle, "%slot %s", ctx->subtitle->len ? " · " : "",
                            hf_json_string (ctx->r, "lotNumber"));
  ctx->when = _hf_fhir_first_date (ctx->r, "occurrenceDateTime", "recorded", NULL);
}

static void
summarize_procedure (HfFhirContext *ctx)
{
  const char *status = hf_json_string (ctx->r, "status");
  g_autofree char *performer = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "performer"),
                                                         "actor");
  g_autofree char *location = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "location"));

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Procedure");
  if (status != NULL && !g_str_equal (status, "completed"))
    g_string_append_printf (ctx->title, " — %s", _hf_fhir_status_word (status));
  _hf_fhir_append_part (ctx->subtitle, " · ", performer);
  _hf_fhir_append_part (ctx->subtitle, " · ", location);
  ctx->when = _hf_fhir_first_date (ctx->r, "performedDateTime", "performedPeriod.start", NULL);
}

static void
summarize_encounter (HfFhirContext *ctx)
{
  g_autofree char *type = _hf_fhir_concept_text (hf_json_first_object (ctx->r, "type"));
  JsonObject *klass = hf_json_object (ctx->r, "class");
  g_autofree char *where = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                         "serviceProvider"));
  g_autofree char *reason = _hf_fhir_concepts_text (hf_json_array (ctx->r, "reasonCode"));
  g_autofree char *who = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "participant"),
                                                   "individual");

  if (where == NULL)
    where = _hf_fhir_reference_text (ctx, hf_json_object (hf_json_first_object (ctx->r, "location"),
                                                 "location"));
  _hf_fhir_set_primary_code (ctx, hf_json_first_object (ctx->r, "type"));
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
  ctx->when = _hf_fhir_first_date (ctx->r, "period.start", NULL);
}

static void
summarize_report (HfFhirContext *ctx)
{
  guint results = _hf_fhir_len (hf_json_array (ctx->r, "result"));
  g_autofree char *performer = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "performer"),
                                                         NULL);

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Report");
  if (results > 0)
    g_string_append_printf (ctx->subtitle, "%u result%s", results, results == 1 ? "" : "s");
  _hf_fhir_append_part (ctx->subtitle, " · ", performer);
  ctx->when = _hf_fhir_first_date (ctx->r, "effectiveDateTime", "effectivePeriod.start", "issued",
                                   NULL);
}

static void
summarize_document (HfFhirContext *ctx)
{
  JsonObject *attachment = hf_json_object (hf_json_first_object (ctx->r, "content"), "attachment");
  g_autofree char *type = _hf_fhir_concept_text (hf_json_object (ctx->r, "type"));
  g_autofree char *author = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "author"), NULL);
  g_autofree char *custodian = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "custodian"));

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "type"));
  g_string_append (ctx->title, hf_json_string (ctx->r, "description")
                               ? hf_json_string (ctx->r, "description")
                               : type ? type
                               : hf_json_string (attachment, "title")
                               ? hf_json_string (attachment, "title")
                               : "Document");
  _hf_fhir_append_part (ctx->subtitle, " · ", author ? author : custodian);
  _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (attachment, "contentType"));
  ctx->when = _hf_fhir_first_date (ctx->r, "date", "context.period.start", NULL);
  if (ctx->when == NULL)
    ctx->when = hf_json_string (attachment, "creation");
}

static void
summarize_patient (HfFhirContext *ctx)
{
  g_autofree char *name = _hf_fhir_human_name (hf_json_first_object (ctx->r, "name"));
  const char *birth = hf_json_string (ctx->r, "birthDate");

  g_string_append (ctx->title, name ? name : "A patient without a name");
  if (birth != NULL)
    g_string_append_printf (ctx->subtitle, "Born %s", birth);
  _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (ctx->r, "gender"));
}

static void
summarize_person (HfFhirContext *ctx)
{
  g_autofree char *name = _hf_fhir_human_name (hf_json_first_object (ctx->r, "name"));
  g_autofree char *relation = _hf_fhir_concept_text (hf_json_first_object (ctx->r, "relationship"));
  g_autofree char *qualification =
    _hf_fhir_concept_text (hf_json_object (hf_json_first_object (ctx->r, "qualification"), "code"));

  if (name != NULL)
    g_string_append (ctx->title, name);
  else
    {
      g_autofree char *words = _hf_fhir_type_words (_hf_fhir_type_of (ctx->r));
      g_string_append_printf (ctx->title, "%s without a name", words);
    }
  _hf_fhir_append_part (ctx->subtitle, " · ", relation ? relation : qualification);
}

static void
summarize_place (HfFhirContext *ctx)
{
  JsonObject *address = hf_json_object (ctx->r, "address")
                        ? hf_json_object (ctx->r, "address")
                        : hf_json_first_object (ctx->r, "address");
  g_autofree char *type = _hf_fhir_concept_text (hf_json_first_object (ctx->r, "type"));

  if (type == NULL)
    type = _hf_fhir_concept_text (hf_json_object (ctx->r, "type"));
  if (hf_json_string (ctx->r, "name") != NULL)
    g_string_append (ctx->title, hf_json_string (ctx->r, "name"));
  else
    {
      g_autofree char *where = _hf_fhir_address_text (address);
      g_autofree char *words = _hf_fhir_type_words (_hf_fhir_type_of (ctx->r));
      g_string_append_printf (ctx->title, "%s without a name", words);
      if (where != NULL || type != NULL)
        g_string_append_printf (ctx->title, " (%s)", where ? where : type);
    }
  _hf_fhir_append_part (ctx->subtitle, " · ", type);
  if (address != NULL)
    {
      _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (address, "city"));
      if (hf_json_string (address, "city") != NULL)
        _hf_fhir_append_part (ctx->subtitle, ", ", hf_json_string (address, "state"));
    }
}

static void
summarize_practitioner_role (HfFhirContext *ctx)
{
  g_autofree char *who = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "practitioner"));
  g_autofree char *role = _hf_fhir_concept_text (hf_json_first_object (ctx->r, "code"));
  g_autofree char *specialty = _hf_fhir_concept_text (hf_json_first_object (ctx->r, "specialty"));
  g_autofree char *org = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "organization"));

  g_string_append (ctx->title, who ? who : "Practitioner");
  _hf_fhir_append_part (ctx->title, ", ", specialty ? specialty : role);
  _hf_fhir_append_part (ctx->subtitle, " · ", org);
}

static void
summarize_plan (HfFhirContext        *ctx,
                const char *fallback)
{
  g_autofree char *category = _hf_fhir_concept_text (hf_json_first_object (ctx->r, "category"));
  const char *status = hf_json_string (ctx->r, "status");

  g_string_append (ctx->title, hf_json_string (ctx->r, "title") ? hf_json_string (ctx->r, "title")
                               : hf_json_string (ctx->r, "name") ? hf_json_string (ctx->r, "name")
                               : category ? category : fallback);
  if (status != NULL)
    g_string_append_printf (ctx->title, " — %s", _hf_fhir_status_word (status));
  if (g_str_equal (fallback, "Care team"))
    {
      guint n = _hf_fhir_len (hf_json_array (ctx->r, "participant"));
      if (n > 0)
        g_string_append_printf (ctx->subtitle, "%u member%s", n, n == 1 ? "" : "s");
    }
  else
    {
      guint n = _hf_fhir_len (hf_json_array (ctx->r, "activity"));
      _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (ctx->r, "description"));
      if (ctx->subtitle->len == 0 && n > 0)
        g_string_append_printf (ctx->subtitle, "%u activit%s", n, n == 1 ? "y" : "ies");
    }
  ctx->when = _hf_fhir_first_date (ctx->r, "period.start", "created", NULL);
}

static void
summarize_goal (HfFhirContext *ctx)
{
  g_autofree char *what = _hf_fhir_concept_text (hf_json_object (ctx->r, "description"));
  JsonObject *target = hf_json_first_object (ctx->r, "target");
  g_autofree char *due = _hf_fhir_date_for_title (hf_json_string (target, "dueDate"));

  g_string_append (ctx->title, what ? what : "Goal");
  if (hf_json_string (ctx->r, "lifecycleStatus") != NULL)
    g_string_append_printf (ctx->title, " — %s",
                            _hf_fhir_status_word (hf_json_string (ctx->r,
                                                                  "lifecycleStatus")));
  if (due != NULL)
    g_string_append_printf (ctx->subtitle, "By %s", due);
  ctx->when = _hf_fhir_first_date (ctx->r, "startDate", "statusDate", NULL);
}

static void
summarize_device (HfFhirContext *ctx)
{
  JsonObject *name = hf_json_first_object (ctx->r, "deviceName");
  g_autofree char *type = _hf_fhir_concept_text (hf_json_object (ctx->r, "type"));
  const char *udi = hf_json_string (hf_json_first_object (ctx->r, "udiCarrier"),
                                    "deviceIdentifier");

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "type"));
  g_string_append (ctx->title, hf_json_string (name, "name") ? hf_json_string (name, "name")
                               : type ? type : "Medical device");
  if (hf_json_string (ctx->r, "status") != NULL &&
      !g_str_equal (hf_json_string (ctx->r, "status"), "active"))
    g_string_append_printf (ctx->title, " — %s",
                            _hf_fhir_status_word (hf_json_string (ctx->r, "status")));
  if (udi != NULL)
    g_string_append_printf (ctx->subtitle, "Device identifier %s", udi);
  ctx->when = _hf_fhir_first_date (ctx->r, "manufactureDate", NULL);
}

char *
_hf_fhir_money_text (JsonObject *money)
{
  double v;

  if (!hf_json_number (money, "value", &v))
    return NULL;
  return hf_json_string (money, "currency")
         ? g_strdup_printf ("%.2f %s", v, hf_json_string (money, "currency"))
         : g_strdup_printf ("%.2f", v);
}

JsonObject *
_hf_fhir_claim_total (JsonObject *r)
{
  return hf_json_object (r, "total") ? hf_json_object (r, "total")
                                     : hf_json_object (hf_json_first_object (r, "total"), "amount");
}

static void
summarize_claim (HfFhirContext        *ctx,
                 const char *what)
{
  g_autofree char *type = _hf_fhir_concept_text (hf_json_object (ctx->r, "type"));
  g_autofree char *total = _hf_fhir_money_text (_hf_fhir_claim_total (ctx->r));
  g_autofree char *insurer = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "insurer"));

  g_string_append (ctx->title, what);
  if (type != NULL)
    g_string_append_printf (ctx->title, " (%s)", type);
  if (total != NULL)
    g_string_append_printf (ctx->title, " — %s", total);
  _hf_fhir_append_part (ctx->subtitle, " · ", insurer);
  ctx->when = _hf_fhir_first_date (ctx->r, "billablePeriod.start", "created", NULL);
}

static void
summarize_coverage (HfFhirContext *ctx)
{
  g_autofree char *payor = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "payor"), NULL);
  g_autofree char *type = _hf_fhir_concept_text (hf_json_object (ctx->r, "type"));

  g_string_append (ctx->title, "Insurance");
  _hf_fhir_append_part (ctx->title, ": ", payor ? payor : type);
  if (hf_json_string (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s",
                            _hf_fhir_status_word (hf_json_string (ctx->r, "status")));
  ctx->when = _hf_fhir_first_date (ctx->r, "period.start", NULL);
}

static void
summarize_request (HfFhirContext *ctx)
{
  g_autofree char *requester = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "requester"));
  g_autofree char *reason = _hf_fhir_concepts_text (hf_json_array (ctx->r, "reasonCode"));

  title_concept (ctx, hf_json_object (ctx->r, "code"), "Order");
  if (hf_json_string (ctx->r, "status") != NULL)
    g_string_append_printf (ctx->title, " — %s",
                            _hf_fhir_status_word (hf_json_string (ctx->r, "status")));
  if (reason != NULL)
    g_string_append_printf (ctx->subtitle, "For %s", reason);
  if (requester != NULL)
    g_string_append_printf (ctx->subtitle, "%sOrdered by %s", ctx->subtitle->len ? " · " : "",
                            requester);
  ctx->when = _hf_fhir_first_date (ctx->r, "occurrenceDateTime", "occurrencePeriod.start",
                                   "authoredOn",
                                   NULL);
}

static void
summarize_specimen (HfFhirContext *ctx)
{
  g_autofree char *site = _hf_fhir_concept_text (hf_json_object (hf_json_object (ctx->r,
                                                                                 "collection"),
                                                       "bodySite"));

  title_concept (ctx, hf_json_object (ctx->r, "type"), "Specimen");
  _hf_fhir_append_part (ctx->subtitle, " · ", site);
  ctx->when = _hf_fhir_first_date (ctx->r, "collection.collectedDateTime", "receivedTime", NULL);
}

static void
summarize_imaging (HfFhirContext *ctx)
{
  g_autofree char *procedure = _hf_fhir_concept_text (hf_json_first_object (ctx->r,
                                                                            "procedureCode"));
  g_autofree char *modality = hf_json_string (hf_json_first_object (ctx->r, "modality"), "display")
    ? g_strdup (hf_json_string (hf_json_first_object (ctx->r, "modality"), "display"))
    : g_strdup (hf_json_string (hf_json_first_object (ctx->r, "modality"), "code"));
  g_autofree char *site = NULL;
  guint series = _hf_fhir_len (hf_json_array (ctx->r, "series"));

  site = _hf_fhir_concept_text (hf_json_object (hf_json_first_object (ctx->r, "series"),
                                                "bodySite"));
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
  ctx->when = _hf_fhir_first_date (ctx->r, "started", NULL);
}

static void
summarize_misc (HfFhirContext *ctx)
{
  const char *type = _hf_fhir_type_of (ctx->r);

  if (g_str_equal (type, "Provenance"))
    {
      g_autofree char *who = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "agent"), "who");
      guint n = _hf_fhir_len (hf_json_array (ctx->r, "target"));
      g_string_append (ctx->title, "Record history");
      if (n > 0)
        g_string_append_printf (ctx->subtitle, "About %u record%s", n, n == 1 ? "" : "s");
      _hf_fhir_append_part (ctx->subtitle, " · ", who);
      ctx->when = _hf_fhir_first_date (ctx->r, "recorded", NULL);
    }
  else if (g_str_equal (type, "QuestionnaireResponse"))
    {
      guint n = _hf_fhir_len (hf_json_array (ctx->r, "item"));
      g_autofree char *author = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "author"));
      g_string_append (ctx->title, "Questionnaire answers");
      if (hf_json_string (ctx->r, "status") != NULL)
        g_string_append_printf (ctx->title, " — %s",
                            _hf_fhir_status_word (hf_json_string (ctx->r, "status")));
      if (n > 0)
        g_string_append_printf (ctx->subtitle, "%u answer%s", n, n == 1 ? "" : "s");
      _hf_fhir_append_part (ctx->subtitle, " · ", author);
      ctx->when = _hf_fhir_first_date (ctx->r, "authored", NULL);
    }
  else
    _hf_fhir_summarize_generic (ctx);
}

/* The LOINC codes of the US Core vital signs (and the blood pressure parts). */
static const char * const vital_sign_codes[] = {
  "85353-1", "9279-1", "8867-4", "2708-6", "59408-5", "8310-5", "8302-2", "9843-4", "29463-7",
  "39156-5", "59576-9", "8289-1", "85354-9", "8480-6", "8462-4", "3140-1", "3141-9", "55284-4",
  "77606-2", "59575-1", NULL
};

static const char *
observation_category (JsonObject *r)
{
  JsonArray *cats = hf_json_array (r, "category");
  JsonObject *code = hf_json_object (r, "code");
  JsonArray *codings = hf_json_array (code, "coding");

  for (guint i = 0; i < _hf_fhir_len (cats); i++)
    {
      if (_hf_fhir_concept_has_code (_hf_fhir_elem_obj (cats, i), "vital-signs"))
        return HF_CATEGORY_VITALS;
      if (_hf_fhir_concept_has_code (_hf_fhir_elem_obj (cats, i), "laboratory"))
        return HF_CATEGORY_LAB_RESULTS;
    }
  if (_hf_fhir_len (cats) > 0)
    return HF_CATEGORY_OTHER;
  /* No category at all (many panels' results): a vital sign by its LOINC code, else a result
   * taken from a sample or coded in LOINC is a lab result. */
  for (guint i = 0; vital_sign_codes[i] != NULL; i++)
    if (_hf_fhir_concept_has_code (code, vital_sign_codes[i]))
      return HF_CATEGORY_VITALS;
  if (hf_json_object (r, "specimen") != NULL)
    return HF_CATEGORY_LAB_RESULTS;
  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    if (g_strcmp0 (hf_json_string (_hf_fhir_elem_obj (codings, i), "system"),
                   "http://loinc.org") == 0)
      return HF_CATEGORY_LAB_RESULTS;
  return HF_CATEGORY_OTHER;
}

/* The category of every type a patient's record holds. Decisions: orders and plans (CarePlan,
 * CareTeam, Goal, ServiceRequest, NutritionOrder, DeviceRequest, VisionPrescription, Task…) are
 * care plans; history and assessments (FamilyMemberHistory, RiskAssessment, ClinicalImpression,
 * DetectedIssue, AdverseEvent, Flag) are problems; Appointment and EpisodeOfCare are visits;
 * Composition, Consent, Communication, QuestionnaireResponse, Media and Binary are documents; a
 * Device with a patient is a procedure (an implant, a pump), one without is directory, as are
 * Medication and Substance (referenced by the records that use them). */
static const struct { const char *type; const char *category; } categories[] = {
  { "Account", HF_CATEGORY_BILLING },
  { "AdverseEvent", HF_CATEGORY_PROBLEMS },
  { "AllergyIntolerance", HF_CATEGORY_ALLERGIES },
  { "Appointment", HF_CATEGORY_ENCOUNTERS },
  { "AppointmentResponse", HF_CATEGORY_ENCOUNTERS },
  { "Binary", HF_CATEGORY_DOCUMENTS },
  { "BiologicallyDerivedProduct", HF_CATEGORY_PROCEDURES },
  { "BodyStructure", HF_CATEGORY_PROBLEMS },
  { "CarePlan", HF_CATEGORY_CARE_PLANS },
  { "CareTeam", HF_CATEGORY_CARE_PLANS },
  { "ChargeItem", HF_CATEGORY_BILLING },
  { "Claim", HF_CATEGORY_BILLING },
  { "ClaimResponse", HF_CATEGORY_BILLING },
  { "ClinicalImpression", HF_CATEGORY_PROBLEMS },
  { "Communication", HF_CATEGORY_DOCUMENTS },
  { "CommunicationRequest", HF_CATEGORY_CARE_PLANS },
  { "Composition", HF_CATEGORY_DOCUMENTS },
  { "Condition", HF_CATEGORY_PROBLEMS },
  { "Consent", HF_CATEGORY_DOCUMENTS },
  { "Contract", HF_CATEGORY_BILLING },
  { "Coverage", HF_CATEGORY_BILLING },
  { "CoverageEligibilityRequest", HF_CATEGORY_BILLING },
  { "CoverageEligibilityResponse", HF_CATEGORY_BILLING },
  { "DetectedIssue", HF_CATEGORY_PROBLEMS },
  { "DeviceRequest", HF_CATEGORY_CARE_PLANS },
  { "DeviceUseStatement", HF_CATEGORY_PROCEDURES },
  { "DiagnosticReport", HF_CATEGORY_LAB_RESULTS },
  { "DocumentManifest", HF_CATEGORY_DOCUMENTS },
  { "DocumentReference", HF_CATEGORY_DOCUMENTS },
  { "Encounter", HF_CATEGORY_ENCOUNTERS },
  { "Endpoint", HF_CATEGORY_DIRECTORY },
  { "EnrollmentRequest", HF_CATEGORY_BILLING },
  { "EnrollmentResponse", HF_CATEGORY_BILLING },
  { "EpisodeOfCare", HF_CATEGORY_ENCOUNTERS },
  { "ExplanationOfBenefit", HF_CATEGORY_BILLING },
  { "FamilyMemberHistory", HF_CATEGORY_PROBLEMS },
  { "Flag", HF_CATEGORY_PROBLEMS },
  { "Goal", HF_CATEGORY_CARE_PLANS },
  { "Group", HF_CATEGORY_DIRECTORY },
  { "GuidanceResponse", HF_CATEGORY_CARE_PLANS },
  { "HealthcareService", HF_CATEGORY_DIRECTORY },
  { "ImagingStudy", HF_CATEGORY_PROCEDURES },
  { "Immunization", HF_CATEGORY_IMMUNIZATIONS },
  { "ImmunizationEvaluation", HF_CATEGORY_IMMUNIZATIONS },
  { "ImmunizationRecommendation", HF_CATEGORY_IMMUNIZATIONS },
  { "InsurancePlan", HF_CATEGORY_BILLING },
  { "Invoice", HF_CATEGORY_BILLING },
  { "Location", HF_CATEGORY_DIRECTORY },
  { "Media", HF_CATEGORY_DOCUMENTS },
  { "Medication", HF_CATEGORY_DIRECTORY },
  { "MedicationAdministration", HF_CATEGORY_MEDICATIONS },
  { "MedicationDispense", HF_CATEGORY_MEDICATIONS },
  { "MedicationRequest", HF_CATEGORY_MEDICATIONS },
  { "MedicationStatement", HF_CATEGORY_MEDICATIONS },
  { "MolecularSequence", HF_CATEGORY_LAB_RESULTS },
  { "NutritionOrder", HF_CATEGORY_CARE_PLANS },
  { "Organization", HF_CATEGORY_DIRECTORY },
  { "OrganizationAffiliation", HF_CATEGORY_DIRECTORY },
  { "Patient", HF_CATEGORY_DIRECTORY },
  { "PaymentNotice", HF_CATEGORY_BILLING },
  { "PaymentReconciliation", HF_CATEGORY_BILLING },
  { "Person", HF_CATEGORY_DIRECTORY },
  { "Practitioner", HF_CATEGORY_DIRECTORY },
  { "PractitionerRole", HF_CATEGORY_DIRECTORY },
  { "Procedure", HF_CATEGORY_PROCEDURES },
  { "QuestionnaireResponse", HF_CATEGORY_DOCUMENTS },
  { "RelatedPerson", HF_CATEGORY_DIRECTORY },
  { "RequestGroup", HF_CATEGORY_CARE_PLANS },
  { "RiskAssessment", HF_CATEGORY_PROBLEMS },
  { "Schedule", HF_CATEGORY_DIRECTORY },
  { "ServiceRequest", HF_CATEGORY_CARE_PLANS },
  { "Slot", HF_CATEGORY_DIRECTORY },
  { "Specimen", HF_CATEGORY_LAB_RESULTS },
  { "Substance", HF_CATEGORY_DIRECTORY },
  { "SupplyDelivery", HF_CATEGORY_CARE_PLANS },
  { "SupplyRequest", HF_CATEGORY_CARE_PLANS },
  { "Task", HF_CATEGORY_CARE_PLANS },
  { "VisionPrescription", HF_CATEGORY_CARE_PLANS },
};

/* A List by what it lists (allergies, problems, medicines, vaccinations), else a document. */
static const char *
list_category (JsonObject *r)
{
  JsonObject *code = hf_json_object (r, "code");

  if (_hf_fhir_concept_has_code (code, "48765-2"))
    return HF_CATEGORY_ALLERGIES;
  if (_hf_fhir_concept_has_code (code, "11450-4"))
    return HF_CATEGORY_PROBLEMS;
  if (_hf_fhir_concept_has_code (code, "10160-0") || _hf_fhir_concept_has_code (code, "29549-3") ||
      _hf_fhir_concept_has_code (code, "182836005"))
    return HF_CATEGORY_MEDICATIONS;
  if (_hf_fhir_concept_has_code (code, "11369-6"))
    return HF_CATEGORY_IMMUNIZATIONS;
  return HF_CATEGORY_DOCUMENTS;
}

static const char *
category_of (const char *type,
             JsonObject *r)
{
  if (g_str_equal (type, "Observation"))
    return observation_category (r);
  if (g_str_equal (type, "List"))
    return list_category (r);
  if (g_str_equal (type, "Device"))
    return hf_json_object (r, "patient") != NULL ? HF_CATEGORY_PROCEDURES : HF_CATEGORY_DIRECTORY;
  if (g_str_has_prefix (type, "MedicinalProduct"))
    return HF_CATEGORY_DIRECTORY;
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (g_str_equal (categories[i].type, type))
      return categories[i].category;
  return HF_CATEGORY_OTHER;
}

static void
summarize_by_type (HfFhirContext *ctx)
{
  const char *type = _hf_fhir_type_of (ctx->r);

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
  else if (!_hf_fhir_summarize_more (ctx))
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
  HfFhirContext ctx = { resource, resolve, user_data, out, title, subtitle, NULL };
  const char *type;
  JsonObject *subject;
  JsonArray *reasons;
  JsonArray *components;

  g_return_if_fail (resource != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  type = _hf_fhir_type_of (resource);
  out->category = category_of (type, resource);
  summarize_by_type (&ctx);

  {
    /* Nothing but its type: the narrative, when there is one, says what it is. */
    g_autofree char *words = _hf_fhir_type_words (type);
    if (title->len == 0 || g_str_equal (title->str, type) || g_str_equal (title->str, words))
      {
        g_autofree char *narrative = _hf_fhir_narrative_text (resource);
        g_string_assign (title, words);
        if (narrative != NULL)
          {
            g_autofree char *cut = g_utf8_strlen (narrative, -1) > 80
                                   ? g_utf8_substring (narrative, 0, 79) : NULL;
            g_string_append_printf (title, ": %s%s", cut ? g_strchomp (cut) : narrative,
                                    cut ? "…" : "");
          }
      }
  }
  if (g_strcmp0 (hf_json_string (resource, "status"), "entered-in-error") == 0 &&
      !g_str_has_prefix (title->str, "Entered in error"))
    g_string_prepend (title, "Entered in error: ");
  out->title = g_strdup (title->str);
  out->subtitle = subtitle->len ? g_strdup (subtitle->str) : NULL;
  out->effective = _hf_fhir_sortable_date (ctx.when);
  out->date = _hf_fhir_display_date (ctx.when);

  /* A refuted or mistaken record is not current, whatever its clinical status says. */
  out->status = _hf_fhir_concept_code (resource, "verificationStatus");
  if (g_strcmp0 (out->status, "refuted") != 0 && g_strcmp0 (out->status, "entered-in-error") != 0)
    g_clear_pointer (&out->status, g_free);
  if (out->status == NULL)
    out->status = g_strdup (hf_json_string (resource, "status"));
  if (out->status == NULL && _hf_fhir_clinical_status (resource) != NULL)
    out->status = g_strdup (_hf_fhir_clinical_status (resource));
  if (out->status == NULL)
    out->status = _hf_fhir_concept_code (resource, "verificationStatus");
  if (out->status == NULL)
    out->status = g_strdup (hf_json_string (resource, "lifecycleStatus"));

  subject = hf_json_object (resource, "subject") ? hf_json_object (resource, "subject")
                                                : hf_json_object (resource, "patient");
  if (subject == NULL && hf_json_object (resource, "beneficiary") != NULL)
    subject = hf_json_object (resource, "beneficiary");
  out->subject = g_strdup (hf_json_string (subject, "reference"));
  out->context = g_strdup (hf_json_string (hf_json_object (resource, "encounter"), "reference"));
  if (out->context == NULL)
    out->context = g_strdup (hf_json_string (hf_json_object (resource, "context"), "reference"));
  if (out->context == NULL) /* DocumentReference.context.encounter[] */
    out->context = g_strdup (hf_json_string (hf_json_first_object (hf_json_object (resource,
                                                                                   "context"),
                                                                   "encounter"),
                                             "reference"));

  _hf_fhir_add_concept_codes (codes, hf_json_object (resource, "code"));
  _hf_fhir_add_concept_codes (codes, hf_json_object (resource, "vaccineCode"));
  _hf_fhir_add_concept_codes (codes, hf_json_object (resource, "medicationCodeableConcept"));
  _hf_fhir_add_concept_codes (codes, hf_json_first_object (resource, "type"));
  _hf_fhir_add_concept_codes (codes, hf_json_object (resource, "type"));
  _hf_fhir_add_concept_codes (codes, hf_json_object (resource, "valueCodeableConcept"));
  reasons = hf_json_array (resource, "reasonCode");
  for (guint i = 0; i < _hf_fhir_len (reasons); i++)
    _hf_fhir_add_concept_codes (codes, _hf_fhir_elem_obj (reasons, i));
  components = hf_json_array (resource, "component");
  for (guint i = 0; i < _hf_fhir_len (components); i++)
    _hf_fhir_add_concept_codes (codes, hf_json_object (_hf_fhir_elem_obj (components, i), "code"));
  out->search_codes = codes->len ? g_strdup (codes->str) : NULL;
  {
    g_autofree char *notes = _hf_fhir_join_notes (resource);
    g_autoptr(GString) more = g_string_new (notes);
    _hf_fhir_add_search_text (&ctx, more);
    out->search_notes = more->len ? g_strdup (more->str) : NULL;
  }
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
  g_clear_pointer (&s->context, g_free);
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
    return _hf_fhir_concept_text (hf_json_object (resource, "code"));
  if (g_str_equal (type, "Patient") || g_str_equal (type, "Practitioner") ||
      g_str_equal (type, "RelatedPerson") || g_str_equal (type, "Person"))
    return _hf_fhir_human_name (hf_json_first_object (resource, "name"));
  if (hf_json_string (resource, "name") != NULL)
    return g_strdup (hf_json_string (resource, "name"));
  return NULL;
}
