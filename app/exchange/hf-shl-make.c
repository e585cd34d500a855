/* hf-shl-make.c — SMART Health Links made from a share, for a plain static web host
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-shl-make.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hf-error.h"
#include "hf-ips.h"
#include "hf-http.h"
#include "hf-jose.h"
#include "hf-jwk.h"
#include "hf-recipient.h"
#include "hf-secure.h"
#include "hf-shc-make.h"
#include "hf-vault-private.h"

#define CONTENT_TYPE "application/fhir+json"

void
hf_shl_made_link_free (HfShlMadeLink *link)
{
  if (link == NULL)
    return;
  g_free (link->recipient);
  g_free (link->label);
  g_free (link->flag);
  g_free (link->url);
  g_free (link->dir);
  g_strfreev (link->files);
  g_free (link->uri);
  g_free (link);
}

char *
hf_shl_uri (JsonObject *payload)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), payload);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *encoded = NULL;
  gsize length;

  g_return_val_if_fail (payload != NULL, NULL);

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &length);
  encoded = hf_base64url_encode ((const guint8 *) text, length);
  return g_strconcat ("shlink:/", encoded, NULL);
}

static char *
random_name (void)
{
  g_autoptr(HfSecret) bytes = hf_secret_new_random (HF_SHL_PATH_BYTES);

  return hf_base64url_encode (hf_secret_peek (bytes), HF_SHL_PATH_BYTES);
}

/* The base URL without its trailing "/", or NULL with a sentence. */
static char *
check_options (const HfShlOptions  *o,
               gint64               now,
               GError             **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *base = NULL;
  gsize length;

  if (o->label != NULL)
    {
      if (!g_utf8_validate (o->label, -1, NULL))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The label is not valid UTF-8 text.");
          return NULL;
        }
      if (g_utf8_strlen (o->label, -1) > HF_SHL_MAX_LABEL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The label has %ld characters; a SMART Health Link's label may have at "
                       "most %d.", g_utf8_strlen (o->label, -1), HF_SHL_MAX_LABEL);
          return NULL;
        }
    }
  if (o->expires != 0 && o->expires <= now / G_USEC_PER_SEC)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The expiry date is in the past; give a later one.");
      return NULL;
    }
  base = g_strdup (o->base_url);
  length = strlen (base);
  while (length > 0 && base[length - 1] == '/')
    base[--length] = '\0';
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, &local);
  if (uri == NULL || !hf_http_url_allowed (base, NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The base URL must be an https address (plain http only on this computer, "
                   "for testing): the address the folder will be served at.");
      return NULL;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The base URL must not have a user name, a query (“?”) or a fragment (“#”).");
      return NULL;
    }
  /* "/" and the 43 characters of a random name. */
  if (length + 1 + (HF_SHL_PATH_BYTES * 4 + 2) / 3 > HF_SHL_MAX_URL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The base URL is too long: a SMART Health Link's url may have at most %d "
                   "characters, and the file's name takes 44 of them, so the base URL may have "
                   "at most %d.", HF_SHL_MAX_URL,
                   HF_SHL_MAX_URL - 1 - (HF_SHL_PATH_BYTES * 4 + 2) / 3);
      return NULL;
    }
  return g_steal_pointer (&base);
}

typedef struct
{
  const HfSecret *key;
  gboolean        ips;
  gint64          now;
  const char     *recipient;
} Encoding;

static GBytes *
encode (GBytes   *bundle,
        gpointer  data,
        GError  **error)
{
  Encoding *e = data;
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autoptr(GBytes) document = NULL;
  GError *local = NULL;
  gconstpointer bytes;
  gsize length;
  char *jwe;

  if (e->ips)
    {
      HfIpsOptions options = { e->now, NULL, e->recipient };

      if ((document = hf_ips_from_bundle (bundle, &options, error)) == NULL)
        return NULL;
      bundle = document;
    }
  json_object_set_string_member (extra, "cty", CONTENT_TYPE);
  bytes = g_bytes_get_data (bundle, &length);
  jwe = hf_jwe_encrypt_dir (e->key, extra, bytes, length, &local);
  if (jwe == NULL)
    {
      if (local->domain == HF_JOSE_ERROR)
        {
          g_set_error_literal (error, HF_ERROR, hf_jose_error_to_hf (local), local->message);
          g_error_free (local);
        }
      else
        g_propagate_error (error, local);
      return NULL;
    }
  return g_bytes_new_take (jwe, strlen (jwe));
}

