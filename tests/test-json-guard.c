/* test-json-guard.c — the pre-parser check: grammar, UTF-8, depth, string length, duplicate keys,
 * numbers, and where each Bundle entry's resource lies
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


/* What json-glib's scanner takes but RFC 8259 does not. */
static void
test_grammar (void)
{
  static const struct { const char *text; const char *reason; } bad[] = {
    { "[01]", "unexpected “01”" },
    { "[1.]", "unexpected “1.”" },
    { "[0x10]", "unexpected “0x10”" },
    { "[.5]", "unexpected “.5”" },
    { "[+1]", "unexpected “+1”" },
    { "[1e]", "unexpected “1e”" },
    { "[-]", "unexpected “-”" },
    { "[NaN]", "unexpected “NaN”" },
    { "[Infinity]", "unexpected “Infinity”" },
    { "[True]", "unexpected “True”" },
    { "[nul]", "unexpected “nul”" },
    { "[truex]", "unexpected “truex”" },
    { "['a']", "unexpected “'a'”" },
    { "[\"a\tb\"]", "control character" },
    { "[\"a\nb\"]", "control character" },
    { "[\"\\x41\"]", "escape “\\x”" },
    { "[\"\\u12\"]", "four hex digits" },
    { "[\"\\uZZZZ\"]", "four hex digits" },
    { "[1,]", "a “,” before a “]”" },
    { "{\"a\": 1,}", "a “,” before a “}”" },
    { "{\"a\" 1}", "“:” is missing" },
    { "{a: 1}", "key must be a quoted string" },
    { "{1: 1}", "key must be a quoted string" },
    { "[1 2]", "“,” or “]” is missing" },
    { "{\"a\": 1 \"b\": 2}", "“,” or “}” is missing" },
    { "[,1]", "unexpected “,”" },
    { "{\"a\":}", "unexpected “}”" },
    { "[1] // comment", "more text after" },
    { "/* c */ 1", "unexpected “/*”" },
    { "[1]]", "more text after" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      HfJsonProblem p = { 0 };

      if (hf_json_guard_check (bad[i].text, strlen (bad[i].text), &p))
        g_error ("“%s” was taken", bad[i].text);
      if (strstr (p.reason, bad[i].reason) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", bad[i].text, p.reason, bad[i].reason);
      g_assert_false (p.truncated);
      hf_json_problem_clear (&p);
    }

  assert_ok ("[0, -0, 0.5, -1.25e-3, 1E+2, 2e10, 123456789, -9223372036854775808]");
  assert_ok ("{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}");
  assert_ok ("[true,false,null,{},[],\"\"]");
  assert_ok ("\t\r\n [ 1 , 2 ] \r\n");
  assert_bad ("[1,\n 01]", 8, 2, 2, "unexpected “01”");
}

/* A lone surrogate escape decodes to bytes that are not UTF-8: refused, in keys too. */
static void
test_surrogates (void)
{
  assert_ok ("[\"\\ud83d\\ude00\"]");
  assert_ok ("[\"\\uD83D\\uDE00 and \\u00e9\"]");
  assert_bad ("[\"\\ud800\"]", 10, 1, 3, "“\\ud800”, half of a character");
  assert_bad ("[\"\\udc00\"]", 10, 1, 3, "“\\udc00”, half of a character");
  assert_bad ("[\"a\\ud800b\"]", 12, 1, 4, "half of a character");
  assert_bad ("[\"\\ud800\\u0041\"]", 16, 1, 3, "half of a character");
  assert_bad ("[\"\\ud800\\ud800\"]", 16, 1, 3, "half of a character");
  assert_bad ("{\"\\udc00\": 1}", 13, 1, 3, "half of a character");
  assert_bad ("[\"\\ud800\\n\"]", 12, 1, 3, "half of a character");
}

/* Numbers that a reader would turn into another number. */
static void
test_numbers (void)
{
  assert_bad ("[1e999]", 7, 1, 2, "“1e999” is outside the range");
  assert_bad ("[-1e999]", 8, 1, 2, "outside the range");
  assert_bad ("[1e-999]", 8, 1, 2, "outside the range");
  assert_bad ("[9223372036854775808]", 21, 1, 2, "outside the range");
  assert_bad ("[-9223372036854775809]", 22, 1, 2, "outside the range");
  assert_bad ("{\"value\": 123456789012345678901234567890}", 41, 1, 11, "outside the range");
  assert_ok ("[9223372036854775807, -9223372036854775808, 1.7e308, 2.5e-300, 0e-999]");
  assert_ok ("[123456789012345678901234567890.5]");
}

/* The text ended inside a value: the importer reads a document spread over lines whole. */
static void
test_truncated_values (void)
{
  static const char *const partial[] = {
    "{", "[", "{\"a\"", "{\"a\":", "{\"a\": 1", "{\"a\": 1,", "[tru", "[fals", "[-", "[1.",
    "[1e", "[1e+", "[\"\\", "[\"\\u00", "[\"\\ud83d", "[\"\\ud83d\\u", "[\"\\ud83d\\ude0",
    "{\"resourceType\": \"Bundle\",",
  };

  for (guint i = 0; i < G_N_ELEMENTS (partial); i++)
    {
      HfJsonProblem p = { 0 };
      g_assert_false (hf_json_guard_check (partial[i], strlen (partial[i]), &p));
      if (!p.truncated)
        g_error ("“%s” is not seen as truncated: %s", partial[i], p.reason);
      hf_json_problem_clear (&p);
    }
}

static char *
span_text (const char *text,
           GArray     *spans,
           gint        k)
{
  const HfJsonSpan *s = &g_array_index (spans, HfJsonSpan, k);
  return g_strndup (text + s->offset, s->length);
}

/* Spans are tied to an entry by its place in the parse: "entry" lists inside an extension,
 * a contained resource or a Parameters are not the Bundle's entries. */
static void
test_spans (void)
{
  const char *text =
    "{\"resourceType\": \"Bundle\", \"type\": \"collection\","
    " \"meta\": {\"extension\": [{\"entry\": [{\"resource\": {\"id\": \"decoy\"}}]}]},"
    " \"entry\": ["
    "  {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"p1\","
    "                \"contained\": [{\"entry\": [{\"resource\": {\"id\": \"decoy2\"}}]}]}},"
    "  \"not an object\","
    "  {\"fullUrl\": \"x\"},"
    "  {\"resource\": {\"resourceType\": \"Bundle\", \"id\": \"doc\", \"entry\": ["
    "      {\"resource\": {\"resourceType\": \"Composition\", \"id\": \"c1\"}},"
    "      {\"resource\": {\"resourceType\": \"Parameters\", \"id\": \"pa\", \"parameter\": ["
    "         {\"resource\": {\"resourceType\": \"Bundle\", \"entry\": ["
    "             {\"resource\": {\"id\": \"decoy3\"}}]}}]}}]}},"
    "  {\"resource\": [\"an array\"]},"
    "  {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o\\u0031\"}}"
    " ]}";
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (HfJsonSpan));
  g_autoptr(GArray) top = NULL;
  g_autoptr(GArray) inner = NULL;
  HfJsonProblem p = { 0 };
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *id = NULL;

  g_assert_true (hf_json_guard_check_spans (text, strlen (text), spans, &p));
  g_assert_cmpuint (spans->len, ==, 5);   /* p1, doc, c1, pa, o1 */

  top = hf_json_spans_entries (spans, -1, 6);
  g_assert_cmpint (g_array_index (top, gint, 0), ==, 0);
  g_assert_cmpint (g_array_index (top, gint, 1), ==, -1);
  g_assert_cmpint (g_array_index (top, gint, 2), ==, -1);
  g_assert_cmpint (g_array_index (top, gint, 3), ==, 1);
  g_assert_cmpint (g_array_index (top, gint, 4), ==, -1);
  g_assert_cmpint (g_array_index (top, gint, 5), ==, 4);

  first = span_text (text, spans, 0);
  g_assert_true (g_str_has_prefix (first, "{\"resourceType\": \"Patient\", \"id\": \"p1\""));
  g_assert_true (g_str_has_suffix (first, "\"decoy2\"}}]}]}"));
  last = span_text (text, spans, 4);
  g_assert_cmpstr (last, ==, "{\"resourceType\": \"Observation\", \"id\": \"o\\u0031\"}");
  id = hf_json_dup_member_string (last, strlen (last), "id");
  g_assert_cmpstr (id, ==, "o1");

  inner = hf_json_spans_entries (spans, 1, 2);
  g_assert_cmpint (g_array_index (inner, gint, 0), ==, 2);
  g_assert_cmpint (g_array_index (inner, gint, 1), ==, 3);
}

/* Only an object's own members: not those of objects inside it. */
static void
test_member_string (void)
{
  const char *text = " { \"meta\": {\"id\": \"inner\"}, \"list\": [\"id\", {\"id\": 2}],"
                     " \"n\": -1.5e3, \"t\": true, \"id\": \"outer \\\"q\\\"\" }";
  g_autofree char *id = hf_json_dup_member_string (text, strlen (text), "id");
  g_autofree char *none = hf_json_dup_member_string (text, strlen (text), "missing");
  g_autofree char *number = hf_json_dup_member_string (text, strlen (text), "n");

  g_assert_cmpstr (id, ==, "outer \"q\"");
  g_assert_null (none);
  g_assert_null (number);
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
  g_test_add_func ("/hf/json-guard/grammar", test_grammar);
  g_test_add_func ("/hf/json-guard/surrogates", test_surrogates);
  g_test_add_func ("/hf/json-guard/numbers", test_numbers);
  g_test_add_func ("/hf/json-guard/truncated-values", test_truncated_values);
  g_test_add_func ("/hf/json-guard/spans", test_spans);
  g_test_add_func ("/hf/json-guard/member-string", test_member_string);

  return g_test_run ();
}
