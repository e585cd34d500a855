/* hf-cli-audit.c — the activity log commands: list, verify
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>

#include "hf-cli-private.h"

#include "hf-audit.h"

/* {{{ audit */

int
hf_cli_audit_list (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int limit = 0;
  GError *error = NULL;
  GOptionEntry options[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show only the newest N entries", "N" },
    { NULL }
  };
  guint first = 0;

  if (!hf_cli_parse_options (options, "", "List the activity log, oldest first.", &argc, &argv,
                             &error))
    return hf_cli_fail (error);
  if (limit < 0)
    return hf_cli_usage_error ("--limit must not be negative.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  entries = hf_audit_list (vault, 0, 0, &error);
  if (entries == NULL)
    return hf_cli_fail (error);
  if (limit > 0 && entries->len > (guint) limit)
    first = entries->len - limit;

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = first; i < entries->len; i++)
        {
          HfAuditEntry *e = g_ptr_array_index (entries, i);
          g_autofree char *when = hf_cli_format_time_us (e->time);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, e->seq);
          json_builder_set_member_name (b, "time");
          json_builder_add_string_value (b, when);
          json_builder_set_member_name (b, "actor");
          json_builder_add_string_value (b, e->actor);
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, e->action);
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, e->detail);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      hf_cli_print_json (b);
    }
  else
    for (guint i = first; i < entries->len; i++)
      {
        HfAuditEntry *e = g_ptr_array_index (entries, i);
        g_autofree char *when = hf_cli_format_time_us (e->time);
        g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

        g_print ("%5" G_GINT64_FORMAT "  %s  %-16s %-20s %s\n", e->seq, when,
                 hf_cli_printable (keep, e->actor), hf_cli_printable (keep, e->action),
                 hf_cli_printable (keep, e->detail));
      }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_audit_verify (HfCliGlobals  *g,
                     int            argc,
                     char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  guint count = 0;
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "", "Verify the activity log's HMAC chain; name every edited, "
                             "inserted or deleted entry. Exit code 4 if any.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_audit_verify (vault, &problems, &count, &error))
    return hf_cli_fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, problems->len == 0);
      json_builder_set_member_name (b, "entries");
      json_builder_add_int_value (b, count);
      json_builder_set_member_name (b, "problems");
      json_builder_begin_array (b);
      for (guint i = 0; i < problems->len; i++)
        {
          HfAuditProblem *p = g_ptr_array_index (problems, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, p->seq);
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, p->message);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else if (problems->len == 0)
    g_print ("The activity log is intact: %u entries, chain verified.\n", count);
  else
    {
      g_printerr ("healthfolio-cli: the activity log was tampered with:\n");
      for (guint i = 0; i < problems->len; i++)
        {
          HfAuditProblem *p = g_ptr_array_index (problems, i);
          g_autofree char *message = hf_cli_terminal_text (p->message, FALSE);

          g_printerr ("  - %s\n", message);
        }
    }
  hf_vault_lock (vault);
  return problems->len == 0 ? 0 : 4;
}

/* }}} */
