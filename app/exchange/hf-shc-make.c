/* hf-shc-make.c — SMART Health Cards made from a share: the card, its QR code, its revocation
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-shc-make.h"
#include "hf-shc-make-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <png.h>
#include <qrencode.h>
#include <string.h>

#include "hf-deflate.h"
#include "hf-error.h"
#include "hf-jwk.h"
#include "hf-recipient.h"
#include "hf-shc-numeric.h"
#include "hf-signing.h"
#include "hf-vault-private.h"

/* The framework's largest QR code for a card, and the rest of a PNG's geometry. */
#define MAX_QR_VERSION   22
#define QUIET_ZONE       4
#define PIXELS_PER_MODULE 4
#define RID_SECRET_SIZE  32

/* {{{ schema */

gboolean
_hf_shc_migrate_v13 (sqlite3  *db,
                     GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE shc_secret ("
    "  id     INTEGER PRIMARY KEY CHECK (id = 1),"
    "  secret BLOB NOT NULL"                      /* HMAC key of revocation ids */
    ");"
    "CREATE TABLE shc_card ("
    "  id            INTEGER PRIMARY KEY,"
    "  disclosure_id INTEGER NOT NULL UNIQUE REFERENCES disclosure (id),"
    "  card_id       TEXT NOT NULL UNIQUE,"       /* the card's identity: urn:uuid, random */
    "  kid           TEXT NOT NULL,"              /* the key that signed it */
    "  rid           TEXT UNIQUE,"                /* NULL: made without --rid */
    "  made_at       INTEGER NOT NULL,"           /* microseconds since the epoch, UTC */
    "  revoked_at    INTEGER"
    ");"
    "CREATE TABLE shc_crl ("
    "  kid TEXT PRIMARY KEY,"
    "  ctr INTEGER NOT NULL"                      /* the list's version: one per revocation */
    ") WITHOUT ROWID;"
    /* A revocation is for good: a verifier may have cached the list. */
    "CREATE TRIGGER shc_card_revoked_kept BEFORE UPDATE OF revoked_at ON shc_card "
    "  WHEN OLD.revoked_at IS NOT NULL BEGIN"
    "  SELECT RAISE (ABORT, 'a revoked card stays revoked');"
    "END;"
    "CREATE TABLE shl_link ("
    "  id            INTEGER PRIMARY KEY,"
    "  disclosure_id INTEGER NOT NULL UNIQUE REFERENCES disclosure (id),"
    "  recipient     TEXT NOT NULL,"
    "  label         TEXT,"
    "  created_at    INTEGER NOT NULL,"           /* microseconds since the epoch, UTC */
    "  expires_at    INTEGER,"                    /* seconds since the epoch, as \"exp\" */
    "  flag          TEXT NOT NULL,"              /* \"\" or \"U\" */
    "  url           TEXT NOT NULL,"
    "  dir           TEXT NOT NULL,"              /* where its files were written */
    "  files         TEXT NOT NULL,"              /* JSON: the file names in dir */
    "  revoked_at    INTEGER"
    ");",
    error);
}

