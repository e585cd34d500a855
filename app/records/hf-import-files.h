/* hf-import-files.h — what the importer reads: files, folders, standard input, line by line
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Files are read once, through this: every byte read goes into the file's hash, lines are
 * handed out one at a time, and no line grows past the limit it is read with. */
typedef struct
{
  int         fd;           /* or -1: MEMORY holds the whole input */
  GBytes     *memory;
  gsize       memory_pos;
  GChecksum  *sum;
  guint8     *chunk;
  gsize       pos, fill;
  gboolean    eof;
  gboolean    started;      /* the first chunk was read (and a BOM skipped) */
  guint64     consumed;     /* bytes handed out, newlines and BOM included */
  GByteArray *line;
} HfImportReader;

/* One JSON document that is not NDJSON, and standard input. */
#define HF_IMPORT_MAX_DOCUMENT   (G_GINT64_CONSTANT (1) << 30)
/* The first line decides between NDJSON and one document spread over lines. */
#define HF_IMPORT_FIRST_LINE_MAX (16 * 1024 * 1024)
/* One NDJSON line: a resource with a text value at the guard's 64 MiB limit fits. */
#define HF_IMPORT_LINE_MAX       (128 * 1024 * 1024)

typedef enum
{
  HF_IMPORT_LINE_NONE,       /* the end of the input */
  HF_IMPORT_LINE_READ,
  HF_IMPORT_LINE_TOO_LONG,   /* longer than asked: what was read stays, nothing more is */
  HF_IMPORT_LINE_ERROR,
} HfImportLine;

typedef struct
{
  char *path;     /* a regular file, or "-" for standard input */
  char *origin;   /* its source: "file:" and its real path, the same however it is reached
                   * (alone, in a folder, through a link), so importing it again changes
                   * nothing, and two files are two sources whatever their names */
  gboolean in_folder;   /* found in a folder the user named, not named itself: a file that is
                         * not FHIR at all is skipped rather than refused */
} HfImportFile;

void         _hf_import_reader_init         (HfImportReader *r,
                                             int             fd,
                                             GBytes         *memory);
void         _hf_import_reader_clear        (HfImportReader *r);
HfImportLine _hf_import_reader_line         (HfImportReader  *r,
                                             gsize            max,
                                             const char      *display,
                                             GError         **error);
gboolean     _hf_import_reader_rest         (HfImportReader  *r,
                                             gsize            max,
                                             gboolean        *too_long,
                                             const char      *display,
                                             GError         **error);
void         _hf_import_file_free           (HfImportFile *f);
int          _hf_import_open_regular        (const char  *path,
                                             const char  *display,
                                             guint64     *size,
                                             GError     **error);
gboolean     _hf_import_collect             (const char  *path,
                                             GPtrArray   *files,
                                             GHashTable  *folders_seen,
                                             GError     **error);
GBytes      *_hf_import_read_standard_input (GError **error);
gboolean     _hf_import_is_not_fhir_text    (const char  *path);

G_END_DECLS
