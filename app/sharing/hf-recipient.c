/* hf-recipient.c — the people and organisations a patient shares with
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A removed recipient is not deleted: the disclosures made to them name them, and the
 * accounting of disclosures must outlive them (HIPAA asks six years). Its row stays with
 * removed_at set; it is not listed or found, and its name can be given to someone new, so
 * the names are unique among the recipients that are not removed only.
 */

#include "hf-recipient.h"
#include "hf-consent-private.h"

#include <string.h>

#include "hf-error.h"
#include "hf-jwk.h"
#include "hf-vault-private.h"

/* {{{ schema */

gboolean
_hf_sharing_migrate_v6 (sqlite3  *db,
                        GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE recipient ("
    "  id             INTEGER PRIMARY KEY,"
    "  name           TEXT NOT NULL,"
    "  kind           TEXT NOT NULL CHECK (kind IN ('clinician', 'organization', 'caregiver',"
    "                                               'app', 'researcher', 'other')),"
    "  contact        TEXT,"
    "  key_json       TEXT,"                    /* the public JWK, canonical */
    "  key_thumbprint TEXT,"                    /* RFC 7638, base64url */
    "  created        INTEGER NOT NULL,"        /* microseconds since the epoch, UTC */
    "  removed_at     INTEGER"                  /* … or NULL while it is a recipient */
    ");"
    "CREATE UNIQUE INDEX recipient_name ON recipient (name COLLATE NOCASE)"
    "  WHERE removed_at IS NULL;"
    "CREATE TABLE consent ("
    "  id             INTEGER PRIMARY KEY,"
    "  recipient_id   INTEGER NOT NULL REFERENCES recipient (id),"
    "  version        INTEGER NOT NULL CHECK (version >= 1),"
    "  status         TEXT NOT NULL CHECK (status IN ('active', 'inactive')),"
    "  date           INTEGER NOT NULL,"        /* microseconds since the epoch, UTC */
    "  performer      TEXT NOT NULL,"           /* the member who made it */
    "  performer_role TEXT NOT NULL,"
    "  fhir_json      TEXT NOT NULL,"           /* the FHIR R4 Consent: the terms' one source */
    "  UNIQUE (recipient_id, version)"
    ");"
    /* A version is a record of what the patient agreed to and when: never changed, never
     * removed; a change is a new version. */
    "CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent BEGIN"
    "  SELECT RAISE (ABORT, 'consent versions are never changed');"
    "END;"
    "CREATE TRIGGER consent_no_delete BEFORE DELETE ON consent BEGIN"
    "  SELECT RAISE (ABORT, 'consent versions are never removed');"
    "END;",
    error);
}

/* }}} */

/* {{{ kinds */

static const char * const kind_names[] = {
  [HF_RECIPIENT_CLINICIAN] = "clinician",
  [HF_RECIPIENT_ORGANIZATION] = "organization",
  [HF_RECIPIENT_CAREGIVER] = "caregiver",
  [HF_RECIPIENT_APP] = "app",
  [HF_RECIPIENT_RESEARCHER] = "researcher",
  [HF_RECIPIENT_OTHER] = "other",
};

const char *
hf_recipient_kind_to_string (HfRecipientKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    return "other";
  return kind_names[kind];
}

gboolean
hf_recipient_kind_from_string (const char      *text,
                               HfRecipientKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (text, kind_names[i]))
      {
        *kind = (HfRecipientKind) i;
        return TRUE;
      }
  return FALSE;
}

/* }}} */

/* {{{ rows */

void
hf_recipient_free (HfRecipient *recipient)
{
  if (recipient == NULL)
    return;
  g_free (recipient->name);
  g_free (recipient->contact);
  g_free (recipient->key_json);
  g_free (recipient->key_thumbprint);
  g_free (recipient);
}

#define RECIPIENT_COLUMNS "id, name, kind, contact, key_json, key_thumbprint, created"

static char *
column_dup (sqlite3_stmt *stmt,
            int           i)
{
  const unsigned char *text = sqlite3_column_text (stmt, i);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static HfRecipient *
recipient_from (sqlite3_stmt *stmt)
{
  HfRecipient *r = g_new0 (HfRecipient, 1);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->name = column_dup (stmt, 1);
  if (!hf_recipient_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &r->kind))
    r->kind = HF_RECIPIENT_OTHER;
  r->contact = column_dup (stmt, 3);
  r->key_json = column_dup (stmt, 4);
  r->key_thumbprint = column_dup (stmt, 5);
  r->created = sqlite3_column_int64 (stmt, 6);
  return r;
}

HfRecipient *
_hf_recipient_load (sqlite3     *db,
                    const char  *name,
                    GError     **error)
{
  /* The exact spelling first: "Dr. Osei" and "dr. osei" cannot both be recipients, but a
   * removed one's row may differ only in case, and it is never found. */
  static const char *const queries[] = {
    "SELECT " RECIPIENT_COLUMNS " FROM recipient WHERE removed_at IS NULL AND name = ?",
    "SELECT " RECIPIENT_COLUMNS " FROM recipient WHERE removed_at IS NULL "
    "AND name = ? COLLATE NOCASE",
  };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL);

      if (rc != SQLITE_OK)
        {
          _hf_db_fail (db, rc, "reading the recipients", error);
          return NULL;
        }
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          HfRecipient *r = recipient_from (stmt);
          sqlite3_finalize (stmt);
          return r;
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          _hf_db_fail (db, rc, "reading the recipients", error);
          return NULL;
        }
    }
  g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
               "There is no recipient “%s”; “healthfolio-cli recipient list” shows them.", name);
  return NULL;
}

