/* hf-json-guard.c — a one-pass check of JSON bytes before they reach the parser
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib keeps the last of two equal keys, recurses without a depth limit, takes any
 * string length, and its scanner accepts text that is not JSON (`01`, `1.`, `0x10`, raw
 * control characters, `"\x"`) and decodes a lone surrogate escape into invalid UTF-8. What
 * we store is "as received", so it must be JSON: this is a complete RFC 8259 recognizer with
 * an explicit stack, and it records where each Bundle entry's resource lies in the text.
 */

#include "hf-json-guard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  const char *start;
  gsize       length;
} Span;

typedef struct
{
  gboolean    is_object;
  gboolean    bundle;    /* an object whose "entry" list holds Bundle entries */
  gboolean    entries;   /* an array that is such an "entry" list */
  gint        span;      /* an object that is an entry's resource: its span; else -1 */
  gint        owner;     /* an "entry" list, or an element of one: the span of its Bundle */
  guint       elements;  /* an array's elements so far */
  guint       index;     /* an element of an "entry" list: its index there */
  Span        key;       /* an object's current member name, unescaped */
  GArray     *keys;      /* Span; small objects are checked by comparison */
  GHashTable *big;       /* char* set, built once an object has many keys */
} Level;

typedef enum
{
  WANT_VALUE,            /* at the top, after ':' or after ',' in an array */
  WANT_VALUE_OR_CLOSE,   /* after '[' */
  WANT_KEY,              /* after ',' in an object */
  WANT_KEY_OR_CLOSE,     /* after '{' */
  WANT_COLON,
  WANT_COMMA_OR_CLOSE,   /* after a value inside an array or object */
  WANT_NOTHING,          /* the top-level value is complete */
} Want;

#define LINEAR_KEYS 16

static gboolean
key_is (const Level *level,
        const char  *name)
{
  return level->is_object && level->key.length == strlen (name) &&
         memcmp (level->key.start, name, level->key.length) == 0;
}

void
hf_json_problem_clear (HfJsonProblem *problem)
{
  g_clear_pointer (&problem->reason, g_free);
}

static gboolean
report (HfJsonProblem *problem,
        const char    *data,
        gsize          offset,
        char          *reason)
{
  problem->offset = offset;
  problem->line = 1;
  problem->column = 1;
  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n')
        {
          problem->line++;
          problem->column = 1;
        }
      else
        problem->column++;
    }
  g_free (problem->reason);
  problem->reason = reason;
  problem->truncated = FALSE;
  return FALSE;
}

static guint
hex4 (const char *s)
{
  guint c = 0;

  for (int k = 0; k < 4; k++)
    c = c * 16 + g_ascii_xdigit_value (s[k]);
  return c;
}

/* Decodes the escapes of a string that passed the guard (so every escape is complete and
 * every surrogate escape is one half of a pair). */
static char *
unescape (const char *s,
          gsize       length)
{
  GString *out = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      if (s[i] != '\\' || i + 1 >= length)
        {
          g_string_append_c (out, s[i]);
          continue;
        }
      i++;
      switch (s[i])
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          if (i + 4 < length)
            {
              gunichar c = hex4 (s + i + 1);
              i += 4;
              if (c >= 0xD800 && c <= 0xDBFF && i + 6 < length && s[i + 1] == '\\')
                {
                  c = 0x10000 + ((c - 0xD800) << 10) + (hex4 (s + i + 3) - 0xDC00);
                  i += 6;
                }
              g_string_append_unichar (out, c);
            }
          break;
        default: g_string_append_c (out, s[i]); break;
        }
    }
  return g_string_free (out, FALSE);
}

/* Returns FALSE if the key was seen before in this object; else it becomes the level's current
 * member name, unescaped. */
static gboolean
add_key (Level      *level,
         GPtrArray  *arena,
         const char *start,
         gsize       length,
         gboolean    escaped)
{
  Span key = { start, length };

  if (escaped)
    {
      char *plain = unescape (start, length);
      g_ptr_array_add (arena, plain);
      key.start = plain;
      key.length = strlen (plain);
    }

  if (level->big != NULL)
    {
      char *copy = g_strndup (key.start, key.length);
      if (g_hash_table_contains (level->big, copy))
        {
          g_free (copy);
          return FALSE;
        }
      g_hash_table_add (level->big, copy);
      level->key = key;
      return TRUE;
    }

  for (guint i = 0; i < level->keys->len; i++)
    {
      Span *seen = &g_array_index (level->keys, Span, i);
      if (seen->length == key.length && memcmp (seen->start, key.start, key.length) == 0)
        return FALSE;
    }
  g_array_append_val (level->keys, key);
  level->key = key;

  if (level->keys->len > LINEAR_KEYS)
    {
      level->big = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < level->keys->len; i++)
        {
          Span *seen = &g_array_index (level->keys, Span, i);
          g_hash_table_add (level->big, g_strndup (seen->start, seen->length));
        }
    }
  return TRUE;
}

