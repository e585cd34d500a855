/* hf-records.c — the records schema and reading records: pages, search, one record, counts
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A resource row is "current" while superseded_by is NULL; older versions stay as history.
 * A current row a history Bundle deleted keeps its place (deleted_at set) but is not shown.
 * The timeline indexes are partial (shown rows only), so every query here says
 * "superseded_by IS NULL AND deleted_at IS NULL" for the planner to use them. A row without a
 * date has effective = ''
 * which sorts after every date in the newest-first order, so the keyset needs no NULL cases.
 */

#include "hf-records.h"
#include "hf-records-private.h"

#include <string.h>

#include "hf-audit.h"
#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-json-util.h"
#include "hf-vault-private.h"

gboolean
_hf_records_migrate_v2 (sqlite3  *db,
                        GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE provenance ("
    "  id          INTEGER PRIMARY KEY,"
    "  source      TEXT NOT NULL,"           /* the file's name */
    "  sha256      TEXT NOT NULL,"           /* of the file's bytes, hex */
    "  imported_at INTEGER NOT NULL,"        /* microseconds since the epoch, UTC */
    "  actor       TEXT NOT NULL,"
    "  counts      TEXT NOT NULL DEFAULT '{}'"  /* JSON: new records per resource type */
    ");"
    "CREATE TABLE resource ("
    "  id            INTEGER PRIMARY KEY,"
    "  resource_type TEXT NOT NULL,"
    "  fhir_id       TEXT NOT NULL,"
    "  source_key    TEXT NOT NULL,"         /* the provenance source name */
    "  source_id     INTEGER NOT NULL REFERENCES provenance (id),"
    "  version_id    TEXT,"
    "  last_updated  TEXT,"
    "  json          TEXT NOT NULL,"         /* the resource's bytes as received */
    "  category      TEXT NOT NULL,"
    "  effective     TEXT NOT NULL DEFAULT '',"
    "  status        TEXT,"
    "  code_system   TEXT,"
    "  code          TEXT,"
    "  code_display  TEXT,"
    "  value_num     REAL,"
    "  value_unit    TEXT,"
    "  subject       TEXT,"
    "  title         TEXT NOT NULL,"
    "  subtitle      TEXT,"
    "  content_hash  BLOB NOT NULL,"
    "  superseded_by INTEGER REFERENCES resource (id),"
    "  linked_to     INTEGER REFERENCES resource (id),"  /* the first of its copies */
    "  ident_key     TEXT,"                  /* the first identifier, "system|value" */
    "  deleted_at    TEXT"                   /* deleted at the source (a history Bundle) */
    ");"
    "CREATE UNIQUE INDEX resource_current ON resource (resource_type, fhir_id, source_key)"
    "  WHERE superseded_by IS NULL;"
    "CREATE INDEX resource_history ON resource (resource_type, fhir_id, source_key, content_hash);"
    "CREATE INDEX resource_timeline ON resource (effective DESC, id DESC)"
    "  WHERE superseded_by IS NULL AND deleted_at IS NULL;"
    "CREATE INDEX resource_type_timeline ON resource (resource_type, effective DESC, id DESC)"
    "  WHERE superseded_by IS NULL AND deleted_at IS NULL;"
    "CREATE INDEX resource_category_timeline ON resource (category, effective DESC, id DESC)"
    "  WHERE superseded_by IS NULL AND deleted_at IS NULL;"
    "CREATE INDEX resource_source ON resource (source_id);"
    "CREATE INDEX resource_code ON resource (code, effective) WHERE superseded_by IS NULL;"
    "CREATE INDEX resource_ident ON resource (resource_type, ident_key)"
    "  WHERE ident_key IS NOT NULL AND superseded_by IS NULL;"
    "CREATE INDEX resource_linked ON resource (linked_to) WHERE linked_to IS NOT NULL;"
    /* The shown records per type and category, kept by triggers in the same transaction as
     * the rows: the timeline's length and the sidebar's counts without a scan of a million
     * rows at unlock. */
    "CREATE TABLE record_count ("
    "  resource_type TEXT NOT NULL,"
    "  category      TEXT NOT NULL,"
    "  n             INTEGER NOT NULL,"
    "  PRIMARY KEY (resource_type, category)"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER record_count_insert AFTER INSERT ON resource "
    "  WHEN NEW.superseded_by IS NULL AND NEW.deleted_at IS NULL BEGIN"
    "  INSERT INTO record_count VALUES (NEW.resource_type, NEW.category, 1)"
    "    ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER record_count_update AFTER UPDATE OF superseded_by, deleted_at, category,"
    "  resource_type ON resource BEGIN"
    "  UPDATE record_count SET n = n - 1 WHERE OLD.superseded_by IS NULL"
    "    AND OLD.deleted_at IS NULL AND resource_type = OLD.resource_type"
    "    AND category = OLD.category;"
    "  INSERT INTO record_count SELECT NEW.resource_type, NEW.category, 1"
    "    WHERE NEW.superseded_by IS NULL AND NEW.deleted_at IS NULL"
    "    ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER record_count_delete AFTER DELETE ON resource "
    "  WHEN OLD.superseded_by IS NULL AND OLD.deleted_at IS NULL BEGIN"
    "  UPDATE record_count SET n = n - 1 WHERE resource_type = OLD.resource_type"
    "    AND category = OLD.category;"
    "END;"
    /* Every word the search index holds, so that a typed prefix is expanded with a range
     * lookup here: FTS5's own vocabulary counts a term's postings to list it, which at a
     * million records costs more than the search. Words are never taken out; a stale one
     * only matches nothing. */
    "CREATE TABLE search_vocab (term TEXT PRIMARY KEY) WITHOUT ROWID;"
    /* Contentless: the text lives once, encrypted, in resource; the index holds tokens. */
    "CREATE VIRTUAL TABLE resource_fts USING fts5 ("
    "  title, subtitle, codes, notes,"
    "  content = '', contentless_delete = 1,"
    "  tokenize = 'unicode61 remove_diacritics 2'"
    ");",
    error);
}

