/* hf-jose.c — compact JWS (ES256) and JWE (ECDH-ES+A256KW, PBES2-HS512+A256KW; A256GCM)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 7515 (JWS), 7516 (JWE), 7518 (algorithms), 7638 (thumbprints), over OpenSSL 3's EVP
 * interfaces. A token is checked in the order that costs least: its size, its form, its
 * header, and only then any key agreement, key derivation or decryption.
 */

#include "hf-jose-private.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "hf-deflate.h"
#include "hf-json-guard.h"
#include "hf-jwk.h"

#define P256_SIZE     32
#define CEK_SIZE      32
#define WRAPPED_SIZE  (CEK_SIZE + 8)
#define GCM_IV_SIZE   12
#define GCM_TAG_SIZE  16
#define ALG_ECDH      "ECDH-ES+A256KW"
#define ALG_PBES2     "PBES2-HS512+A256KW"
#define ENC_GCM       "A256GCM"
#define ALG_DIR       "dir"

G_DEFINE_QUARK (hf-jose-error-quark, hf_jose_error)

HfError
hf_jose_error_to_hf (const GError *error)
{
  g_return_val_if_fail (error != NULL, HF_ERROR_FAILED);

  if (error->domain != HF_JOSE_ERROR)
    return error->domain == HF_ERROR ? (HfError) error->code : HF_ERROR_FAILED;
  switch ((HfJoseError) error->code)
    {
    case HF_JOSE_ERROR_FAILED:
      return HF_ERROR_FAILED;
    case HF_JOSE_ERROR_SIGNATURE_ENCODING:
    case HF_JOSE_ERROR_SIGNATURE_RANGE:
    case HF_JOSE_ERROR_SIGNATURE_INVALID:
    case HF_JOSE_ERROR_DECRYPT_FAILED:
      return HF_ERROR_INTEGRITY;
    case HF_JOSE_ERROR_WRONG_KEY:
      return HF_ERROR_AUTH;
    default:
      return HF_ERROR_INVALID_INPUT;
    }
}

static gboolean
crypto_failed (GError    **error,
               const char *what)
{
  g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_FAILED,
               "The cryptography library failed to %s; nothing was written.", what);
  return FALSE;
}

static void
be32 (guint8 *out,
      guint32 value)
{
  out[0] = value >> 24;
  out[1] = value >> 16;
  out[2] = value >> 8;
  out[3] = value;
}

/* base64url: encoding is hf-jwk's; decoding tokens is ours, for its reasons and its speed
 * (a token's parts are tens of megabytes). */

static const char b64url_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The value of each byte as a base64url digit, or -1. */
static const gint8 *
b64url_table (void)
{
  static gint8 table[256];
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      memset (table, -1, sizeof table);
      for (guint i = 0; i < 64; i++)
        table[(guchar) b64url_alphabet[i]] = i;
      g_once_init_leave (&once, 1);
    }
  return table;
}

static void
set_b64url_error (GError **error,
                  guchar   c)
{
  if (c == '=')
    g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                 "A part of the token is padded with “=”, which base64url in JOSE does not "
                 "allow.");
  else if (g_ascii_isgraph (c))
    g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                 "A part of the token has “%c”, which is not a base64url character.", c);
  else
    g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                 "A part of the token has the byte 0x%02x (a space, a line break or another "
                 "character that base64url does not have).", c);
}

GBytes *
_hf_jose_base64url_decode (const char *text,
                           gsize       length,
                           GError    **error)
{
  const gint8 *table = b64url_table ();
  const guchar *in = (const guchar *) text;
  g_autofree guint8 *out = NULL;
  gsize n = 0, i = 0, rest;
  guint32 acc = 0;

  if (length % 4 == 1)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "A part of the token is not base64url: its length (%" G_GSIZE_FORMAT
                   ") cannot be.", length);
      return NULL;
    }
  out = g_malloc (length / 4 * 3 + 3);
  /* Four characters, three bytes at a time; a negative digit makes the OR negative. */
  for (; i + 4 <= length; i += 4)
    {
      guint32 v;

      if ((table[in[i]] | table[in[i + 1]] | table[in[i + 2]] | table[in[i + 3]]) < 0)
        break;
      v = (guint32) table[in[i]] << 18 | (guint32) table[in[i + 1]] << 12
          | (guint32) table[in[i + 2]] << 6 | (guint32) table[in[i + 3]];
      out[n++] = v >> 16 & 0xff;
      out[n++] = v >> 8 & 0xff;
      out[n++] = v & 0xff;
    }
  for (gsize j = i; j < length; j++)
    if (table[in[j]] < 0)
      {
        set_b64url_error (error, in[j]);
        return NULL;
      }
  rest = length - i;
  for (gsize j = 0; j < rest; j++)
    acc = acc << 6 | (guint32) table[in[i + j]];
  /* The bits left over must be zero: one spelling per byte string. */
  if ((rest == 2 && (acc & 0xf) != 0) || (rest == 3 && (acc & 0x3) != 0))
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "A part of the token is not canonical base64url (its last character has "
                   "bits set that encode nothing).");
      return NULL;
    }
  if (rest == 2)
    out[n++] = acc >> 4 & 0xff;
  else if (rest == 3)
    {
      out[n++] = acc >> 10 & 0xff;
      out[n++] = acc >> 2 & 0xff;
    }
  return g_bytes_new_take (g_steal_pointer (&out), n);
}

static void
set_b64_member (JsonObject   *object,
                const char   *name,
                const guint8 *data,
                gsize         length)
{
  g_autofree char *text = hf_base64url_encode (data, length);

  json_object_set_string_member (object, name, text);
}

/* Keys */

struct _HfJoseKey
{
  EVP_PKEY *pkey;
  guint8    x[P256_SIZE];
  guint8    y[P256_SIZE];
  gboolean  has_private;
};

void
hf_jose_key_free (HfJoseKey *self)
{
  if (self == NULL)
    return;
  EVP_PKEY_free (self->pkey);
  g_free (self);
}

static gboolean
get_coordinate (EVP_PKEY   *pkey,
                const char *name,
                guint8     *out)
{
  BIGNUM *bn = NULL;
  gboolean ok;

  if (!EVP_PKEY_get_bn_param (pkey, name, &bn))
    return FALSE;
  ok = BN_bn2binpad (bn, out, P256_SIZE) == P256_SIZE;
  BN_free (bn);
  return ok;
}

