/* hf-fhir-summary-care.c — summaries of the care, history, document and administrative types
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The types hf-fhir-summary.c does not summarize itself: appointments, family history, risk
 * assessments, consents, clinical documents, messages, orders, billing replies, and a generic
 * summary for every other type that reads its code, type, category, name, title or description,
 * never its id. Each is dated by the field a patient means (the table in DESIGN terms:
 * Appointment by its start, Composition by its date, Consent by its dateTime, …).
 */

#include "hf-fhir.h"
#include "hf-fhir-private.h"

#include <string.h>

#include "hf-json-util.h"

/* The longest free text a title takes before it is cut ("…"). */
#define TITLE_TEXT_MAX 80

static void
append_text (GString    *title,
             const char *text)
{
  g_autofree char *cut = NULL;

  if (text == NULL)
    return;
  if (g_utf8_strlen (text, -1) <= TITLE_TEXT_MAX)
    {
      g_string_append (title, text);
      return;
    }
  cut = g_utf8_substring (text, 0, TITLE_TEXT_MAX - 1);
  g_string_append_printf (title, "%s…", g_strchomp (cut));
}

/* " — status" in words, unless it is USUAL (the state nobody needs told). */
static void
append_status (HfFhirContext *ctx,
               const char    *usual)
{
  const char *status = hf_json_string (ctx->r, "status");

  if (status != NULL && g_strcmp0 (status, usual) != 0 &&
      !g_str_equal (status, "entered-in-error"))
    g_string_append_printf (ctx->title, " — %s", _hf_fhir_status_word (status));
}

/* The words of the first of NAMES (CodeableConcepts, or arrays of them) that has any. */
static char *
first_concept_text (JsonObject *r,
                    ...)
{
  const char *name;
  char *text = NULL;
  va_list args;

  va_start (args, r);
  while (text == NULL && (name = va_arg (args, const char *)) != NULL)
    {
      JsonNode *n = r ? json_object_get_member (r, name) : NULL;
      if (n == NULL)
        continue;
      if (JSON_NODE_HOLDS_OBJECT (n))
        text = _hf_fhir_concept_text (json_node_get_object (n));
      else if (JSON_NODE_HOLDS_ARRAY (n))
        text = _hf_fhir_concepts_text (json_node_get_array (n));
    }
  va_end (args);
  return text;
}

/* {{{ visits and appointments */

static void
summarize_appointment (HfFhirContext *ctx)
{
  g_autofree char *what = first_concept_text (ctx->r, "serviceType", "appointmentType",
                                              "specialty", "serviceCategory", NULL);
  g_autofree char *reason = _hf_fhir_concepts_text (hf_json_array (ctx->r, "reasonCode"));
  JsonArray *participants = hf_json_array (ctx->r, "participant");
  g_autoptr(GString) with = g_string_new (NULL);

  if (reason == NULL)
    reason = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "reasonReference"), NULL);
  for (guint i = 0; i < _hf_fhir_len (participants); i++)
    {
      JsonObject *actor = hf_json_object (_hf_fhir_elem_obj (participants, i), "actor");
      g_autofree char *name = NULL;
      if (g_str_has_prefix (hf_json_string (actor, "reference") ? hf_json_string (actor,
                                                                                   "reference")
                                                                : "", "Patient/"))
        continue;
      name = _hf_fhir_reference_text (ctx, actor);
      _hf_fhir_append_part (with, ", ", name);
    }
  g_string_append (ctx->title, "Appointment");
  if (hf_json_string (ctx->r, "description") != NULL)
    {
      g_string_append (ctx->title, ": ");
      append_text (ctx->title, hf_json_string (ctx->r, "description"));
    }
  else if (what != NULL)
    g_string_append_printf (ctx->title, ": %s", what);
  append_status (ctx, NULL);
  if (reason != NULL)
    g_string_append_printf (ctx->subtitle, "For %s", reason);
  if (with->len > 0)
    g_string_append_printf (ctx->subtitle, "%swith %s", ctx->subtitle->len ? " · " : "",
                            with->str);
  /* Its start; a proposed one by the first time asked for; only then when it was made. */
  ctx->when = _hf_fhir_first_date (ctx->r, "start", NULL);
  if (ctx->when == NULL)
    ctx->when = hf_json_string (hf_json_first_object (ctx->r, "requestedPeriod"), "start");
  if (ctx->when == NULL)
    ctx->when = _hf_fhir_first_date (ctx->r, "created", NULL);
}

static void
summarize_appointment_response (HfFhirContext *ctx)
{
  const char *answer = hf_json_string (ctx->r, "participantStatus");
  g_autofree char *who = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "actor"));
  g_autofree char *what = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "appointment"));

  g_string_append (ctx->title, "Reply to an appointment");
  if (answer != NULL)
    g_string_append_printf (ctx->title, ": %s", _hf_fhir_status_word (answer));
  _hf_fhir_append_part (ctx->subtitle, " · ", what);
  _hf_fhir_append_part (ctx->subtitle, " · ", who);
  ctx->when = _hf_fhir_first_date (ctx->r, "start", "end", NULL);
}

