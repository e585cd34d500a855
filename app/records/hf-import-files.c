/* hf-import-files.c — what the importer reads: files, folders, standard input, line by line
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only regular files are opened (a named pipe or a device would block, or never end), each
 * once, its hash taken from the same reads; lines are handed out one at a time, never longer
 * than asked, so that a file without newlines is refused without being read whole.
 */

#include "hf-import-files.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-error.h"

#define READ_CHUNK (1 << 16)

void
_hf_import_reader_init (HfImportReader *r,
                        int             fd,
                        GBytes         *memory)
{
  memset (r, 0, sizeof *r);
  r->fd = fd;
  r->memory = memory != NULL ? g_bytes_ref (memory) : NULL;
  r->sum = g_checksum_new (G_CHECKSUM_SHA256);
  r->chunk = g_malloc (READ_CHUNK);
  r->line = g_byte_array_new ();
}

void
_hf_import_reader_clear (HfImportReader *r)
{
  if (r->fd >= 0)
    close (r->fd);
  g_clear_pointer (&r->memory, g_bytes_unref);
  g_clear_pointer (&r->sum, g_checksum_free);
  g_clear_pointer (&r->chunk, g_free);
  g_clear_pointer (&r->line, g_byte_array_unref);
}

static gboolean
reader_fill (HfImportReader  *r,
             const char      *display,
             GError         **error)
{
  gssize n;

  if (r->memory != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (r->memory, &size);
      n = MIN (READ_CHUNK, size - r->memory_pos);
      memcpy (r->chunk, data + r->memory_pos, n);
      r->memory_pos += n;
    }
  else
    {
      do
        n = read (r->fd, r->chunk, READ_CHUNK);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Cannot read “%s”: %s; nothing was imported.", display,
                       g_strerror (saved));
          return FALSE;
        }
    }
  g_checksum_update (r->sum, r->chunk, n);
  r->pos = 0;
  r->fill = n;
  r->eof = n == 0;
  if (!r->started)
    {
      r->started = TRUE;
      /* A UTF-8 byte order mark is not part of the JSON (RFC 8259 §8.1 lets a reader skip it). */
      if (n >= 3 && memcmp (r->chunk, "\xef\xbb\xbf", 3) == 0)
        {
          r->pos = 3;
          r->consumed = 3;
        }
    }
  return TRUE;
}

/* The next line, without its "\n", in R->line. HF_IMPORT_LINE_TOO_LONG: more than MAX bytes
 * without a newline; what was read stays in R->line and nothing more is read. */
HfImportLine
_hf_import_reader_line (HfImportReader  *r,
                        gsize            max,
                        const char      *display,
                        GError         **error)
{
  g_byte_array_set_size (r->line, 0);
  for (;;)
    {
      const guint8 *nl;
      gsize take;

      if (r->pos == r->fill)
        {
          if (r->eof)
            return r->line->len > 0 ? HF_IMPORT_LINE_READ : HF_IMPORT_LINE_NONE;
          if (!reader_fill (r, display, error))
            return HF_IMPORT_LINE_ERROR;
          continue;
        }
      nl = memchr (r->chunk + r->pos, '\n', r->fill - r->pos);
      take = (nl != NULL ? (gsize) (nl - r->chunk) : r->fill) - r->pos;
      if (r->line->len + take > max)
        return HF_IMPORT_LINE_TOO_LONG;
      g_byte_array_append (r->line, r->chunk + r->pos, take);
      r->pos += take;
      r->consumed += take;
      if (nl != NULL)
        {
          r->pos++;
          r->consumed++;
          return HF_IMPORT_LINE_READ;
        }
    }
}

/* Appends the rest of the input to R->line, up to MAX bytes in all. */
gboolean
_hf_import_reader_rest (HfImportReader  *r,
                        gsize            max,
                        gboolean        *too_long,
                        const char      *display,
                        GError         **error)
{
  *too_long = FALSE;
  for (;;)
    {
      if (r->pos < r->fill)
        {
          gsize take = r->fill - r->pos;
          if (r->line->len + take > max)
            {
              *too_long = TRUE;
              return TRUE;
            }
          g_byte_array_append (r->line, r->chunk + r->pos, take);
          r->consumed += take;
          r->pos = r->fill;
        }
      if (r->eof)
        return TRUE;
      if (!reader_fill (r, display, error))
        return FALSE;
    }
}

