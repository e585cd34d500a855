/* hf-cli-verify.c — healthfolio-cli trust …, verify, and importing signed bundles
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit codes of verify (and of import of a signed bundle): 0 the signature checks out with a
 * trusted key; 4 it does not (tampered, another key's, expired); 3 malformed or refused by
 * the header policy (alg none, HS256, jwk, jku, unknown crit …); 2 an encrypted bundle without
 * its key or passphrase, or with the wrong one; 6 not verified: the issuer has no trusted key
 * (not added by hand, not fetchable, offline) or the file is not signed at all.
 */

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hf-cli-private.h"
#include "hf-fhir.h"
#include "hf-import.h"
#include "hf-jwks.h"
#include "hf-shc.h"
#include "hf-trust.h"
#include "hf-verify.h"

#define EXIT_NOT_VERIFIED 6

static GBytes *
read_input (const char  *path,
            GError     **error)
{
  char *data = NULL;
  gsize length = 0;

  if (g_str_equal (path, "-"))
    {
      g_autoptr(GByteArray) all = g_byte_array_new ();
      guint8 buf[65536];
      ssize_t n;

      while ((n = read (STDIN_FILENO, buf, sizeof buf)) > 0)
        {
          if (all->len + (gsize) n > HF_JOSE_MAX_TOKEN)
            {
              g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "Standard input holds more than %d MiB; a signed bundle may be at "
                           "most that.", HF_JOSE_MAX_TOKEN >> 20);
              return NULL;
            }
          g_byte_array_append (all, buf, (guint) n);
        }
      if (n < 0)
        {
          g_set_error_literal (error, HF_ERROR, HF_ERROR_FAILED,
                               "Standard input could not be read.");
          return NULL;
        }
      return g_byte_array_free_to_bytes (g_steal_pointer (&all));
    }
  if (!g_file_get_contents (path, &data, &length, error))
    {
      if (*error != NULL && (*error)->domain == G_FILE_ERROR)
        {
          g_autofree char *message = g_strdup ((*error)->message);
          g_clear_error (error);
          g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "%s", message);
        }
      return NULL;
    }
  return g_bytes_new_take (data, length);
}

static HfJoseKey *
read_private_key (const char  *path,
                  GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local = NULL;
  HfJoseKey *key;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "%s is not a JWK (one JSON object).", path);
      return NULL;
    }
  key = hf_jose_key_new_from_jwk (json_node_get_object (node), &local);
  if (key == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT, "%s is not a usable key: %s", path,
                   local->message);
      return NULL;
    }
  if (!hf_jose_key_has_private (key))
    {
      hf_jose_key_free (key);
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "%s holds a public key only; opening an encrypted bundle needs the private "
                   "key (its “d”).", path);
      return NULL;
    }
  return key;
}

typedef struct
{
  char     *key_file;
  char     *passphrase_file;
  char     *ca_file;
  gboolean  offline;
} VerifyOptions;

static void
verify_options_clear (VerifyOptions *o)
{
  g_clear_pointer (&o->key_file, g_free);
  g_clear_pointer (&o->passphrase_file, g_free);
  g_clear_pointer (&o->ca_file, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VerifyOptions, verify_options_clear)

static HfVerifyResult *
run_verify (HfVault        *vault,
            GBytes         *bytes,
            VerifyOptions  *o,
            GError        **error)
{
  g_autoptr(HfJoseKey) key = NULL;
  g_autoptr(HfSecret) passphrase = NULL;

  if (o->key_file != NULL && (key = read_private_key (o->key_file, error)) == NULL)
    return NULL;
  if (o->passphrase_file != NULL &&
      (passphrase = hf_secret_read_file (o->passphrase_file, error)) == NULL)
    return NULL;
  return hf_verify_bytes (vault, bytes, key, passphrase, o->offline ? HF_VERIFY_OFFLINE : 0,
                          o->ca_file, error);
}

static GList *
sorted_categories (GHashTable *counts)
{
  return g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);
}