static gboolean
write_public (const char  *path,
              const char  *text,
              GError     **error)
{
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not write %s: %s", path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static char *
strv_json (char **names)
{
  g_autoptr(JsonArray) a = json_array_new ();
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_string_element (a, names[i]);
  node = json_node_init_array (json_node_alloc (), a);
  return json_to_string (node, FALSE);
}

HfDisclosure *
hf_shl_export (HfVault            *vault,
               const char         *recipient,
               const char         *today,
               gint64              now,
               const char * const *only,
               const HfShlOptions *options,
               HfShlMadeLink         **link,
               GError            **error)
{
  g_autoptr(HfRecipient) who = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(HfSecret) key = hf_secret_new_random (32);
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autofree char *base = NULL;
  g_autofree char *file_name = random_name ();
  g_autofree char *manifest_name = random_name ();
  g_autofree char *file_path = NULL;
  g_autofree char *file_url = NULL;
  g_autofree char *url = NULL;
  g_autofree char *files_json = NULL;
  g_autofree char *key_text = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *dir = NULL;
  g_auto(GStrv) files = NULL;
  const char *flag;
  Encoding e = { 0 };
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL && today != NULL && options != NULL, NULL);
  g_return_val_if_fail (options->dir != NULL && options->base_url != NULL, NULL);

  if ((base = check_options (options, now, error)) == NULL)
    return NULL;
  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "share records", error))
    return NULL;
  if ((who = hf_recipient_find (vault, recipient, error)) == NULL)
    return NULL;
  /* Absolute: "shl revoke" may run from another folder. */
  dir = g_canonicalize_filename (options->dir, NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not make the folder %s: %s.",
                   dir, g_strerror (errno));
      return NULL;
    }

  file_path = g_build_filename (dir, file_name, NULL);
  file_url = g_strdup_printf ("%s/%s", base, file_name);
  url = options->single_file ? g_strdup (file_url)
                             : g_strdup_printf ("%s/%s", base, manifest_name);
  flag = options->single_file ? "U" : "";
  e.key = key;
  e.ips = options->ips;
  e.now = now;
  e.recipient = who->name;
  d = hf_disclosure_export (vault, who->name, today, now, only,
                            options->ips ? "shl+ips" : "shl", encode, &e, file_path,
                            NULL, error);
  if (d == NULL)
    return NULL;
  /* The web server reads it as another user; it is encrypted. */
  if (g_chmod (file_path, 0644) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not make %s readable: %s.",
                   file_path, g_strerror (errno));
      goto undo;
    }
  if (options->single_file)
    files = g_strsplit (file_name, "\n", 2);
  else
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) manifest = NULL;
      g_autofree char *manifest_path = g_build_filename (dir, manifest_name, NULL);
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, "finalized");
      json_builder_set_member_name (b, "files");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "contentType");
      json_builder_add_string_value (b, CONTENT_TYPE);
      json_builder_set_member_name (b, "location");
      json_builder_add_string_value (b, file_url);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
      manifest = json_builder_get_root (b);
      text = json_to_string (manifest, FALSE);
      if (!write_public (manifest_path, text, error))
        goto undo;
      files = g_new0 (char *, 3);
      files[0] = g_strdup (manifest_name);
      files[1] = g_strdup (file_name);
    }

  key_text = hf_base64url_encode (hf_secret_peek (key), 32);
  json_object_set_string_member (payload, "url", url);
  json_object_set_string_member (payload, "key", key_text);
  if (options->expires != 0)
    json_object_set_int_member (payload, "exp", options->expires);
  if (*flag != '\0')
    json_object_set_string_member (payload, "flag", flag);
  if (options->label != NULL)
    json_object_set_string_member (payload, "label", options->label);
  uri = hf_shl_uri (payload);
  if (options->qr != NULL && !hf_qr_write_text (uri, options->qr, error))
    goto undo;

  db = _hf_vault_get_db (vault);
  files_json = strv_json (files);
  sqlite3_prepare_v2 (db, "INSERT INTO shl_link (disclosure_id, recipient, label, created_at, "
                          "expires_at, flag, url, dir, files) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                          "?7, ?8, ?9)", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, d->id);
  sqlite3_bind_text (stmt, 2, who->name, -1, SQLITE_STATIC);
  if (options->label != NULL)
    sqlite3_bind_text (stmt, 3, options->label, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  if (options->expires != 0)
    sqlite3_bind_int64 (stmt, 5, options->expires);
  sqlite3_bind_text (stmt, 6, flag, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, dir, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, files_json, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "recording the link", error);
      goto undo;
    }

  if (link != NULL)
    {
      HfShlMadeLink *l = g_new0 (HfShlMadeLink, 1);

      l->id = sqlite3_last_insert_rowid (db);
      l->disclosure_id = d->id;
      l->recipient = g_strdup (who->name);
      l->label = g_strdup (options->label);
      l->created_at = now;
      l->expires_at = options->expires;
      l->flag = g_strdup (flag);
      l->url = g_steal_pointer (&url);
      l->dir = g_steal_pointer (&dir);
      l->files = g_steal_pointer (&files);
      l->uri = g_steal_pointer (&uri);
      *link = l;
    }
  return g_steal_pointer (&d);

