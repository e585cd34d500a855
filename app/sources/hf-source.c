/* hf-source.c — FHIR endpoints a vault pulls records from, and their sync
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sync asks for the Patient, then every type the server can search by patient, all at once
 * (a few requests in flight), following each type's next links. Every page is stored in its own
 * transaction together with where the type's paging stands, so a sync that fails or is
 * cancelled leaves whole pages behind and the next run goes on from the last stored page.
 * When a type's last page is stored, the server time of its first answer becomes the
 * `_lastUpdated` floor of the next run.
 *
 * Tokens live only in the vault's encrypted database. A renewed (possibly rotated) refresh
 * token is committed before any request uses the new access token.
 */

#include "hf-source.h"
#include "hf-source-private.h"

#include <curl/curl.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

#include "hf-error.h"
#include "hf-import-private.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-person-private.h"
#include "hf-vault-private.h"

#define DEFAULT_PAGE_SIZE      100
#define DEFAULT_LOGIN_TIMEOUT  300
#define DEFAULT_MAX_RETRY_WAIT 120
#define DEFAULT_BACKOFF_MS     1000
#define MAX_ATTEMPTS           4
#define MAX_PAGE_SIZE          ((gsize) 64 << 20)
#define MAX_ATTACHMENT_SIZE    ((gsize) 20 << 20)
#define REFRESH_MARGIN_S       60
/* Pages of one type in one sync, whatever the server's next links say: a server that pages
 * without end stops here, and the next sync goes on from the stored next link. */
#define DEFAULT_MAX_PAGES      10000

static guint max_pages_override;

void
_hf_source_set_max_pages (guint max_pages)
{
  g_atomic_int_set (&max_pages_override, max_pages);
}

gboolean
_hf_sources_migrate_v3 (sqlite3  *db,
                        GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE source ("
    "  id          INTEGER PRIMARY KEY,"
    "  name        TEXT NOT NULL UNIQUE,"
    "  base_url    TEXT NOT NULL,"
    "  auth        TEXT NOT NULL CHECK (auth IN ('open', 'smart')),"
    "  client_id   TEXT,"
    "  patient_id  TEXT,"
    "  ca_file     TEXT,"
    "  config      TEXT NOT NULL DEFAULT '{}',"   /* what discovery found, JSON */
    "  added_at    INTEGER NOT NULL,"             /* seconds since the epoch */
    "  last_sync   INTEGER,"
    "  last_status TEXT"
    ");"
    "CREATE TABLE source_token ("
    "  source_id     INTEGER PRIMARY KEY REFERENCES source (id) ON DELETE CASCADE,"
    "  access_token  TEXT NOT NULL,"
    "  refresh_token TEXT,"
    "  expires_at    INTEGER NOT NULL DEFAULT 0,"
    "  scope         TEXT,"
    "  updated_at    INTEGER NOT NULL"
    ");"
    /* Per type: the _lastUpdated floor of the next run, and where an unfinished run stands. */
    "CREATE TABLE source_sync ("
    "  source_id     INTEGER NOT NULL REFERENCES source (id) ON DELETE CASCADE,"
    "  resource_type TEXT NOT NULL,"
    "  last_updated  TEXT,"
    "  next_url      TEXT,"
    "  since         TEXT,"
    "  run_started   TEXT,"
    "  PRIMARY KEY (source_id, resource_type)"
    ") WITHOUT ROWID;"
    "CREATE TABLE attachment ("
    "  id            INTEGER PRIMARY KEY,"
    "  source_key    TEXT NOT NULL,"
    "  resource_type TEXT NOT NULL,"
    "  fhir_id       TEXT NOT NULL,"
    "  url           TEXT NOT NULL,"
    "  content_type  TEXT,"
    "  title         TEXT,"
    "  status        TEXT NOT NULL DEFAULT 'pending',"  /* pending, stored, too-large, failed */
    "  size          INTEGER,"
    "  sha256        TEXT,"
    "  data          BLOB,"
    "  fetched_at    INTEGER,"
    "  UNIQUE (source_key, url)"
    ");"
    "CREATE INDEX attachment_resource ON attachment (resource_type, fhir_id, source_key);",
    error);
}

void
hf_source_info_free (HfSourceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->base_url);
  g_free (info->client_id);
  g_free (info->patient_id);
  g_free (info->ca_file);
  g_free (info->last_status);
  g_clear_pointer (&info->types, g_ptr_array_unref);
  g_free (info->problem);
  g_free (info);
}

static void
type_result_free (HfSyncTypeResult *r)
{
  g_free (r->type);
  g_free (r->message);
  g_free (r);
}

void
hf_sync_result_free (HfSyncResult *result)
{
  if (result == NULL)
    return;
  g_free (result->source);
  g_clear_pointer (&result->types, g_ptr_array_unref);
  g_free (result);
}

static char *
source_key (const char *name)
{
  return g_strdup_printf ("fhir:%s", name);
}

static void
wipe_free (char *s)
{
  if (s != NULL)
    sodium_memzero (s, strlen (s));
  g_free (s);
}

/* {{{ the stored source */

typedef struct
{
  gint64         id;
  HfSourceInfo  *info;
  HfSmartConfig *config;
} Source;

static void
source_clear (Source *src)
{
  g_clear_pointer (&src->info, hf_source_info_free);
  g_clear_pointer (&src->config, hf_smart_config_free);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

static gboolean
source_load (sqlite3     *db,
             const char  *name,
             Source      *src,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, name, base_url, auth, client_id, patient_id, ca_file, "
                           "config, added_at, coalesce (last_sync, 0), last_status, "
                           "EXISTS (SELECT 1 FROM source_token t WHERE t.source_id = s.id) "
                           "FROM source s WHERE name = ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading sources", error);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return _hf_db_fail (db, rc, "reading sources", error);
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There is no source “%s”. See “healthfolio-cli source list”.", name);
      return FALSE;
    }
  src->id = sqlite3_column_int64 (stmt, 0);
  src->config = hf_smart_config_from_json (column_text (stmt, 7), NULL);
  src->info = g_new0 (HfSourceInfo, 1);
  src->info->name = g_strdup (column_text (stmt, 1));
  src->info->base_url = g_strdup (column_text (stmt, 2));
  src->info->auth = g_str_equal (column_text (stmt, 3), "smart") ? HF_SOURCE_AUTH_SMART
                                                                  : HF_SOURCE_AUTH_OPEN;
  src->info->client_id = g_strdup (column_text (stmt, 4));
  src->info->patient_id = g_strdup (column_text (stmt, 5));
  src->info->ca_file = g_strdup (column_text (stmt, 6));
  src->info->added = sqlite3_column_int64 (stmt, 8);
  src->info->last_sync = sqlite3_column_int64 (stmt, 9);
  src->info->last_status = g_strdup (column_text (stmt, 10));
  src->info->signed_in = sqlite3_column_int (stmt, 11) != 0;
  /* A configuration that cannot be read (an older version stored what a server sent without
   * checking it) leaves a source that can still be listed and removed. */
  if (src->config != NULL)
    src->info->types = g_ptr_array_ref (src->config->types);
  else
    {
      src->info->types = g_ptr_array_new_with_free_func (g_free);
      src->info->problem =
        g_strdup_printf ("What is stored about “%s” is damaged and cannot be read, so it cannot "
                         "be synced or signed in to; remove it with “healthfolio-cli source "
                         "remove %s” (its records stay) and add it again.", src->info->name,
                         src->info->name);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Whether SRC can be signed in to and synced: not if what is stored about it is damaged. */
static gboolean
source_usable (Source  *src,
               GError **error)
{
  if (src->config != NULL)
    return TRUE;
  g_set_error_literal (error, HF_ERROR, HF_ERROR_INTEGRITY, src->info->problem);
  return FALSE;
}

static gboolean
valid_name (const char  *name,
            GError     **error)
{
  gsize n = strlen (name);

  if (n == 0 || n > 64 || !g_utf8_validate (name, -1, NULL) || name[0] == '-')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "A source's name must be 1 to 64 characters and not start with “-”.");
      return FALSE;
    }
  for (const char *p = name; *p; p++)
    if (g_ascii_iscntrl (*p))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                     "A source's name cannot hold control characters.");
        return FALSE;
      }
  return TRUE;
}

