/* hf-disclosure.c — the FHIR export and the accounting of disclosures
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Bundle is written as text around the policy's resources (hf-policy.c writes each one in
 * its stored member order, with its numbers as the source wrote them), so that what the file
 * holds is exactly what the accounting hashed: an item's SHA-256 is that of its entry's
 * "resource" value, byte for byte as it is in the file.
 */

#include "hf-disclosure.h"
#include "hf-disclosure-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hf-consent.h"
#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-label.h"
#include "hf-person.h"
#include "hf-policy-private.h"
#include "hf-recipient.h"
#include "hf-vault-private.h"

/* uuid5 (URL namespace, "urn:healthfolio:fhir-export:bundle"): Bundles and their notices. */
#define BUNDLE_NAMESPACE "b9ce16fe-0272-5c14-883b-bedd31ea0507"
/* uuid5 (URL namespace, "urn:healthfolio:disclosure"): the AuditEvents of disclosures. */
#define DISCLOSURE_NAMESPACE "64836d17-9aca-5961-afff-5b2d089600a5"

#define PART2_TITLE "Notice under 42 CFR Part 2"

/* {{{ schema */

gboolean
_hf_disclosure_migrate_v8 (sqlite3  *db,
                           GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE disclosure ("
    "  id                INTEGER PRIMARY KEY,"
    "  at                INTEGER NOT NULL,"      /* microseconds since the epoch, UTC */
    "  recipient_id      INTEGER NOT NULL,"      /* no foreign key: recipients may go */
    "  recipient_name    TEXT NOT NULL,"
    "  recipient_kind    TEXT NOT NULL,"
    "  recipient_contact TEXT,"
    "  purposes          TEXT NOT NULL,"         /* PurposeOfUse codes, comma-separated */
    "  consent_version   INTEGER NOT NULL,"
    "  format            TEXT NOT NULL,"
    "  summary           TEXT NOT NULL,"         /* JSON: records per category */
    "  output_sha256     TEXT NOT NULL,"
    "  bundle_id         TEXT NOT NULL,"
    "  actor             TEXT NOT NULL"
    ");"
    "CREATE INDEX disclosure_output ON disclosure (output_sha256);"
    "CREATE INDEX disclosure_bundle ON disclosure (bundle_id);"
    "CREATE INDEX disclosure_at ON disclosure (at);"
    "CREATE TABLE disclosure_item ("
    "  disclosure_id INTEGER NOT NULL REFERENCES disclosure (id),"
    "  position      INTEGER NOT NULL,"
    "  resource_type TEXT NOT NULL,"
    "  fhir_id       TEXT NOT NULL,"
    "  source_key    TEXT NOT NULL,"
    "  sha256        TEXT NOT NULL,"
    "  PRIMARY KEY (disclosure_id, position)"
    ") WITHOUT ROWID;"
    /* An accounting of disclosures is kept for at least six years (HIPAA §164.528): the app
     * never deletes or changes one. */
    "CREATE TRIGGER disclosure_kept BEFORE DELETE ON disclosure BEGIN"
    "  SELECT RAISE (ABORT, 'disclosures are kept');"
    "END;"
    "CREATE TRIGGER disclosure_unchanged BEFORE UPDATE ON disclosure BEGIN"
    "  SELECT RAISE (ABORT, 'disclosures are kept');"
    "END;"
    "CREATE TRIGGER disclosure_item_kept BEFORE DELETE ON disclosure_item BEGIN"
    "  SELECT RAISE (ABORT, 'disclosures are kept');"
    "END;"
    "CREATE TRIGGER disclosure_item_unchanged BEFORE UPDATE ON disclosure_item BEGIN"
    "  SELECT RAISE (ABORT, 'disclosures are kept');"
    "END;",
    error);
}

/* }}} */
/* {{{ disclosures */

static void
item_free (HfDisclosureItem *item)
{
  g_free (item->type);
  g_free (item->fhir_id);
  g_free (item->source_key);
  g_free (item->sha256);
  g_free (item);
}

