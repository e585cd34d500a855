/* hf-signing.c — the vault's signing keys and its issuer
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-signing.h"
#include "hf-signing-private.h"
#include "hf-shc-make-private.h"

#include <string.h>

#include "hf-error.h"
#include "hf-jwk.h"
#include "hf-secure.h"
#include "hf-vault-private.h"

#define ISSUER_MAX 1000

/* {{{ schema */

gboolean
_hf_signing_migrate_v10 (sqlite3  *db,
                         GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE signing_key ("
    "  kid        TEXT PRIMARY KEY,"        /* RFC 7638 thumbprint, base64url */
    "  x          BLOB NOT NULL CHECK (length (x) = 32),"
    "  y          BLOB NOT NULL CHECK (length (y) = 32),"
    "  d          BLOB NOT NULL CHECK (length (d) = 32),"
    "  created_at INTEGER NOT NULL,"        /* microseconds since the epoch, UTC */
    "  retired_at INTEGER"                  /* NULL: the current key */
    ");"
    /* At most one current key. */
    "CREATE UNIQUE INDEX signing_key_current ON signing_key ((retired_at IS NULL)) "
    "  WHERE retired_at IS NULL;"
    "CREATE TABLE issuer ("
    "  id     INTEGER PRIMARY KEY CHECK (id = 1),"
    "  url    TEXT NOT NULL,"
    "  set_at INTEGER NOT NULL"
    ");",
    error);
}

/* }}} */
/* {{{ keys */

static HfJoseKey *
key_from_row (sqlite3_stmt  *stmt,
              int            first,
              gboolean       with_private,
              GError       **error)
{
  const guint8 *x = sqlite3_column_blob (stmt, first);
  const guint8 *y = sqlite3_column_blob (stmt, first + 1);
  g_autoptr(HfSecret) d = NULL;

  if (x == NULL || y == NULL || sqlite3_column_bytes (stmt, first) != 32 ||
      sqlite3_column_bytes (stmt, first + 1) != 32)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "A signing key in this vault is damaged; rotate the signing key.");
      return NULL;
    }
  if (!with_private)
    return hf_jose_key_new_public (x, y, error);
  if (sqlite3_column_bytes (stmt, first + 2) != 32)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The vault's signing key is damaged; rotate the signing key.");
      return NULL;
    }
  d = hf_secret_new_from_data (sqlite3_column_blob (stmt, first + 2), 32);
  return hf_jose_key_new_private (x, y, d, error);
}

/* The current key, or NULL with ERROR unset when there is none. */
static HfJoseKey *
load_current (sqlite3  *db,
              char    **kid,
              GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  HfJoseKey *key = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "SELECT kid, x, y, d FROM signing_key WHERE retired_at IS NULL", -1,
                      &stmt, NULL);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      key = key_from_row (stmt, 1, TRUE, error);
      if (key != NULL && kid != NULL)
        *kid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    _hf_db_fail (db, rc, "reading the signing key", error);
  return key;
}

/* Makes a key and stores it as the current one, inside the caller's transaction. */
static HfJoseKey *
insert_new (sqlite3  *db,
            char    **kid_out,
            GError  **error)
{
  g_autoptr(HfJoseKey) key = hf_jose_key_generate (error);
  g_autoptr(HfSecret) d = NULL;
  g_autofree char *kid = NULL;
  sqlite3_stmt *stmt = NULL;
  guint8 x[32], y[32];
  int rc;

  if (key == NULL)
    return NULL;
  hf_jose_key_get_public (key, x, y);
  d = hf_jose_key_dup_private (key);
  kid = hf_jose_key_dup_thumbprint (key);
  sqlite3_prepare_v2 (db, "INSERT INTO signing_key (kid, x, y, d, created_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, kid, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, x, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, y, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, hf_secret_peek (d), 32, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "storing the signing key", error);
      return NULL;
    }
  if (kid_out != NULL)
    *kid_out = g_steal_pointer (&kid);
  return g_steal_pointer (&key);
}

HfJoseKey *
hf_signing_key_get (HfVault  *vault,
                    char    **kid_out,
                    GError  **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *detail = NULL;
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "sign exports", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return NULL;
  key = load_current (db, &kid, &local);
  if (key == NULL && local == NULL)
    {
      key = insert_new (db, &kid, &local);
      if (key != NULL)
        {
          detail = g_strdup_printf ("made the vault's signing key %s", kid);
          if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault),
                                 hf_vault_get_member_name (vault), "signing key", detail,
                                 &local))
            g_clear_pointer (&key, hf_jose_key_free);
        }
    }
  if (key == NULL || !_hf_db_commit (db, &local))
    {
      _hf_db_rollback (db);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (kid_out != NULL)
    *kid_out = g_steal_pointer (&kid);
  return g_steal_pointer (&key);
}

char *
hf_signing_key_rotate (HfVault  *vault,
                       GError  **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(HfJoseKey) old = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autofree char *old_kid = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "rotate the signing key", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return NULL;
  old = load_current (db, &old_kid, &local);
  if (local != NULL)
    goto fail;
  if (old != NULL)
    {
      /* Retired a microsecond at least after it was made, so the order of keys is kept. */
      sqlite3_prepare_v2 (db, "UPDATE signing_key SET retired_at = max (?1, created_at) "
                              "WHERE retired_at IS NULL", -1, &stmt, NULL);
      sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          _hf_db_fail (db, rc, "retiring the signing key", &local);
          goto fail;
        }
    }
  key = insert_new (db, &kid, &local);
  if (key == NULL)
    goto fail;
  detail = old_kid != NULL
    ? g_strdup_printf ("new signing key %s; %s retired (its public key stays in the JWKS)", kid,
                       old_kid)
    : g_strdup_printf ("made the vault's signing key %s", kid);
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "signing key rotate", detail, &local) ||
      !_hf_db_commit (db, &local))
    goto fail;
  return g_steal_pointer (&kid);