gint64
_hf_shc_crl_version (sqlite3    *db,
                     const char *kid)
{
  sqlite3_stmt *stmt = NULL;
  gint64 ctr = 0;

  sqlite3_prepare_v2 (db, "SELECT ctr FROM shc_crl WHERE kid = ?1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, kid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ctr = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return ctr;
}

/* }}} */
/* {{{ minifying */

typedef struct
{
  GHashTable *targets;   /* fullUrl or TYPE/ID → "resource:N" */
  guint       dropped;
} Minify;

/* Minifies NODE (the value of member KEY, or an element of the array KEY) in place. TRUE when
 * it was left empty by what was removed, and is to go too. */
static gboolean
minify_value (Minify     *m,
              JsonNode   *node,
              const char *key)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) names = NULL;
      gboolean removed = FALSE;

      /* Only a CodeableConcept has "coding" (R4); its "text" goes. */
      if (json_object_has_member (o, "coding") && json_object_has_member (o, "text"))
        {
          json_object_remove_member (o, "text");
          removed = TRUE;
        }
      if (g_strcmp0 (key, "coding") == 0 && json_object_has_member (o, "display"))
        {
          json_object_remove_member (o, "display");
          removed = TRUE;
        }
      names = json_object_get_members (o);
      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *name = l->data;
          JsonNode *child = json_object_get_member (o, name);

          if (g_str_equal (name, "reference") && JSON_NODE_HOLDS_VALUE (child) &&
              json_node_get_value_type (child) == G_TYPE_STRING)
            {
              const char *target = g_hash_table_lookup (m->targets,
                                                        json_node_get_string (child));
              if (target != NULL)
                json_node_set_string (child, target);
              else
                {
                  json_object_remove_member (o, name);
                  m->dropped++;
                  removed = TRUE;
                }
              continue;
            }
          if (minify_value (m, child, name))
            {
              json_object_remove_member (o, name);
              removed = TRUE;
            }
        }
      return removed && json_object_get_size (o) == 0;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      gboolean removed = FALSE;

      for (guint i = json_array_get_length (a); i > 0; i--)
        if (minify_value (m, json_array_get_element (a, i - 1), key))
          {
            json_array_remove_element (a, i - 1);
            removed = TRUE;
          }
      return removed && json_array_get_length (a) == 0;
    }
  return FALSE;
}

/* The resource's top level: no id, no narrative, meta only with its security labels. */
static void
minify_resource (JsonObject *resource)
{
  JsonObject *meta = NULL;

  if (json_object_has_member (resource, "id"))
    json_object_remove_member (resource, "id");
  if (json_object_has_member (resource, "text"))
    json_object_remove_member (resource, "text");
  if (json_object_has_member (resource, "meta"))
    {
      JsonNode *node = json_object_get_member (resource, "meta");
      JsonNode *security = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        meta = json_node_get_object (node);
      if (meta != NULL && json_object_has_member (meta, "security"))
        security = json_node_copy (json_object_get_member (meta, "security"));
      json_object_remove_member (resource, "meta");
      if (security != NULL)
        {
          JsonObject *kept = json_object_new ();

          json_object_set_member (kept, "security", security);
          json_object_set_object_member (resource, "meta", kept);
        }
    }
}

