/* fuzz-smart.c — libFuzzer target: SMART discovery, registration and token answers
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a script of HTTP answers (tests/fuzz/hf-fuzz-http.h), in the order
 * app/hf-smart.c asks: .well-known/smart-configuration, metadata (the CapabilityStatement),
 * then, if discovery found the endpoints, the registration and a token refresh. What
 * discovery found must survive the JSON it is stored as in a vault; every failure is a
 * GError in a valid sentence.
 */

#include "hf-error.h"
#include "hf-fuzz-http.h"
#include "hf-fuzz.h"
#include "hf-smart.h"

#define BASE_URL "https://fhir.example.org/r4"

static HfHttp *http;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  hf_fuzz_init (argc, argv);
  http = hf_http_new (NULL, &error);
  g_assert_no_error (error);
  return 0;
}

static void
assert_failed (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == HF_ERROR || error->domain == G_IO_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
assert_same_config (const HfSmartConfig *a,
                    const HfSmartConfig *b)
{
  g_assert_cmpstr (a->base_url, ==, b->base_url);
  g_assert_cmpint (a->has_smart, ==, b->has_smart);
  g_assert_cmpint (a->smart_v2, ==, b->smart_v2);
  g_assert_cmpint (a->pkce_s256, ==, b->pkce_s256);
  g_assert_cmpstr (a->authorize_endpoint, ==, b->authorize_endpoint);
  g_assert_cmpstr (a->token_endpoint, ==, b->token_endpoint);
  g_assert_cmpstr (a->registration_endpoint, ==, b->registration_endpoint);
  g_assert_cmpint (a->has_capability, ==, b->has_capability);
  g_assert_cmpstr (a->fhir_version, ==, b->fhir_version);
  g_assert_cmpstr (a->software, ==, b->software);
  g_assert_cmpuint (a->types->len, ==, b->types->len);
  for (guint i = 0; i < a->types->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a->types, i), ==, g_ptr_array_index (b->types, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfSmartConfig) config = NULL;
  g_autoptr(HfSmartConfig) stored = NULL;
  g_autoptr(HfSmartTokens) tokens = NULL;
  g_autofree char *json = NULL;
  g_autofree char *described = NULL;
  g_autofree char *client_id = NULL;

  hf_fuzz_http_set_script (data, size);
  config = hf_smart_discover (http, BASE_URL, NULL, &error);
  if (config == NULL)
    {
      assert_failed (error);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (config->has_capability || config->has_smart);
  g_assert_cmpuint (config->types->len, >, 0);

  json = hf_smart_config_to_json (config);
  stored = hf_smart_config_from_json (json, &error);
  g_assert_no_error (error);
  assert_same_config (config, stored);
  described = hf_smart_config_describe (config);
  g_assert_true (g_utf8_validate (described, -1, NULL));
  g_assert_nonnull (hf_smart_config_scopes (config));

  client_id = hf_smart_register (http, config, NULL, &error);
  if (client_id == NULL)
    {
      assert_failed (error);
      g_clear_error (&error);
    }
  else
    g_assert_cmpstr (client_id, !=, "");

  tokens = hf_smart_refresh (http, config, client_id ? client_id : "fuzz-client", "refresh-1",
                             NULL, &error);
  if (tokens == NULL)
    assert_failed (error);
  else
    g_assert_nonnull (tokens->access_token);
  return 0;
}