static void
add_time_member (JsonBuilder *b,
                 const char  *name,
                 gint64       seconds)
{
  json_builder_set_member_name (b, name);
  if (seconds != 0)
    json_builder_add_int_value (b, seconds);
  else
    json_builder_add_null_value (b);
}

static void
print_result_json (const HfVerifyResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GList) categories = sorted_categories (r->counts);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, hf_verify_verdict_to_string (r->verdict));
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, hf_verify_kind_to_string (r->kind));
  hf_cli_json_add_string (b, "encryption", r->jwe_alg);
  hf_cli_json_add_string (b, "iss", r->iss);
  hf_cli_json_add_string (b, "kid", r->kid);
  add_time_member (b, "iat", r->iat);
  add_time_member (b, "nbf", r->nbf);
  add_time_member (b, "exp", r->exp);
  json_builder_set_member_name (b, "trust");
  json_builder_add_string_value (b, hf_trust_how_to_string (r->trust.how));
  hf_cli_json_add_string (b, "trust_added_by", r->trust.added_by);
  add_time_member (b, "trust_at", r->trust.at / G_USEC_PER_SEC);
  hf_cli_json_add_string (b, "reason", r->reason);
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, r->entries);
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  for (GList *l = categories; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (r->counts, l->data)));
    }
  json_builder_end_object (b);
  hf_cli_json_add_string (b, "person", r->person_name);
  hf_cli_json_add_string (b, "birth_date", r->person_birth_date);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, r->token_sha256);
  json_builder_end_object (b);
  hf_cli_print_json (b);
}

static void
print_result_text (const HfVerifyResult *r)
{
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autoptr(GList) categories = sorted_categories (r->counts);
  g_autoptr(GString) holds = g_string_new (NULL);

  if (r->kind == HF_VERIFY_KIND_JWE)
    g_print ("Encrypted (%s); opened.\n", hf_cli_printable (keep, r->jwe_alg));
  if (r->iss != NULL)
    {
      g_print ("Signed by:  %s (key %s)\n", hf_cli_printable (keep, r->iss),
               hf_cli_printable (keep, r->kid));
      if (r->verdict == HF_VERIFY_VALID)
        {
          g_autofree char *how = hf_trust_source_describe (&r->trust, r->iss);
          g_print ("Trusted:    yes, its key %s\n", hf_cli_printable (keep, how));
          /* A fetched key proves who controls the address, not who they are. */
          if (r->trust.how != HF_TRUST_HOW_HAND)
            g_print ("            (a key published at that address: it shows the bundle comes "
                     "from whoever runs %s; add the issuer by hand to vouch for it)\n",
                     hf_cli_printable (keep, r->iss));
        }
      else
        g_print ("Trusted:    no\n");
    }
  else
    g_print ("Signed by:  nobody (not signed)\n");
  if (r->iat != 0)
    {
      g_autofree char *when = hf_cli_format_time (r->iat);
      g_print ("Signed on:  %s\n", when);
    }
  if (r->exp != 0)
    {
      g_autofree char *when = hf_cli_format_time (r->exp);
      g_print ("Expires:    %s\n", when);
    }
  for (GList *l = categories; l != NULL; l = l->next)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (r->counts, l->data));
      g_string_append_printf (holds, "%s%u %s", holds->len ? ", " : "", n,
                              hf_fhir_category_label (l->data));
    }
  g_print ("Holds:      %u record%s%s%s%s\n", r->entries, r->entries == 1 ? "" : "s",
           holds->len ? " (" : "", holds->str, holds->len ? ")" : "");
  if (r->person_name != NULL || r->person_birth_date != NULL)
    g_print ("Person:     %s%s%s%s\n", hf_cli_printable (keep, r->person_name ? r->person_name
                                                                           : "(no name)"),
             r->person_birth_date ? ", born " : "",
             r->person_birth_date ? hf_cli_printable (keep, r->person_birth_date) : "",
             "");
  switch (r->verdict)
    {
    case HF_VERIFY_VALID:
      g_print ("Verdict:    valid: the signature checks out with the issuer's trusted key.\n");
      break;
    case HF_VERIFY_UNSIGNED:
      g_print ("Verdict:    not verified: it is not signed, so nothing says who made it.\n");
      break;
    case HF_VERIFY_UNTRUSTED:
    default:
      g_print ("Verdict:    not verified: the signature was not checked, because %s\n",
               hf_cli_printable (keep, r->reason));
      break;
    }
}

