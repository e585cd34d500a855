/* fuzz-ips.c — libFuzzer target: a collection Bundle → its International Patient Summary
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a collection Bundle's JSON, given to hf_ips_from_bundle() (app/exchange/hf-ips.h)
 * and hf_ips_sections(). Besides crashes it checks what an export relies on: a refusal is
 * HF_ERROR_INVALID_INPUT with a sentence in valid UTF-8; an IPS is valid JSON text (it passes
 * the guard), a document Bundle whose first entry is a Composition; the sections counted always
 * include the three required ones.
 */

#include <string.h>

#include <json-glib/json-glib.h>

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-ips.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) in = g_bytes_new (data, size);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GArray) sections = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  HfIpsOptions options = { G_GINT64_CONSTANT (1796133720) * G_USEC_PER_SEC, NULL, "Dr. Osei" };
  HfJsonProblem problem = { 0 };
  JsonObject *first;
  gsize len;

  out = hf_ips_from_bundle (in, &options, &error);
  if (out == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == HF_ERROR);
      g_assert_cmpint (error->code, ==, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 0);
      return 0;
    }
  g_assert_no_error (error);
  len = g_bytes_get_size (out);
  text = g_strndup (g_bytes_get_data (out, NULL), len);
  g_assert_true (hf_json_guard_check (text, len, &problem));
  hf_json_problem_clear (&problem);
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (root != NULL && JSON_NODE_HOLDS_OBJECT (root));
  g_assert_cmpstr (hf_json_string (json_node_get_object (root), "type"), ==, "document");
  first = hf_json_object (hf_json_first_object (json_node_get_object (root), "entry"),
                          "resource");
  g_assert_cmpstr (hf_json_string (first, "resourceType"), ==, "Composition");

  sections = hf_ips_sections (in, &error);
  g_assert_no_error (error);
  g_assert_true (sections != NULL && sections->len >= 3);
  return 0;
}
