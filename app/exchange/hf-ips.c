/* hf-ips.c — the International Patient Summary (IPS 2.0.0) document of what a consent shares
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decisions:
 * - The input passed hf_disclosure_bundle(), whose references are already the entries'
 *   urn:uuid fullUrls (and references to what the consent withheld are removed); a reference
 *   is still resolved by fullUrl or by "Type/id" in case another collection is given.
 * - Each resource goes in as the bytes it has in the collection (json-glib would write numbers
 *   anew), so the disclosure's per-resource SHA-256 still holds; what is ours (the Bundle, the
 *   Composition, the Device, a RelatedPerson author) is made with json-glib.
 * - Only what a section holds, what those refer to (transitively), the Patient, the author and
 *   a 42 CFR Part 2 notice go in: a summary is not the whole record.
 * - A required section with nothing in it says "unavailable" (list-empty-reason): never
 *   "withheld", which would tell the reader that the consent kept something back.
 * - The narratives are in English, Healthfolio's only language so far; each names the entries
 *   with the record titles the timeline shows (hf_fhir_summarize), escaped as XHTML.
 */

#include "hf-ips.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-policy.h"

#define IPS_NAMESPACE "6f3c1e2a-9b7d-5c4e-8a1f-2d3b4c5e6f70"
#define LOINC "http://loinc.org"
#define EMPTY_REASON "http://terminology.hl7.org/CodeSystem/list-empty-reason"

typedef enum
{
  SEC_PROBLEMS,
  SEC_ALLERGIES,
  SEC_MEDICATIONS,
  SEC_IMMUNIZATIONS,
  SEC_RESULTS,
  SEC_PROCEDURES,
  SEC_DEVICES,
  SEC_VITALS,
  SEC_PAST_ILLNESS,
  SEC_PLAN_OF_CARE,
  SEC_SOCIAL,
  SEC_PREGNANCY,
  SEC_DIRECTIVES,
  SEC_ALERTS,
  N_SECTIONS,
  SEC_NONE = N_SECTIONS,
} Section;

static const struct
{
  const char *code;
  const char *display;      /* LOINC's */
  const char *title;        /* ours, for the reader */
  const char *empty;        /* the narrative of a required section with no entries */
} sections[N_SECTIONS] = {
  { HF_IPS_SECTION_PROBLEMS, "Problem list - Reported", "Current problems",
    "No current problems are recorded in this summary." },
  { HF_IPS_SECTION_ALLERGIES, "Allergies and adverse reactions Document",
    "Allergies and intolerances", "No allergies or intolerances are recorded in this summary." },
  { HF_IPS_SECTION_MEDICATIONS, "History of Medication use Narrative", "Current medications",
    "No current medications are recorded in this summary." },
  { HF_IPS_SECTION_IMMUNIZATIONS, "History of Immunization Narrative", "Immunizations", NULL },
  { HF_IPS_SECTION_RESULTS, "Relevant diagnostic tests/laboratory data Narrative",
    "Recent results", NULL },
  { HF_IPS_SECTION_PROCEDURES, "History of Procedures Document", "Procedures", NULL },
  { HF_IPS_SECTION_DEVICES, "History of medical device use", "Medical devices", NULL },
  { HF_IPS_SECTION_VITALS, "Vital signs", "Vital signs (latest)", NULL },
  { HF_IPS_SECTION_PAST_ILLNESS, "History of Past illness Narrative", "Past illnesses", NULL },
  { HF_IPS_SECTION_PLAN_OF_CARE, "Plan of care note", "Plan of care", NULL },
  { HF_IPS_SECTION_SOCIAL, "Social history Narrative", "Social history", NULL },
  { HF_IPS_SECTION_PREGNANCY, "History of pregnancies Narrative", "Pregnancy", NULL },
  { HF_IPS_SECTION_DIRECTIVES, "Advance healthcare directives", "Advance directives", NULL },
  { HF_IPS_SECTION_ALERTS, "Alert", "Alerts", NULL },
};

