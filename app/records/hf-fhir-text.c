/* hf-fhir-text.c — FHIR R4 datatypes in words: codes, names, references, dates, doses
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pieces the summaries and the details are made of. Wrong shapes read as absent, never
 * as errors.
 */

#include "hf-fhir.h"
#include "hf-fhir-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hf-json-util.h"

/* {{{ reading JSON without fuss: wrong shapes read as absent, never as errors */

guint
_hf_fhir_len (JsonArray *a)
{
  return a ? json_array_get_length (a) : 0;
}

JsonObject *
_hf_fhir_elem_obj (JsonArray *a,
                   guint      i)
{
  JsonNode *n = a && i < json_array_get_length (a) ? json_array_get_element (a, i) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

const char *
_hf_fhir_elem_str (JsonArray *a,
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

const char *
_hf_fhir_type_of (JsonObject *r)
{
  return hf_json_string (r, "resourceType") ? hf_json_string (r, "resourceType") : "Resource";
}

void
_hf_fhir_append_part (GString    *s,
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

/* The words for a CodeableConcept: its text, else our words for an HL7 code (a category, a
 * status: "encounter-diagnosis" → "Diagnosis at a visit"), else a coding's display, else
 * "SYSTEM code"; without a trailing SNOMED CT semantic tag ("(disorder)"). */
char *
_hf_fhir_concept_text (JsonObject *cc)
{
  JsonArray *codings = hf_json_array (cc, "coding");
  JsonObject *first = _hf_fhir_elem_obj (codings, 0);

  if (hf_json_string (cc, "text") != NULL && *hf_json_string (cc, "text") != '\0')
    return _hf_fhir_strip_semantic_tag (hf_json_string (cc, "text"));
  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    {
      JsonObject *c = _hf_fhir_elem_obj (codings, i);
      const char *word = _hf_fhir_code_word (hf_json_string (c, "system"),
                                             hf_json_string (c, "code"));
      if (word != NULL)
        return g_strdup (word);
    }
  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    {
      const char *display = hf_json_string (_hf_fhir_elem_obj (codings, i), "display");
      if (display != NULL && *display != '\0')
        return _hf_fhir_strip_semantic_tag (display);
    }
  if (hf_json_string (first, "code") != NULL)
    {
      const char *sys = system_name (hf_json_string (first, "system"));
      return sys ? g_strdup_printf ("%s %s", sys, hf_json_string (first, "code"))
                 : g_strdup (hf_json_string (first, "code"));
    }
  return NULL;
}

/* Every CodeableConcept of an array, joined: "Hives, Itching". */
char *
_hf_fhir_concepts_text (JsonArray *concepts)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < _hf_fhir_len (concepts); i++)
    {
      g_autofree char *t = _hf_fhir_concept_text (_hf_fhir_elem_obj (concepts, i));
      _hf_fhir_append_part (s, ", ", t);
    }
  return s->len ? g_strdup (s->str) : NULL;
}

/* The codes behind a concept, for the detail view: "LOINC 4548-4, SNOMED CT 43396009". */
char *
_hf_fhir_concept_codes (JsonObject *cc)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *codings = hf_json_array (cc, "coding");

  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    {
      JsonObject *c = _hf_fhir_elem_obj (codings, i);
      const char *sys = system_name (hf_json_string (c, "system"));
      g_autofree char *one = NULL;

      if (hf_json_string (c, "code") == NULL)
        continue;
      one = sys ? g_strdup_printf ("%s %s", sys, hf_json_string (c, "code"))
                : g_strdup (hf_json_string (c, "code"));
      _hf_fhir_append_part (s, ", ", one);
    }
  return s->len ? g_strdup (s->str) : NULL;
}

char *
_hf_fhir_concept_code (JsonObject *o,
                       const char *name)
{
  JsonObject *c = hf_json_first_object (hf_json_object (o, name), "coding");

  return hf_json_string (c, "code") ? g_strdup (hf_json_string (c, "code")) : NULL;
}

