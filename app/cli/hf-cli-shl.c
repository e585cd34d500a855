/* hf-cli-shl.c — healthfolio-cli import of a SMART Health Link (shlink:/…)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit codes: 0 imported; 2 a wrong or missing passcode (the attempts left are said); 3 the
 * link is malformed, expired or holds what cannot be imported; 4 a file does not decrypt with
 * the link's key (tampered); 5 the link's server failed; 1 the link is no longer active.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf-cli-private.h"
#include "hf-import.h"
#include "hf-shl.h"

gboolean
hf_cli_is_link (const char *text)
{
  return text != NULL && hf_shl_is_link (text);
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
