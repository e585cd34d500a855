/* hf-deflate.c — raw DEFLATE over zlib
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-deflate.h"

#include <zlib.h>

#include "hf-error.h"

GBytes *
hf_deflate_raw (const guint8 *data,
                gsize         length)
{
  z_stream stream = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int status;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length <= G_MAXUINT32, NULL);

  /* windowBits -15: raw, with the largest window; memLevel 9: the best compression. */
  if (deflateInit2 (&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    g_error ("zlib could not start a compression stream (out of memory).");
  g_byte_array_set_size (out, deflateBound (&stream, length));
  stream.next_in = (Bytef *) data;
  stream.avail_in = length;
  stream.next_out = out->data;
  stream.avail_out = out->len;
  status = deflate (&stream, Z_FINISH);
  g_assert (status == Z_STREAM_END);
  g_byte_array_set_size (out, stream.total_out);
  deflateEnd (&stream);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
hf_inflate_raw (const guint8 *data,
                gsize         length,
                gsize         max_output,
                gboolean     *over_cap,
                GError      **error)
{
  z_stream stream = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int status = Z_OK;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (over_cap != NULL)
    *over_cap = FALSE;
  if (length > G_MAXUINT32)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The compressed content is too large.");
      return NULL;
    }
  if (inflateInit2 (&stream, -15) != Z_OK)
    g_error ("zlib could not start a decompression stream (out of memory).");
  stream.next_in = (Bytef *) data;
  stream.avail_in = length;
  while (status != Z_STREAM_END)
    {
      gsize used = out->len;
      gsize step = MIN (MAX (used, (gsize) 16 * 1024), max_output + 1 - used);

      if (step == 0)
        break;
      g_byte_array_set_size (out, used + step);
      stream.next_out = out->data + used;
      stream.avail_out = step;
      status = inflate (&stream, Z_NO_FLUSH);
      g_byte_array_set_size (out, stream.total_out);
      if (status != Z_OK && status != Z_STREAM_END)
        break;
    }
  inflateEnd (&stream);
  if (status == Z_STREAM_END && out->len > max_output)
    status = Z_BUF_ERROR;
  if (status != Z_STREAM_END)
    {
      if (out->len > max_output && over_cap != NULL)
        *over_cap = TRUE;
      if (out->len > max_output)
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                     "The compressed content inflates to more than %" G_GSIZE_FORMAT " bytes, "
                     "which is refused.", max_output);
      else
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                     "The compressed content is not valid raw DEFLATE (it is truncated or "
                     "corrupt).");
      return NULL;
    }
  if (stream.avail_in != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The compressed content has bytes after its end.");
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