/* TRUE if any coding of CC has CODE. */
gboolean
_hf_fhir_concept_has_code (JsonObject *cc,
                           const char *code)
{
  JsonArray *codings = hf_json_array (cc, "coding");

  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    if (g_strcmp0 (hf_json_string (_hf_fhir_elem_obj (codings, i), "code"), code) == 0)
      return TRUE;
  return FALSE;
}

char *
_hf_fhir_human_name (JsonObject *name)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *given = hf_json_array (name, "given");
  JsonArray *prefix = hf_json_array (name, "prefix");

  if (name == NULL)
    return NULL;
  if (hf_json_string (name, "text") != NULL)
    return g_strdup (hf_json_string (name, "text"));
  for (guint i = 0; i < _hf_fhir_len (prefix); i++)
    _hf_fhir_append_part (s, " ", _hf_fhir_elem_str (prefix, i));
  for (guint i = 0; i < _hf_fhir_len (given); i++)
    _hf_fhir_append_part (s, " ", _hf_fhir_elem_str (given, i));
  _hf_fhir_append_part (s, " ", hf_json_string (name, "family"));
  return s->len ? g_strdup (s->str) : NULL;
}

char *
_hf_fhir_address_text (JsonObject *address)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *lines = hf_json_array (address, "line");

  if (address == NULL)
    return NULL;
  if (hf_json_string (address, "text") != NULL)
    return g_strdup (hf_json_string (address, "text"));
  for (guint i = 0; i < _hf_fhir_len (lines); i++)
    _hf_fhir_append_part (s, ", ", _hf_fhir_elem_str (lines, i));
  _hf_fhir_append_part (s, ", ", hf_json_string (address, "city"));
  _hf_fhir_append_part (s, ", ", hf_json_string (address, "state"));
  _hf_fhir_append_part (s, " ", hf_json_string (address, "postalCode"));
  _hf_fhir_append_part (s, ", ", hf_json_string (address, "country"));
  return s->len ? g_strdup (s->str) : NULL;
}

/* }}} */
/* {{{ references */

/* A reference's words: its display, else the name of a contained resource ("#med1"), else
 * whatever the caller can find for it. */
char *
_hf_fhir_reference_text (HfFhirContext *ctx,
                         JsonObject    *ref)
{
  const char *target = hf_json_string (ref, "reference");

  if (ref == NULL)
    return NULL;
  if (hf_json_string (ref, "display") != NULL)
    return g_strdup (hf_json_string (ref, "display"));
  if (target != NULL && target[0] == '#')
    {
      JsonArray *contained = hf_json_array (ctx->r, "contained");
      for (guint i = 0; i < _hf_fhir_len (contained); i++)
        if (g_strcmp0 (hf_json_string (_hf_fhir_elem_obj (contained, i), "id"), target + 1) == 0)
          return hf_fhir_display_name (_hf_fhir_elem_obj (contained, i));
      return NULL;
    }
  if (ctx->resolve != NULL && target != NULL)
    return ctx->resolve (target, ctx->data);
  return NULL;
}

/* The referenced record's own summary when it can be found (a report's result shows its value,
 * not just the name the report gave it), else the reference's words. */
char *
_hf_fhir_reference_text_resolved (HfFhirContext *ctx,
                                  JsonObject    *ref)
{
  const char *target = hf_json_string (ref, "reference");
  char *found = NULL;

  if (ctx->resolve != NULL && target != NULL && target[0] != '#')
    found = ctx->resolve (target, ctx->data);
  return found ? found : _hf_fhir_reference_text (ctx, ref);
}

/* Every reference of an array (or of a member of each element: performer[].actor), joined. */
char *
_hf_fhir_references_text (HfFhirContext *ctx,
                          JsonArray     *refs,
                          const char    *member)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < _hf_fhir_len (refs); i++)
    {
      JsonObject *e = _hf_fhir_elem_obj (refs, i);
      g_autofree char *t = _hf_fhir_reference_text (ctx, member ? hf_json_object (e, member) : e);
      _hf_fhir_append_part (s, ", ", t);
    }
  return s->len ? g_strdup (s->str) : NULL;
}

/* }}} */
/* {{{ dates */

