/* hf-cli-keys.c — the vault's signing keys and issuer: keys show, export-jwks, rotate; issuer
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-cli-private.h"

#include "hf-signing.h"

static char *
to_json (JsonNode *node,
         gboolean  pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, pretty);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

int
hf_cli_keys_show (HfCliGlobals  *g,
                  int            argc,
                  char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(JsonObject) jwk = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *issuer = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "The public JWK alone, as JSON", NULL },
    { NULL }
  };
  int code;

  code = hf_cli_getopt (entries, "",
                        "Show the vault's current signing key: its public JWK (ES256, P-256) "
                        "and its kid (the RFC 7638 thumbprint). The key is made on first use; "
                        "its private part never leaves the vault.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 1)
    return hf_cli_usage_error ("keys show takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if ((jwk = hf_signing_public_jwk (vault, &error)) == NULL)
    return hf_cli_fail (error);
  issuer = hf_issuer_get (vault, &error);
  if (error != NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  node = json_node_init_object (json_node_alloc (), jwk);
  text = to_json (node, TRUE);
  if (json || g->json)
    {
      g_print ("%s\n", text);
      return 0;
    }
  g_print ("The vault's signing key (ES256), kid %s:\n%s\n",
           json_object_get_string_member (jwk, "kid"), text);
  if (issuer != NULL)
    g_print ("Issuer: %s (publish “keys export-jwks” at %s/.well-known/jwks.json).\n", issuer,
             issuer);
  else
    g_print ("No issuer is set; signed exports need one: healthfolio-cli issuer set "
             "https://….\n");
  return 0;
}

int
hf_cli_keys_export_jwks (HfCliGlobals  *g,
                         int            argc,
                         char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(JsonNode) jwks = NULL;
  g_autoptr(GError) write_error = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *text = NULL;
  g_autofree char *issuer = NULL;
  GError *error = NULL;
  guint n;
  int code;

  code = hf_cli_getopt (NULL, "FILE",
                        "Write the vault's public signing keys as a JWKS ({\"keys\":[…]}, the "
                        "current key first, then retired ones) to FILE, to publish at "
                        "ISSUER/.well-known/jwks.json. It holds no private key. A key carries "
                        "\"crlVersion\" once a card it signed is revoked (keys revoke-card).",
                        &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("keys export-jwks needs one FILE.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if ((jwks = hf_signing_jwks (vault, &error)) == NULL)
    return hf_cli_fail (error);
  issuer = hf_issuer_get (vault, &error);
  if (error != NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  n = json_array_get_length (json_object_get_array_member (json_node_get_object (jwks), "keys"));
  text = to_json (jwks, TRUE);
  {
    g_autofree char *line = g_strconcat (text, "\n", NULL);
    if (!g_file_set_contents_full (argv[1], line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   &write_error))
      {
        g_set_error (&error, HF_ERROR, HF_ERROR_FAILED, "Could not write the JWKS: %s",
                     write_error->message);
        return hf_cli_fail (error);
      }
  }
  if (g->json)
    {
      g_print ("%s\n", text);
      return 0;
    }
  g_print ("Wrote %u public key%s to %s.", n, n == 1 ? "" : "s",
           hf_cli_printable (keep, argv[1]));
  if (issuer != NULL)
    g_print (" Publish it at %s/.well-known/jwks.json.\n", hf_cli_printable (keep, issuer));
  else
    g_print (" Set the issuer (issuer set https://…) and publish it there, at "
             "/.well-known/jwks.json.\n");
  return 0;
}

int
hf_cli_keys_rotate (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autofree char *kid = NULL;
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (NULL, "",
                        "Make a new signing key and retire the current one. The retired key's "
                        "public part stays in the JWKS, so what it signed still verifies; "
                        "publish the JWKS again (keys export-jwks).", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 1)
    return hf_cli_usage_error ("keys rotate takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if ((kid = hf_signing_key_rotate (vault, &error)) == NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kid");
      json_builder_add_string_value (b, kid);
      json_builder_end_object (b);
      hf_cli_print_json (b);
      return 0;
    }
  g_print ("The new signing key is %s. Earlier exports still verify with the retired key; "
           "publish the JWKS again (keys export-jwks FILE).\n", kid);
  return 0;
}

int
hf_cli_issuer_set (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (NULL, "URL",
                        "Set the issuer: the https address (no trailing “/”, no query) that "
                        "signed exports name as “iss”, where recipients fetch the vault's "
                        "public keys from (URL/.well-known/jwks.json).", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("issuer set needs one URL.");
  /* Checked before the vault is opened: a typo costs no passphrase. */
  if (!hf_issuer_check (argv[1], &error))
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_issuer_set (vault, argv[1], &error))
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  if (!g->json)
    g_print ("The issuer is %s. Publish the vault's public keys (keys export-jwks FILE) at "
             "%s/.well-known/jwks.json.\n", hf_cli_printable (keep, argv[1]),
             hf_cli_printable (keep, argv[1]));
  return 0;
}

int
hf_cli_issuer_show (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *issuer = NULL;
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (NULL, "", "Show the issuer signed exports name.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 1)
    return hf_cli_usage_error ("issuer show takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  issuer = hf_issuer_get (vault, &error);
  if (error != NULL)
    return hf_cli_fail (error);
  hf_vault_lock (vault);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "issuer");
      if (issuer != NULL)
        json_builder_add_string_value (b, issuer);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else if (issuer != NULL)
    g_print ("%s\n", hf_cli_printable (keep, issuer));
  else
    g_print ("No issuer is set; set one with: healthfolio-cli issuer set https://….\n");
  return 0;
}