static void
summarize_episode (HfFhirContext *ctx)
{
  g_autofree char *type = _hf_fhir_concepts_text (hf_json_array (ctx->r, "type"));
  g_autofree char *org = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                       "managingOrganization"));
  JsonArray *diagnoses = hf_json_array (ctx->r, "diagnosis");
  g_autoptr(GString) why = g_string_new (NULL);

  for (guint i = 0; i < _hf_fhir_len (diagnoses); i++)
    {
      g_autofree char *t =
        _hf_fhir_reference_text (ctx, hf_json_object (_hf_fhir_elem_obj (diagnoses, i),
                                                      "condition"));
      _hf_fhir_append_part (why, ", ", t);
    }
  _hf_fhir_set_primary_code (ctx, hf_json_first_object (ctx->r, "type"));
  g_string_append (ctx->title, type ? type : "Episode of care");
  append_status (ctx, NULL);
  if (why->len > 0)
    g_string_append_printf (ctx->subtitle, "For %s", why->str);
  _hf_fhir_append_part (ctx->subtitle, " · ", org);
  ctx->when = _hf_fhir_first_date (ctx->r, "period.start", NULL);
}

/* }}} */
/* {{{ history and assessments */

static void
summarize_family_history (HfFhirContext *ctx)
{
  g_autofree char *relation = _hf_fhir_concept_text (hf_json_object (ctx->r, "relationship"));
  JsonArray *conditions = hf_json_array (ctx->r, "condition");
  g_autoptr(GString) what = g_string_new (NULL);
  const char *status = hf_json_string (ctx->r, "status");

  for (guint i = 0; i < _hf_fhir_len (conditions); i++)
    {
      g_autofree char *t = _hf_fhir_concept_text (hf_json_object (_hf_fhir_elem_obj (conditions,
                                                                                     i),
                                                                  "code"));
      _hf_fhir_append_part (what, ", ", t);
    }
  if (relation != NULL)
    {
      /* "father" → "Father". */
      g_autofree char *first = g_utf8_substring (relation, 0, 1);
      g_autofree char *upper = g_utf8_strup (first, -1);
      g_string_append_printf (ctx->title, "%s%s", upper, g_utf8_offset_to_pointer (relation, 1));
    }
  else
    g_string_append (ctx->title, hf_json_string (ctx->r, "name") ? hf_json_string (ctx->r, "name")
                                                                : "A relative");
  if (what->len > 0)
    g_string_append_printf (ctx->title, ": %s", what->str);
  else if (g_strcmp0 (status, "health-unknown") == 0)
    g_string_append (ctx->title, ": health unknown");
  else if (json_object_has_member (ctx->r, "dataAbsentReason"))
    {
      g_autofree char *why = _hf_fhir_concept_text (hf_json_object (ctx->r, "dataAbsentReason"));
      g_string_append_printf (ctx->title, ": no history%s%s%s", why ? " (" : "", why ? why : "",
                              why ? ")" : "");
    }
  else
    g_string_append (ctx->title, ": family history");
  g_string_append (ctx->subtitle, "Family history");
  if (hf_json_string (ctx->r, "name") != NULL && relation != NULL)
    _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (ctx->r, "name"));
  ctx->when = _hf_fhir_first_date (ctx->r, "date", NULL);
}

static void
summarize_risk (HfFhirContext *ctx)
{
  g_autofree char *code = _hf_fhir_concept_text (hf_json_object (ctx->r, "code"));
  JsonArray *predictions = hf_json_array (ctx->r, "prediction");
  g_autoptr(GString) risks = g_string_new (NULL);
  g_autofree char *performer = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                             "performer"));

  for (guint i = 0; i < _hf_fhir_len (predictions); i++)
    {
      JsonObject *p = _hf_fhir_elem_obj (predictions, i);
      g_autofree char *outcome = _hf_fhir_concept_text (hf_json_object (p, "outcome"));
      g_autofree char *chance = _hf_fhir_concept_text (hf_json_object (p,
                                                                       "qualitativeRisk"));
      double probability;

      if (outcome == NULL)
        continue;
      if (risks->len > 0)
        g_string_append (risks, ", ");
      g_string_append (risks, outcome);
      if (hf_json_number (p, "probabilityDecimal", &probability) && probability >= 0 &&
          probability <= 1)
        {
          g_autofree char *percent = _hf_fhir_format_number (probability * 100);
          g_string_append_printf (risks, " %s%%", percent);
        }
      else if (chance != NULL)
        g_string_append_printf (risks, " (%s)", chance);
      if (risks->len > TITLE_TEXT_MAX)
        break;
    }
  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "code"));
  if (risks->len > 0)
    {
      g_autofree char *folded = g_utf8_casefold (risks->str, -1);
      /* "Unknown risk of developing breast cancer" says "risk" already. */
      if (strstr (folded, "risk") == NULL)
        g_string_append (ctx->title, "Risk of ");
      append_text (ctx->title, risks->str);
    }
  else
    g_string_append (ctx->title, code ? code : "Risk assessment");
  append_status (ctx, "final");
  g_string_append (ctx->subtitle, code && risks->len > 0 ? code : "Risk assessment");
  if (performer != NULL && !g_str_has_prefix (performer, "http"))
    _hf_fhir_append_part (ctx->subtitle, " · ", performer);
  ctx->when = _hf_fhir_first_date (ctx->r, "occurrenceDateTime", "occurrencePeriod.start", NULL);
}

