/* hf-consent.c — one consent per recipient, versioned, stored as a FHIR R4 Consent
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stored FHIR Consent is the one source of a version's terms: hf_consent_terms_from_fhir
 * reads back exactly what hf_consent_to_fhir writes, so what the patient can export and show
 * is what the policy applies. Its shape follows R4 and IHE's Privacy Consent on FHIR: a root
 * provision of type permit naming the recipient (IRCP), the purposes, the permitted categories
 * (class for the resource types they cover, code for the category itself), the data period,
 * the sensitivity labels permitted and the period of validity; records excluded or included
 * by hand are one nested provision each (deny and permit), never deeper.
 *
 * The categories' code system is HF_CONSENT_CATEGORY_SYSTEM, an https URI under the project's
 * own domain: FHIR has no code system for "the kind of record a patient reads".
 */

#include "hf-consent.h"
#include "hf-consent-private.h"

#include <stdlib.h>
#include <string.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-fhir-r4.h"
#include "hf-fhir-r4-private.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-label.h"
#include "hf-person.h"
#include "hf-records.h"
#include "hf-vault-private.h"

#define SYSTEM_ACTCODE          HF_LABEL_SYSTEM_ACTCODE
#define SYSTEM_CONFIDENTIALITY  HF_LABEL_SYSTEM_CONFIDENTIALITY
#define SYSTEM_PURPOSE          "http://terminology.hl7.org/CodeSystem/v3-ActReason"
#define SYSTEM_PARTICIPATION    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
#define SYSTEM_SCOPE            "http://terminology.hl7.org/CodeSystem/consentscope"
#define SYSTEM_ACTION           "http://terminology.hl7.org/CodeSystem/consentaction"
#define SYSTEM_RESOURCE_TYPES   "http://hl7.org/fhir/resource-types"

/* {{{ vocabulary */

/* v3 PurposeOfUse (a value set over v3-ActReason), the codes a patient's consent names. */
static const struct { const char *code; const char *display; const char *words; } purposes[] = {
  { "TREAT", "treatment", "your treatment" },
  { "ETREAT", "emergency treatment", "emergency treatment" },
  { "CAREMGT", "care management", "care management" },
  { "FAMRQT", "family requested", "your family's requests" },
  { "PATRQT", "patient requested", "your own requests" },
  { "PWATRNY", "power of attorney", "your power of attorney" },
  { "HPAYMT", "healthcare payment", "payment for your care" },
  { "HOPERAT", "healthcare operations", "health care operations" },
  { "HRESCH", "healthcare research", "health research" },
};

/* The sensitivity labels of HL7 DS4P are the labels module's (hf-label.h); here only the order
 * sentences name them in (the most common first; any other known code after these) and each
 * one's display in v3-ActCode, for the Consent's codings. R and V (v3-Confidentiality) permit
 * restricted and very restricted records. */
static const struct { const char *code; const char *display; } label_displays[] = {
  { "MH", "mental health information sensitivity" },
  { "HIV", "HIV/AIDS information sensitivity" },
  { "SUD", "substance use disorder information sensitivity" },
  { "PSY", "psychiatry disorder information sensitivity" },
  { "ETH", "substance abuse information sensitivity" },
  { "ETHUD", "alcohol use disorder information sensitivity" },
  { "OPIOIDUD", "opioid use disorder information sensitivity" },
  { "STD", "sexually transmitted disease information sensitivity" },
  { "SDV", "sexual assault, abuse, or domestic violence information sensitivity" },
  { "SEX", "sexuality and reproductive health information sensitivity" },
  { "GDIS", "genetic disease information sensitivity" },
  { "R", "restricted" },
  { "V", "very restricted" },
};

static gboolean
is_confidentiality (const char *code)
{
  return g_strcmp0 (code, "R") == 0 || g_strcmp0 (code, "V") == 0;
}

const char * const *
hf_consent_purposes (void)
{
  static const char *codes[G_N_ELEMENTS (purposes) + 1];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
        codes[i] = purposes[i].code;
      g_once_init_leave (&done, 1);
    }
  return codes;
}

const char *
hf_consent_purpose_name (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    if (g_strcmp0 (purposes[i].code, code) == 0)
      return purposes[i].words;
  return NULL;
}

static const char *
purpose_display (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    if (g_strcmp0 (purposes[i].code, code) == 0)
      return purposes[i].display;
  return NULL;
}

/* The known sensitivity codes in the order of label_displays, then the rest of the labels
 * module's, then R and V. */
const char * const *
hf_consent_labels (void)
{
  static const char **codes = NULL;
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      const char * const *known = hf_label_known_codes ();
      GPtrArray *a = g_ptr_array_new ();

      for (guint i = 0; i < G_N_ELEMENTS (label_displays); i++)
        if (hf_label_is_known (label_displays[i].code))
          g_ptr_array_add (a, (gpointer) label_displays[i].code);
      for (guint i = 0; known[i] != NULL; i++)
        if (!g_ptr_array_find_with_equal_func (a, known[i], g_str_equal, NULL))
          g_ptr_array_add (a, (gpointer) known[i]);
      g_ptr_array_add (a, (gpointer) "R");
      g_ptr_array_add (a, (gpointer) "V");
      g_ptr_array_add (a, NULL);
      codes = (const char **) g_ptr_array_free (a, FALSE);
      g_once_init_leave (&done, 1);
    }
  return codes;
}

const char *
hf_consent_label_name (const char *code)
{
  if (g_strcmp0 (code, "R") == 0)
    return "restricted records";
  if (g_strcmp0 (code, "V") == 0)
    return "very restricted records";
  return hf_label_is_known (code) ? hf_label_name (code) : NULL;
}

static const char *
label_display (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (label_displays); i++)
    if (g_strcmp0 (label_displays[i].code, code) == 0)
      return label_displays[i].display;
  return NULL;
}

/* In the order of the timeline's categories (hf-fhir.c), which is the order sentences use. */
static const char * const categories[] = {
  HF_CATEGORY_PROBLEMS, HF_CATEGORY_MEDICATIONS, HF_CATEGORY_ALLERGIES,
  HF_CATEGORY_IMMUNIZATIONS, HF_CATEGORY_LAB_RESULTS, HF_CATEGORY_VITALS,
  HF_CATEGORY_PROCEDURES, HF_CATEGORY_ENCOUNTERS, HF_CATEGORY_DOCUMENTS,
  HF_CATEGORY_CARE_PLANS, HF_CATEGORY_BILLING, HF_CATEGORY_OTHER, NULL
};

const char * const *
hf_consent_categories (void)
{
  return categories;
}

static gboolean
is_consent_category (const char *category)
{
  return category != NULL && g_strv_contains (categories, category);
}

static int
category_rank (const char *category)
{
  for (int i = 0; categories[i] != NULL; i++)
    if (g_str_equal (categories[i], category))
      return i;
  return G_N_ELEMENTS (categories);
}

/* The R4 resource types each category's records are, for Consent.provision.class: asked of the
 * records layer, which decides a resource's category, with a bare resource of every type (and
 * the Observations and Devices whose category depends on what they hold). */
