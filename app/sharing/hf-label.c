/* hf-label.c — sensitivity labels: from the rule table, from the source, from the patient
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three kinds of label, stored apart:
 *  - the rule table's (data/sensitivity-labels.tsv, built in) and the source's own meta.security
 *    codings, per resource row in resource_label: written by the importer's observer as each
 *    row is stored, inside the import's transaction, and the table's again by hf_label_refresh
 *    when the table changes (each table label keeps the version of the table that gave it;
 *    label_state says which version labelled the whole vault);
 *  - the patient's decisions, per record (type, id, source) in label_decision, so that a later
 *    version of the record keeps them.
 * A record's effective labels are (table ∪ source ∪ added) − removed, and exactly one
 * confidentiality code: the patient's if they chose one, else the source's (v3-Confidentiality
 * in meta.security), else R when it has a sensitivity label we know, else N. Codes a source put
 * in meta.security that we do not know (ActCode policy codes such as TBOO, other systems) are
 * kept and listed, but do not make a record restricted: hf_label_is_known() says which count.
 */

#include "hf-label.h"
#include "hf-label-private.h"

#include <gio/gio.h>
#include <string.h>

#include "hf-error.h"
#include "hf-json-util.h"
#include "hf-vault-private.h"

/* Made by glib-compile-resources (app/meson.build). */
GResource *_hf_sharing_get_resource (void);

#define RESOURCE_PREFIX "/io/github/healthfolio/sharing/"

/* A row the patient sees as current. */
#define CURRENT "superseded_by IS NULL AND deleted_at IS NULL"

/* Outside input (meta.security) is kept within these bounds. */
#define MAX_SOURCE_LABELS 32
#define MAX_CODE_BYTES    64
#define MAX_SYSTEM_BYTES  256

/* {{{ the labels we know */

typedef struct
{
  const char *code;
  const char *name;
  gboolean    part2;
} KnownLabel;

/* HL7 v3 ActCode (_ActInformationSensitivityPolicy), with the names a patient reads. */
static const KnownLabel known[] = {
  { "ETH",      "substance abuse",                            TRUE },
  { "ETHUD",    "alcohol use disorders",                      TRUE },
  { "GDIS",     "genetic diseases",                           FALSE },
  { "HIV",      "HIV/AIDS",                                   FALSE },
  { "MH",       "mental health",                              FALSE },
  { "OPIOIDUD", "opioid use disorders",                       TRUE },
  { "PSY",      "psychiatric disorders",                      FALSE },
  { "SDV",      "sexual assault, abuse or domestic violence", FALSE },
  { "SEX",      "sexuality and reproductive health",          FALSE },
  { "STD",      "sexually transmitted infections",            FALSE },
  { "SUD",      "substance use disorders",                    TRUE },
};

/* v3-Confidentiality, least to most restricted. */
static const KnownLabel confidentiality[] = {
  { "U", "unrestricted",     FALSE },
  { "L", "low",              FALSE },
  { "M", "moderate",         FALSE },
  { "N", "normal",           FALSE },
  { "R", "restricted",       FALSE },
  { "V", "very restricted",  FALSE },
};

static const KnownLabel *
find_known (const char *code)
{
  if (code == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (known[i].code, code))
      return &known[i];
  return NULL;
}

/* The rank of a v3-Confidentiality code (1 = U … 6 = V), 0 for anything else. */
static int
confidentiality_rank (const char *code)
{
  if (code == NULL)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (confidentiality); i++)
    if (g_str_equal (confidentiality[i].code, code))
      return (int) i + 1;
  return 0;
}

const char *
hf_label_name (const char *code)
{
  const KnownLabel *k = find_known (code);
  int rank = confidentiality_rank (code);

  if (k != NULL)
    return k->name;
  return rank > 0 ? confidentiality[rank - 1].name : NULL;
}

gboolean
hf_label_is_known (const char *code)
{
  return find_known (code) != NULL;
}

gboolean
hf_label_is_part2 (const char *code)
{
  const KnownLabel *k = find_known (code);

  return k != NULL && k->part2;
}

const char * const *
hf_label_known_codes (void)
{
  static const char *codes[G_N_ELEMENTS (known) + 1];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        codes[i] = known[i].code;
      g_once_init_leave (&done, 1);
    }
  return codes;
}

/* Whether the patient may add CODE by hand: a known sensitivity label, or N, R or V. */
static gboolean
manual_allowed (const char *code)
{
  return find_known (code) != NULL || g_strcmp0 (code, "N") == 0 ||
         g_strcmp0 (code, "R") == 0 || g_strcmp0 (code, "V") == 0;
}

void
hf_label_free (HfLabel *label)
{
  if (label == NULL)
    return;
  g_free (label->code);
  g_free (label->system);
  g_free (label->why);
  g_free (label);
}

/* }}} */

/* {{{ the rule table */

/* Code systems, by the letter they have in the index. */
typedef struct
{
  char        letter;
  const char *name;     /* as the table writes it */
  const char *uris[2];
} CodeSystem;

static const CodeSystem systems[] = {
  { 'I', "ICD-10-CM", { "http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10" } },
  { 'S', "SNOMED-CT", { "http://snomed.info/sct", NULL } },
  { 'L', "LOINC",     { "http://loinc.org", NULL } },
  { 'R', "RxNorm",    { "http://www.nlm.nih.gov/research/umls/rxnorm", NULL } },
};

static char
system_letter (const char *uri)
{
  for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
    for (guint k = 0; k < G_N_ELEMENTS (systems[i].uris); k++)
      if (systems[i].uris[k] != NULL && g_str_equal (systems[i].uris[k], uri))
        return systems[i].letter;
  return 0;
}

static const CodeSystem *
system_by_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
    if (g_str_equal (systems[i].name, name))
      return &systems[i];
  return NULL;
}

typedef struct
{
  HfLabelRule  pub;
  char        *fields;    /* the line's text, which pub's strings point into */
  char         letter;
} Rule;