/* Takes PKEY; checks it is a P-256 point (and, with a private part, its pair). */
static HfJoseKey *
key_wrap_pkey (EVP_PKEY *pkey,
               gboolean  has_private,
               GError  **error)
{
  g_autoptr(HfJoseKey) self = g_new0 (HfJoseKey, 1);
  EVP_PKEY_CTX *check;
  char group[32] = "";
  gboolean ok;

  self->pkey = pkey;
  self->has_private = has_private;
  if (!EVP_PKEY_is_a (pkey, "EC")
      || !EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                          NULL)
      || strcmp (group, "prime256v1") != 0)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_KEY_INVALID,
                   "The key is not an EC P-256 key.");
      return NULL;
    }
  check = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
  ok = check != NULL && EVP_PKEY_public_check (check) == 1
       && (!has_private || EVP_PKEY_pairwise_check (check) == 1);
  EVP_PKEY_CTX_free (check);
  if (!ok)
    {
      g_set_error_literal (error, HF_JOSE_ERROR, HF_JOSE_ERROR_KEY_INVALID,
                           has_private ? "The private key does not belong to its public point."
                                       : "The key is not a point on the P-256 curve.");
      return NULL;
    }
  if (!get_coordinate (pkey, OSSL_PKEY_PARAM_EC_PUB_X, self->x)
      || !get_coordinate (pkey, OSSL_PKEY_PARAM_EC_PUB_Y, self->y))
    {
      crypto_failed (error, "read an EC key");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static HfJoseKey *
key_from_parts (const guint8   *x,
                const guint8   *y,
                const HfSecret *d,
                GError        **error)
{
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new ();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  EVP_PKEY *pkey = NULL;
  BIGNUM *priv = NULL;
  guint8 point[1 + 2 * P256_SIZE];
  gboolean built;

  point[0] = POINT_CONVERSION_UNCOMPRESSED;
  memcpy (point + 1, x, P256_SIZE);
  memcpy (point + 1 + P256_SIZE, y, P256_SIZE);
  if (d != NULL)
    priv = BN_secure_new ();
  built = bld != NULL
          && OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0)
          && OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point)
          && (d == NULL
              || (priv != NULL
                  && BN_bin2bn (hf_secret_peek (d), hf_secret_get_size (d), priv) != NULL
                  && OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
          && (params = OSSL_PARAM_BLD_to_param (bld)) != NULL
          && (ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL)) != NULL
          && EVP_PKEY_fromdata_init (ctx) == 1;
  if (built && EVP_PKEY_fromdata (ctx, &pkey, d != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                                  params) != 1)
    pkey = NULL;
  EVP_PKEY_CTX_free (ctx);
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  BN_clear_free (priv);
  if (!built)
    {
      crypto_failed (error, "build an EC key");
      return NULL;
    }
  if (pkey == NULL)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_KEY_INVALID,
                   "The key is not a point on the P-256 curve.");
      return NULL;
    }
  return key_wrap_pkey (pkey, d != NULL, error);
}

HfJoseKey *
hf_jose_key_new_public (const guint8 *x,
                        const guint8 *y,
                        GError      **error)
{
  g_return_val_if_fail (x != NULL && y != NULL, NULL);
  return key_from_parts (x, y, NULL, error);
}

HfJoseKey *
hf_jose_key_new_private (const guint8   *x,
                         const guint8   *y,
                         const HfSecret *d,
                         GError        **error)
{
  g_return_val_if_fail (x != NULL && y != NULL && d != NULL, NULL);

  if (hf_secret_get_size (d) != P256_SIZE)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_KEY_INVALID,
                   "The private key is %" G_GSIZE_FORMAT " bytes; a P-256 key has 32.",
                   hf_secret_get_size (d));
      return NULL;
    }
  return key_from_parts (x, y, d, error);
}

HfJoseKey *
hf_jose_key_generate (GError **error)
{
  EVP_PKEY *pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");

  if (pkey == NULL)
    {
      crypto_failed (error, "make an EC key");
      return NULL;
    }
  return key_wrap_pkey (pkey, TRUE, error);
}

static gboolean
jwk_coordinate (JsonObject *jwk,
                const char *name,
                guint8     *out,
                HfJoseError code,
                GError    **error)
{
  const char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonNode *node = json_object_get_member (jwk, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    text = json_node_get_string (node);
  if (text != NULL)
    bytes = _hf_jose_base64url_decode (text, strlen (text), NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) != P256_SIZE)
    {
      g_set_error (error, HF_JOSE_ERROR, code,
                   "The key's “%s” is not 32 bytes of base64url, as a P-256 key's is.", name);
      return FALSE;
    }
  memcpy (out, g_bytes_get_data (bytes, NULL), P256_SIZE);
  return TRUE;
}

static gboolean
jwk_member_is (JsonObject *jwk,
               const char *name,
               const char *value)
{
  JsonNode *node = json_object_get_member (jwk, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING
         && g_strcmp0 (json_node_get_string (node), value) == 0;
}

static HfJoseKey *
key_from_jwk (JsonObject  *jwk,
              gboolean     allow_private,
              HfJoseError  code,
              GError     **error)
{
  guint8 x[P256_SIZE], y[P256_SIZE];
  g_autoptr(HfSecret) d = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autoptr(GError) local = NULL;

  if (!jwk_member_is (jwk, "kty", "EC") || !jwk_member_is (jwk, "crv", "P-256"))
    {
      g_set_error (error, HF_JOSE_ERROR, code,
                   "The key is not an EC P-256 key (\"kty\": \"EC\", \"crv\": \"P-256\").");
      return NULL;
    }
  if (!jwk_coordinate (jwk, "x", x, code, error) || !jwk_coordinate (jwk, "y", y, code, error))
    return NULL;
  if (json_object_has_member (jwk, "d"))
    {
      d = hf_secret_new (P256_SIZE);
      if (!allow_private)
        {
          g_set_error (error, HF_JOSE_ERROR, code,
                       "The ephemeral key carries a private part, which it must never do.");
          return NULL;
        }
      if (!jwk_coordinate (jwk, "d", hf_secret_get_data (d), code, error))
        return NULL;
    }
  key = key_from_parts (x, y, d, &local);
  if (key == NULL)
    {
      if (local->code == HF_JOSE_ERROR_KEY_INVALID)
        local->code = code;
      g_propagate_error (error, g_steal_pointer (&local));
    }
  return g_steal_pointer (&key);
}

HfJoseKey *
hf_jose_key_new_from_jwk (JsonObject *jwk,
                          GError    **error)
{
  g_return_val_if_fail (jwk != NULL, NULL);
  return key_from_jwk (jwk, TRUE, HF_JOSE_ERROR_KEY_INVALID, error);
}

gboolean
hf_jose_key_has_private (const HfJoseKey *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_private;
}

void
hf_jose_key_get_public (const HfJoseKey *self,
                        guint8          *x,
                        guint8          *y)
{
  g_return_if_fail (self != NULL && x != NULL && y != NULL);
  memcpy (x, self->x, P256_SIZE);
  memcpy (y, self->y, P256_SIZE);
}

HfSecret *
hf_jose_key_dup_private (const HfJoseKey *self)
{
  BIGNUM *bn = NULL;
  HfSecret *d;

  g_return_val_if_fail (self != NULL, NULL);

  if (!self->has_private || !EVP_PKEY_get_bn_param (self->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn))
    return NULL;
  d = hf_secret_new (P256_SIZE);
  if (BN_bn2binpad (bn, hf_secret_get_data (d), P256_SIZE) != P256_SIZE)
    g_clear_pointer (&d, hf_secret_free);
  BN_clear_free (bn);
  return d;
}

JsonObject *
hf_jose_key_dup_public_jwk (const HfJoseKey *self)
{
  JsonObject *jwk = json_object_new ();

  g_return_val_if_fail (self != NULL, jwk);

  json_object_set_string_member (jwk, "crv", "P-256");
  json_object_set_string_member (jwk, "kty", "EC");
  set_b64_member (jwk, "x", self->x, P256_SIZE);
  set_b64_member (jwk, "y", self->y, P256_SIZE);
  return jwk;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
_hf_jose_thumbprint (const char * const *names,
                     const char * const *values,
                     guint               n,
                     char              **canonical)
{
  g_autoptr(GString) json = g_string_new ("{");
  g_autofree guint *order = g_new (guint, n);
  guint8 digest[32];

  for (guint i = 0; i < n; i++)
    order[i] = i;
  /* Sort by name, in code points (RFC 7638 §3.3): strcmp on UTF-8 is that order. */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && strcmp (names[order[j - 1]], names[order[j]]) > 0; j--)
      {
        guint t = order[j];

        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      append_json_string (json, names[order[i]]);
      g_string_append_c (json, ':');
      append_json_string (json, values[order[i]]);
    }
  g_string_append_c (json, '}');
  if (!EVP_Digest (json->str, json->len, digest, NULL, EVP_sha256 (), NULL))
    g_error ("SHA-256 failed");
  if (canonical != NULL)
    *canonical = g_strdup (json->str);
  return hf_base64url_encode (digest, sizeof digest);
}

char *
hf_jose_key_dup_thumbprint (const HfJoseKey *self)
{
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  const char *names[] = { "crv", "kty", "x", "y" };
  const char *values[4];

  g_return_val_if_fail (self != NULL, NULL);

  x = hf_base64url_encode (self->x, P256_SIZE);
  y = hf_base64url_encode (self->y, P256_SIZE);
  values[0] = "P-256";
  values[1] = "EC";
  values[2] = x;
  values[3] = y;
  return _hf_jose_thumbprint (names, values, G_N_ELEMENTS (names), NULL);
}

gboolean
hf_jose_key_equal (const HfJoseKey *a,
                   const HfJoseKey *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return memcmp (a->x, b->x, P256_SIZE) == 0 && memcmp (a->y, b->y, P256_SIZE) == 0;
}

/* Compact serialization */

/* Splits TOKEN into exactly N_PARTS parts at its dots; KIND names it in messages. */
static gboolean
split_compact (const char *token,
               gsize       length,
               guint       n_parts,
               const char *kind,
               const char **starts,
               gsize      *lengths,
               GError    **error)
{
  const char *p = token;
  const char *end = token + length;
  guint found = 1;

  if (length == 0)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token is empty.");
      return FALSE;
    }
  if (length > HF_JOSE_MAX_TOKEN)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_TOO_LARGE,
                   "The token is %" G_GSIZE_FORMAT " MiB; the most Healthfolio reads is %d MiB.",
                   length / (1024 * 1024), HF_JOSE_MAX_TOKEN / (1024 * 1024));
      return FALSE;
    }
  for (const char *q = token; (q = memchr (q, '.', end - q)) != NULL; q++)
    found++;
  if (found != n_parts)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "This is not a compact %s: it has %u part%s separated by dots, and a %s has "
                   "%u%s.", kind, found, found == 1 ? "" : "s", kind, n_parts,
                   n_parts == 3 && found == 5 ? " (five parts are a JWE, decrypted first)" : "");
      return FALSE;
    }
  for (guint i = 0; i < n_parts; i++)
    {
      const char *dot = i + 1 < n_parts ? memchr (p, '.', end - p) : end;

      starts[i] = p;
      lengths[i] = dot - p;
      p = dot + 1;
    }
  return TRUE;
}