static void
summarize_impression (HfFhirContext *ctx)
{
  g_autofree char *code = _hf_fhir_concept_text (hf_json_object (ctx->r, "code"));
  g_autofree char *problems = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "problem"),
                                                        NULL);
  g_autofree char *assessor = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "assessor"));

  g_string_append (ctx->title, "Clinical assessment");
  if (code != NULL)
    g_string_append_printf (ctx->title, ": %s", code);
  else if (problems != NULL)
    g_string_append_printf (ctx->title, ": %s", problems);
  append_status (ctx, "completed");
  if (hf_json_string (ctx->r, "summary") != NULL)
    append_text (ctx->subtitle, hf_json_string (ctx->r, "summary"));
  else if (hf_json_string (ctx->r, "description") != NULL)
    append_text (ctx->subtitle, hf_json_string (ctx->r, "description"));
  _hf_fhir_append_part (ctx->subtitle, " · ", assessor);
  ctx->when = _hf_fhir_first_date (ctx->r, "effectiveDateTime", "effectivePeriod.start", "date",
                                   NULL);
}

static void
summarize_detected_issue (HfFhirContext *ctx)
{
  g_autofree char *code = _hf_fhir_concept_text (hf_json_object (ctx->r, "code"));
  const char *severity = hf_json_string (ctx->r, "severity");
  g_autofree char *implicated = _hf_fhir_references_text (ctx, hf_json_array (ctx->r,
                                                                              "implicated"),
                                                          NULL);

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "code"));
  g_string_append (ctx->title, code ? code : "Warning about a treatment");
  if (g_strcmp0 (severity, "high") == 0)
    g_string_append (ctx->title, " — high risk");
  else if (g_strcmp0 (severity, "moderate") == 0)
    g_string_append (ctx->title, " — moderate risk");
  else if (g_strcmp0 (severity, "low") == 0)
    g_string_append (ctx->title, " — low risk");
  if (implicated != NULL)
    {
      g_string_append (ctx->subtitle, "About ");
      append_text (ctx->subtitle, implicated);
    }
  ctx->when = _hf_fhir_first_date (ctx->r, "identifiedDateTime", "identifiedPeriod.start", NULL);
}

static void
summarize_adverse_event (HfFhirContext *ctx)
{
  g_autofree char *event = _hf_fhir_concept_text (hf_json_object (ctx->r, "event"));
  g_autofree char *seriousness = _hf_fhir_concept_text (hf_json_object (ctx->r, "seriousness"));
  g_autofree char *severity = _hf_fhir_concept_text (hf_json_object (ctx->r, "severity"));
  JsonArray *suspects = hf_json_array (ctx->r, "suspectEntity");
  g_autoptr(GString) causes = g_string_new (NULL);

  for (guint i = 0; i < _hf_fhir_len (suspects); i++)
    {
      g_autofree char *t =
        _hf_fhir_reference_text (ctx, hf_json_object (_hf_fhir_elem_obj (suspects, i),
                                                      "instance"));
      _hf_fhir_append_part (causes, ", ", t);
    }
  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "event"));
  g_string_append (ctx->title, g_strcmp0 (hf_json_string (ctx->r, "actuality"), "potential") == 0
                               ? "Possible harm from care" : "Harm from care");
  if (event != NULL)
    {
      g_string_append (ctx->title, ": ");
      append_text (ctx->title, event);
    }
  _hf_fhir_append_part (ctx->subtitle, " · ", severity);
  _hf_fhir_append_part (ctx->subtitle, " · ", seriousness);
  if (causes->len > 0)
    g_string_append_printf (ctx->subtitle, "%sSuspected cause: %s",
                            ctx->subtitle->len ? " · " : "", causes->str);
  ctx->when = _hf_fhir_first_date (ctx->r, "date", "detected", "recordedDate", NULL);
}

static void
summarize_flag (HfFhirContext *ctx)
{
  g_autofree char *code = _hf_fhir_concept_text (hf_json_object (ctx->r, "code"));
  g_autofree char *category = _hf_fhir_concepts_text (hf_json_array (ctx->r, "category"));
  g_autofree char *author = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "author"));

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "code"));
  g_string_append (ctx->title, "Alert");
  if (code != NULL)
    {
      g_string_append (ctx->title, ": ");
      append_text (ctx->title, code);
    }
  append_status (ctx, "active");
  _hf_fhir_append_part (ctx->subtitle, " · ", category);
  _hf_fhir_append_part (ctx->subtitle, " · ", author);
  ctx->when = _hf_fhir_first_date (ctx->r, "period.start", NULL);
}

/* }}} */
/* {{{ documents, messages, lists */

static void
summarize_composition (HfFhirContext *ctx)
{
  g_autofree char *type = _hf_fhir_concept_text (hf_json_object (ctx->r, "type"));
  g_autofree char *author = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "author"), NULL);
  guint sections = _hf_fhir_len (hf_json_array (ctx->r, "section"));

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "type"));
  append_text (ctx->title, hf_json_string (ctx->r, "title") ? hf_json_string (ctx->r, "title")
                           : type ? type : "Clinical document");
  append_status (ctx, "final");
  if (type != NULL && hf_json_string (ctx->r, "title") != NULL &&
      g_ascii_strcasecmp (type, hf_json_string (ctx->r, "title")) != 0)
    g_string_append (ctx->subtitle, type);
  _hf_fhir_append_part (ctx->subtitle, " · ", author);
  if (sections > 0)
    g_string_append_printf (ctx->subtitle, "%s%u section%s", ctx->subtitle->len ? " · " : "",
                            sections, sections == 1 ? "" : "s");
  ctx->when = _hf_fhir_first_date (ctx->r, "date", NULL);
}

