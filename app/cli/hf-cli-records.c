/* hf-cli-records.c — the records commands: import, list, search, show, stats, trend
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf-cli-detail.h"
#include "hf-cli-private.h"

#include "hf-fhir.h"
#include "hf-import.h"
#include "hf-records.h"
#include "hf-trend.h"
#include "hf-verify.h"

/* {{{ records */

static void
import_progress_cb (const char *file,
                    guint64     resources,
                    guint64     bytes_done,
                    guint64     bytes_total,
                    gpointer    user_data)
{
  if (file == NULL)
    {
      g_printerr ("\r%-79s\r", "");
      return;
    }
  g_printerr ("\rImporting: %" G_GUINT64_FORMAT " records, %3.0f%%", resources,
              bytes_total ? 100.0 * bytes_done / bytes_total : 100.0);
}

int
hf_cli_import (HfCliGlobals  *g,
               int            argc,
               char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GList) types = NULL;
  g_autofree char *person = NULL;
  gboolean same_person = FALSE;
  HfImportOptions options = { 0 };
  g_autofree char *key_file = NULL;
  g_autofree char *jwe_passphrase_file = NULL;
  g_autofree char *ca_file = NULL;
  gboolean offline = FALSE;
  gboolean unverified = FALSE;
  g_autofree char *recipient = NULL;
  g_autofree char *passcode_file = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "same-person", 0, 0, G_OPTION_ARG_NONE, &same_person,
      "The Patient in the files is the vault's person under another name", NULL },
    { "person", 0, 0, G_OPTION_ARG_STRING, &person,
      "Of files holding several people, keep only the Patient ID and their records", "ID" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file,
      "A signed bundle encrypted to a key: that private JWK", "JWK_FILE" },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &jwe_passphrase_file,
      "A signed bundle encrypted with a passphrase: that passphrase", "FILE" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
      "A signed bundle: never fetch its issuer's keys", NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      "A signed bundle or a SMART Health Link: also trust this CA (PEM) when fetching",
      "FILE" },
    { "unverified", 0, 0, G_OPTION_ARG_NONE, &unverified,
      "A signed bundle whose issuer is not trusted: import it anyway, marked unverified", NULL },
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient,
      "A SMART Health Link: who is opening it, as its server is told", "NAME" },
    { "passcode-file", 0, 0, G_OPTION_ARG_FILENAME, &passcode_file,
      "A SMART Health Link with a passcode: read it from FILE (else it is asked for)", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  if (!hf_cli_parse_options (entries, "FILE|DIR …",
                             "Import FHIR R4 files: Bundles of any type, single resources, NDJSON "
                             "(Bulk Data), or folders of them. All files are imported in one "
                             "transaction: if any is invalid, nothing is imported (exit code 3). "
                             "Importing the same content again changes nothing. A vault holds "
                             "one person's record: files of someone else, or of several people, "
                             "are refused (exit code 3) unless --same-person or --person says "
                             "otherwise. A signed bundle (a compact JWS, or a JWE holding one) "
                             "is imported alone: it is verified first, and a bad signature "
                             "imports nothing (exit code 4); one whose issuer is not trusted is "
                             "imported only with --unverified (else exit code 6). A SMART Health "
                             "Link (shlink:/…, or a viewer's https://…#shlink:/…) is opened "
                             "and everything it holds imported in one transaction.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc < 2)
    return hf_cli_usage_error ("import needs at least one FILE or DIR.");
  options.same_person = same_person;
  options.person = person;
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *in_image = hf_cli_link_in_image (argv[i]);

      if (in_image != NULL || hf_cli_is_link (argv[i]))
        {
          HfCliLinkImport link_import = { recipient, passcode_file, ca_file, offline,
                                          unverified };

          if (argc != 2)
            return hf_cli_usage_error ("A SMART Health Link is imported alone; import it with no "
                                       "other files.");
          if (key_file != NULL || jwe_passphrase_file != NULL)
            return hf_cli_usage_error ("--key and --passphrase-file are for signed bundles, not "
                                       "for a SMART Health Link.");
          return hf_cli_import_link (g, in_image != NULL ? in_image : argv[i], &link_import,
                                     &options);
        }
      if (hf_cli_is_card_arg (argv[i]))
        {
          HfCliSignedImport card_import = { NULL, NULL, ca_file, offline, unverified };

          for (int j = 1; j < argc; j++)
            if (!hf_cli_is_card_arg (argv[j]))
              return hf_cli_usage_error ("SMART Health Cards are imported without other files; "
                                         "import %s on its own.", argv[j]);
          return hf_cli_import_cards (g, argc - 1, argv + 1, &card_import, &options);
        }
    }
  if (recipient != NULL || passcode_file != NULL)
    return hf_cli_usage_error ("--recipient and --passcode-file are for a SMART Health Link "
                               "(shlink:/…), and none is given.");
  for (int i = 1; i < argc; i++)
    if (hf_cli_is_signed_file (argv[i]))
      {
        HfCliSignedImport signed_import = { key_file, jwe_passphrase_file, ca_file, offline,
                                            unverified };

        if (argc != 2)
          return hf_cli_usage_error ("A signed bundle is imported alone; import it with no "
                                     "other files.");
        return hf_cli_import_signed (g, argv[i], &signed_import, &options);
      }
  if (key_file != NULL || jwe_passphrase_file != NULL || offline || unverified || ca_file != NULL)
    return hf_cli_usage_error ("--key, --passphrase-file, --offline, --ca-file and --unverified "
                               "are for signed bundles, and none of these files is one.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_vault_import_files_with (vault, (const char * const *) argv + 1, &options,
                                   isatty (STDERR_FILENO) ? import_progress_cb : NULL, NULL,
                                   NULL, &result, &error))
    return hf_cli_fail (error);
  types = g_list_sort (g_hash_table_get_keys (result->by_type), (GCompareFunc) strcmp);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "files");
      json_builder_add_int_value (b, result->files);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, result->added);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, result->updated);
      json_builder_set_member_name (b, "history");
      json_builder_add_int_value (b, result->history);
      json_builder_set_member_name (b, "deleted");
      json_builder_add_int_value (b, result->deleted);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, result->unchanged);
      json_builder_set_member_name (b, "left_out");
      json_builder_add_int_value (b, result->left_out);
      json_builder_set_member_name (b, "by_type");
      json_builder_begin_object (b);
      for (GList *l = types; l != NULL; l = l->next)
        {
          json_builder_set_member_name (b, l->data);
          json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type,
                                                                                l->data)));
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "skipped");
      json_builder_begin_array (b);
      for (guint i = 0; result->skipped != NULL && i < result->skipped->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (result->skipped, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_print ("Imported %u file%s: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
               " updated, %" G_GUINT64_FORMAT " older versions kept as history, %"
               G_GUINT64_FORMAT " deleted, %" G_GUINT64_FORMAT " unchanged.\n", result->files,
               result->files == 1 ? "" : "s", result->added, result->updated, result->history,
               result->deleted, result->unchanged);
      if (result->left_out > 0)
        g_print ("Left out %" G_GUINT64_FORMAT " record%s of other people than Patient %s.\n",
                 result->left_out, result->left_out == 1 ? "" : "s", person);
      for (GList *l = types; l != NULL; l = l->next)
        {
          g_autofree char *type = hf_cli_terminal_text (l->data, FALSE);

          g_print ("  %-28s %u\n", type,
                   GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type, l->data)));
        }
      if (result->skipped != NULL && result->skipped->len > 0)
        {
          g_autoptr(GString) names = g_string_new (NULL);

          for (guint i = 0; i < result->skipped->len; i++)
            {
              g_autofree char *name = hf_cli_terminal_text (g_ptr_array_index (result->skipped,
                                                                               i), FALSE);
              g_string_append_printf (names, "%s%s", i == 0 ? "" : ", ", name);
            }
          g_print ("Skipped %u file%s that %s not FHIR: %s.\n", result->skipped->len,
                   result->skipped->len == 1 ? "" : "s", result->skipped->len == 1 ? "is" : "are",
                   names->str);
        }
    }
  hf_vault_lock (vault);
  return 0;
}