typedef struct
{
  GPtrArray  *rules;      /* Rule* */
  GHashTable *index;      /* "L|CODE" (L the system's letter; ICD-10 codes without dots,
                           * upper case, a category or prefix) → GPtrArray of Rule* */
  char       *version;    /* short hex SHA-256 of the table's bytes */
  char       *notice;
} Table;

static void
rule_free (Rule *r)
{
  g_free (r->fields);
  g_free (r);
}

/* ICD-10 code as the index holds it: upper case, without the dot; NULL if it is not one. */
static gboolean
icd_normalize (const char *code,
               char       *out,
               gsize       size)
{
  gsize n = 0;

  for (const char *c = code; *c != '\0'; c++)
    {
      if (*c == '.')
        continue;
      if (!g_ascii_isalnum (*c) || n + 1 >= size)
        return FALSE;
      out[n++] = g_ascii_toupper (*c);
    }
  out[n] = '\0';
  return n >= 3;
}

static void
index_add (GHashTable *index,
           char        letter,
           const char *code,
           Rule       *rule)
{
  char *key = g_strdup_printf ("%c|%s", letter, code);
  GPtrArray *list = g_hash_table_lookup (index, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (index, key, list);
    }
  else
    g_free (key);
  if (!g_ptr_array_find (list, rule, NULL))
    g_ptr_array_add (list, rule);
}

/* One item of a range rule: "F10", "Z04.4" or "F12-F16" (the same letters, then numbers of
 * the same width). */
static gboolean
index_range_item (GHashTable *index,
                  Rule       *rule,
                  const char *item)
{
  g_auto(GStrv) ends = g_strsplit (item, "-", 3);
  char from[16], to[16];
  gsize digits_at;
  guint64 lo, hi;

  if (ends[0] == NULL || !icd_normalize (g_strstrip (ends[0]), from, sizeof from))
    return FALSE;
  if (ends[1] == NULL)
    {
      index_add (index, rule->letter, from, rule);
      return TRUE;
    }
  if (ends[2] != NULL || !icd_normalize (g_strstrip (ends[1]), to, sizeof to) ||
      strlen (from) != strlen (to))
    return FALSE;
  for (digits_at = strlen (from); digits_at > 0 && g_ascii_isdigit (from[digits_at - 1]);
       digits_at--)
    ;
  if (digits_at == 0 || digits_at == strlen (from) || strncmp (from, to, digits_at) != 0 ||
      !g_ascii_string_to_unsigned (from + digits_at, 10, 0, G_MAXUINT32, &lo, NULL) ||
      !g_ascii_string_to_unsigned (to + digits_at, 10, 0, G_MAXUINT32, &hi, NULL) || lo > hi ||
      hi - lo > 1000)
    return FALSE;
  for (guint64 v = lo; v <= hi; v++)
    {
      char code[32];
      g_snprintf (code, sizeof code, "%.*s%0*" G_GUINT64_FORMAT, (int) digits_at, from,
                  (int) (strlen (from) - digits_at), v);
      index_add (index, rule->letter, code, rule);
    }
  return TRUE;
}

static void
table_free (Table *t)
{
  if (t == NULL)
    return;
  g_ptr_array_unref (t->rules);
  g_hash_table_unref (t->index);
  g_free (t->version);
  g_free (t->notice);
  g_free (t);
}

