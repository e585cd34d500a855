/* hf-cli-shl.c — healthfolio-cli import of a SMART Health Link (shlink:/…)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit codes: 0 imported; 2 a wrong or missing passcode (the attempts left are said); 3 the
 * link is malformed, expired or holds what cannot be imported; 4 a file does not decrypt with
 * the link's key (tampered); 5 the link's server failed; 1 the link is no longer active.
 * Also "source add NAME shlink:/…", and sync, list and remove of such a kept link: the
 * sources layer knows nothing of links, so hf-cli-sources.c hands them here.
 */

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf-cli-private.h"
#include "hf-import.h"
#include "hf-qr-image.h"
#include "hf-shc.h"
#include "hf-shl.h"
#include "hf-source.h"

gboolean
hf_cli_is_link (const char *text)
{
  return text != NULL && hf_shl_is_link (text);
}

char *
hf_cli_link_in_image (const char *path)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *data = NULL;
  guint8 head[8];
  gsize got = 0, length = 0;
  GStatBuf st;
  FILE *file;

  /* Only a regular file that starts as a PNG does; the card reader caps and reads it whole. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || (file = fopen (path, "rb")) == NULL)
    return NULL;
  got = fread (head, 1, sizeof head, file);
  fclose (file);
  if (hf_shc_sniff (head, got) != HF_SHC_FORM_PNG)
    return NULL;
  if (g_stat (path, &st) != 0 || st.st_size > HF_QR_IMAGE_MAX_FILE ||
      !g_file_get_contents (path, &data, &length, NULL))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  text = hf_qr_image_decode (bytes, NULL);
  if (text == NULL || !hf_shl_is_link (g_strstrip (text)))
    return NULL;
  return g_steal_pointer (&text);
}

int
hf_cli_import_link (HfCliGlobals         *g,
                    const char           *text,
                    const HfCliLinkImport *l,
                    const void           *import_options)
{
  g_autoptr(HfShlLink) link = NULL;
  g_autoptr(HfSecret) passcode = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  HfShlOpenOptions options = { 0 };
  GError *error = NULL;

  link = hf_shl_link_parse (text, -1, &error);
  if (link == NULL)
    return hf_cli_fail (error);
  if (link->flags & HF_SHL_FLAG_PASSCODE)
    {
      /* Never on argv: a file, or asked at the terminal without echo. */
      if (l->passcode_file != NULL)
        passcode = hf_secret_read_file (l->passcode_file, &error);
      else
        passcode = hf_secret_prompt ("The link's passcode: ", &error);
      if (passcode == NULL)
        return hf_cli_fail (error);
    }
  else if (l->passcode_file != NULL)
    return hf_cli_usage_error ("This link does not ask for a passcode; leave out "
                               "--passcode-file.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  options.recipient = l->recipient;
  options.passcode = passcode;
  options.ca_file = l->ca_file;
  options.offline = l->offline;
  options.allow_unverified = l->unverified;
  if (!hf_shl_import (vault, link, &options, import_options, NULL, &result, &error))
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      if (link->label != NULL)
        json_builder_add_string_value (b, link->label);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "files");
      json_builder_add_int_value (b, result->files);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, result->imported->added);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, result->imported->updated);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, result->imported->unchanged);
      json_builder_set_member_name (b, "warnings");
      json_builder_begin_array (b);
      for (guint i = 0; i < result->warnings->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (result->warnings, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      for (guint i = 0; i < result->warnings->len; i++)
        g_printerr ("Warning: %s\n",
                    hf_cli_printable (keep, g_ptr_array_index (result->warnings, i)));
      if (link->label != NULL)
        g_print ("SMART Health Link “%s”\n", hf_cli_printable (keep, link->label));
      g_print ("Imported %u %s from the link: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
               " updated, %" G_GUINT64_FORMAT " older versions kept as history, %"
               G_GUINT64_FORMAT " deleted, %" G_GUINT64_FORMAT " unchanged.\n", result->files,
               result->files == 1 ? "file" : "files", result->imported->added,
               result->imported->updated, result->imported->history,
               result->imported->deleted, result->imported->unchanged);
    }
  hf_vault_lock (vault);
  return 0;
}

/* {{{ source add / sync / list / remove of a kept link */