void
hf_disclosure_free (HfDisclosure *d)
{
  if (d == NULL)
    return;
  g_free (d->recipient);
  g_free (d->recipient_kind);
  g_free (d->recipient_contact);
  g_strfreev (d->purposes);
  g_free (d->format);
  g_free (d->summary);
  g_free (d->output_sha256);
  g_free (d->bundle_id);
  g_free (d->actor);
  g_clear_pointer (&d->items, g_ptr_array_unref);
  g_free (d);
}

static char *
sha256_hex (const void *data,
            gsize       len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
}

static char *format_local (gint64 usec);

/* }}} */
/* {{{ the Bundle */

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *s = json_to_string (node, FALSE);

  g_string_append (out, s);
}

/* The DocumentReference that carries the Part 2 notice with the records. */
static char *
part2_notice (const char *id,
              const char *patient_url)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *notice = hf_label_part2_notice ();
  g_autofree char *data = g_base64_encode ((const guchar *) notice, strlen (notice));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "DocumentReference");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "current");
  if (patient_url != NULL)
    {
      json_builder_set_member_name (b, "subject");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "reference");
      json_builder_add_string_value (b, patient_url);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, "The notice 42 CFR §2.32 requires to accompany this "
                                    "disclosure of records protected by 42 CFR Part 2.");
  json_builder_set_member_name (b, "content");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "attachment");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "contentType");
  json_builder_add_string_value (b, "text/plain");
  json_builder_set_member_name (b, "data");
  json_builder_add_string_value (b, data);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, PART2_TITLE);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
format_instant (gint64 usec)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ")
                    : g_strdup ("1970-01-01T00:00:00Z");
}

static HfDisclosureItem *
item_new (const char *type,
          const char *fhir_id,
          const char *source_key,
          const char *json,
          gsize       len)
{
  HfDisclosureItem *item = g_new0 (HfDisclosureItem, 1);

  item->type = g_strdup (type);
  item->fhir_id = g_strdup (fhir_id);
  item->source_key = g_strdup (source_key);
  item->sha256 = sha256_hex (json, len);
  return item;
}

GBytes *
hf_disclosure_bundle (const HfShare *share,
                      gint64         timestamp,
                      GPtrArray    **items_out,
                      char         **bundle_id)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  g_autoptr(GChecksum) content = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) out = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *notice_id = NULL;
  g_autofree char *when = format_instant (timestamp);
  const char *patient_url = NULL;
  gsize size = 512;

  g_return_val_if_fail (share != NULL && share->shared != NULL, NULL);

  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);

      g_return_val_if_fail (s->json != NULL, NULL);
      g_checksum_update (content, (const guchar *) s->full_url, -1);
      g_checksum_update (content, (const guchar *) "\n", 1);
      g_checksum_update (content, (const guchar *) s->json->str, s->json->len);
      g_checksum_update (content, (const guchar *) "\n", 1);
      size += s->json->len + 80;
      if (patient_url == NULL && g_str_equal (s->type, "Patient"))
        patient_url = s->full_url;
    }
  /* The id names the content, not the moment: the same records give the same Bundle id. */
  uuid = hf_uuid_v5 (BUNDLE_NAMESPACE, g_checksum_get_string (content), -1);
  if (share->part2)
    {
      g_autofree char *name = g_strdup_printf ("part2-notice/%s", uuid);
      notice_id = hf_uuid_v5 (BUNDLE_NAMESPACE, name, -1);
      notice = part2_notice (notice_id, patient_url);
    }

  out = g_string_sized_new (size);
  g_string_append_printf (out, "{\"resourceType\":\"Bundle\",\"id\":\"%s\",\"meta\":{\"security\":"
                          "[{\"system\":\"" HF_LABEL_SYSTEM_CONFIDENTIALITY "\",\"code\":\"%s\"}]},"
                          "\"identifier\":{\"system\":\"urn:ietf:rfc:3986\",\"value\":"
                          "\"urn:uuid:%s\"},\"type\":\"collection\",\"timestamp\":\"%s\","
                          "\"entry\":[", uuid, share->confidentiality, uuid, when);
  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"fullUrl\":");
      append_json_string (out, s->full_url);
      g_string_append (out, ",\"resource\":");
      g_string_append_len (out, s->json->str, s->json->len);
      g_string_append_c (out, '}');
      g_ptr_array_add (items, item_new (s->type, s->fhir_id, s->source_key, s->json->str,
                                        s->json->len));
    }
  if (notice != NULL)
    {
      if (share->shared->len > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"fullUrl\":\"urn:uuid:%s\",\"resource\":%s}", notice_id,
                              notice);
    }
  g_string_append (out, "]}");

  if (items_out != NULL)
    *items_out = g_steal_pointer (&items);
  if (bundle_id != NULL)
    *bundle_id = g_strconcat ("urn:uuid:", uuid, NULL);
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/* }}} */
/* {{{ export */