void
_hf_import_file_free (HfImportFile *f)
{
  g_free (f->path);
  g_free (f->origin);
  g_free (f);
}

/* Opens PATH only if it is a regular file: never blocks on a named pipe or a device, even
 * one swapped in after the folder was listed. */
int
_hf_import_open_regular (const char  *path,
                         const char  *display,
                         guint64     *size,
                         GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  struct stat st;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, HF_ERROR, saved == ENOENT ? HF_ERROR_NOT_FOUND : HF_ERROR_INVALID_INPUT,
                   "Cannot read “%s”: %s; nothing was imported.", display, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "“%s” is a named pipe, a device or a socket, not a regular file, so "
                   "nothing was imported (to import from a pipe, give “-” and pass it on "
                   "standard input).", display);
      return -1;
    }
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  *size = st.st_size;
  return fd;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

#define MAX_FOLDER_DEPTH 1024

static gboolean
collect_tree (const char  *path,
              GPtrArray   *files,
              GHashTable  *folders_seen,
              guint        depth,
              GError     **error)
{
  g_autofree char *shown = g_filename_display_name (path);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;
  char *folder_id;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      if (saved == ENOENT)
        g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                     "There is no file or folder “%s”; nothing was imported.", shown);
      else
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                     "Cannot read “%s”: %s; nothing was imported.", shown, g_strerror (saved));
      return FALSE;
    }
  if (S_ISREG (st.st_mode))
    {
      HfImportFile *f = g_new0 (HfImportFile, 1);
      g_autofree char *real = realpath (path, NULL);

      if (real == NULL)
        real = g_canonicalize_filename (path, NULL);
      f->path = g_strdup (path);
      f->origin = g_strconcat ("file:", real, NULL);
      f->in_folder = depth > 0;
      g_ptr_array_add (files, f);
      return TRUE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "“%s” is a named pipe, a device or a socket, not a regular file, so "
                   "nothing was imported (to import from a pipe, give “-” and pass it on "
                   "standard input).", shown);
      return FALSE;
    }
  /* A folder reached twice (through a link) is read once. */
  folder_id = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                               (guint64) st.st_dev, (guint64) st.st_ino);
  if (!g_hash_table_add (folders_seen, folder_id))
    return TRUE;
  if (depth > MAX_FOLDER_DEPTH)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The folder “%s” is nested more than %d folders deep; nothing was "
                   "imported.", shown, MAX_FOLDER_DEPTH);
      return FALSE;
    }
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      if (!collect_tree (child, files, folders_seen, depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

/* What the user named: "-" (standard input), a file, or a folder of files. */
gboolean
_hf_import_collect (const char  *path,
                    GPtrArray   *files,
                    GHashTable  *folders_seen,
                    GError     **error)
{
  if (g_str_equal (path, "-"))
    {
      HfImportFile *f = g_new0 (HfImportFile, 1);
      f->path = g_strdup ("-");
      g_ptr_array_add (files, f);
      return TRUE;
    }
  return collect_tree (path, files, folders_seen, 0, error);
}

/* Standard input, read once and whole (up to the limit of one document). */
GBytes *
_hf_import_read_standard_input (GError **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buf[READ_CHUNK];

  for (;;)
    {
      gssize n = read (STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Cannot read standard input: %s; nothing was imported.",
                       g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      if (data->len + n > HF_IMPORT_MAX_DOCUMENT)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Standard input is larger than the limit of 1 GiB; nothing was "
                       "imported. Save it to a file and import the file.");
          return NULL;
        }
      g_byte_array_append (data, buf, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* Whether the file at PATH is, at first sight, not FHIR at all: empty, or text that does not
 * start (after a byte order mark and white space) with a JSON object, as a README, a PDF or
 * an image does not. A file that starts like JSON and then goes wrong is FHIR with an error,
 * and is the importer's to refuse; so is one that cannot be read. */
gboolean
_hf_import_is_not_fhir_text (const char *path)
{
  guint8 buf[4096];
  gssize n;
  gsize i = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);

  if (fd < 0)
    return FALSE;
  do
    n = read (fd, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n < 0)
    return FALSE;
  if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
    i = 3;
  while (i < (gsize) n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
    i++;
  /* Only white space in the first 4 KiB: empty, or nothing a FHIR file starts with. */
  return i == (gsize) n || buf[i] != '{';
}
