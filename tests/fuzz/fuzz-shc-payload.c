/* fuzz-shc-payload.c — libFuzzer target: a SMART Health Card's inflated payload
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the JSON a card's JWS payload inflates to, given to hf_shc_check_payload()
 * (app/exchange/hf-shc.h) with no signature. Besides crashes it checks what callers rely on:
 * a refusal is in HF_SHC_ERROR with a sentence in valid UTF-8; a card accepted has an https
 * issuer without a trailing "/", a positive nbf, the health-card type, a FHIR version, and a
 * Bundle that is one JSON object whose resourceType is "Bundle" and that has as many entries
 * as the card says.
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-fuzz.h"
#include "hf-shc.h"

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
  g_autoptr(HfShcCard) card = g_new0 (HfShcCard, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *bundle;
  JsonArray *entries;

  if (!hf_shc_check_payload (data, size, card, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == HF_SHC_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 0);
      return 0;
    }
  g_assert_nonnull (card->iss);
  g_assert_true (g_str_has_prefix (card->iss, "https://"));
  g_assert_false (g_str_has_suffix (card->iss, "/"));
  g_assert_true (card->nbf > 0);
  g_assert_true (g_strv_contains ((const char * const *) card->types, HF_SHC_TYPE_HEALTH_CARD));
  g_assert_nonnull (card->fhir_version);
  g_assert_nonnull (card->bundle);
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (card->bundle, NULL),
                                             (gssize) g_bytes_get_size (card->bundle), NULL));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  bundle = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member_with_default (bundle, "resourceType", ""), ==,
                   "Bundle");
  entries = json_object_has_member (bundle, "entry") &&
            JSON_NODE_HOLDS_ARRAY (json_object_get_member (bundle, "entry"))
            ? json_object_get_array_member (bundle, "entry") : NULL;
  g_assert_cmpuint (entries != NULL ? json_array_get_length (entries) : 0, ==, card->entries);
  return 0;
}
