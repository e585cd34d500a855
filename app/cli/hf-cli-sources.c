/* hf-cli-sources.c — the FHIR server commands: source add, list, login, sync, remove
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

#include "hf-cli-private.h"

#include "hf-shl.h"
#include "hf-source.h"

/* {{{ sources */

static gboolean
open_in_browser_cb (const char  *uri,
                    gpointer     user_data,
                    GError     **error)
{
  g_autoptr(GError) launch_error = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

  /* The address carries no secret: only the PKCE challenge and a state the listener checks. */
  g_printerr ("Sign in with your provider in the web browser. If no browser opens, open this "
              "address:\n\n  %s\n\nWaiting for the sign-in…\n", hf_cli_printable (keep, uri));
  if (!g_app_info_launch_default_for_uri (uri, NULL, &launch_error))
    g_printerr ("(Could not open a browser: %s)\n", hf_cli_printable (keep, launch_error->message));
  return TRUE;
}

static void
sync_progress_cb (const HfSyncProgress *p,
                  gpointer              user_data)
{
  gboolean tty = GPOINTER_TO_INT (user_data);
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  const char *source = hf_cli_printable (keep, p->source);
  const char *type = hf_cli_printable (keep, p->type);
  const char *message = hf_cli_printable (keep, p->message);

  switch (p->event)
    {
    case HF_SYNC_EVENT_PAGE:
      if (tty)
        g_printerr ("\r%-79s\r%s: %s page %u, %" G_GUINT64_FORMAT " records (%u of %u types done)",
                    "", source, type, p->pages, p->resources, p->types_done, p->types_total);
      if (message != NULL)
        g_printerr ("%s%s: the server notes: %s\n", tty ? "\n" : "", type, message);
      break;
    case HF_SYNC_EVENT_WAITING:
      g_printerr ("%s%s: %s\n", tty ? "\r" : "", type ? type : source, message);
      break;
    case HF_SYNC_EVENT_DONE:
      if (tty)
        g_printerr ("\r%-79s\r", "");
      g_printerr ("%s: %u page%s, %" G_GUINT64_FORMAT " records\n", type, p->pages,
                  p->pages == 1 ? "" : "s", p->resources);
      break;
    case HF_SYNC_EVENT_SKIPPED:
      g_printerr ("%s%s: skipped: %s\n", tty ? "\r" : "", type, message);
      break;
    case HF_SYNC_EVENT_FAILED:
      g_printerr ("%s%s\n", tty ? "\r" : "", message);
      break;
    case HF_SYNC_EVENT_STARTED:
    case HF_SYNC_EVENT_ATTACHMENT:
    default:
      break;
    }
}

