/* hf-cli-detail.c — what show prints about a record beyond its own fields: a panel's results,
 * a visit's records, documents, and writing a document's file out with show --save
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-cli-detail.h"
#include "hf-cli-private.h"

#include "hf-audit.h"
#include "hf-fhir.h"

#define NAME_WIDTH_MAX 40

static const char *
result_name (HfRecordResult *r)
{
  return r->name ? r->name : r->reference ? r->reference : "A result";
}

/* TEXT in a column of WIDTH characters at INDENT: a longer text has the column to itself,
 * and what follows goes on the next line, lined up. */
static void
print_column (const char *text,
              glong       indent,
              glong       width)
{
  glong len = g_utf8_strlen (text, -1);

  if (len > width)
    g_print ("%s\n%*s", text, (int) (indent + width), "");
  else
    g_print ("%s%*s", text, (int) (width - len), "");
}

static void
print_results (const HfRecordDetail *detail,
               GPtrArray            *keep)
{
  glong name_width = 0, value_width = 0, flag_width = 0;
  guint missing = 0, members = 0;

  for (guint i = 0; i < detail->results->len; i++)
    {
      HfRecordResult *r = g_ptr_array_index (detail->results, i);
      glong len = g_utf8_strlen (result_name (r), -1) + 2 * r->depth;

      if (len <= NAME_WIDTH_MAX)
        name_width = MAX (name_width, len);
      if (r->value != NULL)
        value_width = MAX (value_width, g_utf8_strlen (r->value, -1));
      if (r->flag != NULL)
        flag_width = MAX (flag_width, g_utf8_strlen (r->flag, -1));
      missing += r->id == 0;
      members += r->depth > 0;
    }
  value_width = MIN (value_width, 32);
  flag_width = MIN (flag_width, 24);
  g_print ("Results (%u", detail->results->len - members);
  if (members > 0)
    g_print (", with %u more in their panels", members);
  if (missing > 0)
    g_print (", %u not in this vault", missing);
  g_print ("):\n");
  for (guint i = 0; i < detail->results->len; i++)
    {
      HfRecordResult *r = g_ptr_array_index (detail->results, i);
      glong indent = 2 + 2 * r->depth;

      g_print ("%*s", (int) indent, "");
      print_column (hf_cli_printable (keep, result_name (r)), indent,
                    name_width - 2 * r->depth);
      if (r->id == 0)
        {
          g_print ("  not in this vault");
          if (r->name != NULL && r->reference != NULL)
            g_print (" (%s)", hf_cli_printable (keep, r->reference));
          g_print ("\n");
          continue;
        }
      g_print ("  ");
      print_column (r->value ? hf_cli_printable (keep, r->value) : "", 2 + name_width + 2,
                    value_width);
      g_print ("  ");
      print_column (r->flag ? hf_cli_printable (keep, r->flag) : "", 2 + name_width + 4 +
                    value_width, flag_width);
      g_print ("  record %" G_GINT64_FORMAT "\n", r->id);
    }
}

static void
print_visit (const HfRecordDetail *detail,
             GPtrArray            *keep)
{
  if (detail->visit_total == 0)
    {
      g_print ("No record in this vault says it was made at this visit.\n");
      return;
    }
  g_print ("Records made at this visit (%" G_GUINT64_FORMAT "):\n", detail->visit_total);
  for (guint i = 0; i < detail->visit->len; i++)
    {
      HfRecordVisitGroup *grp = g_ptr_array_index (detail->visit, i);

      g_print ("  %s (%u)\n", hf_fhir_category_label (grp->category), grp->rows->len);
      for (guint k = 0; k < grp->rows->len; k++)
        {
          HfRecordRow *r = g_ptr_array_index (grp->rows, k);
          g_print ("    %8" G_GINT64_FORMAT "  %s\n", r->id, hf_cli_printable (keep, r->title));
        }
    }
}