/* The LOINC codes of pregnancy observations: status, expected delivery, history counts. */
static const char * const pregnancy_codes[] = {
  "82810-3", "11449-6", "11778-8", "11779-6", "11780-4", "11636-8", "11637-6", "11638-4",
  "11639-2", "11640-0", "11612-9", "11613-7", "11614-5", "33065-4", "92009-0", NULL
};

typedef struct
{
  guint          index;      /* in the collection */
  const char    *full_url;
  const char    *type;
  JsonObject    *r;
  const char    *span;       /* its bytes in the collection */
  gsize          span_len;
  Section        section;
  char          *latest_key; /* "section|system|code" for a latest-value-only section, or NULL */
  HfFhirSummary  summary;
  gboolean       summarized;
  gboolean       included;
} Entry;

typedef struct
{
  GPtrArray  *entries;      /* Entry*, the collection's order */
  GHashTable *by_url;       /* fullUrl or "Type/id" → Entry* */
  Entry      *patient;
  const char *confidentiality;
  const char *identifier;
  JsonNode   *root;
} Ips;

static void
entry_free (Entry *e)
{
  if (e->summarized)
    hf_fhir_summary_clear (&e->summary);
  g_free (e->latest_key);
  g_free (e);
}

static void
ips_clear (Ips *ips)
{
  g_clear_pointer (&ips->by_url, g_hash_table_unref);
  g_clear_pointer (&ips->entries, g_ptr_array_unref);
  g_clear_pointer (&ips->root, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Ips, ips_clear)

/* {{{ reading the collection */

static Entry *
resolve_entry (Ips        *ips,
               const char *reference)
{
  if (reference == NULL)
    return NULL;
  return g_hash_table_lookup (ips->by_url, reference);
}

static char *
resolve_name (const char *reference,
              gpointer    data)
{
  Entry *e = resolve_entry (data, reference);

  return e != NULL ? hf_fhir_display_name (e->r) : NULL;
}

static gboolean
ips_read (Ips     *ips,
          GBytes  *collection,
          GError **error)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (HfJsonSpan));
  g_autoptr(GArray) index = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  HfJsonProblem problem = { 0 };
  JsonObject *bundle;
  JsonArray *list;
  const char *data;
  gsize len;

  data = g_bytes_get_data (collection, &len);
  if (data == NULL || !hf_json_guard_check_spans (data, len, spans, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The records to summarize are not valid JSON (%s).",
                   problem.reason != NULL ? problem.reason : "empty");
      hf_json_problem_clear (&problem);
      return FALSE;
    }
  text = g_strndup (data, len);
  ips->root = json_from_string (text, &local);
  bundle = ips->root != NULL && JSON_NODE_HOLDS_OBJECT (ips->root)
           ? json_node_get_object (ips->root) : NULL;
  if (bundle == NULL || g_strcmp0 (hf_json_string (bundle, "resourceType"), "Bundle") != 0 ||
      g_strcmp0 (hf_json_string (bundle, "type"), "collection") != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The records to summarize are not a FHIR collection Bundle.");
      return FALSE;
    }
  ips->identifier = hf_json_string (hf_json_object (bundle, "identifier"), "value");
  ips->confidentiality = hf_json_string (hf_json_first_object (hf_json_object (bundle, "meta"),
                                                               "security"), "code");
  list = hf_json_array (bundle, "entry");
  ips->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  ips->by_url = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index = hf_json_spans_entries (spans, -1, list != NULL ? json_array_get_length (list) : 0);
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *r = hf_json_object (item, "resource");
      gint at = g_array_index (index, gint, i);
      const HfJsonSpan *span;
      Entry *e;

      if (r == NULL || at < 0 || hf_json_string (item, "fullUrl") == NULL ||
          hf_json_string (r, "resourceType") == NULL)
        continue;
      span = &g_array_index (spans, HfJsonSpan, at);
      e = g_new0 (Entry, 1);
      e->index = i;
      e->full_url = hf_json_string (item, "fullUrl");
      e->type = hf_json_string (r, "resourceType");
      e->r = r;
      e->span = data + span->offset;
      e->span_len = span->length;
      e->section = SEC_NONE;
      g_ptr_array_add (ips->entries, e);
      g_hash_table_replace (ips->by_url, g_strdup (e->full_url), e);
      if (hf_json_string (r, "id") != NULL)
        g_hash_table_insert (ips->by_url, g_strdup_printf ("%s/%s", e->type,
                                                           hf_json_string (r, "id")), e);
      if (ips->patient == NULL && g_str_equal (e->type, "Patient"))
        ips->patient = e;
    }
  if (ips->patient == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "A patient summary needs the person it is about, and the records to "
                   "summarize have no Patient.");
      return FALSE;
    }
  return TRUE;
}