static char *
resource_text (const char *name)
{
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, name, NULL);
  g_autoptr(GBytes) bytes = g_resource_lookup_data (_hf_sharing_get_resource (), path,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_return_val_if_fail (bytes != NULL, g_strdup (""));
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* The notice file without its comment lines. */
static char *
notice_from_text (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#')
        continue;
      if (out->len > 0 || lines[i][0] != '\0')
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  while (out->len > 0 && out->str[out->len - 1] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* TEXT is a whole table; a line that does not parse is a programming error in data/ (the
 * build's own table is checked by the tests), reported once and skipped. */
static Table *
table_parse (const char *text)
{
  Table *t = g_new0 (Table, 1);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gboolean header_seen = FALSE;

  g_checksum_update (sum, (const guchar *) text, strlen (text));
  t->version = g_strndup (g_checksum_get_string (sum), 16);
  t->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  t->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      Rule *r;
      char *f[7];
      char *p;
      const CodeSystem *cs;
      g_auto(GStrv) codes = NULL;
      gboolean ok = TRUE;
      guint n = 0;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      if (!header_seen)
        {
          header_seen = TRUE;
          continue;
        }
      r = g_new0 (Rule, 1);
      r->fields = g_strdup (lines[i]);
      for (p = r->fields; n < G_N_ELEMENTS (f); n++)
        {
          f[n] = p;
          p = strchr (p, '\t');
          if (p == NULL)
            {
              n++;
              break;
            }
          *p++ = '\0';
        }
      cs = n == G_N_ELEMENTS (f) && p == NULL ? system_by_name (f[2]) : NULL;
      if (cs == NULL || find_known (f[1]) == NULL ||
          (!g_str_equal (f[3], "range") && !g_str_equal (f[3], "list")) ||
          (g_str_equal (f[3], "range") && cs->letter != 'I'))
        {
          g_warning ("sensitivity-labels.tsv line %u is not a rule; skipped", i + 1);
          rule_free (r);
          continue;
        }
      r->letter = cs->letter;
      r->pub = (HfLabelRule) { f[0], f[1], f[2], f[3], f[4], f[5], f[6] };
      codes = g_strsplit (f[4], ",", -1);
      for (guint k = 0; codes[k] != NULL && ok; k++)
        {
          char *code = g_strstrip (codes[k]);
          if (r->letter == 'I')
            ok = index_range_item (t->index, r, code);
          else if (*code != '\0')
            index_add (t->index, r->letter, code, r);
          else
            ok = FALSE;
        }
      if (!ok)
        g_warning ("sensitivity-labels.tsv line %u has a code that is not one; its rule is "
                   "partly used", i + 1);
      g_ptr_array_add (t->rules, r);
    }
  return t;
}

static Table *builtin;
static Table *for_testing;

static Table *
table_get (void)
{
  static gsize loaded = 0;

  if (for_testing != NULL)
    return for_testing;
  if (g_once_init_enter (&loaded))
    {
      g_autofree char *text = resource_text ("sensitivity-labels.tsv");
      g_autofree char *notice = resource_text ("42cfr-part2-notice.txt");

      builtin = table_parse (text);
      builtin->notice = notice_from_text (notice);
      g_once_init_leave (&loaded, 1);
    }
  return builtin;
}

void
_hf_label_set_table_for_testing (const char *tsv)
{
  Table *t;

  g_clear_pointer (&for_testing, table_free);
  if (tsv == NULL)
    return;
  t = table_parse (tsv);
  t->notice = g_strdup (table_get ()->notice);
  for_testing = t;
}

const char *
hf_label_table_version (void)
{
  return table_get ()->version;
}

const char *
hf_label_part2_notice (void)
{
  return table_get ()->notice;
}

GPtrArray *
hf_label_rules (void)
{
  Table *t = table_get ();
  GPtrArray *out = g_ptr_array_sized_new (t->rules->len);

  for (guint i = 0; i < t->rules->len; i++)
    g_ptr_array_add (out, &((Rule *) g_ptr_array_index (t->rules, i))->pub);
  return out;
}

static const Rule *
rule_by_name (Table      *t,
              const char *name)
{
  for (guint i = 0; name != NULL && i < t->rules->len; i++)
    {
      Rule *r = g_ptr_array_index (t->rules, i);
      if (g_str_equal (r->pub.rule, name))
        return r;
    }
  return NULL;
}

/* The rules matching CODE of the system with LETTER, each once, into OUT (Rule*). ICD-10 codes
 * match by category and prefix ("F32.9": F32, F329). */
static void
match_into (Table      *t,
            char        letter,
            const char *code,
            GPtrArray  *out)
{
  char key[2 + MAX_CODE_BYTES + 1];
  GPtrArray *list;
  gsize len = strlen (code);

  if (len == 0 || len > MAX_CODE_BYTES)
    return;
  key[0] = letter;
  key[1] = '|';
  if (letter == 'I')
    {
      char norm[MAX_CODE_BYTES + 1];

      if (!icd_normalize (code, norm, sizeof norm))
        return;
      len = strlen (norm);
      for (gsize n = 3; n <= len; n++)
        {
          memcpy (key + 2, norm, n);
          key[2 + n] = '\0';
          if ((list = g_hash_table_lookup (t->index, key)) != NULL)
            for (guint i = 0; i < list->len; i++)
              if (!g_ptr_array_find (out, list->pdata[i], NULL))
                g_ptr_array_add (out, list->pdata[i]);
        }
      return;
    }
  memcpy (key + 2, code, len + 1);
  if ((list = g_hash_table_lookup (t->index, key)) != NULL)
    for (guint i = 0; i < list->len; i++)
      if (!g_ptr_array_find (out, list->pdata[i], NULL))
        g_ptr_array_add (out, list->pdata[i]);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GStrv
_hf_label_match_code (const char *system,
                      const char *code)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  char letter;

  g_return_val_if_fail (system != NULL && code != NULL, NULL);

  if ((letter = system_letter (system)) == 0)
    return NULL;
  match_into (table_get (), letter, code, rules);
  for (guint i = 0; i < rules->len; i++)
    {
      const char *label = ((Rule *) rules->pdata[i])->pub.label;
      if (!g_ptr_array_find_with_equal_func (labels, label, g_str_equal, NULL))
        g_ptr_array_add (labels, g_strdup (label));
    }
  if (labels->len == 0)
    return NULL;
  g_ptr_array_sort (labels, compare_strings);
  g_ptr_array_add (labels, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&labels), FALSE);
}

/* }}} */

/* {{{ reading a resource: the scanner the importer calls */

typedef struct
{
  const Rule *rule;
  char       *matched;     /* "F32.9" */
} TableMatch;

typedef struct
{
  char *system;
  char *code;
  char *display;           /* or NULL */
} SourceLabel;

typedef struct
{
  GArray    *table;        /* TableMatch */
  GArray    *source;       /* SourceLabel */
  char      *version;      /* of the table that matched */
} Scanned;

static void
table_match_clear (TableMatch *m)
{
  g_free (m->matched);
}

static void
source_label_clear (SourceLabel *s)
{
  g_free (s->system);
  g_free (s->code);
  g_free (s->display);
}

static void
scanned_free (gpointer data)
{
  Scanned *s = data;

  if (s == NULL)
    return;
  g_clear_pointer (&s->table, g_array_unref);
  g_clear_pointer (&s->source, g_array_unref);
  g_free (s->version);
  g_free (s);
}

static Scanned *
scanned_new (void)
{
  Scanned *s = g_new0 (Scanned, 1);

  s->table = g_array_new (FALSE, TRUE, sizeof (TableMatch));
  g_array_set_clear_func (s->table, (GDestroyNotify) table_match_clear);
  s->source = g_array_new (FALSE, TRUE, sizeof (SourceLabel));
  g_array_set_clear_func (s->source, (GDestroyNotify) source_label_clear);
  return s;
}

static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static void scan_node (Table *t, JsonNode *node, Scanned **out, guint depth);

/* Every object with a system and a code is a Coding (or a Quantity, whose systems match no
 * rule); everything else is walked into. */
static void
scan_object (Table       *t,
             JsonObject  *o,
             Scanned    **out,
             guint        depth)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  const char *system;
  const char *code;

  if ((system = string_member (o, "system")) != NULL && (code = string_member (o, "code")) != NULL)
    {
      char letter = system_letter (system);

      if (letter != 0)
        {
          g_autoptr(GPtrArray) rules = g_ptr_array_new ();

          match_into (t, letter, code, rules);
          for (guint i = 0; i < rules->len; i++)
            {
              TableMatch m = { rules->pdata[i], NULL };
              gboolean seen = FALSE;

              if (*out == NULL)
                *out = scanned_new ();
              for (guint k = 0; k < (*out)->table->len && !seen; k++)
                seen = g_str_equal (g_array_index ((*out)->table, TableMatch, k).rule->pub.label,
                                    m.rule->pub.label);
              if (seen)
                continue;
              m.matched = g_strdup (code);
              g_array_append_val ((*out)->table, m);
            }
        }
    }
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &name, &member))
    if (!JSON_NODE_HOLDS_VALUE (member) && !g_str_equal (name, "text"))
      scan_node (t, member, out, depth + 1);
}