/* {{{ schema 4 */

/* What a patient reads: current, not deleted at the source, not a copy of another record. */
#define SHOWN "superseded_by IS NULL AND deleted_at IS NULL AND linked_to IS NULL"
/* … and in "All records": no insurance papers, no people and places. */
#define IN_ALL "category NOT IN ('" HF_CATEGORY_BILLING "', '" HF_CATEGORY_DIRECTORY "')"

gboolean
_hf_records_migrate_v4 (sqlite3  *db,
                        GError  **error)
{
  if (!_hf_db_exec (db,
    "ALTER TABLE resource ADD COLUMN context TEXT;"   /* the visit: "Encounter/id" */
    "CREATE INDEX resource_context ON resource (context)"
    "  WHERE context IS NOT NULL AND superseded_by IS NULL;"
    /* The timelines leave out linked copies; the one without a category or type is
     * "All records", which leaves out billing and the directory, and one holds them all. */
    "DROP INDEX resource_timeline;"
    "DROP INDEX resource_type_timeline;"
    "DROP INDEX resource_category_timeline;"
    "CREATE INDEX resource_timeline ON resource (effective DESC, id DESC)"
    "  WHERE " SHOWN " AND " IN_ALL ";"
    "CREATE INDEX resource_every_timeline ON resource (effective DESC, id DESC)"
    "  WHERE " SHOWN ";"
    "CREATE INDEX resource_type_timeline ON resource (resource_type, effective DESC, id DESC)"
    "  WHERE " SHOWN ";"
    "CREATE INDEX resource_category_timeline ON resource (category, effective DESC, id DESC)"
    "  WHERE " SHOWN ";"
    /* Search picks the shown matches in this small index before reading any row. */
    "CREATE INDEX resource_shown ON resource (id, category) WHERE " SHOWN ";"
    /* The counts tell copies apart (linked = 1): the timeline counts only the others, the
     * import statistics every current row, as before. */
    "DROP TRIGGER record_count_insert;"
    "DROP TRIGGER record_count_update;"
    "DROP TRIGGER record_count_delete;"
    "DROP TABLE record_count;"
    "CREATE TABLE record_count ("
    "  resource_type TEXT NOT NULL,"
    "  category      TEXT NOT NULL,"
    "  linked        INTEGER NOT NULL,"
    "  n             INTEGER NOT NULL,"
    "  PRIMARY KEY (resource_type, category, linked)"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER record_count_insert AFTER INSERT ON resource "
    "  WHEN NEW.superseded_by IS NULL AND NEW.deleted_at IS NULL BEGIN"
    "  INSERT INTO record_count VALUES (NEW.resource_type, NEW.category,"
    "    NEW.linked_to IS NOT NULL, 1) ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER record_count_update AFTER UPDATE OF superseded_by, deleted_at, category,"
    "  resource_type, linked_to ON resource BEGIN"
    "  UPDATE record_count SET n = n - 1 WHERE OLD.superseded_by IS NULL"
    "    AND OLD.deleted_at IS NULL AND resource_type = OLD.resource_type"
    "    AND category = OLD.category AND linked = (OLD.linked_to IS NOT NULL);"
    "  INSERT INTO record_count SELECT NEW.resource_type, NEW.category,"
    "    NEW.linked_to IS NOT NULL, 1"
    "    WHERE NEW.superseded_by IS NULL AND NEW.deleted_at IS NULL"
    "    ON CONFLICT DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER record_count_delete AFTER DELETE ON resource "
    "  WHEN OLD.superseded_by IS NULL AND OLD.deleted_at IS NULL BEGIN"
    "  UPDATE record_count SET n = n - 1 WHERE resource_type = OLD.resource_type"
    "    AND category = OLD.category AND linked = (OLD.linked_to IS NOT NULL);"
    "END;"
    /* Copies point at the first record of their group, the one shown. When it gives way to
     * a newer version (the importer first points superseded_by at the row itself, then at
     * the new row), the copies follow the new version; when its source deletes it, the
     * oldest current copy is shown instead and the others (and it) point there. */
    "CREATE TRIGGER resource_link_newer AFTER UPDATE OF superseded_by ON resource"
    "  WHEN OLD.linked_to IS NULL AND NEW.superseded_by IS NOT NULL"
    "  AND NEW.superseded_by <> NEW.id BEGIN"
    "  UPDATE resource SET linked_to = NEW.superseded_by WHERE linked_to = OLD.id;"
    "END;"
    "CREATE TRIGGER resource_link_copy_newer AFTER UPDATE OF superseded_by ON resource"
    "  WHEN OLD.linked_to IS NOT NULL AND NEW.superseded_by IS NOT NULL"
    "  AND NEW.superseded_by <> NEW.id BEGIN"
    "  UPDATE resource SET linked_to = OLD.linked_to"
    "    WHERE id = NEW.superseded_by AND linked_to IS NULL;"
    "END;"
    "CREATE TRIGGER resource_link_deleted AFTER UPDATE OF deleted_at ON resource"
    "  WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL"
    "  AND NEW.superseded_by IS NULL AND NEW.linked_to IS NULL BEGIN"
    "  UPDATE resource SET linked_to = (SELECT min (id) FROM resource WHERE linked_to = OLD.id"
    "      AND superseded_by IS NULL AND deleted_at IS NULL)"
    "    WHERE (linked_to = OLD.id OR id = OLD.id) AND id <> (SELECT min (id) FROM resource"
    "      WHERE linked_to = OLD.id AND superseded_by IS NULL AND deleted_at IS NULL);"
    "  UPDATE resource SET linked_to = NULL WHERE id = (SELECT min (id) FROM resource"
    "      WHERE linked_to = OLD.id AND superseded_by IS NULL AND deleted_at IS NULL);"
    "END;"
    /* Search inside words: every three characters of the folded text (see
     * _hf_search_fold_text) are a term. Still contentless. */
    "DROP TABLE resource_fts;"
    "CREATE VIRTUAL TABLE resource_fts USING fts5 ("
    "  title, subtitle, codes, notes,"
    "  content = '', contentless_delete = 1,"
    "  tokenize = 'trigram'"
    ");",
    error))
    return FALSE;
  return _hf_records_rebuild (db, error);
}