/* }}} */
/* {{{ what goes where */

static gboolean
concept_has (JsonObject *concept,
             const char *code)
{
  JsonArray *codings = hf_json_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonNode *n = json_array_get_element (codings, i);
      if (JSON_NODE_HOLDS_OBJECT (n) &&
          g_strcmp0 (hf_json_string (json_node_get_object (n), "code"), code) == 0)
        return TRUE;
    }
  return FALSE;
}

static const char *
concept_code (JsonObject *r,
              const char *member)
{
  JsonObject *c = hf_json_first_object (hf_json_object (r, member), "coding");

  return hf_json_string (c, "code");
}

static gboolean
any_category_has (JsonObject *r,
                  const char *code)
{
  JsonArray *cats = hf_json_array (r, "category");

  for (guint i = 0; cats != NULL && i < json_array_get_length (cats); i++)
    {
      JsonNode *n = json_array_get_element (cats, i);
      if (JSON_NODE_HOLDS_OBJECT (n) && concept_has (json_node_get_object (n), code))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_mistaken (JsonObject *r)
{
  const char *verification = concept_code (r, "verificationStatus");

  return g_strcmp0 (hf_json_string (r, "status"), "entered-in-error") == 0 ||
         g_strcmp0 (verification, "entered-in-error") == 0 ||
         g_strcmp0 (verification, "refuted") == 0;
}

/* The timeline's summary of E: the title the narrative shows (and, for an observation without
 * a category, what it is). */
static void
ensure_summary (Ips   *ips,
                Entry *e)
{
  if (e->summarized)
    return;
  hf_fhir_summarize (e->r, resolve_name, ips, &e->summary);
  e->summarized = TRUE;
}

/* When an observation was made, as written. */
static const char *
observation_when (JsonObject *r)
{
  const char *when = hf_json_string (r, "effectiveDateTime");

  if (when == NULL)
    when = hf_json_string (hf_json_object (r, "effectivePeriod"), "start");
  if (when == NULL)
    when = hf_json_string (r, "effectiveInstant");
  if (when == NULL)
    when = hf_json_string (r, "issued");
  return when;
}

static Section
observation_section (Ips   *ips,
                     Entry *e)
{
  JsonObject *code = hf_json_object (e->r, "code");
  const char *status = hf_json_string (e->r, "status");
  const char *category = NULL;

  if (g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "registered") == 0)
    return SEC_NONE;
  for (guint i = 0; pregnancy_codes[i] != NULL; i++)
    if (concept_has (code, pregnancy_codes[i]))
      return SEC_PREGNANCY;
  if (any_category_has (e->r, "social-history"))
    return SEC_SOCIAL;
  if (any_category_has (e->r, "vital-signs"))
    category = HF_CATEGORY_VITALS;
  else if (any_category_has (e->r, "laboratory"))
    category = HF_CATEGORY_LAB_RESULTS;
  else if (hf_json_array (e->r, "category") == NULL)
    {
      /* No category: the timeline's reading of its code. */
      ensure_summary (ips, e);
      category = e->summary.category;
    }
  if (g_strcmp0 (category, HF_CATEGORY_VITALS) == 0)
    return SEC_VITALS;
  if (g_strcmp0 (category, HF_CATEGORY_LAB_RESULTS) == 0 ||
      any_category_has (e->r, "imaging") || any_category_has (e->r, "procedure"))
    return SEC_RESULTS;
  return SEC_NONE;
}

/* The section ENTRY belongs in, or SEC_NONE. */
static Section
section_of (Ips   *ips,
            Entry *e)
{
  const char *type = e->type;
  const char *status = hf_json_string (e->r, "status");

  if (is_mistaken (e->r))
    return SEC_NONE;
  if (g_str_equal (type, "Condition"))
    {
      const char *clinical = concept_code (e->r, "clinicalStatus");

      if (clinical == NULL)
        return json_object_has_member (e->r, "abatementDateTime") ||
               json_object_has_member (e->r, "abatementPeriod") ||
               json_object_has_member (e->r, "abatementAge") ||
               json_object_has_member (e->r, "abatementString")
               ? SEC_PAST_ILLNESS : SEC_PROBLEMS;
      if (g_str_equal (clinical, "active") || g_str_equal (clinical, "recurrence") ||
          g_str_equal (clinical, "relapse"))
        return SEC_PROBLEMS;
      if (g_str_equal (clinical, "inactive") || g_str_equal (clinical, "remission") ||
          g_str_equal (clinical, "resolved"))
        return SEC_PAST_ILLNESS;
      return SEC_NONE;
    }
  if (g_str_equal (type, "AllergyIntolerance"))
    return SEC_ALLERGIES;
  if (g_str_equal (type, "MedicationStatement") || g_str_equal (type, "MedicationRequest"))
    return g_strcmp0 (status, "active") == 0 ? SEC_MEDICATIONS : SEC_NONE;
  if (g_str_equal (type, "Immunization"))
    return g_strcmp0 (status, "completed") == 0 ? SEC_IMMUNIZATIONS : SEC_NONE;
  if (g_str_equal (type, "Procedure"))
    return g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "in-progress") == 0
           ? SEC_PROCEDURES : SEC_NONE;
  if (g_str_equal (type, "DeviceUseStatement"))
    return g_strcmp0 (status, "active") == 0 || g_strcmp0 (status, "completed") == 0
           ? SEC_DEVICES : SEC_NONE;
  if (g_str_equal (type, "Observation"))
    return observation_section (ips, e);
  if (g_str_equal (type, "CarePlan"))
    return g_strcmp0 (status, "active") == 0 || g_strcmp0 (status, "on-hold") == 0
           ? SEC_PLAN_OF_CARE : SEC_NONE;
  if (g_str_equal (type, "Flag"))
    return g_strcmp0 (status, "active") == 0 ? SEC_ALERTS : SEC_NONE;
  if (g_str_equal (type, "Consent"))
    {
      JsonObject *scope = hf_json_object (e->r, "scope");
      return concept_has (scope, "adr") && g_strcmp0 (status, "active") == 0
             ? SEC_DIRECTIVES : SEC_NONE;
    }
  if (g_str_equal (type, "DocumentReference"))
    return concept_has (hf_json_object (e->r, "type"), HF_IPS_SECTION_DIRECTIVES) &&
           g_strcmp0 (status, "current") == 0 ? SEC_DIRECTIVES : SEC_NONE;
  return SEC_NONE;
}