static GHashTable *
category_types (void)
{
  static GHashTable *table = NULL;
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      static const char *const variants[] = {
        "{\"resourceType\":\"Observation\",\"category\":[{\"coding\":[{\"code\":\"vital-signs\"}]}]}",
        "{\"resourceType\":\"Observation\",\"category\":[{\"coding\":[{\"code\":\"laboratory\"}]}]}",
        "{\"resourceType\":\"Device\",\"patient\":{\"reference\":\"Patient/p\"}}",
      };
      GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) g_ptr_array_unref);

      for (guint i = 0; i < _hf_r4_n_types + G_N_ELEMENTS (variants); i++)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          g_autofree char *text = i < _hf_r4_n_types
            ? g_strdup_printf ("{\"resourceType\":\"%s\"}", _hf_r4_types[i].type)
            : g_strdup (variants[i - _hf_r4_n_types]);
          HfFhirSummary summary = { 0 };
          const char *type;
          GPtrArray *list;

          if (!json_parser_load_from_data (parser, text, -1, NULL))
            continue;
          type = hf_json_string (json_node_get_object (json_parser_get_root (parser)),
                                 "resourceType");
          hf_fhir_summarize (json_node_get_object (json_parser_get_root (parser)), NULL, NULL,
                             &summary);
          if (is_consent_category (summary.category))
            {
              list = g_hash_table_lookup (t, summary.category);
              if (list == NULL)
                {
                  list = g_ptr_array_new ();
                  g_hash_table_insert (t, (gpointer) summary.category, list);
                }
              /* The type names are static (the generated table); variants repeat a type. */
              for (guint k = 0; k < _hf_r4_n_types; k++)
                if (g_str_equal (_hf_r4_types[k].type, type))
                  {
                    gboolean seen = FALSE;
                    for (guint j = 0; j < list->len; j++)
                      seen |= g_ptr_array_index (list, j) == _hf_r4_types[k].type;
                    if (!seen)
                      g_ptr_array_add (list, (gpointer) _hf_r4_types[k].type);
                  }
            }
          hf_fhir_summary_clear (&summary);
        }
      table = t;
      g_once_init_leave (&done, 1);
    }
  return table;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* }}} */

/* {{{ terms */

void
hf_consent_terms_clear (HfConsentTerms *terms)
{
  if (terms == NULL)
    return;
  g_clear_pointer (&terms->categories, g_strfreev);
  g_clear_pointer (&terms->data_from, g_free);
  g_clear_pointer (&terms->data_to, g_free);
  g_clear_pointer (&terms->purposes, g_strfreev);
  g_clear_pointer (&terms->permit_labels, g_strfreev);
  g_clear_pointer (&terms->include, g_strfreev);
  g_clear_pointer (&terms->exclude, g_strfreev);
  g_clear_pointer (&terms->valid_from, g_free);
  g_clear_pointer (&terms->expires, g_free);
}

static char **
strv_copy (char **v)
{
  return v != NULL ? g_strdupv (v) : g_new0 (char *, 1);
}

void
hf_consent_terms_copy (const HfConsentTerms *from,
                       HfConsentTerms       *to)
{
  g_return_if_fail (from != NULL && to != NULL);

  to->categories = strv_copy (from->categories);
  to->data_from = g_strdup (from->data_from);
  to->data_to = g_strdup (from->data_to);
  to->purposes = strv_copy (from->purposes);
  to->permit_labels = strv_copy (from->permit_labels);
  to->include = strv_copy (from->include);
  to->exclude = strv_copy (from->exclude);
  to->valid_from = g_strdup (from->valid_from);
  to->expires = g_strdup (from->expires);
}

/* A sorted, duplicate-free copy of V (NULL: empty). */
static char **
strv_normalize (char **v)
{
  g_autoptr(GPtrArray) a = g_ptr_array_new ();

  for (guint i = 0; v != NULL && v[i] != NULL; i++)
    g_ptr_array_add (a, g_strdup (v[i]));
  g_ptr_array_sort (a, compare_strings);
  for (guint i = 1; i < a->len;)
    {
      if (g_str_equal (g_ptr_array_index (a, i), g_ptr_array_index (a, i - 1)))
        g_free (g_ptr_array_steal_index (a, i));
      else
        i++;
    }
  g_ptr_array_add (a, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&a), FALSE);
}

static gboolean
strv_same_set (char **a,
               char **b)
{
  g_auto(GStrv) na = strv_normalize (a);
  g_auto(GStrv) nb = strv_normalize (b);

  return g_strv_equal ((const char * const *) na, (const char * const *) nb);
}

gboolean
hf_consent_terms_equal (const HfConsentTerms *a,
                        const HfConsentTerms *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return strv_same_set (a->categories, b->categories) &&
         g_strcmp0 (a->data_from, b->data_from) == 0 &&
         g_strcmp0 (a->data_to, b->data_to) == 0 &&
         strv_same_set (a->purposes, b->purposes) &&
         strv_same_set (a->permit_labels, b->permit_labels) &&
         strv_same_set (a->include, b->include) &&
         strv_same_set (a->exclude, b->exclude) &&
         g_strcmp0 (a->valid_from, b->valid_from) == 0 &&
         g_strcmp0 (a->expires, b->expires) == 0;
}

