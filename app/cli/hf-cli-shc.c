/* hf-cli-shc.c — healthfolio-cli verify and import of SMART Health Cards, trust add-crl
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A card is given as a .smart-health-card file, a file of shc:/ text or a JWS, "shc:/…" text
 * itself as an argument, or a PNG image of its QR code; a legacy card's chunks as several
 * arguments. Exit codes: 0 every card verified; 6 one is not (its issuer has no trusted key,
 * or its revocation list could not be had) and, for import, --unverified was not given; 4 a
 * bad signature, a revoked or expired card, a key that is not what the card says; 3 malformed.
 */

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "hf-cli-private.h"
#include "hf-import.h"
#include "hf-jose.h"
#include "hf-jwk.h"
#include "hf-shc.h"
#include "hf-trust.h"

#define EXIT_NOT_VERIFIED 6

/* A compact JWS whose header has "zip" is a card (a signed bundle never has one). */
static gboolean
header_has_zip (const guint8 *data,
                gsize         length)
{
  const guint8 *dot = memchr (data, '.', MIN (length, 16384));
  g_autofree guint8 *header = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  gsize header_length = 0;

  if (dot == NULL)
    return FALSE;
  header = hf_base64url_decode ((const char *) data, dot - data, &header_length);
  if (header == NULL)
    return FALSE;
  text = g_strndup ((const char *) header, header_length);
  node = json_from_string (text, NULL);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
         json_object_has_member (json_node_get_object (node), "zip");
}

gboolean
hf_cli_is_card_arg (const char *arg)
{
  guint8 head[16384];
  gssize n;
  FILE *f;
  HfShcForm form;

  if (g_str_has_prefix (arg, "shc:/"))
    return TRUE;
  if (g_str_equal (arg, "-") || !g_file_test (arg, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  f = g_fopen (arg, "rb");
  if (f == NULL)
    return FALSE;
  n = (gssize) fread (head, 1, sizeof head, f);
  fclose (f);
  if (n <= 0)
    return FALSE;
  form = hf_shc_sniff (head, (gsize) n);
  if (form == HF_SHC_FORM_JWS)
    return header_has_zip (head, (gsize) n);
  return form != HF_SHC_FORM_NONE;
}

/* ARG as bytes: "shc:/…" itself, else the file, refused unread past the caps. */
static GBytes *
read_card_arg (const char  *arg,
               GError     **error)
{
  GStatBuf st;
  char *data = NULL;
  gsize length = 0;

  if (g_str_has_prefix (arg, "shc:/"))
    return g_bytes_new (arg, strlen (arg));
  if (g_stat (arg, &st) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "%s cannot be read.", arg);
      return NULL;
    }
  if (st.st_size > HF_SHC_MAX_INPUT)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "%s is %" G_GINT64_FORMAT " bytes; a card (or its QR code's image) may be "
                   "at most %d MiB.", arg, (gint64) st.st_size, HF_SHC_MAX_INPUT >> 20);
      return NULL;
    }
  if (!g_file_get_contents (arg, &data, &length, NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "%s cannot be read.", arg);
      return NULL;
    }
  return g_bytes_new_take (data, length);
}

/* The cards ARGS[0..N) hold, read and checked; a refusal as an HfError. */
static GPtrArray *
read_cards (HfVault     *vault,
            int          n,
            char       **args,
            gboolean     offline,
            const char  *ca_file,
            GError     **error)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) local = NULL;
  GPtrArray *cards;

  for (int i = 0; i < n; i++)
    {
      GBytes *b = read_card_arg (args[i], error);

      if (b == NULL)
        return NULL;
      g_ptr_array_add (inputs, b);
    }
  cards = hf_shc_read_many (vault, (GBytes * const *) inputs->pdata, inputs->len,
                            offline ? HF_VERIFY_OFFLINE : 0, ca_file, &local);
  if (cards == NULL)
    {
      g_set_error_literal (error, HF_ERROR, hf_shc_error_to_hf (local), local->message);
      return NULL;
    }
  return cards;
}

static void
add_card_json (JsonBuilder     *b,
               const HfShcCard *card)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, hf_verify_verdict_to_string (card->verdict));
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, "shc");
  hf_cli_json_add_string (b, "iss", card->iss);
  hf_cli_json_add_string (b, "kid", card->kid);
  json_builder_set_member_name (b, "trust");
  json_builder_add_string_value (b, hf_trust_how_to_string (card->trust.how));
  hf_cli_json_add_string (b, "trust_added_by", card->trust.added_by);
  json_builder_set_member_name (b, "types");
  json_builder_begin_array (b);
  for (guint i = 0; card->types != NULL && card->types[i] != NULL; i++)
    json_builder_add_string_value (b, card->types[i]);
  json_builder_end_array (b);
  hf_cli_json_add_string (b, "fhir_version", card->fhir_version);
  json_builder_set_member_name (b, "nbf");
  json_builder_add_double_value (b, card->nbf);
  json_builder_set_member_name (b, "exp");
  if (card->exp > 0)
    json_builder_add_double_value (b, card->exp);
  else
    json_builder_add_null_value (b);
  hf_cli_json_add_string (b, "rid", card->rid);
  hf_cli_json_add_string (b, "revocation", card->revocation);
  hf_cli_json_add_string (b, "reason", card->reason);
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, card->entries);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, card->token_sha256);
  json_builder_end_object (b);
}

