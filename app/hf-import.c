/* hf-import.c — importing FHIR R4 files (Bundles, single resources, NDJSON, folders)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format is told from the content: a first line that is a whole JSON value makes the file
 * NDJSON (read line by line, so memory is bounded by the longest line); otherwise the file is
 * one JSON document. Every value passes hf_json_guard_check() before json-glib sees it.
 *
 * A record's identity is (type, id, source). The stored JSON is the resource minified, with
 * a Bundle's fullUrl references (urn:uuid:…, resource:N) rewritten to Type/id, since they mean
 * nothing outside the Bundle. Resources without an id get one from their content's hash, so
 * importing the same file twice still changes nothing.
 */

#include "hf-import.h"
#include "hf-import-private.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-json-guard.h"
#include "hf-vault-private.h"

#define MAX_DOCUMENT_SIZE (G_GINT64_CONSTANT (1) << 30)   /* a non-NDJSON file */
#define PROGRESS_EVERY    1000

typedef struct
{
  HfVault              *vault;
  sqlite3              *db;
  GCancellable         *cancellable;
  HfImportProgressFunc  progress;
  gpointer              progress_data;
  HfImportResult       *result;
  guint64               bytes_total;
  guint64               bytes_before;   /* of the files already done */
  guint64               resources;

  /* The file being read. */
  const char           *path;
  char                 *display;
  char                 *source;         /* the provenance source name */
  char                 *sha256;
  gint64                provenance_id;  /* 0 until the file stores something */
  GHashTable           *file_counts;    /* type → count of stored rows */

  /* A Bundle's fullUrl → "Type/id", and "Type/id" → display name, while it is read. */
  GHashTable           *rewrite;
  GHashTable           *names;
  GHashTable           *db_names;       /* "Type/id" → title, or "" when not in the vault */

  sqlite3_stmt         *find_current;
  sqlite3_stmt         *find_same;
  sqlite3_stmt         *find_link;
  sqlite3_stmt         *find_title;
  sqlite3_stmt         *insert;
  sqlite3_stmt         *supersede;
  sqlite3_stmt         *fts_insert;
  sqlite3_stmt         *fts_delete;
  sqlite3_stmt         *insert_provenance;
} Import;

void
hf_import_result_free (HfImportResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->by_type, g_hash_table_unref);
  g_free (result);
}

static gboolean
invalid (Import      *imp,
         GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

/* One sentence: the file, where in it, what is wrong, and that nothing changed. */
static gboolean
invalid (Import      *imp,
         GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
               "Cannot import “%s”: %s; nothing was imported.", imp->display, what);
  return FALSE;
}

/* {{{ writing minified JSON */

static void
write_string (GString    *out,
              const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = *p;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

/* The shortest text that reads back as the same double: 6.3 stays "6.3". */
static void
write_double (GString *out,
              double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 15; digits <= 17; digits++)
    {
      g_autofree char *format = g_strdup_printf ("%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (digits == 17 || g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
}

static gboolean
write_node (GString    *out,
            JsonNode   *node,
            GHashTable *rewrite,
            gboolean    is_reference)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, o);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_string (out, name);
            g_string_append_c (out, ':');
            if (!write_node (out, member, rewrite, g_str_equal (name, "reference")))
              return FALSE;
          }
        g_string_append_c (out, '}');
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        guint n = json_array_get_length (a);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (!write_node (out, json_array_get_element (a, i), rewrite, FALSE))
              return FALSE;
          }
        g_string_append_c (out, ']');
        return TRUE;
      }
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      return TRUE;
    case JSON_NODE_VALUE:
      {
        GType t = json_node_get_value_type (node);
        if (t == G_TYPE_STRING)
          {
            const char *s = json_node_get_string (node);
            const char *mapped = is_reference && rewrite ? g_hash_table_lookup (rewrite, s) : NULL;
            write_string (out, mapped ? mapped : s);
          }
        else if (t == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (t == G_TYPE_DOUBLE)
          {
            double d = json_node_get_double (node);
            if (!isfinite (d))
              return FALSE;
            write_double (out, d);
          }
        else if (t == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else
          return FALSE;
        return TRUE;
      }
    default:
      return FALSE;
    }
}

static char *
minify (JsonObject *o,
        GHashTable *rewrite)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), o);
  g_autoptr(GString) out = g_string_sized_new (1024);

  if (!write_node (out, node, rewrite, FALSE))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* }}} */
/* {{{ the database */