static gboolean
is_day (const char *text)
{
  guint64 y, m, d;
  char *end;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = g_ascii_strtoull (text, &end, 10);
  m = g_ascii_strtoull (text + 5, &end, 10);
  d = g_ascii_strtoull (text + 8, &end, 10);
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
         g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* "Type/id" with an R4 resource type and an id as FHIR allows it. */
static gboolean
is_record_reference (const char *text)
{
  const char *slash = text != NULL ? strchr (text, '/') : NULL;
  g_autofree char *type = NULL;
  gsize n;

  if (slash == NULL)
    return FALSE;
  type = g_strndup (text, slash - text);
  if (!hf_fhir_r4_is_type (type))
    return FALSE;
  n = strlen (slash + 1);
  if (n < 1 || n > 64)
    return FALSE;
  for (const char *p = slash + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

static char *
join_codes (const char * const *codes)
{
  return g_strjoinv (", ", (char **) codes);
}

/* Checks TERMS and makes OUT its normal form (sorted lists). Mistakes are the caller's
 * (HF_ERROR_USAGE), with a sentence naming what is valid. */
static gboolean
terms_normalize (const HfConsentTerms *terms,
                 HfConsentTerms       *out,
                 GError              **error)
{
  for (guint i = 0; terms->categories != NULL && terms->categories[i] != NULL; i++)
    if (!is_consent_category (terms->categories[i]))
      {
        g_autofree char *valid = join_codes (categories);
        g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                     "“%s” is not a category of records; use one of %s.", terms->categories[i],
                     valid);
        return FALSE;
      }
  for (guint i = 0; terms->purposes != NULL && terms->purposes[i] != NULL; i++)
    if (hf_consent_purpose_name (terms->purposes[i]) == NULL)
      {
        g_autofree char *valid = join_codes (hf_consent_purposes ());
        g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                     "“%s” is not a purpose of use Healthfolio knows; use one of %s.",
                     terms->purposes[i], valid);
        return FALSE;
      }
  if (terms->purposes == NULL || terms->purposes[0] == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "A consent names at least one purpose of use (TREAT: your treatment).");
      return FALSE;
    }
  for (guint i = 0; terms->permit_labels != NULL && terms->permit_labels[i] != NULL; i++)
    if (hf_consent_label_name (terms->permit_labels[i]) == NULL)
      {
        g_autofree char *valid = join_codes (hf_consent_labels ());
        g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                     "“%s” is not a sensitivity label Healthfolio knows; use one of %s.",
                     terms->permit_labels[i], valid);
        return FALSE;
      }
  {
    const char *days[] = { terms->data_from, terms->data_to, terms->valid_from, terms->expires };
    for (guint i = 0; i < G_N_ELEMENTS (days); i++)
      if (days[i] != NULL && !is_day (days[i]))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                       "“%s” is not a date; write it as YYYY-MM-DD.", days[i]);
          return FALSE;
        }
  }
  if (terms->data_from != NULL && terms->data_to != NULL &&
      strcmp (terms->data_from, terms->data_to) > 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "The records' dates end (%s) before they start (%s); swap them.",
                   terms->data_to, terms->data_from);
      return FALSE;
    }
  if (terms->valid_from != NULL && terms->expires != NULL &&
      strcmp (terms->valid_from, terms->expires) > 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "The consent would expire (%s) before it starts (%s); check the dates.",
                   terms->expires, terms->valid_from);
      return FALSE;
    }
  {
    char **lists[] = { terms->include, terms->exclude };
    for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
      for (guint i = 0; lists[l] != NULL && lists[l][i] != NULL; i++)
        if (!is_record_reference (lists[l][i]))
          {
            g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                         "“%s” does not name a record; give a record's number (see “show ID”).",
                         lists[l][i]);
            return FALSE;
          }
    for (guint i = 0; terms->include != NULL && terms->include[i] != NULL; i++)
      if (terms->exclude != NULL && g_strv_contains ((const char * const *) terms->exclude,
                                                     terms->include[i]))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                       "%s is both included and excluded; choose one.", terms->include[i]);
          return FALSE;
        }
  }

  out->categories = strv_normalize (terms->categories);
  out->purposes = strv_normalize (terms->purposes);
  out->permit_labels = strv_normalize (terms->permit_labels);
  out->include = strv_normalize (terms->include);
  out->exclude = strv_normalize (terms->exclude);
  out->data_from = g_strdup (terms->data_from);
  out->data_to = g_strdup (terms->data_to);
  out->valid_from = g_strdup (terms->valid_from);
  out->expires = g_strdup (terms->expires);
  return TRUE;
}

/* }}} */

/* {{{ days in words */

static const char * const month_names[] = {
  "January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December",
};

/* "2027-03-31" → "31 March 2027", as the issue's example writes it. */
static char *
day_words (const char *day)
{
  int y = atoi (day), m = atoi (day + 5), d = atoi (day + 8);

  if (!is_day (day))
    return g_strdup (day);
  return g_strdup_printf ("%d %s %d", d, month_names[m - 1], y);
}

static char *
local_day_of (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d") : g_strdup ("1970-01-01");
}

char *
hf_consent_today (void)
{
  return local_day_of (g_get_real_time ());
}

/* }}} */

/* {{{ consents */

void
hf_consent_free (HfConsent *consent)
{
  if (consent == NULL)
    return;
  g_free (consent->recipient);
  g_free (consent->performer);
  hf_consent_terms_clear (&consent->terms);
  g_free (consent->json);
  g_free (consent);
}

gboolean
hf_consent_in_force (const HfConsent  *consent,
                     const char       *today,
                     const char      **why)
{
  g_autofree char *start = NULL;

  g_return_val_if_fail (consent != NULL, FALSE);
  g_return_val_if_fail (today != NULL, FALSE);

  if (why != NULL)
    *why = NULL;
  if (consent->revoked)
    {
      if (why != NULL)
        *why = "revoked";
      return FALSE;
    }
  start = consent->terms.valid_from != NULL ? g_strdup (consent->terms.valid_from)
                                            : local_day_of (consent->date);
  if (strcmp (today, start) < 0)
    {
      if (why != NULL)
        *why = "not yet valid";
      return FALSE;
    }
  /* The expiry day is the last day it is in force. */
  if (consent->terms.expires != NULL && strcmp (today, consent->terms.expires) > 0)
    {
      if (why != NULL)
        *why = "expired";
      return FALSE;
    }
  return TRUE;
}

/* {{{ FHIR */

static void
add_coding (JsonBuilder *b,
            const char  *system,
            const char  *code,
            const char  *display)
{
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
}

static void
add_concept (JsonBuilder *b,
             const char  *system,
             const char  *code,
             const char  *display)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  add_coding (b, system, code, display);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_period (JsonBuilder *b,
            const char  *name,
            const char  *start,
            const char  *end)
{
  if (start == NULL && end == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  if (start != NULL)
    {
      json_builder_set_member_name (b, "start");
      json_builder_add_string_value (b, start);
    }
  if (end != NULL)
    {
      json_builder_set_member_name (b, "end");
      json_builder_add_string_value (b, end);
    }
  json_builder_end_object (b);
}

static void
add_data_provision (JsonBuilder *b,
                    const char  *type,
                    char       **references)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (guint i = 0; references[i] != NULL; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "meaning");
      json_builder_add_string_value (b, "instance");
      json_builder_set_member_name (b, "reference");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "reference");
      json_builder_add_string_value (b, references[i]);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
consent_date_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z")
               : g_strdup ("1970-01-01T00:00:00+00:00");
}