static void
print_attachments (const HfRecordRow    *row,
                   const HfRecordDetail *detail,
                   GPtrArray            *keep)
{
  for (guint i = 0; i < detail->attachments->len; i++)
    {
      HfRecordAttachment *a = g_ptr_array_index (detail->attachments, i);
      g_autofree char *what = hf_record_content_type_label (a->content_type);

      g_print ("Document %u", a->part);
      if (a->title != NULL)
        g_print (" “%s”", hf_cli_printable (keep, a->title));
      if (a->text != NULL)
        {
          g_auto(GStrv) lines = g_strsplit (a->text, "\n", -1);

          g_print (" (%s):\n", hf_cli_printable (keep, a->content_type));
          for (guint k = 0; lines[k] != NULL; k++)
            g_print ("  │ %s\n", hf_cli_printable (keep, lines[k]));
        }
      else if (a->bytes != NULL)
        {
          g_autofree char *size = g_format_size (g_bytes_get_size (a->bytes));
          g_print (": %s (%s). Save it with: healthfolio-cli show %" G_GINT64_FORMAT
                   " --save FILE", hf_cli_printable (keep, what), size, row->id);
          if (detail->attachments->len > 1)
            g_print (" --part %u", a->part);
          g_print ("\n");
        }
      else
        g_print (": %s. %s\n", hf_cli_printable (keep, what), hf_cli_printable (keep, a->missing));
    }
}

void
hf_cli_detail_print (const HfRecordRow    *row,
                     const HfRecordDetail *detail,
                     GPtrArray            *keep)
{
  g_return_if_fail (row != NULL && detail != NULL);

  if (detail->results->len > 0)
    {
      print_results (detail, keep);
      g_print ("\n");
    }
  if (detail->conclusion != NULL || detail->diagnoses != NULL)
    {
      if (detail->conclusion != NULL)
        {
          g_auto(GStrv) lines = g_strsplit (detail->conclusion, "\n", -1);
          g_print ("Conclusion: %s\n", hf_cli_printable (keep, lines[0]));
          for (guint k = 1; lines[k] != NULL; k++)
            g_print ("            %s\n", hf_cli_printable (keep, lines[k]));
        }
      if (detail->diagnoses != NULL)
        g_print ("Diagnoses:  %s\n", hf_cli_printable (keep, detail->diagnoses));
      g_print ("\n");
    }
  if (g_strcmp0 (row->resource_type, "Encounter") == 0)
    {
      print_visit (detail, keep);
      g_print ("\n");
    }
  if (detail->attachments->len > 0)
    {
      print_attachments (row, detail, keep);
      g_print ("\n");
    }
  for (guint i = 0; i < detail->sections->len; i++)
    {
      HfFhirField *sec = g_ptr_array_index (detail->sections, i);
      g_auto(GStrv) lines = g_strsplit (sec->value, "\n", -1);

      g_print ("Section “%s”:\n", hf_cli_printable (keep, sec->label));
      for (guint k = 0; lines[k] != NULL; k++)
        g_print ("  │ %s\n", hf_cli_printable (keep, lines[k]));
      g_print ("\n");
    }
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
hf_cli_detail_add_json (JsonBuilder          *b,
                        const HfRecordDetail *detail)
{
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < detail->results->len; i++)
    {
      HfRecordResult *r = g_ptr_array_index (detail->results, i);
      json_builder_begin_object (b);
      add_string (b, "reference", r->reference);
      json_builder_set_member_name (b, "id");
      if (r->id != 0)
        json_builder_add_int_value (b, r->id);
      else
        json_builder_add_null_value (b);
      add_string (b, "title", r->title);
      add_string (b, "name", r->name);
      add_string (b, "value", r->value);
      add_string (b, "flag", r->flag);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_string (b, "conclusion", detail->conclusion);
  add_string (b, "diagnoses", detail->diagnoses);

  json_builder_set_member_name (b, "visit");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, (gint64) detail->visit_total);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (guint i = 0; i < detail->visit->len; i++)
    {
      HfRecordVisitGroup *grp = g_ptr_array_index (detail->visit, i);
      json_builder_begin_object (b);
      add_string (b, "category", grp->category);
      json_builder_set_member_name (b, "count");
      json_builder_add_int_value (b, grp->rows->len);
      json_builder_set_member_name (b, "records");
      json_builder_begin_array (b);
      for (guint k = 0; k < grp->rows->len; k++)
        {
          HfRecordRow *r = g_ptr_array_index (grp->rows, k);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, r->id);
          add_string (b, "type", r->resource_type);
          add_string (b, "title", r->title);
          add_string (b, "effective", r->effective);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "documents");
  json_builder_begin_array (b);
  for (guint i = 0; i < detail->attachments->len; i++)
    {
      HfRecordAttachment *a = g_ptr_array_index (detail->attachments, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "part");
      json_builder_add_int_value (b, a->part);
      add_string (b, "title", a->title);
      add_string (b, "content_type", a->content_type);
      json_builder_set_member_name (b, "size");
      if (a->bytes != NULL)
        json_builder_add_int_value (b, (gint64) g_bytes_get_size (a->bytes));
      else
        json_builder_add_null_value (b);
      add_string (b, "text", a->text);
      add_string (b, "missing", a->missing);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "sections");
  json_builder_begin_array (b);
  for (guint i = 0; i < detail->sections->len; i++)
    {
      HfFhirField *sec = g_ptr_array_index (detail->sections, i);
      json_builder_begin_object (b);
      add_string (b, "title", sec->label);
      add_string (b, "text", sec->value);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "sources");
  json_builder_begin_array (b);
  for (guint i = 0; i < detail->sources->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (detail->sources, i));
  json_builder_end_array (b);
}