JsonNode *
hf_shc_minify_bundle (JsonObject *bundle,
                      guint      *dropped)
{
  g_autoptr(GHashTable) targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_free);
  JsonArray *entries = NULL;
  JsonArray *out_entries = json_array_new ();
  JsonObject *out = json_object_new ();
  JsonNode *meta;
  JsonNode *node;
  Minify m = { 0 };
  guint n = 0;

  g_return_val_if_fail (bundle != NULL, NULL);

  if (json_object_has_member (bundle, "entry") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (bundle, "entry")))
    entries = json_object_get_array_member (bundle, "entry");
  /* First every entry's new name, then the references to them. */
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *e = json_array_get_element (entries, i);
      JsonObject *entry, *resource;
      char *name;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      entry = json_node_get_object (e);
      if (!json_object_has_member (entry, "resource") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "resource")))
        continue;
      resource = json_object_get_object_member (entry, "resource");
      name = g_strdup_printf ("resource:%u", n++);
      if (json_object_has_member (entry, "fullUrl") &&
          json_node_get_value_type (json_object_get_member (entry, "fullUrl")) == G_TYPE_STRING)
        g_hash_table_insert (targets,
                             g_strdup (json_object_get_string_member (entry, "fullUrl")),
                             g_strdup (name));
      if (json_object_has_member (resource, "id") &&
          json_node_get_value_type (json_object_get_member (resource, "id")) == G_TYPE_STRING &&
          json_object_has_member (resource, "resourceType") &&
          json_node_get_value_type (json_object_get_member (resource, "resourceType")) ==
          G_TYPE_STRING)
        g_hash_table_insert (targets,
                             g_strdup_printf ("%s/%s",
                                              json_object_get_string_member (resource,
                                                                             "resourceType"),
                                              json_object_get_string_member (resource, "id")),
                             g_strdup (name));
      g_free (name);
    }

  m.targets = targets;
  n = 0;
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *e = json_array_get_element (entries, i);
      JsonObject *entry, *copy, *out_entry;
      JsonNode *resource;

      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      entry = json_node_get_object (e);
      if (!json_object_has_member (entry, "resource") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "resource")))
        continue;
      resource = json_node_copy (json_object_get_member (entry, "resource"));
      copy = json_node_get_object (resource);
      minify_resource (copy);
      minify_value (&m, resource, NULL);
      out_entry = json_object_new ();
      {
        g_autofree char *name = g_strdup_printf ("resource:%u", n++);

        json_object_set_string_member (out_entry, "fullUrl", name);
      }
      json_object_set_member (out_entry, "resource", resource);
      json_array_add_object_element (out_entries, out_entry);
    }

  json_object_set_string_member (out, "resourceType", "Bundle");
  meta = json_object_has_member (bundle, "meta") ? json_object_get_member (bundle, "meta") : NULL;
  if (meta != NULL && JSON_NODE_HOLDS_OBJECT (meta) &&
      json_object_has_member (json_node_get_object (meta), "security"))
    {
      JsonObject *kept = json_object_new ();

      json_object_set_member (kept, "security",
                              json_node_copy (json_object_get_member (json_node_get_object (meta),
                                                                      "security")));
      json_object_set_object_member (out, "meta", kept);
    }
  json_object_set_string_member (out, "type", "collection");
  json_object_set_array_member (out, "entry", out_entries);
  if (dropped != NULL)
    *dropped = m.dropped;
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, out);
  return node;
}

/* }}} */
/* {{{ compact JSON */