/* PATIENT: the Reference to the vault's Patient, or NULL for a display-only one. */
static JsonNode *
consent_to_fhir (const HfConsent *consent,
                 JsonNode        *patient)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const HfConsentTerms *t = &consent->terms;
  g_autofree char *id = g_strdup_printf ("consent-%" G_GINT64_FORMAT "-v%d",
                                         consent->recipient_id, consent->version);
  g_autofree char *when = consent_date_time (consent->date);
  g_autofree char *performer = g_strdup_printf ("%s (%s)", consent->performer,
                                                hf_role_to_string (consent->performer_role));
  GHashTable *types = category_types ();
  g_autoptr(GPtrArray) classes = g_ptr_array_new ();
  gboolean any_label = FALSE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "Consent");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, consent->revoked ? "inactive" : "active");
  json_builder_set_member_name (b, "scope");
  add_concept (b, SYSTEM_SCOPE, "patient-privacy", "Privacy Consent");
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  add_concept (b, "http://loinc.org", "59284-0", "Patient Consent");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "patient");
  if (patient != NULL)
    json_builder_add_value (b, json_node_copy (patient));
  else
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "display");
      json_builder_add_string_value (b, "the patient");
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "dateTime");
  json_builder_add_string_value (b, when);
  json_builder_set_member_name (b, "performer");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "display");
  json_builder_add_string_value (b, performer);
  json_builder_end_object (b);
  json_builder_end_array (b);
  /* The patient opts in to what the provision lists: v3-ActCode OPTIN, as R4's own basic
   * privacy consent example says. */
  json_builder_set_member_name (b, "policyRule");
  add_concept (b, SYSTEM_ACTCODE, "OPTIN", "opt-in");

  json_builder_set_member_name (b, "provision");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "permit");
  add_period (b, "period", t->valid_from, t->expires);
  json_builder_set_member_name (b, "actor");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  add_concept (b, SYSTEM_PARTICIPATION, "IRCP", "information recipient");
  json_builder_set_member_name (b, "reference");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "display");
  json_builder_add_string_value (b, consent->recipient);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "action");
  json_builder_begin_array (b);
  add_concept (b, SYSTEM_ACTION, "disclose", "Disclose");
  json_builder_end_array (b);
  for (guint i = 0; t->permit_labels[i] != NULL; i++)
    {
      if (!any_label)
        {
          json_builder_set_member_name (b, "securityLabel");
          json_builder_begin_array (b);
          any_label = TRUE;
        }
      add_coding (b, is_confidentiality (t->permit_labels[i]) ? SYSTEM_CONFIDENTIALITY
                                                              : SYSTEM_ACTCODE,
                  t->permit_labels[i], label_display (t->permit_labels[i]));
    }
  if (any_label)
    json_builder_end_array (b);
  json_builder_set_member_name (b, "purpose");
  json_builder_begin_array (b);
  for (guint i = 0; t->purposes[i] != NULL; i++)
    add_coding (b, SYSTEM_PURPOSE, t->purposes[i], purpose_display (t->purposes[i]));
  json_builder_end_array (b);

  for (guint i = 0; t->categories[i] != NULL; i++)
    {
      GPtrArray *list = g_hash_table_lookup (types, t->categories[i]);
      for (guint k = 0; list != NULL && k < list->len; k++)
        g_ptr_array_add (classes, g_ptr_array_index (list, k));
    }
  g_ptr_array_sort (classes, compare_strings);
  if (classes->len > 0)
    {
      json_builder_set_member_name (b, "class");
      json_builder_begin_array (b);
      for (guint i = 0; i < classes->len; i++)
        if (i == 0 || !g_str_equal (g_ptr_array_index (classes, i),
                                    g_ptr_array_index (classes, i - 1)))
          add_coding (b, SYSTEM_RESOURCE_TYPES, g_ptr_array_index (classes, i), NULL);
      json_builder_end_array (b);
    }
  if (t->categories[0] != NULL)
    {
      json_builder_set_member_name (b, "code");
      json_builder_begin_array (b);
      for (guint i = 0; t->categories[i] != NULL; i++)
        add_concept (b, HF_CONSENT_CATEGORY_SYSTEM, t->categories[i],
                     hf_fhir_category_label (t->categories[i]));
      json_builder_end_array (b);
    }
  add_period (b, "dataPeriod", t->data_from, t->data_to);
  if (t->exclude[0] != NULL || t->include[0] != NULL)
    {
      json_builder_set_member_name (b, "provision");
      json_builder_begin_array (b);
      if (t->exclude[0] != NULL)
        add_data_provision (b, "deny", t->exclude);
      if (t->include[0] != NULL)
        add_data_provision (b, "permit", t->include);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
hf_consent_to_fhir (const HfConsent *consent)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *patient = NULL;

  g_return_val_if_fail (consent != NULL, NULL);
  g_return_val_if_fail (consent->recipient != NULL && consent->performer != NULL, NULL);

  /* The Patient a stored version names stays the one it named. */
  if (consent->json != NULL)
    {
      parser = json_parser_new ();
      if (json_parser_load_from_data (parser, consent->json, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        patient = json_object_get_member (json_node_get_object (json_parser_get_root (parser)),
                                          "patient");
    }
  return consent_to_fhir (consent, patient);
}

static gboolean
unreadable (GError    **error,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static gboolean
unreadable (GError    **error,
            const char *format,
            ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
               "Healthfolio cannot read this Consent: %s.", why);
  return FALSE;
}

static gboolean
concept_has (JsonObject *concept,
             const char *system,
             const char *code)
{
  JsonArray *codings = hf_json_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonNode *n = json_array_get_element (codings, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;

      if (g_strcmp0 (hf_json_string (c, "system"), system) == 0 &&
          g_strcmp0 (hf_json_string (c, "code"), code) == 0)
        return TRUE;
    }
  return FALSE;
}

static JsonObject *
element_object (JsonArray *a,
                guint      i)
{
  JsonNode *n = json_array_get_element (a, i);

  return JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* A day from a FHIR date or dateTime as written: its first ten characters. */
static gboolean
read_day (JsonObject  *period,
          const char  *name,
          char       **out,
          GError     **error)
{
  const char *text = hf_json_string (period, name);

  if (period != NULL && json_object_has_member (period, name) && text == NULL)
    return unreadable (error, "a period's %s is not a date", name);
  if (text == NULL)
    return TRUE;
  if (strlen (text) < 10 || !is_day ((*out = g_strndup (text, 10))))
    {
      g_clear_pointer (out, g_free);
      return unreadable (error, "“%s” is not a date Healthfolio reads as a day", text);
    }
  return TRUE;
}

static gboolean
read_data_references (JsonObject *provision,
                      GPtrArray  *out,
                      GError    **error)
{
  JsonArray *data = hf_json_array (provision, "data");

  if (data == NULL || json_array_get_length (data) == 0)
    return unreadable (error, "a nested rule names no records (Healthfolio reads nested rules "
                       "only as records excluded or included)");
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonObject *d = element_object (data, i);
      const char *ref = hf_json_string (hf_json_object (d, "reference"), "reference");

      if (g_strcmp0 (hf_json_string (d, "meaning"), "instance") != 0)
        return unreadable (error, "a nested rule names records by a meaning other than "
                           "“instance”");
      if (!is_record_reference (ref))
        return unreadable (error, "a nested rule names a record as “%s”, not as Type/id",
                           ref ? ref : "(nothing)");
      g_ptr_array_add (out, g_strdup (ref));
    }
  return TRUE;
}

static char **
strv_from_array (GPtrArray *a)
{
  char **v;

  g_ptr_array_add (a, NULL);
  v = strv_normalize ((char **) a->pdata);
  g_ptr_array_remove_index (a, a->len - 1);
  return v;
}

/* The one category all of TYPE's records are in, or NULL (Observation: several). */
static const char *
category_of_type (const char *type)
{
  GHashTable *types = category_types ();
  GHashTableIter iter;
  gpointer key, value;
  const char *found = NULL;

  g_hash_table_iter_init (&iter, types);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *list = value;
      for (guint i = 0; i < list->len; i++)
        if (g_str_equal (g_ptr_array_index (list, i), type))
          {
            if (found != NULL)
              return NULL;
            found = key;
          }
    }
  return found;
}

gboolean
hf_consent_terms_from_fhir (JsonObject      *consent,
                            HfConsentTerms  *terms,
                            GError         **error)
{
  g_auto(HfConsentTerms) t = { 0 };
  g_autoptr(GPtrArray) cats = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) purps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) inc = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) exc = g_ptr_array_new_with_free_func (g_free);
  JsonObject *provision, *scope;
  JsonArray *a;
  const char *type;

  g_return_val_if_fail (consent != NULL, FALSE);
  g_return_val_if_fail (terms != NULL, FALSE);

  if (g_strcmp0 (hf_json_string (consent, "resourceType"), "Consent") != 0)
    return unreadable (error, "it is not a Consent resource");
  scope = hf_json_object (consent, "scope");
  if (scope != NULL && !concept_has (scope, SYSTEM_SCOPE, "patient-privacy"))
    return unreadable (error, "it is not a privacy consent (its scope is not patient-privacy)");
  provision = hf_json_object (consent, "provision");
  if (provision == NULL)
    return unreadable (error, "it has no provision saying what it permits");
  type = hf_json_string (provision, "type");
  /* Many peers leave the root's type out and say it with the policy: opt-in permits. */
  if (type == NULL &&
      concept_has (hf_json_object (consent, "policyRule"), SYSTEM_ACTCODE, "OPTIN"))
    type = "permit";
  if (g_strcmp0 (type, "permit") != 0)
    return unreadable (error, "it denies by default (opt-out); Healthfolio's consents permit "
                       "what they list and nothing else");

  if (!read_day (hf_json_object (provision, "period"), "start", &t.valid_from, error) ||
      !read_day (hf_json_object (provision, "period"), "end", &t.expires, error) ||
      !read_day (hf_json_object (provision, "dataPeriod"), "start", &t.data_from, error) ||
      !read_day (hf_json_object (provision, "dataPeriod"), "end", &t.data_to, error))
    return FALSE;

  a = hf_json_array (provision, "purpose");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *c = element_object (a, i);
      const char *code = hf_json_string (c, "code");

      if (g_strcmp0 (hf_json_string (c, "system"), SYSTEM_PURPOSE) != 0 ||
          hf_consent_purpose_name (code) == NULL)
        return unreadable (error, "it names a purpose of use Healthfolio does not know (%s)",
                           code ? code : "no code");
      g_ptr_array_add (purps, g_strdup (code));
    }
  if (purps->len == 0)
    return unreadable (error, "it names no purpose of use; Healthfolio's consents name at "
                       "least one");

  a = hf_json_array (provision, "securityLabel");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *c = element_object (a, i);
      const char *code = hf_json_string (c, "code");
      const char *system = hf_json_string (c, "system");

      if (hf_consent_label_name (code) == NULL ||
          g_strcmp0 (system, is_confidentiality (code) ? SYSTEM_CONFIDENTIALITY
                                                       : SYSTEM_ACTCODE) != 0)
        return unreadable (error, "it permits a label Healthfolio does not know (%s)",
                           code ? code : "no code");
      g_ptr_array_add (labs, g_strdup (code));
    }

  /* Categories: ours in code; a peer's classes of resource types where every record of the
   * type is in one category. Codes of other systems limit records in ways we cannot follow. */
  a = hf_json_array (provision, "code");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonArray *codings = hf_json_array (element_object (a, i), "coding");
      gboolean ours = FALSE;

      for (guint k = 0; codings != NULL && k < json_array_get_length (codings); k++)
        {
          JsonObject *c = element_object (codings, k);
          const char *code = hf_json_string (c, "code");
          if (g_strcmp0 (hf_json_string (c, "system"), HF_CONSENT_CATEGORY_SYSTEM) == 0 &&
              is_consent_category (code))
            {
              g_ptr_array_add (cats, g_strdup (code));
              ours = TRUE;
            }
        }
      if (!ours)
        return unreadable (error, "it limits the records by codes Healthfolio does not know");
    }
  if (cats->len == 0)
    {
      a = hf_json_array (provision, "class");
      for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
        {
          JsonObject *c = element_object (a, i);
          const char *code = hf_json_string (c, "code");
          const char *category = code ? category_of_type (code) : NULL;

          if (g_strcmp0 (hf_json_string (c, "system"), SYSTEM_RESOURCE_TYPES) != 0 ||
              category == NULL)
            return unreadable (error, "it permits a class of records Healthfolio cannot match "
                               "to its categories (%s)", code ? code : "no code");
          g_ptr_array_add (cats, g_strdup (category));
        }
    }

  a = hf_json_array (provision, "provision");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *p = element_object (a, i);
      const char *ptype = hf_json_string (p, "type");
      static const char *const allowed[] = { "type", "data", "id", "extension", NULL };

      if (p == NULL)
        return unreadable (error, "a nested rule is not an object");
      if (json_object_has_member (p, "provision"))
        return unreadable (error, "its rules nest deeper than two levels");
      {
        g_autoptr(GList) members = json_object_get_members (p);
        for (GList *l = members; l != NULL; l = l->next)
          if (!g_strv_contains (allowed, l->data))
            return unreadable (error, "a nested rule limits by “%s”; Healthfolio reads nested "
                               "rules only as records excluded or included",
                               (const char *) l->data);
      }
      if (g_strcmp0 (ptype, "deny") == 0)
        {
          if (!read_data_references (p, exc, error))
            return FALSE;
        }
      else if (g_strcmp0 (ptype, "permit") == 0)
        {
          if (!read_data_references (p, inc, error))
            return FALSE;
        }
      else
        return unreadable (error, "a nested rule neither permits nor denies");
    }

  t.categories = strv_from_array (cats);
  t.purposes = strv_from_array (purps);
  t.permit_labels = strv_from_array (labs);
  t.include = strv_from_array (inc);
  t.exclude = strv_from_array (exc);
  *terms = t;
  memset (&t, 0, sizeof t);
  return TRUE;
}