static HfHttp *
make_http (const char             *ca_file,
           const HfSourceOptions  *options,
           GError                **error)
{
  HfHttp *http = hf_http_new (ca_file, error);

  if (http != NULL && options != NULL)
    {
      if (options->timeout_ms)
        hf_http_set_timeout (http, options->timeout_ms);
      if (options->parallel)
        hf_http_set_parallel (http, options->parallel);
    }
  return http;
}

static char *
normalize_base (const char *url)
{
  gsize n = strlen (url);

  while (n > 0 && url[n - 1] == '/')
    n--;
  return g_strndup (url, n);
}

/* What discovery found is stored only if it passes the JSON guard and reads back: text a
 * server sent (its software's name, its endpoints) may be no valid UTF-8 once parsed, e.g.
 * from a lone surrogate escape, and a configuration that cannot be read disables its source. */
static gboolean
config_storable (const char  *base,
                 const char  *config_json,
                 GError     **error)
{
  g_autoptr(HfSmartConfig) again = NULL;
  HfJsonProblem problem = { 0 };

  if (!hf_json_guard_check (config_json, strlen (config_json), &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "What %s says about itself cannot be stored (%s), so the source was not "
                   "added; its operator can mend its CapabilityStatement or SMART "
                   "configuration.", base, problem.reason);
      hf_json_problem_clear (&problem);
      return FALSE;
    }
  again = hf_smart_config_from_json (config_json, NULL);
  if (again == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "What %s says about itself cannot be stored (it is not valid JSON once "
                   "written), so the source was not added.", base);
      return FALSE;
    }
  return TRUE;
}

HfSourceInfo *
hf_source_add (HfVault                *vault,
               const char             *name,
               const char             *base_url,
               gboolean                open,
               const char             *client_id,
               const char             *patient_id,
               const char             *ca_file,
               const HfSourceOptions  *options,
               HfSmartConfig         **found,
               GCancellable           *cancellable,
               GError                **error)
{
  sqlite3 *db;
  g_autoptr(HfHttp) http = NULL;
  g_autoptr(HfSmartConfig) config = NULL;
  g_autofree char *base = NULL;
  g_autofree char *config_json = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  Source src = { 0 };
  HfSourceInfo *info;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (name != NULL && base_url != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "add sources", error) ||
      !valid_name (name, error) || !hf_http_url_allowed (base_url, error))
    return NULL;
  if (open && (patient_id == NULL || *patient_id == '\0'))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "An open server has no sign-in to say whose record it is: name the patient "
                   "with --patient ID.");
      return NULL;
    }
  db = _hf_vault_get_db (vault);
  if (source_load (db, name, &src, NULL))
    {
      source_clear (&src);
      g_set_error (error, HF_ERROR, HF_ERROR_EXISTS,
                   "There is already a source “%s”; pick another name or remove it first.",
                   name);
      return NULL;
    }

  base = normalize_base (base_url);
  http = make_http (ca_file, options, error);
  if (http == NULL)
    return NULL;
  config = hf_smart_discover (http, base, cancellable, error);
  if (config == NULL)
    return NULL;
  if (!open && !config->has_smart)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "%s does not offer SMART on FHIR sign-in. If it is an open (test) server, "
                   "add it with --open --patient ID.", base);
      return NULL;
    }
  config_json = hf_smart_config_to_json (config);
  if (!config_storable (base, config_json, error))
    return NULL;

  if (!_hf_db_begin (db, error))
    return NULL;
  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO source (name, base_url, auth, client_id, patient_id, "
                           "ca_file, config, added_at) VALUES (?,?,?,?,?,?,?,?)", -1, &stmt,
                           NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, base, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, open ? "open" : "smart", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, client_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, patient_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, ca_file, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, config_json, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 8, g_get_real_time () / G_USEC_PER_SEC);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  detail = g_strdup_printf ("%s: %s (%s)", name, base, open ? "open" : "SMART on FHIR");
  if ((rc != SQLITE_DONE && rc != SQLITE_OK && !_hf_db_fail (db, rc, "adding the source", error)) ||
      !_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "source add", detail, error) ||
      !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return NULL;
    }
  if (!source_load (db, name, &src, error))
    return NULL;
  info = g_steal_pointer (&src.info);
  source_clear (&src);
  if (found != NULL)
    *found = g_steal_pointer (&config);
  return info;
}

GPtrArray *
hf_source_list (HfVault  *vault,
                GError  **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_source_info_free);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "list sources", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT name FROM source ORDER BY name", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading sources", error), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup (column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading sources", error), NULL;
  for (guint i = 0; i < names->len; i++)
    {
      Source src = { 0 };
      if (!source_load (db, g_ptr_array_index (names, i), &src, error))
        return NULL;
      g_ptr_array_add (list, g_steal_pointer (&src.info));
      source_clear (&src);
    }
  return g_steal_pointer (&list);
}

HfSourceInfo *
hf_source_get (HfVault     *vault,
               const char  *name,
               GError     **error)
{
  Source src = { 0 };
  HfSourceInfo *info;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read sources", error) ||
      !source_load (_hf_vault_get_db (vault), name, &src, error))
    return NULL;
  info = g_steal_pointer (&src.info);
  source_clear (&src);
  return info;
}

static gboolean
exec_bound (sqlite3     *db,
            const char  *sql,
            gint64       id,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "updating sources", error);
  return TRUE;
}

gboolean
hf_source_remove (HfVault     *vault,
                  const char  *name,
                  GError     **error)
{
  sqlite3 *db;
  Source src = { 0 };
  g_autofree char *detail = NULL;
  gboolean ok;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "remove sources", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!source_load (db, name, &src, error))
    return FALSE;
  detail = g_strdup_printf ("%s: %s; its records are kept", name, src.info->base_url);
  ok = _hf_db_begin (db, error) &&
       exec_bound (db, "DELETE FROM source_token WHERE source_id = ?", src.id, error) &&
       exec_bound (db, "DELETE FROM source_sync WHERE source_id = ?", src.id, error) &&
       exec_bound (db, "DELETE FROM source WHERE id = ?", src.id, error) &&
       _hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "source remove", detail, error) &&
       _hf_db_commit (db, error);
  if (!ok)
    _hf_db_rollback (db);
  source_clear (&src);
  return ok;
}

/* }}} */
/* {{{ tokens */

static gboolean
tokens_save (sqlite3              *db,
             gint64                source_id,
             const HfSmartTokens  *tokens,
             GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO source_token (source_id, access_token, refresh_token, "
                           "expires_at, scope, updated_at) VALUES (?,?,?,?,?,?) "
                           "ON CONFLICT (source_id) DO UPDATE SET "
                           "access_token = excluded.access_token, "
                           "refresh_token = coalesce (excluded.refresh_token, refresh_token), "
                           "expires_at = excluded.expires_at, "
                           "scope = coalesce (excluded.scope, scope), "
                           "updated_at = excluded.updated_at", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "storing the sign-in", error);
  sqlite3_bind_int64 (stmt, 1, source_id);
  sqlite3_bind_text (stmt, 2, tokens->access_token, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, tokens->refresh_token, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, tokens->expires_at);
  sqlite3_bind_text (stmt, 5, tokens->scope, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "storing the sign-in", error);
  return TRUE;
}

static HfSmartTokens *
tokens_load (sqlite3  *db,
             gint64    source_id)
{
  sqlite3_stmt *stmt = NULL;
  HfSmartTokens *tokens = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT access_token, refresh_token, expires_at, scope "
                          "FROM source_token WHERE source_id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, source_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      tokens = g_new0 (HfSmartTokens, 1);
      tokens->access_token = g_strdup (column_text (stmt, 0));
      tokens->refresh_token = g_strdup (column_text (stmt, 1));
      tokens->expires_at = sqlite3_column_int64 (stmt, 2);
      tokens->scope = g_strdup (column_text (stmt, 3));
    }
  sqlite3_finalize (stmt);
  return tokens;
}

/* Replaces the stored tokens by RENEWED: the refresh token is committed before the new
 * access token is handed to anyone. */