static void
append_string (GString    *out,
               const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int precision = 15; precision <= 17; precision++)
    {
      g_autofree char *format = g_strdup_printf ("%%.%dg", precision);

      g_ascii_formatd (buf, sizeof buf, format, value);
      if (precision == 17 || g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        g_autoptr(GList) names = json_object_get_members (o);

        g_string_append_c (out, '{');
        for (GList *l = names; l != NULL; l = l->next)
          {
            if (l != names)
              g_string_append_c (out, ',');
            append_string (out, l->data);
            g_string_append_c (out, ':');
            append_node (out, json_object_get_member (o, l->data));
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (a, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          append_string (out, json_node_get_string (node) != NULL ? json_node_get_string (node)
                                                                  : "");
          break;
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

char *
hf_shc_json_compact (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  append_node (out, node);
  return g_string_free (out, FALSE);
}

/* }}} */
/* {{{ signing */

char *
hf_shc_sign (const HfJoseKey *key,
             const char      *kid,
             const char      *iss,
             gint64           nbf,
             JsonNode        *bundle,
             const char      *rid,
             GError         **error)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GString) payload = g_string_new (NULL);
  g_autoptr(GBytes) deflated = NULL;
  g_autofree char *bundle_text = NULL;
  GError *local = NULL;
  gconstpointer data;
  gsize length;
  char *jws;

  g_return_val_if_fail (key != NULL && kid != NULL && iss != NULL && bundle != NULL, NULL);

  bundle_text = hf_shc_json_compact (bundle);
  g_string_append (payload, "{\"iss\":");
  append_string (payload, iss);
  g_string_append_printf (payload, ",\"nbf\":%" G_GINT64_FORMAT ",\"vc\":{\"type\":[\""
                          HF_SHC_TYPE_HEALTH_CARD "\"],\"credentialSubject\":{\"fhirVersion\":"
                          "\"4.0.1\",\"fhirBundle\":", nbf);
  g_string_append (payload, bundle_text);
  g_string_append_c (payload, '}');
  if (rid != NULL)
    {
      g_string_append (payload, ",\"rid\":");
      append_string (payload, rid);
    }
  g_string_append (payload, "}}");

  deflated = hf_deflate_raw ((const guint8 *) payload->str, payload->len);
  data = g_bytes_get_data (deflated, &length);
  json_object_set_string_member (extra, "zip", "DEF");
  jws = hf_jws_sign_es256 (key, kid, extra, data, length, &local);
  if (jws == NULL)
    {
      if (local->domain == HF_JOSE_ERROR)
        {
          g_set_error_literal (error, HF_ERROR, hf_jose_error_to_hf (local), local->message);
          g_error_free (local);
        }
      else
        g_propagate_error (error, local);
    }
  return jws;
}

/* }}} */
/* {{{ QR codes */

char *
hf_shc_qr_text (const char  *jws,
                GError     **error)
{
  g_autofree char *digits = hf_shc_numeric_encode (jws, -1, error);

  if (digits == NULL)
    return NULL;
  return g_strconcat ("shc:/", digits, NULL);
}

static void
png_write_bytes (png_structp  png,
                 png_bytep    data,
                 png_size_t   length)
{
  g_byte_array_append (png_get_io_ptr (png), data, length);
}

static void
png_flush_nothing (png_structp png)
{
}

/* CODE as a 1-bit grayscale PNG into OUT; FALSE when libpng failed. ROW has room for one row. */
static gboolean
png_encode (const QRcode *code,
            guint         size,
            guint8       *row,
            GByteArray   *out)
{
  png_structp png;
  png_infop info;
  gsize row_bytes = (size + 7) / 8;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  if (png == NULL)
    return FALSE;
  info = png_create_info_struct (png);
  if (info == NULL || setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      return FALSE;
    }
  png_set_write_fn (png, out, png_write_bytes, png_flush_nothing);
  png_set_IHDR (png, info, size, size, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (guint y = 0; y < size; y++)
    {
      int my = (int) (y / PIXELS_PER_MODULE) - QUIET_ZONE;

      /* Bit 1 is white. */
      memset (row, 0xff, row_bytes);
      for (guint x = 0; x < size; x++)
        {
          int mx = (int) (x / PIXELS_PER_MODULE) - QUIET_ZONE;

          if (my >= 0 && my < code->width && mx >= 0 && mx < code->width &&
              (code->data[my * code->width + mx] & 1) != 0)
            row[x / 8] &= (guint8) ~(0x80 >> (x % 8));
        }
      png_write_row (png, row);
    }
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return TRUE;
}

/* The QR code of INPUT (taken) as a PNG at PATH, written atomically. */
static gboolean
write_qr (QRinput     *input,
          int          max_version,
          const char  *path,
          GError     **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) local = NULL;
  g_autofree guint8 *row = NULL;
  QRcode *code;
  guint size;
  gboolean ok;

  code = QRcode_encodeInput (input);
  QRinput_free (input);
  if (code == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This does not fit one QR code (%s).", g_strerror (errno));
      return FALSE;
    }
  if (code->version > max_version)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This needs a QR code of version %d; at most %d is readable enough.",
                   code->version, max_version);
      QRcode_free (code);
      return FALSE;
    }
  size = (guint) (code->width + 2 * QUIET_ZONE) * PIXELS_PER_MODULE;
  row = g_malloc ((size + 7) / 8);
  ok = png_encode (code, size, row, out);
  QRcode_free (code);
  if (!ok)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not make the QR code's image.");
      return FALSE;
    }
  if (!g_file_set_contents_full (path, (const char *) out->data, out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not write the QR code: %s",
                   local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
hf_shc_write_qr (const char  *jws,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *digits = NULL;
  gsize length;
  QRinput *input;

  g_return_val_if_fail (jws != NULL && path != NULL, FALSE);

  length = strlen (jws);
  if (length > HF_SHC_MAX_QR_JWS)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This card is too big for one QR code (its JWS has %" G_GSIZE_FORMAT
                   " characters; one QR code holds at most %d). Hand it on as the "
                   ".smart-health-card file (export without --qr), share fewer records (a "
                   "narrower consent, or --only), or make a SMART Health Link (--format shl).",
                   length, HF_SHC_MAX_QR_JWS);
      return FALSE;
    }
  if ((digits = hf_shc_numeric_encode (jws, (gssize) length, error)) == NULL)
    return FALSE;
  input = QRinput_new2 (0, QR_ECLEVEL_L);
  if (input == NULL ||
      QRinput_append (input, QR_MODE_8, 5, (const unsigned char *) "shc:/") != 0 ||
      QRinput_append (input, QR_MODE_NUM, (int) strlen (digits),
                      (const unsigned char *) digits) != 0)
    {
      if (input != NULL)
        QRinput_free (input);
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not make the QR code (%s).",
                   g_strerror (errno));
      return FALSE;
    }
  return write_qr (input, MAX_QR_VERSION, path, error);
}