static JsonNode *
parse_header (const char *text,
              gsize       length,
              GError    **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local = NULL;
  HfJsonProblem problem = { 0 };
  const char *json;
  gsize size;

  if (length == 0)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token has no protected header.");
      return NULL;
    }
  if (length > (HF_JOSE_MAX_HEADER / 3 + 1) * 4)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_TOO_LARGE,
                   "The token's protected header is larger than %d KiB.",
                   HF_JOSE_MAX_HEADER / 1024);
      return NULL;
    }
  bytes = _hf_jose_base64url_decode (text, length, error);
  if (bytes == NULL)
    return NULL;
  json = g_bytes_get_data (bytes, &size);
  if (size > HF_JOSE_MAX_HEADER)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_TOO_LARGE,
                   "The token's protected header is larger than %d KiB.",
                   HF_JOSE_MAX_HEADER / 1024);
      return NULL;
    }
  if (!hf_json_guard_check (json, size, &problem))
    {
      /* The guard's words for a repeated key; test-jose checks that this still matches. */
      gboolean twice = strstr (problem.reason, "appears twice") != NULL;

      if (twice)
        g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_DUPLICATE_MEMBER,
                     "The protected header is ambiguous: %s.", problem.reason);
      else
        g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                     "The protected header is not JSON: %s.", problem.reason);
      hf_json_problem_clear (&problem);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, size, &local)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The protected header is not a JSON object.");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

static const char *
header_string (JsonObject *header,
               const char *name)
{
  JsonNode *node = json_object_get_member (header, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A value from a token, for a message: valid UTF-8 and at most 64 bytes of it. */
static char *
shown_text (const char *text)
{
  return g_utf8_make_valid (text, MIN (strlen (text), 64));
}

/* What JWS and JWE headers share: no key or certificate named by the token itself, and no
 * "crit" extension but those in KNOWN (NULL-terminated). */
static gboolean
check_trust_and_crit (JsonObject         *header,
                      const char * const *known,
                      GError            **error)
{
  static const struct
  {
    const char *name;
    HfJoseError code;
    const char *sentence;
  } refused[] = {
    { "jwk", HF_JOSE_ERROR_EMBEDDED_JWK,
      "The token carries its own key (\"jwk\"); a key is trusted only from the trust store." },
    { "jku", HF_JOSE_ERROR_JKU,
      "The token names a URL to fetch its key from (\"jku\"); keys come only from the trust "
      "store or the issuer's published key set." },
    { "x5u", HF_JOSE_ERROR_X5U,
      "The token names a URL to fetch a certificate from (\"x5u\"), which is not accepted." },
    { "x5c", HF_JOSE_ERROR_X5C,
      "The token carries its own certificate chain (\"x5c\"), which is not accepted as a "
      "source of trust." },
  };
  JsonNode *crit;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    if (json_object_has_member (header, refused[i].name))
      {
        g_set_error_literal (error, HF_JOSE_ERROR, refused[i].code, refused[i].sentence);
        return FALSE;
      }

  crit = json_object_get_member (header, "crit");
  if (crit == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (crit) || json_array_get_length (json_node_get_array (crit)) == 0)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's \"crit\" is not a list of names.");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (crit)); i++)
    {
      JsonNode *name = json_array_get_element (json_node_get_array (crit), i);
      const char *text;

      if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
        {
          g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                       "The token's \"crit\" is not a list of names.");
          return FALSE;
        }
      text = json_node_get_string (name);
      if (known == NULL || !g_strv_contains (known, text))
        {
          g_autofree char *shown = shown_text (text);

          g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_CRIT_UNKNOWN,
                       "The token requires the extension “%s” (\"crit\"), which Healthfolio "
                       "does not implement.", shown);
          return FALSE;
        }
      if (!json_object_has_member (header, text))
        {
          g_autofree char *shown = shown_text (text);

          g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                       "The token's \"crit\" names “%s”, which its header does not have.",
                       shown);
          return FALSE;
        }
    }
  return TRUE;
}

/* alg: missing, "none", the HMAC and RSA families, or anything but WANTED (NULL-terminated). */
static gboolean
check_alg (JsonObject         *header,
           const char * const *wanted,
           GError            **error)
{
  JsonNode *node = json_object_get_member (header, "alg");
  const char *alg;
  g_autofree char *shown = NULL;

  if (node == NULL)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ALG_MISSING,
                   "The token's header has no \"alg\"; it does not say how it is protected.");
      return FALSE;
    }
  alg = header_string (header, "alg");
  if (alg == NULL)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's \"alg\" is not a text value.");
      return FALSE;
    }
  if (g_strv_contains (wanted, alg))
    return TRUE;
  shown = shown_text (alg);
  if (g_ascii_strcasecmp (alg, "none") == 0)
    g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ALG_NONE,
                 "The token is not signed (\"alg\": \"%s\").", shown);
  else if (g_str_has_prefix (alg, "HS"))
    g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ALG_HMAC,
                 "The token uses a shared secret (\"alg\": \"%s\"), which proves nothing about "
                 "who made it; only ES256 signatures are accepted.", shown);
  else if (g_str_has_prefix (alg, "RS") || g_str_has_prefix (alg, "PS"))
    g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ALG_RSA,
                 "The token uses RSA (\"alg\": \"%s\"); only %s is accepted.", shown, wanted[0]);
  else
    g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ALG_UNSUPPORTED,
                 "The token uses \"alg\": \"%s\"; only %s%s%s is accepted.", shown, wanted[0],
                 wanted[1] ? " or " : "", wanted[1] ? wanted[1] : "");
  return FALSE;
}