static gboolean
tokens_commit (sqlite3              *db,
               gint64                source_id,
               const HfSmartTokens  *renewed,
               GError              **error)
{
  if (!_hf_db_begin (db, error))
    return FALSE;
  if (!tokens_save (db, source_id, renewed, error) || !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
hf_source_login (HfVault                *vault,
                 const char             *name,
                 const HfSourceOptions  *options,
                 GCancellable           *cancellable,
                 GError                **error)
{
  sqlite3 *db;
  Source src = { 0 };
  g_autoptr(HfHttp) http = NULL;
  g_autoptr(HfSmartTokens) tokens = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *detail = NULL;
  gboolean registered = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "sign in to sources", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!source_load (db, name, &src, error))
    return FALSE;
  if (!source_usable (&src, error))
    goto out;
  if (src.info->auth != HF_SOURCE_AUTH_SMART)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "“%s” is an open server; it needs no sign-in.", name);
      goto out;
    }
  if (options == NULL || options->open_uri == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "Signing in needs a web browser.");
      goto out;
    }
  http = make_http (src.info->ca_file, options, error);
  if (http == NULL)
    goto out;

  client_id = g_strdup (src.info->client_id);
  if (client_id == NULL)
    {
      client_id = hf_smart_register (http, src.config, cancellable, error);
      if (client_id == NULL)
        goto out;
      registered = TRUE;
    }
  tokens = hf_smart_authorize (http, src.config, client_id, options->open_uri,
                               options->open_uri_data,
                               options->login_timeout_s ? options->login_timeout_s
                                                        : DEFAULT_LOGIN_TIMEOUT,
                               cancellable, error);
  if (tokens == NULL)
    goto out;
  if (tokens->patient == NULL && src.info->patient_id == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The server signed you in but did not say which patient record is yours "
                   "(no patient in the launch context); nothing was stored.");
      goto out;
    }

  detail = g_strdup_printf ("%s: signed in%s%s", name, registered ? ", app registered" : "",
                            tokens->refresh_token ? ", with offline access" : "");
  if (!_hf_db_begin (db, error))
    goto out;
  {
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2 (db, "UPDATE source SET client_id = ?, "
                                 "patient_id = coalesce (?, patient_id) WHERE id = ?", -1,
                                 &stmt, NULL);
    if (rc == SQLITE_OK)
      {
        sqlite3_bind_text (stmt, 1, client_id, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, tokens->patient, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 3, src.id);
        rc = sqlite3_step (stmt);
        sqlite3_finalize (stmt);
      }
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
      {
        _hf_db_fail (db, rc, "storing the sign-in", error);
        _hf_db_rollback (db);
        goto out;
      }
  }
  if (!tokens_save (db, src.id, tokens, error) ||
      !_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "source login", detail, error) ||
      !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      goto out;
    }
  ok = TRUE;

out:
  source_clear (&src);
  return ok;
}

/* }}} */
/* {{{ sync: state */

typedef struct _Sync Sync;

typedef struct
{
  Sync             *sync;
  char             *type;
  HfSyncTypeResult *result;
  char             *since;        /* the _lastUpdated floor of this run, or NULL */
  char             *run_started;  /* server time of the first answer */
  GHashTable       *fetched;      /* every URL asked for in this sync: a next link among
                                   * them would loop */
  gboolean          resuming;     /* the first request is a stored next link */
  gboolean          is_patient;
  gboolean          started;
  gboolean          finished;
} TypeSync;

struct _Sync
{
  HfVault               *vault;
  sqlite3               *db;
  Source                 src;
  char                  *key;
  HfHttp                *http;
  const HfSourceOptions *options;
  HfImportBatch         *batch;
  gint64                 provenance_id;
  GChecksum             *digest;
  GHashTable            *counts;       /* type → records stored (for provenance) */
  HfSmartTokens         *tokens;       /* NULL for open sources */
  guint                  token_generation;
  GError                *fatal;        /* stops the sync */
  GError                *first_failure;
  HfSyncProgressFunc     progress;
  gpointer               progress_data;
  GCancellable          *cancellable;
  GPtrArray             *types;        /* TypeSync* */
  guint                  types_done;
  HfSyncResult          *result;
  guint                  page_size;
  guint                  max_pages;     /* per type */
  guint                  backoff_ms;
  guint                  max_retry_wait_s;
};

typedef struct
{
  TypeSync *ts;
  guint     generation;   /* of the token the request carried */
  gboolean  auth_retried;
  gint64    attachment_id;
} RequestData;

static void
type_sync_free (TypeSync *ts)
{
  g_free (ts->type);
  g_free (ts->since);
  g_free (ts->run_started);
  g_clear_pointer (&ts->fetched, g_hash_table_unref);
  g_free (ts);
}

static void
emit (Sync        *sync,
      TypeSync    *ts,
      HfSyncEvent  event,
      const char  *message)
{
  HfSyncProgress p = {
    .source = sync->src.info->name,
    .type = ts ? ts->type : NULL,
    .event = event,
    .pages = ts ? ts->result->pages : 0,
    .resources = ts ? ts->result->resources : 0,
    .types_done = sync->types_done,
    .types_total = sync->types->len,
    .message = message,
  };

  if (sync->progress != NULL)
    sync->progress (&p, sync->progress_data);
}

static void
type_finish (TypeSync    *ts,
             HfSyncEvent  outcome,
             GError      *error)
{
  Sync *sync = ts->sync;

  if (ts->finished)
    return;
  ts->finished = TRUE;
  ts->result->outcome = outcome;
  sync->types_done++;
  if (error != NULL)
    {
      g_free (ts->result->message);
      ts->result->message = g_strdup (error->message);
    }
  if (outcome == HF_SYNC_EVENT_FAILED)
    {
      sync->result->failed++;
      if (sync->first_failure == NULL && error != NULL)
        sync->first_failure = g_error_copy (error);
      /* Without the patient nothing else can be fetched. */
      if (ts->is_patient && sync->fatal == NULL && error != NULL)
        sync->fatal = g_error_copy (error);
    }
  else if (outcome == HF_SYNC_EVENT_SKIPPED)
    sync->result->skipped++;
  emit (sync, ts, outcome, ts->result->message);
}