#define REBUILD_CHUNK 256

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *find_title;
} Rebuild;

static char *
rebuild_resolve (const char *reference,
                 gpointer    user_data)
{
  Rebuild *rb = user_data;
  const char *slash = strchr (reference, '/');
  char *title = NULL;

  if (slash == NULL || strchr (slash + 1, '/') != NULL || strchr (reference, '?') != NULL)
    return NULL;
  sqlite3_bind_text (rb->find_title, 1, reference, slash - reference, SQLITE_TRANSIENT);
  sqlite3_bind_text (rb->find_title, 2, slash + 1, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (rb->find_title) == SQLITE_ROW)
    title = g_strdup ((const char *) sqlite3_column_text (rb->find_title, 0));
  sqlite3_reset (rb->find_title);
  sqlite3_clear_bindings (rb->find_title);
  return title;
}

static void
bind_or_null (sqlite3_stmt *stmt,
              int           col,
              const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, col);
}

/* One stored row summarized again from its JSON, and indexed again unless deleted. */
static gboolean
rebuild_row (Rebuild       *rb,
             sqlite3_stmt  *update,
             sqlite3_stmt  *index,
             gint64         id,
             const char    *type,
             const char    *json,
             gboolean       deleted,
             GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  HfFhirSummary s = { NULL };
  JsonNode *root;
  int rc;

  /* The text passed the import's checks once; a row that no longer parses keeps its words. */
  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  hf_fhir_summarize (json_node_get_object (root), rebuild_resolve, rb, &s);

  sqlite3_bind_text (update, 1, s.category, -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 2, s.effective ? s.effective : "", -1, SQLITE_TRANSIENT);
  bind_or_null (update, 3, s.status);
  bind_or_null (update, 4, s.code_system);
  bind_or_null (update, 5, s.code);
  bind_or_null (update, 6, s.code_display);
  if (s.has_value)
    sqlite3_bind_double (update, 7, s.value_num);
  else
    sqlite3_bind_null (update, 7);
  bind_or_null (update, 8, s.value_unit);
  bind_or_null (update, 9, s.subject);
  sqlite3_bind_text (update, 10, s.title, -1, SQLITE_TRANSIENT);
  bind_or_null (update, 11, s.subtitle);
  bind_or_null (update, 12, s.context);
  sqlite3_bind_int64 (update, 13, id);
  rc = sqlite3_step (update);
  sqlite3_reset (update);
  sqlite3_clear_bindings (update);
  if (rc == SQLITE_DONE && !deleted)
    {
      g_autofree char *title = _hf_search_fold_text (s.title);
      g_autofree char *subtitle = _hf_search_fold_text (s.subtitle);
      g_autofree char *codes = _hf_search_fold_text (s.search_codes);
      g_autofree char *notes = _hf_records_search_notes (type, json, s.search_notes);

      sqlite3_bind_int64 (index, 1, id);
      bind_or_null (index, 2, title);
      bind_or_null (index, 3, subtitle);
      bind_or_null (index, 4, codes);
      bind_or_null (index, 5, notes);
      rc = sqlite3_step (index);
      sqlite3_reset (index);
      sqlite3_clear_bindings (index);
    }
  hf_fhir_summary_clear (&s);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (rb->db, rc, "rebuilding the records", error);
  return TRUE;
}