int
hf_cli_source_add (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
{
  g_autofree char *client_id = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *ca_file = NULL;
  gboolean open = FALSE;
  int timeout = 0;
  GOptionEntry entries[] = {
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id,
      "The app's client id at this provider (default: register, if the server allows)", "ID" },
    { "open", 0, 0, G_OPTION_ARG_NONE, &open, "The server needs no sign-in (test servers)",
      NULL },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient,
      "With --open: the id of the Patient whose record to fetch", "ID" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      "An extra certificate authority (PEM) that the institution uses", "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for an answer (default 30)",
      "S" },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfSourceInfo) info = NULL;
  g_autoptr(HfSmartConfig) found = NULL;
  g_autofree char *text = NULL;
  HfSourceOptions options = { 0 };
  GError *error = NULL;

  for (int i = 1; i < argc; i++)
    if (hf_cli_is_link (argv[i]))
      return hf_cli_shl_source_add (g, argc, argv);
  if (!hf_cli_parse_options (entries, "NAME URL|shlink:/…",
                             "Add a FHIR R4 server (its base URL) to pull records from. "
                             "Healthfolio asks the server what it supports and says what it found. "
                             "Only https is used (plain http only to this computer). A server with "
                             "SMART on FHIR sign-in needs “source login NAME” next; an open test "
                             "server needs --open --patient ID. A SMART Health Link with the “L” flag "
                             "(shlink:/…) can be kept as a source too.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 3)
    return hf_cli_usage_error ("source add needs a NAME and the server's URL.");
  if (patient != NULL && !open)
    return hf_cli_usage_error ("--patient goes with --open; a SMART server says whose record "
                               "it is.");
  options.timeout_ms = timeout > 0 ? (guint) timeout * 1000 : 0;
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  info = hf_source_add (vault, argv[1], argv[2], open, client_id, patient, ca_file, &options,
                        &found, NULL, &error);
  if (info == NULL)
    return hf_cli_fail (error);
  text = hf_smart_config_describe (found);
  if (g->json)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *config = hf_smart_config_to_json (found);
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_parser_load_from_data (parser, config, -1, NULL);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, info->name);
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, info->base_url);
      json_builder_set_member_name (b, "auth");
      json_builder_add_string_value (b, open ? "open" : "smart");
      json_builder_set_member_name (b, "server");
      json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      const char *name = hf_cli_printable (keep, info->name);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      g_print ("Added “%s” (%s).\n", name, hf_cli_printable (keep, info->base_url));
      for (guint i = 0; lines[i] != NULL; i++)
        g_print ("%s\n", hf_cli_printable (keep, lines[i]));
      if (!open)
        g_print ("Next: sign in with “healthfolio-cli source login %s”.\n", name);
      else
        g_print ("Next: fetch the records with “healthfolio-cli source sync %s”.\n", name);
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_source_list (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "", "List the FHIR servers this vault pulls records from.",
                             &argc,
                             &argv, &error))
    return hf_cli_fail (error);
  if (argc != 1)
    return hf_cli_usage_error ("source list takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  list = hf_source_list (vault, &error);
  if (list == NULL)
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      guint links = 0;
      json_builder_begin_array (b);
      if (!hf_cli_shl_source_list (g, vault, b, &links, &error))
        return hf_cli_fail (error);
      for (guint i = 0; i < list->len; i++)
        {
          HfSourceInfo *s = g_ptr_array_index (list, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          json_builder_set_member_name (b, "url");
          json_builder_add_string_value (b, s->base_url);
          json_builder_set_member_name (b, "auth");
          json_builder_add_string_value (b, s->auth == HF_SOURCE_AUTH_OPEN ? "open" : "smart");
          json_builder_set_member_name (b, "signed_in");
          json_builder_add_boolean_value (b, s->signed_in);
          json_builder_set_member_name (b, "patient");
          json_builder_add_string_value (b, s->patient_id);
          json_builder_set_member_name (b, "last_sync");
          if (s->last_sync)
            {
              g_autofree char *t = hf_cli_format_time (s->last_sync);
              json_builder_add_string_value (b, t);
            }
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "last_status");
          json_builder_add_string_value (b, s->last_status);
          json_builder_set_member_name (b, "damaged");
          json_builder_add_boolean_value (b, s->problem != NULL);
          if (s->problem != NULL)
            {
              json_builder_set_member_name (b, "problem");
              json_builder_add_string_value (b, s->problem);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      hf_cli_print_json (b);
    }
  else
    {
      guint links = 0;

      if (!hf_cli_shl_source_list (g, vault, NULL, &links, &error))
        return hf_cli_fail (error);
      if (list->len == 0 && links == 0)
        g_print ("No sources yet. Add one with “healthfolio-cli source add NAME URL”.\n");
    }
  if (!g->json)
    for (guint i = 0; i < list->len; i++)
      {
        HfSourceInfo *s = g_ptr_array_index (list, i);
        g_autofree char *t = s->last_sync ? hf_cli_format_time (s->last_sync) : g_strdup ("never");
        g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

        g_print ("%-16s %s\n  %s; last sync: %s%s%s\n", hf_cli_printable (keep, s->name),
                 hf_cli_printable (keep, s->base_url),
                 s->auth == HF_SOURCE_AUTH_OPEN ? "open server"
                 : s->signed_in ? "SMART on FHIR, signed in" : "SMART on FHIR, not signed in",
                 t, s->last_status ? " — " : "",
                 s->last_status ? hf_cli_printable (keep, s->last_status) : "");
        if (s->problem != NULL)
          g_print ("  Damaged: %s\n", hf_cli_printable (keep, s->problem));
      }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_source_login (HfCliGlobals  *g,
                     int            argc,
                     char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  HfSourceOptions options = { .open_uri = open_in_browser_cb };
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "NAME", "Sign in to a SMART on FHIR server in your web browser. "
                             "Healthfolio listens on 127.0.0.1 for the browser's answer; the "
                             "tokens are kept only in the vault.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2)
    return hf_cli_usage_error ("source login needs the source's NAME.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_source_login (vault, argv[1], &options, NULL, &error))
    return hf_cli_fail (error);
  {
    g_autofree char *name = hf_cli_terminal_text (argv[1], FALSE);

    g_print ("Signed in to “%s”. Fetch the records with “healthfolio-cli source sync %s”.\n",
             name, name);
  }
  hf_vault_lock (vault);
  return 0;
}

static void
add_sync_json (JsonBuilder  *b,
               HfSyncResult *r,
               const GError *error)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, r->source);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, error == NULL);
  if (error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->message);
    }
  json_builder_set_member_name (b, "added");
  json_builder_add_int_value (b, r->added);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, r->updated);
  json_builder_set_member_name (b, "unchanged");
  json_builder_add_int_value (b, r->unchanged);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, r->pages);
  json_builder_set_member_name (b, "attachments");
  json_builder_add_int_value (b, r->attachments);
  json_builder_set_member_name (b, "types");
  json_builder_begin_object (b);
  for (guint i = 0; i < r->types->len; i++)
    {
      HfSyncTypeResult *t = g_ptr_array_index (r->types, i);
      json_builder_set_member_name (b, t->type);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "outcome");
      json_builder_add_string_value (b, t->outcome == HF_SYNC_EVENT_DONE ? "done"
                                        : t->outcome == HF_SYNC_EVENT_SKIPPED ? "skipped"
                                        : t->outcome == HF_SYNC_EVENT_FAILED ? "failed"
                                        : "unfinished");
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, t->pages);
      json_builder_set_member_name (b, "resources");
      json_builder_add_int_value (b, t->resources);
      if (t->message != NULL)
        {
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, t->message);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