static void
type_fail (TypeSync    *ts,
           HfError      code,
           const char  *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
type_fail (TypeSync    *ts,
           HfError      code,
           const char  *format,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  error = g_error_new (HF_ERROR, code, "%s: %s", ts->type, text);
  type_finish (ts, HF_SYNC_EVENT_FAILED, error);
}

static gboolean
state_load (Sync     *sync,
            TypeSync *ts,
            char    **next_url)
{
  sqlite3_stmt *stmt = NULL;

  *next_url = NULL;
  if (sqlite3_prepare_v2 (sync->db, "SELECT last_updated, next_url, since, run_started "
                          "FROM source_sync WHERE source_id = ? AND resource_type = ?", -1,
                          &stmt, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sync->src.id);
  sqlite3_bind_text (stmt, 2, ts->type, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (column_text (stmt, 1) != NULL)
        {
          *next_url = g_strdup (column_text (stmt, 1));
          ts->since = g_strdup (column_text (stmt, 2));
          ts->run_started = g_strdup (column_text (stmt, 3));
          ts->resuming = TRUE;
        }
      else
        ts->since = g_strdup (column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Inside the page's transaction: where this type's paging now stands. */
static gboolean
state_save (Sync        *sync,
            TypeSync    *ts,
            const char  *next_url,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (next_url != NULL)
    rc = sqlite3_prepare_v2 (sync->db,
                             "INSERT INTO source_sync (source_id, resource_type, next_url, since, "
                             "run_started) VALUES (?1, ?2, ?3, ?4, ?5) "
                             "ON CONFLICT DO UPDATE SET next_url = ?3, since = ?4, "
                             "run_started = ?5", -1, &stmt, NULL);
  else
    rc = sqlite3_prepare_v2 (sync->db,
                             "INSERT INTO source_sync (source_id, resource_type, last_updated) "
                             "VALUES (?1, ?2, ?5) ON CONFLICT DO UPDATE SET last_updated = ?5, "
                             "next_url = NULL, since = NULL, run_started = NULL", -1, &stmt,
                             NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (sync->db, rc, "saving the sync state", error);
  sqlite3_bind_int64 (stmt, 1, sync->src.id);
  sqlite3_bind_text (stmt, 2, ts->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, next_url, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ts->since, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ts->run_started, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (sync->db, rc, "saving the sync state", error);
  return TRUE;
}

/* Inside the page's transaction: what this sync has stored so far. */
static gboolean
provenance_update (Sync    *sync,
                   GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) types = g_list_sort (g_hash_table_get_keys (sync->counts),
                                        (GCompareFunc) strcmp);
  g_autofree char *counts = NULL;
  g_autoptr(GChecksum) copy = g_checksum_copy (sync->digest);
  sqlite3_stmt *stmt = NULL;
  int rc;

  json_builder_begin_object (b);
  for (GList *l = types; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (sync->counts,
                                                                            l->data)));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  counts = json_generator_to_data (gen, NULL);

  rc = sqlite3_prepare_v2 (sync->db, "UPDATE provenance SET counts = ?, sha256 = ? WHERE id = ?",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (sync->db, rc, "recording provenance", error);
  sqlite3_bind_text (stmt, 1, counts, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, g_checksum_get_string (copy), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, sync->provenance_id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (sync->db, rc, "recording provenance", error);
  return TRUE;
}

/* }}} */
/* {{{ sync: answers */

static char *
outcome_text (JsonObject *oo)
{
  return hf_smart_outcome_text (oo);
}

static JsonParser *
parse_body (HfHttpRequest *req)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  HfJsonProblem problem = { 0 };
  gboolean ok;

  ok = hf_json_guard_check ((const char *) req->response->data, req->response->len, &problem);
  hf_json_problem_clear (&problem);
  if (!ok || !json_parser_load_from_data (parser, (const char *) req->response->data,
                                          req->response->len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return g_steal_pointer (&parser);
}

/* The OperationOutcome a failed answer may carry, in words. */
static char *
answer_outcome (HfHttpRequest *req)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *o;

  if (req->response == NULL || req->response->len == 0 || req->content_type == NULL ||
      strstr (req->content_type, "json") == NULL)
    return NULL;
  parser = parse_body (req);
  if (parser == NULL)
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (hf_json_string (o, "resourceType"), "OperationOutcome") != 0)
    return NULL;
  return outcome_text (o);
}

static gboolean
is_fhir_json (const char *content_type)
{
  return content_type != NULL &&
         (g_str_has_prefix (content_type, "application/fhir+json") ||
          g_str_has_prefix (content_type, "application/json"));
}

/* The server's clock when it answered, as FHIR instant, to ask for changes since. */
static char *
server_time (HfHttpRequest *req)
{
  gint64 when = req->date ? (gint64) curl_getdate (req->date, NULL) : -1;
  g_autoptr(GDateTime) dt = NULL;

  if (when < 0)
    when = req->sent_at > 0 ? g_get_real_time () / G_USEC_PER_SEC - 1
                            : g_get_real_time () / G_USEC_PER_SEC;
  dt = g_date_time_new_from_unix_utc (when);
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
join_url (const char *base,
          const char *path)
{
  return g_strdup_printf ("%s/%s", base, path);
}

static void submit_page (Sync       *sync,
                         TypeSync   *ts,
                         const char *url,
                         guint       delay_ms);
static void on_page     (HfHttp        *http,
                         HfHttpRequest *req,
                         gpointer       user_data);
static void on_attachment (HfHttp        *http,
                           HfHttpRequest *req,
                           gpointer       user_data);

/* The server's host, to name it in messages. */
static char *
base_host (Sync *sync)
{
  g_autoptr(GUri) uri = g_uri_parse (sync->src.info->base_url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : sync->src.info->base_url);
}

static char *
first_url (Sync     *sync,
           TypeSync *ts)
{
  g_autofree char *patient = g_uri_escape_string (sync->src.info->patient_id, NULL, FALSE);
  g_autoptr(GString) url = NULL;

  if (ts->is_patient)
    return g_strdup_printf ("%s/Patient/%s", sync->src.info->base_url, patient);
  url = g_string_new (NULL);
  g_string_printf (url, "%s/%s?patient=%s&_count=%u", sync->src.info->base_url, ts->type,
                   patient, sync->page_size);
  if (ts->since != NULL)
    {
      g_autofree char *since = g_uri_escape_string (ts->since, NULL, FALSE);
      /* "ge": a change in the same second as the last run's answer is fetched again rather
       * than missed; storing it twice changes nothing. */
      g_string_append_printf (url, "&_lastUpdated=ge%s", since);
    }
  return g_string_free (g_steal_pointer (&url), FALSE);
}

/* Queues a DocumentReference's files, inside the page's transaction. Inline data is stored
 * at once; a URL on the server's own origin is fetched later (the token goes nowhere else). */
static gboolean
note_attachments (Sync        *sync,
                  JsonObject  *doc,
                  GError     **error)
{
  JsonArray *content = hf_json_array (doc, "content");
  const char *id = hf_json_string (doc, "id");
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (content == NULL || id == NULL)
    return TRUE;
  rc = sqlite3_prepare_v2 (sync->db,
                           "INSERT INTO attachment (source_key, resource_type, fhir_id, url, "
                           "content_type, title, status, size, sha256, data, fetched_at) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING", -1, &stmt,
                           NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (sync->db, rc, "noting attachments", error);
  for (guint i = 0; i < json_array_get_length (content); i++)
    {
      JsonNode *n = json_array_get_element (content, i);
      JsonObject *att = hf_json_object (JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n)
                                                                  : NULL, "attachment");
      const char *url = hf_json_string (att, "url");
      const char *data = hf_json_string (att, "data");
      g_autofree char *full = NULL;
      g_autofree guchar *bytes = NULL;
      gsize size = 0;

      if (att == NULL || (url == NULL && data == NULL))
        continue;
      if (data != NULL)
        {
          full = g_strdup_printf ("#DocumentReference/%s/content/%u", id, i);
          bytes = g_base64_decode (data, &size);
        }
      else if (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"))
        {
          if (!hf_http_same_origin (url, sync->src.info->base_url))
            continue;
          full = g_strdup (url);
        }
      else if (!g_str_has_prefix (url, "urn:") && !g_str_has_prefix (url, "#"))
        full = join_url (sync->src.info->base_url, url);
      else
        continue;

      sqlite3_bind_text (stmt, 1, sync->key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, "DocumentReference", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, full, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, hf_json_string (att, "contentType"), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, hf_json_string (att, "title"), -1, SQLITE_STATIC);
      if (bytes != NULL && size <= MAX_ATTACHMENT_SIZE)
        {
          g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, size);
          sqlite3_bind_text (stmt, 7, "stored", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 8, size);
          sqlite3_bind_text (stmt, 9, sha, -1, SQLITE_TRANSIENT);
          sqlite3_bind_blob (stmt, 10, bytes, size, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 11, g_get_real_time ());
        }
      else
        sqlite3_bind_text (stmt, 7, bytes != NULL ? "too-large" : "pending", -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          return _hf_db_fail (sync->db, rc, "noting attachments", error);
        }
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static void
count_stored (Sync       *sync,
              const char *type)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (sync->counts, type));

  g_hash_table_insert (sync->counts, g_strdup (type), GUINT_TO_POINTER (n + 1));
}

/* One page (or the Patient) in one transaction, with the type's paging state. */
static gboolean
store_page (Sync        *sync,
            TypeSync    *ts,
            JsonObject  *root,
            const char  *text,
            gsize        length,
            const char  *next_url,
            GString     *outcomes,
            GError     **error)
{
  g_autofree char *where = g_strdup_printf ("%s page %u", ts->type, ts->result->pages + 1);
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (HfJsonSpan));
  HfJsonProblem problem = { 0 };
  HfImportResult *before = _hf_import_batch_get_result (sync->batch);
  guint64 stored_before = before->added + before->updated + before->history;
  guint64 stored;
  JsonArray *entries = NULL;
  g_autoptr(GArray) entry_span = NULL;
  guint n = 0;

  /* Each resource is stored as the server sent it, its exact bytes: the entries' resources
   * in the page's text, in order (the guard has already passed this text). */
  if (!ts->is_patient && !hf_json_guard_check_spans (text, length, spans, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT, "%s is not valid JSON: %s",
                   where, problem.reason);
      hf_json_problem_clear (&problem);
      return FALSE;
    }
  if (!_hf_db_begin (sync->db, error))
    return FALSE;
  if (ts->is_patient)
    {
      g_autofree char *what = g_strdup_printf ("The server “%s” holds", sync->src.info->name);

      /* A vault holds one person's record: someone else's stops the sync before anything of
       * theirs is stored, with the sentence an import would give. */
      if (!_hf_person_check_patient (sync->db, root, what,
                                     "Add this source to the vault of that person instead, or "
                                     "remove it with “source remove”.", error))
        {
          if (sync->fatal == NULL && error != NULL && *error != NULL)
            sync->fatal = g_error_copy (*error);
          goto fail;
        }
      if (!_hf_import_batch_add (sync->batch, root, text, length, where, error))
        goto fail;
      ts->result->resources++;
    }
  else
    {
      entries = hf_json_array (root, "entry");
      n = entries ? json_array_get_length (entries) : 0;
      /* Each entry's bytes by its place in the parse: a resource holding a Bundle of its
       * own has spans of its own entries, which are not this page's. */
      entry_span = hf_json_spans_entries (spans, -1, n);
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      JsonObject *r = hf_json_object (entry, "resource");
      const char *type = hf_json_string (r, "resourceType");
      g_autofree char *here = g_strdup_printf ("%s, entry %u", where, i);
      HfJsonSpan *bytes;

      if (r == NULL)
        continue;
      if (g_array_index (entry_span, gint, i) < 0)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "%s: its resources could not be matched to the page's text", here);
          goto fail;
        }
      bytes = &g_array_index (spans, HfJsonSpan, g_array_index (entry_span, gint, i));
      if (g_strcmp0 (type, "Bundle") == 0)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "%s is a Bundle inside a search result, which is not expected", here);
          goto fail;
        }
      if (g_strcmp0 (type, "OperationOutcome") == 0)
        {
          g_autofree char *said = outcome_text (r);
          if (said != NULL)
            g_string_append_printf (outcomes, "%s%s", outcomes->len ? "; " : "", said);
          continue;
        }
      if (!_hf_import_batch_add (sync->batch, r, text + bytes->offset, bytes->length, here,
                                 error))
        goto fail;
      if (g_strcmp0 (type, "DocumentReference") == 0 && !note_attachments (sync, r, error))
        goto fail;
      ts->result->resources++;
    }
  if (!_hf_import_batch_flush (sync->batch, error))
    goto fail;
  stored = before->added + before->updated + before->history;
  if (stored != stored_before)
    count_stored (sync, ts->type);
  if (!(ts->is_patient || state_save (sync, ts, next_url, error)) ||
      !provenance_update (sync, error) || !_hf_db_commit (sync->db, error))
    goto fail;
  return TRUE;

fail:
  _hf_db_rollback (sync->db);
  _hf_import_batch_discard (sync->batch);
  return FALSE;
}

/* Renews the access token once for everyone whose request carried GENERATION. */
static gboolean
renew_token (Sync    *sync,
             guint    generation,
             GError **error)
{
  g_autoptr(HfSmartTokens) renewed = NULL;

  if (generation != sync->token_generation)
    return TRUE;
  renewed = hf_smart_refresh (sync->http, sync->src.config, sync->src.info->client_id,
                              sync->tokens->refresh_token, sync->cancellable, error);
  if (renewed == NULL)
    {
      if (error != NULL && *error != NULL && (*error)->domain == HF_ERROR &&
          (*error)->code == HF_ERROR_AUTH)
        {
          g_clear_error (error);
          g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                       "The sign-in to “%s” has expired and could not be renewed. Sign in "
                       "again with “healthfolio-cli source login %s”; what was fetched is kept.",
                       sync->src.info->name, sync->src.info->name);
        }
      return FALSE;
    }
  if (renewed->refresh_token == NULL)
    renewed->refresh_token = g_strdup (sync->tokens->refresh_token);
  /* The rotated refresh token is safe in the vault before the new access token is used. */
  if (!tokens_commit (sync->db, sync->src.id, renewed, error))
    return FALSE;
  hf_smart_tokens_free (sync->tokens);
  sync->tokens = g_steal_pointer (&renewed);
  sync->token_generation++;
  return TRUE;
}

static void
retry_later (Sync          *sync,
             HfHttpRequest *req,
             guint          delay_ms)
{
  RequestData *rd = req->user_data;

  req->attempt++;
  if (sync->tokens != NULL)
    {
      wipe_free (req->bearer);
      req->bearer = g_strdup (sync->tokens->access_token);
      rd->generation = sync->token_generation;
    }
  hf_http_submit (sync->http, req, delay_ms);
}

static guint
backoff (Sync *sync,
         guint attempt)
{
  return sync->backoff_ms << MIN (attempt, 6);
}

typedef enum
{
  COMMON_NONE,      /* nothing common: the caller reads the answer */
  COMMON_RETRIED,   /* submitted again */
  COMMON_FAILED,    /* the type failed, or the sync stopped */
} Common;

/* Handles what every request can meet: 401, 429/503, 5xx, transport failures. TS is NULL
 * for a document's file, whose failure fails nothing else. */
static Common
handle_common (Sync          *sync,
               TypeSync      *ts,
               HfHttpRequest *req,
               const char    *what)
{
  RequestData *rd = req->user_data;
  g_autofree char *outcome = NULL;

  if (req->error != NULL)
    {
      if (req->retryable && req->attempt + 2 < MAX_ATTEMPTS)
        {
          retry_later (sync, req, backoff (sync, req->attempt));
          return COMMON_RETRIED;
        }
      if (ts != NULL)
        type_fail (ts, req->error->domain == HF_ERROR ? req->error->code : HF_ERROR_NETWORK,
                   "%s (%s)", req->error->message, what);
      return COMMON_FAILED;
    }
  if (req->status == 401 && sync->tokens != NULL && !rd->auth_retried)
    {
      g_autoptr(GError) error = NULL;
      if (!renew_token (sync, rd->generation, &error))
        {
          if (sync->fatal == NULL)
            sync->fatal = g_steal_pointer (&error);
          return COMMON_FAILED;
        }
      rd->auth_retried = TRUE;
      retry_later (sync, req, 0);
      return COMMON_RETRIED;
    }
  if (req->status == 401)
    {
      if (sync->fatal == NULL)
        g_set_error (&sync->fatal, HF_ERROR, HF_ERROR_AUTH,
                     "“%s” no longer accepts the sign-in. Sign in again with "
                     "“healthfolio-cli source login %s”; what was fetched is kept.",
                     sync->src.info->name, sync->src.info->name);
      return COMMON_FAILED;
    }
  if (req->status == 429 || req->status == 503)
    {
      gint64 wait_s = hf_http_parse_retry_after (req->retry_after);
      guint delay = wait_s >= 0 ? (guint) MIN (wait_s, G_MAXUINT / 1000) * 1000
                                : backoff (sync, req->attempt);
      g_autofree char *msg = NULL;

      if (req->attempt + 1 >= MAX_ATTEMPTS || delay / 1000 > sync->max_retry_wait_s)
        {
          if (ts != NULL)
            type_fail (ts, HF_ERROR_NETWORK,
                       "the server is busy (HTTP %ld) and asked to wait %u seconds; try the "
                       "sync again later", req->status, delay / 1000);
          return COMMON_FAILED;
        }
      msg = g_strdup_printf ("the server is busy; waiting %.1f seconds as it asked",
                             delay / 1000.0);
      if (ts != NULL)
        emit (sync, ts, HF_SYNC_EVENT_WAITING, msg);
      retry_later (sync, req, delay);
      return COMMON_RETRIED;
    }
  if (req->status >= 500)
    {
      if (req->attempt + 2 < MAX_ATTEMPTS)
        {
          retry_later (sync, req, backoff (sync, req->attempt));
          return COMMON_RETRIED;
        }
      outcome = answer_outcome (req);
      if (ts != NULL)
        type_fail (ts, HF_ERROR_NETWORK, "the server failed (HTTP %ld%s%s)", req->status,
                   outcome ? ": " : "", outcome ? outcome : "");
      return COMMON_FAILED;
    }
  return COMMON_NONE;
}

static void
on_page (HfHttp        *http,
         HfHttpRequest *req,
         gpointer       user_data)
{
  RequestData *rd = user_data;
  TypeSync *ts = rd->ts;
  Sync *sync = ts->sync;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) outcomes = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *next = NULL;
  gboolean resubmitted = FALSE;
  gboolean follow;
  gboolean stored;
  gint64 t0;
  JsonObject *root;
  const char *rtype;
  JsonArray *links;

  sync->result->requests++;
  /* Once cancelled, nothing more is stored: the paging state still points at this page. */
  if (sync->fatal != NULL || ts->finished || g_cancellable_is_cancelled (sync->cancellable))
    goto out;
  switch (handle_common (sync, ts, req, ts->is_patient ? "reading the patient" : "searching"))
    {
    case COMMON_RETRIED:
      resubmitted = TRUE;
      goto out;
    case COMMON_FAILED:
      goto out;
    case COMMON_NONE:
    default:
      break;
    }

  if (req->status != 200)
    {
      outcome = answer_outcome (req);
      if (ts->resuming && !ts->is_patient)
        {
          /* A stored next link the server no longer knows: start the type over. */
          ts->resuming = FALSE;
          g_clear_pointer (&ts->run_started, g_free);
          g_free (req->url);
          req->url = first_url (sync, ts);
          g_hash_table_add (ts->fetched, g_strdup (req->url));
          req->attempt = 0;
          retry_later (sync, req, 0);
          resubmitted = TRUE;
          goto out;
        }
      if ((req->status == 403 || req->status == 404) && !ts->is_patient)
        {
          g_free (ts->result->message);
          ts->result->message = g_strdup_printf ("the server does not share %s (HTTP %ld%s%s)",
                                                 ts->type, req->status, outcome ? ": " : "",
                                                 outcome ? outcome : "");
          type_finish (ts, HF_SYNC_EVENT_SKIPPED, NULL);
          goto out;
        }
      type_fail (ts, req->status == 403 || req->status == 404 ? HF_ERROR_NOT_FOUND
                                                              : HF_ERROR_NETWORK,
                 "the server refused the request (HTTP %ld%s%s)", req->status,
                 outcome ? ": " : "", outcome ? outcome : "");
      goto out;
    }

  if (!is_fhir_json (req->content_type))
    {
      type_fail (ts, HF_ERROR_INVALID_INPUT,
                 "the server answered with “%s” instead of FHIR JSON; nothing of this page "
                 "was stored", req->content_type ? req->content_type : "no content type");
      goto out;
    }
  parser = parse_body (req);
  if (parser == NULL)
    {
      type_fail (ts, HF_ERROR_INVALID_INPUT,
                 "the server's answer (page %u) is not valid JSON (cut short?); nothing of "
                 "this page was stored", ts->result->pages + 1);
      goto out;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  rtype = hf_json_string (root, "resourceType");
  if (g_strcmp0 (rtype, "OperationOutcome") == 0)
    {
      outcome = outcome_text (root);
      type_fail (ts, HF_ERROR_NETWORK, "the server answered with an error: %s",
                 outcome ? outcome : "(no details)");
      goto out;
    }
  if (g_strcmp0 (rtype, ts->is_patient ? "Patient" : "Bundle") != 0)
    {
      type_fail (ts, HF_ERROR_INVALID_INPUT, "the server answered with a %s instead of a %s",
                 rtype ? rtype : "value that is not a FHIR resource",
                 ts->is_patient ? "Patient" : "Bundle");
      goto out;
    }

  links = hf_json_array (root, "link");
  for (guint i = 0; links != NULL && i < json_array_get_length (links); i++)
    {
      JsonNode *n = json_array_get_element (links, i);
      JsonObject *link = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      if (g_strcmp0 (hf_json_string (link, "relation"), "next") == 0 &&
          hf_json_string (link, "url") != NULL)
        next = g_strdup (hf_json_string (link, "url"));
    }
  if (next != NULL && (!hf_http_same_origin (next, sync->src.info->base_url) ||
                       !hf_http_url_allowed (next, NULL)))
    {
      g_autoptr(GUri) uri = g_uri_parse (next, G_URI_FLAGS_NONE, NULL);
      type_fail (ts, HF_ERROR_INVALID_INPUT,
                 "the server's link to the next page points to another site (%s); Healthfolio "
                 "only follows links on the server itself, so this page was not stored",
                 uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "an invalid address");
      goto out;
    }

  if (ts->is_patient)
    g_clear_pointer (&next, g_free);
  /* A next link to a page already fetched would page for ever; this page is not stored, so
   * the stored state still points at it. */
  if (next != NULL && g_hash_table_contains (ts->fetched, next))
    {
      g_autofree char *host = base_host (sync);
      type_fail (ts, HF_ERROR_INVALID_INPUT,
                 "the server %s links to a next page it already sent in this sync (paging "
                 "would never end), so Healthfolio stopped this type there", host);
      goto out;
    }
  follow = next != NULL && ts->result->pages + 1 < sync->max_pages;

  if (ts->run_started == NULL)
    ts->run_started = server_time (req);
  g_checksum_update (sync->digest, req->response->data, req->response->len);
  /* The next page is on its way while this one is stored. Should storing fail, its answer
   * finds the type finished and is dropped; the stored state still points at it. */
  if (follow)
    submit_page (sync, ts, next, 0);
  t0 = g_get_monotonic_time ();
  stored = store_page (sync, ts, root, (const char *) req->response->data, req->response->len,
                       next, outcomes, &error);
  sync->result->store_us += g_get_monotonic_time () - t0;
  if (!stored)
    {
      type_fail (ts, error->domain == HF_ERROR ? error->code : HF_ERROR_FAILED,
                 "%s", error->message);
      goto out;
    }
  ts->resuming = FALSE;
  ts->result->pages++;
  sync->result->pages++;
  emit (sync, ts, HF_SYNC_EVENT_PAGE, outcomes->len ? outcomes->str : NULL);
  if (outcomes->len)
    {
      g_free (ts->result->message);
      ts->result->message = g_strdup (outcomes->str);
    }
  if (next == NULL)
    type_finish (ts, HF_SYNC_EVENT_DONE, NULL);
  else if (!follow)
    {
      /* The stored state points at the next page: the next sync goes on from there. */
      g_autofree char *host = base_host (sync);
      type_fail (ts, HF_ERROR_INVALID_INPUT,
                 "the server %s has more than %u pages of %s; Healthfolio fetches at most %u "
                 "pages of a type in one sync, and the next sync goes on from there", host,
                 sync->max_pages, ts->type, sync->max_pages);
    }

out:
  if (!resubmitted)
    g_free (rd);
}

static void
submit_page (Sync       *sync,
             TypeSync   *ts,
             const char *url,
             guint       delay_ms)
{
  HfHttpRequest *req = hf_http_request_new (url);
  RequestData *rd = g_new0 (RequestData, 1);

  rd->ts = ts;
  rd->generation = sync->token_generation;
  req->accept = g_strdup ("application/fhir+json");
  req->max_size = MAX_PAGE_SIZE;
  req->bearer = sync->tokens ? g_strdup (sync->tokens->access_token) : NULL;
  req->done = on_page;
  req->user_data = rd;
  g_hash_table_add (ts->fetched, g_strdup (url));
  if (!ts->started)
    emit (sync, ts, HF_SYNC_EVENT_STARTED, NULL);
  ts->started = TRUE;
  hf_http_submit (sync->http, req, delay_ms);
}

/* }}} */
/* {{{ sync: attachments */

static void
attachment_status (Sync        *sync,
                   gint64       id,
                   const char  *status,
                   HfHttpRequest *req)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sha = NULL;
  int rc;

  if (!_hf_db_begin (sync->db, NULL))
    return;
  rc = sqlite3_prepare_v2 (sync->db,
                           "UPDATE attachment SET status = ?, size = ?, sha256 = ?, data = ?, "
                           "content_type = coalesce (content_type, ?), fetched_at = ? WHERE id = ?",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, status, -1, SQLITE_STATIC);
      if (req != NULL)
        {
          sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, req->response->data,
                                             req->response->len);
          sqlite3_bind_int64 (stmt, 2, req->response->len);
          sqlite3_bind_text (stmt, 3, sha, -1, SQLITE_STATIC);
          sqlite3_bind_blob (stmt, 4, req->response->data, req->response->len, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, req->content_type, -1, SQLITE_STATIC);
        }
      sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
      sqlite3_bind_int64 (stmt, 7, id);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE || !_hf_db_commit (sync->db, NULL))
    _hf_db_rollback (sync->db);
}

