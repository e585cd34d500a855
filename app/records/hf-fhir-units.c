/* hf-fhir-units.c — UCUM units as people write them: "mm[Hg]" → "mmHg", "10*9/L" → "×10⁹/L"
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One table (data/ucum-display.tsv, with its sources) says how the units of real records are
 * written; a unit it does not list is rewritten by the rule the table follows: {…} annotations
 * dropped, [x_y] brackets and their qualifiers dropped ("[IU]" → "IU", "[lb_av]" → "lb"), a "u"
 * that starts a unit becomes "µ", "10*N" becomes "×10ᴺ" and a power after a unit a superscript
 * ("cm3" → "cm³", "g/cm-2" → "g/cm⁻²"). Titles and details both come through here.
 */

#include "hf-fhir-private.h"

#include <string.h>

static GHashTable *
units_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    g_once_init_leave (&table, _hf_fhir_table_load ("ucum-display.tsv"));
  return table;
}

static void
append_superscript (GString *s,
                    char     c)
{
  static const char * const digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };

  if (c == '-')
    g_string_append (s, "⁻");
  else
    g_string_append (s, digits[c - '0']);
}

/* TRUE if P starts a unit: the start of the code, or after "/", "." or "(". */
static gboolean
atom_start (const char *code,
            const char *p)
{
  return p == code || p[-1] == '/' || p[-1] == '.' || p[-1] == '(';
}

/* The rule for a UCUM code the table does not list. */
static char *
unit_rule (const char *code)
{
  g_autoptr(GString) s = g_string_new (NULL);
  const char *p = code;

  while (*p != '\0')
    {
      if (*p == '{')
        {
          const char *end = strchr (p, '}');
          if (end == NULL)
            break;
          p = end + 1;
        }
      else if (*p == '[')
        {
          const char *end = strchr (p, ']');
          const char *qualifier = strchr (p, '_');
          if (end == NULL)
            break;
          g_string_append_len (s, p + 1, (qualifier && qualifier < end ? qualifier : end) - p - 1);
          p = end + 1;
        }
      else if (atom_start (code, p) && (g_str_has_prefix (p, "10*") || g_str_has_prefix (p, "10^")))
        {
          g_string_append (s, "×10");
          p += 3;
          while (*p == '-' || g_ascii_isdigit (*p))
            append_superscript (s, *p++);
        }
      else if (*p == 'u' && atom_start (code, p) && p[1] != '\0' &&
               strchr ("gLlmUIekst[", p[1]) != NULL)
        {
          g_string_append (s, "µ");
          p++;
        }
      else if ((g_ascii_isdigit (*p) || (*p == '-' && g_ascii_isdigit (p[1]))) && p > code &&
               (g_ascii_isalpha (p[-1]) || p[-1] == ']'))
        {
          while (*p == '-' || g_ascii_isdigit (*p))
            append_superscript (s, *p++);
        }
      else if (*p == '.' && p > code && !g_ascii_isdigit (p[-1]))
        {
          g_string_append (s, "·");
          p++;
        }
      else
        g_string_append_c (s, *p++);
    }
  while (s->len > 0 && s->str[s->len - 1] == '/')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0 || g_str_equal (s->str, "1"))
    return NULL;
  return g_strdup (s->str);
}

/* A code written in UCUM's own syntax: printable ASCII without spaces. */
static gboolean
looks_like_ucum (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p <= ' ' || *p > '~')
      return FALSE;
  return TRUE;
}

/* How a unit reads: UCUM_CODE is a Quantity's code (when its system is UCUM or absent) and
 * UNIT_TEXT its unit as the source wrote it; either may be NULL. NULL when nothing is to be
 * shown (a count, a score). */
char *
_hf_fhir_unit_display (const char *ucum_code,
                       const char *unit_text)
{
  const char *shown;

  if (ucum_code != NULL && *ucum_code == '\0')
    ucum_code = NULL;
  if (unit_text != NULL && *unit_text == '\0')
    unit_text = NULL;
  if (ucum_code != NULL && (shown = g_hash_table_lookup (units_table (), ucum_code)) != NULL)
    return *shown ? g_strdup (shown) : NULL;
  if (unit_text != NULL && (shown = g_hash_table_lookup (units_table (), unit_text)) != NULL)
    return *shown ? g_strdup (shown) : NULL;
  /* The source's own words for a unit UCUM does not spell ("beats per minute") stay. */
  if (unit_text != NULL)
    return looks_like_ucum (unit_text) ? unit_rule (unit_text) : g_strdup (unit_text);
  if (ucum_code != NULL && looks_like_ucum (ucum_code))
    return unit_rule (ucum_code);
  return g_strdup (ucum_code);
}

/* TRUE if data/ucum-display.tsv lists CODE (the tests check the table covers the test data). */
gboolean
_hf_fhir_unit_in_table (const char *code)
{
  return code != NULL && g_hash_table_contains (units_table (), code);
}