/* }}} */

/* {{{ in words */

/* "a", "a and b", "a, b and c" */
static void
append_list (GString            *s,
             const char * const *items,
             guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (s, i + 1 == n ? " and " : ", ");
      g_string_append (s, items[i]);
    }
}

static char *
lower_first (const char *text)
{
  char *copy = g_strdup (text);

  copy[0] = g_ascii_tolower (copy[0]);
  return copy;
}

static int
compare_category_rank (gconstpointer a,
                       gconstpointer b)
{
  return category_rank (*(const char * const *) a) - category_rank (*(const char * const *) b);
}

static void
append_categories (GString              *s,
                   const HfConsentTerms *t)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  guint n = g_strv_length (t->categories);

  if (n == G_N_ELEMENTS (categories) - 1)
    {
      g_string_append (s, "all your records");
      return;
    }
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (sorted, t->categories[i]);
  g_ptr_array_sort (sorted, compare_category_rank);
  for (guint i = 0; i < sorted->len; i++)
    g_ptr_array_add (names, lower_first (hf_fhir_category_label (g_ptr_array_index (sorted, i))));
  g_string_append (s, "your ");
  append_list (s, (const char * const *) names->pdata, names->len);
}

static void
append_data_period (GString              *s,
                    const HfConsentTerms *t)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  /* A whole year reads as the year. */
  if (t->data_from != NULL)
    from = g_str_has_suffix (t->data_from, "-01-01") ? g_strndup (t->data_from, 4)
                                                     : day_words (t->data_from);
  if (t->data_to != NULL)
    to = g_str_has_suffix (t->data_to, "-12-31")
      ? g_strdup_printf ("the end of %.4s", t->data_to) : day_words (t->data_to);
  if (from != NULL && to != NULL)
    g_string_append_printf (s, " from %s to %s", from, to);
  else if (from != NULL)
    g_string_append_printf (s, " from %s on", from);
  else if (to != NULL)
    g_string_append_printf (s, " up to %s", to);
}

