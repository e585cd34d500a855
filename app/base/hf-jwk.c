/* hf-jwk.c — public EC P-256 JSON Web Keys, RFC 7638 thumbprints, base64url
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A recipient's key arrives as a file from someone else, so it is checked as hostile input:
 * the JSON guard first (size, depth, duplicate members, UTF-8), then every member the key is
 * made of, then OpenSSL decides whether the point is on the curve. P-256's cofactor is 1, so a
 * point on the curve that is not the point at infinity (which has no affine x and y) is a
 * valid public key: nothing else needs checking.
 */

#include "hf-jwk.h"

#include <json-glib/json-glib.h>
#include <openssl/core_names.h>
#include <openssl/sha.h>
#include <string.h>

#include "hf-error.h"
#include "hf-json-guard.h"

#define COORD_BYTES 32

struct _HfJwk
{
  guint8    point[1 + 2 * COORD_BYTES];   /* 04 ‖ x ‖ y */
  char     *x;                            /* base64url, as given (it is canonical) */
  char     *y;
  char     *kid;
  char     *use;
  char     *thumbprint;
  EVP_PKEY *pkey;
};

/* {{{ base64url */

char *
hf_base64url_encode (const guint8 *data,
                     gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize n = strlen (text);

  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  return text;
}

guint8 *
hf_base64url_decode (const char *text,
                     gssize      length,
                     gsize      *out_length)
{
  g_autofree char *padded = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *again = NULL;
  gsize n, decoded = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (out_length != NULL, NULL);

  n = length < 0 ? strlen (text) : (gsize) length;
  /* One character left over is never a whole byte. */
  if (n % 4 == 1 || n > G_MAXSIZE / 2)
    return NULL;
  padded = g_malloc (n + 4);
  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      padded[i] = c;
    }
  memset (padded + n, '=', (4 - n % 4) % 4);
  padded[n + (4 - n % 4) % 4] = '\0';
  data = g_base64_decode (padded, &decoded);
  /* g_base64_decode ignores bits it cannot use; a key written two ways is refused, so that a
   * key has one text and one thumbprint. */
  again = hf_base64url_encode (data, decoded);
  if (strlen (again) != n || memcmp (again, text, n) != 0)
    return NULL;
  *out_length = decoded;
  return g_steal_pointer (&data);
}

/* }}} */

/* {{{ keys */

void
hf_jwk_free (HfJwk *jwk)
{
  if (jwk == NULL)
    return;
  g_free (jwk->x);
  g_free (jwk->y);
  g_free (jwk->kid);
  g_free (jwk->use);
  g_free (jwk->thumbprint);
  EVP_PKEY_free (jwk->pkey);
  g_free (jwk);
}

static gboolean
refuse (GError    **error,
        const char *message)
{
  g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT, message);
  return FALSE;
}

/* The member NAME as a string, or NULL; FALSE (and the error) when it is there but is not one. */
static gboolean
member_string (JsonObject  *o,
               const char  *name,
               const char **value,
               GError     **error)
{
  JsonNode *node = json_object_get_member (o, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key's “%s” is not a string; give an EC P-256 public key in JWK form "
                   "(RFC 7517).", name);
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_coordinate (JsonObject  *o,
                 const char  *name,
                 guint8      *out,
                 GError     **error)
{
  const char *text;
  g_autofree guint8 *bytes = NULL;
  gsize n = 0;

  if (!member_string (o, name, &text, error))
    return FALSE;
  if (text == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key has no “%s” coordinate; give the whole EC P-256 public key.", name);
      return FALSE;
    }
  bytes = hf_base64url_decode (text, -1, &n);
  if (bytes == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key's “%s” is not base64url without padding, as JWK requires.", name);
      return FALSE;
    }
  if (n != COORD_BYTES)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key's “%s” is %" G_GSIZE_FORMAT " bytes long; a P-256 coordinate is "
                   "exactly %d.", name, n, COORD_BYTES);
      return FALSE;
    }
  memcpy (out, bytes, COORD_BYTES);
  return TRUE;
}