gboolean
hf_json_guard_check (const char    *data,
                     gsize          length,
                     HfJsonProblem *problem)
{
  return hf_json_guard_check_spans (data, length, NULL, problem);
}

typedef struct
{
  const char    *data;
  gsize          length;
  HfJsonProblem *problem;
} Scan;

static gboolean
truncated (Scan *scan)
{
  report (scan->problem, scan->data, scan->length,
          g_strdup ("it ends too early (the JSON is truncated)"));
  scan->problem->truncated = TRUE;
  return FALSE;
}

/* A string starting at the '"' at *I; on success *I is just past its closing quote. */
static gboolean
scan_string (Scan     *scan,
             gsize    *i,
             gboolean *escaped)
{
  const char *d = scan->data;
  gsize start = *i + 1;
  gsize j = start;

  *escaped = FALSE;
  for (;;)
    {
      guchar c;

      /* The common case: a run of plain characters. */
      while (j < scan->length && (guchar) d[j] >= 0x20 && d[j] != '"' && d[j] != '\\')
        j++;
      if (j >= scan->length)
        return truncated (scan);
      c = (guchar) d[j];
      if (c == '"')
        break;
      if (c < 0x20)
        return report (scan->problem, d, j,
                       g_strdup ("a text value holds a control character that must be escaped "
                                 "(it is not valid JSON)"));
      /* A backslash. */
      *escaped = TRUE;
      if (j + 1 >= scan->length)
        return truncated (scan);
      switch (d[j + 1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          j += 2;
          continue;
        case 'u':
          break;
        default:
          {
            g_autofree char *esc = g_utf8_make_valid (d + j, MIN (scan->length - j, 2));
            return report (scan->problem, d, j,
                           g_strdup_printf ("a text value has the escape “%s”, which JSON does "
                                            "not have", esc));
          }
        }
      /* \uXXXX, and a surrogate only as a high-low pair. */
      for (int k = 2; k < 6; k++)
        {
          if (j + k >= scan->length)
            return truncated (scan);
          if (!g_ascii_isxdigit (d[j + k]))
            return report (scan->problem, d, j,
                           g_strdup ("a text value has a \\u escape without four hex digits "
                                     "(it is not valid JSON)"));
        }
      {
        guint u = hex4 (d + j + 2);

        if (u >= 0xDC00 && u <= 0xDFFF)
          return report (scan->problem, d, j,
                         g_strdup_printf ("a text value holds “%.6s”, half of a character "
                                          "without its other half (not valid text)", d + j));
        if (u >= 0xD800 && u <= 0xDBFF)
          {
            /* Its second half must follow at once: \uDC00–\uDFFF. */
            for (int k = 6; k < 12; k++)
              {
                gboolean fits;

                if (j + k >= scan->length)
                  return truncated (scan);
                fits = k == 6 ? d[j + k] == '\\' : k == 7 ? d[j + k] == 'u'
                                                        : g_ascii_isxdigit (d[j + k]);
                if (!fits)
                  goto lone;
              }
            u = hex4 (d + j + 8);
            if (u < 0xDC00 || u > 0xDFFF)
              goto lone;
            j += 12;
            continue;
lone:
            return report (scan->problem, d, j,
                           g_strdup_printf ("a text value holds “%.6s”, half of a character "
                                            "without its other half (not valid text)", d + j));
          }
        j += 6;
      }
    }
  if (j - start > HF_JSON_GUARD_MAX_STRING)
    return report (scan->problem, d, start - 1,
                   g_strdup_printf ("a text value is longer than the limit of %d MiB",
                                    HF_JSON_GUARD_MAX_STRING / (1024 * 1024)));
  *i = j + 1;
  return TRUE;
}

static gboolean
is_delimiter (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}';
}

static gboolean
not_json (Scan  *scan,
          gsize  start)
{
  gsize end = start;
  g_autofree char *word = NULL;

  while (end < scan->length && end - start < 24 && !is_delimiter (scan->data[end]) &&
         scan->data[end] != '"' && scan->data[end] != ':')
    end++;
  if (end == start)
    end = start + 1;
  word = g_utf8_make_valid (scan->data + start, end - start);
  return report (scan->problem, scan->data, start,
                 g_strdup_printf ("it is not valid JSON (unexpected “%s”)", word));
}