static void
on_attachment (HfHttp        *http,
               HfHttpRequest *req,
               gpointer       user_data)
{
  RequestData *rd = user_data;
  Sync *sync = rd->ts->sync;

  sync->result->requests++;
  if (sync->fatal != NULL)
    {
      g_free (rd);
      return;
    }
  if (req->error != NULL && g_error_matches (req->error, HF_ERROR, HF_ERROR_INVALID_INPUT))
    attachment_status (sync, rd->attachment_id, "too-large", NULL);
  else
    switch (handle_common (sync, NULL, req, "fetching a document"))
      {
      case COMMON_RETRIED:
        return;
      case COMMON_FAILED:
        /* Still pending: the next sync tries again, unless the sign-in is gone. */
        break;
      case COMMON_NONE:
      default:
        if (req->status == 200)
          {
            attachment_status (sync, rd->attachment_id, "stored", req);
            sync->result->attachments++;
            emit (sync, NULL, HF_SYNC_EVENT_ATTACHMENT, NULL);
          }
        else
          attachment_status (sync, rd->attachment_id, "failed", NULL);
        break;
      }
  g_free (rd);
}

/* Fetches every document file still pending for this source (also from earlier runs). */
static void
submit_attachments (Sync     *sync,
                    TypeSync *owner)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (sync->db, "SELECT id, url, content_type FROM attachment "
                          "WHERE source_key = ? AND status = 'pending' ORDER BY id", -1, &stmt,
                          NULL) != SQLITE_OK)
    return;
  sqlite3_bind_text (stmt, 1, sync->key, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *url = column_text (stmt, 1);
      HfHttpRequest *req;
      RequestData *rd;

      if (!hf_http_same_origin (url, sync->src.info->base_url))
        continue;
      req = hf_http_request_new (url);
      rd = g_new0 (RequestData, 1);
      rd->ts = owner;
      rd->generation = sync->token_generation;
      rd->attachment_id = sqlite3_column_int64 (stmt, 0);
      req->accept = g_strdup (column_text (stmt, 2) ? column_text (stmt, 2) : "*/*");
      req->max_size = MAX_ATTACHMENT_SIZE;
      req->bearer = sync->tokens ? g_strdup (sync->tokens->access_token) : NULL;
      req->done = on_attachment;
      req->user_data = rd;
      hf_http_submit (sync->http, req, 0);
    }
  sqlite3_finalize (stmt);
}

