/* hf-db.c — small SQLite helpers shared by the core modules
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-vault-private.h"

#include "hf-error.h"

/* SQLCipher reports an authentication failure of a page as corruption. Either way the file
 * was damaged or modified outside Healthfolio, which is an integrity failure, not a bug. */
gboolean
_hf_db_fail (sqlite3     *db,
             int          rc,
             const char  *what,
             GError     **error)
{
  int primary = rc & 0xff;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                 "The vault's database is damaged or was modified outside Healthfolio "
                 "(%s: %s). Run “healthfolio-cli vault check” for details and restore the "
                 ".hfvault file from a backup.", what, sqlite3_errstr (rc));
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                 "The vault is busy in another program (%s). Close it there and try again.",
                 what);
  else if (primary == SQLITE_FULL)
    g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                 "The disk is full (%s). Free some space and try again; nothing was lost.",
                 what);
  else
    g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Database error while %s: %s.",
                 what, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

gboolean
_hf_db_exec (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "updating the database", error);
  return TRUE;
}

gboolean
_hf_db_begin (sqlite3  *db,
              GError  **error)
{
  return _hf_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
_hf_db_commit (sqlite3  *db,
               GError  **error)
{
  if (!_hf_db_exec (db, "COMMIT", error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

void
_hf_db_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}