static char *
summary_json (const HfShare *share)
{
  g_autoptr(GTree) counts = g_tree_new ((GCompareFunc) g_strcmp0);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  for (guint i = 0; i < share->shared->len; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);
      gpointer n = g_tree_lookup (counts, s->category);
      g_tree_insert (counts, s->category, GUINT_TO_POINTER (GPOINTER_TO_UINT (n) + 1));
    }
  json_builder_begin_object (b);
  {
    GTreeNode *node;
    for (node = g_tree_node_first (counts); node != NULL; node = g_tree_node_next (node))
      {
        json_builder_set_member_name (b, g_tree_node_key (node));
        json_builder_add_int_value (b, GPOINTER_TO_UINT (g_tree_node_value (node)));
      }
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
record_disclosure (HfVault       *vault,
                   HfDisclosure  *d,
                   GError       **error)
{
  sqlite3 *db = _hf_vault_get_db (vault);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *purposes = g_strjoinv (",", d->purposes);
  g_autofree char *counts = hf_disclosure_describe_counts (d->summary);
  g_autofree char *detail = NULL;
  int rc;

  if (!_hf_db_begin (db, error))
    return FALSE;
  sqlite3_prepare_v2 (db, "INSERT INTO disclosure (at, recipient_id, recipient_name, "
                          "recipient_kind, recipient_contact, purposes, consent_version, format, "
                          "summary, output_sha256, bundle_id, actor) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                      -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, d->at);
  sqlite3_bind_int64 (stmt, 2, d->recipient_id);
  sqlite3_bind_text (stmt, 3, d->recipient, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, d->recipient_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, d->recipient_contact, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, purposes, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, d->consent_version);
  sqlite3_bind_text (stmt, 8, d->format, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, d->summary, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, d->output_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, d->bundle_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, d->actor, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    goto fail;
  d->id = sqlite3_last_insert_rowid (db);

  sqlite3_prepare_v2 (db, "INSERT INTO disclosure_item VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1,
                      &stmt, NULL);
  for (guint i = 0; i < d->items->len && rc == SQLITE_DONE; i++)
    {
      HfDisclosureItem *item = g_ptr_array_index (d->items, i);
      sqlite3_bind_int64 (stmt, 1, d->id);
      sqlite3_bind_int (stmt, 2, i);
      sqlite3_bind_text (stmt, 3, item->type, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, item->fhir_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, item->source_key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, item->sha256, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    goto fail;

  detail = g_strdup_printf ("to %s: %u records (%s), consent version %d, format %s, file "
                            "SHA-256 %s", d->recipient, d->n_items, counts, d->consent_version,
                            d->format, d->output_sha256);
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), d->actor, "export", detail, error) ||
      !_hf_db_commit (db, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return TRUE;

fail:
  _hf_db_fail (db, rc, "recording the disclosure", error);
  _hf_db_rollback (db);
  return FALSE;
}

static gboolean
no_consent_error (const char       *recipient,
                  const HfConsent  *consent,
                  const char       *today,
                  GError          **error)
{
  const char *why = NULL;

  if (consent == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "%s has no consent; ask the owner to set one.", recipient);
      return TRUE;
    }
  if (!hf_consent_in_force (consent, today, &why))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   g_strcmp0 (why, "revoked") == 0
                     ? "%s's consent was revoked; nothing can be shared until the owner sets a "
                       "new one."
                   : g_strcmp0 (why, "expired") == 0
                     ? "%s's consent has expired; ask the owner to renew it."
                     : "%s's consent is not in force yet; export on or after the day it starts.",
                   recipient);
      return TRUE;
    }
  return FALSE;
}

HfDisclosure *
hf_disclosure_export (HfVault                *vault,
                      const char             *recipient,
                      const char             *today,
                      gint64                  now,
                      const char * const     *only,
                      const char             *format,
                      HfDisclosureEncodeFunc  encode,
                      gpointer                encode_data,
                      const char             *output,
                      HfShare               **share_out,
                      GError                **error)
{
  g_autoptr(HfRecipient) who = NULL;
  g_autoptr(HfConsent) consent = NULL;
  g_autoptr(HfShare) share = NULL;
  g_autoptr(HfDisclosure) d = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *suffix = NULL;
  gboolean clinical = FALSE;
  gconstpointer data;
  gsize len;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (recipient != NULL && today != NULL && output != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);

  if (!hf_vault_require (vault, HF_PERMISSION_SHARE, "share records", error))
    return NULL;
  if ((who = hf_recipient_find (vault, recipient, error)) == NULL)
    return NULL;
  consent = hf_consent_get (vault, who->name, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (no_consent_error (who->name, consent, today, error))
    return NULL;
  share = hf_share_compute (vault, who->name, today, only, HF_POLICY_EXPORT, error);
  if (share == NULL)
    return NULL;
  for (guint i = 0; i < share->shared->len && !clinical; i++)
    {
      HfShared *s = g_ptr_array_index (share->shared, i);
      clinical = !g_str_equal (s->category, HF_CATEGORY_DIRECTORY);
    }
  if (!clinical)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "Nothing would be shared with %s: the consent permits none of the %"
                   G_GUINT64_FORMAT " records; see “share preview %s”.", who->name,
                   hf_share_n_withheld (share), who->name);
      return NULL;
    }

  d = g_new0 (HfDisclosure, 1);
  bytes = hf_disclosure_bundle (share, now, &d->items, &d->bundle_id);
  file = encode != NULL ? encode (bytes, encode_data, error) : g_bytes_ref (bytes);
  if (file == NULL)
    return NULL;
  g_clear_pointer (&bytes, g_bytes_unref);
  data = g_bytes_get_data (file, &len);
  d->at = now;
  d->recipient_id = who->id;
  d->recipient = g_strdup (who->name);
  d->recipient_kind = g_strdup (hf_recipient_kind_to_string (who->kind));
  d->recipient_contact = g_strdup (who->contact);
  d->purposes = g_strdupv (consent->terms.purposes);
  d->consent_version = consent->version;
  d->format = g_strdup (format);
  d->summary = summary_json (share);
  d->output_sha256 = sha256_hex (data, len);
  d->actor = g_strdup (hf_vault_get_member_name (vault));
  d->n_items = d->items->len;

  /* The file is written under a temporary name first, then the disclosure recorded, then the
   * file renamed into place: a failure before the record leaves no file at OUTPUT and no
   * record; one after it (the rename) leaves a record of a disclosure that may not have
   * happened, which an accounting can bear — never a disclosed file that is not recorded. */
  suffix = g_uuid_string_random ();
  tmp = g_strdup_printf ("%s.%.8s.partial", output, suffix);
  if (!g_file_set_contents_full (tmp, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not write the export: %s",
                   local->message);
      return NULL;
    }
  if (!record_disclosure (vault, d, error))
    {
      g_unlink (tmp);
      return NULL;
    }
  if (g_rename (tmp, output) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "Could not put the export in place (%s); the disclosure is recorded in the "
                   "vault although the file was not written.", g_strerror (saved));
      return NULL;
    }
  if (share_out != NULL)
    *share_out = g_steal_pointer (&share);
  return g_steal_pointer (&d);
}

