/* hf-trust.c — the issuers whose signatures the vault believes, and their keys
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per issuer: its key set as text, and either who added it by hand and when, or when
 * it was fetched; a CHECK keeps a row from being both. A fetched set is a cache: it is used
 * for a day, fetched again after that (or when it lacks the kid asked for, as after a key
 * rotation), and never replaces a hand-added one.
 */

#include "hf-trust-private.h"

#include <string.h>

#include "hf-error.h"
#include "hf-http.h"
#include "hf-jwks.h"
#include "hf-vault-private.h"

gboolean
_hf_trust_migrate (sqlite3  *db,
                   GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE trust_issuer ("
    "  iss        TEXT PRIMARY KEY,"
    "  jwks       TEXT NOT NULL,"
    "  how        TEXT NOT NULL CHECK (how IN ('hand', 'fetched')),"
    "  added_by   TEXT,"                 /* hand: the member */
    "  added_at   INTEGER,"              /* hand: µs since the epoch, UTC */
    "  fetched_at INTEGER,"              /* fetched: µs since the epoch, UTC */
    "  CHECK ((how = 'hand' AND added_by IS NOT NULL AND added_at IS NOT NULL"
    "          AND fetched_at IS NULL)"
    "      OR (how = 'fetched' AND fetched_at IS NOT NULL AND added_by IS NULL"
    "          AND added_at IS NULL))"
    ");"
    "CREATE TABLE import_signature ("
    "  provenance_id INTEGER PRIMARY KEY,"   /* the import's provenance row */
    "  status        TEXT NOT NULL CHECK (status IN ('verified', 'unverified')),"
    "  kind          TEXT NOT NULL,"         /* jws, jwe */
    "  iss           TEXT,"
    "  kid           TEXT,"
    "  trust         TEXT NOT NULL,"         /* hand, cached, fetched, none */
    "  reason        TEXT,"                  /* unverified: why */
    "  checked_at    INTEGER NOT NULL,"
    "  token_sha256  TEXT NOT NULL"
    ");",
    error);
}

void
hf_trust_source_clear (HfTrustSource *source)
{
  if (source == NULL)
    return;
  g_clear_pointer (&source->added_by, g_free);
  source->how = HF_TRUST_HOW_NONE;
  source->at = 0;
}

const char *
hf_trust_how_to_string (HfTrustHow how)
{
  switch (how)
    {
    case HF_TRUST_HOW_HAND:
      return "hand";
    case HF_TRUST_HOW_CACHED:
      return "cached";
    case HF_TRUST_HOW_FETCHED:
      return "fetched";
    case HF_TRUST_HOW_DIRECTORY:
      return "directory";
    case HF_TRUST_HOW_NONE:
    default:
      return "none";
    }
}

static char *
format_day (gint64 usec)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (t == NULL)
    return g_strdup ("an unknown day");
  return g_date_time_format (t, "%-d %b %Y %H:%M UTC");
}

char *
hf_trust_source_describe (const HfTrustSource *source,
                          const char          *iss)
{
  g_autofree char *day = NULL;

  g_return_val_if_fail (source != NULL, NULL);

  day = format_day (source->at);
  switch (source->how)
    {
    case HF_TRUST_HOW_HAND:
      return g_strdup_printf ("added by hand by %s on %s", source->added_by, day);
    case HF_TRUST_HOW_CACHED:
    case HF_TRUST_HOW_FETCHED:
      return g_strdup_printf ("fetched from %s/.well-known/jwks.json on %s%s", iss ? iss : "",
                              day, source->how == HF_TRUST_HOW_CACHED ? " (cached)" : "");
    case HF_TRUST_HOW_DIRECTORY:
      return g_strdup_printf ("listed in the issuer directory %s imported on %s",
                              source->added_by ? source->added_by : "", day);
    case HF_TRUST_HOW_NONE:
    default:
      return g_strdup ("not trusted");
    }
}

void
hf_trust_issuer_free (HfTrustIssuer *issuer)
{
  if (issuer == NULL)
    return;
  g_free (issuer->iss);
  g_free (issuer->added_by);
  g_strfreev (issuer->kids);
  g_free (issuer);
}