static void
append_labels (GString              *s,
               const HfConsentTerms *t)
{
  const char * const *codes = hf_consent_labels ();
  guint n = g_strv_length ((char **) codes);
  g_autofree const char **permitted = g_new0 (const char *, n + 1);
  g_autofree const char **withheld = g_new0 (const char *, n + 1);
  guint n_permitted = 0, n_withheld = 0;

  for (guint i = 0; codes[i] != NULL; i++)
    {
      if (is_confidentiality (codes[i]))
        continue;
      if (g_strv_contains ((const char * const *) t->permit_labels, codes[i]))
        permitted[n_permitted++] = hf_consent_label_name (codes[i]);
      else
        withheld[n_withheld++] = hf_consent_label_name (codes[i]);
    }
  if (n_permitted > 0)
    {
      g_string_append (s, "; records about ");
      append_list (s, permitted, n_permitted);
      g_string_append (s, " are included");
    }
  if (n_withheld > 0)
    {
      /* Briefly: the first few, by how often they matter. */
      guint shown = MIN (n_withheld, 3);

      g_string_append_printf (s, "; %ssensitive records (", n_permitted > 0 ? "other " : "");
      for (guint i = 0; i < shown; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", withheld[i]);
      g_string_append_printf (s, "%s) are withheld", n_withheld > shown ? ", …" : "");
    }
  for (guint c = 0; c < 2; c++)
    {
      const char *code = c == 0 ? "R" : "V";
      if (g_strv_contains ((const char * const *) t->permit_labels, code))
        g_string_append_printf (s, "; %s are included", hf_consent_label_name (code));
    }
}

static void
describe_terms (GString         *s,
                const HfConsent *consent)
{
  const HfConsentTerms *t = &consent->terms;
  guint n_include = g_strv_length (t->include);
  guint n_exclude = g_strv_length (t->exclude);
  guint n_purposes = g_strv_length (t->purposes);
  g_autofree const char **purpose_words = g_new0 (const char *, n_purposes + 1);

  if (t->categories[0] == NULL && n_include == 0)
    {
      g_string_append_printf (s, "%s may see none of your records: the consent allows no "
                              "category of records and no record you chose.",
                              consent->recipient);
      return;
    }
  g_string_append_printf (s, "%s may see ", consent->recipient);
  if (t->categories[0] != NULL)
    {
      append_categories (s, t);
      append_data_period (s, t);
      if (n_include > 0)
        g_string_append_printf (s, ", and %u record%s you chose", n_include,
                                n_include == 1 ? "" : "s");
    }
  else
    g_string_append_printf (s, "%u record%s you chose", n_include, n_include == 1 ? "" : "s");
  /* In the order of the table: treatment first. */
  n_purposes = 0;
  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    if (g_strv_contains ((const char * const *) t->purposes, purposes[i].code))
      purpose_words[n_purposes++] = purposes[i].words;
  g_string_append (s, ", for ");
  append_list (s, purpose_words, n_purposes);
  if (t->valid_from != NULL)
    {
      g_autofree char *w = day_words (t->valid_from);
      g_string_append_printf (s, ", starting %s", w);
    }
  if (t->expires != NULL)
    {
      g_autofree char *w = day_words (t->expires);
      g_string_append_printf (s, ", until %s", w);
    }
  append_labels (s, t);
  if (n_exclude > 0)
    g_string_append_printf (s, "; %u record%s you excluded %s withheld", n_exclude,
                            n_exclude == 1 ? "" : "s", n_exclude == 1 ? "is" : "are");
  g_string_append_c (s, '.');
}

char *
hf_consent_describe_on (const HfConsent *consent,
                        const char      *today)
{
  GString *s = g_string_new (NULL);
  const char *why = NULL;

  g_return_val_if_fail (consent != NULL, NULL);
  g_return_val_if_fail (today != NULL, NULL);

  if (!hf_consent_in_force (consent, today, &why) && g_strcmp0 (why, "revoked") == 0)
    {
      g_autofree char *day = local_day_of (consent->date);
      g_autofree char *w = day_words (day);
      gboolean owner = consent->performer_role == HF_ROLE_OWNER;

      g_string_append_printf (s, "%s revoked %s's consent on %s; nothing is shared.",
                              owner ? "You" : consent->performer, consent->recipient, w);
    }
  else if (g_strcmp0 (why, "expired") == 0)
    {
      g_autofree char *w = day_words (consent->terms.expires);
      g_string_append_printf (s, "%s's consent ended on %s; nothing is shared.",
                              consent->recipient, w);
    }
  else if (g_strcmp0 (why, "not yet valid") == 0)
    {
      g_autofree char *start = consent->terms.valid_from
        ? g_strdup (consent->terms.valid_from) : local_day_of (consent->date);
      g_autofree char *w = day_words (start);
      g_string_append_printf (s, "Nothing is shared before %s. From then on: ", w);
      describe_terms (s, consent);
    }
  else
    describe_terms (s, consent);
  return g_string_free (s, FALSE);
}

char *
hf_consent_describe (const HfConsent *consent)
{
  g_autofree char *today = hf_consent_today ();

  return hf_consent_describe_on (consent, today);
}

/* }}} */

/* {{{ the vault's consents */

#define CONSENT_COLUMNS "c.version, c.status, c.date, c.performer, c.performer_role, c.fhir_json"

static HfConsent *
consent_from (sqlite3_stmt       *stmt,
              const HfRecipient  *r,
              GError            **error)
{
  g_autoptr(HfConsent) c = g_new0 (HfConsent, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) read_error = NULL;
  const char *json = (const char *) sqlite3_column_text (stmt, 5);

  c->recipient_id = r->id;
  c->recipient = g_strdup (r->name);
  c->version = sqlite3_column_int (stmt, 0);
  c->revoked = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "inactive") == 0;
  c->date = sqlite3_column_int64 (stmt, 2);
  c->performer = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  if (!hf_role_from_string ((const char *) sqlite3_column_text (stmt, 4), &c->performer_role))
    c->performer_role = HF_ROLE_CAREGIVER_READ_ONLY;
  c->json = g_strdup (json);
  /* What the vault stored itself: unreadable means it was changed outside Healthfolio. */
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !hf_consent_terms_from_fhir (json_node_get_object (json_parser_get_root (parser)),
                                   &c->terms, &read_error))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "Version %d of %s's consent is damaged in the vault (%s). Run "
                   "“healthfolio-cli vault check”.", c->version, r->name,
                   read_error ? read_error->message : "not JSON");
      return NULL;
    }
  return g_steal_pointer (&c);
}

