/* hf-cli-cards.c — cards and links made: export --format shc|shl, keys revoke-card, shl list,
 * shl revoke
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-cli-private.h"

#include "hf-policy.h"
#include "hf-shc-make.h"
#include "hf-shl-make.h"
#include "hf-signing.h"

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* {{{ export --format shc */

int
hf_cli_export_card (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfShcMadeCard) card = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *format_text = NULL;
  g_autofree char *output = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *only_text = NULL;
  g_autofree char *today = hf_policy_today ();
  g_auto(GStrv) only = NULL;
  gboolean rid = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text, "shc", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The .smart-health-card file to write",
      "FILE" },
    { "qr", 0, 0, G_OPTION_ARG_FILENAME, &qr, "Also write the card's QR code as a PNG",
      "FILE.png" },
    { "rid", 0, 0, G_OPTION_ARG_NONE, &rid,
      "Give the card a revocation id, so that “keys revoke-card” can revoke it", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only_text,
      "Only these of the permitted categories", "CATEGORY,…" },
    { NULL }
  };
  int code;

  code = hf_cli_getopt (entries, "RECIPIENT",
                        "Write what RECIPIENT's consent shares as a SMART Health Card: the "
                        "records minified as the framework asks, signed with the vault's key "
                        "(needs the issuer set), and record the disclosure (format shc). "
                        "--qr also writes its QR code; a card too big for one QR code is "
                        "refused then.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("export needs one RECIPIENT.");
  if (output == NULL)
    return hf_cli_usage_error ("export --format shc needs --output FILE.smart-health-card.");
  if ((code = hf_cli_only_categories (only_text, &only)) != 0)
    return code;

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  d = hf_shc_export (vault, argv[1], today, g_get_real_time (), (const char * const *) only,
                     output, qr, rid, &card, &error);
  if (d == NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      hf_cli_json_add_string (b, "file", output);
      hf_cli_json_add_string (b, "qr", qr);
      hf_cli_json_add_string (b, "format", d->format);
      hf_cli_json_add_string (b, "sha256", d->output_sha256);
      hf_cli_json_add_string (b, "kid", card->kid);
      hf_cli_json_add_string (b, "rid", card->rid);
      add_int (b, "jws_length", (gint64) card->jws_length);
      add_int (b, "records", d->n_items);
      add_int (b, "references_dropped", card->dropped);
      add_int (b, "disclosure", d->id);
      json_builder_end_object (b);
      hf_cli_print_json (b);
      return 0;
    }
  g_print ("Wrote a SMART Health Card of %u records for %s to %s (disclosure %" G_GINT64_FORMAT
           "; its JWS has %" G_GSIZE_FORMAT " characters).\n", d->n_items,
           hf_cli_printable (keep, d->recipient), hf_cli_printable (keep, output), d->id,
           card->jws_length);
  if (qr != NULL)
    g_print ("Its QR code is %s.\n", hf_cli_printable (keep, qr));
  if (card->rid != NULL)
    g_print ("Its revocation id is %s: “keys revoke-card %s --crl-dir DIR” revokes it.\n",
             card->rid, card->rid);
  if (card->dropped > 0)
    g_print ("%u reference%s to records not in the card %s left out.\n", card->dropped,
             card->dropped == 1 ? "" : "s", card->dropped == 1 ? "was" : "were");
  g_printerr ("healthfolio-cli: warning: a SMART Health Card is signed, not encrypted: anyone "
              "who gets the file or sees the QR code can read these records.\n");
  return 0;
}

/* }}} */
/* {{{ export --format shl */

/* DATE (YYYY-MM-DD: the end of that day, UTC) or an ISO 8601 time, as seconds since the
 * epoch; 0 when it is neither. */
static gint64
parse_expiry (const char *text)
{
  g_autoptr(GDateTime) when = NULL;

  if (strlen (text) == 10)
    {
      g_autofree char *full = g_strdup_printf ("%sT23:59:59Z", text);
      when = g_date_time_new_from_iso8601 (full, NULL);
    }
  else
    when = g_date_time_new_from_iso8601 (text, NULL);
  return when != NULL ? g_date_time_to_unix (when) : 0;
}