gboolean
hf_trust_check_iss (const char  *iss,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (iss == NULL || *iss == '\0' || strlen (iss) > 2048)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "The issuer is missing or too long; an issuer is an https address.");
      return FALSE;
    }
  uri = g_uri_parse (iss, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || g_str_has_suffix (iss, "/"))
    {
      g_autofree char *shown = g_utf8_make_valid (iss, MIN (strlen (iss), 200));
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The issuer “%s” is not an https address (without a trailing “/”, a query "
                   "or a user name); Healthfolio trusts only issuers it can reach over https.",
                   shown);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char   *jwks;
  char   *how;
  char   *added_by;
  gint64  at;
} Row;

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->jwks, g_free);
  g_clear_pointer (&row->how, g_free);
  g_clear_pointer (&row->added_by, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

/* FALSE with ERROR on a database failure; TRUE and ROW->jwks NULL when there is none. */
static gboolean
row_load (sqlite3     *db,
          const char  *iss,
          Row         *row,
          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT jwks, how, added_by, coalesce (added_at, fetched_at) "
                               "FROM trust_issuer WHERE iss = ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading the trusted issuers", error);
  sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      row->jwks = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->how = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->added_by = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->at = sqlite3_column_int64 (stmt, 3);
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the trusted issuers", error);
  return TRUE;
}

gboolean
hf_trust_add (HfVault     *vault,
              const char  *iss,
              const char  *jwks,
              gsize        length,
              gboolean    *replaced_fetched,
              GPtrArray  **notes,
              GError     **error)
{
  g_autoptr(HfJwks) set = NULL;
  g_auto(Row) row = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if (replaced_fetched != NULL)
    *replaced_fetched = FALSE;
  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "trust an issuer", error) ||
      !hf_trust_check_iss (iss, error))
    return FALSE;
  set = hf_jwks_parse (jwks, length, error);
  if (set == NULL)
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!row_load (db, iss, &row, error))
    return FALSE;
  if (row.jwks != NULL && g_str_equal (row.how, "hand"))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_EXISTS,
                   "%s is already trusted (added by hand by %s); remove it first to change "
                   "its keys.", iss, row.added_by);
      return FALSE;
    }
  text = g_strndup (jwks, length);
  if (!_hf_db_begin (db, error))
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO trust_issuer (iss, jwks, how, added_by, "
                               "added_at) VALUES (?, ?, 'hand', ?, ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, hf_vault_get_member_name (vault), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "trusting an issuer", error);
      _hf_db_rollback (db);
      return FALSE;
    }
  detail = g_strdup_printf ("%s, %u key%s, by hand", iss, set->keys->len,
                            set->keys->len == 1 ? "" : "s");
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "trust-add", detail, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  if (!_hf_db_commit (db, error))
    return FALSE;
  if (replaced_fetched != NULL)
    *replaced_fetched = row.jwks != NULL;
  if (notes != NULL)
    *notes = g_ptr_array_ref (set->notes);
  return TRUE;
}

gboolean
hf_trust_remove (HfVault     *vault,
                 const char  *iss,
                 GError     **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (iss != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "stop trusting an issuer", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "DELETE FROM trust_issuer WHERE iss = ?", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "forgetting an issuer", error);
      _hf_db_rollback (db);
      return FALSE;
    }
  if (sqlite3_changes (db) == 0)
    {
      _hf_db_rollback (db);
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "%s is not a trusted issuer.", iss);
      return FALSE;
    }
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "trust-remove", iss, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return _hf_db_commit (db, error);
}

