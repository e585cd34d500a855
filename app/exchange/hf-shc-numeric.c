/* hf-shc-numeric.c — a SMART Health Card's JWS as QR digits, and back
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-shc-numeric.h"

#include <string.h>

#include "hf-error.h"

#define SHC_OFFSET  45   /* "-" */
#define SHC_MAX     77   /* "z" − "-" */

char *
hf_shc_numeric_encode (const char *jws,
                       gssize      length,
                       GError    **error)
{
  gsize n;
  char *digits;

  g_return_val_if_fail (jws != NULL, NULL);

  n = length < 0 ? strlen (jws) : (gsize) length;
  digits = g_malloc (2 * n + 1);
  for (gsize i = 0; i < n; i++)
    {
      int v = (guchar) jws[i] - SHC_OFFSET;

      if (v < 0 || v > SHC_MAX)
        {
          g_free (digits);
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The card's token has a character (at %" G_GSIZE_FORMAT ") that a QR "
                       "code's numeric form cannot carry.", i + 1);
          return NULL;
        }
      digits[2 * i] = '0' + v / 10;
      digits[2 * i + 1] = '0' + v % 10;
    }
  digits[2 * n] = '\0';
  return digits;
}

char *
hf_shc_numeric_decode (const char *digits,
                       gssize      length,
                       GError    **error)
{
  g_autofree char *jws = NULL;
  gsize n;

  g_return_val_if_fail (digits != NULL, NULL);

  n = length < 0 ? strlen (digits) : (gsize) length;
  if (n == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The card's QR text has no digits after its “shc:/” prefix.");
      return NULL;
    }
  if (n % 2 != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The card's QR text has an odd number of digits (%" G_GSIZE_FORMAT "); "
                   "each character of the card is two.", n);
      return NULL;
    }
  jws = g_malloc (n / 2 + 1);
  for (gsize i = 0; i < n; i += 2)
    {
      int v;

      if (!g_ascii_isdigit (digits[i]) || !g_ascii_isdigit (digits[i + 1]))
        {
          gsize at = g_ascii_isdigit (digits[i]) ? i + 2 : i + 1;

          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The card's QR text has something other than a digit (at %"
                       G_GSIZE_FORMAT ").", at);
          return NULL;
        }
      v = (digits[i] - '0') * 10 + (digits[i + 1] - '0');
      if (v > SHC_MAX)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The card's QR text has the pair “%02d” (at %" G_GSIZE_FORMAT "); no "
                       "pair may be above 77.", v, i + 1);
          return NULL;
        }
      jws[i / 2] = (char) (v + SHC_OFFSET);
    }
  jws[n / 2] = '\0';
  return g_steal_pointer (&jws);
}
