/* hf-audit.c — the append-only, HMAC-chained activity log
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Entry n carries mac_n = HMAC-SHA-256(K, mac_{n-1} ‖ n ‖ time ‖ actor ‖ action ‖ detail),
 * with mac_0 all zeros and K a random key kept in the vault (it survives re-keying, so the
 * chain stays verifiable). The newest sequence number and MAC are mirrored in the metadata
 * table in the same transaction, so deleting entries at the end is caught too, and each new
 * entry chains from that recorded head rather than from the last row. An entry after a gap
 * cannot be checked (its predecessor is gone); an entry the chain steps around was inserted.
 * Triggers
 * refuse UPDATE and DELETE; the chain catches whoever goes around them.
 */

#include "hf-audit.h"

#include <sodium.h>

#include "hf-error.h"
#include "hf-vault-private.h"

#define MAC_SIZE crypto_auth_hmacsha256_BYTES

void
hf_audit_entry_free (HfAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->detail);
  g_free (entry);
}

void
hf_audit_problem_free (HfAuditProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->message);
  g_free (problem);
}

static void
put_field (crypto_auth_hmacsha256_state *st,
           const char                   *text)
{
  guint8 len[4];
  gsize n = text ? strlen (text) : 0;

  len[0] = n >> 24;
  len[1] = n >> 16;
  len[2] = n >> 8;
  len[3] = n;
  crypto_auth_hmacsha256_update (st, len, sizeof len);
  if (n > 0)
    crypto_auth_hmacsha256_update (st, (const guint8 *) text, n);
}

static void
entry_mac (const guint8 *key,
           const guint8 *prev,
           gint64        seq,
           gint64        time,
           const char   *actor,
           const char   *action,
           const char   *detail,
           guint8       *out)
{
  crypto_auth_hmacsha256_state st;
  guint8 num[16];

  for (int i = 0; i < 8; i++)
    {
      num[i] = (guint64) seq >> (56 - 8 * i);
      num[8 + i] = (guint64) time >> (56 - 8 * i);
    }
  crypto_auth_hmacsha256_init (&st, key, 32);
  crypto_auth_hmacsha256_update (&st, prev, MAC_SIZE);
  crypto_auth_hmacsha256_update (&st, num, sizeof num);
  put_field (&st, actor);
  put_field (&st, action);
  put_field (&st, detail);
  crypto_auth_hmacsha256_final (&st, out);
  sodium_memzero (&st, sizeof st);
}