GPtrArray *
hf_trust_list (HfVault  *vault,
               GError  **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                             hf_trust_issuer_free);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "list trusted issuers", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT iss, jwks, how, added_by, coalesce (added_at, fetched_at) "
                               "FROM trust_issuer ORDER BY iss", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "listing trusted issuers", error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfTrustIssuer *issuer = g_new0 (HfTrustIssuer, 1);
      const char *jwks = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(HfJwks) set = hf_jwks_parse (jwks, strlen (jwks), NULL);
      g_autoptr(GStrvBuilder) kids = g_strv_builder_new ();

      issuer->iss = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      issuer->how = g_str_equal ((const char *) sqlite3_column_text (stmt, 2), "hand")
                    ? HF_TRUST_HOW_HAND : HF_TRUST_HOW_CACHED;
      issuer->added_by = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      issuer->at = sqlite3_column_int64 (stmt, 4);
      for (guint i = 0; set != NULL && i < set->keys->len; i++)
        g_strv_builder_add (kids, ((HfJwksKey *) g_ptr_array_index (set->keys, i))->kid);
      issuer->kids = g_strv_builder_end (kids);
      g_ptr_array_add (out, issuer);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "listing trusted issuers", error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

static gboolean
cache_store (sqlite3     *db,
             const char  *iss,
             const char  *jwks,
             gsize        length,
             gint64       at,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Never over a hand-added set: the WHERE keeps it. */
  rc = sqlite3_prepare_v2 (db, "INSERT INTO trust_issuer (iss, jwks, how, fetched_at) "
                               "VALUES (?, ?, 'fetched', ?) ON CONFLICT (iss) DO UPDATE SET "
                               "jwks = excluded.jwks, fetched_at = excluded.fetched_at "
                               "WHERE how = 'fetched'", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, jwks, (int) length, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, at);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "caching an issuer's keys", error);
  return TRUE;
}

/* The issuer's key set from ISS/.well-known/jwks.json, parsed, and cached. */
static HfJwks *
fetch (HfVault     *vault,
       const char  *iss,
       const char  *extra_ca_file,
       gint64      *fetched_at,
       GError     **error)
{
  g_autoptr(HfHttp) http = NULL;
  g_autoptr(HfHttpRequest) request = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *url = g_strconcat (iss, "/.well-known/jwks.json", NULL);
  g_autoptr(HfJwks) set = NULL;
  const char *text;
  gsize length;

  http = hf_http_new (extra_ca_file, error);
  if (http == NULL)
    return NULL;
  hf_http_set_timeout (http, HF_TRUST_FETCH_TIMEOUT_MS);
  request = hf_http_request_new (url);
  request->accept = g_strdup ("application/jwk-set+json, application/json");
  request->max_size = HF_TRUST_FETCH_MAX;
  if (!hf_http_fetch (http, request, NULL, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NETWORK,
                   "Fetching the keys of %s from %s failed: %s", iss, url, local->message);
      return NULL;
    }
  if (request->status != 200)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "Fetching the keys of %s from %s failed: the server answered %ld; the "
                   "issuer is not trusted.", iss, url, request->status);
      return NULL;
    }
  text = (const char *) request->response->data;
  length = request->response->len;
  set = hf_jwks_parse (text, length, &local);
  if (set == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "The keys fetched for %s from %s are unusable: %s", iss, url, local->message);
      return NULL;
    }
  *fetched_at = g_get_real_time ();
  if (!cache_store (_hf_vault_get_db (vault), iss, text, length, *fetched_at, error))
    return NULL;
  return g_steal_pointer (&set);
}

/* The directory's keys for ISS, or *JWKS NULL. */
static gboolean
directory_load (sqlite3     *db,
                const char  *iss,
                char       **jwks,
                char       **directory,
                gint64      *at,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *jwks = NULL;
  rc = sqlite3_prepare_v2 (db, "SELECT jwks, directory, imported_at FROM trust_directory "
                               "WHERE iss = ? AND jwks IS NOT NULL", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading the issuer directory", error);
  sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *jwks = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (directory != NULL)
        *directory = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (at != NULL)
        *at = sqlite3_column_int64 (stmt, 2);
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the issuer directory", error);
  return TRUE;
}

char *
_hf_trust_dup_jwks (HfVault     *vault,
                    const char  *iss,
                    HfTrustHow   how,
                    GError     **error)
{
  g_auto(Row) row = { 0 };

  if (how == HF_TRUST_HOW_DIRECTORY)
    {
      char *jwks = NULL;

      if (!directory_load (_hf_vault_get_db (vault), iss, &jwks, NULL, NULL, error))
        return NULL;
      if (jwks == NULL)
        g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "%s has no keys in the issuer "
                     "directory.", iss);
      return jwks;
    }
  if (!row_load (_hf_vault_get_db (vault), iss, &row, error))
    return NULL;
  if (row.jwks == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "%s has no keys in the trust store.",
                   iss);
      return NULL;
    }
  return g_steal_pointer (&row.jwks);
}