static void
summarize_consent (HfFhirContext *ctx)
{
  g_autofree char *scope = _hf_fhir_concept_text (hf_json_object (ctx->r, "scope"));
  g_autofree char *category = _hf_fhir_concepts_text (hf_json_array (ctx->r, "category"));
  g_autofree char *policy = _hf_fhir_concept_text (hf_json_object (ctx->r, "policyRule"));
  g_autofree char *org = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "organization"),
                                                   NULL);
  const char *what = scope ? scope : category;

  g_string_append (ctx->title, "Consent");
  if (what != NULL)
    g_string_append_printf (ctx->title, ": %s", what);
  append_status (ctx, NULL);
  if (policy != NULL)
    g_string_append_printf (ctx->subtitle, "Rule %s", policy);
  if (scope != NULL && category != NULL)
    _hf_fhir_append_part (ctx->subtitle, " · ", category);
  _hf_fhir_append_part (ctx->subtitle, " · ", org);
  ctx->when = _hf_fhir_first_date (ctx->r, "dateTime", "provision.period.start", NULL);
}

static void
summarize_communication (HfFhirContext *ctx,
                         gboolean       request)
{
  JsonArray *payload = hf_json_array (ctx->r, "payload");
  g_autofree char *topic = _hf_fhir_concept_text (hf_json_object (ctx->r, "topic"));
  g_autofree char *category = _hf_fhir_concepts_text (hf_json_array (ctx->r, "category"));
  g_autofree char *sender = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                          request ? "requester"
                                                                                  : "sender"));
  const char *words = NULL;

  for (guint i = 0; words == NULL && i < _hf_fhir_len (payload); i++)
    words = hf_json_string (_hf_fhir_elem_obj (payload, i), "contentString");
  g_string_append (ctx->title, request ? "Message request" : "Message");
  if (topic != NULL || words != NULL || category != NULL)
    {
      g_string_append (ctx->title, ": ");
      append_text (ctx->title, topic ? topic : words ? words : category);
    }
  append_status (ctx, "completed");
  if (sender != NULL)
    g_string_append_printf (ctx->subtitle, "From %s", sender);
  if (topic != NULL || words != NULL)
    _hf_fhir_append_part (ctx->subtitle, " · ", category);
  ctx->when = request ? _hf_fhir_first_date (ctx->r, "occurrenceDateTime",
                                             "occurrencePeriod.start", "authoredOn", NULL)
                      : _hf_fhir_first_date (ctx->r, "sent", "received", NULL);
}

/* What a List is of, by its LOINC code, for "No known allergies". */
static const char *
list_subject (JsonObject *code)
{
  if (_hf_fhir_concept_has_code (code, "48765-2"))
    return "allergies";
  if (_hf_fhir_concept_has_code (code, "11450-4"))
    return "problems";
  if (_hf_fhir_concept_has_code (code, "10160-0") || _hf_fhir_concept_has_code (code, "29549-3") ||
      _hf_fhir_concept_has_code (code, "182836005"))
    return "medicines";
  if (_hf_fhir_concept_has_code (code, "11369-6"))
    return "vaccinations";
  if (_hf_fhir_concept_has_code (code, "47519-4"))
    return "procedures";
  return NULL;
}

static void
summarize_list (HfFhirContext *ctx)
{
  JsonObject *code = hf_json_object (ctx->r, "code");
  g_autofree char *name = _hf_fhir_concept_text (code);
  guint n = _hf_fhir_len (hf_json_array (ctx->r, "entry"));
  g_autofree char *empty = NULL;

  if (n == 0)
    empty = _hf_fhir_empty_reason_text (hf_json_object (ctx->r, "emptyReason"),
                                        list_subject (code));
  _hf_fhir_set_primary_code (ctx, code);
  if (empty != NULL)
    {
      g_string_append (ctx->title, empty);
      if (name != NULL)
        g_string_append (ctx->subtitle, name);
    }
  else if (hf_json_string (ctx->r, "title") != NULL || name != NULL)
    {
      append_text (ctx->title, hf_json_string (ctx->r, "title") ? hf_json_string (ctx->r, "title")
                                                                : name);
      append_status (ctx, "current");
      g_string_append_printf (ctx->subtitle, "%u item%s", n, n == 1 ? "" : "s");
    }
  else
    {
      g_string_append_printf (ctx->title, "List of %u item%s", n, n == 1 ? "" : "s");
      append_status (ctx, "current");
    }
  ctx->when = _hf_fhir_first_date (ctx->r, "date", NULL);
}

static void
summarize_media (HfFhirContext *ctx)
{
  JsonObject *content = hf_json_object (ctx->r, "content");
  g_autofree char *what = first_concept_text (ctx->r, "view", "modality", "type", NULL);
  g_autofree char *site = _hf_fhir_concept_text (hf_json_object (ctx->r, "bodySite"));
  g_autofree char *reason = _hf_fhir_concepts_text (hf_json_array (ctx->r, "reasonCode"));

  append_text (ctx->title, hf_json_string (content, "title") ? hf_json_string (content, "title")
                           : what ? what : "Photo or recording");
  if (site != NULL)
    g_string_append_printf (ctx->title, " of the %s", site);
  append_status (ctx, "completed");
  _hf_fhir_append_part (ctx->subtitle, " · ", reason);
  _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (content, "contentType"));
  ctx->when = _hf_fhir_first_date (ctx->r, "createdDateTime", "createdPeriod.start", "issued",
                                   NULL);
}