int
hf_cli_source_sync (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  gboolean all = FALSE;
  int timeout = 0;
  g_autofree char *passcode_file = NULL;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "Sync every source", NULL },
    { "passcode-file", 0, 0, G_OPTION_ARG_FILENAME, &passcode_file,
      "A kept SMART Health Link with a passcode: read it from FILE (else it is asked for)",
      "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for an answer (default 30)",
      "S" },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  HfSourceOptions options = { 0 };
  GError *first = NULL;
  GError *error = NULL;

  if (!hf_cli_parse_options (entries, "NAME|--all", "Fetch what changed since the last sync: the "
                             "Patient, then every record type the server shares. A sync that fails "
                             "or is interrupted keeps what it stored and the next one goes on from "
                             "there.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if ((all && argc != 1) || (!all && argc != 2))
    return hf_cli_usage_error ("source sync needs a source's NAME, or --all.");
  options.timeout_ms = timeout > 0 ? (guint) timeout * 1000 : 0;
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (all)
    {
      g_autoptr(GPtrArray) list = hf_source_list (vault, &error);
      if (list == NULL)
        return hf_cli_fail (error);
      g_autoptr(GPtrArray) links = NULL;
      for (guint i = 0; i < list->len; i++)
        g_ptr_array_add (names, g_strdup (((HfSourceInfo *) g_ptr_array_index (list, i))->name));
      links = hf_shl_source_list (vault, &error);
      if (links == NULL)
        return hf_cli_fail (error);
      for (guint i = 0; i < links->len; i++)
        g_ptr_array_add (names, g_strdup (((HfShlSource *) g_ptr_array_index (links, i))->name));
    }
  else
    g_ptr_array_add (names, g_strdup (argv[1]));

  json_builder_begin_array (b);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(HfSyncResult) result = NULL;
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      const char *name = g_ptr_array_index (names, i);
      gboolean ok;

      /* A kept SMART Health Link is opened again by the exchange layer. */
      ok = hf_cli_shl_source_sync (g, vault, name, passcode_file, b, &error);
      if (!ok && g_error_matches (error, HF_ERROR, HF_ERROR_NOT_FOUND) &&
          g_str_has_prefix (error->message, "No SMART Health Link is kept"))
        {
          g_clear_error (&error);
          ok = hf_source_sync (vault, name, &options, g->json ? NULL : sync_progress_cb,
                               GINT_TO_POINTER (isatty (STDERR_FILENO)), NULL, &result, &error);
        }
      if (result != NULL && g->json)
        add_sync_json (b, result, error);
      else if (result != NULL)
        g_print ("%s: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT " updated, %"
                 G_GUINT64_FORMAT " unchanged; %u pages, %u documents, %u types skipped, "
                 "%u failed (%.1f s).\n", hf_cli_printable (keep,
                                                            name), result->added, result->updated,
                 result->unchanged, result->pages, result->attachments, result->skipped,
                 result->failed, result->elapsed_us / 1e6);
      if (!ok)
        {
          hf_cli_print_error (error->message);
          if (first == NULL)
            first = g_steal_pointer (&error);
          g_clear_error (&error);
        }
    }
  json_builder_end_array (b);
  if (g->json)
    hf_cli_print_json (b);
  hf_vault_lock (vault);
  if (first != NULL)
    {
      int code = hf_error_exit_code (first);
      g_error_free (first);
      return code == 0 ? 1 : code;
    }
  return 0;
}

int
hf_cli_source_remove (HfCliGlobals  *g,
                      int            argc,
                      char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "NAME", "Forget a source, its sign-in and its sync state. The "
                             "records it brought stay in the vault.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2)
    return hf_cli_usage_error ("source remove needs the source's NAME.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_source_remove (vault, argv[1], &error))
    {
      /* Or a kept SMART Health Link. */
      if (!g_error_matches (error, HF_ERROR, HF_ERROR_NOT_FOUND))
        return hf_cli_fail (error);
      g_clear_error (&error);
      if (!hf_shl_source_remove (vault, argv[1], &error))
        return hf_cli_fail (error);
    }
  {
    g_autofree char *name = hf_cli_terminal_text (argv[1], FALSE);

    g_print ("Removed “%s”; its records are kept.\n", name);
  }
  hf_vault_lock (vault);
  return 0;
}

/* }}} */