static void
scan_node (Table     *t,
           JsonNode  *node,
           Scanned  **out,
           guint      depth)
{
  /* The JSON guard bounds nesting before json-glib parses anything; this is a second bound. */
  if (depth > 64)
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    scan_object (t, json_node_get_object (node), out, depth);
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      guint n = json_array_get_length (a);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          if (!JSON_NODE_HOLDS_VALUE (e))
            scan_node (t, e, out, depth + 1);
        }
    }
}

/* meta.security as the source wrote it: outside input, read only where it has the shape of
 * Codings (objects with string system and code, within bounds); the rest is ignored. */
static void
scan_security (JsonObject  *r,
               Scanned    **out)
{
  JsonObject *meta = hf_json_object (r, "meta");
  JsonNode *node = meta != NULL ? json_object_get_member (meta, "security") : NULL;
  JsonArray *a;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  a = json_node_get_array (node);
  n = json_array_get_length (a);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      JsonObject *c;
      const char *system;
      const char *code;
      const char *display;
      SourceLabel s;
      gboolean seen = FALSE;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      c = json_node_get_object (e);
      system = string_member (c, "system");
      code = string_member (c, "code");
      display = string_member (c, "display");
      if (system == NULL || code == NULL || *code == '\0' || *system == '\0' ||
          strlen (code) > MAX_CODE_BYTES || strlen (system) > MAX_SYSTEM_BYTES)
        continue;
      if (*out == NULL)
        *out = scanned_new ();
      if ((*out)->source->len >= MAX_SOURCE_LABELS)
        break;
      for (guint k = 0; k < (*out)->source->len && !seen; k++)
        {
          SourceLabel *o = &g_array_index ((*out)->source, SourceLabel, k);
          seen = g_str_equal (o->system, system) && g_str_equal (o->code, code);
        }
      if (seen)
        continue;
      s.system = g_strdup (system);
      s.code = g_strdup (code);
      /* At most 200 characters (g_utf8_substring reads past the end of a shorter string). */
      if (display == NULL || *display == '\0')
        s.display = NULL;
      else if (g_utf8_strlen (display, -1) > 200)
        s.display = g_utf8_substring (display, 0, 200);
      else
        s.display = g_strdup (display);
      g_array_append_val ((*out)->source, s);
    }
}

static Scanned *
scan_resource (Table      *t,
               JsonObject *r,
               gboolean    with_source)
{
  Scanned *out = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, r);
  while (json_object_iter_next (&iter, &name, &member))
    if (!JSON_NODE_HOLDS_VALUE (member) && !g_str_equal (name, "text") &&
        !g_str_equal (name, "meta"))
      scan_node (t, member, &out, 1);
  if (with_source)
    scan_security (r, &out);
  if (out != NULL)
    out->version = g_strdup (t->version);
  return out;
}

static gpointer
observer_scan (JsonObject *resource,
               const char *type)
{
  (void) type;
  return scan_resource (table_get (), resource, TRUE);
}