/* A number by RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, that a reader can take
 * as what it says: an integer within 64 bits, anything else within a double's range. */
static gboolean
scan_number (Scan  *scan,
             gsize *i)
{
  const char *d = scan->data;
  gsize n = scan->length;
  gsize start = *i;
  gsize j = start;
  gsize digits;
  gboolean integer = TRUE;

  if (j < n && d[j] == '-')
    j++;
  if (j >= n)
    return truncated (scan);
  if (d[j] == '0')
    j++;
  else if (d[j] >= '1' && d[j] <= '9')
    while (j < n && g_ascii_isdigit (d[j]))
      j++;
  else
    return not_json (scan, start);
  digits = j - start;
  if (j < n && d[j] == '.')
    {
      integer = FALSE;
      if (++j >= n)
        return truncated (scan);
      if (!g_ascii_isdigit (d[j]))
        return not_json (scan, start);
      while (j < n && g_ascii_isdigit (d[j]))
        j++;
    }
  if (j < n && (d[j] == 'e' || d[j] == 'E'))
    {
      integer = FALSE;
      if (++j < n && (d[j] == '+' || d[j] == '-'))
        j++;
      if (j >= n)
        return truncated (scan);
      if (!g_ascii_isdigit (d[j]))
        return not_json (scan, start);
      while (j < n && g_ascii_isdigit (d[j]))
        j++;
    }
  if (j < n && !is_delimiter (d[j]))
    return not_json (scan, start);

  /* Only long integers and numbers with an exponent can be out of range. */
  if ((integer && digits > 18) || (!integer && (j - start > 300 || memchr (d + start, 'e',
                                                                         j - start) ||
                                                memchr (d + start, 'E', j - start))))
    {
      g_autofree char *text = g_strndup (d + start, j - start);
      gboolean out_of_range;

      errno = 0;
      if (integer)
        {
          g_ascii_strtoll (text, NULL, 10);
          out_of_range = errno == ERANGE;
        }
      else
        {
          /* ERANGE: infinite, or too small to be told from 0 or to keep its digits. */
          g_ascii_strtod (text, NULL);
          out_of_range = errno == ERANGE;
        }
      if (out_of_range)
        {
          if (strlen (text) > 32)
            strcpy (text + 29, "…");
          return report (scan->problem, d, start,
                         g_strdup_printf ("the number “%s” is outside the range that can be "
                                          "read exactly", text));
        }
    }
  *i = j;
  return TRUE;
}

static gboolean
scan_literal (Scan  *scan,
              gsize *i)
{
  static const char *const words[] = { "true", "false", "null" };
  const char *d = scan->data + *i;
  gsize left = scan->length - *i;

  for (guint k = 0; k < G_N_ELEMENTS (words); k++)
    {
      gsize w = strlen (words[k]);
      if (d[0] != words[k][0])
        continue;
      if (left < w)
        {
          if (memcmp (d, words[k], left) == 0)
            return truncated (scan);
          break;
        }
      if (memcmp (d, words[k], w) != 0 || (left > w && !is_delimiter (d[w])))
        break;
      *i += w;
      return TRUE;
    }
  return not_json (scan, *i);
}