/* The members every record has in --json output: id, type, fhir_id, category, effective,
 * title, subtitle (null when absent). */
static void
add_row_members (JsonBuilder       *b,
                 const HfRecordRow *r)
{
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, r->id);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, r->resource_type);
  json_builder_set_member_name (b, "fhir_id");
  json_builder_add_string_value (b, r->fhir_id);
  json_builder_set_member_name (b, "category");
  json_builder_add_string_value (b, r->category);
  json_builder_set_member_name (b, "effective");
  if (r->effective != NULL)
    json_builder_add_string_value (b, r->effective);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, r->title);
  json_builder_set_member_name (b, "subtitle");
  if (r->subtitle != NULL)
    json_builder_add_string_value (b, r->subtitle);
  else
    json_builder_add_null_value (b);
}

static void
print_rows (HfCliGlobals *g,
            GPtrArray    *rows)
{
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < rows->len; i++)
        {
          HfRecordRow *r = g_ptr_array_index (rows, i);
          json_builder_begin_object (b);
          add_row_members (b, r);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      hf_cli_print_json (b);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      HfRecordRow *r = g_ptr_array_index (rows, i);
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      /* The day in the reader's time zone; --json keeps the sort key, in UTC. */
      g_autofree char *date = hf_fhir_date_format (r->effective, HF_DATE_STYLE_DAY);

      g_print ("%8" G_GINT64_FORMAT "  %-10.10s  %-20s %s%s%s\n", r->id,
               date ? hf_cli_printable (keep, date) : "",
               hf_cli_printable (keep, r->resource_type), hf_cli_printable (keep, r->title),
               r->subtitle ? " · " : "", r->subtitle ? hf_cli_printable (keep, r->subtitle) : "");
    }
}