int
hf_cli_shl_source_add (HfCliGlobals  *g,
                       int            argc,
                       char         **argv)
{
  g_autofree char *recipient = NULL;
  GOptionEntry entries[] = {
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient,
      "Who is opening it, as its server is told at each sync (default: Healthfolio)", "NAME" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfShlSource) source = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  GError *error = NULL;

  if (!hf_cli_parse_options (entries, "NAME shlink:/…",
                             "Keep a SMART Health Link that may change (one with the “L” flag) "
                             "as a source: “source sync NAME” opens it again and imports what "
                             "changed. The link is stored in the vault, key and all.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 3)
    return hf_cli_usage_error ("source add needs a NAME and the link.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  {
    g_autoptr(GPtrArray) servers = hf_source_list (vault, &error);

    if (servers == NULL)
      return hf_cli_fail (error);
    for (guint i = 0; i < servers->len; i++)
      if (g_strcmp0 (((HfSourceInfo *) g_ptr_array_index (servers, i))->name, argv[1]) == 0)
        {
          g_set_error (&error, HF_ERROR, HF_ERROR_EXISTS, "A source named “%s” exists already.",
                       argv[1]);
          return hf_cli_fail (error);
        }
  }
  source = hf_shl_source_add (vault, argv[1], argv[2], recipient, &error);
  if (source == NULL)
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, source->name);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, "smart-health-link");
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, source->url);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    g_print ("Kept the SMART Health Link%s%s%s as “%s” (its server: %s). Fetch what it holds "
             "with “healthfolio-cli source sync %s”.\n",
             source->label != NULL ? " “" : "",
             source->label != NULL ? hf_cli_printable (keep, source->label) : "",
             source->label != NULL ? "”" : "", hf_cli_printable (keep, source->name),
             hf_cli_printable (keep, source->url), hf_cli_printable (keep, source->name));
  hf_vault_lock (vault);
  return 0;
}

gboolean
hf_cli_shl_source_sync (HfCliGlobals  *g,
                        HfVault       *vault,
                        const char    *name,
                        const char    *passcode_file,
                        JsonBuilder   *b,
                        GError       **error)
{
  g_autoptr(HfShlSource) source = hf_shl_source_get (vault, name, error);
  g_autoptr(HfSecret) passcode = NULL;
  g_autoptr(HfShlImport) result = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  HfShlOpenOptions options = { 0 };

  if (source == NULL)
    return FALSE;
  if (source->passcode)
    {
      passcode = passcode_file != NULL ? hf_secret_read_file (passcode_file, error)
                                       : hf_secret_prompt ("The link's passcode: ", error);
      if (passcode == NULL)
        return FALSE;
    }
  options.passcode = passcode;
  if (!hf_shl_source_sync (vault, name, &options, NULL, NULL, &result, error))
    return FALSE;
  for (guint i = 0; i < result->warnings->len; i++)
    g_printerr ("Warning: %s\n", hf_cli_printable (keep, g_ptr_array_index (result->warnings,
                                                                            i)));
  if (g->json)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "source");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "files");
      json_builder_add_int_value (b, result->files);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, result->imported->added);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, result->imported->updated);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, result->imported->unchanged);
      json_builder_end_object (b);
    }
  else
    g_print ("%s: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT " updated, %" G_GUINT64_FORMAT
             " unchanged; %u %s from the link.\n", hf_cli_printable (keep, name),
             result->imported->added, result->imported->updated, result->imported->unchanged,
             result->files, result->files == 1 ? "file" : "files");
  return TRUE;
}

gboolean
hf_cli_shl_source_list (HfCliGlobals  *g,
                        HfVault       *vault,
                        JsonBuilder   *b,
                        guint         *n,
                        GError       **error)
{
  g_autoptr(GPtrArray) list = hf_shl_source_list (vault, error);

  if (list == NULL)
    return FALSE;
  *n = list->len;
  for (guint i = 0; i < list->len; i++)
    {
      HfShlSource *s = g_ptr_array_index (list, i);
      g_autofree char *t = s->last_sync ? hf_cli_format_time (s->last_sync) : g_strdup ("never");
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      if (g->json)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, "smart-health-link");
          json_builder_set_member_name (b, "url");
          json_builder_add_string_value (b, s->url);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, s->label);
          json_builder_set_member_name (b, "last_sync");
          if (s->last_sync)
            json_builder_add_string_value (b, t);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "last_status");
          json_builder_add_string_value (b, s->last_status);
          json_builder_end_object (b);
        }
      else
        g_print ("%-16s %s\n  SMART Health Link%s%s%s%s; last sync: %s%s%s\n",
                 hf_cli_printable (keep, s->name), hf_cli_printable (keep, s->url),
                 s->label != NULL ? " “" : "",
                 s->label != NULL ? hf_cli_printable (keep, s->label) : "",
                 s->label != NULL ? "”" : "", s->passcode ? ", with a passcode" : "", t,
                 s->last_status ? " — " : "",
                 s->last_status ? hf_cli_printable (keep, s->last_status) : "");
    }
  return TRUE;
}

/* }}} */