int
hf_cli_export_link (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfShlMadeLink) link = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *format_text = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *only_text = NULL;
  g_autofree char *today = hf_policy_today ();
  g_auto(GStrv) only = NULL;
  gboolean single_file = FALSE;
  g_autofree char *bundle_text = NULL;
  HfShlOptions o = { 0 };
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text, "shl", "FORMAT" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
      "The folder to write the files into, to copy to a static web host", "DIR" },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url,
      "The https address DIR is served at (at most 84 characters)", "URL" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "A label of at most 80 characters", "TEXT" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires,
      "Tell the receiver the link ends then (the host cannot enforce it)", "DATE" },
    { "qr", 0, 0, G_OPTION_ARG_FILENAME, &qr, "Also write the link's QR code as a PNG",
      "FILE.png" },
    { "single-file", 0, 0, G_OPTION_ARG_NONE, &single_file,
      "A “U” link: its url is the encrypted file itself, no manifest", NULL },
    { "bundle", 0, 0, G_OPTION_ARG_STRING, &bundle_text,
      "What the link's file holds: the records as a collection (the default) or ips, the "
      "International Patient Summary of them", "collection|ips" },
    { "only", 0, 0, G_OPTION_ARG_STRING, &only_text,
      "Only these of the permitted categories", "CATEGORY,…" },
    { NULL }
  };
  int code;

  code = hf_cli_getopt (entries, "RECIPIENT",
                        "Write what RECIPIENT's consent shares as a SMART Health Link into DIR, "
                        "for a plain static web host: the records encrypted with a fresh key "
                        "(which only the link holds) and the manifest, at unguessable names. "
                        "Prints the shlink:/ link and records the disclosure (format shl).",
                        &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("export needs one RECIPIENT.");
  if (dir == NULL || base_url == NULL)
    return hf_cli_usage_error ("export --format shl needs --dir DIR and --base-url URL (the "
                               "address DIR will be served at).");
  o.dir = dir;
  o.base_url = base_url;
  o.label = label;
  o.single_file = single_file;
  o.qr = qr;
  if (bundle_text != NULL && !g_str_equal (bundle_text, "ips") &&
      !g_str_equal (bundle_text, "collection"))
    return hf_cli_usage_error ("--bundle is collection or ips, not “%s”.", bundle_text);
  o.ips = g_strcmp0 (bundle_text, "ips") == 0;
  if (expires != NULL && (o.expires = parse_expiry (expires)) == 0)
    return hf_cli_usage_error ("--expires needs a date (YYYY-MM-DD) or an ISO 8601 time.");
  if ((code = hf_cli_only_categories (only_text, &only)) != 0)
    return code;

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  d = hf_shl_export (vault, argv[1], today, g_get_real_time (), (const char * const *) only, &o,
                     &link, &error);
  if (d == NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_int (b, "id", link->id);
      hf_cli_json_add_string (b, "link", link->uri);
      hf_cli_json_add_string (b, "url", link->url);
      hf_cli_json_add_string (b, "flag", link->flag);
      hf_cli_json_add_string (b, "qr", qr);
      add_int (b, "records", d->n_items);
      add_int (b, "disclosure", d->id);
      json_builder_set_member_name (b, "files");
      json_builder_begin_array (b);
      for (guint i = 0; link->files[i] != NULL; i++)
        json_builder_add_string_value (b, link->files[i]);
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_print ("%s\n", link->uri);
      g_printerr ("Wrote link %" G_GINT64_FORMAT " (%u records for %s) into %s: copy %s to %s "
                  "on the web host.%s%s%s\n", link->id, d->n_items,
                  hf_cli_printable (keep, d->recipient), hf_cli_printable (keep, dir),
                  g_strv_length (link->files) == 1 ? "the file" : "both files",
                  hf_cli_printable (keep, base_url), qr != NULL ? " Its QR code is " : "",
                  qr != NULL ? hf_cli_printable (keep, qr) : "", qr != NULL ? "." : "");
    }
  g_printerr ("healthfolio-cli: warning: anyone holding this link can read the records until "
              "the files are deleted from the host (“shl revoke %" G_GINT64_FORMAT "” deletes "
              "them from %s; delete them from the host too). A static host cannot check a "
              "passcode or the expiry.\n", link->id, hf_cli_printable (keep, dir));
  return 0;
}

/* }}} */
/* {{{ keys revoke-card */