gboolean
_hf_records_rebuild (sqlite3  *db,
                     GError  **error)
{
  Rebuild rb = { db, NULL };
  sqlite3_stmt *read = NULL, *update = NULL, *index = NULL;
  gint64 last = 0;
  gboolean ok = FALSE;
  int rc;

  if (!_hf_db_exec (db, "INSERT INTO resource_fts (resource_fts) VALUES ('delete-all');",
                    error))
    return FALSE;
  if ((rc = sqlite3_prepare_v2 (db, "SELECT title FROM resource WHERE resource_type = ? "
                                    "AND fhir_id = ? AND superseded_by IS NULL "
                                    "ORDER BY id LIMIT 1", -1, &rb.find_title, NULL))
        != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db, "SELECT id, resource_type, json, deleted_at IS NOT NULL "
                                    "FROM resource WHERE id > ? AND superseded_by IS NULL "
                                    "ORDER BY id LIMIT " G_STRINGIFY (REBUILD_CHUNK), -1,
                                &read, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db, "UPDATE resource SET category = ?1, effective = ?2, "
                                    "status = ?3, code_system = ?4, code = ?5, "
                                    "code_display = ?6, value_num = ?7, value_unit = ?8, "
                                    "subject = ?9, title = ?10, subtitle = ?11, context = ?12 "
                                    "WHERE id = ?13", -1, &update, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db, "INSERT INTO resource_fts (rowid, title, subtitle, codes, "
                                    "notes) VALUES (?, ?, ?, ?, ?)", -1, &index, NULL))
        != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "rebuilding the records", error);
      goto out;
    }

  /* A chunk of rows is read, then written: the reading statement never sees its own
   * updates, and memory holds REBUILD_CHUNK records at most. */
  for (;;)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gboolean));

      sqlite3_bind_int64 (read, 1, last);
      while ((rc = sqlite3_step (read)) == SQLITE_ROW)
        {
          gboolean deleted = sqlite3_column_int (read, 3);

          last = sqlite3_column_int64 (read, 0);
          g_ptr_array_add (ids, GSIZE_TO_POINTER ((gsize) last));
          g_ptr_array_add (types, g_strdup ((const char *) sqlite3_column_text (read, 1)));
          g_ptr_array_add (texts, g_strdup ((const char *) sqlite3_column_text (read, 2)));
          g_array_append_val (gone, deleted);
        }
      sqlite3_reset (read);
      if (rc != SQLITE_DONE)
        {
          _hf_db_fail (db, rc, "rebuilding the records", error);
          goto out;
        }
      if (ids->len == 0)
        break;
      for (guint i = 0; i < ids->len; i++)
        if (!rebuild_row (&rb, update, index, (gint64) GPOINTER_TO_SIZE (ids->pdata[i]),
                          types->pdata[i], texts->pdata[i],
                          g_array_index (gone, gboolean, i), error))
          goto out;
    }

  ok = _hf_db_exec (db,
                    "DELETE FROM record_count;"
                    "INSERT INTO record_count SELECT resource_type, category, "
                    "  linked_to IS NOT NULL, count(*) FROM resource "
                    "  WHERE superseded_by IS NULL AND deleted_at IS NULL "
                    "  GROUP BY 1, 2, 3;",
                    error);
out:
  sqlite3_finalize (rb.find_title);
  sqlite3_finalize (read);
  sqlite3_finalize (update);
  sqlite3_finalize (index);
  return ok;
}

/* }}} */
/* {{{ words for the search index */

char *
_hf_search_fold_text (const char *text)
{
  g_autofree char *decomposed = NULL;
  GString *out;
  gboolean in_word = FALSE;

  if (text == NULL || (decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD)) == NULL)
    return NULL;
  out = g_string_new (" ");
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
        continue;
      if (g_unichar_isalnum (c))
        {
          g_string_append_unichar (out, g_unichar_tolower (c));
          in_word = TRUE;
        }
      else if (in_word)
        {
          g_string_append_c (out, ' ');
          in_word = FALSE;
        }
    }
  if (in_word)
    g_string_append_c (out, ' ');
  if (out->len == 1)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* TEXT (HTML) as plain text: tags and the contents of script and style dropped, the common
 * entities read. */