gboolean
hf_json_guard_check_spans (const char    *data,
                           gsize          length,
                           GArray        *resources,
                           HfJsonProblem *problem)
{
  g_autoptr(GPtrArray) arena = g_ptr_array_new_with_free_func (g_free);
  Level levels[HF_JSON_GUARD_MAX_DEPTH] = { { 0 } };
  Scan scan = { data, length, problem };
  const char *bad = NULL;
  gboolean ok = FALSE;
  Want want = WANT_VALUE;
  int depth = 0;
  gsize i = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (problem != NULL, FALSE);

  if (!g_utf8_validate_len (data, length, &bad))
    {
      if (*bad == '\0' && (gsize) (bad - data) < length)
        return report (problem, data, bad - data, g_strdup ("it contains a NUL byte"));
      return report (problem, data, bad - data, g_strdup ("it is not valid UTF-8 text"));
    }

  for (;;)
    {
      Level *top;
      char c;

      while (i < length && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' ||
                            data[i] == '\r'))
        i++;
      if (i >= length)
        break;
      c = data[i];
      top = depth > 0 ? &levels[depth - 1] : NULL;

      switch (want)
        {
        case WANT_NOTHING:
          report (problem, data, i, g_strdup ("there is more text after the JSON value"));
          goto out;

        case WANT_COLON:
          if (c != ':')
            {
              report (problem, data, i, g_strdup ("it is not valid JSON (a “:” is missing "
                                                  "after a key)"));
              goto out;
            }
          i++;
          want = WANT_VALUE;
          continue;

        case WANT_KEY:
        case WANT_KEY_OR_CLOSE:
          if (c == '}' && want == WANT_KEY_OR_CLOSE)
            break;   /* closed below */
          if (c != '"')
            {
              report (problem, data, i,
                      g_strdup (c == '}' ? "it is not valid JSON (a “,” before a “}”)"
                                         : "it is not valid JSON (a key must be a quoted "
                                           "string)"));
              goto out;
            }
          {
            gsize start = i + 1;
            gboolean escaped;

            if (!scan_string (&scan, &i, &escaped))
              goto out;
            if (!add_key (top, arena, data + start, i - 1 - start, escaped))
              {
                g_autofree char *name = g_utf8_make_valid (data + start,
                                                           MIN (i - 1 - start, 64));
                report (problem, data, start - 1,
                        g_strdup_printf ("the key “%s” appears twice in one object", name));
                goto out;
              }
          }
          want = WANT_COLON;
          continue;

        case WANT_COMMA_OR_CLOSE:
          if (c == ',')
            {
              i++;
              want = top->is_object ? WANT_KEY : WANT_VALUE;
              continue;
            }
          if (c == '}' || c == ']')
            break;   /* closed below */
          report (problem, data, i,
                  g_strdup_printf ("it is not valid JSON (a “,” or “%s” is missing)",
                                   top->is_object ? "}" : "]"));
          goto out;

        case WANT_VALUE:
        case WANT_VALUE_OR_CLOSE:
          if (c == ']' && want == WANT_VALUE_OR_CLOSE)
            break;   /* closed below */
          if (c == ']' || c == '}')
            {
              report (problem, data, i,
                      g_strdup_printf ("an unexpected “%c”%s", c,
                                       top != NULL && !top->is_object && c == ']'
                                       ? " (a “,” before a “]”)" : ""));
              goto out;
            }
          if (top != NULL && !top->is_object)
            top->elements++;
          if (c == '{' || c == '[')
            {
              Level *parent = top;

              if (depth == HF_JSON_GUARD_MAX_DEPTH)
                {
                  report (problem, data, i,
                          g_strdup_printf ("it nests deeper than %d levels",
                                           HF_JSON_GUARD_MAX_DEPTH));
                  goto out;
                }
              top = &levels[depth++];
              top->is_object = c == '{';
              top->key.length = 0;
              top->elements = 0;
              top->span = -1;
              top->owner = -1;
              top->bundle = FALSE;
              top->entries = FALSE;
              if (resources != NULL)
                {
                  if (parent == NULL)
                    top->bundle = top->is_object;   /* the top-level object */
                  else if (!top->is_object)
                    {
                      top->entries = parent->bundle && key_is (parent, "entry");
                      top->owner = parent->span;
                    }
                  else if (parent->entries)
                    {
                      top->owner = parent->owner;
                      top->index = parent->elements - 1;
                    }
                  else if (depth >= 3 && levels[depth - 3].entries && key_is (parent, "resource"))
                    {
                      HfJsonSpan span = { i, 0, parent->owner, parent->index };
                      top->span = resources->len;
                      top->bundle = TRUE;
                      g_array_append_val (resources, span);
                    }
                }
              if (top->is_object)
                {
                  if (top->keys == NULL)
                    top->keys = g_array_new (FALSE, FALSE, sizeof (Span));
                  g_array_set_size (top->keys, 0);
                  g_clear_pointer (&top->big, g_hash_table_unref);
                }
              i++;
              want = top->is_object ? WANT_KEY_OR_CLOSE : WANT_VALUE_OR_CLOSE;
              continue;
            }
          if (c == '"')
            {
              gboolean escaped;
              if (!scan_string (&scan, &i, &escaped))
                goto out;
            }
          else if (c == '-' || g_ascii_isdigit (c))
            {
              if (!scan_number (&scan, &i))
                goto out;
            }
          else if (!scan_literal (&scan, &i))
            goto out;
          want = depth == 0 ? WANT_NOTHING : WANT_COMMA_OR_CLOSE;
          continue;
        }

      /* A '}' or ']' that the state allows. */
      if (top == NULL || top->is_object != (c == '}'))
        {
          report (problem, data, i, g_strdup_printf ("an unexpected “%c”", c));
          goto out;
        }
      if (top->span >= 0)
        {
          HfJsonSpan *span = &g_array_index (resources, HfJsonSpan, top->span);
          span->length = i + 1 - span->offset;
        }
      i++;
      depth--;
      want = depth == 0 ? WANT_NOTHING : WANT_COMMA_OR_CLOSE;
    }

  if (want != WANT_NOTHING)
    {
      gboolean started = depth > 0 || want != WANT_VALUE;
      report (problem, data, length,
              g_strdup (started ? "it ends too early (the JSON is truncated)" : "it is empty"));
      problem->truncated = started;
    }
  else
    ok = TRUE;