static void
print_card_text (const HfShcCard *card,
                 guint            index,
                 guint            n)
{
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *types = hf_shc_card_dup_types (card);
  g_autofree char *issued = hf_cli_format_time ((gint64) card->nbf);

  if (n > 1)
    g_print ("Card %u of %u\n", index + 1, n);
  g_print ("SMART Health Card (%s), FHIR %s\n", hf_cli_printable (keep, types),
           hf_cli_printable (keep, card->fhir_version));
  g_print ("Issued by:  %s (key %s)\n", hf_cli_printable (keep, card->iss),
           hf_cli_printable (keep, card->kid));
  if (card->verdict == HF_VERIFY_VALID)
    {
      g_autofree char *how = hf_trust_source_describe (&card->trust, card->iss);
      g_print ("Trusted:    yes, its key %s\n", hf_cli_printable (keep, how));
    }
  else
    g_print ("Trusted:    no\n");
  g_print ("Issued on:  %s\n", issued);
  if (card->exp > 0)
    {
      g_autofree char *when = hf_cli_format_time ((gint64) card->exp);
      g_print ("Expires:    %s\n", when);
    }
  if (card->revocation != NULL)
    g_print ("Revocation: %s\n", hf_cli_printable (keep, card->revocation));
  g_print ("Holds:      %u entr%s\n", card->entries, card->entries == 1 ? "y" : "ies");
  if (card->verdict == HF_VERIFY_VALID)
    g_print ("Verdict:    valid: the signature checks out with the issuer's trusted key.\n");
  else
    g_print ("Verdict:    not verified: %s\n", hf_cli_printable (keep, card->reason));
}