static char *
html_text (const char *html,
           gsize       length)
{
  GString *out = g_string_sized_new (length);
  const char *end = html + length;

  for (const char *p = html; p < end; )
    {
      if (*p == '<')
        {
          const char *close = memchr (p, '>', end - p);
          gboolean skip = g_ascii_strncasecmp (p, "<script", 7) == 0 ||
                          g_ascii_strncasecmp (p, "<style", 6) == 0;

          if (close == NULL)
            break;
          if (skip)
            {
              const char *stop = g_strstr_len (close, end - close,
                                               g_ascii_tolower (p[2]) == 'c' ? "</script" :
                                                                               "</style");
              if (stop == NULL)
                stop = g_strstr_len (close, end - close,
                                     g_ascii_tolower (p[2]) == 'c' ? "</SCRIPT" : "</STYLE");
              if (stop == NULL)
                break;
              close = memchr (stop, '>', end - stop);
              if (close == NULL)
                break;
            }
          g_string_append_c (out, ' ');
          p = close + 1;
          continue;
        }
      if (*p == '&')
        {
          static const struct { const char *name; const char *text; } entities[] = {
            { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
            { "&#39;", "'" }, { "&apos;", "'" }, { "&nbsp;", " " },
          };
          gboolean found = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (entities) && !found; i++)
            {
              gsize n = strlen (entities[i].name);
              if ((gsize) (end - p) >= n && g_ascii_strncasecmp (p, entities[i].name, n) == 0)
                {
                  g_string_append (out, entities[i].text);
                  p += n;
                  found = TRUE;
                }
            }
          if (found)
            continue;
        }
      g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* The words of one attachment (contentType and base64 data) when it is text, or NULL. */
static char *
attachment_text (const char *content_type,
                 const char *data)
{
  g_autofree guchar *bytes = NULL;
  gsize length = 0;
  gboolean html;

  if (content_type == NULL || data == NULL)
    return NULL;
  html = g_ascii_strncasecmp (content_type, "text/html", 9) == 0;
  if (!html && g_ascii_strncasecmp (content_type, "text/plain", 10) != 0)
    return NULL;
  bytes = g_base64_decode (data, &length);
  if (bytes == NULL || length == 0 || !g_utf8_validate ((const char *) bytes, length, NULL))
    return NULL;
  return html ? html_text ((const char *) bytes, length)
              : g_strndup ((const char *) bytes, length);
}

char *
_hf_records_attachment_text (JsonObject *resource)
{
  const char *type = hf_json_string (resource, "resourceType");
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *content;

  if (g_strcmp0 (type, "Binary") == 0)
    return attachment_text (hf_json_string (resource, "contentType"),
                            hf_json_string (resource, "data"));
  if (g_strcmp0 (type, "DocumentReference") != 0 ||
      (content = hf_json_array (resource, "content")) == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (content); i++)
    {
      JsonNode *n = json_array_get_element (content, i);
      JsonObject *a = JSON_NODE_HOLDS_OBJECT (n)
                    ? hf_json_object (json_node_get_object (n), "attachment") : NULL;
      g_autofree char *words = attachment_text (hf_json_string (a, "contentType"),
                                                hf_json_string (a, "data"));
      if (words != NULL)
        g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", words);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

char *
_hf_records_search_notes (const char *type,
                          const char *json,
                          const char *notes)
{
  g_autofree char *document = NULL;
  g_autofree char *all = NULL;

  if (json != NULL && (g_strcmp0 (type, "DocumentReference") == 0 ||
                       g_strcmp0 (type, "Binary") == 0))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      if (json_parser_load_from_data (parser, json, -1, NULL) &&
          (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
        document = _hf_records_attachment_text (json_node_get_object (root));
    }
  if (document == NULL)
    return _hf_search_fold_text (notes);
  all = g_strconcat (notes ? notes : "", "\n", document, NULL);
  return _hf_search_fold_text (all);
}

/* }}} */

char *
hf_record_source_dup_label (const char *source)
{
  const char *hash;

  g_return_val_if_fail (source != NULL, NULL);

  if (g_str_has_prefix (source, "file:"))
    {
      const char *path = source + strlen ("file:");
      /* A Bundle that names itself: "file:PATH#IDENTITY". */
      hash = strrchr (path, '#');
      if (hash != NULL && strchr (hash, G_DIR_SEPARATOR) == NULL)
        {
          g_autofree char *file = g_strndup (path, hash - path);
          return g_strdup_printf ("%s (Bundle %s)", file, hash + 1);
        }
      return g_strdup (path);
    }
  if (g_str_has_prefix (source, "stdin:"))
    return g_strdup_printf ("standard input (SHA-256 %.12s…)", source + strlen ("stdin:"));
  if (g_str_has_prefix (source, "fhir:"))
    return g_strdup_printf ("the FHIR server “%s”", source + strlen ("fhir:"));
  return g_strdup (source);   /* a vault from before sources were paths: the file's name */
}

void
hf_record_row_free (HfRecordRow *row)
{
  if (row == NULL)
    return;
  g_free (row->resource_type);
  g_free (row->fhir_id);
  g_free (row->category);
  g_free (row->effective);
  g_free (row->title);
  g_free (row->subtitle);
  g_free (row->source);
  g_free (row->deleted_at);
  g_free (row);
}

void
hf_record_cursor_clear (HfRecordCursor *cursor)
{
  g_clear_pointer (&cursor->effective, g_free);
  cursor->id = 0;
}

void
hf_record_cursor_set (HfRecordCursor    *cursor,
                      const HfRecordRow *row)
{
  g_return_if_fail (cursor != NULL);
  g_return_if_fail (row != NULL);

  g_free (cursor->effective);
  cursor->effective = g_strdup (row->effective ? row->effective : "");
  cursor->id = row->id;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

#define ROW_COLUMNS "r.id, r.resource_type, r.fhir_id, r.category, r.effective, r.title, " \
                    "r.subtitle, r.source_key, r.deleted_at"

static HfRecordRow *
row_from (sqlite3_stmt *stmt)
{
  HfRecordRow *row = g_new0 (HfRecordRow, 1);

  row->id = sqlite3_column_int64 (stmt, 0);
  row->resource_type = column_dup (stmt, 1);
  row->fhir_id = column_dup (stmt, 2);
  row->category = column_dup (stmt, 3);
  row->effective = column_dup (stmt, 4);
  row->title = column_dup (stmt, 5);
  row->subtitle = column_dup (stmt, 6);
  row->source = column_dup (stmt, 7);
  row->deleted_at = column_dup (stmt, 8);
  return row;
}

static sqlite3 *
readable_db (HfVault  *vault,
             GError  **error)
{
  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read records", error))
    return NULL;
  return _hf_vault_get_db (vault);
}

static GPtrArray *
collect_rows (sqlite3       *db,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_record_row_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, row_from (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "reading records", error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* Does FILTER mean "All records", which leaves out billing and the directory? */
static gboolean
in_all (const HfRecordFilter *filter)
{
  return !filter->all && filter->resource_type == NULL && filter->category == NULL;
}

/* The WHERE clause and its bindings shared by the paged queries, the counts and the seeks. */
typedef struct
{
  GString *sql;
  char    *until_key;
} Where;

static void
where_build (Where                *w,
             const char           *select,
             const HfRecordFilter *filter,
             gboolean              keyset)
{
  w->sql = g_string_new (select);
  g_string_append (w->sql, " FROM resource r WHERE r.superseded_by IS NULL "
                           "AND r.deleted_at IS NULL AND r.linked_to IS NULL");
  w->until_key = NULL;

  /* Written as the partial index says it, for the planner to see they are one condition. */
  if (in_all (filter))
    g_string_append (w->sql, " AND r." IN_ALL);

  if (filter->resource_type != NULL)
    g_string_append (w->sql, " AND r.resource_type = ?1");
  if (filter->category != NULL)
    g_string_append (w->sql, " AND r.category = ?2");
  if (filter->since != NULL)
    g_string_append (w->sql, " AND r.effective >= ?3");
  if (filter->until != NULL)
    {
      /* Inclusive of the whole day: "2019-03-02T23:00:00Z" < "2019-03-02~". */
      w->until_key = g_strconcat (filter->until, "~", NULL);
      g_string_append (w->sql, " AND r.effective <= ?4 AND r.effective <> ''");
    }
  if (keyset)
    g_string_append (w->sql, " AND (r.effective, r.id) < (?5, ?6)");
}

static sqlite3_stmt *
where_prepare (Where                *w,
               sqlite3              *db,
               const HfRecordFilter *filter,
               const HfRecordCursor *after,
               const char           *what,
               GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, w->sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, what, error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, filter->resource_type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, filter->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, filter->since, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, w->until_key, -1, SQLITE_TRANSIENT);
  if (after != NULL)
    {
      sqlite3_bind_text (stmt, 5, after->effective ? after->effective : "", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, after->id);
    }
  return stmt;
}

static void
where_clear (Where *w)
{
  g_string_free (w->sql, TRUE);
  g_free (w->until_key);
}

GPtrArray *
hf_record_store_query (HfVault              *vault,
                       const HfRecordFilter *filter,
                       const HfRecordCursor *after,
                       guint                 limit,
                       GError              **error)
{
  HfRecordFilter none = { NULL };
  sqlite3_stmt *stmt;
  sqlite3 *db;
  Where w;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  if (filter == NULL)
    filter = &none;

  where_build (&w, "SELECT " ROW_COLUMNS, filter, after != NULL);
  g_string_append (w.sql, " ORDER BY r.effective DESC, r.id DESC LIMIT ?7");
  stmt = where_prepare (&w, db, filter, after, "reading records", error);
  where_clear (&w);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 7, limit);
  return collect_rows (db, stmt, error);
}

gboolean
hf_record_store_count (HfVault              *vault,
                       const HfRecordFilter *filter,
                       guint64              *count,
                       GError              **error)
{
  HfRecordFilter none = { NULL };
  sqlite3_stmt *stmt;
  sqlite3 *db;
  Where w;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  if ((db = readable_db (vault, error)) == NULL)
    return FALSE;
  if (filter == NULL)
    filter = &none;

  /* Without dates, the kept counts answer at once; with them, a range of the timeline. */
  if (filter->since == NULL && filter->until == NULL)
    {
      rc = sqlite3_prepare_v2 (db, in_all (filter)
                               ? "SELECT coalesce (sum (n), 0) FROM record_count "
                                 "WHERE linked = 0 AND " IN_ALL
                               : "SELECT coalesce (sum (n), 0) FROM record_count "
                                 "WHERE linked = 0 AND (?1 IS NULL OR resource_type = ?1) "
                                 "AND (?2 IS NULL OR category = ?2)", -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        return _hf_db_fail (db, rc, "counting records", error);
      sqlite3_bind_text (stmt, 1, filter->resource_type, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, filter->category, -1, SQLITE_STATIC);
    }
  else
    {
      where_build (&w, "SELECT count(*)", filter, FALSE);
      stmt = where_prepare (&w, db, filter, NULL, "counting records", error);
      where_clear (&w);
      if (stmt == NULL)
        return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return _hf_db_fail (db, rc, "counting records", error);
  return TRUE;
}

gboolean
hf_record_store_seek (HfVault              *vault,
                      const HfRecordFilter *filter,
                      const HfRecordCursor *after,
                      guint64               skip,
                      HfRecordCursor       *cursor,
                      GError              **error)
{
  HfRecordFilter none = { NULL };
  sqlite3_stmt *stmt;
  sqlite3 *db;
  Where w;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (skip > 0, FALSE);
  g_return_val_if_fail (cursor != NULL, FALSE);

  if ((db = readable_db (vault, error)) == NULL)
    return FALSE;
  if (filter == NULL)
    filter = &none;

  /* Only the sort key is read, so the scan stays inside the timeline index. */
  where_build (&w, "SELECT r.effective, r.id", filter, after != NULL);
  g_string_append (w.sql, " ORDER BY r.effective DESC, r.id DESC LIMIT 1 OFFSET ?7");
  stmt = where_prepare (&w, db, filter, after, "reading records", error);
  where_clear (&w);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 7, (sqlite3_int64) (skip - 1));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_free (cursor->effective);
      cursor->effective = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      cursor->id = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There are fewer than %" G_GUINT64_FORMAT " records after that point.",
                   skip);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return _hf_db_fail (db, rc, "reading records", error);
  return TRUE;
}
#define SEARCH_WINDOW 200


void
_hf_search_fold_words (const char *text,
                       GHashTable *words)
{
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) word = g_string_new (NULL);

  if (text == NULL || (decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD)) == NULL)
    return;
  for (const char *p = decomposed; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
        continue;
      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (word, g_unichar_tolower (c));
          continue;
        }
      if (word->len > 0)
        {
          if (!g_hash_table_contains (words, word->str))
            g_hash_table_add (words, g_strdup (word->str));
          g_string_truncate (word, 0);
        }
      if (c == 0)
        break;
    }
}

/* The words of the user's text, in order, as _hf_search_fold_words cuts them. */
static GPtrArray *
search_words (const char *text)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = g_strsplit_set (text, " \t\n\r", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GList) keys = NULL;

      /* One typed word may be several to the tokenizer ("o'brien", "a1c/hba1c"). */
      _hf_search_fold_words (parts[i], set);
      keys = g_hash_table_get_keys (set);
      for (GList *l = keys; l != NULL; l = l->next)
        g_ptr_array_add (words, g_strdup (l->data));
    }
  return g_steal_pointer (&words);
}

/* The FTS5 query for the user's TEXT, or NULL when it has no word. Every word must be in the
 * record: one of three letters or more anywhere, inside a word too ("diabetes" finds
 * "prediabetes"); a word of two starts a word (" hb" finds "HbA1c"; trigrams cannot see
 * less); a word of one is a whole word (" a "). Each is a quoted phrase of the folded text,
 * which holds only letters, digits and spaces: no FTS5 syntax leaks through. */
static char *
fts_query (const char *text)
{
  g_autoptr(GPtrArray) words = search_words (text);
  g_autoptr(GString) q = g_string_new (NULL);

  if (words->len == 0)
    return NULL;
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      glong n = g_utf8_strlen (word, -1);

      g_string_append_printf (q, "%s\"%s%s%s\"", i > 0 ? " AND " : "", n < 3 ? " " : "", word,
                              n < 2 ? " " : "");
    }
  return g_string_free (g_steal_pointer (&q), FALSE);
}