gboolean
hf_qr_write_text (const char  *text,
                  const char  *path,
                  GError     **error)
{
  QRinput *input;

  g_return_val_if_fail (text != NULL && path != NULL, FALSE);

  input = QRinput_new2 (0, QR_ECLEVEL_M);
  if (input == NULL ||
      QRinput_append (input, QR_MODE_8, (int) strlen (text), (const unsigned char *) text) != 0)
    {
      if (input != NULL)
        QRinput_free (input);
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not make the QR code (%s).",
                   g_strerror (errno));
      return FALSE;
    }
  return write_qr (input, 40, path, error);
}

/* }}} */
/* {{{ revocation ids */

void
hf_shc_made_card_free (HfShcMadeCard *card)
{
  if (card == NULL)
    return;
  g_free (card->kid);
  g_free (card->rid);
  g_free (card);
}

/* The vault's secret for revocation ids, made on first use. */
static GBytes *
rid_secret (sqlite3  *db,
            GError  **error)
{
  g_autoptr(HfSecret) fresh = hf_secret_new_random (RID_SECRET_SIZE);
  sqlite3_stmt *stmt = NULL;
  GBytes *secret = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO shc_secret (id, secret) VALUES (1, ?1)", -1,
                      &stmt, NULL);
  sqlite3_bind_blob (stmt, 1, hf_secret_peek (fresh), RID_SECRET_SIZE, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "making the revocation secret", error);
      return NULL;
    }
  sqlite3_prepare_v2 (db, "SELECT secret FROM shc_secret WHERE id = 1", -1, &stmt, NULL);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == RID_SECRET_SIZE)
    secret = g_bytes_new (sqlite3_column_blob (stmt, 0), RID_SECRET_SIZE);
  sqlite3_finalize (stmt);
  if (secret == NULL)
    _hf_db_fail (db, rc == SQLITE_ROW ? SQLITE_CORRUPT : rc, "reading the revocation secret",
                 error);
  return secret;
}

char *
hf_shc_rid (HfVault     *vault,
            const char  *identity,
            GError     **error)
{
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;
  gsize key_length;
  const guint8 *key;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (identity != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "make a card", error))
    return NULL;
  if ((secret = rid_secret (_hf_vault_get_db (vault), error)) == NULL)
    return NULL;
  key = g_bytes_get_data (secret, &key_length);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  g_hmac_update (hmac, (const guchar *) identity, -1);
  g_hmac_get_digest (hmac, digest, &length);
  /* The framework: the first 64 bits, base64url (11 characters). */
  return hf_base64url_encode (digest, 8);
}

/* }}} */
/* {{{ export */

typedef struct
{
  HfVault    *vault;
  const char *issuer;
  gint64      nbf;
  const char *qr;
  const char *rid;
  char       *kid;
  gsize       jws_length;
  guint       dropped;
} Encoding;