/* RECIPIENT's versions, oldest first; NEWEST_ONLY: just the last (or an empty array). */
static GPtrArray *
load_versions (sqlite3            *db,
               const HfRecipient  *r,
               gboolean            newest_only,
               GError            **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_consent_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, newest_only
                           ? "SELECT " CONSENT_COLUMNS " FROM consent c WHERE recipient_id = ? "
                             "ORDER BY version DESC LIMIT 1"
                           : "SELECT " CONSENT_COLUMNS " FROM consent c WHERE recipient_id = ? "
                             "ORDER BY version", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "reading the consents", error);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, r->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfConsent *c = consent_from (stmt, r, error);
      if (c == NULL)
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
      g_ptr_array_add (list, c);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the consents", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* The Reference to the vault's Patient: the first current Patient record, named by the vault's
 * person; display-only when the vault holds no Patient yet. */
static JsonNode *
patient_reference (HfVault  *vault,
                   sqlite3  *db,
                   GError  **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(HfPerson) person = NULL;
  g_autofree char *fhir_id = NULL;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!hf_vault_get_person (vault, &person, error))
    return NULL;
  rc = sqlite3_prepare_v2 (db, "SELECT fhir_id, json FROM resource WHERE resource_type = "
                           "'Patient' AND superseded_by IS NULL AND deleted_at IS NULL AND "
                           "linked_to IS NULL ORDER BY id LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *json = (const char *) sqlite3_column_text (stmt, 1);

      fhir_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (person == NULL && json != NULL &&
          json_parser_load_from_data (parser, json, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        name = hf_fhir_display_name (json_node_get_object (json_parser_get_root (parser)));
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the vault's Patient", error);
      return NULL;
    }
  if (person != NULL)
    name = g_strdup (person->name);

  json_builder_begin_object (b);
  if (fhir_id != NULL)
    {
      g_autofree char *ref = g_strdup_printf ("Patient/%s", fhir_id);
      json_builder_set_member_name (b, "reference");
      json_builder_add_string_value (b, ref);
    }
  json_builder_set_member_name (b, "display");
  json_builder_add_string_value (b, name != NULL ? name : "the patient");
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Stores CONSENT (its version, date, performer and terms set) with its FHIR form, logged. */
static gboolean
store_version (HfVault    *vault,
               sqlite3    *db,
               HfConsent  *consent,
               const char *action,
               GError    **error)
{
  g_autoptr(JsonNode) patient = patient_reference (vault, db, error);
  g_autoptr(JsonNode) fhir = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *today = NULL;
  g_autofree char *words = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (patient == NULL)
    return FALSE;
  fhir = consent_to_fhir (consent, patient);
  json_generator_set_root (gen, fhir);
  consent->json = json_generator_to_data (gen, NULL);

  rc = sqlite3_prepare_v2 (db, "INSERT INTO consent (recipient_id, version, status, date, "
                           "performer, performer_role, fhir_json) VALUES (?,?,?,?,?,?,?)", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, consent->recipient_id);
      sqlite3_bind_int (stmt, 2, consent->version);
      sqlite3_bind_text (stmt, 3, consent->revoked ? "inactive" : "active", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, consent->date);
      sqlite3_bind_text (stmt, 5, consent->performer, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, hf_role_to_string (consent->performer_role), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, consent->json, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "storing the consent", error);
  today = local_day_of (consent->date);
  words = hf_consent_describe_on (consent, today);
  detail = g_strdup_printf ("%s, version %d: %s", consent->recipient, consent->version, words);
  return _hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                           action, detail, error);
}

static HfConsent *
new_version (HfVault           *vault,
             const HfRecipient *r,
             const HfConsent   *newest)
{
  HfConsent *c = g_new0 (HfConsent, 1);

  c->recipient_id = r->id;
  c->recipient = g_strdup (r->name);
  c->version = newest != NULL ? newest->version + 1 : 1;
  /* Strictly later than the version before, so that the order of dates is that of versions. */
  c->date = MAX (g_get_real_time (), newest != NULL ? newest->date + 1 : 0);
  c->performer = g_strdup (hf_vault_get_member_name (vault));
  c->performer_role = hf_vault_get_member_role (vault);
  return c;
}

static gboolean
acts_as_owner (HfRole role)
{
  return hf_role_allows (role, HF_PERMISSION_MANAGE);
}

/* {{{ a caregiver within the owner's consent */

static gboolean
exceeds (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
exceeds (GError    **error,
         const char *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
               "The owner has not allowed %s; ask the owner to change the consent.", what);
  return FALSE;
}

/* Every element of SUB that is not in SUPER, in SUB's order. */
static GPtrArray *
missing_from (char **sub,
              char **super)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; sub[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) super, sub[i]))
      g_ptr_array_add (out, sub[i]);
  return out;
}

static char *
words_list (GPtrArray  *items,
            const char *(*name) (const char *))
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *w = name ? name (g_ptr_array_index (items, i)) : NULL;
      g_ptr_array_add (words, w ? g_strdup (w) : g_strdup (g_ptr_array_index (items, i)));
    }
  append_list (s, (const char * const *) words->pdata, words->len);
  return g_string_free (s, FALSE);
}

static const char *
category_words (const char *category)
{
  static GHashTable *lower = NULL;
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      for (guint i = 0; categories[i] != NULL; i++)
        g_hash_table_insert (t, (gpointer) categories[i],
                             lower_first (hf_fhir_category_label (categories[i])));
      lower = t;
      g_once_init_leave (&done, 1);
    }
  return g_hash_table_lookup (lower, category);
}

