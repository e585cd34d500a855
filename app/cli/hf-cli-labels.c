/* hf-cli-labels.c — label add|remove|list|refresh|rules, and the labels section of show
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>

#include "hf-cli-private.h"

#include "hf-label.h"

static const char *
origin_to_string (HfLabelOrigin origin)
{
  switch (origin)
    {
    case HF_LABEL_FROM_TABLE:
      return "table";
    case HF_LABEL_FROM_SOURCE:
      return "source";
    case HF_LABEL_FROM_MANUAL:
      return "manual";
    case HF_LABEL_FROM_DERIVED:
    default:
      return "derived";
    }
}

static gboolean
is_confidentiality (const HfLabel *l)
{
  return g_str_equal (l->system, HF_LABEL_SYSTEM_CONFIDENTIALITY);
}

/* "Sensitive: psychiatric disorders (PSY) — from the rule …", one line a label. */
static void
print_labels (GPtrArray *labels,
              GPtrArray *keep)
{
  for (guint i = 0; i < labels->len; i++)
    {
      HfLabel *l = g_ptr_array_index (labels, i);
      const char *name = hf_label_name (l->code);
      const char *kind = is_confidentiality (l) ? "Confidentiality"
                       : g_str_equal (l->system, HF_LABEL_SYSTEM_ACTCODE) && name != NULL
                       ? "Sensitive" : "Other label";

      if (name != NULL)
        g_print ("  %s: %s (%s) — %s\n", kind, name, hf_cli_printable (keep, l->code),
                 hf_cli_printable (keep, l->why));
      else
        g_print ("  %s: %s of %s, which Healthfolio does not use for sharing — %s\n", kind,
                 hf_cli_printable (keep, l->code), hf_cli_printable (keep, l->system),
                 hf_cli_printable (keep, l->why));
    }
}

static void
add_labels_json (JsonBuilder *b,
                 GPtrArray   *labels)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < labels->len; i++)
    {
      HfLabel *l = g_ptr_array_index (labels, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, l->code);
      json_builder_set_member_name (b, "system");
      json_builder_add_string_value (b, l->system);
      json_builder_set_member_name (b, "origin");
      json_builder_add_string_value (b, origin_to_string (l->origin));
      json_builder_set_member_name (b, "why");
      json_builder_add_string_value (b, l->why);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

gboolean
hf_cli_labels_print (HfVault    *vault,
                     gint64      record_id,
                     GPtrArray  *keep,
                     GError    **error)
{
  g_autoptr(GPtrArray) labels = hf_label_list (vault, record_id, error);

  if (labels == NULL)
    return FALSE;
  g_print ("Labels:\n");
  print_labels (labels, keep);
  g_print ("\n");
  return TRUE;
}

gboolean
hf_cli_labels_add_json (JsonBuilder  *b,
                        HfVault      *vault,
                        gint64        record_id,
                        GError      **error)
{
  g_autoptr(GPtrArray) labels = hf_label_list (vault, record_id, error);

  if (labels == NULL)
    return FALSE;
  json_builder_set_member_name (b, "labels");
  add_labels_json (b, labels);
  return TRUE;
}

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &v, NULL))
    return FALSE;
  *id = (gint64) v;
  return TRUE;
}

/* label add|remove ID LABEL */
static int
decide (HfCliGlobals  *g,
        int            argc,
        char         **argv,
        gboolean       add)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *code = NULL;
  GError *error = NULL;
  gint64 id;
  GOptionEntry entries[] = { { NULL } };

  if (!hf_cli_parse_options (entries, "ID LABEL",
                             add ? "Label a record sensitive by hand (PSY, HIV, SUD, …), or set "
                                   "its confidentiality (N, R, V). The decision is kept for the "
                                   "record's later versions and wins over the rule table."
                                 : "Take a label off a record by hand; the decision is kept for "
                                   "the record's later versions and wins over the rule table "
                                   "and the source.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 3 || !parse_id (argv[1], &id))
    return hf_cli_usage_error ("label %s takes a record number and a label, as in “label %s 12 "
                               "PSY”.", add ? "add" : "remove", add ? "add" : "remove");
  code = g_ascii_strup (argv[2], -1);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!(add ? hf_label_add : hf_label_remove) (vault, id, code, &error) ||
      (labels = hf_label_list (vault, id, &error)) == NULL)
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "record");
      json_builder_add_int_value (b, id);
      json_builder_set_member_name (b, "labels");
      add_labels_json (b, labels);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      const char *name = hf_label_name (code);

      g_print ("Record %" G_GINT64_FORMAT ": %s %s%s%s%s. Its labels now:\n", id,
               add ? "labelled" : "no longer labelled", code, name ? " (" : "", name ? name : "",
               name ? ")" : "");
      print_labels (labels, keep);
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_label_add (HfCliGlobals  *g,
                  int            argc,
                  char         **argv)
{
  return decide (g, argc, argv, TRUE);
}