static GBytes *
encode (GBytes   *bundle,
        gpointer  data,
        GError  **error)
{
  Encoding *e = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) minified = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autofree char *jws = NULL;
  GString *file;
  gconstpointer bytes;
  gsize length;

  bytes = g_bytes_get_data (bundle, &length);
  if (!json_parser_load_from_data (parser, bytes, (gssize) length, error))
    return NULL;
  minified = hf_shc_minify_bundle (json_node_get_object (json_parser_get_root (parser)),
                                   &e->dropped);
  /* The key is fetched (or made) only now, once the consent and policy let the card go. */
  if ((key = hf_signing_key_get (e->vault, &e->kid, error)) == NULL)
    return NULL;
  jws = hf_shc_sign (key, e->kid, e->issuer, e->nbf, minified, e->rid, error);
  if (jws == NULL)
    return NULL;
  e->jws_length = strlen (jws);
  /* The QR code first: a card too big for it is refused before anything is written. */
  if (e->qr != NULL && !hf_shc_write_qr (jws, e->qr, error))
    return NULL;
  file = g_string_new ("{\"verifiableCredential\":[\"");
  g_string_append (file, jws);
  g_string_append (file, "\"]}\n");
  return g_string_free_to_bytes (file);
}

HfDisclosure *
hf_shc_export (HfVault            *vault,
               const char         *recipient,
               const char         *today,
               gint64              now,
               const char * const *only,
               const char         *output,
               const char         *qr,
               gboolean            with_rid,
               HfShcMadeCard         **card,
               GError            **error)
{
  g_autoptr(HfRecipient) who = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *card_id = NULL;
  g_autofree char *rid = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  Encoding e = { 0 };
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL && today != NULL && output != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "share records", error))
    return NULL;
  if ((who = hf_recipient_find (vault, recipient, error)) == NULL)
    return NULL;
  issuer = hf_issuer_get (vault, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (issuer == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "Set the issuer first: healthfolio-cli issuer set https://… (the address "
                   "verifiers fetch the vault's public keys from).");
      return NULL;
    }
  card_id = g_strconcat ("urn:uuid:", uuid, NULL);
  if (with_rid && (rid = hf_shc_rid (vault, card_id, error)) == NULL)
    return NULL;

  e.vault = vault;
  e.issuer = issuer;
  e.nbf = now / G_USEC_PER_SEC;
  e.qr = qr;
  e.rid = rid;
  d = hf_disclosure_export (vault, who->name, today, now, only, "shc", encode, &e, output, NULL,
                            error);
  if (d == NULL)
    {
      g_free (e.kid);
      return NULL;
    }

  /* What revoking it needs: the disclosure is recorded, and this row names its card. */
  db = _hf_vault_get_db (vault);
  sqlite3_prepare_v2 (db, "INSERT INTO shc_card (disclosure_id, card_id, kid, rid, made_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, d->id);
  sqlite3_bind_text (stmt, 2, card_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, e.kid, -1, SQLITE_STATIC);
  if (rid != NULL)
    sqlite3_bind_text (stmt, 4, rid, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int64 (stmt, 5, now);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_free (e.kid);
      _hf_db_fail (db, rc, "recording the card", error);
      return NULL;
    }
  if (card != NULL)
    {
      HfShcMadeCard *c = g_new0 (HfShcMadeCard, 1);

      c->disclosure_id = d->id;
      c->kid = g_steal_pointer (&e.kid);
      c->rid = g_steal_pointer (&rid);
      c->jws_length = e.jws_length;
      c->dropped = e.dropped;
      c->qr = qr != NULL;
      *card = c;
    }
  g_free (e.kid);
  return g_steal_pointer (&d);
}

/* }}} */
/* {{{ revocation */