HfDisclosure *
hf_disclosure_export_fhir (HfVault            *vault,
                           const char         *recipient,
                           const char         *today,
                           gint64              now,
                           const char * const *only,
                           const char         *output,
                           HfShare           **share_out,
                           GError            **error)
{
  return hf_disclosure_export (vault, recipient, today, now, only, "fhir", NULL, NULL, output,
                               share_out, error);
}

/* }}} */
/* {{{ reading */

#define DISCLOSURE_COLUMNS \
  "id, at, recipient_id, recipient_name, recipient_kind, recipient_contact, purposes, " \
  "consent_version, format, summary, output_sha256, bundle_id, actor, " \
  "(SELECT count(*) FROM disclosure_item WHERE disclosure_id = disclosure.id)"

static const char *
column_text (sqlite3_stmt *stmt,
             int           i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

static HfDisclosure *
disclosure_from (sqlite3_stmt *stmt)
{
  HfDisclosure *d = g_new0 (HfDisclosure, 1);

  d->id = sqlite3_column_int64 (stmt, 0);
  d->at = sqlite3_column_int64 (stmt, 1);
  d->recipient_id = sqlite3_column_int64 (stmt, 2);
  d->recipient = g_strdup (column_text (stmt, 3));
  d->recipient_kind = g_strdup (column_text (stmt, 4));
  d->recipient_contact = g_strdup (column_text (stmt, 5));
  d->purposes = g_strsplit (column_text (stmt, 6), ",", -1);
  d->consent_version = sqlite3_column_int (stmt, 7);
  d->format = g_strdup (column_text (stmt, 8));
  d->summary = g_strdup (column_text (stmt, 9));
  d->output_sha256 = g_strdup (column_text (stmt, 10));
  d->bundle_id = g_strdup (column_text (stmt, 11));
  d->actor = g_strdup (column_text (stmt, 12));
  d->n_items = sqlite3_column_int (stmt, 13);
  return d;
}

static sqlite3 *
readable_db (HfVault  *vault,
             GError  **error)
{
  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read the disclosures", error))
    return NULL;
  return _hf_vault_get_db (vault);
}

GPtrArray *
hf_disclosure_list (HfVault     *vault,
                    const char  *recipient,
                    gint64       since,
                    GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_disclosure_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  sqlite3_prepare_v2 (db, "SELECT " DISCLOSURE_COLUMNS " FROM disclosure WHERE at >= ?1 AND "
                          "(?2 IS NULL OR recipient_name = ?2 COLLATE NOCASE) ORDER BY at, id",
                      -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_text (stmt, 2, recipient, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, disclosure_from (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the disclosures", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static HfDisclosure *
find_one (sqlite3     *db,
          const char  *sql,
          gint64       id,
          const char  *text,
          GError     **error)
{
  g_autoptr(HfDisclosure) d = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    d = disclosure_from (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the disclosures", error);
      return NULL;
    }
  if (d == NULL)
    return NULL;

  d->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  sqlite3_prepare_v2 (db, "SELECT resource_type, fhir_id, source_key, sha256 FROM disclosure_item "
                          "WHERE disclosure_id = ?1 ORDER BY position", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, d->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfDisclosureItem *item = g_new0 (HfDisclosureItem, 1);
      item->type = g_strdup (column_text (stmt, 0));
      item->fhir_id = g_strdup (column_text (stmt, 1));
      item->source_key = g_strdup (column_text (stmt, 2));
      item->sha256 = g_strdup (column_text (stmt, 3));
      g_ptr_array_add (d->items, item);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading the disclosures", error);
      return NULL;
    }
  return g_steal_pointer (&d);
}

HfDisclosure *
hf_disclosure_get (HfVault  *vault,
                   gint64    id,
                   GError  **error)
{
  g_autoptr(GError) local = NULL;
  HfDisclosure *d;
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  d = find_one (db, "SELECT " DISCLOSURE_COLUMNS " FROM disclosure WHERE id = ?1", id, NULL,
                &local);
  if (d == NULL && local == NULL)
    g_set_error (&local, HF_ERROR, HF_ERROR_NOT_FOUND,
                 "This vault has no disclosure %" G_GINT64_FORMAT ".", id);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  return d;
}

HfDisclosure *
hf_disclosure_verify (HfVault       *vault,
                      GBytes        *file,
                      HfDisclosure **altered,
                      GError       **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *identifier = NULL;
  HfJsonProblem problem = { 0 };
  HfDisclosure *d;
  gconstpointer data;
  gsize len;
  sqlite3 *db;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (file != NULL, NULL);

  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  data = g_bytes_get_data (file, &len);
  sum = sha256_hex (data, len);
  d = find_one (db, "SELECT " DISCLOSURE_COLUMNS " FROM disclosure WHERE output_sha256 = ?1 "
                    "ORDER BY id DESC LIMIT 1", 0, sum, &local);
  if (d != NULL || local != NULL)
    {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return d;
    }

  /* Not our bytes: does it claim to be one of ours? */
  if (hf_json_guard_check (data, len, &problem))
    {
      g_autofree char *text = g_strndup (data, len);
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      JsonObject *bundle = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
        ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (hf_json_string (bundle, "resourceType"), "Bundle") == 0)
        identifier = g_strdup (hf_json_string (hf_json_object (bundle, "identifier"), "value"));
    }
  hf_json_problem_clear (&problem);
  if (identifier != NULL)
    {
      g_autoptr(HfDisclosure) claimed = NULL;

      claimed = find_one (db, "SELECT " DISCLOSURE_COLUMNS " FROM disclosure WHERE bundle_id = ?1 "
                              "ORDER BY id DESC LIMIT 1", 0, identifier, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (claimed != NULL)
        {
          g_autofree char *when = format_local (claimed->at);
          g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                       "This file was altered: it claims to be what this vault disclosed to %s on "
                       "%s, but its bytes are not the ones disclosed.", claimed->recipient, when);
          if (altered != NULL)
            *altered = g_steal_pointer (&claimed);
          return NULL;
        }
    }
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT, "This vault did not disclose this file.");
  return NULL;
}

/* }}} */
/* {{{ in words */

/* "1 December 2026 14:02", local time. */
static char *
format_local (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%-d %B %Y %H:%M") : g_strdup ("?");
}

static const struct
{
  const char *category;
  const char *one;
  const char *many;
} count_words[] = {
  { HF_CATEGORY_PROBLEMS, "problem", "problems" },
  { HF_CATEGORY_MEDICATIONS, "medication", "medications" },
  { HF_CATEGORY_ALLERGIES, "allergy", "allergies" },
  { HF_CATEGORY_IMMUNIZATIONS, "immunization", "immunizations" },
  { HF_CATEGORY_LAB_RESULTS, "lab result", "lab results" },
  { HF_CATEGORY_VITALS, "vital sign", "vital signs" },
  { HF_CATEGORY_PROCEDURES, "procedure", "procedures" },
  { HF_CATEGORY_ENCOUNTERS, "visit", "visits" },
  { HF_CATEGORY_DOCUMENTS, "document", "documents" },
  { HF_CATEGORY_CARE_PLANS, "care plan", "care plans" },
  { HF_CATEGORY_BILLING, "insurance or billing record", "insurance and billing records" },
  { HF_CATEGORY_DIRECTORY, "person or place", "people and places" },
  { HF_CATEGORY_OTHER, "other record", "other records" },
};

char *
hf_disclosure_describe_counts (const char *summary)
{
  g_autoptr(JsonNode) node = summary != NULL ? json_from_string (summary, NULL) : NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                 : NULL;

  if (o == NULL)
    return g_strdup ("nothing");
  /* Clinical records first, in the order of the categories; people and places last. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (count_words); i++)
      {
        gboolean directory = g_str_equal (count_words[i].category, HF_CATEGORY_DIRECTORY);
        gint64 n;

        if (directory != (pass == 1) || !json_object_has_member (o, count_words[i].category))
          continue;
        n = json_object_get_int_member (o, count_words[i].category);
        g_string_append_printf (out, "%s%" G_GINT64_FORMAT " %s", out->len > 0 ? ", " : "", n,
                                n == 1 ? count_words[i].one : count_words[i].many);
      }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : g_strdup ("nothing");
}

static const char *
purpose_words (const char *code)
{
  static const struct { const char *code; const char *words; } purposes[] = {
    { "TREAT", "for your treatment" },
    { "ETREAT", "for emergency treatment" },
    { "CAREMGT", "for care management" },
    { "FAMRQT", "at your family's request" },
    { "PATRQT", "at your request" },
    { "PWATRNY", "for your power of attorney" },
    { "HRESCH", "for research" },
    { "HPAYMT", "for payment" },
    { "HOPERAT", "for health care operations" },
    { "PUBHLTH", "for public health" },
    { "COC", "for continuity of care" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    if (g_strcmp0 (code, purposes[i].code) == 0)
      return purposes[i].words;
  return NULL;
}

/* How the file was protected, for a sentence: nothing for a plain FHIR Bundle. */
static const char *
format_words (const char *format)
{
  if (g_strcmp0 (format, "jws") == 0)
    return ", signed (JWS)";
  if (g_strcmp0 (format, "jwe") == 0)
    return ", signed and encrypted (JWE)";
  return "";
}

char *
hf_disclosure_describe (const HfDisclosure *d)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *when = format_local (d->at);
  g_autofree char *counts = hf_disclosure_describe_counts (d->summary);

  g_string_append_printf (out, "%s — %s (%s%s%s): %s", when, d->recipient, d->recipient_kind,
                          d->recipient_contact != NULL ? ", " : "",
                          d->recipient_contact != NULL ? d->recipient_contact : "", counts);
  for (guint i = 0; d->purposes != NULL && d->purposes[i] != NULL; i++)
    {
      const char *words = purpose_words (d->purposes[i]);
      if (words != NULL)
        g_string_append_printf (out, ", %s", words);
      else
        g_string_append_printf (out, ", for purpose %s", d->purposes[i]);
    }
  g_string_append_printf (out, ", consent version %d, by %s%s; file SHA-256 %.12s…",
                          d->consent_version, d->actor, format_words (d->format),
                          d->output_sha256);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* }}} */
/* {{{ as AuditEvents */

static void
add_coding (JsonBuilder *b,
            const char  *system,
            const char  *code,
            const char  *display)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, system);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  if (display != NULL)
    {
      json_builder_set_member_name (b, "display");
      json_builder_add_string_value (b, display);
    }
  json_builder_end_object (b);
}

