/* hf-qr-image.h — the text of a QR code in a PNG image (libpng, ZBar)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The image is checked before it is decoded: its file size, then its width and height from
 * the PNG header, so that a huge "image" never gets its pixels' memory. It is read as 8-bit
 * gray on white (ZBar's Y800) and scanned for QR codes only.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HF_QR_IMAGE_MAX_FILE   (8 * 1024 * 1024)
#define HF_QR_IMAGE_MAX_SIDE   8192
#define HF_QR_IMAGE_MAX_PIXELS (4096 * 4096)

/* The texts of every QR code in the PNG IMAGE, in ZBar's order (char*). Refusals are
 * HF_SHC_ERROR_TOO_LARGE (file or dimensions over the caps) and HF_SHC_ERROR_IMAGE (not a
 * PNG, a broken one, or no QR code in it). */
GPtrArray *hf_qr_image_decode_all (GBytes  *image,
                                   GError **error);
/* The text of the one QR code in IMAGE: several are HF_SHC_ERROR_IMAGE too. */
char      *hf_qr_image_decode     (GBytes  *image,
                                   GError **error);

G_END_DECLS