out:
  for (int k = 0; k < HF_JSON_GUARD_MAX_DEPTH; k++)
    {
      if (levels[k].keys != NULL)
        g_array_unref (levels[k].keys);
      g_clear_pointer (&levels[k].big, g_hash_table_unref);
    }
  return ok;
}

GArray *
hf_json_spans_entries (GArray *spans,
                       gint    parent,
                       guint   n_entries)
{
  GArray *entries = g_array_sized_new (FALSE, FALSE, sizeof (gint), n_entries);
  guint k = parent < 0 ? 0 : (guint) parent + 1;
  gsize end = G_MAXSIZE;

  g_return_val_if_fail (spans != NULL, entries);
  g_return_val_if_fail (parent < (gint) spans->len, entries);

  g_array_set_size (entries, n_entries);
  for (guint e = 0; e < n_entries; e++)
    g_array_index (entries, gint, e) = -1;
  if (parent >= 0)
    {
      const HfJsonSpan *p = &g_array_index (spans, HfJsonSpan, parent);
      end = p->offset + p->length;
    }
  for (; k < spans->len; k++)
    {
      const HfJsonSpan *s = &g_array_index (spans, HfJsonSpan, k);
      if (s->offset >= end)
        break;
      if (s->parent == parent && s->entry < n_entries)
        g_array_index (entries, gint, s->entry) = (gint) k;
    }
  return entries;
}

/* Past the value starting at I in TEXT (which passed the guard). */
static gsize
skip_value (const char *text,
            gsize       length,
            gsize       i)
{
  int depth = 0;

  do
    {
      char c = text[i];
      if (c == '"')
        {
          for (i++; i < length && text[i] != '"'; i++)
            if (text[i] == '\\')
              i++;
          i++;
        }
      else if (c == '{' || c == '[')
        {
          depth++;
          i++;
        }
      else if (c == '}' || c == ']')
        {
          depth--;
          i++;
        }
      else if (depth == 0)
        {
          while (i < length && !is_delimiter (text[i]))
            i++;
        }
      else
        i++;
      while (depth > 0 && i < length && (text[i] == ' ' || text[i] == '\t' ||
                                         text[i] == '\n' || text[i] == '\r'))
        i++;
    }
  while (depth > 0 && i < length);
  return i;
}

static gsize
skip_space (const char *text,
            gsize       length,
            gsize       i)
{
  while (i < length && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
    i++;
  return i;
}

const char *
hf_json_skip_string (const char *p,
                     const char *end)
{
  for (p++; p < end; p++)
    {
      if (*p == '\\')
        {
          if (++p == end)
            break;
        }
      else if (*p == '"')
        return p + 1;
    }
  return end;
}

char *
hf_json_dup_member_string (const char *text,
                           gsize       length,
                           const char *key)
{
  gsize i = skip_space (text, length, 0);

  g_return_val_if_fail (key != NULL, NULL);

  if (i >= length || text[i] != '{')
    return NULL;
  i = skip_space (text, length, i + 1);
  while (i < length && text[i] == '"')
    {
      gsize k = i + 1, end = skip_value (text, length, i);
      g_autofree char *name = unescape (text + k, end - 1 - k);
      gboolean wanted = g_str_equal (name, key);

      i = skip_space (text, length, end);
      i = skip_space (text, length, i + 1);   /* ':' */
      if (wanted)
        {
          if (i >= length || text[i] != '"')
            return NULL;
          end = skip_value (text, length, i);
          return unescape (text + i + 1, end - 2 - i);
        }
      i = skip_space (text, length, skip_value (text, length, i));
      if (i < length && text[i] == ',')
        i = skip_space (text, length, i + 1);
    }
  return NULL;
}