/* Matches shown by one search at most, newest first by when they were stored; and matches
 * counted exactly up to HF_RECORD_SEARCH_COUNT_MAX. */
#define SEARCH_FILTER(alias) \
  " FROM resource_fts f CROSS JOIN resource " alias " INDEXED BY resource_shown " \
  "ON " alias ".id = f.rowid WHERE f.resource_fts MATCH ?1 AND " alias ".superseded_by IS NULL " \
  "AND " alias ".deleted_at IS NULL AND " alias ".linked_to IS NULL"

GPtrArray *
hf_record_store_find (HfVault              *vault,
                      const HfRecordFilter *filter,
                      const char           *query,
                      guint                 limit,
                      guint64              *matched,
                      GError              **error)
{
  HfRecordFilter none = { NULL };
  g_autofree char *match = NULL;
  g_autoptr(GString) where = g_string_new (SEARCH_FILTER ("s"));
  g_autoptr(GString) sql = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (limit > 0, NULL);

  if (matched != NULL)
    *matched = 0;
  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  if (filter == NULL)
    filter = &none;
  match = fts_query (query);
  if (match == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) hf_record_row_free);

  /* The type is not in resource_shown: a type filter reads the rows. */
  if (filter->category != NULL)
    g_string_append (where, " AND s.category = ?2");
  /* Search in "All records" leaves out insurance papers, which repeat every visit's words,
   * but finds people and places: a doctor's name typed finds the doctor. */
  if (in_all (filter))
    g_string_append (where, " AND s.category <> '" HF_CATEGORY_BILLING "'");

  /* Matches are picked in the index and resource_shown alone, newest stored first, before
   * any row is read: the newest SEARCH_WINDOW of them, shown as the timeline shows records,
   * by date. (Ranking by relevance read every match's sizes: 35 ms for 400 matches at a
   * million records, more than all the rest.) */
  sql = g_string_new ("SELECT " ROW_COLUMNS " FROM (SELECT f.rowid AS id");
  g_string_append (sql, where->str);
  g_string_append (sql, " ORDER BY f.rowid DESC LIMIT " G_STRINGIFY (SEARCH_WINDOW) ") m "
                        "JOIN resource r ON r.id = m.id");
  if (filter->resource_type != NULL)
    g_string_append (sql, " WHERE r.resource_type = ?3");
  g_string_append (sql, " ORDER BY r.effective DESC, r.id DESC LIMIT ?4");
  rc = sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "searching records", error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, filter->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, filter->resource_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, limit);
  rows = collect_rows (db, stmt, error);
  if (rows == NULL || matched == NULL)
    return g_steal_pointer (&rows);

  /* How many: exact up to the cap, which keeps a common word's count as quick as its page. */
  if (filter->resource_type != NULL)
    {
      g_string_append (where, " AND EXISTS (SELECT 1 FROM resource t WHERE t.id = f.rowid "
                              "AND t.resource_type = ?3)");
    }
  g_string_free (sql, TRUE);
  sql = g_string_new ("SELECT count(*) FROM (SELECT 1");
  g_string_append (sql, where->str);
  g_string_append (sql, " LIMIT " G_STRINGIFY (HF_RECORD_SEARCH_COUNT_MAX) " + 1)");
  rc = sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "searching records", error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, filter->category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, filter->resource_type, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *matched = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      _hf_db_fail (db, rc, "searching records", error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

GPtrArray *
hf_record_store_search (HfVault     *vault,
                        const char  *query,
                        guint        limit,
                        GError     **error)
{
  return hf_record_store_find (vault, NULL, query, limit, NULL, error);
}

gboolean
hf_record_store_get (HfVault      *vault,
                     gint64        id,
                     HfRecordRow **row,
                     char        **json,
                     GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if ((db = readable_db (vault, error)) == NULL)
    return FALSE;
  sqlite3_prepare_v2 (db, "SELECT " ROW_COLUMNS ", r.json FROM resource r WHERE r.id = ?", -1,
                      &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return _hf_db_fail (db, rc, "reading a record", error);
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There is no record %" G_GINT64_FORMAT " in this vault; "
                   "“healthfolio-cli list” shows the records and their numbers.", id);
      return FALSE;
    }
  if (row != NULL)
    *row = row_from (stmt);
  if (json != NULL)
    *json = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  sqlite3_finalize (stmt);
  return TRUE;
}

