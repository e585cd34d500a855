/* test-json-guard.c — the pre-parser check: UTF-8, depth, string length, duplicate keys
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "hf-json-guard.h"

static void
assert_ok (const char *text)
{
  HfJsonProblem p = { 0 };

  if (!hf_json_guard_check (text, strlen (text), &p))
    g_error ("“%s” refused: %s", text, p.reason);
  hf_json_problem_clear (&p);
}

static void
assert_bad (const char *text,
            gsize       length,
            guint       line,
            guint       column,
            const char *reason_part)
{
  HfJsonProblem p = { 0 };

  g_assert_false (hf_json_guard_check (text, length, &p));
  g_assert_cmpuint (p.line, ==, line);
  g_assert_cmpuint (p.column, ==, column);
  g_assert_nonnull (strstr (p.reason, reason_part));
  hf_json_problem_clear (&p);
}

static void
test_valid (void)
{
  assert_ok ("{}");
  assert_ok ("  {\"a\": [1, 2.5e3, true, null, \"x\\\"y\"], \"b\": {\"a\": 1}}\n");
  assert_ok ("[{\"id\": 1}, {\"id\": 2}]");
  assert_ok ("\"text\"");
  assert_ok ("42");
  assert_ok ("{\"name\": \"Echevarría\"}");
  /* The same key in sibling and nested objects is fine. */
  assert_ok ("{\"a\": {\"a\": {\"a\": 1}}, \"b\": [{\"a\": 1}, {\"a\": 2}]}");
}

static void
test_duplicate_keys (void)
{
  const char *text = "{\n  \"id\": \"1\",\n  \"id\": \"2\"\n}";

  assert_bad (text, strlen (text), 3, 3, "“id” appears twice");
  /* Escaped spellings of one key are one key. */
  text = "{\"id\": 1, \"\\u0069d\": 2}";
  assert_bad (text, strlen (text), 1, 11, "appears twice");
}

static void
test_many_keys (void)
{
  g_autoptr(GString) s = g_string_new ("{");
  HfJsonProblem p = { 0 };

  for (int i = 0; i < 1000; i++)
    g_string_append_printf (s, "%s\"k%d\": %d", i ? ", " : "", i, i);
  g_string_append (s, "}");
  g_assert_true (hf_json_guard_check (s->str, s->len, &p));
  g_string_truncate (s, s->len - 1);
  g_string_append (s, ", \"k500\": 0}");
  g_assert_false (hf_json_guard_check (s->str, s->len, &p));
  g_assert_nonnull (strstr (p.reason, "“k500”"));
  hf_json_problem_clear (&p);
}

static void
test_depth (void)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) deep = g_string_new (NULL);

  for (int i = 0; i < HF_JSON_GUARD_MAX_DEPTH; i++)
    g_string_append_c (ok, '[');
  for (int i = 0; i < HF_JSON_GUARD_MAX_DEPTH; i++)
    g_string_append_c (ok, ']');
  assert_ok (ok->str);

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_bad (deep->str, deep->len, 1, HF_JSON_GUARD_MAX_DEPTH + 1, "deeper than 256");
}

static void
test_utf8 (void)
{
  assert_bad ("{\"a\": \"\xc3\x28\"}", 11, 1, 8, "not valid UTF-8");
  assert_bad ("{\"a\":\n\"x\0y\"}", 11, 2, 3, "NUL byte");
}

static void
test_truncated (void)
{
  HfJsonProblem p = { 0 };

  g_assert_false (hf_json_guard_check ("{\"a\": [1, 2", 11, &p));
  g_assert_true (p.truncated);
  g_assert_nonnull (strstr (p.reason, "truncated"));
  hf_json_problem_clear (&p);

  g_assert_false (hf_json_guard_check ("{\"a\": \"open", 11, &p));
  g_assert_true (p.truncated);
  hf_json_problem_clear (&p);

  assert_bad ("   ", 3, 1, 4, "empty");
  assert_bad ("{} {}", 5, 1, 4, "more text after");
  assert_bad ("{\"a\": 1]", 8, 1, 8, "unexpected “]”");
}

static void
test_long_string (void)
{
  gsize n = HF_JSON_GUARD_MAX_STRING + 16;
  g_autofree char *text = g_malloc (n + 4);

  text[0] = '[';
  text[1] = '"';
  memset (text + 2, 'x', n);
  text[n + 2] = '"';
  text[n + 3] = ']';
  assert_bad (text, n + 4, 1, 2, "longer than the limit of 64 MiB");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hf/json-guard/valid", test_valid);
  g_test_add_func ("/hf/json-guard/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/hf/json-guard/many-keys", test_many_keys);
  g_test_add_func ("/hf/json-guard/depth", test_depth);
  g_test_add_func ("/hf/json-guard/utf8", test_utf8);
  g_test_add_func ("/hf/json-guard/truncated", test_truncated);
  g_test_add_func ("/hf/json-guard/long-string", test_long_string);

  return g_test_run ();
}
