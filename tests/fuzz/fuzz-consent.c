/* fuzz-consent.c — libFuzzer target: public JWKs (hf-jwk.h) and Consents (hf-consent.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every input is read both as a recipient's key and, past the JSON guard, as a peer's FHIR
 * Consent. Besides crashes, it checks what callers rely on: a refusal is HF_ERROR_INVALID_INPUT
 * with a sentence in valid UTF-8; a key that is taken has a 43-character thumbprint and its
 * canonical JSON is read back as the same key; terms that are read are sorted and without
 * duplicates, say the same when written as a Consent and read again, and describe themselves
 * in valid UTF-8.
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-consent.h"
#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-json-guard.h"
#include "hf-jwk.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
assert_refusal (const GError *error)
{
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static void
check_jwk (const char *text,
           gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwk) jwk = hf_jwk_parse_public (text, size, &error);
  g_autoptr(HfJwk) again = NULL;
  g_autofree char *json = NULL;
  const guint8 *a, *b;
  gsize na = 0, nb = 0;

  if (jwk == NULL)
    {
      assert_refusal (error);
      return;
    }
  g_assert_cmpuint (strlen (hf_jwk_get_thumbprint (jwk)), ==, 43);
  json = hf_jwk_to_json (jwk);
  again = hf_jwk_parse_public (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hf_jwk_get_thumbprint (again), ==, hf_jwk_get_thumbprint (jwk));
  g_assert_cmpstr (hf_jwk_get_kid (again), ==, hf_jwk_get_kid (jwk));
  a = hf_jwk_get_point (jwk, &na);
  b = hf_jwk_get_point (again, &nb);
  g_assert_cmpmem (a, na, b, nb);
}

static void
assert_normal (char **v)
{
  g_assert_nonnull (v);
  for (guint i = 0; v[i] != NULL; i++)
    {
      g_assert_true (g_utf8_validate (v[i], -1, NULL));
      if (i > 0)
        g_assert_cmpint (strcmp (v[i - 1], v[i]), <, 0);
    }
}

static void
check_consent (const char *text,
               gsize       size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) written = NULL;
  g_autofree char *words = NULL;
  HfJsonProblem problem = { 0 };
  HfConsent consent = { 0 };
  g_auto(HfConsentTerms) back = { 0 };

  if (!hf_json_guard_check (text, size, &problem))
    {
      hf_json_problem_clear (&problem);
      return;
    }
  if (!json_parser_load_from_data (parser, text, size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  if (!hf_consent_terms_from_fhir (json_node_get_object (json_parser_get_root (parser)),
                                   &consent.terms, &error))
    {
      assert_refusal (error);
      return;
    }
  assert_normal (consent.terms.categories);
  assert_normal (consent.terms.purposes);
  g_assert_nonnull (consent.terms.purposes[0]);
  assert_normal (consent.terms.permit_labels);
  assert_normal (consent.terms.include);
  assert_normal (consent.terms.exclude);

  consent.recipient_id = 1;
  consent.recipient = (char *) "Dr. Osei";
  consent.version = 1;
  consent.performer = (char *) "Carla";
  consent.performer_role = HF_ROLE_OWNER;
  written = hf_consent_to_fhir (&consent);
  g_assert_true (hf_consent_terms_from_fhir (json_node_get_object (written), &back, &error));
  g_assert_no_error (error);
  g_assert_true (hf_consent_terms_equal (&back, &consent.terms));
  words = hf_consent_describe_on (&consent, "2026-06-01");
  g_assert_true (g_utf8_validate (words, -1, NULL));
  hf_consent_terms_clear (&consent.terms);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  check_jwk (text, size);
  check_consent (text, size);
  return 0;
}