static gboolean
could_be_in_section (const char *type)
{
  static const char * const types[] = {
    "AllergyIntolerance", "CarePlan", "Condition", "Consent", "DeviceUseStatement",
    "DocumentReference", "Flag", "Immunization", "MedicationRequest", "MedicationStatement",
    "Observation", "Procedure", NULL
  };

  return g_strv_contains (types, type);
}

/* The sections: each entry's, with one value per observation code where only the latest
 * counts. */
static void
ips_classify (Ips *ips)
{
  g_autoptr(GHashTable) latest = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < ips->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (ips->entries, i);
      Entry *before;

      JsonObject *coding;
      const char *when;

      if (e == ips->patient || !could_be_in_section (e->type))
        continue;
      e->section = section_of (ips, e);
      if (e->section != SEC_VITALS && e->section != SEC_RESULTS && e->section != SEC_SOCIAL &&
          e->section != SEC_PREGNANCY)
        continue;
      coding = hf_json_first_object (hf_json_object (e->r, "code"), "coding");
      if (hf_json_string (coding, "code") == NULL)
        continue;
      e->latest_key = g_strdup_printf ("%d|%s|%s", e->section,
                                       hf_json_string (coding, "system") != NULL
                                       ? hf_json_string (coding, "system") : "",
                                       hf_json_string (coding, "code"));
      when = observation_when (e->r);
      before = g_hash_table_lookup (latest, e->latest_key);
      if (before == NULL || g_strcmp0 (observation_when (before->r), when) < 0)
        {
          if (before != NULL)
            before->section = SEC_NONE;
          g_hash_table_insert (latest, e->latest_key, e);
        }
      else
        e->section = SEC_NONE;
    }
  /* What the narratives say, for the records they name. */
  for (guint i = 0; i < ips->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (ips->entries, i);
      if (e->section != SEC_NONE)
        ensure_summary (ips, e);
    }
}