/* "2019-03-02T10:00:00-05:00" → "2019-03-02T15:00:00Z"; dates and partial dates stay as they
 * are, so text order is time order. */
/* At most MAX bytes of TEXT, never half a character: a date that is not one may hold any
 * text. */
char *
_hf_fhir_text_prefix (const char *text,
                      gsize       max)
{
  const char *end = text;

  while (*end != '\0' && (gsize) (g_utf8_next_char (end) - text) <= max)
    end = g_utf8_next_char (end);
  return g_strndup (text, end - text);
}

char *
_hf_fhir_sortable_date (const char *text)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (text == NULL || strlen (text) < 4)
    return NULL;
  if (strchr (text, 'T') == NULL)
    return g_strdup (text);
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return _hf_fhir_text_prefix (text, 10);
  utc = g_date_time_to_utc (dt);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

const char *
_hf_fhir_first_date (JsonObject *r,
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

/* The day a record is listed on, in the local time zone (hf-fhir-date.c). */
char *
_hf_fhir_display_date (const char *text)
{
  return hf_fhir_date_format (text, HF_DATE_STYLE_DAY);
}

/* For the detail view: the date, and the time of day in the local time zone, without seconds
 * ("2019-03-02 08:30"); a date, or a time of midnight, as a date only. */
char *
_hf_fhir_readable_date (const char *text)
{
  return hf_fhir_date_format (text, HF_DATE_STYLE_DAY_TIME);
}

char *
_hf_fhir_period_text (JsonObject *period)
{
  g_autofree char *start = _hf_fhir_readable_date (hf_json_string (period, "start"));
  g_autofree char *end = _hf_fhir_readable_date (hf_json_string (period, "end"));

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

/* How many significant digits VALUE needs to read back as itself: json-glib keeps the source's
 * number as a double, so this is every digit the source wrote but its trailing zeros. */
static int
significant_digits (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  static const char * const formats[] = {
    "%.1e", "%.1e", "%.2e", "%.3e", "%.4e", "%.5e", "%.6e", "%.7e", "%.8e", "%.9e", "%.10e",
    "%.11e", "%.12e", "%.13e", "%.14e", "%.15e", "%.16e",
  };

  /* "%.Ne" has N + 1 significant digits. */
  for (int digits = 1; digits <= 17; digits++)
    {
      g_ascii_formatd (buf, sizeof buf, digits == 1 ? "%.0e" : formats[digits - 1], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return digits;
    }
  return 17;
}

/* VALUE with DECIMALS decimals, trailing zeros dropped: "13.5", "120", "0.09". */
static char *
fixed (double value,
       int    decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 340];
  g_autofree char *format = g_strdup_printf ("%%.%df", CLAMP (decimals, 0, 20));
  char *end;

  g_ascii_formatd (buf, sizeof buf, format, value);
  if (strchr (buf, '.') != NULL)
    {
      end = buf + strlen (buf) - 1;
      while (*end == '0')
        *end-- = '\0';
      if (*end == '.')
        *end = '\0';
    }
  if (g_str_equal (buf, "-0"))
    return g_strdup ("0");
  return g_strdup (buf);
}

/* A number for reading. EXACT: every digit json-glib kept of what the source wrote ("12.50"
 * reads "12.5": the parser keeps no trailing zeros). TITLE: at most four significant digits
 * ("53.3458767756843" → "53.35"), never fewer whole digits than the number has ("176000"), and
 * never more digits than the source had. */
char *
_hf_fhir_number_text (double            value,
                      HfFhirNumberStyle style)
{
  int digits, magnitude, decimals;

  if (!isfinite (value))
    return g_strdup ("?");
  if (value == 0)
    return g_strdup ("0");
  digits = significant_digits (value);
  magnitude = (int) floor (log10 (fabs (value)));   /* 0 for 1–9.99, -2 for 0.01–0.099 */
  decimals = MAX (0, digits - 1 - magnitude);
  if (style == HF_FHIR_NUMBER_TITLE)
    decimals = MIN (decimals, MAX (0, MIN (digits, 4) - 1 - magnitude));
  return fixed (value, decimals);
}

/* For reading, not for storage: a title's number, at most four significant digits. */
char *
_hf_fhir_format_number (double value)
{
  return _hf_fhir_number_text (value, HF_FHIR_NUMBER_TITLE);
}

/* A Quantity's unit as people write it (hf-fhir-units.c), from its UCUM code when it has one,
 * else from its unit text; NULL for none. */
char *
_hf_fhir_quantity_unit (JsonObject *q)
{
  const char *system = hf_json_string (q, "system");
  const char *code = hf_json_string (q, "code");

  if (system != NULL && !g_str_equal (system, "http://unitsofmeasure.org"))
    code = NULL;
  return _hf_fhir_unit_display (code, hf_json_string (q, "unit"));
}

static char *
quantity_text (JsonObject        *q,
               HfFhirNumberStyle  style,
               double            *value,
               char             **unit_out)
{
  double v;
  g_autofree char *n = NULL;
  g_autofree char *unit = NULL;
  const char *comparator = hf_json_string (q, "comparator");

  if (!hf_json_number (q, "value", &v))
    return NULL;
  n = _hf_fhir_number_text (v, style);
  unit = _hf_fhir_quantity_unit (q);
  if (value != NULL)
    *value = v;
  if (unit_out != NULL)
    *unit_out = g_strdup (unit);
  return g_strdup_printf ("%s%s%s%s%s", comparator ? comparator : "", comparator ? " " : "", n,
                          unit ? " " : "", unit ? unit : "");
}

/* "6.3 %", "< 5 mg/dL"; the value and the unit as shown, if wanted. */
char *
_hf_fhir_quantity_text (JsonObject  *q,
                        double      *value,
                        char       **unit_out)
{
  return quantity_text (q, HF_FHIR_NUMBER_TITLE, value, unit_out);
}

/* "4–5.6 %", "below 5.6 %", "above 60 mL/min"; or the range's own text. */
char *
_hf_fhir_range_text_styled (JsonObject        *range,
                            HfFhirNumberStyle  style)
{
  double l;
  g_autofree char *low = NULL;
  g_autofree char *high = quantity_text (hf_json_object (range, "high"), style, NULL, NULL);

  if (range == NULL)
    return NULL;
  if (hf_json_string (range, "text") != NULL)
    return g_strdup (hf_json_string (range, "text"));
  if (hf_json_number (hf_json_object (range, "low"), "value", &l))
    low = high ? _hf_fhir_number_text (l, style)
               : quantity_text (hf_json_object (range, "low"), style, NULL, NULL);
  if (low != NULL && high != NULL)
    return g_strdup_printf ("%s–%s", low, high);
  if (high != NULL)
    return g_strdup_printf ("below %s", high);
  if (low != NULL)
    return g_strdup_printf ("above %s", low);
  return NULL;
}

char *
_hf_fhir_range_text (JsonObject *range)
{
  return _hf_fhir_range_text_styled (range, HF_FHIR_NUMBER_TITLE);
}

/* An Observation's or a component's value[x], as words; numbers in STYLE. */
char *
_hf_fhir_value_text_styled (JsonObject        *holder,
                            HfFhirNumberStyle  style,
                            HfFhirValueKind   *kind,
                            double            *number,
                            char             **unit)
{
  JsonObject *ratio = hf_json_object (holder, "valueRatio");
  double d;
  gboolean b;
  char *text;

  *kind = HF_FHIR_VALUE_QUANTITY;
  if ((text = quantity_text (hf_json_object (holder, "valueQuantity"), style, number,
                             unit)) != NULL)
    return text;
  if (hf_json_number (holder, "valueInteger", &d))
    {
      if (number != NULL)
        *number = d;
      return _hf_fhir_number_text (d, HF_FHIR_NUMBER_EXACT);
    }
  if ((text = _hf_fhir_range_text_styled (hf_json_object (holder, "valueRange"), style)) != NULL)
    return text;
  if (ratio != NULL)
    {
      g_autofree char *n = quantity_text (hf_json_object (ratio, "numerator"), style, NULL, NULL);
      g_autofree char *dn = quantity_text (hf_json_object (ratio, "denominator"), style, NULL,
                                           NULL);
      if (n != NULL && dn != NULL)
        return g_strdup_printf ("%s / %s", n, dn);
    }
  *kind = HF_FHIR_VALUE_WORDS;
  if ((text = _hf_fhir_concept_text (hf_json_object (holder, "valueCodeableConcept"))) != NULL)
    return text;
  if (hf_json_string (holder, "valueString") != NULL)
    return g_strdup (hf_json_string (holder, "valueString"));
  if (boolean (holder, "valueBoolean", &b))
    return g_strdup (b ? "yes" : "no");
  if (hf_json_string (holder, "valueTime") != NULL)
    return _hf_fhir_text_prefix (hf_json_string (holder, "valueTime"), 5);
  if ((text = _hf_fhir_readable_date (hf_json_string (holder, "valueDateTime"))) != NULL)
    return text;
  if ((text = _hf_fhir_period_text (hf_json_object (holder, "valuePeriod"))) != NULL)
    return text;
  *kind = HF_FHIR_VALUE_NONE;
  return NULL;
}

char *
_hf_fhir_value_text (JsonObject       *holder,
                     HfFhirValueKind  *kind,
                     double           *number,
                     char            **unit)
{
  return _hf_fhir_value_text_styled (holder, HF_FHIR_NUMBER_TITLE, kind, number, unit);
}

/* Blood pressure's parts by LOINC code: systolic first, whatever order the source used. */
int
_hf_fhir_component_rank (JsonObject *component)
{
  JsonObject *code = hf_json_object (component, "code");

  if (_hf_fhir_concept_has_code (code, "8480-6"))
    return 0;
  if (_hf_fhir_concept_has_code (code, "8462-4"))
    return 1;
  return 2;
}

/* "120/80 mmHg" when every component is a number in the same unit. */
char *
_hf_fhir_components_value (JsonArray *components)
{
  g_autoptr(GString) parts = g_string_new (NULL);
  g_autofree char *unit = NULL;
  guint order[64];
  guint n = 0;

  for (int rank = 0; rank <= 2; rank++)
    for (guint i = 0; i < _hf_fhir_len (components) && n < G_N_ELEMENTS (order); i++)
      if (_hf_fhir_component_rank (_hf_fhir_elem_obj (components, i)) == rank)
        order[n++] = i;
  for (guint k = 0; k < n; k++)
    {
      JsonObject *q = hf_json_object (_hf_fhir_elem_obj (components, order[k]), "valueQuantity");
      double v;
      g_autofree char *number = NULL;
      g_autofree char *this_unit = NULL;

      if (!hf_json_number (q, "value", &v))
        return NULL;
      number = _hf_fhir_format_number (v);
      _hf_fhir_append_part (parts, "/", number);
      this_unit = _hf_fhir_quantity_unit (q);
      if (k == 0)
        unit = g_steal_pointer (&this_unit);
      else if (g_strcmp0 (unit, this_unit) != 0)
        return NULL;
    }
  if (parts->len == 0)
    return NULL;
  return unit ? g_strdup_printf ("%s %s", parts->str, unit) : g_strdup (parts->str);
}

/* HL7 v3 ObservationInterpretation (the codes FHIR R4 binds Observation.interpretation to): a
 * short flag for titles, and words for the detail. */
static const struct
{
  const char *code;
  const char *flag;
  const char *words;
} interpretations[] = {
  { "H", "high", "High: above the normal range" },
  { "HH", "critically high", "Critically high: far above the normal range" },
  { "HU", "very high", "Very high: significantly above the normal range" },
  { "HX", "above the limit", "Above the upper limit a treatment or test can use" },
  { "L", "low", "Low: below the normal range" },
  { "LL", "critically low", "Critically low: far below the normal range" },
  { "LU", "very low", "Very low: significantly below the normal range" },
  { "LX", "below the limit", "Below the lower limit a treatment or test can use" },
  { "N", "normal", "Normal: within the normal range" },
  { "A", "abnormal", "Abnormal" },
  { "AA", "critically abnormal", "Critically abnormal" },
  { "EX", "outside the limits", "Outside the limits a treatment or test can use" },
  { "<", "below the scale", "Below the lowest value the test can measure" },
  { ">", "above the scale", "Above the highest value the test can measure" },
  { "S", "susceptible", "Susceptible: this medicine is expected to work against the germ" },
  { "R", "resistant", "Resistant: this medicine is not expected to work against the germ" },
  { "I", "intermediate", "Intermediate: this medicine may work against the germ at a higher "
    "dose or where it concentrates" },
  { "MS", "moderately susceptible", "Moderately susceptible to this medicine" },
  { "VS", "very susceptible", "Very susceptible to this medicine" },
  { "SDD", "susceptible at higher dose", "Susceptible if a higher dose is used" },
  { "NS", "not susceptible", "Not susceptible: this medicine is not expected to work" },
  { "SYN-R", "resistant in combination", "Resistant to this combination of medicines" },
  { "SYN-S", "susceptible in combination", "Susceptible to this combination of medicines" },
  { "NCL", "no breakpoint", "No CLSI breakpoint is defined for this medicine" },
  { "POS", "positive", "Positive" },
  { "NEG", "negative", "Negative" },
  { "DET", "detected", "Detected" },
  { "ND", "not detected", "Not detected" },
  { "IND", "indeterminate", "Indeterminate: the result could not be decided" },
  { "E", "equivocal", "Equivocal: neither clearly positive nor clearly negative" },
  { "RR", "reactive", "Reactive" },
  { "NR", "non-reactive", "Non-reactive" },
  { "WR", "weakly reactive", "Weakly reactive" },
  { "CAR", "carrier", "Carrier" },
  { "EXP", "expected", "Expected" },
  { "UNE", "unexpected", "Unexpected" },
  { "B", "better", "Better than the last result" },
  { "W", "worse", "Worse than the last result" },
  { "U", "significant rise", "Significantly up from the last result" },
  { "D", "significant fall", "Significantly down from the last result" },
  { "IE", "insufficient evidence", "Insufficient evidence to interpret" },
  { "OBX", "outside the bounds", "Interpretation outside the bounds of the test" },
};

static int
interpretation_index (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (interpretations); i++)
    if (g_str_equal (interpretations[i].code, code))
      return (int) i;
  return -1;
}

static const char *
interpretation_word (const char *code)
{
  int i = interpretation_index (code);

  return i >= 0 ? interpretations[i].flag : NULL;
}

/* The interpretation's code, from the codings of the first interpretation; else from the value
 * against the reference range ("H", "L", "N"); *CONCEPT the interpretation when it has none of
 * the known codes. */
static const char *
interpretation_code (JsonObject  *holder,
                     gboolean     numeric,
                     double       value,
                     JsonObject **concept)
{
  JsonObject *interp = hf_json_first_object (holder, "interpretation");
  JsonObject *range = hf_json_first_object (holder, "referenceRange");
  double low, high;

  *concept = NULL;
  if (interp != NULL)
    {
      JsonArray *codings = hf_json_array (interp, "coding");
      for (guint i = 0; i < _hf_fhir_len (codings); i++)
        {
          const char *code = hf_json_string (_hf_fhir_elem_obj (codings, i), "code");
          if (interpretation_word (code) != NULL)
            return code;
        }
      *concept = interp;
      return NULL;
    }
  if (!numeric || range == NULL)
    return NULL;
  if (hf_json_number (hf_json_object (range, "high"), "value", &high) && value > high)
    return "H";
  if (hf_json_number (hf_json_object (range, "low"), "value", &low) && value < low)
    return "L";
  if (hf_json_number (hf_json_object (range, "high"), "value", &high) ||
      hf_json_number (hf_json_object (range, "low"), "value", &low))
    return "N";
  return NULL;
}

/* A short flag for titles ("high", "susceptible"), from the interpretation, else from the
 * value and the reference range. */
char *
_hf_fhir_interpretation (JsonObject *holder,
                         gboolean    numeric,
                         double      value)
{
  JsonObject *concept;
  const char *code = interpretation_code (holder, numeric, value, &concept);

  if (code != NULL)
    return g_strdup (interpretation_word (code));
  return concept ? _hf_fhir_concept_text (concept) : NULL;
}

/* The same in words, for the detail: "High: above the normal range". */
char *
_hf_fhir_interpretation_words (JsonObject *holder,
                               gboolean    numeric,
                               double      value)
{
  JsonObject *concept;
  const char *code = interpretation_code (holder, numeric, value, &concept);

  if (code != NULL)
    return g_strdup (interpretations[interpretation_index (code)].words);
  return concept ? _hf_fhir_concept_text (concept) : NULL;
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
char *
_hf_fhir_timing_text (JsonObject *dosage)
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
      g_autofree char *why = _hf_fhir_concept_text (hf_json_object (dosage,
                                                                    "asNeededCodeableConcept"));
      g_string_append_printf (s, "%sas needed%s%s", s->len ? ", " : "", why ? " for " : "",
                              why ? why : "");
    }
  else if (boolean (dosage, "asNeededBoolean", &as_needed) && as_needed)
    g_string_append_printf (s, "%sas needed", s->len ? ", " : "");
  return s->len ? g_strdup (s->str) : NULL;
}