/* }}} */
/* {{{ sync: the whole */

static gboolean
provenance_begin (Sync    *sync,
                  GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!_hf_db_begin (sync->db, error))
    return FALSE;
  rc = sqlite3_prepare_v2 (sync->db, "INSERT INTO provenance (source, sha256, imported_at, actor) "
                           "VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, sync->key, -1, SQLITE_STATIC);
      /* Filled in, with the counts, as pages are stored. */
      sqlite3_bind_text (stmt, 2, "", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
      sqlite3_bind_text (stmt, 4, hf_vault_get_member_name (sync->vault), -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (sync->db, rc, "recording provenance", error);
      _hf_db_rollback (sync->db);
      return FALSE;
    }
  sync->provenance_id = sqlite3_last_insert_rowid (sync->db);
  return _hf_db_commit (sync->db, error);
}

static char *
describe_sync (Sync         *sync,
               const GError *error)
{
  HfImportResult *r = _hf_import_batch_get_result (sync->batch);
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_printf (s, "%s: %u pages, %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
                   " updated, %" G_GUINT64_FORMAT " unchanged, %u documents",
                   sync->src.info->name, sync->result->pages, r->added, r->updated,
                   r->unchanged, sync->result->attachments);
  for (guint i = 0; i < sync->types->len; i++)
    {
      TypeSync *ts = g_ptr_array_index (sync->types, i);
      if (ts->result->outcome == HF_SYNC_EVENT_SKIPPED)
        g_string_append_printf (s, "; %s skipped", ts->type);
      else if (ts->result->outcome == HF_SYNC_EVENT_FAILED)
        g_string_append_printf (s, "; %s failed", ts->type);
    }
  if (error != NULL)
    g_string_append (s, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                        ? "; cancelled" : "; incomplete");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
sync_clear (Sync *sync)
{
  source_clear (&sync->src);
  g_free (sync->key);
  g_clear_pointer (&sync->http, hf_http_free);
  g_clear_pointer (&sync->batch, _hf_import_batch_free);
  g_clear_pointer (&sync->digest, g_checksum_free);
  g_clear_pointer (&sync->counts, g_hash_table_unref);
  g_clear_pointer (&sync->tokens, hf_smart_tokens_free);
  g_clear_error (&sync->fatal);
  g_clear_error (&sync->first_failure);
  g_clear_pointer (&sync->types, g_ptr_array_unref);
  g_clear_pointer (&sync->result, hf_sync_result_free);
}

static TypeSync *
type_sync_new (Sync       *sync,
               const char *type)
{
  TypeSync *ts = g_new0 (TypeSync, 1);

  ts->sync = sync;
  ts->type = g_strdup (type);
  ts->fetched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ts->result = g_new0 (HfSyncTypeResult, 1);
  ts->result->type = g_strdup (type);
  ts->result->outcome = HF_SYNC_EVENT_STARTED;
  g_ptr_array_add (sync->result->types, ts->result);
  g_ptr_array_add (sync->types, ts);
  return ts;
}

static gboolean
finish_run (Sync     *sync,
            GError  **error)
{
  g_autoptr(GError) run_error = NULL;

  if (!hf_http_run (sync->http, sync->cancellable, &run_error))
    {
      g_propagate_error (error, g_steal_pointer (&run_error));
      return FALSE;
    }
  if (sync->fatal != NULL)
    {
      g_propagate_error (error, g_error_copy (sync->fatal));
      return FALSE;
    }
  return TRUE;
}

gboolean
hf_source_sync (HfVault                *vault,
                const char             *name,
                const HfSourceOptions  *options,
                HfSyncProgressFunc      progress,
                gpointer                user_data,
                GCancellable           *cancellable,
                HfSyncResult          **out,
                GError                **error)
{
  Sync sync = { 0 };
  g_autoptr(GError) local = NULL;
  g_autofree char *detail = NULL;
  gint64 started = g_get_monotonic_time ();
  TypeSync *patient;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "sync sources", error))
    return FALSE;
  sync.vault = vault;
  sync.db = _hf_vault_get_db (vault);
  if (!source_load (sync.db, name, &sync.src, error))
    return FALSE;
  if (!source_usable (&sync.src, error))
    {
      source_clear (&sync.src);
      return FALSE;
    }
  sync.key = source_key (name);
  sync.options = options;
  sync.progress = progress;
  sync.progress_data = user_data;
  sync.cancellable = cancellable;
  sync.page_size = options && options->page_size ? options->page_size : DEFAULT_PAGE_SIZE;
  sync.max_pages = g_atomic_int_get (&max_pages_override);
  if (sync.max_pages == 0)
    sync.max_pages = DEFAULT_MAX_PAGES;
  sync.backoff_ms = options && options->backoff_ms ? options->backoff_ms : DEFAULT_BACKOFF_MS;
  sync.max_retry_wait_s = options && options->max_retry_wait_s ? options->max_retry_wait_s
                                                               : DEFAULT_MAX_RETRY_WAIT;
  sync.digest = g_checksum_new (G_CHECKSUM_SHA256);
  sync.counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sync.types = g_ptr_array_new_with_free_func ((GDestroyNotify) type_sync_free);
  sync.result = g_new0 (HfSyncResult, 1);
  sync.result->source = g_strdup (name);
  sync.result->types = g_ptr_array_new_with_free_func ((GDestroyNotify) type_result_free);

  if (sync.src.info->auth == HF_SOURCE_AUTH_SMART)
    {
      sync.tokens = tokens_load (sync.db, sync.src.id);
      if (sync.tokens == NULL)
        {
          g_set_error (&local, HF_ERROR, HF_ERROR_AUTH,
                       "You are not signed in to “%s”. Sign in with “healthfolio-cli source "
                       "login %s” first.", name, name);
          goto out;
        }
    }
  if (sync.src.info->patient_id == NULL)
    {
      g_set_error (&local, HF_ERROR, HF_ERROR_USAGE,
                   "It is not known whose record to fetch from “%s”; sign in again.", name);
      goto out;
    }
  sync.http = make_http (sync.src.info->ca_file, options, &local);
  if (sync.http == NULL)
    goto out;
  if (sync.tokens != NULL && sync.tokens->expires_at != 0 &&
      sync.tokens->expires_at - REFRESH_MARGIN_S < g_get_real_time () / G_USEC_PER_SEC &&
      !renew_token (&sync, sync.token_generation, &local))
    goto out;
  if (!provenance_begin (&sync, &local))
    goto out;
  sync.batch = _hf_import_batch_new (vault, sync.key, sync.provenance_id, &local);
  if (sync.batch == NULL)
    goto out;

  /* The Patient first: the other types are about them. */
  patient = type_sync_new (&sync, "Patient");
  patient->is_patient = TRUE;
  for (guint i = 0; i < sync.src.config->types->len; i++)
    type_sync_new (&sync, g_ptr_array_index (sync.src.config->types, i));
  {
    g_autofree char *url = first_url (&sync, patient);
    submit_page (&sync, patient, url, 0);
  }
  if (!finish_run (&sync, &local))
    goto out;

  for (guint i = 1; i < sync.types->len; i++)
    {
      TypeSync *ts = g_ptr_array_index (sync.types, i);
      g_autofree char *next = NULL;
      g_autofree char *url = NULL;

      state_load (&sync, ts, &next);
      if (next != NULL && (!hf_http_same_origin (next, sync.src.info->base_url)))
        g_clear_pointer (&next, g_free);
      url = next ? g_steal_pointer (&next) : first_url (&sync, ts);
      submit_page (&sync, ts, url, 0);
    }
  submit_attachments (&sync, patient);
  if (!finish_run (&sync, &local))
    goto out;
  /* Documents noted by the pages just stored. */
  submit_attachments (&sync, patient);
  if (!finish_run (&sync, &local))
    goto out;

  if (sync.first_failure != NULL)
    {
      g_autoptr(GString) msg = g_string_new (NULL);
      g_string_printf (msg, "The sync of “%s” is incomplete: ", name);
      for (guint i = 0; i < sync.types->len; i++)
        {
          TypeSync *ts = g_ptr_array_index (sync.types, i);
          if (ts->result->outcome == HF_SYNC_EVENT_FAILED)
            g_string_append_printf (msg, "%s. ", ts->result->message);
        }
      g_string_append (msg, "What was fetched is kept; run the sync again to go on.");
      local = g_error_new_literal (HF_ERROR, sync.first_failure->domain == HF_ERROR
                                             ? sync.first_failure->code : HF_ERROR_NETWORK,
                                   msg->str);
      goto out;
    }
  ok = TRUE;

out:
  if (sync.batch != NULL)
    {
      HfImportResult *r = _hf_import_batch_get_result (sync.batch);
      sync.result->added = r->added;
      sync.result->updated = r->updated;
      sync.result->history = r->history;
      sync.result->unchanged = r->unchanged;
      detail = describe_sync (&sync, local);
      /* Activity log and the source's last status: whatever happened, the sync is recorded. */
      if (_hf_db_begin (sync.db, NULL))
        {
          gboolean logged =
            _hf_audit_append (sync.db, _hf_vault_get_audit_key (vault),
                              hf_vault_get_member_name (vault), "source sync", detail,
                              ok ? error : NULL) &&
            sqlite3_prepare_v2 (sync.db, "UPDATE source SET last_sync = ?, last_status = ? "
                                "WHERE id = ?", -1, &stmt, NULL) == SQLITE_OK;
          if (logged)
            {
              sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
              sqlite3_bind_text (stmt, 2, ok ? "complete" : local ? local->message : "failed",
                                 -1, SQLITE_STATIC);
              sqlite3_bind_int64 (stmt, 3, sync.src.id);
              logged = sqlite3_step (stmt) == SQLITE_DONE;
              sqlite3_finalize (stmt);
            }
          if (!logged || !_hf_db_commit (sync.db, ok ? error : NULL))
            {
              _hf_db_rollback (sync.db);
              ok = FALSE;
            }
        }
      else if (ok)
        ok = FALSE;
    }
  sync.result->elapsed_us = g_get_monotonic_time () - started;
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (!ok && error != NULL && *error == NULL)
    g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "The sync could not be recorded.");
  if (out != NULL)
    *out = g_steal_pointer (&sync.result);
  sync_clear (&sync);
  return ok;
}