int
hf_cli_keys_revoke_card (HfCliGlobals  *g,
                         int            argc,
                         char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *crl_dir = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *rid = NULL;
  g_autofree char *issuer = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "crl-dir", 0, 0, G_OPTION_ARG_FILENAME, &crl_dir,
      "Write the key's revocation list into DIR as KID.json", "DIR" },
    { NULL }
  };
  int code;

  code = hf_cli_getopt (entries, "RID|DISCLOSURE",
                        "Revoke a card made with --rid, named by its revocation id or by the "
                        "number of its disclosure: its key's revocation list gets the rid. "
                        "Publish the list at ISSUER/.well-known/crl/KID.json and the JWKS "
                        "again (keys export-jwks: the key now carries crlVersion).",
                        &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("keys revoke-card needs one RID or disclosure number.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_shc_revoke_card (vault, argv[1], crl_dir, g_get_real_time (), &kid, &rid, &error))
    return hf_cli_fail (error);
  issuer = hf_issuer_get (vault, &error);
  if (error != NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      hf_cli_json_add_string (b, "kid", kid);
      hf_cli_json_add_string (b, "rid", rid);
      hf_cli_json_add_string (b, "crl_dir", crl_dir);
      json_builder_end_object (b);
      hf_cli_print_json (b);
      return 0;
    }
  g_print ("Revoked the card with rid %s (key %s).", rid, kid);
  if (crl_dir != NULL)
    g_print (" Wrote %s/%s.json: publish it at %s/.well-known/crl/%s.json, and the JWKS again "
             "(keys export-jwks).\n", hf_cli_printable (keep, crl_dir), kid,
             issuer != NULL ? hf_cli_printable (keep, issuer) : "ISSUER", kid);
  else
    g_print (" Write the list with --crl-dir DIR and publish it at "
             "ISSUER/.well-known/crl/%s.json, and the JWKS again (keys export-jwks).\n", kid);
  return 0;
}

/* }}} */
/* {{{ shl list, shl revoke */

int
hf_cli_shl_list (HfCliGlobals  *g,
                 int            argc,
                 char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (NULL, "", "The SMART Health Links this vault made, and whether each is "
                        "revoked.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 1)
    return hf_cli_usage_error ("shl list takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if ((links = hf_shl_list (vault, &error)) == NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);

  json_builder_begin_array (b);
  for (guint i = 0; i < links->len; i++)
    {
      HfShlMadeLink *l = g_ptr_array_index (links, i);
      g_autofree char *created = hf_cli_format_time_us (l->created_at);
      g_autofree char *expires = l->expires_at != 0 ? hf_cli_format_time (l->expires_at) : NULL;
      g_autofree char *revoked = l->revoked_at != 0 ? hf_cli_format_time_us (l->revoked_at)
                                                    : NULL;

      if (g->json)
        {
          json_builder_begin_object (b);
          add_int (b, "id", l->id);
          add_int (b, "disclosure", l->disclosure_id);
          hf_cli_json_add_string (b, "recipient", l->recipient);
          hf_cli_json_add_string (b, "label", l->label);
          hf_cli_json_add_string (b, "created", created);
          hf_cli_json_add_string (b, "expires", expires);
          hf_cli_json_add_string (b, "revoked", revoked);
          hf_cli_json_add_string (b, "flag", l->flag);
          hf_cli_json_add_string (b, "url", l->url);
          hf_cli_json_add_string (b, "dir", l->dir);
          json_builder_end_object (b);
          continue;
        }
      g_print ("%" G_GINT64_FORMAT "  %s  to %s%s%s%s  made %s%s%s  %s\n", l->id,
               l->revoked_at != 0 ? "revoked" : "in force",
               hf_cli_printable (keep, l->recipient), l->label != NULL ? " (“" : "",
               l->label != NULL ? hf_cli_printable (keep, l->label) : "",
               l->label != NULL ? "”)" : "", created,
               expires != NULL ? ", expires " : "", expires != NULL ? expires : "",
               revoked != NULL ? revoked : hf_cli_printable (keep, l->url));
    }
  json_builder_end_array (b);
  if (g->json)
    hf_cli_print_json (b);
  else if (links->len == 0)
    g_print ("No links made yet (export RECIPIENT --format shl …).\n");
  return 0;
}

int
hf_cli_shl_revoke (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfShlMadeLink) link = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  GError *error = NULL;
  char *end = NULL;
  gint64 id;
  int code;

  code = hf_cli_getopt (NULL, "ID", "Revoke a link: delete its files from the folder it was "
                        "written into, and record it. Delete them from the web host too.",
                        &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("shl revoke needs one link ID (see shl list).");
  id = g_ascii_strtoll (argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || id <= 0)
    return hf_cli_usage_error ("“%s” is not a link ID; shl list shows them.", argv[1]);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_shl_revoke (vault, id, g_get_real_time (), &link, &error))
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  if (!g->json)
    g_print ("Revoked link %" G_GINT64_FORMAT ": deleted its files from %s. If the folder was "
             "copied to a web host, delete them there too; until then the link still works.\n",
             id, hf_cli_printable (keep, link->dir));
  return 0;
}

/* }}} */