static gboolean
valid_date (const char *text)
{
  return text == NULL || (strlen (text) >= 4 && g_ascii_isdigit (text[0]) &&
                          g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]) &&
                          g_ascii_isdigit (text[3]));
}

int
hf_cli_list (HfCliGlobals  *g,
             int            argc,
             char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *type = NULL;
  g_autofree char *category = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  int limit = 50;
  gboolean all = FALSE;
  HfRecordFilter filter;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, "Only this resource type", "TYPE" },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      "Only this category: problems, medications, allergies, immunizations, lab-results, "
      "vitals, procedures, encounters, documents, care-plans, billing, directory, other",
      "CATEGORY" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      "Every category, insurance and billing and the people and places records refer to "
      "too", NULL },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only on or after DATE (YYYY-MM-DD)", "DATE" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, "Only on or before DATE (YYYY-MM-DD)",
      "DATE" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N records (default 50)", "N" },
    { NULL }
  };

  if (!hf_cli_parse_options (entries, "", "List records, newest first.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc > 1)
    return hf_cli_usage_error ("list takes no arguments; see --help for its filters.");
  if (limit <= 0)
    return hf_cli_usage_error ("--limit must be a positive number.");
  if (type != NULL && !hf_fhir_is_resource_type (type))
    return hf_cli_usage_error ("“%s” is not a FHIR R4 resource type.", type);
  if (category != NULL && !hf_fhir_is_category (category))
    return hf_cli_usage_error ("Unknown category “%s”; see --help.", category);
  if (!valid_date (since) || !valid_date (until))
    return hf_cli_usage_error ("Give dates as YYYY-MM-DD.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  filter = (HfRecordFilter) { type, category, since, until, all };
  rows = hf_record_store_query (vault, &filter, NULL, limit, &error);
  if (rows == NULL)
    return hf_cli_fail (error);
  print_rows (g, rows);
  hf_vault_lock (vault);
  return 0;
}

/* "12 records match “diabetes” in Problems." */
static void
print_matches (const char *query,
               const char *category,
               guint64     matched,
               guint       shown)
{
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *where = category != NULL
    ? g_strdup_printf (" in %s", hf_fhir_category_label (category))
    : g_strdup ("");
  const char *q = hf_cli_printable (keep, query);

  if (matched == 0)
    g_print ("No record matches “%s”%s.\n", q, where);
  else if (matched == 1)
    g_print ("1 record matches “%s”%s.\n", q, where);
  else if (matched > HF_RECORD_SEARCH_COUNT_MAX)
    g_print ("More than %u records match “%s”%s; these are the newest %u.\n",
             HF_RECORD_SEARCH_COUNT_MAX, q, where, shown);
  else if (shown < matched)
    g_print ("%" G_GUINT64_FORMAT " records match “%s”%s; these are the newest %u.\n", matched,
             q, where, shown);
  else
    g_print ("%" G_GUINT64_FORMAT " records match “%s”%s.\n", matched, q, where);
}

int
hf_cli_search (HfCliGlobals  *g,
               int            argc,
               char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *query = NULL;
  g_autofree char *category = NULL;
  gboolean all = FALSE;
  HfRecordFilter filter;
  guint64 matched = 0;
  int limit = 50;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      "Only in this category (see “list --help”)", "CATEGORY" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      "In every category, insurance and billing and the people and places too", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N records (default 50)", "N" },
    { NULL }
  };

  if (!hf_cli_parse_options (entries, "QUERY",
                             "Search the records' titles, codes, notes and documents. Case "
                             "and accents do not matter; a word of three letters or more is "
                             "found inside words too, a shorter one at the start of a word.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc < 2)
    return hf_cli_usage_error ("search needs a QUERY.");
  if (limit <= 0)
    return hf_cli_usage_error ("--limit must be a positive number.");
  if (category != NULL && !hf_fhir_is_category (category))
    return hf_cli_usage_error ("Unknown category “%s”; see “list --help”.", category);
  query = g_strjoinv (" ", argv + 1);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  filter = (HfRecordFilter) { .category = category, .all = all };
  rows = hf_record_store_find (vault, &filter, query, limit, &matched, &error);
  if (rows == NULL)
    return hf_cli_fail (error);
  print_rows (g, rows);
  if (!g->json)
    print_matches (query, category, matched, rows->len);
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_show (HfCliGlobals  *g,
             int            argc,
             char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(JsonNode) resource = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) linked = NULL;
  g_autoptr(HfRecordRelated) detail = NULL;
  g_autofree char *json = NULL;
  g_autofree char *when = NULL;
  g_autofree char *save = NULL;
  gboolean raw = FALSE;
  gboolean force = FALSE;
  int part = 1;
  guint64 id;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw, "Print the resource's JSON as stored", NULL },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save,
      "Write the record's document (a PDF, an image…) to FILE, as it was received", "FILE" },
    { "part", 0, 0, G_OPTION_ARG_INT, &part, "With --save: which of the record's files (1, 2…)",
      "N" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "With --save: replace FILE if it exists", NULL },
    { NULL }
  };

  if (!hf_cli_parse_options (entries, "ID",
                             "Show one record as a patient reads it: what it is, its "
                             "result or dosage, status, dates, who and where; a report's "
                             "results, a visit's records, a document's text, and every source "
                             "it came from. With --raw, the resource's JSON as stored. With "
                             "--save FILE, the document it carries, written to FILE (mode "
                             "0600) and never opened.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    return hf_cli_usage_error ("show takes one record number, as printed by list or search.");
  if (raw && save != NULL)
    return hf_cli_usage_error ("show takes --raw or --save, not both.");
  if (part < 1)
    return hf_cli_usage_error ("--part takes a file's number, 1 for the first.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_record_store_get (vault, (gint64) id, &row, &json, &error))
    return hf_cli_fail (error);
  resource = json_from_string (json, NULL);
  if (!hf_record_store_note_view (vault, row, resource != NULL && JSON_NODE_HOLDS_OBJECT (resource)
                                  ? json_node_get_object (resource) : NULL, &error))
    return hf_cli_fail (error);
  if (raw)
    {
      /* Into a pipe or a file, the stored bytes. On a terminal, the same JSON with its control
       * characters (valid raw in a JSON string: DEL and C1) written as \u escapes. */
      if (isatty (STDOUT_FILENO))
        {
          g_autofree char *shown = hf_cli_terminal_text (json, TRUE);
          fputs (shown, stdout);
        }
      else
        fputs (json, stdout);
      fputc ('\n', stdout);
      hf_vault_lock (vault);
      return 0;
    }
  detail = hf_record_related_load (vault, row, resource != NULL && JSON_NODE_HOLDS_OBJECT (resource)
                                               ? json_node_get_object (resource) : NULL, &error);
  if (detail == NULL)
    return hf_cli_fail (error);
  if (save != NULL)
    {
      if (!hf_cli_detail_save (vault, row, detail, (guint) part, save, force, &error))
        return hf_cli_fail (error);
      if (!g->json)
        {
          g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
          g_print ("Saved file %d of record %" G_GINT64_FORMAT " to %s; it was not opened.\n",
                   part, row->id, hf_cli_printable (keep, save));
        }
      hf_vault_lock (vault);
      return 0;
    }
  if (resource != NULL && JSON_NODE_HOLDS_OBJECT (resource))
    fields = hf_fhir_describe (json_node_get_object (resource), hf_record_store_resolve, vault);
  else
    fields = g_ptr_array_new ();
  /* A report's results and conclusion are listed below, the results with values and flags. */
  for (guint i = fields->len; i > 0; i--)
    {
      const char *label = ((HfFhirField *) g_ptr_array_index (fields, i - 1))->label;
      if ((detail->results->len > 0 && g_strcmp0 (label, "Result") == 0) ||
          (detail->conclusion != NULL && g_strcmp0 (label, "Conclusion") == 0))
        g_ptr_array_remove_index (fields, i - 1);
    }
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_row_members (b, row);
      hf_cli_detail_add_json (b, detail);
      if (!hf_cli_labels_add_json (b, vault, row->id, &error))
        return hf_cli_fail (error);
      {
        g_autoptr(HfImportSignature) signature = hf_verify_lookup_record (vault, row->id,
                                                                          &error);
        if (error != NULL)
          return hf_cli_fail (error);
        json_builder_set_member_name (b, "signature");
        if (signature == NULL)
          json_builder_add_null_value (b);
        else
          {
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "status");
            json_builder_add_string_value (b, signature->status);
            json_builder_set_member_name (b, "iss");
            json_builder_add_string_value (b, signature->iss ? signature->iss : "");
            json_builder_set_member_name (b, "kid");
            json_builder_add_string_value (b, signature->kid ? signature->kid : "");
            json_builder_set_member_name (b, "trust");
            json_builder_add_string_value (b, signature->trust);
            json_builder_set_member_name (b, "checked_at");
            json_builder_add_int_value (b, signature->checked_at / G_USEC_PER_SEC);
            json_builder_end_object (b);
          }
      }
      json_builder_set_member_name (b, "details");
      json_builder_begin_array (b);
      for (guint i = 0; i < fields->len; i++)
        {
          HfFhirField *f = g_ptr_array_index (fields, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, f->label);
          json_builder_set_member_name (b, "value");
          json_builder_add_string_value (b, f->value);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "resource");
      json_builder_add_value (b, g_steal_pointer (&resource));
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      glong width = 0;

      for (guint i = 0; i < fields->len; i++)
        width = MAX (width, g_utf8_strlen (((HfFhirField *) g_ptr_array_index (fields, i))->label,
                                           -1));
      g_print ("%s\n", hf_cli_printable (keep, row->title));
      if (row->subtitle != NULL)
        g_print ("%s\n", hf_cli_printable (keep, row->subtitle));
      g_print ("\n");
      for (guint i = 0; i < fields->len; i++)
        {
          HfFhirField *f = g_ptr_array_index (fields, i);
          g_auto(GStrv) lines = g_strsplit (f->value, "\n", -1);
          const char *label = hf_cli_printable (keep, f->label);
          glong pad = width - g_utf8_strlen (label, -1);

          /* Padded by characters, not bytes: labels may be translated one day. */
          g_print ("  %s:%*s  %s\n", label, (int) MAX (pad, 0), "", hf_cli_printable (keep,
                                                                                      lines[0]));
          for (guint k = 1; lines[k] != NULL; k++)
            g_print ("  %*s   %s\n", (int) width, "", hf_cli_printable (keep, lines[k]));
        }
      g_print ("\n");
      hf_cli_detail_print (row, detail, keep);
      if (!hf_cli_labels_print (vault, row->id, keep, &error))
        return hf_cli_fail (error);
      {
        g_autofree char *source = hf_record_source_dup_label (row->source);
        g_autoptr(HfImportSignature) signature = hf_verify_lookup_record (vault, row->id,
                                                                          &error);
        g_print ("  Source:  %s\n", hf_cli_printable (keep, source));
        if (error != NULL)
          return hf_cli_fail (error);
        if (signature != NULL)
          {
            g_autofree char *words = hf_import_signature_describe (signature);
            g_print ("  %s\n", hf_cli_printable (keep, words));
          }
      }
      if (row->deleted_at != NULL)
        g_print ("  Deleted at its source %s; kept here with its history.\n",
                 hf_cli_printable (keep, row->deleted_at));
      linked = hf_record_store_linked (vault, row->id, &error);
      if (linked == NULL)
        return hf_cli_fail (error);
      for (guint i = 0; i < linked->len; i++)
        {
          HfRecordRow *other = g_ptr_array_index (linked, i);
          g_autofree char *source = hf_record_source_dup_label (other->source);
          g_print ("  %s record %" G_GINT64_FORMAT " (%s/%s from %s)\n",
                   i == 0 ? "Linked:  " : "         ", other->id,
                   hf_cli_printable (keep, other->resource_type), hf_cli_printable (keep,
                                                                                    other->fhir_id),
                   hf_cli_printable (keep, source));
        }
      when = row->effective ? hf_fhir_date_format (row->effective, HF_DATE_STYLE_DAY_TIME) : NULL;
      g_print ("\nRecord %" G_GINT64_FORMAT " · %s/%s · %s%s%s\n", row->id,
               hf_cli_printable (keep, row->resource_type), hf_cli_printable (keep, row->fhir_id),
               hf_fhir_category_label (row->category), when ? " · " : "",
               when ? hf_cli_printable (keep, when) : "");
      g_print ("“healthfolio-cli show --raw %" G_GINT64_FORMAT "” prints the record as "
               "stored.\n", row->id);
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_stats (HfCliGlobals  *g,
              int            argc,
              char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GList) types = NULL;
  guint64 total = 0;
  guint64 imports = 0;
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "", "Count the current records per resource type, and the files "
                             "imported (those that added or changed something).", &argc, &argv,
                             &error))
    return hf_cli_fail (error);
  if (argc > 1)
    return hf_cli_usage_error ("stats takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  counts = hf_record_store_stats (vault, &total, &error);
  if (counts == NULL)
    return hf_cli_fail (error);
  imports = hf_record_store_count_provenance (vault, &error);
  if (error != NULL)
    return hf_cli_fail (error);
  types = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "total");
      json_builder_add_int_value (b, total);
      json_builder_set_member_name (b, "imports");
      json_builder_add_int_value (b, imports);
      json_builder_set_member_name (b, "by_type");
      json_builder_begin_object (b);
      for (GList *l = types; l != NULL; l = l->next)
        {
          json_builder_set_member_name (b, l->data);
          json_builder_add_int_value (b, GPOINTER_TO_INT (g_hash_table_lookup (counts, l->data)));
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      for (GList *l = types; l != NULL; l = l->next)
        {
          g_autofree char *type = hf_cli_terminal_text (l->data, FALSE);

          g_print ("%-28s %d\n", type, GPOINTER_TO_INT (g_hash_table_lookup (counts, l->data)));
        }
      g_print ("%-28s %" G_GUINT64_FORMAT "\n", "Total", total);
      g_print ("%-28s %" G_GUINT64_FORMAT "\n", "Files imported", imports);
    }
  hf_vault_lock (vault);
  return 0;
}

/* }}} */

static void
add_number_or_null (JsonBuilder *b,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (b, name);
  if (isnan (value))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, value);
}

int
hf_cli_trend (HfCliGlobals  *g,
              int            argc,
              char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfTrend) trend = NULL;
  g_autofree char *system = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_STRING, &system,
      "The code's system, when the same code exists in several (e.g. http://loinc.org)",
      "URI" },
    { NULL }
  };

  if (!hf_cli_parse_options (entries, "[CODE]",
                             "Without CODE, list the observation codes that have several numeric "
                             "values; with CODE, print its values over time, oldest first, with "
                             "their reference ranges.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc > 2)
    return hf_cli_usage_error ("trend takes at most one code, as listed by “trend” alone.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);

  if (argc == 1)
    {
      g_autoptr(GPtrArray) trends = hf_trend_list (vault, 2, &error);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (trends == NULL)
        return hf_cli_fail (error);
      json_builder_begin_array (b);
      for (guint i = 0; i < trends->len; i++)
        {
          HfTrend *t = g_ptr_array_index (trends, i);
          if (g->json)
            {
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "system");
              json_builder_add_string_value (b, t->code_system);
              json_builder_set_member_name (b, "code");
              json_builder_add_string_value (b, t->code);
              json_builder_set_member_name (b, "title");
              json_builder_add_string_value (b, t->title);
              json_builder_set_member_name (b, "observations");
              json_builder_add_int_value (b, t->n_points);
              json_builder_end_object (b);
            }
          else
            {
              g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

              g_print ("%-12s %5u  %s\n", hf_cli_printable (keep, t->code), t->n_points,
                       hf_cli_printable (keep, t->title));
            }
        }
      json_builder_end_array (b);
      if (g->json)
        hf_cli_print_json (b);
      else if (trends->len == 0)
        g_print ("No observation code has two or more numeric values yet.\n");
      hf_vault_lock (vault);
      return 0;
    }

  trend = hf_trend_load (vault, system, argv[1], &error);
  if (trend == NULL)
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, trend->code);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, trend->title);
      json_builder_set_member_name (b, "series");
      json_builder_begin_array (b);
      for (guint i = 0; i < trend->series->len; i++)
        {
          HfTrendSeries *s = g_ptr_array_index (trend->series, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          json_builder_set_member_name (b, "unit");
          json_builder_add_string_value (b, s->unit);
          json_builder_set_member_name (b, "points");
          json_builder_begin_array (b);
          for (guint j = 0; j < s->points->len; j++)
            {
              HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "record");
              json_builder_add_int_value (b, p->record_id);
              json_builder_set_member_name (b, "date");
              json_builder_add_string_value (b, p->date);
              add_number_or_null (b, "value", p->value);
              add_number_or_null (b, "low", p->low);
              add_number_or_null (b, "high", p->high);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      g_print ("%s\n", hf_cli_printable (keep, trend->title));
      for (guint i = 0; i < trend->series->len; i++)
        {
          HfTrendSeries *s = g_ptr_array_index (trend->series, i);
          const char *unit = s->unit ? hf_cli_printable (keep, s->unit) : "";

          if (trend->series->len > 1)
            g_print ("\n%s\n", hf_cli_printable (keep, s->name));
          for (guint j = 0; j < s->points->len; j++)
            {
              HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
              g_autofree char *date = hf_cli_terminal_text (p->date, FALSE);

              g_print ("%s  %10g %s", date, p->value, unit);
              if (!isnan (p->low) && !isnan (p->high))
                g_print ("   (normal %g–%g)", p->low, p->high);
              else if (!isnan (p->high))
                g_print ("   (normal below %g)", p->high);
              else if (!isnan (p->low))
                g_print ("   (normal above %g)", p->low);
              g_print ("   #%" G_GINT64_FORMAT "\n", p->record_id);
            }
        }
    }
  hf_vault_lock (vault);
  return 0;
}
