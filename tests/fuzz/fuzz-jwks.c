/* fuzz-jwks.c — libFuzzer target: JWK Sets, and verifying what may be a signed bundle
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is parsed as a JWKS (app/exchange/hf-jwks.h) and given to hf_verify_bytes()
 * offline (app/exchange/hf-verify.h: a JWS, a JWE or a bare Bundle) against an empty trust
 * store, so nothing is fetched. Besides crashes it checks what callers rely on: a refusal is
 * HF_ERROR_INVALID_INPUT (the JWKS) or an HF_ERROR (verify) with a sentence in valid UTF-8; a
 * parsed set has at most 100 keys, each with a kid no other key has, each found again by
 * hf_jwks_lookup(); an offline verification of an untrusted signature is never "valid".
 */

#include <string.h>

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-jwks.h"
#include "hf-verify.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
check_refusal (const GError *error)
{
  gsize n;

  g_assert_nonnull (error);
  g_assert_true (error->domain == HF_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  n = strlen (error->message);
  g_assert_cmpuint (n, >, 0);
}

static void
try_jwks (const char *text,
          gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwks) set = hf_jwks_parse (text, size, &error);
  g_autoptr(GHashTable) kids = NULL;

  if (set == NULL)
    {
      check_refusal (error);
      g_assert_cmpint (error->code, ==, HF_ERROR_INVALID_INPUT);
      return;
    }
  g_assert_cmpuint (set->keys->len, >, 0);
  g_assert_cmpuint (set->keys->len, <=, HF_JWKS_MAX_KEYS);
  kids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < set->keys->len; i++)
    {
      HfJwksKey *k = g_ptr_array_index (set->keys, i);

      g_assert_true (g_utf8_validate (k->kid, -1, NULL));
      g_assert_cmpuint (strlen (k->kid), >, 0);
      g_assert_false (g_hash_table_contains (kids, k->kid));
      g_hash_table_add (kids, k->kid);
      g_assert_false (hf_jose_key_has_private (k->key));
      g_assert_true (hf_jwks_lookup (set, k->kid) == k->key);
    }
  for (guint i = 0; i < set->notes->len; i++)
    g_assert_true (g_utf8_validate (g_ptr_array_index (set->notes, i), -1, NULL));
}

static void
try_verify (const uint8_t *data,
            size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVerifyResult) r = NULL;

  r = hf_verify_bytes (hf_fuzz_vault (), bytes, NULL, NULL, HF_VERIFY_OFFLINE, NULL, &error);
  if (r == NULL)
    {
      check_refusal (error);
      return;
    }
  g_assert_true (r->verdict != HF_VERIFY_VALID);
  g_assert_nonnull (r->bundle);
  if (r->verdict == HF_VERIFY_UNTRUSTED)
    {
      g_assert_nonnull (r->reason);
      g_assert_true (g_utf8_validate (r->reason, -1, NULL));
    }
  if (r->person_name != NULL)
    g_assert_true (g_utf8_validate (r->person_name, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  try_jwks ((const char *) data, size);
  try_verify (data, size);
  return 0;
}