/* }}} */
/* {{{ the document */

static void
include_references (Ips      *ips,
                    JsonNode *node,
                    GQueue   *pending)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (o);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *child = json_object_get_member (o, l->data);

          if (g_str_equal (l->data, "reference") && JSON_NODE_HOLDS_VALUE (child) &&
              json_node_get_value_type (child) == G_TYPE_STRING)
            {
              Entry *target = resolve_entry (ips, json_node_get_string (child));
              if (target != NULL && !target->included)
                {
                  target->included = TRUE;
                  g_queue_push_tail (pending, target);
                }
            }
          else
            include_references (ips, child, pending);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        include_references (ips, json_array_get_element (a, i), pending);
    }
}

static void
add_coding (JsonBuilder *b,
            const char  *system,
            const char  *code,
            const char  *display)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, system);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  if (display != NULL)
    {
      json_builder_set_member_name (b, "display");
      json_builder_add_string_value (b, display);
    }
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_reference (JsonBuilder *b,
               const char  *member,
               const char  *url)
{
  if (member != NULL)
    json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reference");
  json_builder_add_string_value (b, url);
  json_builder_end_object (b);
}

static void
add_text (JsonBuilder *b,
          const char  *xhtml_body)
{
  g_autofree char *div = g_strconcat ("<div xmlns=\"http://www.w3.org/1999/xhtml\">", xhtml_body,
                                      "</div>", NULL);

  json_builder_set_member_name (b, "text");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "generated");
  json_builder_set_member_name (b, "div");
  json_builder_add_string_value (b, div);
  json_builder_end_object (b);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (out, escaped);
}

/* Newest first; undated last, in the collection's order. */
static gint
newest_first (gconstpointer a,
              gconstpointer b)
{
  const Entry *x = *(const Entry * const *) a;
  const Entry *y = *(const Entry * const *) b;
  int c;

  if (x->summary.effective == NULL || y->summary.effective == NULL)
    c = (x->summary.effective == NULL) - (y->summary.effective == NULL);
  else
    c = -strcmp (x->summary.effective, y->summary.effective);
  return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* One line of a section's narrative: the record's title, date and what else matters. */
static void
append_item (GString *out,
             Section  section,
             Entry   *e)
{
  const char *status = NULL;

  g_string_append (out, "<li>");
  append_escaped (out, e->summary.title);
  if (e->summary.date != NULL && strstr (e->summary.title, e->summary.date) == NULL)
    {
      g_string_append (out, ", ");
      append_escaped (out, e->summary.date);
    }
  if (section == SEC_ALLERGIES)
    status = concept_code (e->r, "clinicalStatus");
  if (status != NULL)
    {
      g_string_append (out, " (");
      append_escaped (out, status);
      g_string_append (out, ")");
    }
  if (e->summary.subtitle != NULL && section != SEC_RESULTS && section != SEC_VITALS)
    {
      g_string_append (out, " — ");
      append_escaped (out, e->summary.subtitle);
    }
  g_string_append (out, "</li>");
}

static char *
format_instant (gint64 us)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("1970-01-01T00:00:00Z");
}