/* }}} */

/* {{{ sync in a worker thread */

typedef struct
{
  char               *name;
  HfSourceOptions     options;
  HfSyncProgressFunc  progress;
  gpointer            user_data;
  GMainContext       *context;
  HfSyncResult       *result;
  GError             *error;
} SyncTask;

typedef struct
{
  HfSyncProgress      p;
  char               *source;
  char               *type;
  char               *message;
  HfSyncProgressFunc  progress;
  gpointer            user_data;
} ProgressCopy;

static void
sync_task_free (SyncTask *st)
{
  g_free (st->name);
  g_main_context_unref (st->context);
  hf_sync_result_free (st->result);
  g_clear_error (&st->error);
  g_free (st);
}

static void
progress_copy_free (ProgressCopy *pc)
{
  g_free (pc->source);
  g_free (pc->type);
  g_free (pc->message);
  g_free (pc);
}

static gboolean
progress_deliver_cb (gpointer data)
{
  ProgressCopy *pc = data;

  pc->p.source = pc->source;
  pc->p.type = pc->type;
  pc->p.message = pc->message;
  pc->progress (&pc->p, pc->user_data);
  return G_SOURCE_REMOVE;
}

/* In the worker: hands a copy of the report to the caller's main context. */
static void
progress_forward_cb (const HfSyncProgress *p,
                     gpointer              user_data)
{
  SyncTask *st = user_data;
  ProgressCopy *pc = g_new0 (ProgressCopy, 1);

  pc->p = *p;
  pc->source = g_strdup (p->source);
  pc->type = g_strdup (p->type);
  pc->message = g_strdup (p->message);
  pc->progress = st->progress;
  pc->user_data = st->user_data;
  g_main_context_invoke_full (st->context, G_PRIORITY_DEFAULT, progress_deliver_cb, pc,
                              (GDestroyNotify) progress_copy_free);
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SyncTask *st = task_data;
  GError *error = NULL;

  if (hf_source_sync (HF_VAULT (source_object), st->name, &st->options,
                      st->progress ? progress_forward_cb : NULL, st, cancellable, &st->result,
                      &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hf_source_sync_async (HfVault                *vault,
                      const char             *name,
                      const HfSourceOptions  *options,
                      HfSyncProgressFunc      progress,
                      gpointer                user_data,
                      GCancellable           *cancellable,
                      GAsyncReadyCallback     callback,
                      gpointer                callback_data)
{
  g_autoptr(GTask) task = NULL;
  SyncTask *st;

  g_return_if_fail (HF_IS_VAULT (vault));
  g_return_if_fail (name != NULL);

  st = g_new0 (SyncTask, 1);
  st->name = g_strdup (name);
  if (options != NULL)
    st->options = *options;
  st->progress = progress;
  st->user_data = user_data;
  st->context = g_main_context_ref_thread_default ();
  task = g_task_new (vault, cancellable, callback, callback_data);
  g_task_set_source_tag (task, (gpointer) (guintptr) hf_source_sync_async);
  g_task_set_task_data (task, st, (GDestroyNotify) sync_task_free);
  g_task_run_in_thread (task, sync_thread);
}

gboolean
hf_source_sync_finish (HfVault       *vault,
                       GAsyncResult  *result,
                       HfSyncResult **sync_result,
                       GError       **error)
{
  SyncTask *st;

  g_return_val_if_fail (g_task_is_valid (result, vault), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        (gpointer) (guintptr) hf_source_sync_async, FALSE);

  st = g_task_get_task_data (G_TASK (result));
  if (sync_result != NULL)
    *sync_result = g_steal_pointer (&st->result);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */
