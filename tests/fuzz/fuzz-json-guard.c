/* fuzz-json-guard.c — libFuzzer target: the JSON guard (app/hf-json-guard.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides crashes, it checks what callers rely on: both entry points agree, a refusal says
 * where and why, and every resource span lies inside the text, in the order the resources
 * start, and is one JSON object that json-glib reads on its own whenever it reads the whole.
 */

#include <json-glib/json-glib.h>

#include "hf-fuzz.h"
#include "hf-json-guard.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
check_spans (const char *text,
             gsize       size,
             GArray     *spans)
{
  g_autoptr(JsonParser) whole = json_parser_new_immutable ();
  gsize last_offset = 0;

  for (guint i = 0; i < spans->len; i++)
    {
      HfJsonSpan *span = &g_array_index (spans, HfJsonSpan, i);

      g_assert_cmpuint (span->length, >=, 2);
      g_assert_cmpuint (span->offset, <=, size);
      g_assert_cmpuint (span->length, <=, size - span->offset);
      g_assert_cmpint (text[span->offset], ==, '{');
      g_assert_cmpint (text[span->offset + span->length - 1], ==, '}');
      if (i > 0)
        g_assert_cmpuint (span->offset, >, last_offset);
      last_offset = span->offset;
    }

  if (!json_parser_load_from_data (whole, text, size, NULL))
    return;
  for (guint i = 0; i < spans->len; i++)
    {
      HfJsonSpan *span = &g_array_index (spans, HfJsonSpan, i);
      g_autoptr(JsonParser) one = json_parser_new_immutable ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_data (one, text + span->offset, span->length, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (one)));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GArray) spans = g_array_new (FALSE, TRUE, sizeof (HfJsonSpan));
  HfJsonProblem problem = { 0 };
  HfJsonProblem plain = { 0 };
  gboolean ok, ok_plain;

  ok = hf_json_guard_check_spans (text, size, spans, &problem);
  ok_plain = hf_json_guard_check (text, size, &plain);
  g_assert_cmpint (ok, ==, ok_plain);

  if (ok)
    {
      g_assert_null (problem.reason);
      g_assert_false (problem.truncated);
      check_spans (text, size, spans);
    }
  else
    {
      g_assert_nonnull (problem.reason);
      g_assert_true (g_utf8_validate (problem.reason, -1, NULL));
      g_assert_cmpstr (problem.reason, ==, plain.reason);
      g_assert_cmpuint (problem.offset, ==, plain.offset);
      g_assert_cmpuint (problem.offset, <=, size);
      g_assert_cmpuint (problem.line, >=, 1);
      g_assert_cmpuint (problem.column, >=, 1);
    }
  hf_json_problem_clear (&problem);
  hf_json_problem_clear (&plain);
  return 0;
}