/* The point as an OpenSSL key, or NULL when it is not a point of the curve. */
static EVP_PKEY *
make_pkey (const guint8 *point,
           gsize         length)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  EVP_PKEY_CTX *check = NULL;
  EVP_PKEY *pkey = NULL;
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_utf8_string (OSSL_PKEY_PARAM_GROUP_NAME, (char *) "prime256v1", 0),
    OSSL_PARAM_construct_octet_string (OSSL_PKEY_PARAM_PUB_KEY, (void *) point, length),
    OSSL_PARAM_construct_end (),
  };

  if (ctx == NULL)
    return NULL;
  if (EVP_PKEY_fromdata_init (ctx) <= 0 ||
      EVP_PKEY_fromdata (ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    pkey = NULL;
  EVP_PKEY_CTX_free (ctx);
  if (pkey == NULL)
    return NULL;
  /* fromdata decodes the point onto the curve already; the full public check costs little and
   * does not depend on that detail of OpenSSL's. */
  check = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
  if (check == NULL || EVP_PKEY_public_check (check) != 1)
    {
      EVP_PKEY_CTX_free (check);
      EVP_PKEY_free (pkey);
      return NULL;
    }
  EVP_PKEY_CTX_free (check);
  return pkey;
}

static char *
thumbprint (const char *x,
            const char *y)
{
  g_autofree char *input = g_strdup_printf ("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\","
                                            "\"y\":\"%s\"}", x, y);
  guint8 digest[SHA256_DIGEST_LENGTH];

  SHA256 ((const guint8 *) input, strlen (input), digest);
  return hf_base64url_encode (digest, sizeof digest);
}

HfJwk *
hf_jwk_parse_public (const char  *text,
                     gssize       len,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(HfJwk) jwk = NULL;
  HfJsonProblem problem = { 0 };
  JsonNode *root;
  JsonObject *o;
  const char *kty, *crv, *use, *kid, *x, *y;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);

  n = len < 0 ? strlen (text) : (gsize) len;
  if (!hf_json_guard_check (text, n, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key is not valid JSON (line %u: %s); give a JWK file.", problem.line,
                   problem.reason ? problem.reason : "unreadable");
      hf_json_problem_clear (&problem);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, n, NULL))
    {
      refuse (error, "The key is not valid JSON; give a JWK file.");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      refuse (error, "The key is not a JSON object; give one JWK (not a JWK set).");
      return NULL;
    }
  o = json_node_get_object (root);

  if (!member_string (o, "kty", &kty, error) || !member_string (o, "crv", &crv, error) ||
      !member_string (o, "use", &use, error) || !member_string (o, "kid", &kid, error) ||
      !member_string (o, "x", &x, error) || !member_string (o, "y", &y, error))
    return NULL;
  if (json_object_has_member (o, "keys"))
    {
      refuse (error, "This is a JWK set; give the one key of the recipient's, not the set.");
      return NULL;
    }
  if (kty == NULL)
    {
      refuse (error, "The key has no “kty”; give an EC P-256 public key in JWK form.");
      return NULL;
    }
  if (!g_str_equal (kty, "EC"))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This is a key of type “%s”; Healthfolio needs an EC key on the P-256 curve.",
                   kty);
      return NULL;
    }
  /* Before anything else about the point: a private key must never be stored or shown. */
  if (json_object_has_member (o, "d"))
    {
      refuse (error, "This is a private key; give the recipient's public key.");
      return NULL;
    }
  if (crv == NULL || !g_str_equal (crv, "P-256"))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key is on the curve “%s”; Healthfolio needs a P-256 key.",
                   crv ? crv : "(none given)");
      return NULL;
    }
  if (use != NULL && !g_str_equal (use, "enc") && !g_str_equal (use, "sig"))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key's “use” is “%s”; a JWK's use is “enc” or “sig”.", use);
      return NULL;
    }

  jwk = g_new0 (HfJwk, 1);
  jwk->point[0] = 0x04;
  if (!read_coordinate (o, "x", jwk->point + 1, error) ||
      !read_coordinate (o, "y", jwk->point + 1 + COORD_BYTES, error))
    return NULL;
  jwk->pkey = make_pkey (jwk->point, sizeof jwk->point);
  if (jwk->pkey == NULL)
    {
      refuse (error, "The key's point is not on the P-256 curve, so it is no key at all; "
              "ask the recipient for their public key again.");
      return NULL;
    }
  jwk->x = g_strdup (x);
  jwk->y = g_strdup (y);
  jwk->kid = g_strdup (kid);
  jwk->use = g_strdup (use);
  jwk->thumbprint = thumbprint (x, y);
  return g_steal_pointer (&jwk);
}

const char *
hf_jwk_get_thumbprint (const HfJwk *jwk)
{
  g_return_val_if_fail (jwk != NULL, NULL);
  return jwk->thumbprint;
}

const char *
hf_jwk_get_kid (const HfJwk *jwk)
{
  g_return_val_if_fail (jwk != NULL, NULL);
  return jwk->kid;
}

const char *
hf_jwk_get_use (const HfJwk *jwk)
{
  g_return_val_if_fail (jwk != NULL, NULL);
  return jwk->use;
}

const guint8 *
hf_jwk_get_point (const HfJwk *jwk,
                  gsize       *length)
{
  g_return_val_if_fail (jwk != NULL, NULL);
  if (length != NULL)
    *length = sizeof jwk->point;
  return jwk->point;
}

EVP_PKEY *
hf_jwk_get_pkey (const HfJwk *jwk)
{
  g_return_val_if_fail (jwk != NULL, NULL);
  return jwk->pkey;
}

char *
hf_jwk_to_json (const HfJwk *jwk)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (jwk != NULL, NULL);

  /* In the order of their names, as RFC 7638 orders its members. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "crv");
  json_builder_add_string_value (b, "P-256");
  if (jwk->kid != NULL)
    {
      json_builder_set_member_name (b, "kid");
      json_builder_add_string_value (b, jwk->kid);
    }
  json_builder_set_member_name (b, "kty");
  json_builder_add_string_value (b, "EC");
  if (jwk->use != NULL)
    {
      json_builder_set_member_name (b, "use");
      json_builder_add_string_value (b, jwk->use);
    }
  json_builder_set_member_name (b, "x");
  json_builder_add_string_value (b, jwk->x);
  json_builder_set_member_name (b, "y");
  json_builder_add_string_value (b, jwk->y);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* }}} */