/* JWS */

struct _HfJws
{
  JsonNode *header_node;
  JsonObject *header;
  GBytes *payload;
  GBytes *signature;
  char *signing_input;     /* BASE64URL(header) "." BASE64URL(payload), as received */
  gsize signing_input_length;
};

void
hf_jws_free (HfJws *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->header_node, json_node_unref);
  g_clear_pointer (&self->payload, g_bytes_unref);
  g_clear_pointer (&self->signature, g_bytes_unref);
  g_free (self->signing_input);
  g_free (self);
}

HfJws *
hf_jws_parse (const char *token,
              gsize       length,
              GError    **error)
{
  g_autoptr(HfJws) self = NULL;
  const char *parts[3];
  gsize lengths[3];

  g_return_val_if_fail (token != NULL || length == 0, NULL);

  if (!split_compact (token, length, 3, "JWS", parts, lengths, error))
    return NULL;
  self = g_new0 (HfJws, 1);
  self->header_node = parse_header (parts[0], lengths[0], error);
  if (self->header_node == NULL)
    return NULL;
  self->header = json_node_get_object (self->header_node);
  self->payload = _hf_jose_base64url_decode (parts[1], lengths[1], error);
  if (self->payload == NULL)
    return NULL;
  self->signature = _hf_jose_base64url_decode (parts[2], lengths[2], error);
  if (self->signature == NULL)
    return NULL;
  self->signing_input_length = lengths[0] + 1 + lengths[1];
  self->signing_input = g_strndup (token, self->signing_input_length);
  return g_steal_pointer (&self);
}

JsonObject *
hf_jws_get_header (HfJws *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->header;
}

const char *
hf_jws_get_alg (HfJws *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return header_string (self->header, "alg");
}

const char *
hf_jws_get_kid (HfJws *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return header_string (self->header, "kid");
}

GBytes *
hf_jws_get_payload (HfJws *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->payload;
}

gboolean
hf_jws_check_header (HfJws   *self,
                     GError **error)
{
  static const char * const algs[] = { "ES256", NULL };
  static const char * const known_crit[] = { "b64", NULL };
  JsonNode *b64;
  const char *kid;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_alg (self->header, algs, error)
      || !check_trust_and_crit (self->header, known_crit, error))
    return FALSE;
  b64 = json_object_get_member (self->header, "b64");
  if (b64 != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (b64) || json_node_get_value_type (b64) != G_TYPE_BOOLEAN)
        {
          g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                       "The token's \"b64\" is not true or false.");
          return FALSE;
        }
      if (!json_node_get_boolean (b64))
        {
          g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_B64_FALSE,
                       "The token signs an unencoded payload (\"b64\": false), which is not "
                       "accepted.");
          return FALSE;
        }
    }
  kid = header_string (self->header, "kid");
  if (kid == NULL || *kid == '\0')
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_KID_MISSING,
                   "The token's header has no \"kid\", so there is no saying which key signed "
                   "it.");
      return FALSE;
    }
  return TRUE;
}

static const BIGNUM *
p256_order (void)
{
  static gsize once = 0;
  static BIGNUM *order = NULL;

  if (g_once_init_enter (&once))
    {
      EC_GROUP *group = EC_GROUP_new_by_curve_name (NID_X9_62_prime256v1);

      if (group == NULL)
        g_error ("OpenSSL has no P-256");
      order = BN_dup (EC_GROUP_get0_order (group));
      EC_GROUP_free (group);
      g_once_init_leave (&once, 1);
    }
  return order;
}

static gboolean
looks_like_der (const guint8 *sig,
                gsize         length)
{
  const guint8 *p = sig;
  ECDSA_SIG *parsed;

  if (length < 8 || sig[0] != 0x30)
    return FALSE;
  parsed = d2i_ECDSA_SIG (NULL, &p, length);
  ECDSA_SIG_free (parsed);
  return parsed != NULL;
}

gboolean
hf_jws_verify_es256 (HfJws           *self,
                     const HfJoseKey *key,
                     GError         **error)
{
  g_return_val_if_fail (self != NULL && key != NULL, FALSE);

  return hf_jws_check_header (self, error) && _hf_jws_verify_signature (self, key, error);
}

gboolean
_hf_jws_verify_signature (HfJws           *self,
                          const HfJoseKey *key,
                          GError         **error)
{
  const guint8 *sig;
  gsize sig_length;
  BIGNUM *r, *s;
  ECDSA_SIG *es;
  guint8 *der = NULL;
  int der_length;
  EVP_MD_CTX *md;
  int verified;

  g_return_val_if_fail (self != NULL && key != NULL, FALSE);

  sig = g_bytes_get_data (self->signature, &sig_length);
  if (sig_length != 2 * P256_SIZE)
    {
      if (looks_like_der (sig, sig_length))
        g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_SIGNATURE_ENCODING,
                     "The signature is DER-encoded; an ES256 signature is the 64 bytes of r "
                     "and s (RFC 7518 §3.4).");
      else
        g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_SIGNATURE_ENCODING,
                     "The signature is %" G_GSIZE_FORMAT " bytes; an ES256 signature is 64.",
                     sig_length);
      return FALSE;
    }
  r = BN_bin2bn (sig, P256_SIZE, NULL);
  s = BN_bin2bn (sig + P256_SIZE, P256_SIZE, NULL);
  if (r == NULL || s == NULL)
    {
      BN_free (r);
      BN_free (s);
      return crypto_failed (error, "read a signature");
    }
  if (BN_is_zero (r) || BN_is_zero (s)
      || BN_cmp (r, p256_order ()) >= 0 || BN_cmp (s, p256_order ()) >= 0)
    {
      BN_free (r);
      BN_free (s);
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_SIGNATURE_RANGE,
                   "The signature is not valid: r or s is zero or not below the P-256 group "
                   "order.");
      return FALSE;
    }
  es = ECDSA_SIG_new ();
  if (es == NULL || !ECDSA_SIG_set0 (es, r, s))
    {
      BN_free (r);
      BN_free (s);
      ECDSA_SIG_free (es);
      return crypto_failed (error, "read a signature");
    }
  der_length = i2d_ECDSA_SIG (es, &der);
  ECDSA_SIG_free (es);
  if (der_length <= 0)
    return crypto_failed (error, "read a signature");

  md = EVP_MD_CTX_new ();
  verified = -1;
  if (md != NULL && EVP_DigestVerifyInit (md, NULL, EVP_sha256 (), NULL, key->pkey) == 1)
    verified = EVP_DigestVerify (md, der, der_length, (const guint8 *) self->signing_input,
                                 self->signing_input_length);
  EVP_MD_CTX_free (md);
  OPENSSL_free (der);
  if (verified < 0)
    return crypto_failed (error, "verify a signature");
  if (verified != 1)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_SIGNATURE_INVALID,
                   "The signature does not match: the content was changed after it was "
                   "signed, or another key signed it.");
      return FALSE;
    }
  return TRUE;
}

static char *
header_to_b64 (JsonObject *header)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), header);
  g_autofree char *json = json_to_string (node, FALSE);

  return hf_base64url_encode ((const guint8 *) json, strlen (json));
}

static void
copy_member (JsonObject  *from,
             const char  *name,
             JsonNode    *node,
             gpointer     user_data)
{
  json_object_set_member (user_data, name, json_node_copy (node));
}

static gboolean
extra_sets_any (JsonObject         *extra,
                const char * const *names)
{
  if (extra == NULL)
    return FALSE;
  for (guint i = 0; names[i]; i++)
    if (json_object_has_member (extra, names[i]))
      return TRUE;
  return FALSE;
}

