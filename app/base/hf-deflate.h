/* hf-deflate.h — raw DEFLATE (RFC 1951, no zlib or gzip wrapper), as JOSE's "zip": "DEF" means
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inflating outside input is capped: a stream that would grow past MAX_OUTPUT is refused as
 * it grows (a DEFLATE bomb never gets its memory), and so is one that is truncated, corrupt or
 * followed by anything.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a caller that has no better figure caps an inflated token at. */
#define HF_INFLATE_DEFAULT_MAX (5 * 1024 * 1024)

/* DATA compressed at the best level, with no header. */
GBytes   *hf_deflate_raw  (const guint8 *data,
                           gsize         length);

/* DATA inflated. HF_ERROR_INVALID_INPUT, one sentence, when it is not one whole raw DEFLATE
 * stream or inflates past MAX_OUTPUT bytes (then *OVER_CAP, if given, is TRUE). */
GBytes   *hf_inflate_raw  (const guint8 *data,
                           gsize         length,
                           gsize         max_output,
                           gboolean     *over_cap,
                           GError      **error);

G_END_DECLS