static gboolean
write_new (const char  *path,
           const guint8 *data,
           gsize        size,
           GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  gsize done = 0;
  int saved;

  if (fd < 0)
    {
      saved = errno;
      if (saved == EEXIST)
        g_set_error (error, HF_ERROR, HF_ERROR_EXISTS,
                     "%s already exists; choose another file name, or add --force to "
                     "replace it.", path);
      else
        g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not create %s (%s); choose a folder "
                     "you can write to.", path, g_strerror (saved));
      return FALSE;
    }
  fchmod (fd, 0600);
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  saved = errno;
  if (done < size || fsync (fd) != 0)
    {
      close (fd);
      g_unlink (path);
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not write %s (%s); nothing was saved. "
                   "Check the disk's free space and try again.", path,
                   g_strerror (done < size ? saved : errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
hf_cli_detail_save (HfVault              *vault,
                    const HfRecordRow    *row,
                    const HfRecordDetail *detail,
                    guint                 part,
                    const char           *path,
                    gboolean              force,
                    GError              **error)
{
  HfRecordAttachment *a;
  g_autofree char *note = NULL;
  gconstpointer data;
  gsize size;

  if (detail->attachments->len == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "Record %" G_GINT64_FORMAT " carries no file to save; only documents, "
                   "report forms and Binary records do.", row->id);
      return FALSE;
    }
  if (part < 1 || part > detail->attachments->len)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "Record %" G_GINT64_FORMAT " has %u files; choose one with --part 1 to "
                   "--part %u.", row->id, detail->attachments->len, detail->attachments->len);
      return FALSE;
    }
  a = g_ptr_array_index (detail->attachments, part - 1);
  if (a->bytes == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "%s", a->missing);
      return FALSE;
    }
  data = g_bytes_get_data (a->bytes, &size);
  if (force)
    {
      if (!g_file_set_contents_full (path, data, size, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                     error))
        return FALSE;
    }
  else if (!write_new (path, data, size, error))
    return FALSE;
  /* The record's number and the part, not the file's name: the log is not a map of the disk. */
  note = g_strdup_printf ("record %" G_GINT64_FORMAT " (%s), file %u of %u", row->id,
                          row->resource_type, part, detail->attachments->len);
  return hf_audit_log (vault, "record-file-saved", note, error);
}
