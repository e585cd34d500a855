/* fuzz-html.c — libFuzzer target: documents as text (app/records/hf-record-detail.h)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a document's bytes, as a DocumentReference or a Binary carries them: reduced
 * from HTML, and read as text/plain in UTF-8 and in another charset. What comes out is printed
 * and shown in labels, so it must be valid UTF-8 without control characters other than line
 * breaks and tabs, and no bigger than a few times the input (it is read once, not expanded).
 */

#include "hf-fuzz.h"
#include "hf-record-detail.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  hf_fuzz_init (argc, argv);
  return 0;
}

static void
assert_safe (const char *text,
             size_t      input_size)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  /* Each input byte gives at most one U+FFFD (3 bytes); "<li>" gives "\n• " (5 bytes). */
  g_assert_cmpuint (strlen (text), <=, 3 * input_size + 16);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_assert_false ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f));
      g_assert_false ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *html = hf_record_html_to_text ((const char *) data, size);
  g_autofree char *as_html = hf_record_attachment_text ("text/html", data, size);
  g_autofree char *plain = hf_record_attachment_text ("text/plain", data, size);
  g_autofree char *latin1 = hf_record_attachment_text ("text/plain; charset=ISO-8859-1", data,
                                                       size);

  assert_safe (html, size);
  assert_safe (as_html, size);
  g_assert_cmpstr (html, ==, as_html);
  assert_safe (plain, size);
  assert_safe (latin1, 2 * size);
  g_assert_null (hf_record_attachment_text ("application/pdf", data, size));
  return 0;
}