static gboolean
store_scanned (sqlite3  *db,
               gint64    row_id,
               Scanned  *s,
               gboolean  table_only,
               GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO resource_label (resource_id, origin, "
                           "system, code, rule, detail, table_version) VALUES (?,?,?,?,?,?,?)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "writing labels", error);
  for (guint i = 0; i < s->table->len && rc == SQLITE_OK; i++)
    {
      TableMatch *m = &g_array_index (s->table, TableMatch, i);

      sqlite3_bind_int64 (stmt, 1, row_id);
      sqlite3_bind_text (stmt, 2, "table", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, HF_LABEL_SYSTEM_ACTCODE, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, m->rule->pub.label, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, m->rule->pub.rule, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, m->matched, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, s->version, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
      sqlite3_reset (stmt);
    }
  for (guint i = 0; !table_only && i < s->source->len && rc == SQLITE_OK; i++)
    {
      SourceLabel *l = &g_array_index (s->source, SourceLabel, i);

      sqlite3_bind_int64 (stmt, 1, row_id);
      sqlite3_bind_text (stmt, 2, "source", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, l->system, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, l->code, -1, SQLITE_STATIC);
      sqlite3_bind_null (stmt, 5);
      if (l->display != NULL)
        sqlite3_bind_text (stmt, 6, l->display, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 6);
      sqlite3_bind_null (stmt, 7);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "writing labels", error);
  return TRUE;
}

static gboolean
observer_store (sqlite3  *db,
                gint64    row_id,
                gpointer  scanned,
                GError  **error)
{
  return store_scanned (db, row_id, scanned, FALSE, error);
}

const HfImportObserver _hf_label_observer = {
  observer_scan,
  observer_store,
  scanned_free,
  NULL,
  NULL,
};

/* }}} */

/* {{{ schema 7 */

gboolean
_hf_labels_migrate_v7 (sqlite3  *db,
                       GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!_hf_db_exec (db,
    /* The table's and the source's labels of one row. A table label names its rule, the code
     * that matched and the table's version; a source label keeps the coding's display. */
    "CREATE TABLE resource_label ("
    "  resource_id   INTEGER NOT NULL REFERENCES resource (id),"
    "  origin        TEXT NOT NULL CHECK (origin IN ('table', 'source')),"
    "  system        TEXT NOT NULL,"
    "  code          TEXT NOT NULL,"
    "  rule          TEXT,"
    "  detail        TEXT,"
    "  table_version TEXT,"
    "  current       INTEGER NOT NULL DEFAULT 1,"   /* its row is current (kept by a trigger) */
    "  PRIMARY KEY (resource_id, origin, system, code)"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER resource_label_gone AFTER DELETE ON resource BEGIN"
    "  DELETE FROM resource_label WHERE resource_id = OLD.id;"
    "END;"
    /* Reading every current record's labels must not read the records: their JSON comes
     * before superseded_by and deleted_at in a row, so checking those costs the whole row. */
    "CREATE TRIGGER resource_label_old AFTER UPDATE OF superseded_by, deleted_at ON resource"
    "  WHEN (OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL)"
    "  OR (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) BEGIN"
    "  UPDATE resource_label SET current = 0 WHERE resource_id = OLD.id;"
    "END;"
    /* The patient's decisions, per record: every version of it from that source. */
    "CREATE TABLE label_decision ("
    "  resource_type TEXT NOT NULL,"
    "  fhir_id       TEXT NOT NULL,"
    "  source_key    TEXT NOT NULL,"
    "  code          TEXT NOT NULL,"
    "  action        TEXT NOT NULL CHECK (action IN ('add', 'remove')),"
    "  actor         TEXT NOT NULL,"
    "  at            INTEGER NOT NULL,"       /* microseconds since the epoch, UTC */
    "  PRIMARY KEY (resource_type, fhir_id, source_key, code)"
    ") WITHOUT ROWID;"
    /* The table version that labelled every record (its labels carry it too). */
    "CREATE TABLE label_state ("
    "  id            INTEGER PRIMARY KEY CHECK (id = 1),"
    "  table_version TEXT NOT NULL,"
    "  labelled_at   INTEGER NOT NULL"
    ");",
    error))
    return FALSE;
  /* A new vault is labelled by this table already (it has nothing); an older one's records are
   * labelled when it is first read (hf_label_refresh). */
  rc = sqlite3_prepare_v2 (db, "INSERT INTO label_state SELECT 1, CASE WHEN EXISTS "
                           "(SELECT 1 FROM resource) THEN '' ELSE ? END, 0", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, hf_label_table_version (), -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "making the labels' tables", error);
  return TRUE;
}

/* }}} */

/* {{{ effective labels */

/* One stored label or decision of a record, as read. */
typedef struct
{
  char   *origin;      /* "table", "source", "add", "remove" */
  char   *system;      /* NULL for a decision */
  char   *code;
  char   *rule;        /* table: the rule's name; decision: the actor */
  char   *detail;      /* table: the code matched; source: its display */
  gint64  at;          /* decision: when */
} Stored;

static void
stored_free (Stored *s)
{
  g_free (s->origin);
  g_free (s->system);
  g_free (s->code);
  g_free (s->rule);
  g_free (s->detail);
  g_free (s);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup (text) : NULL;
}

static char *
format_day (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%-d %B %Y") : g_strdup ("?");
}

static char *
why_table (const Stored *s)
{
  const Rule *r = rule_by_name (table_get (), s->rule);

  if (r == NULL)
    return g_strdup_printf ("from the rule “%s” of an earlier rule table, which %s matched",
                            s->rule ? s->rule : "?", s->detail ? s->detail : "a code");
  return g_strdup_printf ("from the rule “%s” (%s %s), which the record's code %s matches; "
                          "source: %s", r->pub.rule, r->pub.system, r->pub.codes,
                          s->detail ? s->detail : "?", r->pub.source);
}

static HfLabel *
label_new (const char    *code,
           const char    *system,
           HfLabelOrigin  origin,
           char          *why)
{
  HfLabel *l = g_new0 (HfLabel, 1);

  l->code = g_strdup (code);
  l->system = g_strdup (system);
  l->origin = origin;
  l->why = why;
  return l;
}

static gboolean
is_actcode_or_confidentiality (const char *system)
{
  return g_strcmp0 (system, HF_LABEL_SYSTEM_ACTCODE) == 0 ||
         g_strcmp0 (system, HF_LABEL_SYSTEM_CONFIDENTIALITY) == 0;
}

static int
compare_labels (gconstpointer a,
                gconstpointer b)
{
  const HfLabel *x = *(HfLabel * const *) a;
  const HfLabel *y = *(HfLabel * const *) b;
  int c = strcmp (x->code, y->code);

  return c != 0 ? c : strcmp (x->system, y->system);
}

/* STORED (Stored*) of one record → its effective labels (HfLabel*), sorted, the one
 * confidentiality code last. */
static GPtrArray *
effective (GPtrArray *stored)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_label_free);
  g_autoptr(GHashTable) removed = g_hash_table_new (g_str_hash, g_str_equal);
  HfLabel *conf = NULL;
  int source_conf_rank = 0;
  const Stored *source_conf = NULL;
  gboolean sensitive = FALSE;

  for (guint i = 0; i < stored->len; i++)
    {
      Stored *s = g_ptr_array_index (stored, i);
      if (g_str_equal (s->origin, "remove"))
        g_hash_table_add (removed, s->code);
    }
  for (guint i = 0; i < stored->len; i++)
    {
      Stored *s = g_ptr_array_index (stored, i);
      gboolean listed = FALSE;

      if (g_str_equal (s->origin, "remove"))
        continue;
      if (is_actcode_or_confidentiality (s->system) && g_hash_table_contains (removed, s->code))
        continue;
      if (g_str_equal (s->origin, "add") && g_hash_table_contains (removed, s->code))
        continue;
      if (g_str_equal (s->origin, "add") && confidentiality_rank (s->code) > 0)
        {
          g_autofree char *day = format_day (s->at);
          g_clear_pointer (&conf, hf_label_free);
          conf = label_new (s->code, HF_LABEL_SYSTEM_CONFIDENTIALITY, HF_LABEL_FROM_MANUAL,
                            g_strdup_printf ("chosen by %s on %s", s->rule, day));
          continue;
        }
      if (g_str_equal (s->origin, "source") &&
          g_str_equal (s->system, HF_LABEL_SYSTEM_CONFIDENTIALITY) &&
          confidentiality_rank (s->code) > 0)
        {
          /* Two from one source: the most restricted. */
          if (confidentiality_rank (s->code) > source_conf_rank)
            {
              source_conf_rank = confidentiality_rank (s->code);
              source_conf = s;
            }
          continue;
        }
      /* A sensitivity label: once per code and system (the first origin read wins, in the
       * order table, source, add: the reader sorts them so). */
      for (guint k = 0; k < out->len && !listed; k++)
        {
          HfLabel *l = g_ptr_array_index (out, k);
          const char *system = s->system ? s->system : HF_LABEL_SYSTEM_ACTCODE;
          listed = g_str_equal (l->code, s->code) && g_str_equal (l->system, system);
        }
      if (listed)
        continue;
      if (g_str_equal (s->origin, "table"))
        g_ptr_array_add (out, label_new (s->code, HF_LABEL_SYSTEM_ACTCODE, HF_LABEL_FROM_TABLE,
                                         why_table (s)));
      else if (g_str_equal (s->origin, "source"))
        g_ptr_array_add (out, label_new (s->code, s->system, HF_LABEL_FROM_SOURCE,
                                         s->detail != NULL
                                         ? g_strdup_printf ("in the record from its source "
                                                            "(“%s”)", s->detail)
                                         : g_strdup ("in the record from its source")));
      else
        {
          g_autofree char *day = format_day (s->at);
          g_ptr_array_add (out, label_new (s->code, HF_LABEL_SYSTEM_ACTCODE,
                                           HF_LABEL_FROM_MANUAL,
                                           g_strdup_printf ("added by %s on %s", s->rule,
                                                            day)));
        }
    }
  g_ptr_array_sort (out, compare_labels);
  for (guint k = 0; k < out->len && !sensitive; k++)
    {
      HfLabel *l = g_ptr_array_index (out, k);
      sensitive = g_str_equal (l->system, HF_LABEL_SYSTEM_ACTCODE) && hf_label_is_known (l->code);
    }
  if (conf == NULL && source_conf != NULL)
    conf = label_new (source_conf->code, HF_LABEL_SYSTEM_CONFIDENTIALITY, HF_LABEL_FROM_SOURCE,
                      g_strdup ("in the record from its source"));
  if (conf == NULL)
    conf = sensitive
      ? label_new ("R", HF_LABEL_SYSTEM_CONFIDENTIALITY, HF_LABEL_FROM_DERIVED,
                   g_strdup ("because it is labelled sensitive"))
      : label_new ("N", HF_LABEL_SYSTEM_CONFIDENTIALITY, HF_LABEL_FROM_DERIVED,
                   g_strdup ("no sensitivity label"));
  g_ptr_array_add (out, conf);
  return out;
}