static HfJoseKey *
key_in (const HfJwks *set,
        const char   *kid)
{
  const HfJoseKey *key = hf_jwks_lookup (set, kid);
  guint8 x[32], y[32];

  if (key == NULL)
    return NULL;
  hf_jose_key_get_public (key, x, y);
  return hf_jose_key_new_public (x, y, NULL);
}

HfJoseKey *
hf_trust_find_key (HfVault       *vault,
                   const char    *iss,
                   const char    *kid,
                   HfTrustFlags   flags,
                   const char    *extra_ca_file,
                   HfTrustSource *how,
                   GError       **error)
{
  g_auto(Row) row = { 0 };
  g_autoptr(HfJwks) set = NULL;
  HfJoseKey *key = NULL;
  gint64 fetched_at = 0;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (kid != NULL, NULL);

  if (how != NULL)
    hf_trust_source_clear (how);
  if (!hf_trust_check_iss (iss, error) ||
      !row_load (_hf_vault_get_db (vault), iss, &row, error))
    return NULL;
  /* After a hand-added set, an imported directory's keys. */
  if (row.jwks == NULL || !g_str_equal (row.how, "hand"))
    {
      g_autofree char *dir_jwks = NULL;
      g_autofree char *directory = NULL;
      gint64 at = 0;

      if (!directory_load (_hf_vault_get_db (vault), iss, &dir_jwks, &directory, &at, error))
        return NULL;
      if (dir_jwks != NULL)
        {
          set = hf_jwks_parse (dir_jwks, strlen (dir_jwks), NULL);
          key = set != NULL ? key_in (set, kid) : NULL;
          g_clear_pointer (&set, hf_jwks_free);
          if (key != NULL)
            {
              if (how != NULL)
                {
                  how->how = HF_TRUST_HOW_DIRECTORY;
                  how->added_by = g_steal_pointer (&directory);
                  how->at = at;
                }
              return key;
            }
        }
    }
  if (row.jwks != NULL)
    {
      gboolean hand = g_str_equal (row.how, "hand");

      set = hf_jwks_parse (row.jwks, strlen (row.jwks), NULL);
      key = set != NULL ? key_in (set, kid) : NULL;
      if (hand)
        {
          if (key == NULL)
            {
              g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                           "%s is trusted, but its keys (added by hand by %s) have no key "
                           "“%s”; the signature cannot be checked.", iss, row.added_by, kid);
              return NULL;
            }
          if (how != NULL)
            {
              how->how = HF_TRUST_HOW_HAND;
              how->added_by = g_strdup (row.added_by);
              how->at = row.at;
            }
          return key;
        }
      if (key != NULL && g_get_real_time () - row.at < HF_TRUST_CACHE_AGE)
        {
          if (how != NULL)
            {
              how->how = HF_TRUST_HOW_CACHED;
              how->at = row.at;
            }
          return key;
        }
      g_clear_pointer (&key, hf_jose_key_free);
      g_clear_pointer (&set, hf_jwks_free);
    }
  if (flags & HF_TRUST_OFFLINE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   row.jwks != NULL
                   ? "%s is not trusted by hand, its fetched keys are more than a day old or "
                     "lack key “%s”, and Healthfolio was told not to fetch them again (offline)."
                   : "%s is not a trusted issuer (key “%s”), and Healthfolio was told not to "
                     "fetch its keys (offline).", iss, kid);
      return NULL;
    }
  set = fetch (vault, iss, extra_ca_file, &fetched_at, error);
  if (set == NULL)
    return NULL;
  key = key_in (set, kid);
  if (key == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "The keys fetched for %s have no key “%s”; the signature cannot be checked.",
                   iss, kid);
      return NULL;
    }
  if (how != NULL)
    {
      how->how = HF_TRUST_HOW_FETCHED;
      how->at = fetched_at;
    }
  return key;
}