int
hf_cli_verify_cards (HfCliGlobals  *g,
                     int            n,
                     char         **args,
                     gboolean       offline,
                     const char    *ca_file)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  GError *error = NULL;
  gboolean all_valid = TRUE;

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  cards = read_cards (vault, n, args, offline, ca_file, &error);
  if (cards == NULL)
    return hf_cli_fail_verify (g, error);
  for (guint i = 0; i < cards->len; i++)
    all_valid &= ((HfShcCard *) g_ptr_array_index (cards, i))->verdict == HF_VERIFY_VALID;
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, all_valid ? "valid" : "untrusted");
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, "shc");
      json_builder_set_member_name (b, "cards");
      json_builder_begin_array (b);
      for (guint i = 0; i < cards->len; i++)
        add_card_json (b, g_ptr_array_index (cards, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    for (guint i = 0; i < cards->len; i++)
      {
        if (i > 0)
          g_print ("\n");
        print_card_text (g_ptr_array_index (cards, i), i, cards->len);
      }
  hf_vault_lock (vault);
  return all_valid ? 0 : EXIT_NOT_VERIFIED;
}

int
hf_cli_import_cards (HfCliGlobals            *g,
                     int                      n,
                     char                   **args,
                     const HfCliSignedImport *s,
                     const void              *options)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(HfImportResult) imported = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  cards = read_cards (vault, n, args, s->offline, s->ca_file, &error);
  if (cards == NULL)
    {
      /* One sentence that names what was refused (the hostile corpus holds it to that). */
      g_autofree char *clause = hf_cli_clause (error->message);
      g_autofree char *shown = g_str_has_prefix (args[0], "shc:/")
                               ? g_strdup ("The card's QR text")
                               : g_strdup_printf ("“%s”", args[0]);
      char *message = g_strdup_printf ("%s was refused as a SMART Health Card: %s; nothing "
                                       "was imported.", shown, clause);

      g_free (error->message);
      error->message = message;
      return hf_cli_fail (error);
    }
  if (g_str_has_prefix (args[0], "shc:/"))
    {
      /* The text is the card: the same card twice is the same source. */
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                            ((HfShcCard *)
                                                             g_ptr_array_index (cards, 0))->jws,
                                                            -1);
      origin = g_strdup_printf ("shc:%s", sum);
      name = g_strdup ("SMART Health Card (QR text)");
    }
  else
    {
      g_autofree char *real = realpath (args[0], NULL);
      g_autofree char *display = g_filename_display_name (args[0]);

      origin = g_strconcat ("file:", real != NULL ? real : args[0], NULL);
      name = g_strdup_printf ("SMART Health Card from %s", display);
    }
  if (!hf_shc_import_cards (vault, cards, s->unverified, name, origin, options, &imported,
                            &error))
    {
      if (g_error_matches (error, HF_ERROR, HF_ERROR_NOT_PERMITTED))
        {
          hf_cli_print_error (error->message);
          g_error_free (error);
          return EXIT_NOT_VERIFIED;
        }
      return hf_cli_fail (error);
    }
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, imported->added);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, imported->updated);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, imported->unchanged);
      json_builder_set_member_name (b, "cards");
      json_builder_begin_array (b);
      for (guint i = 0; i < cards->len; i++)
        add_card_json (b, g_ptr_array_index (cards, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      for (guint i = 0; i < cards->len; i++)
        {
          HfShcCard *card = g_ptr_array_index (cards, i);
          g_autofree char *types = hf_shc_card_dup_types (card);

          if (card->verdict == HF_VERIFY_VALID)
            g_print ("Verified: SMART Health Card (%s) issued by %s (key %s).\n",
                     hf_cli_printable (keep, types), hf_cli_printable (keep, card->iss),
                     hf_cli_printable (keep, card->kid));
          else
            g_print ("Not verified, imported as unverified: SMART Health Card (%s): %s\n",
                     hf_cli_printable (keep, types), hf_cli_printable (keep, card->reason));
        }
      g_print ("Imported %u card%s: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
               " updated, %" G_GUINT64_FORMAT " unchanged.\n", cards->len,
               cards->len == 1 ? "" : "s", imported->added, imported->updated,
               imported->unchanged);
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_trust_add_crl (HfCliGlobals  *g,
                      int            argc,
                      char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  GError *error = NULL;
  GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };

  if (!hf_cli_parse_options (entries, "ISS KID FILE",
                             "Keep an issuer's revocation list for one of its keys (the JSON "
                             "file it publishes at ISS/.well-known/crl/KID.json), added by hand: "
                             "its cards are checked against it instead of fetching one.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 4)
    return hf_cli_usage_error ("trust add-crl needs ISS, KID and FILE.");
  if (!g_file_get_contents (argv[3], &text, &length, &error))
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_shc_add_crl (vault, argv[1], argv[2], text, length, &error))
    {
      if (error->domain == HF_SHC_ERROR)
        {
          GError *e = g_error_new_literal (HF_ERROR, hf_shc_error_to_hf (error),
                                           error->message);
          g_error_free (error);
          error = e;
        }
      return hf_cli_fail (error);
    }
  g_print ("The revocation list of %s for key %s is kept (added by hand).\n", argv[1], argv[2]);
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_trust_import_directory (HfCliGlobals  *g,
                               int            argc,
                               char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfShcDirectoryResult) r = NULL;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  gsize length = 0;
  GError *error = NULL;
  GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };

  if (!hf_cli_parse_options (entries, "FILE",
                             "Import a published directory of SMART Health Card issuers: the "
                             "VCI directory's snapshot (its issuers with their keys and "
                             "revocation lists) or its list of participating issuers (names "
                             "only: their keys are then fetched). It replaces the directory "
                             "imported before; keys added by hand still come first.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2)
    return hf_cli_usage_error ("trust import-directory needs one FILE.");
  if (!g_file_get_contents (argv[1], &text, &length, &error))
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  name = g_path_get_basename (argv[1]);
  r = hf_shc_import_directory (vault, text, length, name, &error);
  if (r == NULL)
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "issuers");
      json_builder_add_int_value (b, r->issuers);
      json_builder_set_member_name (b, "with_keys");
      json_builder_add_int_value (b, r->with_keys);
      json_builder_set_member_name (b, "keys");
      json_builder_add_int_value (b, r->keys);
      json_builder_set_member_name (b, "crls");
      json_builder_add_int_value (b, r->crls);
      json_builder_set_member_name (b, "notes");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->notes->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (r->notes, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      g_print ("Imported the issuer directory %s: %u issuers, %u of them with %u keys, %u "
               "revocation lists.\n", hf_cli_printable (keep, name), r->issuers, r->with_keys,
               r->keys, r->crls);
      if (r->with_keys < r->issuers)
        g_print ("The keys of the %u issuers listed without them are fetched from their "
                 "addresses when one of their cards is read.\n", r->issuers - r->with_keys);
      for (guint i = 0; i < r->notes->len; i++)
        g_print ("Skipped: %s\n", hf_cli_printable (keep, g_ptr_array_index (r->notes, i)));
    }
  hf_vault_lock (vault);
  return 0;
}