char *
hf_record_store_resolve (const char *reference,
                         gpointer    vault)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  char *title = NULL;

  g_return_val_if_fail (reference != NULL, NULL);
  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  /* Conditional references ("Practitioner?identifier=…") and fragments name no stored row. */
  if (strchr (reference, '?') != NULL || reference[0] == '#')
    return NULL;
  if ((db = readable_db (vault, NULL)) == NULL)
    return NULL;
  parts = g_strsplit (reference, "/", -1);
  n = g_strv_length (parts);
  if (n >= 4 && g_str_equal (parts[n - 2], "_history"))
    n -= 2;
  if (n < 2 || *parts[n - 2] == '\0' || *parts[n - 1] == '\0')
    return NULL;
  sqlite3_prepare_v2 (db, "SELECT title FROM resource WHERE resource_type = ? AND fhir_id = ? "
                          "AND superseded_by IS NULL ORDER BY id LIMIT 1", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, parts[n - 2], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, parts[n - 1], -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    title = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return title;
}

/* Sums of record_count.n per value of SQL's first column, non-zero ones only
 * (char* → GSIZE_TO_POINTER, which GPOINTER_TO_INT reads exactly as it read GINT_TO_POINTER). */
static GHashTable *
count_records_by (HfVault     *vault,
                  const char  *sql,
                  guint64     *total,
                  GError     **error)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  guint64 sum = 0;
  int rc;

  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 n = sqlite3_column_int64 (stmt, 1);
      g_hash_table_insert (counts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                           GSIZE_TO_POINTER ((gsize) n));
      sum += n;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _hf_db_fail (db, rc, "counting records", error);
      return NULL;
    }
  if (total != NULL)
    *total = sum;
  return g_steal_pointer (&counts);
}