/* The base64url of LENGTH bytes is at most this long: the caps apply to what we make too. */
static gboolean
fits_in_token (gsize    length,
               GError **error)
{
  if (length > HF_JOSE_MAX_TOKEN / 4 * 3 - HF_JOSE_MAX_HEADER)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_TOO_LARGE,
                   "The content is too large to protect: a token may be at most %d MiB.",
                   HF_JOSE_MAX_TOKEN / (1024 * 1024));
      return FALSE;
    }
  return TRUE;
}

gboolean
_hf_jws_sign_raw (const HfJoseKey *key,
                  const char      *input,
                  gsize            length,
                  guint8          *signature,
                  GError         **error)
{
  g_autofree guint8 *der = NULL;
  size_t der_length = 0;
  EVP_MD_CTX *md;
  ECDSA_SIG *es;
  const BIGNUM *r, *s;
  const guint8 *p;
  gboolean ok;

  g_return_val_if_fail (key != NULL && key->has_private, FALSE);

  md = EVP_MD_CTX_new ();
  ok = md != NULL
       && EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, key->pkey) == 1
       && EVP_DigestSign (md, NULL, &der_length, (const guint8 *) input, length) == 1
       && der_length > 0
       && (der = g_malloc (der_length)) != NULL
       && EVP_DigestSign (md, der, &der_length, (const guint8 *) input, length) == 1;
  EVP_MD_CTX_free (md);
  if (!ok)
    return crypto_failed (error, "sign");
  /* OpenSSL gives DER (RFC 3279); JWS wants r and s as 32 bytes each (RFC 7518 §3.4). */
  p = der;
  es = d2i_ECDSA_SIG (NULL, &p, der_length);
  if (es == NULL)
    return crypto_failed (error, "sign");
  ECDSA_SIG_get0 (es, &r, &s);
  ok = BN_bn2binpad (r, signature, P256_SIZE) == P256_SIZE
       && BN_bn2binpad (s, signature + P256_SIZE, P256_SIZE) == P256_SIZE;
  ECDSA_SIG_free (es);
  if (!ok)
    return crypto_failed (error, "sign");
  return TRUE;
}

char *
hf_jws_sign_es256 (const HfJoseKey *key,
                   const char      *kid,
                   JsonObject      *extra_header,
                   const guint8    *payload,
                   gsize            length,
                   GError         **error)
{
  static const char * const reserved[] = { "alg", "kid", NULL };
  g_autoptr(JsonObject) header = json_object_new ();
  g_autofree char *header_b64 = NULL;
  g_autofree char *payload_b64 = NULL;
  g_autofree char *input = NULL;
  g_autofree char *sig_b64 = NULL;
  guint8 raw[2 * P256_SIZE];

  g_return_val_if_fail (key != NULL && key->has_private, NULL);
  g_return_val_if_fail (kid != NULL && *kid != '\0', NULL);
  g_return_val_if_fail (payload != NULL || length == 0, NULL);
  g_return_val_if_fail (!extra_sets_any (extra_header, reserved), NULL);

  if (!fits_in_token (length, error))
    return NULL;
  json_object_set_string_member (header, "alg", "ES256");
  json_object_set_string_member (header, "kid", kid);
  if (extra_header != NULL)
    json_object_foreach_member (extra_header, copy_member, header);
  header_b64 = header_to_b64 (header);
  payload_b64 = hf_base64url_encode (payload, length);
  input = g_strconcat (header_b64, ".", payload_b64, NULL);
  if (!_hf_jws_sign_raw (key, input, strlen (input), raw, error))
    return NULL;
  sig_b64 = hf_base64url_encode (raw, sizeof raw);
  return g_strconcat (input, ".", sig_b64, NULL);
}

/* The key-management and content-encryption steps */

HfSecret *
_hf_jose_concat_kdf (const guint8 *z,
                     gsize         z_length,
                     const char   *alg,
                     GBytes       *apu,
                     GBytes       *apv,
                     gsize         key_size)
{
  g_autoptr(GByteArray) info = g_byte_array_new ();
  HfSecret *out = hf_secret_new (key_size);
  guint8 word[4];
  guint8 digest[32];
  gsize done = 0;

  be32 (word, strlen (alg));
  g_byte_array_append (info, word, 4);
  g_byte_array_append (info, (const guint8 *) alg, strlen (alg));
  for (guint i = 0; i < 2; i++)
    {
      GBytes *party = i == 0 ? apu : apv;
      gsize size = party != NULL ? g_bytes_get_size (party) : 0;

      be32 (word, size);
      g_byte_array_append (info, word, 4);
      if (size > 0)
        g_byte_array_append (info, g_bytes_get_data (party, NULL), size);
    }
  be32 (word, key_size * 8);
  g_byte_array_append (info, word, 4);

  for (guint32 round = 1; done < key_size; round++)
    {
      EVP_MD_CTX *md = EVP_MD_CTX_new ();
      gsize take = MIN (sizeof digest, key_size - done);

      be32 (word, round);
      if (md == NULL
          || EVP_DigestInit_ex (md, EVP_sha256 (), NULL) != 1
          || EVP_DigestUpdate (md, word, 4) != 1
          || EVP_DigestUpdate (md, z, z_length) != 1
          || EVP_DigestUpdate (md, info->data, info->len) != 1
          || EVP_DigestFinal_ex (md, digest, NULL) != 1)
        g_error ("SHA-256 failed");
      EVP_MD_CTX_free (md);
      memcpy (hf_secret_get_data (out) + done, digest, take);
      done += take;
    }
  OPENSSL_cleanse (digest, sizeof digest);
  return out;
}

static gboolean
key_wrap_run (gboolean        wrap,
              const HfSecret *kek,
              const guint8   *in,
              gsize           in_length,
              guint8         *out,
              int            *out_length)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0, tail = 0;
  gboolean ok;

  if (ctx == NULL)
    return FALSE;
  EVP_CIPHER_CTX_set_flags (ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  ok = EVP_CipherInit_ex (ctx, EVP_aes_256_wrap (), NULL, hf_secret_peek (kek), NULL,
                          wrap ? 1 : 0) == 1
       && EVP_CipherUpdate (ctx, out, &n, in, in_length) == 1
       && EVP_CipherFinal_ex (ctx, out + n, &tail) == 1;
  EVP_CIPHER_CTX_free (ctx);
  *out_length = n + tail;
  return ok;
}

GBytes *
_hf_jose_aes_key_wrap (const HfSecret *kek,
                       const HfSecret *key,
                       GError        **error)
{
  gsize size = hf_secret_get_size (key);
  g_autofree guint8 *out = NULL;
  int n = 0;

  g_return_val_if_fail (hf_secret_get_size (kek) == 32, NULL);
  g_return_val_if_fail (size >= 16 && size % 8 == 0, NULL);

  out = g_malloc (size + 16);
  if (!key_wrap_run (TRUE, kek, hf_secret_peek (key), size, out, &n) || (gsize) n != size + 8)
    {
      crypto_failed (error, "wrap a key");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&out), n);
}

HfSecret *
_hf_jose_aes_key_unwrap (const HfSecret *kek,
                         const guint8   *wrapped,
                         gsize           length,
                         GError        **error)
{
  g_autoptr(HfSecret) out = NULL;
  int n = 0;

  g_return_val_if_fail (hf_secret_get_size (kek) == 32, NULL);

  if (length < 24 || length % 8 != 0 || length > 1024)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's encrypted key is %" G_GSIZE_FORMAT " bytes, which no AES key "
                   "wrap gives.", length);
      return NULL;
    }
  out = hf_secret_new (length + 16);
  if (!key_wrap_run (FALSE, kek, wrapped, length, hf_secret_get_data (out), &n)
      || (gsize) n != length - 8)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_WRONG_KEY,
                   "The content key does not unwrap: the file was encrypted to another key or "
                   "passphrase, or its key part was changed.");
      return NULL;
    }
  hf_secret_truncate (out, n);
  return g_steal_pointer (&out);
}