static void
add_agent (JsonBuilder *b,
           const char  *code,
           const char  *display,
           const char  *who,
           gboolean     requestor)
{
  json_builder_begin_object (b);
  if (code != NULL)
    {
      json_builder_set_member_name (b, "type");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "coding");
      json_builder_begin_array (b);
      add_coding (b, "http://dicom.nema.org/resources/ontology/DCM", code, display);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "who");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "display");
  json_builder_add_string_value (b, who);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "requestor");
  json_builder_add_boolean_value (b, requestor);
  json_builder_end_object (b);
}

static void
add_audit_event (JsonBuilder        *b,
                 const HfDisclosure *d,
                 const char         *patient)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", d->id, d->output_sha256);
  g_autofree char *id = hf_uuid_v5 (DISCLOSURE_NAMESPACE, name, -1);
  g_autofree char *recorded = format_instant (d->at);
  g_autofree char *counts = hf_disclosure_describe_counts (d->summary);
  g_autofree char *recipient = d->recipient_contact != NULL
    ? g_strdup_printf ("%s (%s, %s)", d->recipient, d->recipient_kind, d->recipient_contact)
    : g_strdup_printf ("%s (%s)", d->recipient, d->recipient_kind);
  g_autofree char *full_url = g_strconcat ("urn:uuid:", id, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "fullUrl");
  json_builder_add_string_value (b, full_url);
  json_builder_set_member_name (b, "resource");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "AuditEvent");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "meta");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "https://profiles.ihe.net/ITI/BALP/StructureDefinition/"
                                    "IHE.BasicAudit.PrivacyDisclosure.Source");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "type");
  add_coding (b, "http://dicom.nema.org/resources/ontology/DCM", "110106", "Export");
  json_builder_set_member_name (b, "subtype");
  json_builder_begin_array (b);
  add_coding (b, "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "disclose",
              "Disclose Record Lifecycle Event");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "action");
  json_builder_add_string_value (b, "R");
  json_builder_set_member_name (b, "recorded");
  json_builder_add_string_value (b, recorded);
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, "0");
  if (d->purposes != NULL && d->purposes[0] != NULL)
    {
      json_builder_set_member_name (b, "purposeOfEvent");
      json_builder_begin_array (b);
      for (guint i = 0; d->purposes[i] != NULL; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "coding");
          json_builder_begin_array (b);
          add_coding (b, "http://terminology.hl7.org/CodeSystem/v3-ActReason", d->purposes[i],
                      NULL);
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "agent");
  json_builder_begin_array (b);
  add_agent (b, "110153", "Source Role ID", "Healthfolio (this vault)", FALSE);
  add_agent (b, "110152", "Destination Role ID", recipient, FALSE);
  add_agent (b, NULL, NULL, d->actor, TRUE);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "source");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "observer");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "display");
  json_builder_add_string_value (b, "Healthfolio");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_begin_array (b);
  add_coding (b, "http://terminology.hl7.org/CodeSystem/security-source-type", "1",
              "User Device");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "entity");
  json_builder_begin_array (b);
  /* The patient, then the data: the Bundle, by the identifier the file carries. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "what");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "Patient");
  json_builder_set_member_name (b, "display");
  json_builder_add_string_value (b, patient != NULL ? patient : "the vault's person");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "type");
  add_coding (b, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
  json_builder_set_member_name (b, "role");
  add_coding (b, "http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "what");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "Bundle");
  json_builder_set_member_name (b, "identifier");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "system");
  json_builder_add_string_value (b, "urn:ietf:rfc:3986");
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, d->bundle_id);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "type");
  add_coding (b, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
  json_builder_set_member_name (b, "role");
  add_coding (b, "http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource");
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, counts);
  json_builder_set_member_name (b, "detail");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "SHA-256 of the file");
  json_builder_set_member_name (b, "valueString");
  json_builder_add_string_value (b, d->output_sha256);
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "consent version");
  json_builder_set_member_name (b, "valueString");
  {
    g_autofree char *version = g_strdup_printf ("%d", d->consent_version);
    json_builder_add_string_value (b, version);
  }
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

JsonNode *
hf_disclosure_audit_bundle (GPtrArray  *disclosures,
                            const char *patient,
                            gint64      now)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *timestamp = format_instant (now);

  g_return_val_if_fail (disclosures != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "resourceType");
  json_builder_add_string_value (b, "Bundle");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "collection");
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, timestamp);
  json_builder_set_member_name (b, "entry");
  json_builder_begin_array (b);
  for (guint i = 0; i < disclosures->len; i++)
    add_audit_event (b, g_ptr_array_index (disclosures, i), patient);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* }}} */

/* }}} */