GHashTable *
hf_record_store_stats (HfVault  *vault,
                       guint64  *total,
                       GError  **error)
{
  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  return count_records_by (vault, "SELECT resource_type, sum (n) FROM record_count "
                                  "GROUP BY resource_type HAVING sum (n) > 0", total, error);
}

GHashTable *
hf_record_store_count_categories (HfVault  *vault,
                                  guint64  *total,
                                  GError  **error)
{
  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  g_autoptr(GHashTable) counts = NULL;

  counts = count_records_by (vault, "SELECT category, sum (n) FROM record_count "
                                    "WHERE linked = 0 GROUP BY category HAVING sum (n) > 0",
                             NULL, error);
  if (counts != NULL && total != NULL)
    {
      /* The total is "All records": without billing and the directory. */
      GHashTableIter iter;
      gpointer key, value;

      *total = 0;
      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_str_equal (key, HF_CATEGORY_BILLING) && !g_str_equal (key, HF_CATEGORY_DIRECTORY))
          *total += GPOINTER_TO_SIZE (value);
    }
  return g_steal_pointer (&counts);
}

GPtrArray *
hf_record_store_linked (HfVault  *vault,
                        gint64    id,
                        GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  rc = sqlite3_prepare_v2 (db,
                           "WITH g (root) AS (SELECT coalesce (linked_to, id) FROM resource "
                           "WHERE id = ?1) "
                           "SELECT " ROW_COLUMNS " FROM g JOIN resource r "
                           "ON r.id = g.root OR r.linked_to = g.root "
                           "WHERE r.id <> ?1 AND r.superseded_by IS NULL ORDER BY r.id", -1,
                           &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "reading records", error);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  return collect_rows (db, stmt, error);
}

guint64
hf_record_store_count_provenance (HfVault  *vault,
                                  GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  guint64 n = 0;

  g_return_val_if_fail (HF_IS_VAULT (vault), 0);

  if ((db = readable_db (vault, error)) == NULL)
    return 0;
  sqlite3_prepare_v2 (db, "SELECT count(*) FROM provenance", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

gboolean
hf_record_store_note_view (HfVault            *vault,
                           const HfRecordRow  *row,
                           JsonObject         *resource,
                           GError            **error)
{
  const char *label;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (row != NULL, FALSE);

  label = resource != NULL ? hf_fhir_sensitivity_label (resource) : NULL;
  if (label == NULL)
    return TRUE;
  /* The record's number and type, not its content: the log is not a copy of the record. */
  detail = g_strdup_printf ("record %" G_GINT64_FORMAT " (%s, labelled %s)", row->id,
                            row->resource_type, label);
  return hf_audit_log (vault, "record-viewed", detail, error);
}