int
hf_cli_label_remove (HfCliGlobals  *g,
                     int            argc,
                     char         **argv)
{
  return decide (g, argc, argv, FALSE);
}

int
hf_cli_label_list (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  GError *error = NULL;
  gint64 id;
  GOptionEntry entries[] = { { NULL } };

  if (!hf_cli_parse_options (entries, "ID", "List a record's labels and where each came from.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2 || !parse_id (argv[1], &id))
    return hf_cli_usage_error ("label list takes one record number, as printed by list or "
                               "search.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if ((labels = hf_label_list (vault, id, &error)) == NULL)
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "record");
      json_builder_add_int_value (b, id);
      json_builder_set_member_name (b, "labels");
      add_labels_json (b, labels);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      g_print ("Record %" G_GINT64_FORMAT ":\n", id);
      print_labels (labels, keep);
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_label_refresh (HfCliGlobals  *g,
                      int            argc,
                      char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  GError *error = NULL;
  guint changed = 0;
  GOptionEntry entries[] = { { NULL } };

  if (!hf_cli_parse_options (entries, "", "Label every record again by the rule table (done by "
                             "itself when the table changes).", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 1)
    return hf_cli_usage_error ("label refresh takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_label_refresh (vault, &changed, &error))
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "table_version");
      json_builder_add_string_value (b, hf_label_table_version ());
      json_builder_set_member_name (b, "changed");
      json_builder_add_int_value (b, changed);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    g_print ("Labelled every record by rule table %s: %u record%s changed.\n",
             hf_label_table_version (), changed, changed == 1 ? "" : "s");
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_label_rules (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(GPtrArray) rules = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = { { NULL } };

  if (!hf_cli_parse_options (entries, "", "Print the rule table that labels records sensitive, "
                             "in words.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 1)
    return hf_cli_usage_error ("label rules takes no arguments.");
  rules = hf_label_rules ();
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "table_version");
      json_builder_add_string_value (b, hf_label_table_version ());
      json_builder_set_member_name (b, "rules");
      json_builder_begin_array (b);
      for (guint i = 0; i < rules->len; i++)
        {
          const HfLabelRule *r = g_ptr_array_index (rules, i);
          const char *members[][2] = {
            { "rule", r->rule }, { "label", r->label }, { "name", hf_label_name (r->label) },
            { "part2", NULL }, { "system", r->system }, { "match", r->match },
            { "codes", r->codes }, { "source", r->source }, { "note", r->note },
          };
          json_builder_begin_object (b);
          for (guint k = 0; k < G_N_ELEMENTS (members); k++)
            {
              json_builder_set_member_name (b, members[k][0]);
              if (g_str_equal (members[k][0], "part2"))
                json_builder_add_boolean_value (b, hf_label_is_part2 (r->label));
              else
                json_builder_add_string_value (b, members[k][1]);
            }
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
      return 0;
    }
  g_print ("Rule table %s: a record gets a label when one of its codes matches a rule.\n\n",
           hf_label_table_version ());
  for (guint i = 0; i < rules->len; i++)
    {
      const HfLabelRule *r = g_ptr_array_index (rules, i);
      g_print ("%s (%s)%s: %s %s %s — %s.\n  Source: %s.\n", hf_label_name (r->label), r->label,
               hf_label_is_part2 (r->label) ? ", under 42 CFR Part 2" : "", r->system,
               g_str_equal (r->match, "range") ? "codes in" : "codes", r->codes, r->note,
               r->source);
    }
  g_print ("\nA record with a sensitivity label is restricted (R) unless its source or you set "
           "its confidentiality; “label add ID LABEL” and “label remove ID LABEL” change a "
           "record's labels by hand.\n");
  return 0;
}
