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
                           "AND r.deleted_at IS NULL");
  w->until_key = NULL;

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
      rc = sqlite3_prepare_v2 (db, "SELECT coalesce (sum (n), 0) FROM record_count "
                                   "WHERE (?1 IS NULL OR resource_type = ?1) "
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

#define SEARCH_TERMS_PER_WORD 32

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

/* Each word is a prefix, as the user types it. FTS5 answers a prefix term by merging every
 * matching doclist before the first row (seconds for a common word at a million records),
 * while a plain term streams newest first and stops at the window. So the prefix is turned
 * into the index's own terms that start with it, from search_vocab, and OR-ed: the shortest
 * SEARCH_TERMS_PER_WORD of them, the word itself first when it is one. Terms are quoted: no
 * FTS5 syntax leaks through. NULL when some word starts no term: nothing can match. */
static char *
fts_query (sqlite3    *db,
           const char *text,
           gboolean   *empty,
           GError    **error)
{
  g_autoptr(GPtrArray) words = search_words (text);
  g_autoptr(GString) q = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  *empty = words->len == 0;
  if (*empty)
    return NULL;
  if (sqlite3_prepare_v2 (db, "SELECT term FROM search_vocab WHERE term >= ?1 AND "
                              "term < ?2 ORDER BY length (term), term LIMIT "
                              G_STRINGIFY (SEARCH_TERMS_PER_WORD), -1, &stmt, NULL) != SQLITE_OK)
    {
      _hf_db_fail (db, sqlite3_errcode (db), "searching records", error);
      return NULL;
    }

  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      /* Every term that starts with WORD sorts below WORD followed by U+10FFFF. */
      g_autofree char *bound = g_strconcat (word, "\xf4\x8f\xbf\xbf", NULL);
      guint n = 0;
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, word, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, bound, -1, SQLITE_TRANSIENT);
      g_string_append (q, i > 0 ? " AND (" : "(");
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_auto(GStrv) parts = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), "\"", -1);
          g_autofree char *escaped = g_strjoinv ("\"\"", parts);

          g_string_append_printf (q, "%s\"%s\"", n++ > 0 ? " OR " : "", escaped);
        }
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          _hf_db_fail (db, rc, "searching records", error);
          return NULL;
        }
      if (n == 0)
        {
          sqlite3_finalize (stmt);
          *empty = TRUE;
          return NULL;
        }
      g_string_append_c (q, ')');
    }
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&q), FALSE);
}

GPtrArray *
hf_record_store_search (HfVault     *vault,
                        const char  *query,
                        guint        limit,
                        GError     **error)
{
  g_autofree char *match = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean empty = FALSE;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (limit > 0, NULL);

  if ((db = readable_db (vault, error)) == NULL)
    return NULL;
  match = fts_query (db, query, &empty, error);
  if (match == NULL)
    return empty ? g_ptr_array_new_with_free_func ((GDestroyNotify) hf_record_row_free) : NULL;

  /* Only shown rows are in the index, so matches are picked in the index alone, newest
   * first, before any row is read: the newest SEARCH_WINDOW of them, shown as the timeline
   * shows records, by date. (Ranking by relevance read every match's sizes: 35 ms for 400
   * matches at a million records, more than all the rest.) */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT " ROW_COLUMNS " FROM (SELECT rowid FROM resource_fts "
                           "WHERE resource_fts MATCH ?1 ORDER BY rowid DESC LIMIT "
                           G_STRINGIFY (SEARCH_WINDOW) ") f "
                           "JOIN resource r ON r.id = f.rowid "
                           "WHERE r.superseded_by IS NULL AND r.deleted_at IS NULL "
                           "ORDER BY r.effective DESC, r.id DESC LIMIT ?2", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "searching records", error);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit);
  return collect_rows (db, stmt, error);
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

  return count_records_by (vault, "SELECT category, sum (n) FROM record_count "
                                  "GROUP BY category HAVING sum (n) > 0", total, error);
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
