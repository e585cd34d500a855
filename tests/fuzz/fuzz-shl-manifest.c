/* fuzz-shl-manifest.c — libFuzzer target: a SMART Health Link's manifest answer → its files
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a manifest answer's JSON, given to hf_shl_manifest_parse()
 * (app/exchange/hf-shl.h). Besides crashes it checks what the link code relies on: a refusal
 * is HF_ERROR_INVALID_INPUT with a sentence in valid UTF-8; a parsed manifest has at most
 * HF_SHL_MAX_FILES files, each with a content type and exactly one of embedded and location,
 * a location always an address the HTTP client allows.
 */

#include <string.h>

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-http.h"
#include "hf-shl.h"

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
  g_autoptr(HfShlManifest) manifest = NULL;

  manifest = hf_shl_manifest_parse ((const char *) data, size, &error);
  if (manifest == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == HF_ERROR);
      g_assert_cmpint (error->code, ==, HF_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 0);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_nonnull (manifest->files);
  g_assert_cmpuint (manifest->files->len, <=, HF_SHL_MAX_FILES);
  if (manifest->status != NULL)
    g_assert_true (g_utf8_validate (manifest->status, -1, NULL));
  for (guint i = 0; i < manifest->files->len; i++)
    {
      HfShlFile *file = g_ptr_array_index (manifest->files, i);

      g_assert_nonnull (file->content_type);
      g_assert_cmpuint (strlen (file->content_type), >, 0);
      g_assert_true ((file->embedded == NULL) != (file->location == NULL));
      if (file->location != NULL)
        g_assert_true (hf_http_url_allowed (file->location, NULL));
    }
  return 0;
}