static gboolean
patient_named (JsonObject *patient,
               const char *name)
{
  JsonArray *names = hf_json_array (patient, "name");
  g_autofree char *wanted = g_utf8_casefold (name, -1);

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      JsonNode *n = json_array_get_element (names, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      JsonArray *given = hf_json_array (o, "given");
      const char *parts[] = { hf_json_string (o, "text"), hf_json_string (o, "family"),
                              given != NULL && json_array_get_length (given) > 0
                              ? json_array_get_string_element (given, 0) : NULL };

      for (guint j = 0; j < G_N_ELEMENTS (parts); j++)
        {
          g_autofree char *part = parts[j] != NULL ? g_utf8_casefold (parts[j], -1) : NULL;
          if (part != NULL && *part != '\0' && strstr (wanted, part) != NULL)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
has_name (JsonObject *patient)
{
  JsonArray *names = hf_json_array (patient, "name");

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      JsonNode *n = json_array_get_element (names, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (hf_json_string (o, "text") != NULL || hf_json_string (o, "family") != NULL ||
          hf_json_array (o, "given") != NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
node_text (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static void
append_entry (GString    *out,
              const char *full_url,
              const char *resource,
              gsize       length)
{
  g_autoptr(JsonNode) url = json_node_new (JSON_NODE_VALUE);
  g_autofree char *url_text = NULL;

  json_node_set_string (url, full_url);
  url_text = node_text (url);
  g_string_append_printf (out, ",{\"fullUrl\":%s,\"resource\":", url_text);
  g_string_append_len (out, resource, length);
  g_string_append_c (out, '}');
}

GBytes *
hf_ips_from_bundle (GBytes             *collection,
                    const HfIpsOptions *options,
                    GError            **error)
{
  g_auto(Ips) ips = { 0 };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) composition = NULL;
  g_autoptr(JsonNode) author_node = NULL;
  g_autoptr(GString) out = NULL;
  GPtrArray *in_section[N_SECTIONS] = { NULL };
  g_autofree char *when = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *composition_url = NULL;
  g_autofree char *author_url = NULL;
  g_autofree char *patient_name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *composition_text = NULL;
  g_autofree char *author_text = NULL;
  g_autofree char *seed = NULL;
  GQueue pending = G_QUEUE_INIT;
  gboolean author_is_patient = FALSE;
  Entry *notice = NULL;

  g_return_val_if_fail (collection != NULL && options != NULL, NULL);

  if (!ips_read (&ips, collection, error))
    return NULL;
  if (!has_name (ips.patient->r))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "A patient summary needs the person's name, and the Patient shared has none.");
      return NULL;
    }
  ips_classify (&ips);
  when = format_instant (options->now);
  seed = g_strdup_printf ("%s/%s", ips.identifier != NULL ? ips.identifier : "", when);
  uuid = hf_uuid_v5 (IPS_NAMESPACE, seed, -1);
  composition_url = g_strconcat ("urn:uuid:", uuid, NULL);
  patient_name = hf_fhir_display_name (ips.patient->r);

  /* What each section holds, in the collection's order. */
  ips.patient->included = TRUE;
  for (guint i = 0; i < ips.entries->len; i++)
    {
      Entry *e = g_ptr_array_index (ips.entries, i);

      if (e->section == SEC_NONE)
        {
          /* The notice 42 CFR §2.32 requires goes with the records it is about. */
          if (g_str_equal (e->type, "DocumentReference") &&
              g_str_has_prefix (hf_json_string (e->r, "description") ?
                                hf_json_string (e->r, "description") : "",
                                "The notice 42 CFR"))
            notice = e;
          continue;
        }
      if (in_section[e->section] == NULL)
        in_section[e->section] = g_ptr_array_new ();
      g_ptr_array_add (in_section[e->section], e);
      if (!e->included)
        {
          e->included = TRUE;
          g_queue_push_tail (&pending, e);
        }
    }
  for (guint s = 0; s < N_SECTIONS; s++)
    if (in_section[s] != NULL)
      g_ptr_array_sort (in_section[s], newest_first);
  if (notice != NULL && !notice->included)
    {
      notice->included = TRUE;
      g_queue_push_tail (&pending, notice);
    }
  g_queue_push_tail (&pending, ips.patient);
  while (!g_queue_is_empty (&pending))
    {
      Entry *e = g_queue_pop_head (&pending);
      g_autoptr(JsonNode) node = json_node_alloc ();

      json_node_init_object (node, e->r);
      include_references (&ips, node, &pending);
    }

  /* The author: the member who curated it (the person themself, or a RelatedPerson), else the
   * software that assembled it. */
  author_is_patient = options->author != NULL && patient_named (ips.patient->r, options->author);
  if (!author_is_patient)
    {
      g_autofree char *name = g_strdup_printf ("%s/author", uuid);
      g_autofree char *id = hf_uuid_v5 (IPS_NAMESPACE, name, -1);

      author_url = g_strconcat ("urn:uuid:", id, NULL);
      json_builder_reset (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "resourceType");
      if (options->author != NULL)
        {
          json_builder_add_string_value (b, "RelatedPerson");
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, id);
          json_builder_set_member_name (b, "patient");
          add_reference (b, NULL, ips.patient->full_url);
          json_builder_set_member_name (b, "name");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, options->author);
          json_builder_end_object (b);
          json_builder_end_array (b);
        }
      else
        {
          json_builder_add_string_value (b, "Device");
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, id);
          json_builder_set_member_name (b, "manufacturer");
          json_builder_add_string_value (b, "The Healthfolio authors");
          json_builder_set_member_name (b, "deviceName");
          json_builder_begin_array (b);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, "Healthfolio");
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, "user-friendly-name");
          json_builder_end_object (b);
          json_builder_end_array (b);
          json_builder_set_member_name (b, "type");
          add_coding (b, "http://snomed.info/sct", "706689003",
                      "Application program software");
        }
      json_builder_end_object (b);
      author_node = json_builder_get_root (b);
      author_text = node_text (author_node);
    }

  /* The Composition. */
  title = g_strdup_printf ("Patient summary of %s%s%s", patient_name,
                           options->recipient != NULL ? ", for " : "",
                           options->recipient != NULL ? options->recipient : "");
  json_builder_reset (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "Composition");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, uuid);
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, "en");
  {
    g_autoptr(GString) t = g_string_new ("<p>");
    append_escaped (t, title);
    g_string_append (t, ", made ");
    append_escaped (t, when);
    g_string_append (t, " from what the patient's consent shares.</p>");
    add_text (b, t->str);
  }
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "final");
  json_builder_set_member_name (b, "type");
  add_coding (b, LOINC, "60591-5", "Patient summary Document");
  add_reference (b, "subject", ips.patient->full_url);
  json_builder_set_member_name (b, "date");
  json_builder_add_string_value (b, when);
  json_builder_set_member_name (b, "author");
  json_builder_begin_array (b);
  add_reference (b, NULL, author_is_patient ? ips.patient->full_url : author_url);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, title);
  json_builder_set_member_name (b, "confidentiality");
  json_builder_add_string_value (b, ips.confidentiality != NULL ? ips.confidentiality : "N");
  json_builder_set_member_name (b, "section");
  json_builder_begin_array (b);
  for (guint s = 0; s < N_SECTIONS; s++)
    {
      GPtrArray *list = in_section[s];
      g_autoptr(GString) div = g_string_new (NULL);

      if (list == NULL && sections[s].empty == NULL)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, sections[s].title);
      json_builder_set_member_name (b, "code");
      add_coding (b, LOINC, sections[s].code, sections[s].display);
      if (list == NULL)
        {
          g_string_append (div, "<p>");
          append_escaped (div, sections[s].empty);
          g_string_append (div, "</p>");
          add_text (b, div->str);
          json_builder_set_member_name (b, "emptyReason");
          add_coding (b, EMPTY_REASON, "unavailable", "Unavailable");
        }
      else
        {
          g_string_append (div, "<ul>");
          for (guint i = 0; i < list->len; i++)
            append_item (div, s, g_ptr_array_index (list, i));
          g_string_append (div, "</ul>");
          add_text (b, div->str);
          json_builder_set_member_name (b, "entry");
          json_builder_begin_array (b);
          for (guint i = 0; i < list->len; i++)
            add_reference (b, NULL, ((Entry *) g_ptr_array_index (list, i))->full_url);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  if (notice != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, "Notice on redisclosure (42 CFR Part 2)");
      json_builder_set_member_name (b, "code");
      add_coding (b, LOINC, HF_IPS_SECTION_ALERTS, sections[SEC_ALERTS].display);
      {
        g_autoptr(GString) div = g_string_new ("<p>");
        append_escaped (div, hf_json_string (notice->r, "description"));
        g_string_append (div, "</p>");
        add_text (b, div->str);
      }
      json_builder_set_member_name (b, "entry");
      json_builder_begin_array (b);
      add_reference (b, NULL, notice->full_url);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  composition = json_builder_get_root (b);
  composition_text = node_text (composition);

  /* The Bundle: the Composition first, the Patient, the author, then the rest in the
   * collection's order. */
  out = g_string_sized_new (g_bytes_get_size (collection) / 2 + 4096);
  g_string_append_printf (out, "{\"resourceType\":\"Bundle\",\"id\":\"%s\",\"meta\":{\"security\":"
                          "[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                          "v3-Confidentiality\",\"code\":\"%s\"}]},\"identifier\":{\"system\":"
                          "\"urn:ietf:rfc:3986\",\"value\":", uuid,
                          ips.confidentiality != NULL ? ips.confidentiality : "N");
  {
    g_autoptr(JsonNode) id = json_node_new (JSON_NODE_VALUE);
    g_autofree char *id_text = NULL;

    json_node_set_string (id, ips.identifier != NULL ? ips.identifier : composition_url);
    id_text = node_text (id);
    g_string_append (out, id_text);
  }
  g_string_append_printf (out, "},\"type\":\"document\",\"timestamp\":\"%s\",\"entry\":[", when);
  g_string_append_printf (out, "{\"fullUrl\":\"%s\",\"resource\":%s}", composition_url,
                          composition_text);
  append_entry (out, ips.patient->full_url, ips.patient->span, ips.patient->span_len);
  if (author_text != NULL)
    append_entry (out, author_url, author_text, strlen (author_text));
  for (guint i = 0; i < ips.entries->len; i++)
    {
      Entry *e = g_ptr_array_index (ips.entries, i);

      if (e->included && e != ips.patient)
        append_entry (out, e->full_url, e->span, e->span_len);
    }
  g_string_append (out, "]}");
  for (guint s = 0; s < N_SECTIONS; s++)
    g_clear_pointer (&in_section[s], g_ptr_array_unref);
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

GArray *
hf_ips_sections (GBytes  *collection,
                 GError **error)
{
  g_auto(Ips) ips = { 0 };
  guint counts[N_SECTIONS] = { 0 };
  GArray *out;

  g_return_val_if_fail (collection != NULL, NULL);

  if (!ips_read (&ips, collection, error))
    return NULL;
  ips_classify (&ips);
  for (guint i = 0; i < ips.entries->len; i++)
    {
      Entry *e = g_ptr_array_index (ips.entries, i);
      if (e->section != SEC_NONE)
        counts[e->section]++;
    }
  out = g_array_new (FALSE, FALSE, sizeof (HfIpsSectionCount));
  for (guint s = 0; s < N_SECTIONS; s++)
    if (counts[s] > 0 || sections[s].empty != NULL)
      {
        HfIpsSectionCount c = { sections[s].code, sections[s].title, counts[s] };
        g_array_append_val (out, c);
      }
  return out;
}

/* }}} */