HfSecret *
_hf_jose_pbes2_kek (const HfSecret *passphrase,
                    const guint8   *p2s,
                    gsize           p2s_length,
                    guint           p2c)
{
  g_autoptr(GByteArray) salt = g_byte_array_new ();
  HfSecret *kek = hf_secret_new (32);
  static const guint8 zero = 0;

  g_byte_array_append (salt, (const guint8 *) ALG_PBES2, strlen (ALG_PBES2));
  g_byte_array_append (salt, &zero, 1);
  g_byte_array_append (salt, p2s, p2s_length);
  if (PKCS5_PBKDF2_HMAC ((const char *) hf_secret_peek (passphrase),
                         hf_secret_get_size (passphrase), salt->data, salt->len, p2c,
                         EVP_sha512 (), 32, hf_secret_get_data (kek)) != 1)
    g_error ("PBKDF2 failed");
  return kek;
}

static gboolean
gcm_run (gboolean        encrypt,
         const HfSecret *cek,
         const guint8   *iv,
         const char     *aad,
         gsize           aad_length,
         const guint8   *in,
         gsize           in_length,
         guint8         *out,
         guint8         *tag)
{
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  int n = 0, tail = 0;
  gboolean ok;

  if (ctx == NULL || in_length > G_MAXINT || aad_length > G_MAXINT)
    {
      EVP_CIPHER_CTX_free (ctx);
      return FALSE;
    }
  ok = EVP_CipherInit_ex (ctx, EVP_aes_256_gcm (), NULL, NULL, NULL, encrypt) == 1
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_IVLEN, GCM_IV_SIZE, NULL) == 1
       && EVP_CipherInit_ex (ctx, NULL, NULL, hf_secret_peek (cek), iv, encrypt) == 1
       && EVP_CipherUpdate (ctx, NULL, &n, (const guint8 *) aad, aad_length) == 1
       && (in_length == 0 || EVP_CipherUpdate (ctx, out, &n, in, in_length) == 1)
       && (encrypt || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_SIZE, tag) == 1)
       && EVP_CipherFinal_ex (ctx, out + (in_length == 0 ? 0 : n), &tail) == 1
       && (!encrypt || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_SIZE, tag) == 1);
  EVP_CIPHER_CTX_free (ctx);
  return ok;
}

GBytes *
_hf_jose_gcm_decrypt (const HfSecret *cek,
                      GBytes         *iv,
                      const char     *aad,
                      gsize           aad_length,
                      GBytes         *ciphertext,
                      GBytes         *tag,
                      GError        **error)
{
  gsize length = g_bytes_get_size (ciphertext);
  g_autofree guint8 *out = NULL;
  guint8 tag_copy[GCM_TAG_SIZE];

  g_return_val_if_fail (hf_secret_get_size (cek) == CEK_SIZE, NULL);

  if (g_bytes_get_size (iv) != GCM_IV_SIZE || g_bytes_get_size (tag) != GCM_TAG_SIZE)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's initialization vector or authentication tag has the wrong "
                   "length for A256GCM (12 and 16 bytes).");
      return NULL;
    }
  memcpy (tag_copy, g_bytes_get_data (tag, NULL), GCM_TAG_SIZE);
  out = g_malloc (length + 16);
  if (!gcm_run (FALSE, cek, g_bytes_get_data (iv, NULL), aad, aad_length,
                g_bytes_get_data (ciphertext, NULL), length, out, tag_copy))
    {
      OPENSSL_cleanse (out, length);
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_DECRYPT_FAILED,
                   "The encrypted content does not check out (its authentication tag does not "
                   "match): it was changed after it was encrypted.");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&out), length);
}

/* JWE */

struct _HfJwe
{
  JsonNode *header_node;
  JsonObject *header;
  char *header_b64;          /* the AAD */
  gsize header_b64_length;
  GBytes *encrypted_key;
  GBytes *iv;
  GBytes *ciphertext;
  GBytes *tag;
};

void
hf_jwe_free (HfJwe *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->header_node, json_node_unref);
  g_free (self->header_b64);
  g_clear_pointer (&self->encrypted_key, g_bytes_unref);
  g_clear_pointer (&self->iv, g_bytes_unref);
  g_clear_pointer (&self->ciphertext, g_bytes_unref);
  g_clear_pointer (&self->tag, g_bytes_unref);
  g_free (self);
}

HfJwe *
hf_jwe_parse (const char *token,
              gsize       length,
              GError    **error)
{
  g_autoptr(HfJwe) self = NULL;
  const char *parts[5];
  gsize lengths[5];
  GBytes **decoded[4];

  g_return_val_if_fail (token != NULL || length == 0, NULL);

  if (!split_compact (token, length, 5, "JWE", parts, lengths, error))
    return NULL;
  self = g_new0 (HfJwe, 1);
  self->header_node = parse_header (parts[0], lengths[0], error);
  if (self->header_node == NULL)
    return NULL;
  self->header = json_node_get_object (self->header_node);
  self->header_b64 = g_strndup (parts[0], lengths[0]);
  self->header_b64_length = lengths[0];
  decoded[0] = &self->encrypted_key;
  decoded[1] = &self->iv;
  decoded[2] = &self->ciphertext;
  decoded[3] = &self->tag;
  for (guint i = 0; i < 4; i++)
    {
      *decoded[i] = _hf_jose_base64url_decode (parts[i + 1], lengths[i + 1], error);
      if (*decoded[i] == NULL)
        return NULL;
    }
  return g_steal_pointer (&self);
}

JsonObject *
hf_jwe_get_header (HfJwe *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->header;
}

const char *
hf_jwe_get_alg (HfJwe *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return header_string (self->header, "alg");
}

const char *
hf_jwe_get_kid (HfJwe *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return header_string (self->header, "kid");
}

const char *
hf_jwe_get_cty (HfJwe *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return header_string (self->header, "cty");
}

HfSecret *
_hf_jose_ecdh (const HfJoseKey *private_key,
      const HfJoseKey *peer,
      GError         **error)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey (NULL, private_key->pkey, NULL);
  g_autoptr(HfSecret) z = hf_secret_new (P256_SIZE);
  size_t length = P256_SIZE;
  gboolean ok;

  ok = ctx != NULL
       && EVP_PKEY_derive_init (ctx) == 1
       && EVP_PKEY_derive_set_peer (ctx, peer->pkey) == 1
       && EVP_PKEY_derive (ctx, hf_secret_get_data (z), &length) == 1
       && length == P256_SIZE;
  EVP_PKEY_CTX_free (ctx);
  if (!ok)
    {
      crypto_failed (error, "agree on a key");
      return NULL;
    }
  return g_steal_pointer (&z);
}

static GBytes *
optional_b64_member (JsonObject *header,
                     const char *name,
                     gboolean   *ok,
                     GError    **error)
{
  JsonNode *node = json_object_get_member (header, name);
  const char *text = header_string (header, name);

  *ok = TRUE;
  if (node == NULL)
    return NULL;
  if (text == NULL)
    {
      *ok = FALSE;
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's \"%s\" is not a text value.", name);
      return NULL;
    }
  return _hf_jose_base64url_decode (text, strlen (text), error);
}

static HfSecret *
ecdh_kek (HfJwe           *self,
          const HfJoseKey *key,
          GError         **error)
{
  JsonNode *epk_node = json_object_get_member (self->header, "epk");
  g_autoptr(HfJoseKey) epk = NULL;
  g_autoptr(HfSecret) z = NULL;
  g_autoptr(GBytes) apu = NULL;
  g_autoptr(GBytes) apv = NULL;
  gboolean ok;

  if (key == NULL || !key->has_private)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_KEY_INVALID,
                   "The file is encrypted to a public key; decrypting it needs the matching "
                   "private key.");
      return NULL;
    }
  if (epk_node == NULL || !JSON_NODE_HOLDS_OBJECT (epk_node))
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_EPK_INVALID,
                   "The token has no ephemeral public key (\"epk\").");
      return NULL;
    }
  epk = key_from_jwk (json_node_get_object (epk_node), FALSE, HF_JOSE_ERROR_EPK_INVALID, error);
  if (epk == NULL)
    return NULL;
  apu = optional_b64_member (self->header, "apu", &ok, error);
  if (!ok || (apu == NULL && json_object_has_member (self->header, "apu")))
    return NULL;
  apv = optional_b64_member (self->header, "apv", &ok, error);
  if (!ok || (apv == NULL && json_object_has_member (self->header, "apv")))
    return NULL;
  z = _hf_jose_ecdh (key, epk, error);
  if (z == NULL)
    return NULL;
  return _hf_jose_concat_kdf (hf_secret_peek (z), hf_secret_get_size (z), ALG_ECDH, apu, apv,
                              32);
}

static HfSecret *
pbes2_kek (HfJwe          *self,
           const HfSecret *passphrase,
           guint           max_iterations,
           GError        **error)
{
  JsonNode *p2c_node = json_object_get_member (self->header, "p2c");
  const char *p2s_text = header_string (self->header, "p2s");
  g_autoptr(GBytes) p2s = NULL;
  gint64 p2c;

  if (passphrase == NULL)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_KEY_INVALID,
                   "The file is protected by a passphrase; decrypting it needs that passphrase.");
      return NULL;
    }
  if (p2c_node == NULL || !JSON_NODE_HOLDS_VALUE (p2c_node)
      || json_node_get_value_type (p2c_node) != G_TYPE_INT64)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's iteration count (\"p2c\") is missing or not a whole number.");
      return NULL;
    }
  /* Refused before anything is derived: a count is work the token asks of us. */
  p2c = json_node_get_int (p2c_node);
  if (p2c > (gint64) max_iterations)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_P2C_TOO_LARGE,
                   "The token asks for %" G_GINT64_FORMAT " PBKDF2 iterations; more than %u are "
                   "refused.", p2c, max_iterations);
      return NULL;
    }
  if (p2c < HF_JOSE_PBES2_MIN_ITERATIONS)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_P2C_TOO_SMALL,
                   "The token's passphrase protection is too weak (%" G_GINT64_FORMAT
                   " PBKDF2 iterations; at least %d are needed).", p2c,
                   HF_JOSE_PBES2_MIN_ITERATIONS);
      return NULL;
    }
  if (p2s_text == NULL)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token has no salt (\"p2s\").");
      return NULL;
    }
  p2s = _hf_jose_base64url_decode (p2s_text, strlen (p2s_text), error);
  if (p2s == NULL)
    return NULL;
  /* RFC 7518 §4.8.1.1: at least 8 octets. */
  if (g_bytes_get_size (p2s) < 8)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_P2S_TOO_SHORT,
                   "The token's salt (\"p2s\") is %" G_GSIZE_FORMAT " bytes; at least 8 are "
                   "needed.", g_bytes_get_size (p2s));
      return NULL;
    }
  return _hf_jose_pbes2_kek (passphrase, g_bytes_get_data (p2s, NULL), g_bytes_get_size (p2s),
                             p2c);
}

GBytes *
_hf_jwe_decrypt_capped (HfJwe           *self,
                        const HfJoseKey *key,
                        const HfSecret  *passphrase,
                        guint            max_iterations,
                        GError         **error)
{
  static const char * const algs[] = { ALG_ECDH, ALG_PBES2, NULL };
  g_autoptr(HfSecret) kek = NULL;
  g_autoptr(HfSecret) cek = NULL;
  const char *enc, *alg;

  g_return_val_if_fail (self != NULL, NULL);

  if (!check_alg (self->header, algs, error))
    return NULL;
  enc = header_string (self->header, "enc");
  if (g_strcmp0 (enc, ENC_GCM) != 0)
    {
      g_autofree char *shown = enc ? shown_text (enc) : NULL;

      if (shown != NULL)
        g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ENC_UNSUPPORTED,
                     "The token's content is encrypted with \"%s\"; only A256GCM is accepted.",
                     shown);
      else
        g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ENC_UNSUPPORTED,
                     "The token's header has no \"enc\" for its content encryption.");
      return NULL;
    }
  if (json_object_has_member (self->header, "zip"))
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ZIP,
                   "The token's content is compressed (\"zip\"), which is not accepted.");
      return NULL;
    }
  if (!check_trust_and_crit (self->header, NULL, error))
    return NULL;
  if (g_bytes_get_size (self->encrypted_key) != WRAPPED_SIZE
      || g_bytes_get_size (self->iv) != GCM_IV_SIZE
      || g_bytes_get_size (self->tag) != GCM_TAG_SIZE)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's encrypted key, initialization vector or tag has the wrong "
                   "length (40, 12 and 16 bytes).");
      return NULL;
    }
  alg = header_string (self->header, "alg");
  if (strcmp (alg, ALG_ECDH) == 0)
    kek = ecdh_kek (self, key, error);
  else
    kek = pbes2_kek (self, passphrase, max_iterations, error);
  if (kek == NULL)
    return NULL;
  cek = _hf_jose_aes_key_unwrap (kek, g_bytes_get_data (self->encrypted_key, NULL),
                                 g_bytes_get_size (self->encrypted_key), error);
  if (cek == NULL)
    return NULL;
  return _hf_jose_gcm_decrypt (cek, self->iv, self->header_b64, self->header_b64_length,
                               self->ciphertext, self->tag, error);
}

GBytes *
hf_jwe_decrypt (HfJwe           *self,
                const HfJoseKey *key,
                const HfSecret  *passphrase,
                GError         **error)
{
  return _hf_jwe_decrypt_capped (self, key, passphrase, HF_JOSE_PBES2_MAX_ITERATIONS, error);
}

/* Encrypts PLAINTEXT under a fresh CEK wrapped by KEK; HEADER is complete but for "enc". */
static char *
encrypt_compact (JsonObject     *header,
                 JsonObject     *extra_header,
                 const HfSecret *kek,
                 const guint8   *plaintext,
                 gsize           length,
                 GError        **error)
{
  g_autoptr(HfSecret) cek = hf_secret_new_random (CEK_SIZE);
  g_autoptr(GBytes) wrapped = NULL;
  g_autofree char *header_b64 = NULL;
  g_autofree char *key_b64 = NULL;
  g_autofree char *iv_b64 = NULL;
  g_autofree char *ct_b64 = NULL;
  g_autofree char *tag_b64 = NULL;
  g_autofree guint8 *ciphertext = NULL;
  guint8 iv[GCM_IV_SIZE];
  guint8 tag[GCM_TAG_SIZE];

  if (extra_header != NULL)
    json_object_foreach_member (extra_header, copy_member, header);
  wrapped = _hf_jose_aes_key_wrap (kek, cek, error);
  if (wrapped == NULL)
    return NULL;
  if (RAND_bytes (iv, sizeof iv) != 1)
    {
      crypto_failed (error, "make random bytes");
      return NULL;
    }
  header_b64 = header_to_b64 (header);
  ciphertext = g_malloc (length + 16);
  if (!gcm_run (TRUE, cek, iv, header_b64, strlen (header_b64), plaintext, length, ciphertext,
                tag))
    {
      crypto_failed (error, "encrypt");
      return NULL;
    }
  key_b64 = hf_base64url_encode (g_bytes_get_data (wrapped, NULL),
                                       g_bytes_get_size (wrapped));
  iv_b64 = hf_base64url_encode (iv, sizeof iv);
  ct_b64 = hf_base64url_encode (ciphertext, length);
  tag_b64 = hf_base64url_encode (tag, sizeof tag);
  return g_strjoin (".", header_b64, key_b64, iv_b64, ct_b64, tag_b64, NULL);
}

