/* hf-shc-numeric.h — a SMART Health Card's JWS as the digits of its QR code's numeric segment
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each character c of the JWS (all of them in "-" … "z") is the two digits of c − 45, so
 * "shc:/" followed by the digits carries the JWS in QR numeric mode. This is one chunk's
 * digits only: the "shc:/" prefix and a legacy card's "N/M/" chunk headers are the reader's.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The digits for JWS (LENGTH bytes, or -1 for nul-ended), or NULL (HF_ERROR_INVALID_INPUT)
 * when a character is outside "-" … "z" and so cannot be written. */
char     *hf_shc_numeric_encode (const char *jws,
                                 gssize      length,
                                 GError    **error);

/* The JWS that DIGITS (LENGTH bytes, or -1) write: an even number of digits, each pair at
 * most 77, nothing else (no white space). HF_ERROR_INVALID_INPUT, one sentence, otherwise. */
char     *hf_shc_numeric_decode (const char *digits,
                                 gssize      length,
                                 GError    **error);

G_END_DECLS