/* }}} */

/* A name is shown in sentences and lists: one line of printable text, not blank, not huge. */
static gboolean
check_text (const char  *text,
            const char  *what,
            gsize        max,
            GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "The %s is not valid text.", what);
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                       "The %s must be one line without control characters.", what);
          return FALSE;
        }
    }
  if (strlen (text) > max)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "The %s is too long (at most %" G_GSIZE_FORMAT
                   " bytes).", what, max);
      return FALSE;
    }
  return TRUE;
}

HfRecipient *
hf_recipient_add (HfVault          *vault,
                  const char       *name,
                  HfRecipientKind   kind,
                  const char       *contact,
                  const char       *key_json,
                  GError          **error)
{
  g_autoptr(HfJwk) jwk = NULL;
  g_autoptr(HfRecipient) existing = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "add recipients", error))
    return NULL;
  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "Give the recipient a name.");
      return NULL;
    }
  if (!check_text (stripped, "recipient's name", 200, error) ||
      (contact != NULL && !check_text (contact, "contact", 1000, error)))
    return NULL;
  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "Unknown kind of recipient.");
      return NULL;
    }
  if (key_json != NULL)
    {
      jwk = hf_jwk_parse_public (key_json, -1, error);
      if (jwk == NULL)
        return NULL;
      /* A recipient's key is for encrypting to them; a signing key is someone's identity. */
      if (g_strcmp0 (hf_jwk_get_use (jwk), "sig") == 0)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "This key is for signatures (“use”: “sig”); give the recipient's key "
                       "for encryption.");
          return NULL;
        }
      canonical = hf_jwk_to_json (jwk);
    }

  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return NULL;
  existing = _hf_recipient_load (db, stripped, &lookup_error);
  if (existing != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_EXISTS,
                   "There is already a recipient “%s”; pick another name or remove that one "
                   "first.", existing->name);
      goto fail;
    }
  if (!g_error_matches (lookup_error, HF_ERROR, HF_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      goto fail;
    }
  rc = sqlite3_prepare_v2 (db, "INSERT INTO recipient (name, kind, contact, key_json, "
                           "key_thumbprint, created) VALUES (?,?,?,?,?,?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, stripped, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, kind_names[kind], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, contact, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, canonical, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, jwk ? hf_jwk_get_thumbprint (jwk) : NULL, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "adding the recipient", error);
      goto fail;
    }
  detail = g_strdup_printf ("%s (%s)%s%s", stripped, kind_names[kind],
                            jwk ? "; key " : "", jwk ? hf_jwk_get_thumbprint (jwk) : "");
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "recipient add", detail, error))
    goto fail;
  g_clear_pointer (&existing, hf_recipient_free);
  existing = _hf_recipient_load (db, stripped, error);
  if (existing == NULL || !_hf_db_commit (db, error))
    goto fail;
  return g_steal_pointer (&existing);

fail:
  _hf_db_rollback (db);
  return NULL;
}

HfRecipient *
hf_recipient_find (HfVault     *vault,
                   const char  *name,
                   GError     **error)
{
  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read the recipients", error))
    return NULL;
  return _hf_recipient_load (_hf_vault_get_db (vault), name, error);
}

GPtrArray *
hf_recipient_list (HfVault  *vault,
                   GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_recipient_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read the recipients", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT " RECIPIENT_COLUMNS " FROM recipient "
                           "WHERE removed_at IS NULL ORDER BY name COLLATE NOCASE, id", -1,
                           &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "reading the recipients", error);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, recipient_from (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the recipients", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
hf_recipient_remove (HfVault     *vault,
                     const char  *name,
                     GError     **error)
{
  g_autoptr(HfRecipient) r = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean revoked = FALSE;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "remove recipients", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return FALSE;
  r = _hf_recipient_load (db, name, error);
  if (r == NULL)
    goto fail;
  /* The consent first, as its own logged version: nothing is shared with them any more. */
  if (!_hf_consent_revoke_locked (vault, db, r, &revoked, error))
    goto fail;
  rc = sqlite3_prepare_v2 (db, "UPDATE recipient SET removed_at = ? WHERE id = ?", -1, &stmt,
                           NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
      sqlite3_bind_int64 (stmt, 2, r->id);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "removing the recipient", error);
      goto fail;
    }
  detail = g_strdup_printf ("%s (%s)%s", r->name, hf_recipient_kind_to_string (r->kind),
                            revoked ? "; consent revoked" : "");
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "recipient remove", detail, error) ||
      !_hf_db_commit (db, error))
    goto fail;
  return TRUE;

fail:
  _hf_db_rollback (db);
  return FALSE;
}

/* The accounting of disclosures is another module's table (schema 8); asked by name, so that a
 * vault without it yet says "no accounting" instead of failing. */
gint64
hf_recipient_count_disclosures (HfVault           *vault,
                                const HfRecipient *recipient,
                                GError           **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), -1);
  g_return_val_if_fail (recipient != NULL, -1);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read the accounting of disclosures", error))
    return -1;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                           "AND name = 'disclosure'", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW &&
      sqlite3_column_int (stmt, 0) == 0)
    {
      sqlite3_finalize (stmt);
      return -1;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "reading the accounting of disclosures", error);
      return -1;
    }
  rc = sqlite3_prepare_v2 (db, "SELECT count(*) FROM disclosure WHERE recipient_id = ?", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, recipient->id);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (n < 0)
    _hf_db_fail (db, rc, "reading the accounting of disclosures", error);
  return n;
}