static gboolean
prepare (Import  *imp,
         GError **error)
{
  static const struct { gsize offset; const char *sql; } statements[] = {
    { G_STRUCT_OFFSET (Import, find_current),
      "SELECT id, content_hash, version_id, last_updated FROM resource "
      "WHERE resource_type = ? AND fhir_id = ? AND source_key = ? AND superseded_by IS NULL" },
    { G_STRUCT_OFFSET (Import, find_same),
      "SELECT 1 FROM resource WHERE resource_type = ? AND fhir_id = ? AND source_key = ? "
      "AND content_hash = ?" },
    { G_STRUCT_OFFSET (Import, find_link),
      "SELECT coalesce (linked_to, id) FROM resource WHERE resource_type = ? AND fhir_id = ? "
      "AND superseded_by IS NULL AND source_key <> ? ORDER BY id LIMIT 1" },
    { G_STRUCT_OFFSET (Import, find_title),
      "SELECT title FROM resource WHERE resource_type = ? AND fhir_id = ? "
      "AND superseded_by IS NULL ORDER BY id LIMIT 1" },
    { G_STRUCT_OFFSET (Import, insert),
      "INSERT INTO resource (resource_type, fhir_id, source_key, source_id, version_id, "
      "last_updated, json, category, effective, status, code_system, code, code_display, "
      "value_num, value_unit, subject, title, subtitle, content_hash, superseded_by, "
      "linked_to) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" },
    { G_STRUCT_OFFSET (Import, supersede),
      "UPDATE resource SET superseded_by = ? WHERE id = ?" },
    { G_STRUCT_OFFSET (Import, fts_insert),
      "INSERT INTO resource_fts (rowid, title, subtitle, codes, notes) VALUES (?,?,?,?,?)" },
    { G_STRUCT_OFFSET (Import, fts_delete),
      "DELETE FROM resource_fts WHERE rowid = ?" },
    { G_STRUCT_OFFSET (Import, insert_provenance),
      "INSERT INTO provenance (source, sha256, imported_at, actor) VALUES (?,?,?,?)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    {
      sqlite3_stmt **stmt = G_STRUCT_MEMBER_P (imp, statements[i].offset);
      int rc = sqlite3_prepare_v3 (imp->db, statements[i].sql, -1, SQLITE_PREPARE_PERSISTENT,
                                   stmt, NULL);
      if (rc != SQLITE_OK)
        return _hf_db_fail (imp->db, rc, "preparing the import", error);
    }
  return TRUE;
}

static void
finalize_statements (Import *imp)
{
  sqlite3_stmt **all[] = {
    &imp->find_current, &imp->find_same, &imp->find_link, &imp->find_title, &imp->insert,
    &imp->supersede, &imp->fts_insert, &imp->fts_delete, &imp->insert_provenance,
  };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_clear_pointer (all[i], sqlite3_finalize);
}

static gboolean
step_done (Import        *imp,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (imp->db, rc, "storing records", error);
  return TRUE;
}

static gboolean
ensure_provenance (Import  *imp,
                   GError **error)
{
  if (imp->provenance_id != 0)
    return TRUE;
  sqlite3_bind_text (imp->insert_provenance, 1, imp->source, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert_provenance, 2, imp->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (imp->insert_provenance, 3, g_get_real_time ());
  sqlite3_bind_text (imp->insert_provenance, 4, hf_vault_get_member_name (imp->vault), -1,
                     SQLITE_STATIC);
  if (!step_done (imp, imp->insert_provenance, error))
    return FALSE;
  imp->provenance_id = sqlite3_last_insert_rowid (imp->db);
  return TRUE;
}

static gboolean
finish_provenance (Import  *imp,
                   GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) types = NULL;
  g_autofree char *counts = NULL;
  sqlite3_stmt *stmt = NULL;

  if (imp->provenance_id == 0)
    return TRUE;
  types = g_list_sort (g_hash_table_get_keys (imp->file_counts), (GCompareFunc) strcmp);
  json_builder_begin_object (b);
  for (GList *l = types; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (imp->file_counts,
                                                                            l->data)));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  counts = json_generator_to_data (gen, NULL);

  sqlite3_prepare_v2 (imp->db, "UPDATE provenance SET counts = ? WHERE id = ?", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, counts, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, imp->provenance_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_finalize (stmt);
      return _hf_db_fail (imp->db, sqlite3_errcode (imp->db), "recording provenance", error);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* }}} */