JsonNode *
hf_shc_crl (HfVault     *vault,
            const char  *kid,
            GError     **error)
{
  g_autoptr(JsonArray) rids = json_array_new ();
  JsonObject *crl;
  JsonNode *node;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  gint64 ctr;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (kid != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read the revocation list", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  if ((ctr = _hf_shc_crl_version (db, kid)) == 0)
    return NULL;
  sqlite3_prepare_v2 (db, "SELECT rid FROM shc_card WHERE kid = ?1 AND rid IS NOT NULL AND "
                          "revoked_at IS NOT NULL ORDER BY revoked_at, id", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, kid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_string_element (rids, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the revocation list", error);
      return NULL;
    }
  crl = json_object_new ();
  json_object_set_string_member (crl, "kid", kid);
  json_object_set_string_member (crl, "method", "rid");
  json_object_set_int_member (crl, "ctr", ctr);
  json_object_set_array_member (crl, "rids", g_steal_pointer (&rids));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, crl);
  return node;
}

static gboolean
write_crl (HfVault     *vault,
           const char  *dir,
           const char  *kid,
           GError     **error)
{
  g_autoptr(JsonNode) crl = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *name = g_strconcat (kid, ".json", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;

  if ((crl = hf_shc_crl (vault, kid, error)) == NULL)
    return error == NULL || *error == NULL;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not make the folder %s: %s.", dir,
                   g_strerror (errno));
      return FALSE;
    }
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, crl);
  text = json_generator_to_data (gen, NULL);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not write the revocation list: %s",
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0' || strlen (s) > 18)
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

gboolean
hf_shc_revoke_card (HfVault     *vault,
                    const char  *which,
                    const char  *crl_dir,
                    gint64       now,
                    char       **kid_out,
                    char       **rid_out,
                    GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *rid = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean revoked = FALSE;
  gint64 disclosure = 0;
  gint64 id = 0;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (which != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "revoke a card", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  sqlite3_prepare_v2 (db, all_digits (which)
                          ? "SELECT id, kid, rid, revoked_at, disclosure_id FROM shc_card "
                            "WHERE disclosure_id = ?1"
                          : "SELECT id, kid, rid, revoked_at, disclosure_id FROM shc_card "
                            "WHERE rid = ?1", -1, &stmt, NULL);
  if (all_digits (which))
    sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (which, NULL, 10));
  else
    sqlite3_bind_text (stmt, 1, which, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      kid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      rid = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      revoked = sqlite3_column_type (stmt, 3) != SQLITE_NULL;
      disclosure = sqlite3_column_int64 (stmt, 4);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the cards made", error);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "No card this vault made has the revocation id or disclosure number “%s”; "
                   "“disclosures list” shows the cards made (format shc).", which);
      return FALSE;
    }
  if (rid == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The card of disclosure %" G_GINT64_FORMAT " was made without --rid, so no "
                   "revocation list can name it. Make a new card with --rid; a verifier will "
                   "accept this one as long as the key that signed it (%s) is published.",
                   disclosure, kid);
      return FALSE;
    }

  if (!revoked)
    {
      if (!_hf_db_begin (db, error))
        return FALSE;
      sqlite3_prepare_v2 (db, "UPDATE shc_card SET revoked_at = ?2 WHERE id = ?1", -1, &stmt,
                          NULL);
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, now);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc == SQLITE_DONE)
        {
          sqlite3_prepare_v2 (db, "INSERT INTO shc_crl (kid, ctr) VALUES (?1, 1) "
                                  "ON CONFLICT (kid) DO UPDATE SET ctr = ctr + 1", -1, &stmt,
                              NULL);
          sqlite3_bind_text (stmt, 1, kid, -1, SQLITE_STATIC);
          rc = sqlite3_step (stmt);
          sqlite3_finalize (stmt);
        }
      if (rc != SQLITE_DONE)
        {
          _hf_db_fail (db, rc, "revoking the card", &local);
          goto fail;
        }
      detail = g_strdup_printf ("card of disclosure %" G_GINT64_FORMAT " revoked (rid %s, "
                                "key %s)", disclosure, rid, kid);
      if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault),
                             hf_vault_get_member_name (vault), "card revoke", detail, &local) ||
          !_hf_db_commit (db, &local))
        goto fail;
    }
  if (crl_dir != NULL && !write_crl (vault, crl_dir, kid, error))
    return FALSE;
  if (kid_out != NULL)
    *kid_out = g_steal_pointer (&kid);
  if (rid_out != NULL)
    *rid_out = g_steal_pointer (&rid);
  return TRUE;

fail:
  _hf_db_rollback (db);
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* }}} */