static int
verdict_exit (const HfVerifyResult *r)
{
  return r->verdict == HF_VERIFY_VALID ? 0 : EXIT_NOT_VERIFIED;
}

/* A refusal: in words on standard error, and with --json also as {"verdict":"invalid",…}. */
/* A refusal of verify: with --json, the verdict and reason as JSON too. */
int
hf_cli_fail_verify (HfCliGlobals *g,
                    GError       *error)
{
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      int code = hf_error_exit_code (error);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, code == 4 ? "invalid" : code == 3 ? "malformed"
                                                     : "refused");
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, error->message);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  return hf_cli_fail (error);
}

int
hf_cli_verify (HfCliGlobals  *g,
               int            argc,
               char         **argv)
{
  g_auto(VerifyOptions) o = { 0 };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HfVerifyResult) result = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &o.key_file,
      "The private JWK an encrypted bundle is encrypted to", "JWK_FILE" },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &o.passphrase_file,
      "The passphrase an encrypted bundle is encrypted with", "FILE" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &o.offline,
      "Never fetch an issuer's keys: only those added by hand or cached", NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o.ca_file,
      "Also trust this CA (PEM) when fetching an issuer's keys", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  if (!hf_cli_parse_options (entries, "FILE|-",
                             "Check a signed bundle (a compact JWS, or a JWE holding one) and "
                             "say who signed it, when, what it holds and whether to believe it. "
                             "Exit codes: 0 valid; 4 the signature or tag does not check out, or "
                             "the bundle expired; 3 malformed or refused by the header policy; "
                             "2 an encrypted bundle without its key or passphrase; 6 not "
                             "verified: the issuer has no trusted key, or it is not signed. "
                             "SMART Health Cards: a .smart-health-card file, shc:/ text (as an "
                             "argument or a file; a legacy card's chunks as several), a card's "
                             "JWS or a PNG of its QR code; 4 also for a revoked or expired "
                             "card.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc >= 2 && hf_cli_is_card_arg (argv[1]))
    return hf_cli_verify_cards (g, argc - 1, argv + 1, o.offline, o.ca_file);
  if (argc != 2)
    return hf_cli_usage_error ("verify needs one FILE (or - for standard input).");
  bytes = read_input (argv[1], &error);
  if (bytes == NULL)
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  result = run_verify (vault, bytes, &o, &error);
  if (result == NULL)
    return hf_cli_fail_verify (g, error);
  if (g->json)
    print_result_json (result);
  else
    print_result_text (result);
  hf_vault_lock (vault);
  return verdict_exit (result);
}

gboolean
hf_cli_is_signed_file (const char *path)
{
  /* The protected header (at most 8 KiB, so about 11,000 characters) and its dot. */
  guint8 head[16384];
  gssize n;
  int fd;

  if (g_str_equal (path, "-") || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  n = read (fd, head, sizeof head);
  close (fd);
  /* JSON starts with "{", "[" or white space; a compact token with base64url. */
  if (n <= 0 || !(g_ascii_isalnum (head[0]) || head[0] == '-' || head[0] == '_'))
    return FALSE;
  /* Everything read, up to the end of the first line, is base64url and dots: a line of text
   * such as "module.exports = {…}" is not a token, and goes to the importer's own refusal. */
  {
    guint dots = 0;

    for (gssize i = 0; i < n && head[i] != '\n' && head[i] != '\r'; i++)
      {
        if (head[i] == '.')
          dots++;
        else if (!g_ascii_isalnum (head[i]) && head[i] != '-' && head[i] != '_')
          return FALSE;
      }
    return dots > 0;
  }
}

int
hf_cli_import_signed (HfCliGlobals            *g,
                      const char              *path,
                      const HfCliSignedImport *s,
                      const void              *options)
{
  VerifyOptions o = { (char *) s->key_file, (char *) s->passphrase_file, (char *) s->ca_file,
                      s->offline };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HfVerifyResult) result = NULL;
  g_autoptr(HfImportResult) imported = NULL;
  g_autofree char *real = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *name = NULL;
  gint64 provenance = 0;
  GError *error = NULL;

  bytes = read_input (path, &error);
  if (bytes == NULL)
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  result = run_verify (vault, bytes, &o, &error);
  if (result == NULL)
    {
      g_prefix_error (&error, "Nothing was imported. ");
      return hf_cli_fail (error);
    }
  if (result->verdict != HF_VERIFY_VALID && !s->unverified)
    {
      /* The reason is a sentence of its own, with its full stop. */
      g_autofree char *reason = g_strdup (result->verdict == HF_VERIFY_UNSIGNED
                                          ? "It is not signed." : result->reason);
      g_autofree char *message = NULL;

      if (reason[0] != '\0' && g_ascii_islower (reason[0]))
        reason[0] = g_ascii_toupper (reason[0]);
      message = g_strdup_printf ("Nothing was imported: the bundle is not verified. %s%s Import "
                                 "it with --unverified to keep it marked as unverified.", reason,
                                 g_str_has_suffix (reason, ".") ? "" : ".");
      hf_cli_print_error (message);
      return EXIT_NOT_VERIFIED;
    }
  real = realpath (path, NULL);
  origin = g_strconcat ("file:", real != NULL ? real : path, NULL);
  name = g_filename_display_name (path);
  if (!hf_vault_import_bytes (vault, result->bundle, name, origin, options, NULL, &imported,
                              &provenance, &error) ||
      !hf_verify_record_import (vault, provenance, result, &error))
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "files");
      json_builder_add_int_value (b, imported->files);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, imported->added);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, imported->updated);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, imported->unchanged);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, result->verdict == HF_VERIFY_VALID ? "verified"
                                                                          : "unverified");
      hf_cli_json_add_string (b, "iss", result->iss);
      hf_cli_json_add_string (b, "kid", result->kid);
      json_builder_set_member_name (b, "trust");
      json_builder_add_string_value (b, hf_trust_how_to_string (result->trust.how));
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      if (result->verdict == HF_VERIFY_VALID)
        g_print ("Verified: signed by %s (key %s).\n", hf_cli_printable (keep, result->iss),
                 hf_cli_printable (keep, result->kid));
      else
        g_print ("Not verified, imported as unverified: %s\n",
                 hf_cli_printable (keep, result->verdict == HF_VERIFY_UNSIGNED
                                         ? "it is not signed." : result->reason));
      g_print ("Imported %u file: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
               " updated, %" G_GUINT64_FORMAT " older versions kept as history, %"
               G_GUINT64_FORMAT " deleted, %" G_GUINT64_FORMAT " unchanged.\n", imported->files,
               imported->added, imported->updated, imported->history, imported->deleted,
               imported->unchanged);
    }
  hf_vault_lock (vault);
  return 0;
}

