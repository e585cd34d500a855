/* hf-pdf.h — the printable summary of an International Patient Summary, as PDF
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawn with cairo's PDF surface and Pango (no HTML engine): the fonts are embedded and the
 * text is text, so it can be selected, searched and read aloud.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest IPS document read, in bytes, and the most section entries printed. */
#define HF_PDF_MAX_INPUT   (64 * 1024 * 1024)
#define HF_PDF_MAX_ENTRIES 20000

typedef enum
{
  HF_PDF_LAYOUT_SUMMARY,   /* A4 pages: the person, every section as a table */
  HF_PDF_LAYOUT_WALLET,    /* one A4 page: a credit-card-sized emergency card to cut and fold */
} HfPdfLayout;

typedef struct
{
  HfPdfLayout  layout;
  gint64       now;            /* µs since the epoch: "made on" */
  const char  *made_by;        /* who made it (member / vault) */
  const char  *recipient;      /* for whom */
  const char  *consent;        /* the consent in words, or NULL */
  const char  *qr_text;        /* a shc:/ or shlink:/ text, a QR code on the first page; or NULL */
  gboolean     part2_notice;   /* print the 42 CFR Part 2 notice */
} HfPdfOptions;

/* The printable summary of IPS (an IPS document Bundle, such as hf_ips_from_bundle gives or the
 * IPS IG's examples) as PDF bytes, drawn with cairo's PDF surface and Pango (fonts embedded,
 * text selectable). A document that is not an IPS (not JSON, not a document Bundle, no
 * Composition first), or one of more than HF_PDF_MAX_ENTRIES section entries, is
 * HF_ERROR_INVALID_INPUT with a sentence; a QR text that does not fit one QR code is
 * HF_ERROR_INVALID_INPUT too. */
GBytes *hf_pdf_from_ips (GBytes             *ips,
                         const HfPdfOptions *options,
                         GError            **error);

G_END_DECLS