fail:
  _hf_db_rollback (db);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

static JsonObject *
public_jwk (const HfJoseKey *key,
            const char      *kid)
{
  JsonObject *jwk = hf_jose_key_dup_public_jwk (key);

  json_object_set_string_member (jwk, "use", "sig");
  json_object_set_string_member (jwk, "alg", "ES256");
  json_object_set_string_member (jwk, "kid", kid);
  return jwk;
}

JsonObject *
hf_signing_public_jwk (HfVault  *vault,
                       GError  **error)
{
  g_autoptr(HfJoseKey) key = NULL;
  g_autofree char *kid = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if ((key = hf_signing_key_get (vault, &kid, error)) == NULL)
    return NULL;
  return public_jwk (key, kid);
}

/* A key as the JWKS publishes it: with "crlVersion" once a card it signed is revoked (the
 * SMART Health Cards framework: verifiers then fetch ISS/.well-known/crl/KID.json). */
static JsonObject *
jwks_member (sqlite3         *db,
             const HfJoseKey *key,
             const char      *kid)
{
  JsonObject *jwk = public_jwk (key, kid);
  gint64 version = _hf_shc_crl_version (db, kid);

  if (version > 0)
    json_object_set_int_member (jwk, "crlVersion", version);
  return jwk;
}

JsonNode *
hf_signing_jwks (HfVault  *vault,
                 GError  **error)
{
  g_autoptr(HfJoseKey) current = NULL;
  g_autoptr(JsonArray) keys = json_array_new ();
  g_autoptr(JsonObject) root = json_object_new ();
  g_autofree char *kid = NULL;
  sqlite3_stmt *stmt = NULL;
  JsonNode *node;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if ((current = hf_signing_key_get (vault, &kid, error)) == NULL)
    return NULL;
  db = _hf_vault_get_db (vault);
  json_array_add_object_element (keys, jwks_member (db, current, kid));
  sqlite3_prepare_v2 (db, "SELECT kid, x, y FROM signing_key WHERE retired_at IS NOT NULL "
                          "ORDER BY retired_at DESC, created_at DESC", -1, &stmt, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(HfJoseKey) key = key_from_row (stmt, 1, FALSE, error);
      const char *retired_kid = (const char *) sqlite3_column_text (stmt, 0);

      if (key == NULL)
        {
          sqlite3_finalize (stmt);
          return NULL;
        }
      json_array_add_object_element (keys, jwks_member (db, key, retired_kid));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the signing keys", error);
      return NULL;
    }
  json_object_set_array_member (root, "keys", g_steal_pointer (&keys));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, root);
  return node;
}

/* }}} */
/* {{{ issuer */

gboolean
hf_issuer_check (const char  *url,
                 GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;
  const char *path;

  g_return_val_if_fail (url != NULL, FALSE);

#define REFUSE(...) \
  G_STMT_START { g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT, __VA_ARGS__); \
                 return FALSE; } G_STMT_END

  if (strlen (url) > ISSUER_MAX)
    REFUSE ("The issuer is longer than %d characters; give a shorter https address.",
            ISSUER_MAX);
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      REFUSE ("The issuer has a space or a character outside plain ASCII; give an address "
              "like https://example.org/carla.");
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    REFUSE ("The issuer is not a web address; give one like https://example.org/carla.");
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
    REFUSE ("The issuer must start with https:// (recipients fetch its keys from it).");
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    REFUSE ("The issuer has no host; give an address like https://example.org/carla.");
  if (g_uri_get_userinfo (uri) != NULL)
    REFUSE ("The issuer must not hold a user name or password.");
  if (g_uri_get_query (uri) != NULL || strchr (url, '?') != NULL)
    REFUSE ("The issuer must not have a query (the part after “?”).");
  if (g_uri_get_fragment (uri) != NULL || strchr (url, '#') != NULL)
    REFUSE ("The issuer must not have a fragment (the part after “#”).");
  path = g_uri_get_path (uri);
  if (g_str_has_suffix (url, "/") || (path != NULL && g_str_has_suffix (path, "/")))
    REFUSE ("The issuer must not end with “/”: recipients add /.well-known/jwks.json to it.");
#undef REFUSE
  return TRUE;
}

gboolean
hf_issuer_set (HfVault     *vault,
               const char  *url,
               GError     **error)
{
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "set the issuer", error) ||
      !hf_issuer_check (url, error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return FALSE;
  sqlite3_prepare_v2 (db, "INSERT INTO issuer (id, url, set_at) VALUES (1, ?1, ?2) "
                          "ON CONFLICT (id) DO UPDATE SET url = excluded.url, "
                          "set_at = excluded.set_at", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, url, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "setting the issuer", error);
      _hf_db_rollback (db);
      return FALSE;
    }
  detail = g_strdup_printf ("issuer %s", url);
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "issuer set", detail, error) ||
      !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

char *
hf_issuer_get (HfVault  *vault,
               GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  char *url = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read the issuer", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  sqlite3_prepare_v2 (db, "SELECT url FROM issuer WHERE id = 1", -1, &stmt, NULL);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    url = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    _hf_db_fail (db, rc, "reading the issuer", error);
  return url;
}

/* }}} */
