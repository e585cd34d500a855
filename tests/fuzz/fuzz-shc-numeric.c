/* fuzz-shc-numeric.c — libFuzzer target: a SMART Health Card's QR texts to its JWS
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is one or more "shc:/…" texts, a line each (a legacy card's chunks, or several
 * cards), or a .smart-health-card file, or a JWS, given to hf_shc_decode_inputs()
 * (app/exchange/hf-shc.h). Besides crashes it checks what callers rely on: a refusal is in
 * HF_SHC_ERROR with a sentence in valid UTF-8; every JWS it gives back is three base64url
 * parts joined by dots, which hf_shc_numeric_encode() writes as digits that decode back to it.
 */

#include <string.h>

#include "hf-fuzz.h"
#include "hf-shc-numeric.h"
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
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) jws = NULL;
  g_autoptr(GError) error = NULL;
  gsize start = 0;

  /* Lines of shc:/ text are several inputs; anything else is one. */
  if (size >= 5 && memcmp (data, "shc:/", 5) == 0)
    {
      for (gsize i = 0; i <= size; i++)
        if (i == size || data[i] == '\n')
          {
            if (inputs->len < 200)
              g_ptr_array_add (inputs, g_bytes_new (data + start, i - start));
            start = i + 1;
          }
    }
  else
    g_ptr_array_add (inputs, g_bytes_new (data, size));

  jws = hf_shc_decode_inputs ((GBytes * const *) inputs->pdata, inputs->len, &error);
  if (jws == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == HF_SHC_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 0);
      return 0;
    }
  g_assert_cmpuint (jws->len, >, 0);
  for (guint i = 0; i < jws->len; i++)
    {
      const char *t = g_ptr_array_index (jws, i);
      g_autofree char *digits = NULL;
      g_autofree char *back = NULL;
      guint dots = 0;

      for (const char *p = t; *p != '\0'; p++)
        {
          g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.');
          dots += *p == '.';
        }
      g_assert_cmpuint (dots, ==, 2);
      digits = hf_shc_numeric_encode (t, -1, NULL);
      g_assert_nonnull (digits);
      back = hf_shc_numeric_decode (digits, -1, NULL);
      g_assert_cmpstr (back, ==, t);
    }
  return 0;
}