gboolean
_hf_audit_append (sqlite3      *db,
                  const guint8 *key,
                  const char   *actor,
                  const char   *action,
                  const char   *detail,
                  GError      **error)
{
  guint8 prev[MAC_SIZE] = { 0 };
  guint8 mac[MAC_SIZE];
  sqlite3_stmt *stmt = NULL;
  gint64 seq = 1;
  gint64 now = g_get_real_time ();
  int rc;

  g_return_val_if_fail (key != NULL, FALSE);

  if (detail == NULL)
    detail = "";

  /* Chain from the recorded head, not from whatever row is last: a row forged at the end is
   * then stepped around (and reported as inserted), and rows deleted at the end stay a gap
   * that the next entry cannot hide. */
  sqlite3_prepare_v2 (db,
                      "SELECT (SELECT value FROM meta WHERE key = 'audit_head_seq'), "
                      "       (SELECT value FROM meta WHERE key = 'audit_head_mac'), "
                      "       (SELECT seq FROM audit ORDER BY seq DESC LIMIT 1), "
                      "       (SELECT mac FROM audit ORDER BY seq DESC LIMIT 1)", -1, &stmt, NULL);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gint64 head_seq = sqlite3_column_int64 (stmt, 0);
      gint64 row_seq = sqlite3_column_int64 (stmt, 2);
      gboolean have_head = sqlite3_column_type (stmt, 0) != SQLITE_NULL &&
                           sqlite3_column_bytes (stmt, 1) == MAC_SIZE;

      seq = MAX (head_seq, row_seq) + 1;
      if (have_head)
        memcpy (prev, sqlite3_column_blob (stmt, 1), MAC_SIZE);
      else if (sqlite3_column_bytes (stmt, 3) == MAC_SIZE)
        memcpy (prev, sqlite3_column_blob (stmt, 3), MAC_SIZE);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return _hf_db_fail (db, rc, "reading the activity log", error);

  entry_mac (key, prev, seq, now, actor, action, detail, mac);

  sqlite3_prepare_v2 (db,
                      "INSERT INTO audit (seq, time, actor, action, detail, mac) "
                      "VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_text (stmt, 3, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, detail, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 6, mac, MAC_SIZE, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "writing the activity log", error);

  sqlite3_prepare_v2 (db,
                      "INSERT OR REPLACE INTO meta (key, value) "
                      "VALUES ('audit_head_seq', ?), ('audit_head_mac', ?)", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_blob (stmt, 2, mac, MAC_SIZE, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "writing the activity log", error);
  return TRUE;
}

gboolean
hf_audit_log (HfVault     *self,
              const char  *action,
              const char  *detail,
              GError     **error)
{
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  if (!hf_vault_require (self, HF_PERMISSION_READ, "use the vault", error))
    return FALSE;
  db = _hf_vault_get_db (self);
  if (!_hf_db_begin (db, error))
    return FALSE;
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (self), hf_vault_get_member_name (self),
                         action, detail, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return _hf_db_commit (db, error);
}

GPtrArray *
hf_audit_list (HfVault  *self,
               gint64    after_seq,
               guint     limit,
               GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (self), NULL);

  if (!hf_vault_require (self, HF_PERMISSION_READ, "read the activity log", error))
    return NULL;
  db = _hf_vault_get_db (self);
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_audit_entry_free);

  sqlite3_prepare_v2 (db,
                      "SELECT seq, time, actor, action, detail FROM audit WHERE seq > ? "
                      "ORDER BY seq LIMIT ?", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? G_MAXINT64 : (gint64) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfAuditEntry *e = g_new0 (HfAuditEntry, 1);

      e->seq = sqlite3_column_int64 (stmt, 0);
      e->time = sqlite3_column_int64 (stmt, 1);
      e->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      e->action = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      e->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (entries, e);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the activity log", error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static void
add_problem (GPtrArray  *problems,
             gint64      seq,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (GPtrArray  *problems,
             gint64      seq,
             const char *format,
             ...)
{
  HfAuditProblem *p = g_new0 (HfAuditProblem, 1);
  va_list args;

  va_start (args, format);
  p->seq = seq;
  p->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (problems, p);
}

gboolean
hf_audit_verify (HfVault    *self,
                 GPtrArray **problems_out,
                 guint      *n_entries,
                 GError    **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  const guint8 *key;
  guint8 prev[MAC_SIZE] = { 0 };
  guint8 head_mac[MAC_SIZE] = { 0 };
  gboolean have_head_mac = FALSE;
  gint64 expected = 1, head_seq = 0, last_seq = 0;
  guint8 before_suspect[MAC_SIZE] = { 0 };
  HfAuditProblem *suspect = NULL;
  g_autofree char *suspect_action = NULL;
  g_autofree char *suspect_actor = NULL;
  gboolean after_gap = FALSE;
  guint count = 0;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (self), FALSE);

  if (!hf_vault_require (self, HF_PERMISSION_READ, "verify the activity log", error))
    return FALSE;
  db = _hf_vault_get_db (self);
  key = _hf_vault_get_audit_key (self);
  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_audit_problem_free);

  sqlite3_prepare_v2 (db, "SELECT key, value FROM meta WHERE key IN "
                          "('audit_head_seq', 'audit_head_mac')", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *k = (const char *) sqlite3_column_text (stmt, 0);
      if (g_str_equal (k, "audit_head_seq"))
        head_seq = sqlite3_column_int64 (stmt, 1);
      else if (sqlite3_column_bytes (stmt, 1) == MAC_SIZE)
        {
          memcpy (head_mac, sqlite3_column_blob (stmt, 1), MAC_SIZE);
          have_head_mac = TRUE;
        }
    }
  sqlite3_finalize (stmt);

  sqlite3_prepare_v2 (db, "SELECT seq, time, actor, action, detail, mac FROM audit ORDER BY seq",
                      -1, &stmt, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      gint64 time = sqlite3_column_int64 (stmt, 1);
      const char *actor = (const char *) sqlite3_column_text (stmt, 2);
      const char *action = (const char *) sqlite3_column_text (stmt, 3);
      const char *detail = (const char *) sqlite3_column_text (stmt, 4);
      guint8 mac[MAC_SIZE], stored[MAC_SIZE] = { 0 };

      count++;
      if (sqlite3_column_bytes (stmt, 5) == MAC_SIZE)
        memcpy (stored, sqlite3_column_blob (stmt, 5), MAC_SIZE);

      if (seq > expected)
        {
          if (seq == expected + 1)
            add_problem (problems, expected, "entry #%" G_GINT64_FORMAT " was deleted.",
                         expected);
          else
            add_problem (problems, expected, "entries #%" G_GINT64_FORMAT "–#%" G_GINT64_FORMAT
                         " were deleted.", expected, seq - 1);
          /* The entry after a gap was chained to the missing one; it cannot be checked. */
          after_gap = TRUE;
        }

      entry_mac (key, prev, seq, time, actor, action, detail, mac);
      if (!after_gap && sodium_memcmp (mac, stored, MAC_SIZE) != 0)
        {
          guint8 around[MAC_SIZE];

          /* Does the chain step around the previous entry? Then that one was slipped in. */
          entry_mac (key, before_suspect, seq, time, actor, action, detail, around);
          if (suspect != NULL && sodium_memcmp (around, stored, MAC_SIZE) == 0)
            {
              g_free (suspect->message);
              suspect->message = g_strdup_printf ("entry #%" G_GINT64_FORMAT " (“%s” by %s) "
                                                  "was inserted: the log's chain goes around "
                                                  "it.", suspect->seq, suspect_action,
                                                  suspect_actor);
              suspect = NULL;
              memcpy (prev, before_suspect, MAC_SIZE);
            }
          else
            {
              memcpy (before_suspect, prev, MAC_SIZE);
              g_free (suspect_action);
              g_free (suspect_actor);
              suspect_action = g_strdup (action);
              suspect_actor = g_strdup (actor);
              if (seq > head_seq)
                add_problem (problems, seq, "entry #%" G_GINT64_FORMAT " (“%s” by %s) was "
                             "inserted: it is not part of the log's chain.", seq, action, actor);
              else
                add_problem (problems, seq, "entry #%" G_GINT64_FORMAT " (“%s” by %s) was "
                             "altered: its authentication code does not match its content.",
                             seq, action, actor);
              suspect = g_ptr_array_index (problems, problems->len - 1);
              /* Continue the chain from what is stored, so one bad entry is reported once. */
              memcpy (prev, stored, MAC_SIZE);
            }
        }
      else
        {
          if (seq > head_seq)
            add_problem (problems, seq, "entry #%" G_GINT64_FORMAT " was added after the "
                         "log's recorded end.", seq);
          suspect = NULL;
          memcpy (prev, stored, MAC_SIZE);
        }

      after_gap = FALSE;
      expected = seq + 1;
      last_seq = seq;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the activity log", error);

  if (head_seq > last_seq)
    {
      if (head_seq == last_seq + 1)
        add_problem (problems, head_seq, "entry #%" G_GINT64_FORMAT ", the last one, was "
                     "deleted.", head_seq);
      else
        add_problem (problems, last_seq + 1, "entries #%" G_GINT64_FORMAT "–#%" G_GINT64_FORMAT
                     " at the end were deleted.", last_seq + 1, head_seq);
    }
  else if (have_head_mac && head_seq == last_seq && sodium_memcmp (prev, head_mac, MAC_SIZE) != 0)
    add_problem (problems, last_seq, "entry #%" G_GINT64_FORMAT ", the last one, was replaced.",
                 last_seq);

  if (n_entries != NULL)
    *n_entries = count;
  if (problems_out != NULL)
    *problems_out = g_steal_pointer (&problems);
  return TRUE;
}