static gboolean
within_owner (const HfConsent      *owner,
              const char           *recipient,
              const HfConsentTerms *t,
              const char           *today,
              GError              **error)
{
  const HfConsentTerms *o;
  g_autoptr(GPtrArray) extra = NULL;
  g_autofree char *owner_start = NULL;

  if (owner == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "The owner has not set a consent for %s, so a caregiver can allow nothing; "
                   "ask the owner to set one.", recipient);
      return FALSE;
    }
  if (owner->revoked)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "The owner revoked %s's consent, so a caregiver can allow nothing; ask the "
                   "owner to set a new one.", recipient);
      return FALSE;
    }
  o = &owner->terms;

  extra = missing_from (t->categories, o->categories);
  if (extra->len > 0)
    {
      g_autofree char *w = words_list (extra, category_words);
      return exceeds (error, "%s to see %s", recipient, w);
    }
  g_clear_pointer (&extra, g_ptr_array_unref);
  extra = missing_from (t->permit_labels, o->permit_labels);
  if (extra->len > 0)
    {
      g_autofree char *w = words_list (extra, hf_consent_label_name);
      return exceeds (error, "%s to see records about %s", recipient, w);
    }
  g_clear_pointer (&extra, g_ptr_array_unref);
  extra = missing_from (t->purposes, o->purposes);
  if (extra->len > 0)
    {
      g_autofree char *w = words_list (extra, hf_consent_purpose_name);
      return exceeds (error, "sharing with %s for %s", recipient, w);
    }
  g_clear_pointer (&extra, g_ptr_array_unref);
  extra = missing_from (t->include, o->include);
  if (extra->len > 0)
    {
      g_autofree char *w = words_list (extra, NULL);
      return exceeds (error, "%s to see %s (the owner did not choose %s)", recipient, w,
                      extra->len == 1 ? "it" : "them");
    }
  g_clear_pointer (&extra, g_ptr_array_unref);
  extra = missing_from (o->exclude, t->exclude);
  if (extra->len > 0)
    {
      g_autofree char *w = words_list (extra, NULL);
      return exceeds (error, "%s to see %s (the owner excluded %s)", recipient, w,
                      extra->len == 1 ? "it" : "them");
    }
  if (o->data_from != NULL && (t->data_from == NULL || strcmp (t->data_from, o->data_from) < 0))
    {
      g_autofree char *w = day_words (o->data_from);
      return exceeds (error, "%s to see records from before %s", recipient, w);
    }
  if (o->data_to != NULL && (t->data_to == NULL || strcmp (t->data_to, o->data_to) > 0))
    {
      g_autofree char *w = day_words (o->data_to);
      return exceeds (error, "%s to see records from after %s", recipient, w);
    }
  if (o->expires != NULL && (t->expires == NULL || strcmp (t->expires, o->expires) > 0))
    {
      g_autofree char *w = day_words (o->expires);
      return exceeds (error, "sharing with %s after %s", recipient, w);
    }
  owner_start = o->valid_from ? g_strdup (o->valid_from) : local_day_of (owner->date);
  if (strcmp (t->valid_from ? t->valid_from : today, owner_start) < 0)
    {
      g_autofree char *w = day_words (owner_start);
      return exceeds (error, "sharing with %s before %s", recipient, w);
    }
  return TRUE;
}

/* The newest version an owner made, among VERSIONS (oldest first), or NULL. */
static const HfConsent *
newest_by_owner (GPtrArray *versions)
{
  for (guint i = versions->len; i > 0; i--)
    {
      const HfConsent *c = g_ptr_array_index (versions, i - 1);
      if (acts_as_owner (c->performer_role))
        return c;
    }
  return NULL;
}

/* }}} */

HfConsent *
hf_consent_set (HfVault               *vault,
                const char            *recipient,
                const HfConsentTerms  *terms,
                GError               **error)
{
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(HfConsent) c = NULL;
  g_auto(HfConsentTerms) normal = { 0 };
  const HfConsent *newest;
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL, NULL);
  g_return_val_if_fail (terms != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "change consents", error))
    return NULL;
  if (!terms_normalize (terms, &normal, error))
    return NULL;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return NULL;
  r = _hf_recipient_load (db, recipient, error);
  if (r == NULL || (versions = load_versions (db, r, FALSE, error)) == NULL)
    goto fail;
  newest = versions->len > 0 ? g_ptr_array_index (versions, versions->len - 1) : NULL;
  if (!acts_as_owner (hf_vault_get_member_role (vault)))
    {
      g_autofree char *today = hf_consent_today ();
      if (!within_owner (newest_by_owner (versions), r->name, &normal, today, error))
        goto fail;
    }
  c = new_version (vault, r, newest);
  c->terms = normal;
  memset (&normal, 0, sizeof normal);
  if (!store_version (vault, db, c, "consent set", error) || !_hf_db_commit (db, error))
    goto fail;
  return g_steal_pointer (&c);

fail:
  _hf_db_rollback (db);
  return NULL;
}

HfConsent *
hf_consent_get (HfVault     *vault,
                const char  *recipient,
                GError     **error)
{
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(GPtrArray) versions = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read consents", error))
    return NULL;
  r = _hf_recipient_load (_hf_vault_get_db (vault), recipient, error);
  if (r == NULL)
    return NULL;
  versions = load_versions (_hf_vault_get_db (vault), r, TRUE, error);
  if (versions == NULL || versions->len == 0)
    return NULL;
  return g_ptr_array_steal_index (versions, 0);
}

GPtrArray *
hf_consent_history (HfVault     *vault,
                    const char  *recipient,
                    GError     **error)
{
  g_autoptr(HfRecipient) r = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read consents", error))
    return NULL;
  r = _hf_recipient_load (_hf_vault_get_db (vault), recipient, error);
  if (r == NULL)
    return NULL;
  return load_versions (_hf_vault_get_db (vault), r, FALSE, error);
}

gboolean
_hf_consent_revoke_locked (HfVault            *vault,
                           sqlite3            *db,
                           const HfRecipient  *recipient,
                           gboolean           *revoked,
                           GError            **error)
{
  g_autoptr(GPtrArray) versions = load_versions (db, recipient, TRUE, error);
  g_autoptr(HfConsent) c = NULL;
  const HfConsent *newest;

  *revoked = FALSE;
  if (versions == NULL)
    return FALSE;
  if (versions->len == 0 || ((HfConsent *) g_ptr_array_index (versions, 0))->revoked)
    return TRUE;
  newest = g_ptr_array_index (versions, 0);
  c = new_version (vault, recipient, newest);
  c->revoked = TRUE;
  hf_consent_terms_copy (&newest->terms, &c->terms);
  if (!store_version (vault, db, c, "consent revoke", error))
    return FALSE;
  *revoked = TRUE;
  return TRUE;
}

HfConsent *
hf_consent_revoke (HfVault     *vault,
                   const char  *recipient,
                   GError     **error)
{
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  gboolean revoked = FALSE;
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL, NULL);

  /* Revoking only ever shares less, so a caregiver may; a read-only one may not. */
  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "change consents", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return NULL;
  r = _hf_recipient_load (db, recipient, error);
  if (r == NULL || !_hf_consent_revoke_locked (vault, db, r, &revoked, error))
    goto fail;
  if (!revoked)
    {
      g_autoptr(GPtrArray) any = load_versions (db, r, TRUE, NULL);
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   any != NULL && any->len > 0
                   ? "%s's consent is revoked already; nothing was changed."
                   : "%s has no consent to revoke; nothing was changed.", r->name);
      goto fail;
    }
  versions = load_versions (db, r, TRUE, error);
  if (versions == NULL || versions->len == 0 || !_hf_db_commit (db, error))
    goto fail;
  return g_ptr_array_steal_index (versions, 0);

fail:
  _hf_db_rollback (db);
  return NULL;
}

char *
hf_consent_record_reference (HfVault     *vault,
                             gint64       record_id,
                             GError     **error)
{
  g_autoptr(HfRecordRow) row = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_record_store_get (vault, record_id, &row, NULL, error))
    return NULL;
  return g_strdup_printf ("%s/%s", row->resource_type, row->fhir_id);
}

/* }}} */

/* }}} */
