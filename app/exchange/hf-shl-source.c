/* hf-shl-source.c — SMART Health Links kept as sources, and synced again
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An "L" link says its files may change and may be fetched again. Kept under a name, it is
 * stored whole (its key is what opens the files; the vault is encrypted) and each sync opens
 * it anew through hf_shl_import(), so that what changed is added and what did not stays as it
 * is. The sources layer, below this one, knows nothing of links: the CLI sends "source" commands
 * on a link's name here.
 */

#include "hf-shl-private.h"

#include <string.h>

#include "hf-error.h"
#include "hf-vault-private.h"

gboolean
_hf_shl_migrate (sqlite3  *db,
                 GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE shl_source ("
    "  name        TEXT PRIMARY KEY,"
    "  link        TEXT NOT NULL,"           /* shlink:/…, the key inside */
    "  recipient   TEXT NOT NULL,"
    "  added       INTEGER NOT NULL,"        /* seconds since the epoch */
    "  last_sync   INTEGER,"
    "  last_status TEXT"
    ");",
    error);
}

void
hf_shl_source_free (HfShlSource *source)
{
  if (source == NULL)
    return;
  g_free (source->name);
  if (source->uri != NULL)
    {
      memset (source->uri, 0, strlen (source->uri));
      g_free (source->uri);
    }
  g_free (source->url);
  g_free (source->label);
  g_free (source->recipient);
  g_free (source->last_status);
  g_free (source);
}

static HfShlSource *
source_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(HfShlSource) source = g_new0 (HfShlSource, 1);
  g_autoptr(HfShlLink) link = NULL;
  g_autoptr(GError) local = NULL;

  source->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  source->uri = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  source->recipient = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  source->added = sqlite3_column_int64 (stmt, 3);
  source->last_sync = sqlite3_column_int64 (stmt, 4);
  source->last_status = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  link = hf_shl_link_parse (source->uri != NULL ? source->uri : "", -1, &local);
  if (link != NULL)
    {
      source->url = g_strdup (link->url);
      source->label = g_strdup (link->label);
      source->exp = link->exp;
      source->passcode = (link->flags & HF_SHL_FLAG_PASSCODE) != 0;
    }
  return g_steal_pointer (&source);
}

#define COLUMNS "name, link, recipient, added, last_sync, last_status"

static HfShlSource *
source_load (sqlite3     *db,
             const char  *name,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  HfShlSource *source = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT " COLUMNS " FROM shl_source WHERE name = ?", -1, &stmt,
                           NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        source = source_from_row (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    return source;
  if (rc == SQLITE_DONE)
    g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND, "No SMART Health Link is kept as “%s”.",
                 name);
  else
    _hf_db_fail (db, rc, "reading the kept links", error);
  return NULL;
}

HfShlSource *
hf_shl_source_add (HfVault     *vault,
                   const char  *name,
                   const char  *link_text,
                   const char  *recipient,
                   GError     **error)
{
  g_autoptr(HfShlLink) link = NULL;
  g_autoptr(HfShlSource) existing = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (name != NULL && link_text != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "add sources", error))
    return NULL;
  if (*name == '\0' || strlen (name) > 200 || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "A source's name is 1 to 200 characters.");
      return NULL;
    }
  link = hf_shl_link_parse (link_text, -1, error);
  if (link == NULL)
    return NULL;
  if (!(link->flags & HF_SHL_FLAG_LONG_TERM))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This link is for one look (it has no “L” flag), so it cannot be kept as a "
                   "source; import it instead.");
      return NULL;
    }
  if (hf_shl_link_is_expired (link, g_get_real_time () / G_USEC_PER_SEC))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "This link has expired, so it cannot be kept as a source; ask whoever "
                   "shared it for a new one.");
      return NULL;
    }
  db = _hf_vault_get_db (vault);
  existing = source_load (db, name, &local);
  if (existing != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_EXISTS, "A source named “%s” exists already.",
                   name);
      return NULL;
    }
  if (!g_error_matches (local, HF_ERROR, HF_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (recipient == NULL || *recipient == '\0')
    recipient = "Healthfolio";
  if (!_hf_db_begin (db, error))
    return NULL;
  rc = sqlite3_prepare_v2 (db, "INSERT INTO shl_source (name, link, recipient, added) "
                               "VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, link->uri, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, recipient, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  /* The activity log names the link's server, never the link (its key). */
  detail = g_strdup_printf ("%s: SMART Health Link at %s", name, link->url);
  if ((rc != SQLITE_DONE && !_hf_db_fail (db, rc, "keeping the link", error)) ||
      !_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "source add", detail, error) ||
      !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return NULL;
    }
  return source_load (db, name, error);
}

HfShlSource *
hf_shl_source_get (HfVault     *vault,
                   const char  *name,
                   GError     **error)
{
  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read sources", error))
    return NULL;
  return source_load (_hf_vault_get_db (vault), name, error);
}

GPtrArray *
hf_shl_source_list (HfVault  *vault,
                    GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_shl_source_free);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "list sources", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT " COLUMNS " FROM shl_source ORDER BY name", -1, &stmt,
                           NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (list, source_from_row (stmt));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "listing the kept links", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
hf_shl_source_remove (HfVault     *vault,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(HfShlSource) source = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "remove sources", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  source = source_load (db, name, error);
  if (source == NULL || !_hf_db_begin (db, error))
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "DELETE FROM shl_source WHERE name = ?", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  detail = g_strdup_printf ("%s: SMART Health Link at %s; its records are kept", name,
                            source->url != NULL ? source->url : "?");
  if ((rc != SQLITE_DONE && !_hf_db_fail (db, rc, "forgetting the link", error)) ||
      !_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "source remove", detail, error) ||
      !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static void
note_sync (sqlite3    *db,
           const char *name,
           const char *status)
{
  sqlite3_stmt *stmt = NULL;

  /* What the last sync did, best effort: the import has committed or rolled back already. */
  if (sqlite3_prepare_v2 (db, "UPDATE shl_source SET last_sync = ?, last_status = ? "
                              "WHERE name = ?", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
      sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
}

gboolean
hf_shl_source_sync (HfVault                 *vault,
                    const char              *name,
                    const HfShlOpenOptions  *options,
                    const HfImportOptions   *import_options,
                    GCancellable            *cancellable,
                    HfShlImport            **out,
                    GError                 **error)
{
  g_autoptr(HfShlSource) source = NULL;
  g_autoptr(HfShlLink) link = NULL;
  g_autoptr(HfShlImport) result = NULL;
  g_autofree char *status = NULL;
  HfShlOpenOptions opened = { 0 };
  GError *local = NULL;
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "sync sources", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  source = source_load (db, name, error);
  if (source == NULL)
    return FALSE;
  link = hf_shl_link_parse (source->uri, -1, error);
  if (link == NULL)
    return FALSE;
  if (options != NULL)
    opened = *options;
  if (opened.recipient == NULL)
    opened.recipient = source->recipient;
  if (!hf_shl_import (vault, link, &opened, import_options, cancellable, &result, &local))
    {
      note_sync (db, name, local->message);
      g_propagate_error (error, local);
      return FALSE;
    }
  status = g_strdup_printf ("%u files: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
                            " updated, %" G_GUINT64_FORMAT " unchanged", result->files,
                            result->imported->added, result->imported->updated,
                            result->imported->unchanged);
  note_sync (db, name, status);
  if (out != NULL)
    *out = g_steal_pointer (&result);
  return TRUE;
}
