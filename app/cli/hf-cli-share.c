/* hf-cli-share.c — what a recipient gets: share preview, export, disclosures list and verify
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "hf-cli-private.h"

#include "hf-disclosure.h"
#include "hf-export.h"
#include "hf-fhir.h"
#include "hf-ips.h"
#include "hf-json-util.h"
#include "hf-label.h"
#include "hf-person.h"
#include "hf-policy.h"
#include "hf-shc-make.h"
#include "hf-shl-make.h"

/* At most this many records are named per reason in words; the rest are counted. */
#define NAMED_PER_GROUP 10

/* "--only lab-results,vitals" as a list, checked against the categories there are. */
int
hf_cli_only_categories (const char   *text,
                        char       ***out)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  *out = NULL;
  if (text == NULL)
    return 0;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *c = g_strstrip (parts[i]);
      if (*c == '\0')
        continue;
      if (!hf_fhir_is_category (c))
        return hf_cli_usage_error ("“%s” is not a category of records; use problems, "
                                   "medications, allergies, immunizations, lab-results, vitals, "
                                   "procedures, encounters, documents, care-plans, billing or "
                                   "other.", c);
      g_ptr_array_add (list, g_strdup (c));
    }
  if (list->len == 0)
    return hf_cli_usage_error ("--only needs at least one category.");
  g_ptr_array_add (list, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
  return 0;
}

/* {{{ share preview */

static void
add_string_member (JsonBuilder *b,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
print_share_json (const HfShare *share,
                  GArray        *ips)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string_member (b, "recipient", share->recipient);
  json_builder_set_member_name (b, "consent_version");
  if (share->consent_version > 0)
    json_builder_add_int_value (b, share->consent_version);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "shared");
  json_builder_begin_array (b);
  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);
      json_builder_begin_object (b);
      add_string_member (b, "type", s->type);
      add_string_member (b, "id", s->fhir_id);
      add_string_member (b, "category", s->category);
      json_builder_set_member_name (b, "labels");
      json_builder_begin_array (b);
      for (guint k = 0; s->labels[k] != NULL; k++)
        json_builder_add_string_value (b, s->labels[k]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "record");
      json_builder_add_int_value (b, s->record);
      if (s->redacted)
        {
          json_builder_set_member_name (b, "redacted");
          json_builder_add_boolean_value (b, TRUE);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "withheld");
  json_builder_begin_array (b);
  for (guint i = 0; i < share->withheld->len; i++)
    {
      HfWithheld *w = g_ptr_array_index (share->withheld, i);
      json_builder_begin_object (b);
      add_string_member (b, "type", w->type);
      add_string_member (b, "id", w->fhir_id);
      add_string_member (b, "reason", hf_withheld_reason_to_string (w->reason));
      add_string_member (b, "why", w->why);
      json_builder_set_member_name (b, "record");
      json_builder_add_int_value (b, w->record);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (ips != NULL)
    {
      json_builder_set_member_name (b, "ips_sections");
      json_builder_begin_array (b);
      for (guint i = 0; i < ips->len; i++)
        {
          HfIpsSectionCount *c = &g_array_index (ips, HfIpsSectionCount, i);
          json_builder_begin_object (b);
          add_string_member (b, "code", c->code);
          add_string_member (b, "title", c->title);
          json_builder_set_member_name (b, "entries");
          json_builder_add_int_value (b, c->n_entries);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  hf_cli_print_json (b);
}

/* What the International Patient Summary of what RECIPIENT is shared would hold, per section;
 * NULL with ERROR set if it cannot be made. */
static GArray *
ips_sections (HfVault            *vault,
              const char         *recipient,
              const char         *today,
              const char * const *only,
              GError            **error)
{
  g_autoptr(HfShare) share = NULL;
  g_autoptr(GBytes) collection = NULL;

  share = hf_share_compute (vault, recipient, today, only, HF_POLICY_EXPORT, error);
  if (share == NULL)
    return NULL;
  collection = hf_disclosure_bundle (share, g_get_real_time (), NULL, NULL);
  return hf_ips_sections (collection, error);
}

static void
print_ips_words (GArray *ips)
{
  g_print ("\nIn a patient summary (export --format ips), by section:\n");
  for (guint i = 0; i < ips->len; i++)
    {
      HfIpsSectionCount *c = &g_array_index (ips, HfIpsSectionCount, i);
      if (c->n_entries == 0)
        g_print ("  %s: none (the section says none are available)\n", c->title);
      else
        g_print ("  %s: %u\n", c->title, c->n_entries);
    }
}

static void
print_share_words (const HfShare *share,
                   gboolean       verbose)
{
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);   /* made group names */
  const char *category = NULL;
  guint n = 0, redacted = 0;

  if (!share->in_force)
    {
      static const char * const words[] = {
        [HF_WITHHELD_NO_CONSENT] = "there is no consent",
        [HF_WITHHELD_REVOKED] = "the consent was revoked",
        [HF_WITHHELD_EXPIRED] = "the consent has expired",
        [HF_WITHHELD_NOT_YET_VALID] = "the consent is not in force yet",
      };
      g_print ("Nothing is shared with %s: %s (%" G_GUINT64_FORMAT " records withheld).\n",
               hf_cli_printable (keep, share->recipient),
               share->none_reason <= HF_WITHHELD_NOT_YET_VALID ? words[share->none_reason]
                                                                : "nothing is permitted",
               hf_share_n_withheld (share));
      if (!verbose)
        return;
    }
  else
    {
      g_print ("%s would get %u records (consent version %d):\n",
               hf_cli_printable (keep, share->recipient), share->shared->len,
               share->consent_version);
      for (guint i = 0; i <= share->shared->len; i++)
        {
          HfShared *s = i < share->shared->len ? g_ptr_array_index (share->shared, i) : NULL;
          if (s != NULL && g_strcmp0 (s->category, category) == 0)
            {
              n++;
              redacted += s->redacted;
              continue;
            }
          if (category != NULL)
            {
              const char *label = hf_fhir_category_label (category);
              g_print ("  %s: %u shared", label != NULL ? label : category, n);
              if (redacted > 0)
                g_print (" (%u with references to withheld records removed)", redacted);
              g_print ("\n");
            }
          if (s == NULL)
            break;
          category = s->category;
          n = 1;
          redacted = s->redacted;
        }
      if (share->shared->len == 0)
        g_print ("  nothing\n");
      if (share->part2)
        g_print ("\nSome of these records are protected by 42 CFR Part 2; the export carries "
                 "this notice:\n%s\n", hf_label_part2_notice ());
    }

  /* Withheld, by reason. */
  for (guint i = 0; i < share->withheld->len; i++)
    {
      HfWithheld *w = g_ptr_array_index (share->withheld, i);
      const char *key = w->why, *comma;
      GPtrArray *group;

      if (!verbose && (w->reason == HF_WITHHELD_NOT_NEEDED ||
                       w->reason <= HF_WITHHELD_NOT_YET_VALID))
        continue;
      /* "dated 2010-05-31, before 2019-01-01": one group for every date before the range. */
      if (w->reason == HF_WITHHELD_DATE && (comma = strstr (w->why, ", ")) != NULL)
        {
          key = g_strdup_printf ("dated %s", comma + 2);
          g_ptr_array_add (keys, (char *) key);
        }
      if ((group = g_hash_table_lookup (groups, key)) == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (groups, (char *) key, group);
          g_ptr_array_add (order, (char *) key);
        }
      g_ptr_array_add (group, w);
    }
  if (order->len > 0 || share->unread->len > 0)
    g_print ("\nWithheld:\n");
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *group = g_hash_table_lookup (groups, g_ptr_array_index (order, i));
      guint named = verbose ? group->len : MIN (group->len, NAMED_PER_GROUP);

      g_print ("  %s (%u):\n", hf_cli_printable (keep, g_ptr_array_index (order, i)),
               group->len);
      for (guint k = 0; k < named; k++)
        {
          HfWithheld *w = g_ptr_array_index (group, k);
          if (w->reason == HF_WITHHELD_DATE && g_str_has_prefix (w->why, "dated ") &&
              strstr (w->why, ", ") != NULL)
            {
              g_autofree char *day = g_strndup (w->why + 6, strstr (w->why, ", ") - w->why - 6);
              g_print ("    %s (%s %" G_GINT64_FORMAT ", %s)\n",
                       hf_cli_printable (keep, w->title), hf_cli_printable (keep, w->type),
                       w->record, hf_cli_printable (keep, day));
            }
          else
            g_print ("    %s (%s %" G_GINT64_FORMAT ")\n", hf_cli_printable (keep, w->title),
                     hf_cli_printable (keep, w->type), w->record);
        }
      if (named < group->len)
        g_print ("    and %u more\n", group->len - named);
    }
  /* Those not read one by one: counted, a few named. */
  for (guint i = 0; i < share->unread->len; i++)
    {
      HfWithheldGroup *group = g_ptr_array_index (share->unread, i);
      const char *label = hf_fhir_category_label (group->category);

      if (group->reason == HF_WITHHELD_NOT_NEEDED)
        {
          g_print ("  %s no shared record refers to (%" G_GUINT64_FORMAT ")\n",
                   label != NULL ? label : group->category, group->count);
          continue;
        }
      g_print ("  %s (%" G_GUINT64_FORMAT "):\n", hf_cli_printable (keep, group->why),
               group->count);
      for (guint k = 0; k < group->titles->len; k++)
        g_print ("    %s\n", hf_cli_printable (keep, g_ptr_array_index (group->titles, k)));
      if (group->count > group->titles->len)
        g_print ("    and %" G_GUINT64_FORMAT " more\n", group->count - group->titles->len);
    }
}

int
hf_cli_share_preview (HfCliGlobals  *g,
                      int            argc,
                      char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autofree char *only_text = NULL;
  g_autofree char *today = hf_policy_today ();
  g_auto(GStrv) only = NULL;
  g_autoptr(GArray) ips = NULL;
  gboolean verbose = FALSE;
  gboolean with_ips = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "only", 0, 0, G_OPTION_ARG_STRING, &only_text,
      "Only these of the permitted categories", "CATEGORY,…" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Name every withheld record", NULL },
    { "ips", 0, 0, G_OPTION_ARG_NONE, &with_ips,
      "Also what each section of the patient summary (export --format ips) would hold", NULL },
    { NULL }
  };
  int code;

  code = hf_cli_getopt (entries, "RECIPIENT",
                        "What RECIPIENT would get under their current consent, per category, "
                        "and what is withheld and why. Nothing is exported. --json lists every "
                        "record.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("share preview needs one RECIPIENT.");
  if ((code = hf_cli_only_categories (only_text, &only)) != 0)
    return code;
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  /* Words name a few records per reason; --json and --verbose list every one. */
  share = hf_share_compute (vault, argv[1], today, (const char * const *) only,
                            g->json || verbose ? HF_POLICY_EVERY_RECORD : HF_POLICY_PREVIEW,
                            &error);
  if (share == NULL)
    return hf_cli_fail (error);
  if (with_ips && share->shared->len > 0 &&
      (ips = ips_sections (vault, argv[1], today, (const char * const *) only, &error)) == NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  if (g->json)
    print_share_json (share, ips);
  else
    {
      print_share_words (share, verbose);
      if (ips != NULL)
        print_ips_words (ips);
    }
  return 0;
}

/* }}} */
/* {{{ export */

int
hf_cli_export (HfCliGlobals  *g,
               int            argc,
               char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  g_autofree char *format_text = NULL;
  g_autofree char *output = NULL;
  g_autofree char *only_text = NULL;
  g_autofree char *passphrase_file = NULL;
  g_autofree char *bundle_text = NULL;
  g_autofree char *today = hf_policy_today ();
  g_auto(GStrv) only = NULL;
  g_autofree char *layout_text = NULL;
  g_autofree char *card_path = NULL;
  g_autofree char *link_dir = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *qr_text = NULL;
  HfExportFormat format = HF_EXPORT_FHIR;
  HfPdfLayout layout = HF_PDF_LAYOUT_SUMMARY;
  gboolean ips = FALSE;
  gboolean pdf = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      "fhir (a FHIR R4 Bundle), ips (an International Patient Summary document), pdf (the "
      "summary to print), jws (signed) or jwe (signed, then encrypted)", "FORMAT" },
    { "bundle", 0, 0, G_OPTION_ARG_STRING, &bundle_text,
      "jws, jwe: what is signed, the records as a collection (the default) or ips, the "
      "International Patient Summary of them", "collection|ips" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The file to write", "FILE" },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file,
      "jwe: encrypt with the passphrase on the first line of FILE instead of to the "
      "recipient's key", "FILE" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only_text,
      "Only these of the permitted categories", "CATEGORY,…" },
    { "layout", 0, 0, G_OPTION_ARG_STRING, &layout_text,
      "pdf: summary (A4 pages, the default) or wallet (a card to cut out and fold)",
      "summary|wallet" },
    { "card", 0, 0, G_OPTION_ARG_FILENAME, &card_path,
      "pdf: also make a SMART Health Card of the same records to FILE and print its QR code",
      "FILE" },
    { "link-dir", 0, 0, G_OPTION_ARG_FILENAME, &link_dir,
      "pdf: also make a SMART Health Link in DIR (for a static web host, with --base-url) and "
      "print its QR code", "DIR" },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url,
      "pdf with --link-dir: the address DIR is served at", "URL" },
    { NULL }
  };
  int code;

  /* Cards and links have options of their own. */
  for (int i = 1; i < argc; i++)
    {
      const char *value = NULL;

      if (g_str_has_prefix (argv[i], "--format="))
        value = argv[i] + strlen ("--format=");
      else if (g_str_equal (argv[i], "--format") && i + 1 < argc)
        value = argv[i + 1];
      if (g_strcmp0 (value, "shc") == 0)
        return hf_cli_export_card (g, argc, argv);
      if (g_strcmp0 (value, "shl") == 0)
        return hf_cli_export_link (g, argc, argv);
    }

  code = hf_cli_getopt (entries, "RECIPIENT",
                        "Write what RECIPIENT's consent shares to FILE, and record the "
                        "disclosure (see “disclosures list”). --format fhir writes a FHIR R4 "
                        "Bundle, not encrypted; ips the International Patient Summary (IPS "
                        "2.0.0) document of the same records; jws signs exactly those bytes with the vault's "
                        "key (ES256; needs the issuer set), still readable by anyone with the "
                        "file; jwe encrypts that JWS to the recipient's key, or with "
                        "--passphrase-file.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("export needs one RECIPIENT.");
  if (format_text == NULL || output == NULL)
    return hf_cli_usage_error ("export needs --format fhir, ips, pdf, jws or jwe and --output "
                               "FILE.");
  pdf = g_str_equal (format_text, "pdf");
  if (!pdf && (layout_text != NULL || card_path != NULL || link_dir != NULL || base_url != NULL))
    return hf_cli_usage_error ("--layout, --card, --link-dir and --base-url are for --format pdf.");
  if (layout_text != NULL && g_str_equal (layout_text, "wallet"))
    layout = HF_PDF_LAYOUT_WALLET;
  else if (layout_text != NULL && !g_str_equal (layout_text, "summary"))
    return hf_cli_usage_error ("--layout is summary or wallet, not “%s”.", layout_text);
  if (card_path != NULL && link_dir != NULL)
    return hf_cli_usage_error ("A summary prints one QR code: give --card or --link-dir, not "
                               "both.");
  if ((link_dir != NULL) != (base_url != NULL))
    return hf_cli_usage_error ("--link-dir and --base-url go together: the folder and the "
                               "address it is served at.");
  if (!pdf && !hf_export_format_from_string (format_text, &format))
    return hf_cli_usage_error ("“%s” is not an export format; use --format fhir, ips, pdf, jws, "
                               "jwe, shc or shl.", format_text);
  if (bundle_text != NULL && !g_str_equal (bundle_text, "ips") &&
      !g_str_equal (bundle_text, "collection"))
    return hf_cli_usage_error ("--bundle is collection or ips, not “%s”.", bundle_text);
  if (bundle_text != NULL && (pdf || (format != HF_EXPORT_JWS && format != HF_EXPORT_JWE)))
    return hf_cli_usage_error ("--bundle is for --format jws and jwe; --format fhir writes the "
                               "collection and --format ips the summary.");
  ips = format == HF_EXPORT_IPS || g_strcmp0 (bundle_text, "ips") == 0;
  if (passphrase_file != NULL && format != HF_EXPORT_JWE)
    return hf_cli_usage_error ("--passphrase-file is for --format jwe only; the %s format is "
                               "not encrypted.", format_text);
  if ((code = hf_cli_only_categories (only_text, &only)) != 0)
    return code;
  if (passphrase_file != NULL)
    {
      passphrase = hf_secret_read_file (passphrase_file, &error);
      if (passphrase == NULL)
        return hf_cli_fail (error);
      if (hf_secret_get_size (passphrase) == 0)
        return hf_cli_usage_error ("The passphrase file's first line is empty; put the "
                                   "passphrase for the recipient there.");
    }

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (pdf && card_path != NULL)
    {
      /* The card first (a disclosure of its own), then its QR code on the summary. */
      g_autoptr(HfShcMadeCard) made = NULL;
      g_autoptr(HfDisclosure) card = NULL;
      g_autoptr(JsonNode) file = NULL;
      g_autofree char *text = NULL;
      JsonArray *jws;

      card = hf_shc_export (vault, argv[1], today, g_get_real_time (),
                            (const char * const *) only, card_path, NULL, FALSE, &made, &error);
      if (card == NULL)
        return hf_cli_fail (error);
      if (made->jws_length > HF_SHC_MAX_QR_JWS)
        return hf_cli_usage_error ("The card (written to %s) is too big for one QR code (%"
                                   G_GSIZE_FORMAT " characters, at most %d); make the summary "
                                   "with --link-dir instead, or share fewer records with --only.",
                                   card_path, made->jws_length, HF_SHC_MAX_QR_JWS);
      if (!g_file_get_contents (card_path, &text, NULL, &error) ||
          (file = json_from_string (text, &error)) == NULL)
        return hf_cli_fail (error);
      jws = hf_json_array (json_node_get_object (file), "verifiableCredential");
      qr_text = hf_shc_qr_text (json_array_get_string_element (jws, 0), &error);
      if (qr_text == NULL)
        return hf_cli_fail (error);
      g_printerr ("healthfolio-cli: made a SMART Health Card of the same records: %s (its QR "
                  "code is on the summary's first page).\n", card_path);
    }
  else if (pdf && link_dir != NULL)
    {
      g_autoptr(HfShlMadeLink) link = NULL;
      g_autoptr(HfDisclosure) made = NULL;
      HfShlOptions o = { 0 };

      o.dir = link_dir;
      o.base_url = base_url;
      made = hf_shl_export (vault, argv[1], today, g_get_real_time (),
                            (const char * const *) only, &o, &link, &error);
      if (made == NULL)
        return hf_cli_fail (error);
      qr_text = g_strdup (link->uri);
      g_printerr ("healthfolio-cli: made a SMART Health Link of the same records in %s: anyone "
                  "holding the link (or the summary's QR code) can read them until the files are "
                  "deleted from the host.\n%s\n", link_dir, link->uri);
    }
  if (pdf)
    d = hf_export_pdf (vault, argv[1], today, g_get_real_time (), (const char * const *) only,
                       layout, qr_text, output, &share, &error);
  else
    d = hf_export_full (vault, argv[1], today, g_get_real_time (), (const char * const *) only,
                        format, ips, passphrase, output, &share, &error);
  if (d == NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);

  if (pdf)
    g_printerr ("healthfolio-cli: warning: %s is not encrypted; anyone who gets the file (or "
                "the paper) can read these records.\n", output);
  else if (format == HF_EXPORT_FHIR || format == HF_EXPORT_IPS)
    g_printerr ("healthfolio-cli: warning: %s is not encrypted; anyone who gets the file can "
                "read these records. Send it only in a way you trust.\n", output);
  else if (format == HF_EXPORT_JWS)
    g_printerr ("healthfolio-cli: warning: %s is signed but not encrypted; anyone who gets the "
                "file can read these records. Send it only in a way you trust, or use "
                "--format jwe.\n", output);
  else if (passphrase != NULL)
    g_printerr ("healthfolio-cli: %s is encrypted with the passphrase; give it to the recipient "
                "another way than the file.\n", output);
  if (share->part2)
    g_printerr ("healthfolio-cli: some records are protected by 42 CFR Part 2; the file carries "
                "this notice:\n%s\n", hf_label_part2_notice ());
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string_member (b, "file", output);
      add_string_member (b, "format", d->format);
      add_string_member (b, "sha256", d->output_sha256);
      add_string_member (b, "bundle", d->bundle_id);
      json_builder_set_member_name (b, "records");
      json_builder_add_int_value (b, d->n_items);
      json_builder_set_member_name (b, "disclosure");
      json_builder_add_int_value (b, d->id);
      json_builder_set_member_name (b, "part2");
      json_builder_add_boolean_value (b, share->part2);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      g_autofree char *counts = hf_disclosure_describe_counts (d->summary);
      g_print ("Wrote %u records for %s to %s (%s); file SHA-256 %s.\n", d->n_items,
               hf_cli_printable (keep, d->recipient), hf_cli_printable (keep, output), counts,
               d->output_sha256);
    }
  return 0;
}

/* }}} */
/* {{{ disclosures */

static void
add_disclosure_json (JsonBuilder        *b,
                     const HfDisclosure *d)
{
  g_autoptr(JsonNode) summary = json_from_string (d->summary, NULL);
  g_autofree char *when = hf_cli_format_time_us (d->at);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, d->id);
  add_string_member (b, "time", when);
  add_string_member (b, "recipient", d->recipient);
  add_string_member (b, "kind", d->recipient_kind);
  add_string_member (b, "contact", d->recipient_contact);
  json_builder_set_member_name (b, "purposes");
  json_builder_begin_array (b);
  for (guint i = 0; d->purposes[i] != NULL; i++)
    json_builder_add_string_value (b, d->purposes[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "consent_version");
  json_builder_add_int_value (b, d->consent_version);
  add_string_member (b, "format", d->format);
  json_builder_set_member_name (b, "counts");
  json_builder_add_value (b, g_steal_pointer (&summary));
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, d->n_items);
  add_string_member (b, "sha256", d->output_sha256);
  add_string_member (b, "bundle", d->bundle_id);
  add_string_member (b, "actor", d->actor);
  if (d->items != NULL)
    {
      json_builder_set_member_name (b, "items");
      json_builder_begin_array (b);
      for (guint i = 0; i < d->items->len; i++)
        {
          HfDisclosureItem *item = g_ptr_array_index (d->items, i);
          json_builder_begin_object (b);
          add_string_member (b, "type", item->type);
          add_string_member (b, "id", item->fhir_id);
          add_string_member (b, "sha256", item->sha256);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

int
hf_cli_disclosures_list (HfCliGlobals  *g,
                         int            argc,
                         char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *since = NULL;
  gboolean fhir = FALSE, items = FALSE;
  gint64 since_us = 0;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient, "Only those to this recipient",
      "NAME" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only those on or after this day", "DATE" },
    { "fhir", 0, 0, G_OPTION_ARG_NONE, &fhir,
      "Print FHIR AuditEvents (IHE Basic Audit, PrivacyDisclosure)", NULL },
    { "items", 0, 0, G_OPTION_ARG_NONE, &items, "With --json: every resource and its SHA-256",
      NULL },
    { NULL }
  };
  int code;

  code = hf_cli_getopt (entries, "",
                        "Every disclosure this vault made (each export), oldest first: when, "
                        "to whom, what, for what, under which consent, by whom, and the file's "
                        "SHA-256. Disclosures are kept for good.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 1)
    return hf_cli_usage_error ("disclosures list takes no arguments.");
  if (since != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%sT00:00:00", since);
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      g_autoptr(GDateTime) dt = strlen (since) == 10
        ? g_date_time_new_from_iso8601 (text, local) : NULL;
      if (dt == NULL)
        return hf_cli_usage_error ("Give --since as YYYY-MM-DD.");
      since_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
    }

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  list = hf_disclosure_list (vault, recipient, since_us, &error);
  if (list == NULL)
    return hf_cli_fail (error);
  if (items)
    for (guint i = 0; i < list->len; i++)
      {
        HfDisclosure *d = g_ptr_array_index (list, i);
        g_autoptr(HfDisclosure) whole = hf_disclosure_get (vault, d->id, &error);
        if (whole == NULL)
          return hf_cli_fail (error);
        d->items = g_steal_pointer (&whole->items);
      }

  if (fhir)
    {
      g_autoptr(HfPerson) person = NULL;
      g_autoptr(JsonNode) bundle = NULL;
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;

      if (!hf_vault_get_person (vault, &person, &error))
        return hf_cli_fail (error);
      bundle = hf_disclosure_audit_bundle (list, person != NULL ? person->name : NULL,
                                           g_get_real_time ());
      json_generator_set_pretty (gen, TRUE);
      json_generator_set_root (gen, bundle);
      text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
    }
  else if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        add_disclosure_json (b, g_ptr_array_index (list, i));
      json_builder_end_array (b);
      hf_cli_print_json (b);
    }
  else if (list->len == 0)
    g_print ("No disclosures%s.\n", recipient != NULL || since != NULL ? " match" : " yet");
  else
    for (guint i = 0; i < list->len; i++)
      {
        g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
        g_autofree char *line = hf_disclosure_describe (g_ptr_array_index (list, i));
        g_print ("%s\n", hf_cli_printable (keep, line));
      }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_disclosures_verify (HfCliGlobals  *g,
                           int            argc,
                           char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfDisclosure) altered = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMappedFile) file = NULL;
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (NULL, "FILE",
                        "Say whether FILE is a disclosure this vault made, to whom and when. "
                        "Exit code 4 if it is one that was altered, 3 if it is none.",
                        &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("disclosures verify needs one FILE.");
  file = g_mapped_file_new (argv[1], FALSE, &error);
  if (file == NULL)
    {
      g_autofree char *name = hf_cli_terminal_text (argv[1], FALSE);
      g_autoptr(GError) e = error;
      error = g_error_new (HF_ERROR, HF_ERROR_INVALID_INPUT, "Could not read %s: %s", name,
                           e->message);
      return hf_cli_fail (error);
    }
  bytes = g_mapped_file_get_bytes (file);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  d = hf_disclosure_verify (vault, bytes, &altered, &error);
  hf_vault_lock (vault);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_string_member (b, "verdict", d != NULL ? "disclosed" : altered != NULL ? "altered"
                                                                : "unknown");
      if (d != NULL || altered != NULL)
        {
          json_builder_set_member_name (b, "disclosure");
          add_disclosure_json (b, d != NULL ? d : altered);
        }
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  if (d == NULL)
    return hf_cli_fail (error);
  if (!g->json)
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (d->at / G_USEC_PER_SEC);
      g_autoptr(GDateTime) local = g_date_time_to_local (utc);
      g_autofree char *when = g_date_time_format (local, "%-d %B %Y %H:%M");

      g_print ("This file is a disclosure this vault made to %s on %s (%u records).\n",
               hf_cli_printable (keep, d->recipient), when, d->n_items);
    }
  return 0;
}

/* }}} */