/* {{{ one resource */

static char *
resolve_name (const char *reference,
              gpointer    user_data)
{
  Import *imp = user_data;
  const char *mapped = g_hash_table_lookup (imp->rewrite, reference);
  const char *key = mapped ? mapped : reference;
  const char *name = g_hash_table_lookup (imp->names, key);
  const char *slash;
  char *title = NULL;

  if (name != NULL)
    return g_strdup (name);
  name = g_hash_table_lookup (imp->db_names, key);
  if (name != NULL)
    return *name ? g_strdup (name) : NULL;

  slash = strchr (key, '/');
  if (slash != NULL && strchr (slash + 1, '/') == NULL)
    {
      g_autofree char *type = g_strndup (key, slash - key);
      sqlite3_bind_text (imp->find_title, 1, type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (imp->find_title, 2, slash + 1, -1, SQLITE_STATIC);
      if (sqlite3_step (imp->find_title) == SQLITE_ROW)
        title = g_strdup ((const char *) sqlite3_column_text (imp->find_title, 0));
      sqlite3_reset (imp->find_title);
      sqlite3_clear_bindings (imp->find_title);
    }
  g_hash_table_insert (imp->db_names, g_strdup (key), g_strdup (title ? title : ""));
  return title;
}

static const char *
meta_string (JsonObject *r,
             const char *name)
{
  JsonNode *meta = json_object_get_member (r, "meta");
  JsonNode *n;

  if (meta == NULL || !JSON_NODE_HOLDS_OBJECT (meta))
    return NULL;
  n = json_object_get_member (json_node_get_object (meta), name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

/* Is the incoming version (version_id, last_updated) newer than the stored one? Without
 * version information on either side, the later import wins. */
static gboolean
is_newer (const char *version_id,
          const char *last_updated,
          const char *old_version_id,
          const char *old_last_updated)
{
  guint64 a, b;

  if (last_updated != NULL && old_last_updated != NULL &&
      g_strcmp0 (last_updated, old_last_updated) != 0)
    {
      g_autoptr(GDateTime) x = g_date_time_new_from_iso8601 (last_updated, NULL);
      g_autoptr(GDateTime) y = g_date_time_new_from_iso8601 (old_last_updated, NULL);
      if (x != NULL && y != NULL)
        return g_date_time_compare (x, y) > 0;
      return strcmp (last_updated, old_last_updated) > 0;
    }
  if (version_id != NULL && old_version_id != NULL &&
      g_ascii_string_to_unsigned (version_id, 10, 0, G_MAXUINT64, &a, NULL) &&
      g_ascii_string_to_unsigned (old_version_id, 10, 0, G_MAXUINT64, &b, NULL))
    return a >= b;
  return TRUE;
}

static void
count_type (GHashTable *table,
            const char *type)
{
  gpointer old = g_hash_table_lookup (table, type);

  if (old == NULL)
    g_hash_table_insert (table, g_strdup (type), GUINT_TO_POINTER (1));
  else
    g_hash_table_insert (table, g_strdup (type), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           col,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, col);
}

static gboolean
store_resource (Import      *imp,
                JsonObject  *r,
                const char  *type,
                const char  *fhir_id,
                const char  *json,
                GError     **error)
{
  guint8 hash[32];
  gsize hash_len = sizeof hash;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  HfFhirSummary s;
  const char *version_id = meta_string (r, "versionId");
  const char *last_updated = meta_string (r, "lastUpdated");
  gint64 current = 0, link = 0, new_id;
  gboolean older = FALSE;
  int rc;

  g_checksum_update (sum, (const guchar *) json, strlen (json));
  g_checksum_get_digest (sum, hash, &hash_len);
  count_type (imp->result->by_type, type);

  sqlite3_bind_text (imp->find_current, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->find_current, 2, fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->find_current, 3, imp->source, -1, SQLITE_STATIC);
  rc = sqlite3_step (imp->find_current);
  if (rc == SQLITE_ROW)
    {
      gboolean same = sqlite3_column_bytes (imp->find_current, 1) == (int) sizeof hash &&
                      memcmp (sqlite3_column_blob (imp->find_current, 1), hash, sizeof hash) == 0;
      current = sqlite3_column_int64 (imp->find_current, 0);
      if (!same)
        older = !is_newer (version_id, last_updated,
                           (const char *) sqlite3_column_text (imp->find_current, 2),
                           (const char *) sqlite3_column_text (imp->find_current, 3));
      if (same)
        current = -1;
    }
  sqlite3_reset (imp->find_current);
  sqlite3_clear_bindings (imp->find_current);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (imp->db, rc, "reading records", error);
  if (current == -1)
    {
      imp->result->unchanged++;
      return TRUE;
    }
  if (current != 0)
    {
      /* A version seen before, now history: still nothing new. */
      sqlite3_bind_text (imp->find_same, 1, type, -1, SQLITE_STATIC);
      sqlite3_bind_text (imp->find_same, 2, fhir_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (imp->find_same, 3, imp->source, -1, SQLITE_STATIC);
      sqlite3_bind_blob (imp->find_same, 4, hash, sizeof hash, SQLITE_STATIC);
      rc = sqlite3_step (imp->find_same);
      sqlite3_reset (imp->find_same);
      sqlite3_clear_bindings (imp->find_same);
      if (rc == SQLITE_ROW)
        {
          imp->result->unchanged++;
          return TRUE;
        }
    }
  else
    {
      sqlite3_bind_text (imp->find_link, 1, type, -1, SQLITE_STATIC);
      sqlite3_bind_text (imp->find_link, 2, fhir_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (imp->find_link, 3, imp->source, -1, SQLITE_STATIC);
      if (sqlite3_step (imp->find_link) == SQLITE_ROW)
        link = sqlite3_column_int64 (imp->find_link, 0);
      sqlite3_reset (imp->find_link);
      sqlite3_clear_bindings (imp->find_link);
    }

  if (!ensure_provenance (imp, error))
    return FALSE;

  /* The unique index allows one current row per key: retire the old one first. */
  if (current != 0 && !older)
    {
      sqlite3_bind_int64 (imp->supersede, 1, current);
      sqlite3_bind_int64 (imp->supersede, 2, current);
      if (!step_done (imp, imp->supersede, error))
        return FALSE;
    }

  hf_fhir_summarize (r, resolve_name, imp, &s);
  if (s.subject != NULL && g_hash_table_lookup (imp->rewrite, s.subject) != NULL)
    {
      char *mapped = g_strdup (g_hash_table_lookup (imp->rewrite, s.subject));
      g_free (s.subject);
      s.subject = mapped;
    }

  sqlite3_bind_text (imp->insert, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert, 2, fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert, 3, imp->source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (imp->insert, 4, imp->provenance_id);
  bind_text_or_null (imp->insert, 5, version_id);
  bind_text_or_null (imp->insert, 6, last_updated);
  sqlite3_bind_text (imp->insert, 7, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert, 8, s.category, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert, 9, s.effective ? s.effective : "", -1, SQLITE_STATIC);
  bind_text_or_null (imp->insert, 10, s.status);
  bind_text_or_null (imp->insert, 11, s.code_system);
  bind_text_or_null (imp->insert, 12, s.code);
  bind_text_or_null (imp->insert, 13, s.code_display);
  if (s.has_value)
    sqlite3_bind_double (imp->insert, 14, s.value_num);
  bind_text_or_null (imp->insert, 15, s.value_unit);
  bind_text_or_null (imp->insert, 16, s.subject);
  sqlite3_bind_text (imp->insert, 17, s.title, -1, SQLITE_STATIC);
  bind_text_or_null (imp->insert, 18, s.subtitle);
  sqlite3_bind_blob (imp->insert, 19, hash, sizeof hash, SQLITE_STATIC);
  if (older)
    sqlite3_bind_int64 (imp->insert, 20, current);
  if (link != 0)
    sqlite3_bind_int64 (imp->insert, 21, link);
  if (!step_done (imp, imp->insert, error))
    {
      hf_fhir_summary_clear (&s);
      return FALSE;
    }
  new_id = sqlite3_last_insert_rowid (imp->db);

  if (!older)
    {
      sqlite3_bind_int64 (imp->fts_insert, 1, new_id);
      sqlite3_bind_text (imp->fts_insert, 2, s.title, -1, SQLITE_STATIC);
      bind_text_or_null (imp->fts_insert, 3, s.subtitle);
      bind_text_or_null (imp->fts_insert, 4, s.search_codes);
      bind_text_or_null (imp->fts_insert, 5, s.search_notes);
      if (!step_done (imp, imp->fts_insert, error))
        {
          hf_fhir_summary_clear (&s);
          return FALSE;
        }
    }
  hf_fhir_summary_clear (&s);

  if (current != 0 && !older)
    {
      sqlite3_bind_int64 (imp->supersede, 1, new_id);
      sqlite3_bind_int64 (imp->supersede, 2, current);
      sqlite3_bind_int64 (imp->fts_delete, 1, current);
      if (!step_done (imp, imp->supersede, error) || !step_done (imp, imp->fts_delete, error))
        return FALSE;
      imp->result->updated++;
    }
  else if (older)
    imp->result->history++;
  else
    imp->result->added++;
  count_type (imp->file_counts, type);
  return TRUE;
}

/* }}} */
/* {{{ values: a resource or a Bundle */

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static const char *
checked_type (Import      *imp,
              JsonObject  *r,
              const char  *where,
              GError     **error)
{
  const char *type = member_string (r, "resourceType");

  if (type == NULL)
    {
      invalid (imp, error, "%s is JSON but not a FHIR resource (it has no resourceType)", where);
      return NULL;
    }
  if (!hf_fhir_is_resource_type (type))
    {
      g_autofree char *shown = g_utf8_make_valid (type, MIN (strlen (type), 64));
      invalid (imp, error, "%s has the resourceType “%s”, which is not a FHIR R4 resource type",
               where, shown);
      return NULL;
    }
  return type;
}

/* The id a resource is stored under: its own, else the uuid of its urn:uuid fullUrl, else
 * one derived from its content. */
static char *
resource_id (JsonObject *r,
             const char *full_url)
{
  const char *id = member_string (r, "id");
  g_autofree char *json = NULL;

  if (id != NULL && *id != '\0')
    return g_strdup (id);
  if (full_url != NULL && g_str_has_prefix (full_url, "urn:uuid:") && full_url[9] != '\0')
    return g_strdup (full_url + 9);
  json = minify (r, NULL);
  return g_strdup_printf ("hf-%.32s",
                          g_compute_checksum_for_string (G_CHECKSUM_SHA256, json ? json : "", -1));
}

static gboolean
tick (Import  *imp,
      guint64  bytes_in_file,
      GError **error)
{
  if (++imp->resources % PROGRESS_EVERY != 0)
    return TRUE;
  if (imp->progress != NULL)
    imp->progress (imp->path, imp->resources, imp->bytes_before + bytes_in_file,
                   imp->bytes_total, imp->progress_data);
  return !g_cancellable_set_error_if_cancelled (imp->cancellable, error);
}

static gboolean import_value (Import      *imp,
                              JsonObject  *root,
                              const char  *where,
                              guint64      offset,
                              GError     **error);

static gboolean
import_bundle (Import      *imp,
               JsonObject  *bundle,
               const char  *where,
               guint64      offset,
               GError     **error)
{
  JsonNode *entries_node = json_object_get_member (bundle, "entry");
  JsonArray *entries;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *bundle_type = member_string (bundle, "type");
  guint n;

  if (entries_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (entries_node))
    return invalid (imp, error, "%s is a Bundle whose “entry” is not a list", where);
  entries = json_node_get_array (entries_node);
  n = json_array_get_length (entries);

  /* First every entry's identity, so references between entries resolve in any order. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      JsonNode *rn = entry ? json_object_get_member (entry, "resource") : NULL;
      JsonObject *r = rn && JSON_NODE_HOLDS_OBJECT (rn) ? json_node_get_object (rn) : NULL;
      g_autofree char *here = g_strdup_printf ("%s%sBundle.entry[%u]", where, *where ? ", " : "", i);
      const char *full_url = member_string (entry, "fullUrl");
      const char *type;
      char *id;

      if (r == NULL)
        {
          JsonNode *req = entry ? json_object_get_member (entry, "request") : NULL;
          const char *method = req && JSON_NODE_HOLDS_OBJECT (req)
                               ? member_string (json_node_get_object (req), "method") : NULL;
          /* A history Bundle records deletions as entries without a resource. */
          if (g_strcmp0 (bundle_type, "history") == 0 && g_strcmp0 (method, "DELETE") == 0)
            {
              g_ptr_array_add (ids, NULL);
              continue;
            }
          return invalid (imp, error, "%s has no resource", g_strstrip (here));
        }
      if ((type = checked_type (imp, r, g_strstrip (here), error)) == NULL)
        return FALSE;
      id = resource_id (r, full_url);
      g_ptr_array_add (ids, id);
      if (full_url != NULL)
        {
          g_autofree char *tail = g_strdup_printf ("/%s/%s", type, id);
          g_autofree char *key = g_strdup_printf ("%s/%s", type, id);
          if (!g_str_equal (full_url, key))
            g_hash_table_insert (imp->rewrite, g_strdup (full_url), g_strdup (key));
          if (g_str_has_suffix (full_url, tail))
            g_hash_table_insert (imp->rewrite, g_strdup (full_url), g_strdup (key));
        }
      {
        char *name = hf_fhir_display_name (r);
        if (name != NULL)
          g_hash_table_insert (imp->names, g_strdup_printf ("%s/%s", type, id), name);
      }
    }

  for (guint i = 0; i < n; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *r = json_object_get_object_member (entry, "resource");
      const char *type;
      g_autofree char *json = NULL;
      g_autofree char *here = NULL;

      if (r == NULL)
        continue;
      here = g_strdup_printf ("%s%sBundle.entry[%u]", where, *where ? ", " : "", i);
      g_strstrip (here);
      type = member_string (r, "resourceType");
      if (g_str_equal (type, "Bundle"))
        {
          if (!import_value (imp, r, here, offset, error))
            return FALSE;
          continue;
        }
      json = minify (r, imp->rewrite);
      if (json == NULL)
        return invalid (imp, error, "%s holds a number that is out of range", here);
      if (!store_resource (imp, r, type, g_ptr_array_index (ids, i), json, error) ||
          !tick (imp, offset, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_value (Import      *imp,
              JsonObject  *root,
              const char  *where,
              guint64      offset,
              GError     **error)
{
  const char *type = checked_type (imp, root, *where ? where : "the file", error);
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;

  if (type == NULL)
    return FALSE;
  if (g_str_equal (type, "Bundle"))
    {
      gboolean ok = import_bundle (imp, root, where, offset, error);
      g_hash_table_remove_all (imp->rewrite);
      g_hash_table_remove_all (imp->names);
      return ok;
    }
  id = resource_id (root, NULL);
  json = minify (root, NULL);
  if (json == NULL)
    return invalid (imp, error, "%s holds a number that is out of range",
                    *where ? where : "the file");
  return store_resource (imp, root, type, id, json, error) && tick (imp, offset, error);
}

/* }}} */
/* {{{ files */

/* json-glib says "<data>:LINE:COLUMN: Parse error: WHAT"; keep the position and the words. */
static gboolean
parse_failed (Import     *imp,
              GError    **error,
              const char *where,
              guint       line_offset,
              GError     *parse_error)
{
  const char *text = parse_error->message;
  const char *what = strstr (text, "Parse error: ");
  guint line = 0, column = 0;

  if (sscanf (text, "<data>:%u:%u:", &line, &column) == 2 && what != NULL)
    {
      if (line_offset > 0)
        return invalid (imp, error, "line %u, column %u is not valid JSON (%s)", line_offset,
                        column, what + strlen ("Parse error: "));
      return invalid (imp, error, "%sline %u, column %u is not valid JSON (%s)", where, line,
                      column, what + strlen ("Parse error: "));
    }
  return invalid (imp, error, "%sit is not valid JSON (%s)", where, text);
}

static gboolean
import_text (Import      *imp,
             JsonParser  *parser,
             const char  *data,
             gsize        length,
             guint        line_no,
             guint64      offset,
             GError     **error)
{
  HfJsonProblem problem = { 0 };
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *where = line_no ? g_strdup_printf ("line %u", line_no) : g_strdup ("");
  JsonNode *root;

  if (!hf_json_guard_check (data, length, &problem))
    {
      gboolean ok = line_no
        ? invalid (imp, error, "line %u, column %u: %s", line_no, problem.column, problem.reason)
        : invalid (imp, error, "line %u, column %u: %s", problem.line, problem.column,
                   problem.reason);
      hf_json_problem_clear (&problem);
      return ok;
    }
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    return parse_failed (imp, error, "", line_no, parse_error);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (imp, error, "%s is JSON but not a FHIR resource (not an object)",
                    line_no ? where : "the file");
  return import_value (imp, json_node_get_object (root), where, offset, error);
}

static char *
file_sha256 (const char  *path,
             guint64     *size,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (1 << 16);
  gssize n;

  if (in == NULL)
    return NULL;
  *size = 0;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, 1 << 16, NULL, error)) > 0)
    {
      g_checksum_update (sum, buf, n);
      *size += n;
    }
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

static gboolean
import_document (Import      *imp,
                 JsonParser  *parser,
                 GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (imp->path, &st) == 0 && st.st_size > MAX_DOCUMENT_SIZE)
    return invalid (imp, error, "the file is larger than the limit of 1 GiB for one JSON "
                    "document (split it, or export it as NDJSON)");
  if (!g_file_get_contents (imp->path, &data, &length, error))
    return FALSE;
  return import_text (imp, parser, data, length, 0, 0, error);
}

static gboolean
is_blank (const char *line,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (line[i]))
      return FALSE;
  return TRUE;
}

static gboolean
import_file (Import      *imp,
             const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  guint64 size = 0;
  guint line_no = 0;
  gboolean ndjson = FALSE;
  GError *read_error = NULL;

  imp->path = path;
  g_clear_pointer (&imp->display, g_free);
  g_clear_pointer (&imp->source, g_free);
  g_clear_pointer (&imp->sha256, g_free);
  imp->display = g_filename_display_name (path);
  imp->source = g_path_get_basename (imp->display);
  imp->provenance_id = 0;
  g_hash_table_remove_all (imp->file_counts);

  imp->sha256 = file_sha256 (path, &size, error);
  if (imp->sha256 == NULL)
    {
      g_prefix_error (error, "Cannot read “%s”: ", imp->display);
      return FALSE;
    }
  if (imp->progress != NULL)
    imp->progress (path, imp->resources, imp->bytes_before, imp->bytes_total,
                   imp->progress_data);

  raw = g_file_read (file, NULL, error);
  if (raw == NULL)
    return FALSE;
  in = g_data_input_stream_new (G_INPUT_STREAM (raw));
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 1 << 16);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);

  for (;;)
    {
      gsize length = 0;
      g_autofree char *line = g_data_input_stream_read_line (in, &length, NULL, &read_error);

      if (line == NULL)
        break;
      line_no++;
      if (length > 0 && line[length - 1] == '\r')
        length--;
      if (is_blank (line, length))
        continue;
      if (!ndjson)
        {
          HfJsonProblem problem = { 0 };
          gboolean whole = hf_json_guard_check (line, length, &problem);
          gboolean partial = !whole && problem.truncated;

          hf_json_problem_clear (&problem);
          if (partial)
            {
              /* A document spread over lines: read it whole. */
              g_clear_object (&in);
              g_clear_object (&raw);
              if (!import_document (imp, parser, error))
                return FALSE;
              imp->bytes_before += size;
              return finish_provenance (imp, error);
            }
          ndjson = TRUE;
        }
      if (!import_text (imp, parser, line, length, line_no,
                        g_seekable_tell (G_SEEKABLE (raw)), error))
        return FALSE;
    }
  if (read_error != NULL)
    {
      g_propagate_prefixed_error (error, read_error, "Cannot read “%s”: ", imp->display);
      return FALSE;
    }
  if (line_no == 0 || !ndjson)
    return invalid (imp, error, "the file is empty");
  imp->bytes_before += size;
  return finish_provenance (imp, error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static gboolean
collect_files (const char  *path,
               GPtrArray   *files,
               guint        depth,
               GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *shown = g_filename_display_name (path);
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There is no file or folder “%s”; nothing was imported.", shown);
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return TRUE;
    }
  if (depth > 32)
    {
      g_autofree char *shown = g_filename_display_name (path);
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The folder “%s” is nested too deeply (a link loop?); nothing was imported.",
                   shown);
      return FALSE;
    }
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      if (!collect_files (child, files, depth + 1, error))
        return FALSE;
    }
  return TRUE;
}

/* }}} */

static char *
describe (HfImportResult *result)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GList) types = g_list_sort (g_hash_table_get_keys (result->by_type),
                                        (GCompareFunc) strcmp);

  g_string_append_printf (s, "%u file%s: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
                          " updated, %" G_GUINT64_FORMAT " older versions kept, %"
                          G_GUINT64_FORMAT " unchanged", result->files,
                          result->files == 1 ? "" : "s", result->added, result->updated,
                          result->history, result->unchanged);
  for (GList *l = types; l != NULL; l = l->next)
    g_string_append_printf (s, "%s%s %u", l == types ? "; " : ", ", (char *) l->data,
                            GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type, l->data)));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
