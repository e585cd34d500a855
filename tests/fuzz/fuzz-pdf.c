/* fuzz-pdf.c — libFuzzer target: the printable summary of an IPS document (app/exchange/hf-pdf.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a patient summary from anyone (the IG's examples, another app's export): it goes
 * through hf_pdf_from_ips in both layouts. Either it is refused as invalid input with a
 * sentence, or the result is a PDF (it starts with "%PDF-" and ends with "%%EOF"). The input's
 * first byte, when it is a digit, also asks for the Part 2 notice and a QR code.
 */

#include <string.h>

#include "hf-error.h"
#include "hf-fuzz.h"
#include "hf-pdf.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
check (GBytes             *input,
       const HfPdfOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = hf_pdf_from_ips (input, options, &error);

  if (pdf == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == HF_ERROR && error->code == HF_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_suffix (error->message, "."));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  {
    gsize n = 0;
    const char *p = g_bytes_get_data (pdf, &n);

    g_assert_true (n > 16);
    if (p == NULL)
      return;
    g_assert_true (memcmp (p, "%PDF-", 5) == 0);
    g_assert_nonnull (g_strstr_len (p + n - 16, 16, "%%EOF"));
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) input = g_bytes_new (data, size);
  gboolean extras = size > 0 && g_ascii_isdigit (data[0]);
  HfPdfOptions options = {
    HF_PDF_LAYOUT_SUMMARY, (gint64) 1764633600 * G_USEC_PER_SEC, "Fuzz <Maker>", "Dr. & Co",
    "Everything, for treatment.", extras ? "shc:/5676290952432060346029243740446031" : NULL,
    extras,
  };

  check (input, &options);
  options.layout = HF_PDF_LAYOUT_WALLET;
  check (input, &options);
  return 0;
}