/* The stored labels and decisions of the current records (or of ROW alone, when > 0), by row.
 * The order within a row: table, source, then the patient's decisions. */
#define READ_SQL(rows) \
  "SELECT l.resource_id, l.origin, l.system, l.code, l.rule, l.detail, 0, " \
  "  CASE l.origin WHEN 'table' THEN 0 ELSE 1 END FROM resource_label l " \
  "  JOIN resource r ON r.id = l.resource_id WHERE " rows " " \
  "UNION ALL SELECT r.id, d.action, NULL, d.code, d.actor, NULL, d.at, 2 " \
  "  FROM label_decision d JOIN resource r ON r.resource_type = d.resource_type " \
  "  AND r.fhir_id = d.fhir_id AND r.source_key = d.source_key WHERE " rows " " \
  "ORDER BY 1, 8, 4"

/* The same for every current record, without reading the records (resource_label.current);
 * the decisions first, then their records (CROSS JOIN keeps that order: the other way round
 * reads every record to its end). */
#define READ_ALL_SQL \
  "SELECT l.resource_id, l.origin, l.system, l.code, l.rule, l.detail, 0, " \
  "  CASE l.origin WHEN 'table' THEN 0 ELSE 1 END FROM resource_label l WHERE l.current = 1 " \
  "UNION ALL SELECT r.id, d.action, NULL, d.code, d.actor, NULL, d.at, 2 " \
  "  FROM label_decision d CROSS JOIN resource r ON r.resource_type = d.resource_type " \
  "  AND r.fhir_id = d.fhir_id AND r.source_key = d.source_key WHERE r." CURRENT

/* The order READ_SQL gives, for READ_ALL_SQL's rows: sorting them in SQL would cost an
 * allocation per row, and with cipher_memory_security each is an mlock(). */
static int
stored_rank (const Stored *s)
{
  if (g_str_equal (s->origin, "table"))
    return 0;
  return g_str_equal (s->origin, "source") ? 1 : 2;
}

static int
compare_stored (gconstpointer a,
                gconstpointer b)
{
  const Stored *x = *(const Stored * const *) a, *y = *(const Stored * const *) b;
  int rx = stored_rank (x), ry = stored_rank (y);

  return rx != ry ? rx - ry : strcmp (x->code, y->code);
}

static gboolean
read_stored (sqlite3     *db,
             gint64       row,
             GHashTable  *by_row,     /* gint64* → GPtrArray of Stored* */
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, row > 0 ? READ_SQL ("r.id = ?1")
                                       : READ_ALL_SQL,
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading labels", error);
  if (row > 0)
    sqlite3_bind_int64 (stmt, 1, row);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      GPtrArray *list = g_hash_table_lookup (by_row, &id);
      Stored *s = g_new0 (Stored, 1);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_free);
          g_hash_table_insert (by_row, g_memdup2 (&id, sizeof id), list);
        }
      s->origin = column_dup (stmt, 1);
      s->system = column_dup (stmt, 2);
      s->code = column_dup (stmt, 3);
      s->rule = column_dup (stmt, 4);
      s->detail = column_dup (stmt, 5);
      s->at = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (list, s);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading labels", error);
  if (row == 0)
    {
      GHashTableIter iter;
      GPtrArray *list;

      g_hash_table_iter_init (&iter, by_row);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &list))
        g_ptr_array_sort (list, compare_stored);
    }
  return TRUE;
}

static GHashTable *
by_row_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                (GDestroyNotify) g_ptr_array_unref);
}

/* }}} */

/* {{{ refreshing */

static gboolean
stored_version (sqlite3  *db,
                char    **version,
                GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT table_version FROM label_state WHERE id = 1", -1,
                               &stmt, NULL);

  *version = NULL;
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *version = column_dup (stmt, 0);
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the labels' state", error);
  if (*version == NULL)
    *version = g_strdup ("");
  return TRUE;
}

