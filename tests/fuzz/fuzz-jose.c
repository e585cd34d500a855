/* fuzz-jose.c — libFuzzer target: compact JWS and JWE, and JWKs (app/exchange/hf-jose.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is tried as a JWS (parsed, its header checked, verified with the RFC 7515 A.3
 * key), as a JWE (decrypted with Bob's key of RFC 7518 Appendix C and the password of RFC 7520
 * §5.3, so that the seeds made with them reach the decryption), as a JWK, and as base64url.
 * Besides crashes it checks what callers rely on: a refusal is an HfJoseError with one plain
 * sentence in valid UTF-8, header values read back are valid UTF-8, nothing verifies without a
 * 64-byte signature, and base64url that decodes encodes back to the same text. PBES2 is capped
 * at 5,000 iterations here so that an input cannot make one run slow.
 */

#include <string.h>

#include "hf-fuzz.h"
#include "hf-jose-private.h"
#include "hf-jwk.h"
#include "hf-json-guard.h"

static HfJoseKey *signer;
static HfJoseKey *recipient;
static HfSecret *password;

static HfJoseKey *
key_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  HfJoseKey *key;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  key = hf_jose_key_new_from_jwk (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  return key;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  static const char pass[] = "entrap_o\xe2\x80\x93peter_long\xe2\x80\x93" "credit_tun";

  hf_fuzz_init (argc, argv);
  signer = key_from_json ("{\"kty\":\"EC\",\"crv\":\"P-256\","
                          "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                          "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\","
                          "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}");
  recipient = key_from_json ("{\"kty\":\"EC\",\"crv\":\"P-256\","
                             "\"x\":\"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ\","
                             "\"y\":\"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck\","
                             "\"d\":\"VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw\"}");
  password = hf_secret_new_from_data (pass, strlen (pass));
  return 0;
}

static void
check_refusal (const GError *error)
{
  gsize n;

  g_assert_nonnull (error);
  g_assert_true (error->domain == HF_JOSE_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  n = strlen (error->message);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (error->message[n - 1], ==, '.');
  g_assert_null (strchr (error->message, '\n'));
}

static void
check_text (const char *text)
{
  if (text != NULL)
    g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
try_jws (const char *text,
         gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJws) jws = hf_jws_parse (text, size, &error);

  if (jws == NULL)
    {
      check_refusal (error);
      return;
    }
  check_text (hf_jws_get_alg (jws));
  check_text (hf_jws_get_kid (jws));
  g_assert_nonnull (hf_jws_get_payload (jws));
  if (hf_jws_verify_es256 (jws, signer, &error))
    {
      gsize sig_start = size;

      while (sig_start > 0 && text[sig_start - 1] != '.')
        sig_start--;
      /* 64 bytes are 86 characters of base64url. */
      g_assert_cmpuint (size - sig_start, ==, 86);
      g_assert_true (hf_jws_check_header (jws, NULL));
    }
  else
    check_refusal (error);
  g_clear_error (&error);
  if (!_hf_jws_verify_signature (jws, recipient, &error))
    check_refusal (error);
}

static void
try_jwe (const char *text,
         gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfJwe) jwe = hf_jwe_parse (text, size, &error);
  g_autoptr(GBytes) plain = NULL;

  if (jwe == NULL)
    {
      check_refusal (error);
      return;
    }
  check_text (hf_jwe_get_alg (jwe));
  check_text (hf_jwe_get_kid (jwe));
  check_text (hf_jwe_get_cty (jwe));
  plain = _hf_jwe_decrypt_capped (jwe, recipient, password, 5000, &error);
  if (plain == NULL)
    check_refusal (error);
}

static void
try_jwk (const char *text,
         gsize       size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(HfJoseKey) key = NULL;
  g_autoptr(GError) error = NULL;
  HfJsonProblem problem = { 0 };

  if (!hf_json_guard_check (text, size, &problem))
    {
      hf_json_problem_clear (&problem);
      return;
    }
  if (!json_parser_load_from_data (parser, text, size, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  key = hf_jose_key_new_from_jwk (json_node_get_object (json_parser_get_root (parser)), &error);
  if (key == NULL)
    {
      check_refusal (error);
      return;
    }
  {
    g_autofree char *thumbprint = hf_jose_key_dup_thumbprint (key);

    g_assert_cmpuint (strlen (thumbprint), ==, 43);
  }
}

static void
try_base64url (const char *text,
               gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = _hf_jose_base64url_decode (text, size, &error);
  g_autofree char *again = NULL;

  if (bytes == NULL)
    {
      check_refusal (error);
      return;
    }
  again = hf_base64url_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_cmpmem (again, strlen (again), text, size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  try_jws (text, size);
  try_jwe (text, size);
  try_jwk (text, size);
  try_base64url (text, size);
  return 0;
}