undo:
  /* The disclosure stays recorded (the accounting keeps every export tried this far); no file
   * of a link that is not recorded stays on disk. */
  g_unlink (file_path);
  if (!options->single_file)
    {
      g_autofree char *manifest_path = g_build_filename (dir, manifest_name, NULL);

      g_unlink (manifest_path);
    }
  return NULL;
}

static HfShlMadeLink *
link_from_row (sqlite3_stmt *stmt)
{
  HfShlMadeLink *l = g_new0 (HfShlMadeLink, 1);
  g_autoptr(JsonNode) files = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  l->id = sqlite3_column_int64 (stmt, 0);
  l->disclosure_id = sqlite3_column_int64 (stmt, 1);
  l->recipient = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  l->label = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  l->created_at = sqlite3_column_int64 (stmt, 4);
  l->expires_at = sqlite3_column_int64 (stmt, 5);
  l->flag = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  l->url = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  l->dir = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  files = json_from_string ((const char *) sqlite3_column_text (stmt, 9), NULL);
  if (files != NULL && JSON_NODE_HOLDS_ARRAY (files))
    {
      JsonArray *a = json_node_get_array (files);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          const char *name = json_array_get_string_element (a, i);

          /* Only names this module made: never a path out of the folder. */
          if (name != NULL && strchr (name, '/') == NULL && strchr (name, '\\') == NULL &&
              name[0] != '.' && name[0] != '\0')
            g_ptr_array_add (names, g_strdup (name));
        }
    }
  g_ptr_array_add (names, NULL);
  l->files = (char **) g_ptr_array_steal (names, NULL);
  l->revoked_at = sqlite3_column_int64 (stmt, 10);
  return l;
}

#define LINK_COLUMNS "id, disclosure_id, recipient, label, created_at, expires_at, flag, url, " \
                     "dir, files, revoked_at"

GPtrArray *
hf_shl_list (HfVault  *vault,
             GError  **error)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_shl_made_link_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "list the links made", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  sqlite3_prepare_v2 (db, "SELECT " LINK_COLUMNS " FROM shl_link ORDER BY id", -1, &stmt, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (links, link_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the links made", error);
      return NULL;
    }
  return g_steal_pointer (&links);
}

gboolean
hf_shl_revoke (HfVault     *vault,
               gint64       id,
               gint64       now,
               HfShlMadeLink  **link_out,
               GError     **error)
{
  g_autoptr(HfShlMadeLink) link = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "revoke a link", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  sqlite3_prepare_v2 (db, "SELECT " LINK_COLUMNS " FROM shl_link WHERE id = ?1", -1, &stmt,
                      NULL);
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    link = link_from_row (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the links made", error);
  if (link == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "No link %" G_GINT64_FORMAT " was made; “shl list” shows the links.", id);
      return FALSE;
    }
  if (link->revoked_at != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "Link %" G_GINT64_FORMAT " is revoked already.", id);
      return FALSE;
    }
  for (guint i = 0; link->files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (link->dir, link->files[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                       "Could not delete %s: %s. Nothing was recorded; delete it and try "
                       "again.", path, g_strerror (errno));
          return FALSE;
        }
    }

  if (!_hf_db_begin (db, error))
    return FALSE;
  sqlite3_prepare_v2 (db, "UPDATE shl_link SET revoked_at = ?2 WHERE id = ?1", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "recording the revocation", &local);
      goto fail;
    }
  detail = g_strdup_printf ("link %" G_GINT64_FORMAT " (disclosure %" G_GINT64_FORMAT ", to %s) "
                            "revoked; its files deleted from %s", id, link->disclosure_id,
                            link->recipient, link->dir);
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "link revoke", detail, &local) ||
      !_hf_db_commit (db, &local))
    goto fail;
  link->revoked_at = now;
  if (link_out != NULL)
    *link_out = g_steal_pointer (&link);
  return TRUE;

fail:
  _hf_db_rollback (db);
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}