/* ROW's table labels, "CODE CODE …", for telling whether a refresh changed them. */
static GHashTable *
table_label_sets (sqlite3  *db,
                  GError  **error)
{
  GHashTable *sets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT resource_id, group_concat (code, ' ') FROM "
                               "(SELECT resource_id, code FROM resource_label "
                               "WHERE origin = 'table' ORDER BY resource_id, code) "
                               "GROUP BY resource_id", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_insert (sets, g_memdup2 (&id, sizeof id), column_dup (stmt, 1));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "reading labels", error);
      g_hash_table_unref (sets);
      return NULL;
    }
  return sets;
}

static char *
scanned_set (Scanned *s)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; s != NULL && i < s->table->len; i++)
    g_ptr_array_add (codes, (gpointer) g_array_index (s->table, TableMatch, i).rule->pub.label);
  g_ptr_array_sort (codes, compare_strings);
  for (guint i = 0; i < codes->len; i++)
    g_string_append_printf (out, "%s%s", i ? " " : "", (const char *) codes->pdata[i]);
  return g_string_free (out, FALSE);
}

/* Inside the caller's transaction: every current row's table labels again, by the table in
 * use; the vault marked as labelled by it. */
static gboolean
relabel (HfVault  *vault,
         guint    *n_changed,
         GError  **error)
{
  sqlite3 *db = _hf_vault_get_db (vault);
  Table *t = table_get ();
  g_autoptr(GHashTable) before = NULL;
  sqlite3_stmt *stmt = NULL;
  guint changed = 0;
  guint64 rows = 0;
  g_autofree char *detail = NULL;
  int rc;

  if ((before = table_label_sets (db, error)) == NULL)
    return FALSE;
  if (!_hf_db_exec (db, "DELETE FROM resource_label WHERE origin = 'table' AND resource_id IN "
                    "(SELECT id FROM resource WHERE " CURRENT ")", error))
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "SELECT id, json FROM resource WHERE " CURRENT, -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      Scanned *s = NULL;
      g_autofree char *now = NULL;
      const char *was;
      JsonNode *root;

      rc = SQLITE_OK;
      rows++;
      if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 1),
                                      sqlite3_column_bytes (stmt, 1), NULL) &&
          (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
        s = scan_resource (t, json_node_get_object (root), FALSE);
      now = scanned_set (s);
      was = g_hash_table_lookup (before, &id);
      if (g_strcmp0 (was ? was : "", now) != 0)
        changed++;
      if (s != NULL && s->table->len > 0 && !store_scanned (db, id, s, TRUE, error))
        {
          scanned_free (s);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      scanned_free (s);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "labelling records", error);

  rc = sqlite3_prepare_v2 (db, "UPDATE label_state SET table_version = ?, labelled_at = ? "
                           "WHERE id = 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, t->version, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "labelling records", error);
  detail = g_strdup_printf ("rule table %s: %" G_GUINT64_FORMAT " records read, %u relabelled",
                            t->version, rows, changed);
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "labels-refreshed", detail, error))
    return FALSE;
  if (n_changed != NULL)
    *n_changed = changed;
  return TRUE;
}

static gboolean
refresh (HfVault  *vault,
         gboolean  only_if_stale,
         guint    *n_changed,
         GError  **error)
{
  sqlite3 *db = _hf_vault_get_db (vault);
  g_autofree char *version = NULL;

  if (n_changed != NULL)
    *n_changed = 0;
  if (only_if_stale)
    {
      if (!stored_version (db, &version, error))
        return FALSE;
      if (g_str_equal (version, hf_label_table_version ()))
        return TRUE;
    }
  /* Inside a caller's transaction (a reader that holds one), as part of it. */
  if (!sqlite3_get_autocommit (db))
    return relabel (vault, n_changed, error);
  if (!_hf_db_begin (db, error))
    return FALSE;
  if (!relabel (vault, n_changed, error) || !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
hf_label_refresh (HfVault  *vault,
                  guint    *n_changed,
                  GError  **error)
{
  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "relabel records", error))
    return FALSE;
  return refresh (vault, FALSE, n_changed, error);
}

/* Before any label is read: a vault an older table labelled is labelled again. This is
 * upkeep of what the table derives, not a member's decision, so any member's reading runs
 * it (as a schema upgrade does); it is logged like any other change. */
static gboolean
ensure_current (HfVault  *vault,
                GError  **error)
{
  return refresh (vault, TRUE, NULL, error);
}

/* }}} */

/* {{{ reading */

GPtrArray *
hf_label_list (HfVault  *vault,
               gint64    record_id,
               GError  **error)
{
  g_autoptr(GHashTable) by_row = by_row_new ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  GPtrArray *stored;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read records", error) ||
      !ensure_current (vault, error))
    return NULL;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM resource WHERE id = ?", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, record_id);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There is no record %" G_GINT64_FORMAT "; “healthfolio-cli list” shows the "
                   "records' numbers.", record_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _hf_db_fail (db, rc, "reading labels", error);
      return NULL;
    }
  if (!read_stored (db, record_id, by_row, error))
    return NULL;
  stored = g_hash_table_lookup (by_row, &record_id);
  return effective (stored != NULL ? stored : none);
}

GHashTable *
hf_label_load_all (HfVault  *vault,
                   GError  **error)
{
  g_autoptr(GHashTable) by_row = by_row_new ();
  GHashTable *out;
  GHashTableIter iter;
  gint64 *id;
  GPtrArray *stored;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read records", error) ||
      !ensure_current (vault, error) ||
      !read_stored (_hf_vault_get_db (vault), 0, by_row, error))
    return NULL;
  out = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_strfreev);
  g_hash_table_iter_init (&iter, by_row);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &stored))
    {
      g_autoptr(GPtrArray) labels = effective (stored);
      GPtrArray *codes = g_ptr_array_new_with_free_func (g_free);

      /* Only ActCode labels and the confidentiality code: codes of other systems could be
       * taken for ours. */
      for (guint i = 0; i < labels->len; i++)
        {
          HfLabel *l = g_ptr_array_index (labels, i);
          if (is_actcode_or_confidentiality (l->system))
            g_ptr_array_add (codes, g_strdup (l->code));
        }
      if (codes->len == 1 && g_str_equal (codes->pdata[0], "N") &&
          ((HfLabel *) g_ptr_array_index (labels, labels->len - 1))->origin ==
          HF_LABEL_FROM_DERIVED)
        {
          g_ptr_array_free (codes, TRUE);
          continue;
        }
      g_ptr_array_add (codes, NULL);
      g_hash_table_insert (out, g_memdup2 (id, sizeof *id),
                           (GStrv) g_ptr_array_free (codes, FALSE));
    }
  return out;
}

