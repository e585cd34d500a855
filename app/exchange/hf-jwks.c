/* hf-jwks.c — JSON Web Key Sets of an issuer's ES256 signing keys
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-jwks.h"

#include "hf-error.h"
#include "hf-json-guard.h"

static void
jwks_key_free (HfJwksKey *k)
{
  g_free (k->kid);
  g_clear_pointer (&k->key, hf_jose_key_free);
  g_free (k);
}

void
hf_jwks_free (HfJwks *jwks)
{
  if (jwks == NULL)
    return;
  g_ptr_array_unref (jwks->keys);
  g_ptr_array_unref (jwks->notes);
  g_free (jwks);
}

const HfJoseKey *
hf_jwks_lookup (const HfJwks *jwks,
                const char   *kid)
{
  g_return_val_if_fail (jwks != NULL, NULL);

  if (kid == NULL)
    return NULL;
  for (guint i = 0; i < jwks->keys->len; i++)
    {
      HfJwksKey *k = g_ptr_array_index (jwks->keys, i);
      if (g_str_equal (k->kid, kid))
        return k->key;
    }
  return NULL;
}

static const char *
string_member (JsonObject *o,
               const char *name,
               gboolean   *wrong_type)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      *wrong_type = TRUE;
      return NULL;
    }
  return json_node_get_string (n);
}

/* The set is refused as a whole for what is dangerous or ambiguous; keys Healthfolio cannot
 * use are only noted. */
HfJwks *
hf_jwks_parse (const char *text,
               gsize       length,
               GError    **error)
{
  HfJsonProblem problem = { 0 };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(HfJwks) jwks = NULL;
  g_autoptr(GHashTable) kids = NULL;
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonNode *keys_node;
  JsonArray *keys;
  guint n;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length > HF_JWKS_MAX_SIZE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key set is %" G_GSIZE_FORMAT " bytes; Healthfolio reads key sets of at "
                   "most 1 MB.", length);
      return NULL;
    }
  if (!hf_json_guard_check (text, length, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key set is not valid JSON: %s (line %u, column %u).", problem.reason,
                   problem.line, problem.column);
      hf_json_problem_clear (&problem);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key set is not valid JSON: %s.", local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The key set is not a JSON object with a “keys” list.");
      return NULL;
    }
  keys_node = json_object_get_member (json_node_get_object (root), "keys");
  if (keys_node == NULL || !JSON_NODE_HOLDS_ARRAY (keys_node))
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The key set has no “keys” list.");
      return NULL;
    }
  keys = json_node_get_array (keys_node);
  n = json_array_get_length (keys);
  if (n > HF_JWKS_MAX_KEYS)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key set has %u keys; Healthfolio reads sets of at most %u.", n,
                   HF_JWKS_MAX_KEYS);
      return NULL;
    }

  jwks = g_new0 (HfJwks, 1);
  jwks->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) jwks_key_free);
  jwks->notes = g_ptr_array_new_with_free_func (g_free);
  kids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      JsonObject *o;
      gboolean wrong_type = FALSE;
      const char *kty, *crv, *use, *alg, *kid;
      g_autoptr(GError) key_error = NULL;
      HfJoseKey *key;
      HfJwksKey *k;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Key %u of the key set is not a JSON object.", i + 1);
          return NULL;
        }
      o = json_node_get_object (node);
      /* A private part in a published set is someone's mistake: its keys can no longer be
       * believed, so none are. */
      for (const char * const *p = (const char * const[]) { "d", "p", "q", "dp", "dq", "qi",
                                                             "oth", "k", NULL }; *p; p++)
        if (json_object_has_member (o, *p))
          {
            g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                         "Key %u of the key set holds a private part (“%s”); a key set must "
                         "hold public keys only, so none of its keys is used.", i + 1, *p);
            return NULL;
          }
      kty = string_member (o, "kty", &wrong_type);
      crv = string_member (o, "crv", &wrong_type);
      use = string_member (o, "use", &wrong_type);
      alg = string_member (o, "alg", &wrong_type);
      kid = string_member (o, "kid", &wrong_type);
      if (wrong_type)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Key %u of the key set has a member that should be text and is not.",
                       i + 1);
          return NULL;
        }
      if (kid != NULL && g_hash_table_contains (kids, kid))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The key set has two keys named “%s”; a key id must name one key.", kid);
          return NULL;
        }
      if (kid != NULL)
        g_hash_table_add (kids, (gpointer) kid);
      if (g_strcmp0 (kty, "EC") != 0 || g_strcmp0 (crv, "P-256") != 0)
        {
          g_ptr_array_add (jwks->notes,
                           g_strdup_printf ("Key %u (%s) is skipped: it is %s%s%s, and "
                                            "Healthfolio checks only ES256 signatures "
                                            "(EC P-256).", i + 1, kid ? kid : "no kid",
                                            kty ? kty : "of no type", crv ? " " : "",
                                            crv ? crv : ""));
          continue;
        }
      if (use != NULL && !g_str_equal (use, "sig"))
        {
          g_ptr_array_add (jwks->notes,
                           g_strdup_printf ("Key %u (%s) is skipped: it is for “%s”, not for "
                                            "signatures.", i + 1, kid ? kid : "no kid", use));
          continue;
        }
      if (alg != NULL && !g_str_equal (alg, "ES256"))
        {
          g_ptr_array_add (jwks->notes,
                           g_strdup_printf ("Key %u (%s) is skipped: it is for %s, not ES256.",
                                            i + 1, kid ? kid : "no kid", alg));
          continue;
        }
      if (kid == NULL || *kid == '\0')
        {
          g_ptr_array_add (jwks->notes,
                           g_strdup_printf ("Key %u is skipped: it has no “kid”, and a "
                                            "signature names its key by kid.", i + 1));
          continue;
        }
      key = hf_jose_key_new_from_jwk (o, &key_error);
      if (key == NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Key %u (%s) of the key set is not a valid P-256 key: %s", i + 1, kid,
                       key_error->message);
          return NULL;
        }
      k = g_new0 (HfJwksKey, 1);
      k->kid = g_strdup (kid);
      k->key = key;
      g_ptr_array_add (jwks->keys, k);
    }
  if (jwks->keys->len == 0)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The key set holds no EC P-256 signing key that Healthfolio can "
                           "check an ES256 signature with.");
      return NULL;
    }
  return g_steal_pointer (&jwks);
}
