/* fuzz-shl-payload.c — libFuzzer target: SMART Health Link text → payload
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is parsed as link text (app/exchange/hf-shl.h: "shlink:/…" or a viewer's
 * "https://…#shlink:/…"), and again as the payload's JSON itself, base64url-encoded behind
 * "shlink:/", so that the fuzzer reaches the members without having to find base64url. Nothing
 * is fetched. Besides crashes it checks what callers rely on: a refusal is
 * HF_ERROR_INVALID_INPUT with a sentence in valid UTF-8; a parsed link has an allowed url, a
 * key of exactly 32 bytes, a label of at most 80 characters, a version it understands, no
 * "U" with "P", and a "shlink:/" URI that parses again to the same link.
 */

#include <string.h>

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-http.h"
#include "hf-jwk.h"
#include "hf-shl.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
try_text (const char *text,
          gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfShlLink) link = hf_shl_link_parse (text, size, &error);
  g_autoptr(HfShlLink) again = NULL;

  if (link == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == HF_ERROR);
      g_assert_cmpint (error->code, ==, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 0);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (hf_http_url_allowed (link->url, NULL));
  g_assert_cmpuint (hf_secret_get_size (link->key), ==, 32);
  g_assert_true (link->version >= 1 && link->version <= HF_SHL_VERSION);
  g_assert_true (link->exp >= 0);
  g_assert_false ((link->flags & HF_SHL_FLAG_DIRECT) && (link->flags & HF_SHL_FLAG_PASSCODE));
  if (link->label != NULL)
    {
      g_assert_true (g_utf8_validate (link->label, -1, NULL));
      g_assert_cmpint (g_utf8_strlen (link->label, -1), <=, HF_SHL_MAX_LABEL);
    }
  g_assert_true (g_str_has_prefix (link->uri, "shlink:/"));
  g_assert_true (hf_shl_is_link (link->uri));
  again = hf_shl_link_parse (link->uri, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpstr (again->url, ==, link->url);
  g_assert_true (hf_secret_equal (again->key, link->key));
  g_assert_cmpint (again->exp, ==, link->exp);
  g_assert_cmpint (again->flags, ==, link->flags);
  g_assert_cmpstr (again->label, ==, link->label);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size > HF_SHL_MAX_LINK)
    return 0;
  try_text ((const char *) data, size);
  if (size > 0)
    {
      g_autofree char *b64 = hf_base64url_encode (data, size);
      g_autofree char *text = g_strconcat ("shlink:/", b64, NULL);

      try_text (text, strlen (text));
    }
  return 0;
}