/* }}} */

/* {{{ the patient's decisions */

typedef struct
{
  char *type;
  char *fhir_id;
  char *source_key;
} RecordKey;

static void
record_key_clear (RecordKey *k)
{
  g_clear_pointer (&k->type, g_free);
  g_clear_pointer (&k->fhir_id, g_free);
  g_clear_pointer (&k->source_key, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RecordKey, record_key_clear)

static gboolean
record_key (sqlite3    *db,
            gint64      record_id,
            RecordKey  *key,
            GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT resource_type, fhir_id, source_key FROM resource "
                               "WHERE id = ?", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, record_id);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          key->type = column_dup (stmt, 0);
          key->fhir_id = column_dup (stmt, 1);
          key->source_key = column_dup (stmt, 2);
        }
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There is no record %" G_GINT64_FORMAT "; “healthfolio-cli list” shows the "
                   "records' numbers.", record_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return _hf_db_fail (db, rc, "reading the record", error);
  return TRUE;
}

static void
set_unknown_label (GError    **error,
                   const char *code)
{
  g_autoptr(GString) list = g_string_new (NULL);
  const char * const *codes = hf_label_known_codes ();

  for (guint i = 0; codes[i] != NULL; i++)
    g_string_append_printf (list, "%s (%s), ", codes[i], hf_label_name (codes[i]));
  g_string_append (list, "and the confidentiality codes N (normal), R (restricted) and V (very "
                   "restricted)");
  g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
               "“%s” is not a label Healthfolio knows; use one of %s.", code, list->str);
}

static gboolean
write_decision (HfVault          *vault,
                const RecordKey  *key,
                gint64            record_id,
                const char       *code,
                const char       *action,
                GError          **error)
{
  sqlite3 *db = _hf_vault_get_db (vault);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *detail = NULL;
  int rc;

  if (!_hf_db_begin (db, error))
    return FALSE;
  /* One confidentiality code by hand: a new one replaces the last. */
  if (g_str_equal (action, "add") && confidentiality_rank (code) > 0)
    {
      rc = sqlite3_prepare_v2 (db, "DELETE FROM label_decision WHERE resource_type = ? AND "
                               "fhir_id = ? AND source_key = ? AND action = 'add' AND code IN "
                               "('U', 'L', 'M', 'N', 'R', 'V')", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, key->type, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, key->fhir_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 3, key->source_key, -1, SQLITE_STATIC);
          rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_OK)
        goto fail;
    }
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO label_decision (resource_type, fhir_id, "
                           "source_key, code, action, actor, at) VALUES (?,?,?,?,?,?,?)", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key->type, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, key->fhir_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, key->source_key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, action, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, hf_vault_get_member_name (vault), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, g_get_real_time ());
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    goto fail;
  detail = g_strdup_printf ("record %" G_GINT64_FORMAT " (%s/%s): %s %s", record_id, key->type,
                            key->fhir_id, g_str_equal (action, "add") ? "added" : "removed", code);
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         g_str_equal (action, "add") ? "label-added" : "label-removed", detail,
                         error) ||
      !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return TRUE;

fail:
  _hf_db_rollback (db);
  return _hf_db_fail (db, rc, "writing the label", error);
}

gboolean
hf_label_add (HfVault     *vault,
              gint64       record_id,
              const char  *code,
              GError     **error)
{
  g_auto(RecordKey) key = { NULL, NULL, NULL };

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "label records", error))
    return FALSE;
  if (!manual_allowed (code))
    {
      set_unknown_label (error, code);
      return FALSE;
    }
  if (!ensure_current (vault, error) ||
      !record_key (_hf_vault_get_db (vault), record_id, &key, error))
    return FALSE;
  return write_decision (vault, &key, record_id, code, "add", error);
}

gboolean
hf_label_remove (HfVault     *vault,
                 gint64       record_id,
                 const char  *code,
                 GError     **error)
{
  g_auto(RecordKey) key = { NULL, NULL, NULL };
  g_autoptr(GPtrArray) labels = NULL;
  HfLabel *found = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "label records", error))
    return FALSE;
  if ((labels = hf_label_list (vault, record_id, error)) == NULL ||
      !record_key (_hf_vault_get_db (vault), record_id, &key, error))
    return FALSE;
  for (guint i = 0; i < labels->len && found == NULL; i++)
    {
      HfLabel *l = g_ptr_array_index (labels, i);
      if (g_str_equal (l->code, code) && is_actcode_or_confidentiality (l->system))
        found = l;
    }
  if (found == NULL)
    {
      if (!manual_allowed (code) && confidentiality_rank (code) == 0)
        {
          set_unknown_label (error, code);
          return FALSE;
        }
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "Record %" G_GINT64_FORMAT " is not labelled %s%s%s%s; there is nothing to "
                   "remove (“healthfolio-cli label list %" G_GINT64_FORMAT "” shows its labels).",
                   record_id, code, hf_label_name (code) ? " (" : "",
                   hf_label_name (code) ? hf_label_name (code) : "",
                   hf_label_name (code) ? ")" : "", record_id);
      return FALSE;
    }
  if (found->origin == HF_LABEL_FROM_DERIVED)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "Record %" G_GINT64_FORMAT " is %s (%s) %s; remove those labels, or add the "
                   "confidentiality you want (label add %" G_GINT64_FORMAT " N).",
                   record_id, hf_label_name (code), code, found->why, record_id);
      return FALSE;
    }
  return write_decision (vault, &key, record_id, code, "remove", error);
}

/* }}} */