static void
summarize_manifest (HfFhirContext *ctx)
{
  g_autofree char *type = _hf_fhir_concept_text (hf_json_object (ctx->r, "type"));
  guint n = _hf_fhir_len (hf_json_array (ctx->r, "content"));

  append_text (ctx->title, hf_json_string (ctx->r, "description")
                           ? hf_json_string (ctx->r, "description")
                           : type ? type : "Set of documents");
  append_status (ctx, "current");
  if (n > 0)
    g_string_append_printf (ctx->subtitle, "%u document%s", n, n == 1 ? "" : "s");
  ctx->when = _hf_fhir_first_date (ctx->r, "created", NULL);
}

static void
summarize_binary (HfFhirContext *ctx)
{
  const char *type = hf_json_string (ctx->r, "contentType");

  g_string_append (ctx->title, "Attached file");
  if (type != NULL)
    g_string_append_printf (ctx->title, " (%s)", type);
}

/* }}} */
/* {{{ orders */

static void
summarize_nutrition_order (HfFhirContext *ctx)
{
  JsonObject *oral = hf_json_object (ctx->r, "oralDiet");
  JsonObject *formula = hf_json_object (ctx->r, "enteralFormula");
  g_autofree char *diet = _hf_fhir_concepts_text (hf_json_array (oral, "type"));
  g_autofree char *supplement = NULL;
  g_autofree char *orderer = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "orderer"));
  g_autofree char *avoid = _hf_fhir_concepts_text (hf_json_array (ctx->r,
                                                                  "excludeFoodModifier"));

  for (guint i = 0; supplement == NULL &&
                    i < _hf_fhir_len (hf_json_array (ctx->r, "supplement")); i++)
    {
      JsonObject *s = _hf_fhir_elem_obj (hf_json_array (ctx->r, "supplement"), i);
      supplement = _hf_fhir_concept_text (hf_json_object (s, "type"));
      if (supplement == NULL && hf_json_string (s, "productName") != NULL)
        supplement = g_strdup (hf_json_string (s, "productName"));
    }
  if (diet != NULL)
    g_string_append_printf (ctx->title, "Diet: %s", diet);
  else if (supplement != NULL)
    g_string_append_printf (ctx->title, "Supplement: %s", supplement);
  else if (formula != NULL)
    {
      g_autofree char *f = _hf_fhir_concept_text (hf_json_object (formula, "baseFormulaType"));
      g_string_append (ctx->title, "Tube feeding");
      if (f == NULL && hf_json_string (formula, "baseFormulaProductName") != NULL)
        f = g_strdup (hf_json_string (formula, "baseFormulaProductName"));
      if (f != NULL)
        g_string_append_printf (ctx->title, ": %s", f);
    }
  else
    g_string_append (ctx->title, "Diet order");
  append_status (ctx, NULL);
  if (avoid != NULL)
    g_string_append_printf (ctx->subtitle, "Avoid %s", avoid);
  if (orderer != NULL)
    g_string_append_printf (ctx->subtitle, "%sOrdered by %s", ctx->subtitle->len ? " · " : "",
                            orderer);
  ctx->when = _hf_fhir_first_date (ctx->r, "dateTime", NULL);
}

static void
summarize_vision (HfFhirContext *ctx)
{
  JsonArray *lenses = hf_json_array (ctx->r, "lensSpecification");
  g_autofree char *prescriber = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                              "prescriber"));
  gboolean contact = FALSE;

  for (guint i = 0; i < _hf_fhir_len (lenses); i++)
    if (_hf_fhir_concept_has_code (hf_json_object (_hf_fhir_elem_obj (lenses, i), "product"),
                                   "contact"))
      contact = TRUE;
  g_string_append (ctx->title, contact ? "Contact lens prescription" : "Glasses prescription");
  append_status (ctx, "active");
  if (prescriber != NULL)
    g_string_append_printf (ctx->subtitle, "Prescribed by %s", prescriber);
  ctx->when = _hf_fhir_first_date (ctx->r, "dateWritten", "created", NULL);
}

static void
summarize_device_request (HfFhirContext *ctx)
{
  g_autofree char *what = _hf_fhir_concept_text (hf_json_object (ctx->r,
                                                                 "codeCodeableConcept"));
  g_autofree char *requester = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r,
                                                                             "requester"));

  if (what == NULL)
    what = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "codeReference"));
  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "codeCodeableConcept"));
  g_string_append (ctx->title, "Device order");
  if (what != NULL)
    g_string_append_printf (ctx->title, ": %s", what);
  append_status (ctx, NULL);
  if (requester != NULL)
    g_string_append_printf (ctx->subtitle, "Ordered by %s", requester);
  ctx->when = _hf_fhir_first_date (ctx->r, "occurrenceDateTime", "occurrencePeriod.start",
                                   "authoredOn", NULL);
}

