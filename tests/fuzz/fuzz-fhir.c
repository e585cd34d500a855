/* fuzz-fhir.c — libFuzzer target: FHIR summaries and display (app/hf-fhir.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input goes the importer's way: the JSON guard, then json-glib; the whole value and each
 * Bundle entry's resource (read on its own from its span, as the importer stores it) go
 * through every summary and display function. What they return is shown in labels, so it
 * must be valid UTF-8, and a summary always has a title and a known category. Each resource's
 * share skeleton (hf-share-fact-private.h), made from the same bytes the importer stores, is a
 * JSON object, and the skeleton of a skeleton is itself; the raw input too is cut without a
 * read past its end.
 */

#include <json-glib/json-glib.h>

#include "hf-fhir.h"
#include "hf-fuzz.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-share-fact-private.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
assert_text (const char *text)
{
  if (text != NULL)
    g_assert_true (g_utf8_validate (text, -1, NULL));
}

/* Some references have a name, some do not, as in a vault. */
static char *
resolve (const char *reference,
         gpointer    user_data)
{
  if (reference == NULL || strlen (reference) % 2 == 1)
    return NULL;
  return g_strdup_printf ("Name of %s", reference);
}

static void
exercise (JsonObject *resource)
{
  HfFhirSummary summary = { 0 };
  g_autofree char *line = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  const char *type = hf_json_string (resource, "resourceType");

  if (type != NULL)
    hf_fhir_is_resource_type (type);

  hf_fhir_summarize (resource, resolve, NULL, &summary);
  g_assert_nonnull (summary.title);
  g_assert_true (hf_fhir_is_category (summary.category));
  g_assert_nonnull (hf_fhir_category_label (summary.category));
  assert_text (summary.effective);
  assert_text (summary.date);
  assert_text (summary.status);
  assert_text (summary.code_display);
  assert_text (summary.value_unit);
  assert_text (summary.title);
  assert_text (summary.subtitle);
  assert_text (summary.search_codes);
  assert_text (summary.search_notes);
  line = hf_fhir_summary_line (&summary);
  g_assert_nonnull (line);
  assert_text (line);
  hf_fhir_summary_clear (&summary);

  assert_text (hf_fhir_sensitivity_label (resource));
  name = hf_fhir_display_name (resource);
  assert_text (name);

  fields = hf_fhir_describe (resource, resolve, NULL);
  g_assert_nonnull (fields);
  for (guint i = 0; i < fields->len; i++)
    {
      HfFhirField *field = g_ptr_array_index (fields, i);
      g_assert_nonnull (field->label);
      g_assert_nonnull (field->value);
      assert_text (field->label);
      assert_text (field->value);
    }
}

static void
check_skeleton (const char *text,
                gsize       size)
{
  gsize len = 0, again_len = 0;
  g_autofree char *skeleton = _hf_share_skeleton (text, size, &len);
  g_autofree char *again = _hf_share_skeleton (skeleton, len, &again_len);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  g_assert_cmpuint (len, ==, strlen (skeleton));
  g_assert_true (json_parser_load_from_data (parser, skeleton, len, NULL));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  g_assert_cmpstr (again, ==, skeleton);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GArray) spans = g_array_new (FALSE, TRUE, sizeof (HfJsonSpan));
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  HfJsonProblem problem = { 0 };
  JsonNode *root;

  /* Whatever the bytes, in bounds (a stored resource passed the guard; this is not trusted). */
  g_free (_hf_share_skeleton (text, size, NULL));
  if (!hf_json_guard_check_spans (text, size, spans, &problem))
    {
      hf_json_problem_clear (&problem);
      return 0;
    }
  if (!json_parser_load_from_data (parser, text, size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  exercise (json_node_get_object (root));
  check_skeleton (text, size);

  for (guint i = 0; i < spans->len; i++)
    {
      HfJsonSpan *span = &g_array_index (spans, HfJsonSpan, i);
      g_autoptr(JsonParser) one = json_parser_new_immutable ();

      if (json_parser_load_from_data (one, text + span->offset, span->length, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (one)))
        {
          exercise (json_node_get_object (json_parser_get_root (one)));
          check_skeleton (text + span->offset, span->length);
        }
    }
  return 0;
}
