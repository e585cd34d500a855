/* hf-json-guard.c — a one-pass check of JSON bytes before they reach the parser
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib keeps the last of two equal keys, recurses without a depth limit and takes any
 * string length; FHIR input from strangers needs all three refused. This scanner tracks only
 * what it needs for that: strings, brackets, and whether a string is an object's key.
 */

#include "hf-json-guard.h"

#include <string.h>

typedef struct
{
  const char *start;
  gsize       length;
} Span;

typedef struct
{
  gboolean    is_object;
  gboolean    expect_key;
  gboolean    capture;   /* this object is a Bundle entry's resource: record its span */
  guint       span;      /* its index in the caller's array */
  Span        key;       /* an object's current member name, as written */
  GArray     *keys;      /* Span; small objects are checked by comparison */
  GHashTable *big;       /* char* set, built once an object has many keys */
} Level;

static gboolean
key_is (const Level *level,
        const char  *name)
{
  return level->is_object && level->key.length == strlen (name) &&
         memcmp (level->key.start, name, level->key.length) == 0;
}

#define LINEAR_KEYS 16

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

/* Decodes the escapes of a key so that "a" and "\u0061" count as the same key. The bytes were
 * already found to be valid UTF-8; a malformed escape is left for the parser to reject. */
static char *
unescape_key (const char *s,
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
          if (i + 4 < length && g_ascii_isxdigit (s[i + 1]) && g_ascii_isxdigit (s[i + 2]) &&
              g_ascii_isxdigit (s[i + 3]) && g_ascii_isxdigit (s[i + 4]))
            {
              gunichar c = 0;
              for (int k = 1; k <= 4; k++)
                c = c * 16 + g_ascii_xdigit_value (s[i + k]);
              i += 4;
              g_string_append_unichar (out, c);
            }
          else
            g_string_append_c (out, 'u');
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
         gsize       length)
{
  Span key = { start, length };

  if (memchr (start, '\\', length) != NULL)
    {
      char *plain = unescape_key (start, length);
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

gboolean
hf_json_guard_check_spans (const char    *data,
                           gsize          length,
                           GArray        *resources,
                           HfJsonProblem *problem)
{
  g_autoptr(GPtrArray) arena = g_ptr_array_new_with_free_func (g_free);
  Level levels[HF_JSON_GUARD_MAX_DEPTH] = { { 0 } };
  const char *bad = NULL;
  gboolean ok = FALSE;
  gboolean started = FALSE;
  gboolean done = FALSE;   /* the top-level value is complete */
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

  while (i < length)
    {
      char c = data[i];
      Level *top = depth > 0 ? &levels[depth - 1] : NULL;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          i++;
          continue;
        }
      started = TRUE;
      if (done)
        {
          report (problem, data, i, g_strdup ("there is more text after the JSON value"));
          goto out;
        }

      if (c == '"')
        {
          gsize start = ++i;
          while (i < length && data[i] != '"')
            i += data[i] == '\\' ? 2 : 1;
          if (i >= length)
            break;
          if (i - start > HF_JSON_GUARD_MAX_STRING)
            {
              report (problem, data, start - 1,
                      g_strdup_printf ("a text value is longer than the limit of %d MiB",
                                       HF_JSON_GUARD_MAX_STRING / (1024 * 1024)));
              goto out;
            }
          if (top != NULL && top->is_object && top->expect_key)
            {
              if (!add_key (top, arena, data + start, i - start))
                {
                  g_autofree char *name = g_strndup (data + start, MIN (i - start, 64));
                  report (problem, data, start - 1,
                          g_strdup_printf ("the key “%s” appears twice in one object", name));
                  goto out;
                }
              top->expect_key = FALSE;
            }
          i++;
          if (depth == 0)
            done = TRUE;
          continue;
        }

      switch (c)
        {
        case '{':
        case '[':
          if (depth == HF_JSON_GUARD_MAX_DEPTH)
            {
              report (problem, data, i,
                      g_strdup_printf ("it nests deeper than %d levels",
                                       HF_JSON_GUARD_MAX_DEPTH));
              goto out;
            }
          top = &levels[depth++];
          top->is_object = c == '{';
          top->expect_key = top->is_object;
          top->key.length = 0;
          /* An object that is the "resource" of an element of some object's "entry" list. */
          top->capture = resources != NULL && top->is_object && depth >= 4 &&
                         key_is (&levels[depth - 2], "resource") &&
                         !levels[depth - 3].is_object &&
                         key_is (&levels[depth - 4], "entry");
          if (top->capture)
            {
              HfJsonSpan span = { i, 0 };
              top->span = resources->len;
              g_array_append_val (resources, span);
            }
          if (top->is_object)
            {
              if (top->keys == NULL)
                top->keys = g_array_new (FALSE, FALSE, sizeof (Span));
              g_array_set_size (top->keys, 0);
              g_clear_pointer (&top->big, g_hash_table_unref);
            }
          break;

        case '}':
        case ']':
          if (top == NULL || top->is_object != (c == '}'))
            {
              report (problem, data, i, g_strdup_printf ("an unexpected “%c”", c));
              goto out;
            }
          if (top->capture)
            {
              HfJsonSpan *span = &g_array_index (resources, HfJsonSpan, top->span);
              span->length = i + 1 - span->offset;
            }
          if (--depth == 0)
            done = TRUE;
          break;

        case ',':
          if (top != NULL && top->is_object)
            top->expect_key = TRUE;
          break;

        case ':':
          break;

        default:
          {
            /* A number or literal; the parser checks a number's spelling. */
            gsize start = i;
            gsize n;

            while (i + 1 < length && strchr (" \t\r\n,:]}[{\"", data[i + 1]) == NULL)
              i++;
            n = i + 1 - start;
            if (!(g_ascii_isdigit (c) || c == '-' ||
                  (n == 4 && memcmp (data + start, "true", 4) == 0) ||
                  (n == 4 && memcmp (data + start, "null", 4) == 0) ||
                  (n == 5 && memcmp (data + start, "false", 5) == 0)))
              {
                g_autofree char *word = g_strndup (data + start, MIN (n, 32));
                report (problem, data, start,
                        g_strdup_printf ("it is not valid JSON (unexpected “%s”)", word));
                goto out;
              }
            if (depth == 0)
              done = TRUE;
          }
          break;
        }
      i++;
    }

  if (!done)
    {
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
