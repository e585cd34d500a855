/* fuzz-issuer.c — libFuzzer target: the issuer URL check (hf_issuer_check, hf-signing.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input, up to its first NUL, is an issuer as a user types it. Besides crashes, it checks
 * what signed exports rely on: a refusal is HF_ERROR_INVALID_INPUT with a sentence in valid
 * UTF-8 ending with a full stop; an issuer that is taken is at most 1,000 printable ASCII
 * characters, starts with https:// and a host, and has no query, fragment, user or trailing
 * slash, so that ISSUER/.well-known/jwks.json is a URL of the same host.
 */

#include <string.h>

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-signing.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *url = g_strndup ((const char *) data, MIN (size, 4096));
  g_autoptr(GError) error = NULL;

  if (!hf_issuer_check (url, &error))
    {
      g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_true (g_str_has_suffix (error->message, "."));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (url), <=, 1000);
  g_assert_true (g_ascii_strncasecmp (url, "https://", 8) == 0);
  g_assert_true (url[8] != '\0' && url[8] != '/');
  g_assert_null (strchr (url, '?'));
  g_assert_null (strchr (url, '#'));
  g_assert_false (g_str_has_suffix (url, "/"));
  for (const char *p = url; *p != '\0'; p++)
    g_assert_true ((guchar) *p > 0x20 && (guchar) *p < 0x7f);
  {
    g_autofree char *jwks = g_strconcat (url, "/.well-known/jwks.json", NULL);
    g_autoptr(GUri) a = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
    g_autoptr(GUri) b = g_uri_parse (jwks, G_URI_FLAGS_NONE, NULL);

    g_assert_nonnull (a);
    g_assert_nonnull (b);
    g_assert_null (g_uri_get_userinfo (a));
    g_assert_cmpstr (g_uri_get_host (a), ==, g_uri_get_host (b));
    g_assert_cmpint (g_uri_get_port (a), ==, g_uri_get_port (b));
  }
  return 0;
}