static void
summarize_device_use (HfFhirContext *ctx)
{
  g_autofree char *device = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "device"));
  g_autofree char *site = _hf_fhir_concept_text (hf_json_object (ctx->r, "bodySite"));
  g_autofree char *reason = _hf_fhir_concepts_text (hf_json_array (ctx->r, "reasonCode"));

  if (reason == NULL)
    reason = _hf_fhir_references_text (ctx, hf_json_array (ctx->r, "reasonReference"), NULL);
  g_string_append (ctx->title, "Uses ");
  g_string_append (ctx->title, device ? device : "a medical device");
  append_status (ctx, "active");
  if (reason != NULL)
    g_string_append_printf (ctx->subtitle, "For %s", reason);
  _hf_fhir_append_part (ctx->subtitle, " · ", site);
  ctx->when = _hf_fhir_first_date (ctx->r, "timingDateTime", "timingPeriod.start", "recordedOn",
                                   NULL);
}

static void
summarize_immunization_recommendation (HfFhirContext *ctx)
{
  JsonObject *first = hf_json_first_object (ctx->r, "recommendation");
  g_autofree char *vaccine = _hf_fhir_concepts_text (hf_json_array (first, "vaccineCode"));
  g_autofree char *disease = _hf_fhir_concept_text (hf_json_object (first, "targetDisease"));
  g_autofree char *forecast = _hf_fhir_concept_text (hf_json_object (first, "forecastStatus"));

  g_string_append (ctx->title, "Vaccination recommended");
  if (vaccine != NULL || disease != NULL)
    g_string_append_printf (ctx->title, ": %s", vaccine ? vaccine : disease);
  _hf_fhir_append_part (ctx->subtitle, " · ", forecast);
  ctx->when = _hf_fhir_first_date (ctx->r, "date", NULL);
}

static void
summarize_immunization_evaluation (HfFhirContext *ctx)
{
  g_autofree char *disease = _hf_fhir_concept_text (hf_json_object (ctx->r, "targetDisease"));
  g_autofree char *valid = _hf_fhir_concept_text (hf_json_object (ctx->r, "doseStatus"));

  g_string_append (ctx->title, "Vaccination check");
  if (disease != NULL)
    g_string_append_printf (ctx->title, ": %s", disease);
  if (valid != NULL)
    g_string_append_printf (ctx->title, " — %s", valid);
  ctx->when = _hf_fhir_first_date (ctx->r, "date", NULL);
}

/* }}} */
/* {{{ billing */

static void
summarize_billing (HfFhirContext *ctx)
{
  const char *type = _hf_fhir_type_of (ctx->r);
  g_autofree char *words = _hf_fhir_type_words (type);
  g_autofree char *kind = first_concept_text (ctx->r, "type", "code", NULL);
  g_autofree char *total = _hf_fhir_money_text (hf_json_object (ctx->r, "totalGross"));
  const char *outcome = hf_json_string (ctx->r, "outcome");
  g_autofree char *insurer = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "insurer"));

  if (total == NULL)
    total = _hf_fhir_money_text (hf_json_object (ctx->r, "paymentAmount"));
  if (total == NULL)
    total = _hf_fhir_money_text (hf_json_object (ctx->r, "amount"));
  if (total == NULL)
    total = _hf_fhir_money_text (_hf_fhir_claim_total (ctx->r));
  g_string_append (ctx->title, hf_json_string (ctx->r, "name") ? hf_json_string (ctx->r, "name")
                                                              : words);
  if (kind != NULL && hf_json_string (ctx->r, "name") == NULL)
    g_string_append_printf (ctx->title, " (%s)", kind);
  if (total != NULL)
    g_string_append_printf (ctx->title, " — %s", total);
  else if (outcome != NULL)
    g_string_append_printf (ctx->title, " — %s", _hf_fhir_status_word (outcome));
  else
    append_status (ctx, "active");
  _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (ctx->r, "disposition"));
  _hf_fhir_append_part (ctx->subtitle, " · ", insurer);
  ctx->when = _hf_fhir_first_date (ctx->r, "servicedDate", "occurrenceDateTime",
                                   "servicePeriod.start", "date", "created", "issued",
                                   "enteredDate", "paymentDate", NULL);
}

/* }}} */
/* {{{ the rest */

static void
summarize_task (HfFhirContext *ctx)
{
  g_autofree char *code = _hf_fhir_concept_text (hf_json_object (ctx->r, "code"));
  g_autofree char *owner = _hf_fhir_reference_text (ctx, hf_json_object (ctx->r, "owner"));

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "code"));
  g_string_append (ctx->title, "Task");
  if (code != NULL || hf_json_string (ctx->r, "description") != NULL)
    {
      g_string_append (ctx->title, ": ");
      append_text (ctx->title, code ? code : hf_json_string (ctx->r, "description"));
    }
  append_status (ctx, NULL);
  _hf_fhir_append_part (ctx->subtitle, " · ", owner);
  ctx->when = _hf_fhir_first_date (ctx->r, "executionPeriod.start", "authoredOn", NULL);
}

static void
summarize_body_structure (HfFhirContext *ctx)
{
  g_autofree char *morphology = _hf_fhir_concept_text (hf_json_object (ctx->r, "morphology"));
  g_autofree char *location = _hf_fhir_concept_text (hf_json_object (ctx->r, "location"));

  if (hf_json_string (ctx->r, "description") != NULL)
    append_text (ctx->title, hf_json_string (ctx->r, "description"));
  else if (morphology != NULL)
    g_string_append (ctx->title, morphology);
  else
    g_string_append (ctx->title, location ? location : "Body part");
  if (morphology != NULL && hf_json_string (ctx->r, "description") != NULL)
    _hf_fhir_append_part (ctx->subtitle, " · ", morphology);
  _hf_fhir_append_part (ctx->subtitle, " · ", location);
}