static const char * const jwe_reserved[] = { "alg", "enc", "kid", "epk", "zip", "p2s", "p2c",
                                             NULL };

char *
hf_jwe_encrypt_ecdh_es (const HfJoseKey *recipient,
                        const char      *kid,
                        JsonObject      *extra_header,
                        const guint8    *plaintext,
                        gsize            length,
                        GError         **error)
{
  g_autoptr(HfJoseKey) ephemeral = NULL;
  g_autoptr(HfSecret) z = NULL;
  g_autoptr(HfSecret) kek = NULL;
  g_autoptr(JsonObject) header = json_object_new ();

  g_return_val_if_fail (recipient != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL || length == 0, NULL);
  g_return_val_if_fail (!extra_sets_any (extra_header, jwe_reserved), NULL);

  if (!fits_in_token (length, error))
    return NULL;
  ephemeral = hf_jose_key_generate (error);
  if (ephemeral == NULL)
    return NULL;
  z = _hf_jose_ecdh (ephemeral, recipient, error);
  if (z == NULL)
    return NULL;
  kek = _hf_jose_concat_kdf (hf_secret_peek (z), hf_secret_get_size (z), ALG_ECDH, NULL, NULL,
                             32);
  json_object_set_string_member (header, "alg", ALG_ECDH);
  json_object_set_string_member (header, "enc", ENC_GCM);
  if (kid != NULL)
    json_object_set_string_member (header, "kid", kid);
  json_object_set_object_member (header, "epk", hf_jose_key_dup_public_jwk (ephemeral));
  return encrypt_compact (header, extra_header, kek, plaintext, length, error);
}

char *
hf_jwe_encrypt_pbes2 (const HfSecret *passphrase,
                      guint           iterations,
                      JsonObject     *extra_header,
                      const guint8   *plaintext,
                      gsize           length,
                      GError        **error)
{
  g_autoptr(HfSecret) kek = NULL;
  g_autoptr(JsonObject) header = json_object_new ();
  guint8 p2s[HF_JOSE_PBES2_SALT_SIZE];

  if (iterations == 0)
    iterations = HF_JOSE_PBES2_ITERATIONS;
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (iterations >= HF_JOSE_PBES2_ITERATIONS
                        && iterations <= HF_JOSE_PBES2_MAX_ITERATIONS, NULL);
  g_return_val_if_fail (plaintext != NULL || length == 0, NULL);
  g_return_val_if_fail (!extra_sets_any (extra_header, jwe_reserved), NULL);

  if (!fits_in_token (length, error))
    return NULL;
  if (RAND_bytes (p2s, sizeof p2s) != 1)
    {
      crypto_failed (error, "make random bytes");
      return NULL;
    }
  kek = _hf_jose_pbes2_kek (passphrase, p2s, sizeof p2s, iterations);
  json_object_set_string_member (header, "alg", ALG_PBES2);
  json_object_set_string_member (header, "enc", ENC_GCM);
  set_b64_member (header, "p2s", p2s, sizeof p2s);
  json_object_set_int_member (header, "p2c", iterations);
  return encrypt_compact (header, extra_header, kek, plaintext, length, error);
}

char *
hf_jwe_encrypt_dir (const HfSecret *key,
                    JsonObject     *extra_header,
                    const guint8   *plaintext,
                    gsize           length,
                    GError        **error)
{
  g_autoptr(JsonObject) header = json_object_new ();
  g_autofree char *header_b64 = NULL;
  g_autofree char *iv_b64 = NULL;
  g_autofree char *ct_b64 = NULL;
  g_autofree char *tag_b64 = NULL;
  g_autofree guint8 *ciphertext = NULL;
  guint8 iv[GCM_IV_SIZE];
  guint8 tag[GCM_TAG_SIZE];

  g_return_val_if_fail (key != NULL && hf_secret_get_size (key) == CEK_SIZE, NULL);
  g_return_val_if_fail (plaintext != NULL || length == 0, NULL);
  g_return_val_if_fail (!extra_sets_any (extra_header, jwe_reserved), NULL);

  if (!fits_in_token (length, error))
    return NULL;
  json_object_set_string_member (header, "alg", ALG_DIR);
  json_object_set_string_member (header, "enc", ENC_GCM);
  if (extra_header != NULL)
    json_object_foreach_member (extra_header, copy_member, header);
  if (RAND_bytes (iv, sizeof iv) != 1)
    {
      crypto_failed (error, "make random bytes");
      return NULL;
    }
  header_b64 = header_to_b64 (header);
  ciphertext = g_malloc (length + 16);
  if (!gcm_run (TRUE, key, iv, header_b64, strlen (header_b64), plaintext, length, ciphertext,
                tag))
    {
      crypto_failed (error, "encrypt");
      return NULL;
    }
  iv_b64 = hf_base64url_encode (iv, sizeof iv);
  ct_b64 = hf_base64url_encode (ciphertext, length);
  tag_b64 = hf_base64url_encode (tag, sizeof tag);
  return g_strjoin (".", header_b64, "", iv_b64, ct_b64, tag_b64, NULL);
}

GBytes *
hf_jwe_decrypt_dir (HfJwe          *self,
                    const HfSecret *key,
                    gsize           max_inflated,
                    GError        **error)
{
  static const char * const algs[] = { ALG_DIR, NULL };
  g_autoptr(GBytes) plaintext = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *inflated;
  gboolean over_cap;
  const char *enc, *zip;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL && hf_secret_get_size (key) == CEK_SIZE, NULL);

  if (!check_alg (self->header, algs, error))
    return NULL;
  enc = header_string (self->header, "enc");
  if (g_strcmp0 (enc, ENC_GCM) != 0)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ENC_UNSUPPORTED,
                   "The file is not encrypted with A256GCM, the only content encryption a "
                   "SMART Health Link may use.");
      return NULL;
    }
  zip = header_string (self->header, "zip");
  if (json_object_has_member (self->header, "zip") && g_strcmp0 (zip, "DEF") != 0)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_ZIP,
                   "The file is compressed with something other than raw DEFLATE (\"zip\").");
      return NULL;
    }
  if (!check_trust_and_crit (self->header, NULL, error))
    return NULL;
  if (g_bytes_get_size (self->encrypted_key) != 0
      || g_bytes_get_size (self->iv) != GCM_IV_SIZE
      || g_bytes_get_size (self->tag) != GCM_TAG_SIZE)
    {
      g_set_error (error, HF_JOSE_ERROR, HF_JOSE_ERROR_MALFORMED,
                   "The token's encrypted key, initialization vector or tag has the wrong "
                   "length (none, 12 and 16 bytes).");
      return NULL;
    }
  plaintext = _hf_jose_gcm_decrypt (key, self->iv, self->header_b64, self->header_b64_length,
                                    self->ciphertext, self->tag, error);
  if (plaintext == NULL || zip == NULL)
    return g_steal_pointer (&plaintext);
  inflated = hf_inflate_raw (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                             max_inflated, &over_cap, &local_error);
  if (inflated == NULL)
    g_set_error_literal (error, HF_JOSE_ERROR,
                         over_cap ? HF_JOSE_ERROR_TOO_LARGE : HF_JOSE_ERROR_MALFORMED,
                         local_error->message);
  return inflated;
}