/* {{{ trust */

int
hf_cli_trust_add (HfCliGlobals  *g,
                  int            argc,
                  char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autofree char *jwks_file = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  gsize length = 0;
  gboolean replaced = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "jwks", 0, 0, G_OPTION_ARG_FILENAME, &jwks_file,
      "The issuer's key set (JWKS), as a file", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  if (!hf_cli_parse_options (entries, "ISS --jwks FILE",
                             "Trust the issuer ISS (an https address) with the ES256 keys of a "
                             "JWKS file, added by hand: signatures by these keys are believed "
                             "without fetching anything.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2 || jwks_file == NULL)
    return hf_cli_usage_error ("trust add needs an ISS and --jwks FILE.");
  if (!g_file_get_contents (jwks_file, &text, &length, &error))
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_trust_add (vault, argv[1], text, length, &replaced, &notes, &error))
    return hf_cli_fail (error);
  if (!g->json)
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      g_print ("Trusted %s, added by hand.\n", hf_cli_printable (keep, argv[1]));
      if (replaced)
        g_print ("This replaces the keys fetched for it earlier.\n");
      for (guint i = 0; notes != NULL && i < notes->len; i++)
        g_print ("  %s\n", hf_cli_printable (keep, g_ptr_array_index (notes, i)));
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_trust_list (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };

  if (!hf_cli_parse_options (entries, "", "The trusted issuers: added by hand, or fetched and "
                             "cached.", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 1)
    return hf_cli_usage_error ("trust list takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  list = hf_trust_list (vault, &error);
  if (list == NULL)
    return hf_cli_fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          HfTrustIssuer *t = g_ptr_array_index (list, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "iss");
          json_builder_add_string_value (b, t->iss);
          json_builder_set_member_name (b, "how");
          json_builder_add_string_value (b, t->how == HF_TRUST_HOW_HAND ? "hand" : "fetched");
          hf_cli_json_add_string (b, "added_by", t->added_by);
          json_builder_set_member_name (b, "at");
          json_builder_add_int_value (b, t->at / G_USEC_PER_SEC);
          json_builder_set_member_name (b, "kids");
          json_builder_begin_array (b);
          for (guint k = 0; t->kids[k] != NULL; k++)
            json_builder_add_string_value (b, t->kids[k]);
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      hf_cli_print_json (b);
    }
  else if (list->len == 0)
    g_print ("No trusted issuers.\n");
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      for (guint i = 0; i < list->len; i++)
        {
          HfTrustIssuer *t = g_ptr_array_index (list, i);
          HfTrustSource s = { t->how, t->added_by, t->at };
          g_autofree char *how = hf_trust_source_describe (&s, t->iss);
          g_autofree char *kids = g_strjoinv (", ", t->kids);
          g_print ("%s\n  %s; keys: %s\n", hf_cli_printable (keep, t->iss),
                   hf_cli_printable (keep, how), hf_cli_printable (keep, kids));
        }
    }
  if (!g->json)
    {
      g_autofree char *name = NULL;
      g_autofree char *by = NULL;
      gint64 at = 0;
      g_autoptr(HfShcDirectoryResult) dir = hf_shc_directory_summary (vault, &name, &by, &at,
                                                                      &error);
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      if (error != NULL)
        return hf_cli_fail (error);
      if (dir != NULL)
        {
          g_autofree char *when = hf_cli_format_time_us (at);
          g_print ("Issuer directory %s (imported by %s on %s): %u issuers, %u of them with "
                   "their keys, %u revocation lists.\n", hf_cli_printable (keep, name),
                   hf_cli_printable (keep, by), when, dir->issuers, dir->with_keys, dir->crls);
        }
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_trust_remove (HfCliGlobals  *g,
                     int            argc,
                     char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };

  if (!hf_cli_parse_options (entries, "ISS", "Stop trusting an issuer (added by hand or "
                             "fetched).", &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2)
    return hf_cli_usage_error ("trust remove needs an ISS.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_trust_remove (vault, argv[1], &error))
    return hf_cli_fail (error);
  if (!g->json)
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      g_print ("%s is no longer trusted.\n", hf_cli_printable (keep, argv[1]));
    }
  hf_vault_lock (vault);
  return 0;
}

/* }}} */