static void
summarize_sequence (HfFhirContext *ctx)
{
  JsonObject *ref = hf_json_object (ctx->r, "referenceSeq");
  g_autofree char *chromosome = _hf_fhir_concept_text (hf_json_object (ref, "chromosome"));
  const char *type = hf_json_string (ctx->r, "type");

  g_string_append (ctx->title, "Genetic sequence");
  if (type != NULL)
    g_string_append_printf (ctx->title, " (%s)", g_str_equal (type, "aa") ? "protein"
                                                  : g_str_equal (type, "dna") ? "DNA"
                                                  : g_str_equal (type, "rna") ? "RNA" : type);
  if (chromosome != NULL)
    g_string_append_printf (ctx->subtitle, "Chromosome %s", chromosome);
  _hf_fhir_append_part (ctx->subtitle, " · ", hf_json_string (ref, "genomeBuild"));
}

/* Any other type: what it names (code, type, category, name, title, description), its state
 * and the first date it has; never its id. */
void
_hf_fhir_summarize_generic (HfFhirContext *ctx)
{
  const char *type = _hf_fhir_type_of (ctx->r);
  g_autofree char *words = _hf_fhir_type_words (type);
  g_autofree char *what = first_concept_text (ctx->r, "code", "type", "category", "serviceType",
                                              "specialty", NULL);
  const char *name = hf_json_string (ctx->r, "title") ? hf_json_string (ctx->r, "title")
                                                      : hf_json_string (ctx->r, "name");
  const char *description = hf_json_string (ctx->r, "description");

  _hf_fhir_set_primary_code (ctx, hf_json_object (ctx->r, "code"));
  if (what == NULL)
    {
      /* Some types' code is a list of Codings, not a CodeableConcept (Questionnaire). */
      JsonObject *coding = hf_json_first_object (ctx->r, "code");
      if (hf_json_string (coding, "display") != NULL)
        what = _hf_fhir_strip_semantic_tag (hf_json_string (coding, "display"));
    }
  if (name != NULL)
    append_text (ctx->title, name);
  else if (g_str_equal (type, "Group") && hf_json_array (ctx->r, "member") != NULL)
    {
      guint n = _hf_fhir_len (hf_json_array (ctx->r, "member"));
      g_string_append_printf (ctx->title, "Group of %u member%s", n, n == 1 ? "" : "s");
    }
  else if (what != NULL)
    append_text (ctx->title, what);
  else if (description != NULL)
    append_text (ctx->title, description);
  else
    g_string_append (ctx->title, words);
  append_status (ctx, "active");
  if (name != NULL || what != NULL || description != NULL)
    g_string_append (ctx->subtitle, words);
  if (name != NULL && what != NULL)
    _hf_fhir_append_part (ctx->subtitle, " · ", what);
  ctx->when = _hf_fhir_first_date (ctx->r, "date", "effectiveDateTime", "occurrenceDateTime",
                                   "period.start", "authored", "authoredOn", "recorded",
                                   "created", "issued", NULL);
}

/* TRUE if CTX's type is one summarized here. */
gboolean
_hf_fhir_summarize_more (HfFhirContext *ctx)
{
  static const struct { const char *type; void (*summarize) (HfFhirContext *ctx); } types[] = {
    { "AdverseEvent", summarize_adverse_event },
    { "Appointment", summarize_appointment },
    { "AppointmentResponse", summarize_appointment_response },
    { "Binary", summarize_binary },
    { "BodyStructure", summarize_body_structure },
    { "ClinicalImpression", summarize_impression },
    { "Composition", summarize_composition },
    { "Consent", summarize_consent },
    { "DetectedIssue", summarize_detected_issue },
    { "DeviceRequest", summarize_device_request },
    { "DeviceUseStatement", summarize_device_use },
    { "DocumentManifest", summarize_manifest },
    { "EpisodeOfCare", summarize_episode },
    { "FamilyMemberHistory", summarize_family_history },
    { "Flag", summarize_flag },
    { "ImmunizationEvaluation", summarize_immunization_evaluation },
    { "ImmunizationRecommendation", summarize_immunization_recommendation },
    { "List", summarize_list },
    { "Media", summarize_media },
    { "MolecularSequence", summarize_sequence },
    { "NutritionOrder", summarize_nutrition_order },
    { "RiskAssessment", summarize_risk },
    { "Task", summarize_task },
    { "VisionPrescription", summarize_vision },
  };
  static const char * const billing[] = {
    "Account", "ChargeItem", "ClaimResponse", "CoverageEligibilityRequest",
    "CoverageEligibilityResponse", "EnrollmentRequest", "EnrollmentResponse", "Invoice",
    "PaymentNotice", "PaymentReconciliation", NULL,
  };
  const char *type = _hf_fhir_type_of (ctx->r);

  if (g_str_equal (type, "Communication") || g_str_equal (type, "CommunicationRequest"))
    {
      summarize_communication (ctx, g_str_equal (type, "CommunicationRequest"));
      return TRUE;
    }
  if (g_strv_contains (billing, type))
    {
      summarize_billing (ctx);
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (types[i].type, type))
      {
        types[i].summarize (ctx);
        return TRUE;
      }
  return FALSE;
}

/* }}} */
/* {{{ search text */

