/* hf-qr-image.c — the text of a QR code in a PNG image (libpng, ZBar)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libpng's simplified API reads the header first (png_image_begin_read_from_memory), so the
 * dimensions are known and capped before any pixel memory is asked for; it then converts any
 * PNG (palette, 16-bit, alpha) to 8-bit gray composed on white.
 */

#include "hf-qr-image.h"

#include <png.h>
#include <string.h>
#include <zbar.h>

#include "hf-shc.h"

GPtrArray *
hf_qr_image_decode_all (GBytes  *image,
                        GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  png_image png;
  png_color white = { 255, 255, 255 };
  g_autofree guint8 *pixels = NULL;
  zbar_image_scanner_t *scanner;
  zbar_image_t *frame;
  const zbar_symbol_t *symbol;
  const guint8 *data;
  gsize length;
  int found;

  g_return_val_if_fail (image != NULL, NULL);

  data = g_bytes_get_data (image, &length);
  if (length > HF_QR_IMAGE_MAX_FILE)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE,
                   "The image is %" G_GSIZE_FORMAT " bytes; a QR code's image may be at most "
                   "%d MiB.", length, HF_QR_IMAGE_MAX_FILE >> 20);
      return NULL;
    }
  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory (&png, data, length))
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_IMAGE, "The image is not a PNG (%s).",
                   png.message);
      png_image_free (&png);
      return NULL;
    }
  if (png.width == 0 || png.height == 0 || png.width > HF_QR_IMAGE_MAX_SIDE ||
      png.height > HF_QR_IMAGE_MAX_SIDE ||
      (guint64) png.width * png.height > HF_QR_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE,
                   "The image is %u × %u pixels; a QR code's image may have at most %d pixels "
                   "(%d on a side).", png.width, png.height, HF_QR_IMAGE_MAX_PIXELS,
                   HF_QR_IMAGE_MAX_SIDE);
      png_image_free (&png);
      return NULL;
    }
  png.format = PNG_FORMAT_GRAY;
  pixels = g_malloc (PNG_IMAGE_SIZE (png));
  if (!png_image_finish_read (&png, &white, pixels, 0, NULL))
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_IMAGE, "The PNG image is broken (%s).",
                   png.message);
      png_image_free (&png);
      return NULL;
    }

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  frame = zbar_image_create ();
  zbar_image_set_format (frame, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (frame, png.width, png.height);
  zbar_image_set_data (frame, pixels, (unsigned long) png.width * png.height, NULL);
  found = zbar_scan_image (scanner, frame);
  for (symbol = found > 0 ? zbar_image_first_symbol (frame) : NULL; symbol != NULL;
       symbol = zbar_symbol_next (symbol))
    {
      if (zbar_symbol_get_type (symbol) != ZBAR_QRCODE)
        continue;
      g_ptr_array_add (out, g_strndup (zbar_symbol_get_data (symbol),
                                       zbar_symbol_get_data_length (symbol)));
    }
  zbar_image_destroy (frame);
  zbar_image_scanner_destroy (scanner);
  if (found < 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_IMAGE,
                           "The image could not be scanned for QR codes.");
      return NULL;
    }
  if (out->len == 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_IMAGE,
                           "No QR code was found in the image.");
      return NULL;
    }
  return g_steal_pointer (&out);
}

char *
hf_qr_image_decode (GBytes  *image,
                    GError **error)
{
  g_autoptr(GPtrArray) all = hf_qr_image_decode_all (image, error);

  if (all == NULL)
    return NULL;
  if (all->len > 1)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_IMAGE,
                   "The image holds %u QR codes; give one at a time.", all->len);
      return NULL;
    }
  return g_strdup (g_ptr_array_index (all, 0));
}