hf_vault_import_files (HfVault               *vault,
                       const char * const    *paths,
                       HfImportProgressFunc   progress,
                       gpointer               user_data,
                       GCancellable          *cancellable,
                       HfImportResult       **out,
                       GError               **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HfImportResult) result = g_new0 (HfImportResult, 1);
  Import imp = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (paths != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "import records", error))
    return FALSE;
  for (guint i = 0; paths[i] != NULL; i++)
    if (!collect_files (paths[i], files, 0, error))
      return FALSE;
  if (files->len == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "There are no files to import; nothing was imported.");
      return FALSE;
    }

  result->by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.vault = vault;
  imp.db = _hf_vault_get_db (vault);
  imp.cancellable = cancellable;
  imp.progress = progress;
  imp.progress_data = user_data;
  imp.result = result;
  imp.file_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.rewrite = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  imp.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  imp.db_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < files->len; i++)
    {
      GStatBuf st;
      if (g_stat (g_ptr_array_index (files, i), &st) == 0)
        imp.bytes_total += st.st_size;
    }

  if (!prepare (&imp, error) || !_hf_db_begin (imp.db, error))
    goto out;
  for (guint i = 0; i < files->len; i++)
    {
      if (!import_file (&imp, g_ptr_array_index (files, i), error))
        {
          _hf_db_rollback (imp.db);
          goto out;
        }
      result->files++;
    }
  if (result->added + result->updated + result->history > 0)
    {
      g_autofree char *detail = describe (result);
      if (!_hf_audit_append (imp.db, _hf_vault_get_audit_key (vault),
                             hf_vault_get_member_name (vault), "import", detail, error))
        {
          _hf_db_rollback (imp.db);
          goto out;
        }
    }
  finalize_statements (&imp);
  if (!_hf_db_commit (imp.db, error))
    goto out;
  if (progress != NULL)
    progress (NULL, imp.resources, imp.bytes_total, imp.bytes_total, user_data);
  ok = TRUE;
  if (out != NULL)
    *out = g_steal_pointer (&result);