/* A QuestionnaireResponse's questions and answers, items inside items and inside answers. */
static void
add_answers (GString   *notes,
             JsonArray *items,
             guint      depth)
{
  if (depth > 32)
    return;
  for (guint i = 0; i < _hf_fhir_len (items); i++)
    {
      JsonObject *item = _hf_fhir_elem_obj (items, i);
      JsonArray *answers = hf_json_array (item, "answer");

      _hf_fhir_append_part (notes, " ", hf_json_string (item, "text"));
      for (guint k = 0; k < _hf_fhir_len (answers); k++)
        {
          JsonObject *a = _hf_fhir_elem_obj (answers, k);
          _hf_fhir_append_part (notes, " ", hf_json_string (a, "valueString"));
          _hf_fhir_append_part (notes, " ", hf_json_string (hf_json_object (a, "valueCoding"),
                                                            "display"));
          add_answers (notes, hf_json_array (a, "item"), depth + 1);
        }
      add_answers (notes, hf_json_array (item, "item"), depth + 1);
    }
}

static void
add_sections (GString   *notes,
              JsonArray *sections,
              guint      depth)
{
  for (guint i = 0; depth < 8 && i < _hf_fhir_len (sections); i++)
    {
      JsonObject *section = _hf_fhir_elem_obj (sections, i);
      g_autofree char *text = _hf_fhir_narrative_text (section);
      _hf_fhir_append_part (notes, " ", hf_json_string (section, "title"));
      _hf_fhir_append_part (notes, " ", text);
      add_sections (notes, hf_json_array (section, "section"), depth + 1);
    }
}

/* The free text of CTX's resource beyond its notes, for search: family history conditions,
 * predictions, impressions, message payloads, document sections; the narrative for a resource
 * with no other words. */
void
_hf_fhir_add_search_text (HfFhirContext *ctx,
                          GString       *notes)
{
  JsonObject *r = ctx->r;
  const char *type = _hf_fhir_type_of (r);

  if (g_str_equal (type, "FamilyMemberHistory"))
    {
      JsonArray *conditions = hf_json_array (r, "condition");
      for (guint i = 0; i < _hf_fhir_len (conditions); i++)
        {
          JsonObject *c = _hf_fhir_elem_obj (conditions, i);
          JsonArray *cn = hf_json_array (c, "note");
          _hf_fhir_add_concept_codes (notes, hf_json_object (c, "code"));
          _hf_fhir_add_concept_codes (notes, hf_json_object (c, "outcome"));
          for (guint k = 0; k < _hf_fhir_len (cn); k++)
            _hf_fhir_append_part (notes, " ", hf_json_string (_hf_fhir_elem_obj (cn, k), "text"));
        }
      _hf_fhir_add_concept_codes (notes, hf_json_object (r, "relationship"));
    }
  else if (g_str_equal (type, "RiskAssessment"))
    {
      JsonArray *predictions = hf_json_array (r, "prediction");
      for (guint i = 0; i < _hf_fhir_len (predictions); i++)
        {
          JsonObject *p = _hf_fhir_elem_obj (predictions, i);
          _hf_fhir_add_concept_codes (notes, hf_json_object (p, "outcome"));
          _hf_fhir_append_part (notes, " ", hf_json_string (p, "rationale"));
        }
      _hf_fhir_append_part (notes, " ", hf_json_string (r, "mitigation"));
    }
  else if (g_str_equal (type, "ClinicalImpression"))
    {
      JsonArray *findings = hf_json_array (r, "finding");
      _hf_fhir_append_part (notes, " ", hf_json_string (r, "summary"));
      for (guint i = 0; i < _hf_fhir_len (findings); i++)
        {
          JsonObject *f = _hf_fhir_elem_obj (findings, i);
          _hf_fhir_add_concept_codes (notes, hf_json_object (f, "itemCodeableConcept"));
          _hf_fhir_append_part (notes, " ", hf_json_string (hf_json_object (f, "itemReference"),
                                                            "display"));
          _hf_fhir_append_part (notes, " ", hf_json_string (f, "basis"));
        }
    }
  else if (g_str_equal (type, "Communication") || g_str_equal (type, "CommunicationRequest"))
    {
      JsonArray *payload = hf_json_array (r, "payload");
      for (guint i = 0; i < _hf_fhir_len (payload); i++)
        _hf_fhir_append_part (notes, " ", hf_json_string (_hf_fhir_elem_obj (payload, i),
                                                          "contentString"));
    }
  else if (g_str_equal (type, "Composition"))
    {
      _hf_fhir_append_part (notes, " ", hf_json_string (r, "title"));
      add_sections (notes, hf_json_array (r, "section"), 0);
    }
  else if (g_str_equal (type, "QuestionnaireResponse"))
    add_answers (notes, hf_json_array (r, "item"), 0);
  else if (g_str_equal (type, "DetectedIssue"))
    _hf_fhir_append_part (notes, " ", hf_json_string (r, "detail"));
  else if (g_str_equal (type, "AdverseEvent"))
    _hf_fhir_add_concept_codes (notes, hf_json_object (r, "event"));
  else if (g_str_equal (type, "Flag"))
    _hf_fhir_add_concept_codes (notes, hf_json_object (r, "code"));

  if (notes->len == 0)
    {
      g_autofree char *narrative = _hf_fhir_narrative_text (r);
      _hf_fhir_append_part (notes, " ", narrative);
    }
}

/* }}} */