/* "500 mg", "1–2 tablets"; a bare number ("1", no unit) as NULL with *count set. */
char *
_hf_fhir_dose_text (JsonObject *dosage,
                    double     *count)
{
  JsonObject *dr = hf_json_first_object (dosage, "doseAndRate");
  JsonObject *q = hf_json_object (dr, "doseQuantity");
  double v;
  g_autofree char *unit = q ? _hf_fhir_quantity_unit (q) : NULL;

  *count = 0;
  if (q != NULL && unit == NULL)
    {
      if (hf_json_number (q, "value", &v))
        *count = v;
      return NULL;
    }
  if (q != NULL)
    return _hf_fhir_quantity_text (q, NULL, NULL);
  return _hf_fhir_range_text (hf_json_object (dr, "doseRange"));
}

/* The dose and how often, as one phrase after the medication's name NAME: " 500 mg, 3 times a
 * day"; the prescriber's own text when nothing is structured. */
char *
_hf_fhir_dosage_phrase (JsonObject *dosage,
                        const char *name)
{
  double count = 0;
  g_autofree char *dose = _hf_fhir_dose_text (dosage, &count);
  g_autofree char *timing = _hf_fhir_timing_text (dosage);
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

char *
_hf_fhir_join_notes (JsonObject *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  JsonArray *notes = hf_json_array (r, "note");
  JsonArray *dosages = hf_json_array (r, "dosageInstruction")
                       ? hf_json_array (r, "dosageInstruction")
                       : hf_json_array (r, "dosage");

  for (guint i = 0; i < _hf_fhir_len (notes); i++)
    _hf_fhir_append_part (s, " ", hf_json_string (_hf_fhir_elem_obj (notes, i), "text"));
  for (guint i = 0; i < _hf_fhir_len (dosages); i++)
    {
      _hf_fhir_append_part (s, " ", hf_json_string (_hf_fhir_elem_obj (dosages, i), "text"));
      _hf_fhir_append_part (s, " ", hf_json_string (_hf_fhir_elem_obj (dosages, i),
                                                    "patientInstruction"));
    }
  _hf_fhir_append_part (s, " ", hf_json_string (r, "description"));
  _hf_fhir_append_part (s, " ", hf_json_string (r, "valueString"));
  _hf_fhir_append_part (s, " ", hf_json_string (r, "comment"));
  _hf_fhir_append_part (s, " ", hf_json_string (r, "conclusion"));
  return s->len ? g_strdup (s->str) : NULL;
}

void
_hf_fhir_add_concept_codes (GString    *s,
                            JsonObject *cc)
{
  JsonArray *codings = hf_json_array (cc, "coding");

  _hf_fhir_append_part (s, " ", hf_json_string (cc, "text"));
  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    {
      JsonObject *c = _hf_fhir_elem_obj (codings, i);
      _hf_fhir_append_part (s, " ", hf_json_string (c, "display"));
      _hf_fhir_append_part (s, " ", hf_json_string (c, "code"));
    }
}

/* }}} */