out:
  finalize_statements (&imp);
  g_free (imp.display);
  g_free (imp.source);
  g_free (imp.sha256);
  g_hash_table_unref (imp.file_counts);
  g_hash_table_unref (imp.rewrite);
  g_hash_table_unref (imp.names);
  g_hash_table_unref (imp.db_names);
  return ok;
}

/* {{{ batches: the storing path for resources fetched by a source's sync */

struct _HfImportBatch
{
  Import          imp;
  HfImportResult *result;
};

HfImportBatch *
_hf_import_batch_new (HfVault     *vault,
                      const char  *source_key,
                      gint64       provenance_id,
                      GError     **error)
{
  g_autoptr(HfImportBatch) batch = g_new0 (HfImportBatch, 1);

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (source_key != NULL, NULL);
  g_return_val_if_fail (provenance_id > 0, NULL);

  batch->result = g_new0 (HfImportResult, 1);
  batch->result->by_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  batch->imp.vault = vault;
  batch->imp.db = _hf_vault_get_db (vault);
  batch->imp.result = batch->result;
  batch->imp.display = g_strdup (source_key);
  batch->imp.source = g_strdup (source_key);
  batch->imp.provenance_id = provenance_id;
  batch->imp.file_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  batch->imp.rewrite = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  batch->imp.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  batch->imp.db_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!prepare (&batch->imp, error))
    return NULL;
  return g_steal_pointer (&batch);
}

gboolean
_hf_import_batch_add (HfImportBatch  *batch,
                      JsonObject     *resource,
                      const char     *where,
                      GError        **error)
{
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  /* Names cached from a rolled-back page could be stale; they are cheap to look up again. */
  g_hash_table_remove_all (batch->imp.db_names);
  return import_value (&batch->imp, resource, where ? where : "", 0, error);
}

HfImportResult *
_hf_import_batch_get_result (HfImportBatch *batch)
{
  g_return_val_if_fail (batch != NULL, NULL);

  return batch->result;
}

void
_hf_import_batch_free (HfImportBatch *batch)
{
  if (batch == NULL)
    return;
  finalize_statements (&batch->imp);
  g_free (batch->imp.display);
  g_free (batch->imp.source);
  g_clear_pointer (&batch->imp.file_counts, g_hash_table_unref);
  g_clear_pointer (&batch->imp.rewrite, g_hash_table_unref);
  g_clear_pointer (&batch->imp.names, g_hash_table_unref);
  g_clear_pointer (&batch->imp.db_names, g_hash_table_unref);
  hf_import_result_free (batch->result);
  g_free (batch);
}

/* }}} */
