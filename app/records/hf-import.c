/* hf-import.c — importing FHIR R4 files (Bundles, single resources, NDJSON, folders)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format is told from the content: a first line that is a whole JSON value makes the file
 * NDJSON (read line by line, so memory is bounded by the longest line); otherwise the file is
 * one JSON document. Every value passes hf_json_guard_check_spans() before json-glib sees it.
 *
 * A record's identity is (type, id, source). The stored JSON is the resource's bytes exactly
 * as received (an NDJSON line, a document, or a Bundle entry's "resource" as the guard found
 * it), so decimals keep their precision (6.30 stays 6.30, 1.50e2 stays 1.50e2). A Bundle's
 * fullUrl references (urn:uuid:…, absolute URLs) mean nothing outside the Bundle; of all the
 * ways to keep them readable, only the "reference" strings that name another entry are
 * rewritten to Type/id inside the received text, byte for byte everything else: one stored
 * text that resolves on its own, rather than the original plus a mapping every reader would
 * have to apply. Resources without an id get one from their text's hash, so importing the
 * same file twice still changes nothing.
 *
 * Versions: a newer version (meta.lastUpdated, else meta.versionId; without either, the later
 * import) becomes current and the older row is kept as history (superseded_by). A history
 * Bundle lists the newest first, so its entries are read oldest first; its DELETE entries
 * mark the current row deleted_at (it leaves the timeline and search but is kept, with its
 * history) unless the row is newer than the deletion.
 *
 * Links: a new record is linked (linked_to, the first record of its group) to a current
 * record of the same type from another source with the same business identifier
 * (identifier.system|value), else with the same id and the same content (meta and layout
 * aside). A linked copy is not listed, counted or found (hf-records.c); show lists it.
 *
 * People: a vault holds one person's record. While the input is read, its Patients are gathered
 * (one entry per person, hf_person_matches) with the Patients its records' subject, patient or
 * beneficiary name; before the transaction commits they are checked against the vault's person
 * (check_people), and a refusal rolls the whole import back like an invalid entry does. With
 * HfImportOptions.person only that Patient and the records about them are kept, and every
 * record without a person (Organization, Practitioner, Medication…): all of them, not only the
 * ones the kept records refer to, since a reference may come later in the stream.
 *
 * Speed: SQLCipher is run with cipher_memory_security, which mlock()s and wipes every
 * allocation SQLite makes, and SQLite frees a statement's registers and cursors each time it
 * is reset; so most of an import's time went into statement executions, not data. Records
 * are therefore written in batches: one lookup, one INSERT and one FTS INSERT of BATCH rows.
 */

#include "hf-import.h"
#include "hf-import-files.h"
#include "hf-import-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-fhir-r4.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-person-private.h"
#include "hf-records-private.h"
#include "hf-vault-private.h"

#define PROGRESS_EVERY    1000
#define BATCH             64
#define BATCH_BYTES       (16 * 1024 * 1024)   /* of JSON held before a batch is written */
#define IMPORT_CACHE_KIB  32768
#define MAX_CACHED_NAMES  20000
#define INSERT_COLUMNS    24
#define FTS_COLUMNS       5
#define MAX_OBSERVERS     4

/* A resource read but not yet written. */
typedef struct
{
  char          *type;
  char          *fhir_id;
  char          *json;
  guint8         hash[32];
  char          *version_id;
  char          *last_updated;
  char          *ident_key;       /* "system|value" of the first business identifier */
  HfFhirSummary  s;
  gint64         current;         /* the key's current row, or 0 */
  gint64         link;
  gboolean       older;           /* an older version than the current row: history */
  gboolean       unchanged;
  gint64         id;              /* its row, once written; 0 before */
  gpointer       scanned[MAX_OBSERVERS];   /* what each observer found in it, or NULL */
} Pending;

/* {{{ observers: layers above records that keep something per stored row */

static const HfImportObserver *observers[MAX_OBSERVERS];
static guint n_observers;

void
_hf_import_add_observer (const HfImportObserver *observer)
{
  g_return_if_fail (observer != NULL);
  g_return_if_fail ((observer->scan != NULL && observer->store != NULL) ||
                    observer->store_rows != NULL);
  g_return_if_fail (n_observers < MAX_OBSERVERS);

  for (guint i = 0; i < n_observers; i++)
    if (observers[i] == observer)
      return;
  observers[n_observers++] = observer;
}

/* }}} */

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
  gint64                next_id;        /* resource ids are given here, in one transaction */

  /* The file being read. */
  const char           *path;
  char                 *display;
  char                 *origin;         /* the file's source (HfImportFile.origin) */
  char                 *source;         /* the source key of what is read: ORIGIN, or ORIGIN
                                         * and the identity of the Bundle being read */
  char                 *sha256;
  gint64                provenance_id;  /* 0 until the file stores something */
  gboolean              skippable;      /* a file in a folder: skipped if it is not FHIR */
  gboolean              not_fhir;       /* it is not: its first value has no resourceType */
  guint                 values;         /* JSON values read in the file */
  char                 *what;           /* what was wrong, the last time invalid() said */
  GHashTable           *file_counts;    /* type → count of stored rows */

  /* The JSON text being read, and its Bundle entries' resources (HfJsonSpan). */
  const char           *text;
  GArray               *spans;

  /* A Bundle's fullUrl → "Type/id", and "Type/id" → display name, while it is read. */
  GHashTable           *rewrite;
  GHashTable           *names;
  GHashTable           *db_names;       /* "Type/id" → title, or "" when not in the vault */

  GPtrArray            *pending;        /* Pending*, of this file */
  GHashTable           *pending_keys;   /* "Type/id" of those */
  gsize                 pending_bytes;

  sqlite3_stmt         *find_current;
  sqlite3_stmt         *find_current_batch;
  sqlite3_stmt         *find_same;
  sqlite3_stmt         *link_by_ident;
  sqlite3_stmt         *link_by_id;
  sqlite3_stmt         *find_title;
  sqlite3_stmt         *insert;
  sqlite3_stmt         *insert_batch;
  sqlite3_stmt         *supersede;
  sqlite3_stmt         *mark_deleted;
  sqlite3_stmt         *fts_insert;
  sqlite3_stmt         *fts_insert_batch;
  sqlite3_stmt         *fts_delete;
  sqlite3_stmt         *insert_provenance;
  sqlite3_stmt         *insert_vocab;
  sqlite3_stmt         *insert_sized[BATCH + 1];   /* N rows at once, made when first needed */
  sqlite3_stmt         *fts_sized[BATCH + 1];
  gpointer              observed[MAX_OBSERVERS];   /* the store_rows observers' own state */

  /* The entries of the Bundle whose entries are being checked, and where it is. */
  JsonArray            *checking;
  const char           *checking_where;

  GHashTable           *vocab_seen;     /* words written to search_vocab in this transaction */
  GHashTable           *vocab_new;      /* words of the rows being written, not yet there */

  /* One person per vault: NULL people for a sync's batches, which check their Patient. */
  const HfImportOptions *options;
  GPtrArray            *people;         /* InputPerson*: the input's Patients, by person */
  GHashTable           *patient_person; /* Patient id → its InputPerson */
  GHashTable           *anonymous;      /* ids of Patients that name nobody (HfPerson) */
  GHashTable           *referenced;     /* Patient id a record is about → file's display name */
  gint64                first_provenance;   /* the first provenance row of this import */
  const char           *input_name;         /* bytes imported as "-": their name, or NULL */
} Import;

/* A person the input holds a Patient of. */
typedef struct
{
  HfPerson  *person;
  GPtrArray *ids;                       /* char*: their Patients' ids */
  gboolean   in_vault;                  /* one of them was in the vault before: linked */
} InputPerson;

static void
input_person_free (InputPerson *ip)
{
  hf_person_free (ip->person);
  g_ptr_array_unref (ip->ids);
  g_free (ip);
}

void
hf_import_result_free (HfImportResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->by_type, g_hash_table_unref);
  g_clear_pointer (&result->skipped, g_ptr_array_unref);
  g_free (result);
}

static void
pending_free (Pending *p)
{
  g_free (p->type);
  g_free (p->fhir_id);
  g_free (p->json);
  g_free (p->version_id);
  g_free (p->last_updated);
  g_free (p->ident_key);
  hf_fhir_summary_clear (&p->s);
  for (guint i = 0; i < n_observers; i++)
    if (p->scanned[i] != NULL && observers[i]->free != NULL)
      observers[i]->free (p->scanned[i]);
  g_free (p);
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
  g_free (imp->what);
  imp->what = g_steal_pointer (&what);
  return FALSE;
}

/* {{{ the received text */

static void
write_string (GString    *out,
              const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = *p;
      if (c == '"' || c == '\\')
        g_string_append_c (out, '\\');
      if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

/* The end of the string token that starts at TEXT[I] (a quote): the index of its closing
 * quote. The text passed the guard, so the string is closed. */
static gsize
string_end (const char *text,
            gsize       length,
            gsize       i)
{
  for (i++; i < length && text[i] != '"'; i++)
    if (text[i] == '\\')
      i++;
  return i;
}

/* A copy of the JSON TEXT with every "reference" string that REWRITE maps replaced: all other
 * bytes as they are. */
static char *
copy_resolved (const char *text,
               gsize       length,
               GHashTable *rewrite)
{
  g_autoptr(GString) out = NULL;
  gboolean reference_value = FALSE;   /* the next value is a "reference" member's */
  gsize copied = 0;

  if (rewrite == NULL || g_hash_table_size (rewrite) == 0)
    return g_strndup (text, length);
  out = g_string_sized_new (length + 64);
  for (gsize i = 0; i < length; i++)
    {
      gsize end, next;

      if (text[i] != '"')
        {
          if (text[i] != ':' && !g_ascii_isspace (text[i]))
            reference_value = FALSE;
          continue;
        }
      end = string_end (text, length, i);
      for (next = end + 1; next < length && g_ascii_isspace (text[next]); next++)
        ;
      if (next < length && text[next] == ':')
        reference_value = end - i - 1 == strlen ("reference") &&
                          memcmp (text + i + 1, "reference", end - i - 1) == 0;
      else if (reference_value)
        {
          g_autofree char *value = g_strndup (text + i + 1, end - i - 1);
          const char *mapped = strchr (value, '\\') ? NULL : g_hash_table_lookup (rewrite, value);
          if (mapped != NULL)
            {
              g_string_append_len (out, text + copied, i - copied);
              write_string (out, mapped);
              copied = end + 1;
            }
          reference_value = FALSE;
        }
      i = end;
    }
  g_string_append_len (out, text + copied, length - copied);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
trimmed_copy (const char *text,
              gsize       length)
{
  while (length > 0 && g_ascii_isspace (*text))
    {
      text++;
      length--;
    }
  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  return g_strndup (text, length);
}

/* }}} */
/* {{{ the database */

/* "(?1,?2),(?3,?4)…": ROWS groups of COLUMNS parameters, numbered from FIRST. */
static void
append_groups (GString *sql,
               guint    rows,
               guint    columns,
               guint    first)
{
  for (guint r = 0; r < rows; r++)
    {
      g_string_append (sql, r ? ",(" : "(");
      for (guint c = 0; c < columns; c++)
        g_string_append_printf (sql, "%s?%u", c ? "," : "", first + r * columns + c);
      g_string_append_c (sql, ')');
    }
}

#define INSERT_SQL \
  "INSERT INTO resource (id, resource_type, fhir_id, source_key, source_id, version_id, " \
  "last_updated, json, category, effective, status, code_system, code, code_display, " \
  "value_num, value_unit, subject, title, subtitle, content_hash, superseded_by, linked_to, " \
  "ident_key, context) VALUES "
#define FTS_SQL "INSERT INTO resource_fts (rowid, title, subtitle, codes, notes) VALUES "

static gboolean
prepare (Import  *imp,
         GError **error)
{
  g_autoptr(GString) find_batch = g_string_new ("WITH k (n, t, i) AS (VALUES ");
  g_autoptr(GString) ident_batch = g_string_new ("WITH k (n, t, b) AS (VALUES ");
  g_autoptr(GString) id_batch = g_string_new ("WITH k (n, t, i) AS (VALUES ");
  g_autoptr(GString) insert = g_string_new (INSERT_SQL);
  g_autoptr(GString) insert_batch = g_string_new (INSERT_SQL);
  g_autoptr(GString) fts = g_string_new (FTS_SQL);
  g_autoptr(GString) fts_batch = g_string_new (FTS_SQL);
  struct { gsize offset; const char *sql; } statements[] = {
    { G_STRUCT_OFFSET (Import, find_current),
      "SELECT id, content_hash, version_id, last_updated, deleted_at FROM resource "
      "WHERE resource_type = ? AND fhir_id = ? AND source_key = ? AND superseded_by IS NULL" },
    { G_STRUCT_OFFSET (Import, find_current_batch), NULL },
    { G_STRUCT_OFFSET (Import, find_same),
      "SELECT 1 FROM resource WHERE resource_type = ? AND fhir_id = ? AND source_key = ? "
      "AND content_hash = ?" },
    { G_STRUCT_OFFSET (Import, link_by_ident), NULL },
    { G_STRUCT_OFFSET (Import, link_by_id), NULL },
    { G_STRUCT_OFFSET (Import, find_title),
      "SELECT title FROM resource WHERE resource_type = ? AND fhir_id = ? "
      "AND superseded_by IS NULL ORDER BY id LIMIT 1" },
    { G_STRUCT_OFFSET (Import, insert), NULL },
    { G_STRUCT_OFFSET (Import, insert_batch), NULL },
    { G_STRUCT_OFFSET (Import, supersede),
      "UPDATE resource SET superseded_by = ? WHERE id = ?" },
    { G_STRUCT_OFFSET (Import, mark_deleted),
      "UPDATE resource SET deleted_at = ? WHERE id = ?" },
    { G_STRUCT_OFFSET (Import, fts_insert), NULL },
    { G_STRUCT_OFFSET (Import, fts_insert_batch), NULL },
    { G_STRUCT_OFFSET (Import, fts_delete),
      "DELETE FROM resource_fts WHERE rowid = ?" },
    { G_STRUCT_OFFSET (Import, insert_provenance),
      "INSERT INTO provenance (source, sha256, imported_at, actor) VALUES (?,?,?,?)" },
    { G_STRUCT_OFFSET (Import, insert_vocab),
      "INSERT OR IGNORE INTO search_vocab (term) VALUES (?)" },
  };

  /* Unused places of a lookup are NULL, which matches nothing. The source is ?1. */
  append_groups (find_batch, BATCH, 3, 2);
  g_string_append (find_batch, ") SELECT k.n, r.id, r.content_hash, r.version_id, "
                   "r.last_updated, r.deleted_at FROM k JOIN resource r "
                   "ON r.resource_type = k.t AND r.fhir_id = k.i AND r.source_key = ?1 "
                   "AND r.superseded_by IS NULL");
  append_groups (ident_batch, BATCH, 3, 2);
  g_string_append (ident_batch, ") SELECT k.n, min (coalesce (r.linked_to, r.id)) FROM k "
                   "JOIN resource r ON r.resource_type = k.t AND r.ident_key = k.b "
                   "AND r.superseded_by IS NULL AND r.source_key <> ?1 GROUP BY k.n");
  append_groups (id_batch, BATCH, 3, 2);
  g_string_append (id_batch, ") SELECT k.n, coalesce (r.linked_to, r.id), r.json FROM k "
                   "JOIN resource r ON r.resource_type = k.t AND r.fhir_id = k.i "
                   "AND r.superseded_by IS NULL AND r.source_key <> ?1 "
                   "ORDER BY k.n, 2");
  append_groups (insert, 1, INSERT_COLUMNS, 1);
  append_groups (insert_batch, BATCH, INSERT_COLUMNS, 1);
  append_groups (fts, 1, FTS_COLUMNS, 1);
  append_groups (fts_batch, BATCH, FTS_COLUMNS, 1);
  statements[1].sql = find_batch->str;
  statements[3].sql = ident_batch->str;
  statements[4].sql = id_batch->str;
  statements[6].sql = insert->str;
  statements[7].sql = insert_batch->str;
  statements[10].sql = fts->str;
  statements[11].sql = fts_batch->str;

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
    &imp->find_current, &imp->find_current_batch, &imp->find_same, &imp->link_by_ident,
    &imp->link_by_id, &imp->find_title, &imp->insert, &imp->insert_batch, &imp->supersede,
    &imp->mark_deleted, &imp->fts_insert, &imp->fts_insert_batch, &imp->fts_delete,
    &imp->insert_provenance, &imp->insert_vocab,
  };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_clear_pointer (all[i], sqlite3_finalize);
  for (guint n = 0; n <= BATCH; n++)
    {
      g_clear_pointer (&imp->insert_sized[n], sqlite3_finalize);
      g_clear_pointer (&imp->fts_sized[n], sqlite3_finalize);
    }
  for (guint k = 0; k < n_observers; k++)
    if (imp->observed[k] != NULL && observers[k]->finish != NULL)
      g_clear_pointer (&imp->observed[k], observers[k]->finish);
}

/* The statement that writes N rows of COLUMNS at once: a sync's pages and a file's last rows
 * are seldom a whole batch, and a statement a row costs more than the rows. */
static sqlite3_stmt *
sized_statement (Import        *imp,
                 sqlite3_stmt **cache,
                 const char    *head,
                 guint          columns,
                 guint          n,
                 GError       **error)
{
  g_autoptr(GString) sql = NULL;
  int rc;

  g_assert (n >= 1 && n <= BATCH);
  if (cache[n] != NULL)
    return cache[n];
  sql = g_string_new (head);
  append_groups (sql, n, columns, 1);
  rc = sqlite3_prepare_v3 (imp->db, sql->str, -1, SQLITE_PREPARE_PERSISTENT, &cache[n], NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (imp->db, rc, "preparing the import", error);
      return NULL;
    }
  return cache[n];
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
  sqlite3_bind_text (imp->insert_provenance, 1, imp->display, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->insert_provenance, 2, imp->sha256 ? imp->sha256 : "", -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (imp->insert_provenance, 3, g_get_real_time ());
  sqlite3_bind_text (imp->insert_provenance, 4, hf_vault_get_member_name (imp->vault), -1,
                     SQLITE_STATIC);
  if (!step_done (imp, imp->insert_provenance, error))
    return FALSE;
  imp->provenance_id = sqlite3_last_insert_rowid (imp->db);
  if (imp->first_provenance == 0)
    imp->first_provenance = imp->provenance_id;
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

  /* The file's hash is known once it has been read to the end. */
  sqlite3_prepare_v2 (imp->db, "UPDATE provenance SET counts = ?, sha256 = ? WHERE id = ?", -1,
                      &stmt, NULL);
  sqlite3_bind_text (stmt, 1, counts, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, imp->sha256 ? imp->sha256 : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, imp->provenance_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_finalize (stmt);
      return _hf_db_fail (imp->db, sqlite3_errcode (imp->db), "recording provenance", error);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
read_next_id (Import  *imp,
              GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (imp->db, "SELECT coalesce (max (id), 0) + 1 FROM resource", -1,
                               &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    imp->next_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return _hf_db_fail (imp->db, rc, "reading records", error);
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
  /* A cache, kept small: an NDJSON export refers to as many encounters as it has. */
  if (g_hash_table_size (imp->db_names) >= MAX_CACHED_NAMES)
    g_hash_table_remove_all (imp->db_names);
  g_hash_table_insert (imp->db_names, g_strdup (key), g_strdup (title ? title : ""));
  return title;
}

/* The first business identifier with both a system and a value, as "system|value". */
static char *
identifier_key (JsonObject *r)
{
  JsonNode *n = json_object_get_member (r, "identifier");
  JsonArray *list;

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return NULL;
  list = json_node_get_array (n);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *e = json_array_get_element (list, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      const char *system = hf_json_string (o, "system");
      const char *value = hf_json_string (o, "value");

      if (system != NULL && value != NULL && *system != '\0' && *value != '\0')
        return g_strdup_printf ("%s|%s", system, value);
    }
  return NULL;
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

/* Binds P's row at parameters BASE + 1 … BASE + INSERT_COLUMNS, and gives it its id. */
static gint64
bind_row (Import       *imp,
          sqlite3_stmt *stmt,
          int           base,
          Pending      *p)
{
  gint64 id = imp->next_id++;

  p->id = id;
  sqlite3_bind_int64 (stmt, base + 1, id);
  sqlite3_bind_text (stmt, base + 2, p->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, base + 3, p->fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, base + 4, imp->source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, base + 5, imp->provenance_id);
  bind_text_or_null (stmt, base + 6, p->version_id);
  bind_text_or_null (stmt, base + 7, p->last_updated);
  sqlite3_bind_text (stmt, base + 8, p->json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, base + 9, p->s.category, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, base + 10, p->s.effective ? p->s.effective : "", -1, SQLITE_STATIC);
  bind_text_or_null (stmt, base + 11, p->s.status);
  bind_text_or_null (stmt, base + 12, p->s.code_system);
  bind_text_or_null (stmt, base + 13, p->s.code);
  bind_text_or_null (stmt, base + 14, p->s.code_display);
  if (p->s.has_value)
    sqlite3_bind_double (stmt, base + 15, p->s.value_num);
  else
    sqlite3_bind_null (stmt, base + 15);
  bind_text_or_null (stmt, base + 16, p->s.value_unit);
  bind_text_or_null (stmt, base + 17, p->s.subject);
  sqlite3_bind_text (stmt, base + 18, p->s.title, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, base + 19, p->s.subtitle);
  sqlite3_bind_blob (stmt, base + 20, p->hash, sizeof p->hash, SQLITE_STATIC);
  if (p->older)
    sqlite3_bind_int64 (stmt, base + 21, p->current);
  else
    sqlite3_bind_null (stmt, base + 21);
  if (p->link != 0)
    sqlite3_bind_int64 (stmt, base + 22, p->link);
  else
    sqlite3_bind_null (stmt, base + 22);
  bind_text_or_null (stmt, base + 23, p->ident_key);
  bind_text_or_null (stmt, base + 24, p->s.context);
  return id;
}

/* The index holds the text folded (_hf_search_fold_text), documents' text in the notes. */
static void
bind_fts (sqlite3_stmt *stmt,
          int           base,
          gint64        id,
          Pending      *p)
{
  char *texts[] = {
    _hf_search_fold_text (p->s.title),
    _hf_search_fold_text (p->s.subtitle),
    _hf_search_fold_text (p->s.search_codes),
    _hf_records_search_notes (p->type, p->json, p->s.search_notes),
  };

  sqlite3_bind_int64 (stmt, base + 1, id);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      if (texts[i] != NULL)
        sqlite3_bind_text (stmt, base + 2 + i, texts[i], -1, g_free);
      else
        sqlite3_bind_null (stmt, base + 2 + i);
    }
}

static gboolean
lookup_current (Import  *imp,
                GError **error)
{
  sqlite3_stmt *stmt = imp->find_current_batch;
  int rc;

  sqlite3_bind_text (stmt, 1, imp->source, -1, SQLITE_STATIC);
  for (guint i = 0; i < imp->pending->len; i++)
    {
      Pending *p = g_ptr_array_index (imp->pending, i);
      sqlite3_bind_int (stmt, 2 + 3 * i, i);
      sqlite3_bind_text (stmt, 3 + 3 * i, p->type, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4 + 3 * i, p->fhir_id, -1, SQLITE_STATIC);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Pending *p = g_ptr_array_index (imp->pending, sqlite3_column_int (stmt, 0));
      gboolean same = sqlite3_column_bytes (stmt, 2) == (int) sizeof p->hash &&
                      memcmp (sqlite3_column_blob (stmt, 2), p->hash, sizeof p->hash) == 0;

      p->current = sqlite3_column_int64 (stmt, 1);
      p->unchanged = same;
      if (!same)
        p->older = !is_newer (p->version_id, p->last_updated,
                              (const char *) sqlite3_column_text (stmt, 3),
                              (const char *) sqlite3_column_text (stmt, 4));
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (imp->db, rc, "reading records", error);
  return TRUE;
}

/* TEXT as parsed and written again without its meta (version, last update, tags, which
 * differ between two copies of one resource): layout and whitespace do not count. */
static char *
content_text (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  json_object_remove_member (json_node_get_object (root), "meta");
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Links new records to a copy from another source: by business identifier (system|value),
 * else by type and id when the content is the same too. Ids alone are not enough: "example"
 * or "1" name different resources on different servers (the R4 examples hold 45 type and id
 * pairs with different content in different files), and a record hidden as a copy of
 * another is lost to its reader; a copy shown twice is only a copy. */
static gboolean
lookup_links (Import  *imp,
              GError **error)
{
  sqlite3_stmt *by[] = { imp->link_by_ident, imp->link_by_id };

  for (guint k = 0; k < G_N_ELEMENTS (by); k++)
    {
      sqlite3_stmt *stmt = by[k];
      g_autofree char *mine = NULL;
      gint last = -1;
      gboolean any = FALSE;
      int rc;

      sqlite3_bind_text (stmt, 1, imp->source, -1, SQLITE_STATIC);
      for (guint i = 0; i < imp->pending->len; i++)
        {
          Pending *p = g_ptr_array_index (imp->pending, i);
          const char *what = k == 0 ? p->ident_key : p->fhir_id;
          if (p->current != 0 || p->link != 0 || what == NULL)
            continue;
          sqlite3_bind_int (stmt, 2 + 3 * i, i);
          sqlite3_bind_text (stmt, 3 + 3 * i, p->type, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 4 + 3 * i, what, -1, SQLITE_STATIC);
          any = TRUE;
        }
      if (!any)
        {
          sqlite3_clear_bindings (stmt);
          continue;
        }
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint n = sqlite3_column_int (stmt, 0);
          Pending *p = g_ptr_array_index (imp->pending, n);
          g_autofree char *theirs = NULL;

          if (k == 0)
            {
              p->link = sqlite3_column_int64 (stmt, 1);
              continue;
            }
          /* By id: the candidates come by pending row, the lowest group first. */
          if (p->link != 0)
            continue;
          if (n != last)
            {
              g_free (mine);
              mine = content_text (p->json);
              last = n;
            }
          theirs = content_text ((const char *) sqlite3_column_text (stmt, 2));
          if (mine != NULL && theirs != NULL && g_str_equal (mine, theirs))
            p->link = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        return _hf_db_fail (imp->db, rc, "reading records", error);
    }
  return TRUE;
}

/* A version seen before that is now history: still nothing new. */
static gboolean
known_version (Import  *imp,
               Pending *p)
{
  int rc;

  sqlite3_bind_text (imp->find_same, 1, p->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->find_same, 2, p->fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->find_same, 3, imp->source, -1, SQLITE_STATIC);
  sqlite3_bind_blob (imp->find_same, 4, p->hash, sizeof p->hash, SQLITE_STATIC);
  rc = sqlite3_step (imp->find_same);
  sqlite3_reset (imp->find_same);
  sqlite3_clear_bindings (imp->find_same);
  return rc == SQLITE_ROW;
}

/* The words the search index gets from P, for search_vocab. */
static void
note_words (Import  *imp,
            Pending *p)
{
  const char *texts[] = { p->s.title, p->s.subtitle, p->s.search_codes, p->s.search_notes };
  g_autoptr(GHashTable) words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  char *word;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    _hf_search_fold_words (texts[i], words);
  g_hash_table_iter_init (&iter, words);
  while (g_hash_table_iter_next (&iter, (gpointer *) &word, NULL))
    if (!g_hash_table_contains (imp->vocab_seen, word))
      {
        /* Added or, when there already, put in place of the equal one, which is freed. */
        g_hash_table_iter_steal (&iter);
        g_hash_table_add (imp->vocab_new, word);
      }
}

/* Writes the words met for the first time in this transaction. */
static gboolean
store_words (Import  *imp,
             GError **error)
{
  GHashTableIter iter;
  char *word;

  g_hash_table_iter_init (&iter, imp->vocab_new);
  while (g_hash_table_iter_next (&iter, (gpointer *) &word, NULL))
    {
      sqlite3_bind_text (imp->insert_vocab, 1, word, -1, SQLITE_STATIC);
      if (!step_done (imp, imp->insert_vocab, error))
        return FALSE;
      g_hash_table_iter_steal (&iter);
      g_hash_table_add (imp->vocab_seen, word);
    }
  return TRUE;
}

/* A newer version: it replaces the current row, which is kept as history. The unique index
 * allows one current row per key, so the old one is retired first. */
static gboolean
store_newer (Import   *imp,
             Pending  *p,
             GError  **error)
{
  gint64 id;

  sqlite3_bind_int64 (imp->supersede, 1, p->current);
  sqlite3_bind_int64 (imp->supersede, 2, p->current);
  if (!step_done (imp, imp->supersede, error))
    return FALSE;
  id = bind_row (imp, imp->insert, 0, p);
  if (!step_done (imp, imp->insert, error))
    return FALSE;
  note_words (imp, p);
  bind_fts (imp->fts_insert, 0, id, p);
  if (!step_done (imp, imp->fts_insert, error))
    return FALSE;
  sqlite3_bind_int64 (imp->supersede, 1, id);
  sqlite3_bind_int64 (imp->supersede, 2, p->current);
  sqlite3_bind_int64 (imp->fts_delete, 1, p->current);
  return step_done (imp, imp->supersede, error) && step_done (imp, imp->fts_delete, error);
}

/* Inserts ROWS (new records and older versions), a full batch in one statement. */
static gboolean
store_rows (Import     *imp,
            GPtrArray  *rows,
            GError    **error)
{
  g_autofree gint64 *ids = g_new (gint64, rows->len + 1);
  sqlite3_stmt *stmt;
  guint indexed = 0;

  stmt = rows->len == BATCH ? imp->insert_batch
       : sized_statement (imp, imp->insert_sized, INSERT_SQL, INSERT_COLUMNS, rows->len, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    ids[i] = bind_row (imp, stmt, i * INSERT_COLUMNS, rows->pdata[i]);
  if (!step_done (imp, stmt, error))
    return FALSE;

  /* Older versions are history: not searched. */
  for (guint i = 0; i < rows->len; i++)
    indexed += !((Pending *) rows->pdata[i])->older;
  if (indexed == 0)
    return TRUE;
  stmt = indexed == BATCH ? imp->fts_insert_batch
       : sized_statement (imp, imp->fts_sized, FTS_SQL, FTS_COLUMNS, indexed, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0, n = 0; i < rows->len; i++)
    {
      Pending *p = rows->pdata[i];
      if (p->older)
        continue;
      note_words (imp, p);
      bind_fts (stmt, n++ * FTS_COLUMNS, ids[i], p);
    }
  return step_done (imp, stmt, error);
}

/* The batch's new current rows, to the observers that keep something for every row. */
static gboolean
store_observed_rows (Import  *imp,
                     GError **error)
{
  g_autoptr(GArray) rows = NULL;

  for (guint k = 0; k < n_observers; k++)
    {
      if (observers[k]->store_rows == NULL)
        continue;
      if (rows == NULL)
        {
          rows = g_array_sized_new (FALSE, FALSE, sizeof (HfImportRow), imp->pending->len);
          for (guint i = 0; i < imp->pending->len; i++)
            {
              Pending *p = g_ptr_array_index (imp->pending, i);
              HfImportRow row = { p->id, p->type, p->fhir_id, imp->source, p->s.category,
                                  p->s.effective != NULL ? p->s.effective : "", p->s.title,
                                  p->json, strlen (p->json), p->link != 0 };

              if (p->id != 0 && !p->older)
                g_array_append_val (rows, row);
            }
        }
      if (rows->len > 0 &&
          !observers[k]->store_rows (imp->db, &imp->observed[k],
                                     (const HfImportRow *) (void *) rows->data, rows->len, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
flush (Import  *imp,
       GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  if (imp->pending->len == 0)
    return TRUE;
  if (!lookup_current (imp, error) || !lookup_links (imp, error))
    return FALSE;

  rows = g_ptr_array_sized_new (imp->pending->len);
  for (guint i = 0; i < imp->pending->len; i++)
    {
      Pending *p = g_ptr_array_index (imp->pending, i);

      if (p->unchanged || (p->current != 0 && known_version (imp, p)))
        {
          imp->result->unchanged++;
          continue;
        }
      if (!ensure_provenance (imp, error))
        return FALSE;
      if (p->current != 0 && !p->older)
        {
          if (!store_newer (imp, p, error))
            return FALSE;
          imp->result->updated++;
        }
      else
        {
          g_ptr_array_add (rows, p);
          if (p->older)
            imp->result->history++;
          else
            imp->result->added++;
        }
      count_type (imp->file_counts, p->type);
    }
  if ((rows->len > 0 && !store_rows (imp, rows, error)) || !store_words (imp, error))
    return FALSE;
  /* What the observers found in the new current rows; history rows are not theirs. */
  for (guint i = 0; i < imp->pending->len; i++)
    {
      Pending *p = g_ptr_array_index (imp->pending, i);

      if (p->id == 0 || p->older)
        continue;
      for (guint k = 0; k < n_observers; k++)
        if (p->scanned[k] != NULL && !observers[k]->store (imp->db, p->id, p->scanned[k], error))
          return FALSE;
    }
  if (!store_observed_rows (imp, error))
    return FALSE;

  g_ptr_array_set_size (imp->pending, 0);
  g_hash_table_remove_all (imp->pending_keys);
  imp->pending_bytes = 0;
  return TRUE;
}

/* {{{ people */

static gboolean vault_has_patient (Import      *imp,
                                   const char  *fhir_id,
                                   gboolean    *found,
                                   GError     **error);

static gboolean
note_patient (Import      *imp,
              JsonObject  *r,
              const char  *fhir_id,
              GError     **error)
{
  g_autoptr(HfPerson) found = NULL;
  InputPerson *ip = g_hash_table_lookup (imp->patient_person, fhir_id);
  gboolean in_vault = FALSE;

  if (ip != NULL || g_hash_table_contains (imp->anonymous, fhir_id))
    return TRUE;   /* another version of a Patient already met */
  /* A Patient the vault keeps already is its person's (any Patient it keeps is), even when
   * it names nobody: its new version is not someone else. */
  if (!vault_has_patient (imp, fhir_id, &in_vault, error))
    return FALSE;
  found = hf_person_new_from_patient (r);
  if (found->anonymous)
    {
      g_hash_table_add (imp->anonymous, g_strdup (fhir_id));
      return TRUE;
    }
  for (guint i = 0; ip == NULL && i < imp->people->len; i++)
    if (hf_person_matches (((InputPerson *) g_ptr_array_index (imp->people, i))->person, found))
      ip = g_ptr_array_index (imp->people, i);
  if (ip == NULL)
    {
      ip = g_new0 (InputPerson, 1);
      ip->person = g_steal_pointer (&found);
      ip->ids = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (imp->people, ip);
    }
  else
    _hf_person_merge (ip->person, found);
  ip->in_vault = ip->in_vault || in_vault;
  g_ptr_array_add (ip->ids, g_strdup (fhir_id));
  g_hash_table_insert (imp->patient_person, g_strdup (fhir_id), ip);
  return TRUE;
}

/* Whether the resource belongs in this vault's import (*KEEP FALSE when --person leaves it
 * out). Notes the Patients met and the Patients records are about. */
static gboolean
person_keeps (Import      *imp,
              JsonObject  *r,
              const char  *type,
              const char  *fhir_id,
              gboolean    *keep,
              GError     **error)
{
  const char *only = imp->options != NULL ? imp->options->person : NULL;
  const char *ref;
  const char *mapped;
  g_autofree char *patient = NULL;

  *keep = TRUE;
  if (g_str_equal (type, "Patient"))
    {
      if (only != NULL && !g_str_equal (fhir_id, only))
        {
          *keep = FALSE;
          return TRUE;
        }
      return note_patient (imp, r, fhir_id, error);
    }
  if ((ref = hf_person_subject_reference (r)) == NULL)
    return TRUE;
  mapped = g_hash_table_lookup (imp->rewrite, ref);
  if ((patient = hf_person_reference_id (mapped != NULL ? mapped : ref)) == NULL)
    return TRUE;
  if (only != NULL)
    {
      *keep = g_str_equal (patient, only);
      return TRUE;
    }
  if (!g_hash_table_contains (imp->referenced, patient))
    g_hash_table_insert (imp->referenced, g_steal_pointer (&patient), g_strdup (imp->display));
  return TRUE;
}

/* }}} */

/* Queues a resource; JSON is its stored text, taken. */
static gboolean
store_resource (Import      *imp,
                JsonObject  *r,
                const char  *type,
                const char  *fhir_id,
                char        *json,
                GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  Pending *p = g_new0 (Pending, 1);
  JsonObject *meta = hf_json_object (r, "meta");
  gsize hash_len = sizeof p->hash;
  char *key;
  char *name;
  gboolean keep = TRUE;

  if (imp->people != NULL && !person_keeps (imp, r, type, fhir_id, &keep, error))
    {
      g_free (json);
      g_free (p);
      return FALSE;
    }
  if (!keep)
    {
      imp->result->left_out++;
      g_free (json);
      g_free (p);
      return TRUE;
    }
  key = g_strdup_printf ("%s/%s", type, fhir_id);
  p->type = g_strdup (type);
  p->fhir_id = g_strdup (fhir_id);
  p->json = json;
  p->version_id = g_strdup (hf_json_string (meta, "versionId"));
  p->last_updated = g_strdup (hf_json_string (meta, "lastUpdated"));
  p->ident_key = identifier_key (r);
  g_checksum_update (sum, (const guchar *) json, strlen (json));
  g_checksum_get_digest (sum, p->hash, &hash_len);
  count_type (imp->result->by_type, type);
  for (guint i = 0; i < n_observers; i++)
    if (observers[i]->scan != NULL)
      p->scanned[i] = observers[i]->scan (r, type);

  hf_fhir_summarize (r, resolve_name, imp, &p->s);
  if (p->s.subject != NULL && g_hash_table_lookup (imp->rewrite, p->s.subject) != NULL)
    {
      char *mapped = g_strdup (g_hash_table_lookup (imp->rewrite, p->s.subject));
      g_free (p->s.subject);
      p->s.subject = mapped;
    }
  /* The visit, as the stored text names it once its references are rewritten. */
  if (p->s.context != NULL && g_hash_table_lookup (imp->rewrite, p->s.context) != NULL)
    {
      char *mapped = g_strdup (g_hash_table_lookup (imp->rewrite, p->s.context));
      g_free (p->s.context);
      p->s.context = mapped;
    }
  /* Resources later in the file may refer to this one before it is written. */
  if ((name = hf_fhir_display_name (r)) != NULL)
    g_hash_table_replace (imp->db_names, g_strdup (key), name);

  /* The same key twice in a batch: the first must be stored before the second is compared. */
  if (g_hash_table_contains (imp->pending_keys, key) && !flush (imp, error))
    {
      g_free (key);
      pending_free (p);
      return FALSE;
    }
  g_hash_table_add (imp->pending_keys, key);
  g_ptr_array_add (imp->pending, p);
  imp->pending_bytes += strlen (json);
  if (imp->pending->len == BATCH || imp->pending_bytes >= BATCH_BYTES)
    return flush (imp, error);
  return TRUE;
}

/* A history Bundle's DELETE of TYPE/ID at WHEN (or NULL): the current row from this source is
 * marked deleted and leaves the search index; it and its history are kept. */
static gboolean
store_deletion (Import      *imp,
                const char  *type,
                const char  *fhir_id,
                const char  *when,
                GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = when ? g_strdup (when) : g_date_time_format_iso8601 (now);
  gint64 current = 0;
  gboolean stale = FALSE;
  int rc;

  if (!flush (imp, error))
    return FALSE;
  sqlite3_bind_text (imp->find_current, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->find_current, 2, fhir_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (imp->find_current, 3, imp->source, -1, SQLITE_STATIC);
  rc = sqlite3_step (imp->find_current);
  if (rc == SQLITE_ROW && sqlite3_column_type (imp->find_current, 4) == SQLITE_NULL)
    {
      const char *updated = (const char *) sqlite3_column_text (imp->find_current, 3);
      current = sqlite3_column_int64 (imp->find_current, 0);
      /* A version newer than the deletion was restored afterwards. */
      stale = when != NULL && updated != NULL && is_newer (NULL, updated, NULL, when) &&
              g_strcmp0 (updated, when) != 0;
    }
  sqlite3_reset (imp->find_current);
  sqlite3_clear_bindings (imp->find_current);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (imp->db, rc, "reading records", error);
  if (current == 0 || stale)
    {
      imp->result->unchanged++;
      return TRUE;
    }
  if (!ensure_provenance (imp, error))
    return FALSE;
  sqlite3_bind_text (imp->mark_deleted, 1, stamp, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (imp->mark_deleted, 2, current);
  sqlite3_bind_int64 (imp->fts_delete, 1, current);
  if (!step_done (imp, imp->mark_deleted, error) || !step_done (imp, imp->fts_delete, error))
    return FALSE;
  imp->result->deleted++;
  return TRUE;
}

/* }}} */
/* {{{ values: a resource or a Bundle */

static gboolean
is_text (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

/* An R4 id: 1 to 64 of A–Z, a–z, 0–9, "-" and ".". */
static gboolean
is_fhir_id (JsonNode *node)
{
  const char *id;
  gsize n;

  if (!is_text (node))
    return FALSE;
  id = json_node_get_string (node);
  n = strlen (id);
  return n >= 1 && n <= 64 && strspn (id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789-.") == n;
}

/* Every "reference" member under NODE is text (a reference's reference is a string). */
/* Whether NODE is a non-empty list of objects. */
static gboolean
objects (JsonNode *node)
{
  JsonArray *a = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (a == NULL || json_array_get_length (a) == 0)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (a, i)))
      return FALSE;
  return TRUE;
}

static gboolean
references_are_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        if (!references_are_text (json_array_get_element (a, i)))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          /* An element named "reference" that is an object (or a list of them) is not a
           * Reference's reference but holds one (ImplementationGuide.definition.resource.
           * reference, ExplanationOfBenefit.related.reference, Contract.term.action.subject.
           * reference). */
          if (g_str_equal (name, "reference") && !JSON_NODE_HOLDS_OBJECT (member)
              ? !(is_text (member) || objects (member)) || !references_are_text (member)
              : !references_are_text (member))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
identifier_shaped (JsonNode *node)
{
  JsonObject *o;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  o = json_node_get_object (node);
  return (!json_object_has_member (o, "system") ||
          is_text (json_object_get_member (o, "system"))) &&
         (!json_object_has_member (o, "value") || is_text (json_object_get_member (o, "value")));
}

/* What the importer and the summaries read has the shape R4 gives it: a wrong shape is
 * refused, never read as absent and stored as if it were valid. A Resource is a Bundle
 * entry's resource too, so the members of an entry are checked where entries are read. */
static gboolean
checked_shape (Import      *imp,
               JsonObject  *r,
               const char  *type,
               const char  *where,
               GError     **error)
{
  JsonNode *node;
  JsonObject *meta;

  if ((node = json_object_get_member (r, "id")) != NULL && !is_fhir_id (node))
    return invalid (imp, error, "%s has an id that is not a FHIR id (1 to 64 letters, digits, "
                    "“-” or “.”)", where);
  if ((node = json_object_get_member (r, "meta")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (imp, error, "%s has a “meta” that is not an object", where);
      meta = json_node_get_object (node);
      for (guint i = 0; i < 2; i++)
        {
          const char *name = i == 0 ? "versionId" : "lastUpdated";
          if (json_object_has_member (meta, name) &&
              !is_text (json_object_get_member (meta, name)))
            return invalid (imp, error, "%s has a meta.%s that is not text", where, name);
        }
    }
  if ((node = json_object_get_member (r, "identifier")) != NULL)
    {
      /* One Identifier in a Bundle, a Composition, an AdverseEvent… (R4's table says which);
       * a list in every other type. */
      gboolean single = hf_fhir_r4_has_one_identifier (type);
      gboolean shaped = single ? identifier_shaped (node) : JSON_NODE_HOLDS_ARRAY (node);

      for (guint i = 0; shaped && !single && i < json_array_get_length (json_node_get_array (node));
           i++)
        shaped = identifier_shaped (json_array_get_element (json_node_get_array (node), i));
      if (!shaped)
        return invalid (imp, error, "%s has an “identifier” that is not %s", where,
                        single ? "an Identifier" : "a list of Identifiers");
    }
  if (g_str_equal (type, "Bundle") && (node = json_object_get_member (r, "type")) != NULL &&
      !is_text (node))
    return invalid (imp, error, "%s is a Bundle whose “type” is not text", where);
  if (!g_str_equal (type, "Bundle"))
    {
      g_autoptr(JsonNode) whole = json_node_init_object (json_node_alloc (), r);
      if (!references_are_text (whole))
        return invalid (imp, error, "%s has a reference whose “reference” is not text", where);
    }
  return TRUE;
}

static const char *
checked_type (Import      *imp,
              JsonObject  *r,
              const char  *where,
              GError     **error)
{
  const char *type = hf_json_string (r, "resourceType");
  HfFhirR4Problem problem = { 0 };

  if (type == NULL)
    {
      invalid (imp, error, "%s is JSON but not a FHIR resource (it has no resourceType)", where);
      return NULL;
    }
  /* R4 by its elements (hf-fhir-r4.c): an STU3 or DSTU2 resource is refused saying so. */
  if (!hf_fhir_r4_check (r, &problem))
    {
      g_autofree char *surer_where = NULL;
      g_autofree char *why = NULL;

      /* An element STU3 and DSTU2 both had: another entry may tell which of them it is. */
      for (guint i = 0; imp->checking != NULL && problem.version != HF_FHIR_VERSION_STU3 &&
                        problem.version != HF_FHIR_VERSION_DSTU2 &&
                        i < json_array_get_length (imp->checking); i++)
        {
          JsonNode *e = json_array_get_element (imp->checking, i);
          JsonObject *other = JSON_NODE_HOLDS_OBJECT (e)
                              ? hf_json_object (json_node_get_object (e), "resource") : NULL;
          HfFhirR4Problem surer = { 0 };

          if (other != NULL && !hf_fhir_r4_check (other, &surer) &&
              (surer.version == HF_FHIR_VERSION_STU3 || surer.version == HF_FHIR_VERSION_DSTU2))
            {
              hf_fhir_r4_problem_clear (&problem);
              problem = surer;
              surer_where = g_strdup_printf ("%s%sBundle.entry[%u]", imp->checking_where,
                                             *imp->checking_where ? ", " : "", i);
              break;
            }
          hf_fhir_r4_problem_clear (&surer);
        }
      why = hf_fhir_r4_problem_sentence (&problem, surer_where ? surer_where : where);
      hf_fhir_r4_problem_clear (&problem);
      invalid (imp, error, "%s", why);
      return NULL;
    }
  if (!checked_shape (imp, r, type, where, error))
    return NULL;
  return type;
}

/* The id a resource is stored under: its own, else the uuid of its urn:uuid fullUrl, else
 * one derived from its text. */
static char *
resource_id (JsonObject *r,
             const char *full_url,
             const char *text,
             gsize       length)
{
  const char *id = hf_json_string (r, "id");
  g_autofree char *sum = NULL;

  if (id != NULL && *id != '\0')
    return g_strdup (id);
  if (full_url != NULL && g_str_has_prefix (full_url, "urn:uuid:") && full_url[9] != '\0')
    return g_strdup (full_url + 9);
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, length);
  return g_strdup_printf ("hf-%.32s", sum);
}

static gboolean
tick (Import   *imp,
      guint64   bytes_in_file,
      GError  **error)
{
  if (++imp->resources % PROGRESS_EVERY != 0)
    return TRUE;
  if (imp->progress != NULL)
    imp->progress (imp->path, imp->resources, imp->bytes_before + bytes_in_file,
                   imp->bytes_total, imp->progress_data);
  return !g_cancellable_set_error_if_cancelled (imp->cancellable, error);
}

/* The identity a Bundle gives itself, where it has one: "system|value" of its identifier,
 * else its meta.source. */
static char *
bundle_identity (JsonObject *bundle)
{
  JsonObject *identifier = hf_json_object (bundle, "identifier");
  const char *value = hf_json_string (identifier, "value");
  const char *meta_source = hf_json_string (hf_json_object (bundle, "meta"), "source");

  if (value != NULL)
    {
      const char *system = hf_json_string (identifier, "system");
      return g_strdup_printf ("%s|%s", system != NULL ? system : "", value);
    }
  return g_strdup (meta_source);
}

/* Whether TEXT, about to be stored, is the resource R: the same resourceType and id. */
static gboolean
text_holds (const char *text,
            gsize       length,
            JsonObject *r)
{
  g_autofree char *type = hf_json_dup_member_string (text, length, "resourceType");
  g_autofree char *id = hf_json_dup_member_string (text, length, "id");

  return g_strcmp0 (type, hf_json_string (r, "resourceType")) == 0 &&
         g_strcmp0 (id, hf_json_string (r, "id")) == 0;
}

/* A Bundle entry's own members have the shape R4 gives them: fullUrl a uri, request and
 * response objects, request.method one of R4's codes. */
static gboolean
entry_shaped (Import      *imp,
              JsonObject  *entry,
              const char  *where,
              GError     **error)
{
  static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH" };
  JsonNode *node;

  if ((node = json_object_get_member (entry, "fullUrl")) != NULL && !is_text (node))
    return invalid (imp, error, "%s has a “fullUrl” that is not text", where);
  for (guint k = 0; k < 2; k++)
    {
      const char *part = k == 0 ? "request" : "response";
      const char *const *texts = k == 0 ? (const char *const[]) { "method", "url", NULL }
                                        : (const char *const[]) { "lastModified", NULL };
      JsonObject *o;

      if ((node = json_object_get_member (entry, part)) == NULL)
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (imp, error, "%s has a “%s” that is not an object", where, part);
      o = json_node_get_object (node);
      for (guint t = 0; texts[t] != NULL; t++)
        if (json_object_has_member (o, texts[t]) && !is_text (json_object_get_member (o, texts[t])))
          return invalid (imp, error, "%s has a %s.%s that is not text", where, part, texts[t]);
      if (k == 0 && json_object_has_member (o, "method"))
        {
          const char *method = json_object_get_string_member (o, "method");
          gboolean known = FALSE;

          for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
            known = known || g_str_equal (method, methods[m]);
          if (!known)
            {
              g_autofree char *shown = g_utf8_make_valid (method, MIN (strlen (method), 16));
              return invalid (imp, error, "%s has the request.method “%s”, which is not one "
                              "of R4's (GET, HEAD, POST, PUT, DELETE, PATCH)", where, shown);
            }
        }
    }
  return TRUE;
}

/* What a DELETE entry deletes: request.url "Type/id[/_history/n]". */
static gboolean
deleted_key (JsonObject  *entry,
             char       **type,
             char       **id)
{
  const char *url = hf_json_string (hf_json_object (entry, "request"), "url");
  g_autofree char *path = NULL;
  g_auto(GStrv) parts = NULL;
  guint n;

  /* The request names what it deleted; a fullUrl names a resource, not an operation. */
  if (url == NULL)
    return FALSE;
  path = g_strndup (url, strcspn (url, "?"));
  parts = g_strsplit (path, "/", -1);
  n = g_strv_length (parts);
  for (guint i = 0; i + 1 < n; i++)
    if (hf_fhir_is_resource_type (parts[i]) && *parts[i + 1] != '\0')
      {
        *type = g_strdup (parts[i]);
        *id = g_strdup (parts[i + 1]);
        return TRUE;
      }
  return FALSE;
}

/* The server base of an absolute fullUrl "BASE/TYPE/ID" (RESTful FHIR), or NULL. */
static char *
server_base (const char *full_url,
             const char *type,
             const char *id)
{
  g_autofree char *tail = NULL;

  if (full_url == NULL || id == NULL ||
      (!g_str_has_prefix (full_url, "https://") && !g_str_has_prefix (full_url, "http://")))
    return NULL;
  tail = g_strdup_printf ("/%s/%s", type, id);
  if (!g_str_has_suffix (full_url, tail) || strlen (full_url) == strlen (tail))
    return NULL;
  return g_strndup (full_url, strlen (full_url) - strlen (tail));
}

/* The base most of a Bundle's entries are from (the first of the most), or NULL. */
static char *
main_server_base (GPtrArray *bases)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  const char *best = NULL;
  guint best_count = 0;

  for (guint i = 0; i < bases->len; i++)
    {
      const char *base = g_ptr_array_index (bases, i);
      guint count;

      if (base == NULL)
        continue;
      count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, base)) + 1;
      g_hash_table_insert (counts, (gpointer) base, GUINT_TO_POINTER (count));
      if (count > best_count)
        {
          best = base;
          best_count = count;
        }
    }
  return g_strdup (best);
}

/* Two resources of one type and id from two servers in one Bundle (their fullUrl bases
 * differ) are two records: an entry from a server other than the Bundle's main one is stored
 * under the Bundle's source and that server's base. A Bundle from one server keeps the source
 * it always had. Rows waiting to be written are written under the source they were read as. */
static gboolean
use_source (Import      *imp,
            const char  *main_source,
            const char  *main_base,
            const char  *base,
            GError     **error)
{
  g_autofree char *wanted = base != NULL && main_base != NULL && !g_str_equal (base, main_base)
                            ? g_strdup_printf ("%s@%s", main_source, base)
                            : g_strdup (main_source);

  if (g_strcmp0 (wanted, imp->source) == 0)
    return TRUE;
  if (!flush (imp, error))
    return FALSE;
  g_free (imp->source);
  imp->source = g_steal_pointer (&wanted);
  return TRUE;
}

static gboolean import_value (Import      *imp,
                              JsonObject  *root,
                              const char  *where,
                              gint         span,
                              const char  *text,
                              gsize        length,
                              guint64      offset,
                              GError     **error);

static gboolean
import_bundle (Import      *imp,
               JsonObject  *bundle,
               const char  *where,
               gint         bundle_span,
               guint64      offset,
               GError     **error)
{
  JsonNode *entries_node = json_object_get_member (bundle, "entry");
  JsonArray *entries;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) entry_span = NULL;
  g_autofree char *main_base = NULL;
  g_autofree char *main_source = g_strdup (imp->source);
  const char *bundle_type = hf_json_string (bundle, "type");
  gboolean history = g_strcmp0 (bundle_type, "history") == 0;
  guint n;

  if (entries_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (entries_node))
    return invalid (imp, error, "%s is a Bundle whose “entry” is not a list", where);
  entries = json_node_get_array (entries_node);
  n = json_array_get_length (entries);
  /* Each entry's bytes by its place in the parse, never by the order spans were found. */
  entry_span = hf_json_spans_entries (imp->spans, bundle_span, n);

  /* First every entry's identity, so references between entries resolve in any order. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
      JsonObject *r = hf_json_object (entry, "resource");
      g_autofree char *here = g_strdup_printf ("%s%sBundle.entry[%u]", where,
                                               *where ? ", " : "", i);
      const char *full_url = hf_json_string (entry, "fullUrl");
      const HfJsonSpan *span;
      const char *type;
      char *id;

      if (entry != NULL && !entry_shaped (imp, entry, here, error))
        return FALSE;
      if (r == NULL)
        {
          const char *method = hf_json_string (hf_json_object (entry, "request"), "method");
          gboolean request = g_strcmp0 (bundle_type, "transaction") == 0 ||
                             g_strcmp0 (bundle_type, "batch") == 0;

          /* Entries without a resource: a history's, a transaction's or a batch's deletions,
           * a transaction's or a batch's reads (nothing to keep), and the answers of a batch
           * or transaction response. */
          if (entry != NULL && ((g_strcmp0 (method, "DELETE") == 0 && (history || request)) ||
                                (request && (g_strcmp0 (method, "GET") == 0 ||
                                             g_strcmp0 (method, "HEAD") == 0)) ||
                                g_strcmp0 (bundle_type, "batch-response") == 0 ||
                                g_strcmp0 (bundle_type, "transaction-response") == 0))
            {
              g_ptr_array_add (ids, NULL);
              g_ptr_array_add (bases, NULL);
              continue;
            }
          return invalid (imp, error, "%s has no resource", g_strstrip (here));
        }
      imp->checking = entries;
      imp->checking_where = where;
      type = checked_type (imp, r, g_strstrip (here), error);
      imp->checking = NULL;
      if (type == NULL)
        return FALSE;
      if (g_array_index (entry_span, gint, i) < 0)
        return invalid (imp, error, "%s could not be located in the file", here);
      span = &g_array_index (imp->spans, HfJsonSpan, g_array_index (entry_span, gint, i));
      if (!text_holds (imp->text + span->offset, span->length, r))
        return invalid (imp, error, "%s could not be told apart from another entry in the "
                        "file", here);
      id = resource_id (r, full_url, imp->text + span->offset, span->length);
      g_ptr_array_add (ids, id);
      g_ptr_array_add (bases, server_base (full_url, type, id));
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

  main_base = main_server_base (bases);

  /* A history Bundle lists the newest version first: read it oldest first. */
  for (guint k = 0; k < n; k++)
    {
      guint i = history ? n - 1 - k : k;
      JsonObject *entry = json_array_get_object_element (entries, i);
      JsonObject *r = hf_json_object (entry, "resource");
      gint s = g_array_index (entry_span, gint, i);
      const HfJsonSpan *span;
      const char *type;
      g_autofree char *here = NULL;

      if (!use_source (imp, main_source, main_base, r != NULL ? g_ptr_array_index (bases, i) : NULL,
                       error))
        return FALSE;
      if (r == NULL)
        {
          g_autofree char *dtype = NULL;
          g_autofree char *did = NULL;
          const char *when = hf_json_string (hf_json_object (entry, "response"), "lastModified");
          const char *method = hf_json_string (hf_json_object (entry, "request"), "method");

          if (g_strcmp0 (method, "DELETE") != 0)
            continue;   /* an answer without a resource: nothing to keep */
          if (!deleted_key (entry, &dtype, &did))
            {
              /* A transaction may delete by search ("Type?identifier=…"), which names no
               * record here; a history always names the version it deleted. */
              if (!history)
                continue;
              return invalid (imp, error, "%s%sBundle.entry[%u] deletes a record but does not "
                              "say which (no request.url)", where, *where ? ", " : "", i);
            }
          if (!store_deletion (imp, dtype, did, when, error) || !tick (imp, offset, error))
            return FALSE;
          continue;
        }
      here = g_strdup_printf ("%s%sBundle.entry[%u]", where, *where ? ", " : "", i);
      g_strstrip (here);
      type = hf_json_string (r, "resourceType");
      span = &g_array_index (imp->spans, HfJsonSpan, s);
      if (g_str_equal (type, "Bundle"))
        {
          if (!import_value (imp, r, here, s, imp->text + span->offset, span->length,
                             offset, error))
            return FALSE;
          continue;
        }
      if (!store_resource (imp, r, type, g_ptr_array_index (ids, i),
                           copy_resolved (imp->text + span->offset, span->length, imp->rewrite),
                           error) ||
          !tick (imp, offset, error))
        return FALSE;
    }
  return use_source (imp, main_source, main_base, NULL, error);
}

/* ROOT is TEXT parsed; it is the resource at span SPAN (-1: the whole text). */
static gboolean
import_value (Import      *imp,
              JsonObject  *root,
              const char  *where,
              gint         span,
              const char  *text,
              gsize        length,
              guint64      offset,
              GError     **error)
{
  const char *type = checked_type (imp, root, *where ? where : "the file", error);
  g_autofree char *id = NULL;

  if (type == NULL)
    return FALSE;
  if (g_str_equal (type, "Bundle"))
    {
      g_autofree char *identity = span < 0 && imp->origin != NULL ? bundle_identity (root) : NULL;
      gboolean ok;

      /* A Bundle that names itself is a source of its own within what the user imported:
       * two different Bundles saved under one name never replace each other's records. */
      if (identity != NULL)
        {
          if (!flush (imp, error))
            return FALSE;
          g_free (imp->source);
          imp->source = g_strdup_printf ("%s#%s", imp->origin, identity);
        }
      ok = import_bundle (imp, root, where, span, offset, error);
      g_hash_table_remove_all (imp->rewrite);
      g_hash_table_remove_all (imp->names);
      if (identity != NULL)
        {
          if (!ok || !flush (imp, error))
            return FALSE;
          g_free (imp->source);
          imp->source = g_strdup (imp->origin);
        }
      return ok;
    }
  id = resource_id (root, NULL, text, length);
  return store_resource (imp, root, type, id, trimmed_copy (text, length), error) &&
         tick (imp, offset, error);
}

/* }}} */
/* {{{ files */

/* json-glib says "<data>:LINE:COLUMN: Parse error: WHAT"; keep the position and the words. */
static gboolean
parse_failed (Import      *imp,
              GError     **error,
              const char  *where,
              guint        line_offset,
              GError      *parse_error)
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
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (HfJsonSpan));
  g_autofree char *where = line_no ? g_strdup_printf ("line %u", line_no) : g_strdup ("");
  JsonNode *root;
  gboolean ok;

  if (!hf_json_guard_check_spans (data, length, spans, &problem))
    {
      gboolean refused = line_no
        ? invalid (imp, error, "line %u, column %u: %s", line_no, problem.column, problem.reason)
        : invalid (imp, error, "line %u, column %u: %s", problem.line, problem.column,
                   problem.reason);
      hf_json_problem_clear (&problem);
      return refused;
    }
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    return parse_failed (imp, error, "", line_no, parse_error);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (imp, error, "%s is JSON but not a FHIR resource (not an object)",
                    line_no ? where : "the file");
  /* A file whose first value is JSON but no resource (a Bulk Data client's log) is not FHIR. */
  if (++imp->values == 1 && imp->skippable &&
      !json_object_has_member (json_node_get_object (root), "resourceType"))
    {
      imp->not_fhir = TRUE;
      return invalid (imp, error, "it is not FHIR");
    }
  imp->text = data;
  imp->spans = spans;
  ok = import_value (imp, json_node_get_object (root), where, -1, data, length, offset, error);
  imp->text = NULL;
  imp->spans = NULL;
  return ok;
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
too_big_document (Import  *imp,
                  GError **error)
{
  return invalid (imp, error, "the file is larger than the limit of 1 GiB for one JSON "
                  "document (split it, or export it as NDJSON)");
}

/* NDJSON lines from TEXT, a whole input read into memory. */
static gboolean
import_lines (Import      *imp,
              JsonParser  *parser,
              const char  *text,
              gsize        length,
              GError     **error)
{
  gsize start = 0;
  guint line_no = 0;

  while (start < length)
    {
      const char *nl = memchr (text + start, '\n', length - start);
      gsize end = nl != NULL ? (gsize) (nl - text) : length;
      gsize n = end - start;

      line_no++;
      if (n > 0 && text[start + n - 1] == '\r')
        n--;
      if (!is_blank (text + start, n) &&
          !import_text (imp, parser, text + start, n, line_no, end, error))
        return FALSE;
      start = end + 1;
    }
  return TRUE;
}

/* Reads the file open at R: NDJSON a line at a time, or one document whole. */
static gboolean
import_reader (Import          *imp,
               HfImportReader  *r,
               guint64          size,
               GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gboolean ndjson = FALSE;
  guint line_no = 0;

  for (;;)
    {
      gsize max = ndjson ? HF_IMPORT_LINE_MAX : HF_IMPORT_FIRST_LINE_MAX;
      HfImportLine got = _hf_import_reader_line (r, max, imp->display, error);
      const char *line = (const char *) r->line->data;
      gsize length;

      if (got == HF_IMPORT_LINE_ERROR)
        return FALSE;
      if (got == HF_IMPORT_LINE_NONE)
        break;
      line_no++;
      if (got == HF_IMPORT_LINE_TOO_LONG && ndjson)
        return invalid (imp, error, "line %u is longer than the limit of %d MiB for one "
                        "resource", line_no, HF_IMPORT_LINE_MAX / (1024 * 1024));
      length = r->line->len;
      if (got == HF_IMPORT_LINE_READ && length > 0 && line[length - 1] == '\r')
        length--;
      if (got == HF_IMPORT_LINE_READ && is_blank (line, length))
        continue;
      if (!ndjson)
        {
          HfJsonProblem problem = { 0 };
          gboolean whole = got == HF_IMPORT_LINE_READ &&
                           hf_json_guard_check (line, length, &problem);
          gboolean partial = got == HF_IMPORT_LINE_TOO_LONG || (!whole && problem.truncated);

          hf_json_problem_clear (&problem);
          if (partial)
            {
              /* One document spread over lines (or a long one): read it whole. */
              guint skipped = line_no - 1;   /* blank lines before it */
              gboolean too_long;
              const char *nl;

              if (size > HF_IMPORT_MAX_DOCUMENT)
                return too_big_document (imp, error);
              if (got == HF_IMPORT_LINE_READ)
                g_byte_array_append (r->line, (const guint8 *) "\n", 1);
              if (skipped > 0)
                {
                  /* Kept as newlines, so that positions in messages are the file's. */
                  g_autofree guint8 *newlines = g_malloc (skipped);
                  memset (newlines, '\n', skipped);
                  g_byte_array_prepend (r->line, newlines, skipped);
                }
              if (!_hf_import_reader_rest (r, HF_IMPORT_MAX_DOCUMENT, &too_long, imp->display,
                                           error))
                return FALSE;
              if (too_long)
                return too_big_document (imp, error);
              line = (const char *) r->line->data;
              length = r->line->len;
              /* A first NDJSON line too long to tell from a document at first sight. */
              nl = memchr (line + skipped, '\n', length - skipped);
              if (got == HF_IMPORT_LINE_TOO_LONG && nl != NULL &&
                  hf_json_guard_check (line + skipped, nl - (line + skipped), &problem))
                return import_lines (imp, parser, line, length, error);
              hf_json_problem_clear (&problem);
              return import_text (imp, parser, line, length, 0, 0, error);
            }
          ndjson = TRUE;
        }
      if (!import_text (imp, parser, line, length, line_no, r->consumed, error))
        return FALSE;
    }
  if (line_no == 0 || !ndjson)
    return invalid (imp, error, "the file is empty");
  return TRUE;
}

static gboolean
import_file (Import        *imp,
             HfImportFile  *file,
             GBytes        *standard_input,
             GError       **error)
{
  HfImportReader r;
  guint64 size = 0;
  gboolean ok;
  int fd = -1;

  imp->path = file->path;
  g_clear_pointer (&imp->display, g_free);
  g_clear_pointer (&imp->sha256, g_free);
  g_clear_pointer (&imp->origin, g_free);
  g_clear_pointer (&imp->source, g_free);
  imp->display = imp->input_name != NULL ? g_strdup (imp->input_name)
                 : standard_input != NULL ? g_strdup ("standard input")
                                        : g_filename_display_name (file->path);
  imp->origin = g_strdup (file->origin);
  imp->source = g_strdup (file->origin);
  imp->provenance_id = 0;
  imp->skippable = file->in_folder && standard_input == NULL;
  imp->not_fhir = FALSE;
  imp->values = 0;
  g_clear_pointer (&imp->what, g_free);
  g_hash_table_remove_all (imp->file_counts);

  if (imp->skippable && _hf_import_is_not_fhir_text (file->path))
    {
      imp->not_fhir = TRUE;
      return TRUE;
    }

  if (standard_input == NULL &&
      (fd = _hf_import_open_regular (file->path, imp->display, &size, error)) < 0)
    return FALSE;
  if (standard_input != NULL)
    size = g_bytes_get_size (standard_input);
  if (imp->progress != NULL)
    imp->progress (file->path, imp->resources, imp->bytes_before, imp->bytes_total,
                   imp->progress_data);

  _hf_import_reader_init (&r, fd, standard_input);
  ok = import_reader (imp, &r, size, error) && flush (imp, error);
  if (!ok && imp->not_fhir)
    {
      g_clear_error (error);
      _hf_import_reader_clear (&r);
      imp->bytes_before += size;
      return TRUE;
    }
  if (ok)
    {
      imp->sha256 = g_strdup (g_checksum_get_string (r.sum));
      imp->bytes_before += size;
      ok = finish_provenance (imp, error);
    }
  _hf_import_reader_clear (&r);
  return ok;
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
                          G_GUINT64_FORMAT " deleted, %" G_GUINT64_FORMAT " unchanged",
                          result->files, result->files == 1 ? "" : "s", result->added,
                          result->updated, result->history, result->deleted,
                          result->unchanged);
  for (GList *l = types; l != NULL; l = l->next)
    g_string_append_printf (s, "%s%s %u", l == types ? "; " : ", ", (char *) l->data,
                            GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type, l->data)));
  if (result->left_out > 0)
    g_string_append_printf (s, "; %" G_GUINT64_FORMAT " records of other people left out",
                            result->left_out);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

#define MAX_BAD_NAMED 10

/* The refusal of an import with several bad files: each named, with what is wrong in it. */
static char *
several_bad (GPtrArray *bad,
             GPtrArray *bad_what)
{
  GString *s = g_string_new (NULL);
  guint named = MIN (bad->len, MAX_BAD_NAMED);

  g_string_printf (s, "Cannot import %u of the files: ", bad->len);
  for (guint i = 0; i < named; i++)
    g_string_append_printf (s, "%s“%s”: %s", i == 0 ? "" : "; ",
                            (char *) g_ptr_array_index (bad, i),
                            (char *) g_ptr_array_index (bad_what, i));
  if (bad->len > named)
    g_string_append_printf (s, "; and %u more", bad->len - named);
  g_string_append (s, "; nothing was imported.");
  return g_string_free (s, FALSE);
}

/* {{{ one person per vault */

#define MAX_NAMED_PEOPLE 20

static gboolean
vault_has_patient (Import      *imp,
                   const char  *fhir_id,
                   gboolean    *found,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (imp->db, fhir_id != NULL
                               ? "SELECT 1 FROM resource WHERE resource_type = 'Patient' AND "
                                 "fhir_id = ?1 LIMIT 1"
                               : "SELECT 1 FROM resource WHERE resource_type = 'Patient' LIMIT 1",
                               -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      if (fhir_id != NULL)
        sqlite3_bind_text (stmt, 1, fhir_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (imp->db, rc, "reading records", error);
  *found = rc == SQLITE_ROW;
  return TRUE;
}

/* What the refusal sentences say holds the other record. */
static const char *
what_holds (Import *imp)
{
  return imp->result->files > 1 ? "These files hold" : "This file holds";
}

static gboolean
refuse_several (Import      *imp,
                GPtrArray   *unnamed,
                GError     **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint total = imp->people->len + unnamed->len;
  guint shown = 0;

  g_string_printf (s, "%s the records of %u people (", what_holds (imp), total);
  for (guint i = 0; i < imp->people->len && shown < MAX_NAMED_PEOPLE; i++, shown++)
    {
      InputPerson *ip = g_ptr_array_index (imp->people, i);
      g_autofree char *who = hf_person_describe (ip->person);
      g_autofree char *unnamed_as = g_strdup_printf ("Patient %s",
                                                     (char *) g_ptr_array_index (ip->ids, 0));

      /* A Patient without a name is named by its id already. */
      if (g_str_equal (who, unnamed_as))
        g_string_append_printf (s, "%s%s", shown ? "; " : "", who);
      else
        g_string_append_printf (s, "%s%s, %s", shown ? "; " : "", who, unnamed_as);
    }
  for (guint i = 0; i < unnamed->len && shown < MAX_NAMED_PEOPLE; i++, shown++)
    g_string_append_printf (s, "%sPatient %s, not in the file", shown ? "; " : "",
                            (char *) g_ptr_array_index (unnamed, i));
  if (total > shown)
    g_string_append_printf (s, "; and %u more", total - shown);
  g_string_append (s, "), and a vault holds one person’s record: import one of them with "
                   "--person ID, or each into a vault of their own; nothing was imported.");
  g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT, s->str);
  return FALSE;
}

/* Records that the import took OTHER to be the vault's PERSON: in its provenance rows and the
 * activity log. */
static gboolean
record_same_person (Import          *imp,
                    const HfPerson  *other,
                    const HfPerson  *person,
                    GError         **error)
{
  g_autofree char *theirs = hf_person_describe (other);
  g_autofree char *ours = hf_person_describe (person);
  g_autofree char *decision = g_strdup_printf ("%s taken to be %s by %s (--same-person)",
                                               theirs, ours,
                                               hf_vault_get_member_name (imp->vault));
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (imp->first_provenance != 0)
    {
      rc = sqlite3_prepare_v2 (imp->db, "UPDATE provenance SET same_person = ? WHERE id >= ?",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, decision, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, imp->first_provenance);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return _hf_db_fail (imp->db, rc, "recording provenance", error);
    }
  return _hf_audit_append (imp->db, _hf_vault_get_audit_key (imp->vault),
                           hf_vault_get_member_name (imp->vault), "same-person", decision,
                           error);
}

/* Before the import commits: the input holds one person, the vault's (or the vault's first). */
static gboolean
check_people (Import  *imp,
              GError **error)
{
  const char *only = imp->options != NULL ? imp->options->person : NULL;
  gboolean same_person = imp->options != NULL && imp->options->same_person;
  g_autoptr(GPtrArray) unnamed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HfPerson) person = NULL;
  g_autoptr(GList) refs = NULL;
  InputPerson *input = NULL;
  gboolean known;

  if (!_hf_person_load (imp->db, &person, error))
    return FALSE;

  /* Patients records are about, that the input does not hold and the vault does not know. */
  refs = g_list_sort (g_hash_table_get_keys (imp->referenced), (GCompareFunc) strcmp);
  for (GList *l = refs; l != NULL; l = l->next)
    {
      if (g_hash_table_contains (imp->patient_person, l->data) ||
          g_hash_table_contains (imp->anonymous, l->data))
        continue;
      if (!vault_has_patient (imp, l->data, &known, error))
        return FALSE;
      if (!known)
        g_ptr_array_add (unnamed, g_strdup (l->data));
    }

  if (only != NULL)
    {
      input = g_hash_table_lookup (imp->patient_person, only);
      known = g_hash_table_contains (imp->anonymous, only);
      if (input == NULL && !known && !vault_has_patient (imp, only, &known, error))
        return FALSE;
      if (input == NULL && !known)
        {
          g_autofree char *shown = g_utf8_make_valid (only, MIN (strlen (only), 64));
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "There is no Patient “%s” in the files to import or in this vault; "
                       "check the id after --person; nothing was imported.", shown);
          return FALSE;
        }
    }
  else
    {
      /* The vault's person under several Patients (linked before, or matching) is one. */
      InputPerson *ours = NULL;
      guint others = 0;

      for (guint i = 0; i < imp->people->len; i++)
        {
          InputPerson *ip = g_ptr_array_index (imp->people, i);
          if (person != NULL && (ip->in_vault || hf_person_matches (person, ip->person)))
            ours = ip;
          else
            {
              others++;
              input = ip;
            }
        }
      if ((ours != NULL) + others + unnamed->len > 1)
        return refuse_several (imp, unnamed, error);
      if (input == NULL)
        input = ours;
    }

  if (input != NULL)
    {
      if (person == NULL)
        return _hf_person_store (imp->db, input->person, error);
      if (!input->in_vault && !hf_person_matches (person, input->person))
        {
          if (!same_person)
            {
              _hf_person_set_mismatch (error, what_holds (imp), input->person, person, NULL);
              return FALSE;
            }
          if (!record_same_person (imp, input->person, person, error))
            return FALSE;
        }
      _hf_person_merge (person, input->person);
      return _hf_person_store (imp->db, person, error);
    }

  /* Records about one Patient the vault does not know, without their Patient: someone else
   * when the vault holds its person's Patient under another id. */
  if (unnamed->len == 1 && person != NULL)
    {
      g_autoptr(HfPerson) other = NULL;
      g_autofree char *name = NULL;

      if (!vault_has_patient (imp, NULL, &known, error))
        return FALSE;
      if (!known)
        return TRUE;
      name = g_strdup_printf ("Patient %s, whose Patient record is not in %s",
                              (char *) g_ptr_array_index (unnamed, 0),
                              imp->result->files > 1 ? "them" : "it");
      other = hf_person_new (name, NULL);
      if (!same_person)
        {
          _hf_person_set_mismatch (error, what_holds (imp), other, person, NULL);
          return FALSE;
        }
      return record_same_person (imp, other, person, error);
    }
  return TRUE;
}

/* }}} */

gboolean
hf_vault_import_files (HfVault               *vault,
                       const char * const    *paths,
                       HfImportProgressFunc   progress,
                       gpointer               user_data,
                       GCancellable          *cancellable,
                       HfImportResult       **out,
                       GError               **error)
{
  return hf_vault_import_files_with (vault, paths, NULL, progress, user_data, cancellable, out,
                                     error);
}

/* INPUT (may be NULL): what "-" reads instead of standard input, shown as INPUT_NAME, its
 * source INPUT_ORIGIN. OUT_PROVENANCE: the first provenance row the import wrote, or 0. */
static gboolean
import_run (HfVault                *vault,
            const char * const     *paths,
            const HfImportOptions  *options,
            const HfImportDocument *docs,
            guint                   n_docs,
            HfImportStoredFunc      stored,
            gpointer                stored_data,
            HfImportProgressFunc    progress,
            gpointer                user_data,
            GCancellable           *cancellable,
            HfImportResult        **out,
            gint64                 *out_provenance,
            GError                **error)
{
  g_autoptr(GPtrArray) files =
    g_ptr_array_new_with_free_func ((GDestroyNotify) _hf_import_file_free);
  g_autoptr(GHashTable) folders_seen =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GBytes) standard_input = NULL;
  g_autoptr(HfImportResult) result = g_new0 (HfImportResult, 1);
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) bad_what = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) first_error = NULL;
  g_autofree char *message = NULL;
  Import imp = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail ((paths != NULL) != (docs != NULL), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "import records", error))
    return FALSE;
  /* Documents in memory: each is a file "-" of its own, read from its bytes. */
  for (guint i = 0; docs != NULL && i < n_docs; i++)
    {
      HfImportFile *f;

      g_return_val_if_fail (docs[i].bytes != NULL && docs[i].name != NULL
                            && docs[i].origin != NULL, FALSE);
      if (!_hf_import_collect ("-", files, folders_seen, error))
        return FALSE;
      f = g_ptr_array_index (files, files->len - 1);
      g_free (f->origin);
      f->origin = g_strdup (docs[i].origin);
    }
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      if (g_str_equal (paths[i], "-") && standard_input != NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Standard input (“-”) can be read only once; nothing was imported.");
          return FALSE;
        }
      if (!_hf_import_collect (paths[i], files, folders_seen, error))
        return FALSE;
      if (g_str_equal (paths[i], "-"))
        {
          HfImportFile *f = g_ptr_array_index (files, files->len - 1);
          g_autofree char *sum = NULL;

          standard_input = _hf_import_read_standard_input (error);
          if (standard_input == NULL)
            return FALSE;
          /* Its own source, named by its content: the same text twice is the same source. */
          sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, standard_input);
          g_free (f->origin);
          f->origin = g_strconcat ("stdin:", sum, NULL);
        }
    }
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
  imp.pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  imp.pending_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.vocab_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.vocab_new = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.options = options;
  imp.people = g_ptr_array_new_with_free_func ((GDestroyNotify) input_person_free);
  imp.patient_person = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.anonymous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  imp.referenced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < files->len; i++)
    {
      HfImportFile *f = g_ptr_array_index (files, i);
      GStatBuf st;

      if (docs != NULL)
        imp.bytes_total += g_bytes_get_size (docs[i].bytes);
      else if (g_str_equal (f->path, "-"))
        imp.bytes_total += g_bytes_get_size (standard_input);
      else if (g_stat (f->path, &st) == 0)
        imp.bytes_total += st.st_size;
    }

  /* A bigger page cache while importing: the indexes keyed by id and identifier take new
   * rows all over, and every page read again is decrypted again. 32 MiB was the best of
   * 2, 32 and 64 on 100,000 resources (22 % faster; RSS 52 MB). Restored afterwards. */
  sqlite3_exec (imp.db, "PRAGMA cache_size = -" G_STRINGIFY (IMPORT_CACHE_KIB), NULL, NULL,
                NULL);
  if (!prepare (&imp, error) || !_hf_db_begin (imp.db, error))
    goto out;
  if (!read_next_id (&imp, error))
    {
      _hf_db_rollback (imp.db);
      goto out;
    }
  for (guint i = 0; i < files->len; i++)
    {
      HfImportFile *f = g_ptr_array_index (files, i);
      g_autoptr(GError) file_error = NULL;

      /* A bad file is rolled back alone and the rest are still read, so that the refusal
       * names every bad file; nothing is kept of any. Errors other than bad input (the
       * disk, a cancel) stop at once. */
      if (!_hf_db_exec (imp.db, "SAVEPOINT hf_import_file", error))
        {
          _hf_db_rollback (imp.db);
          goto out;
        }
      GBytes *bytes = docs != NULL ? docs[i].bytes
                      : g_str_equal (f->path, "-") ? standard_input : NULL;
      gboolean file_ok;

      imp.input_name = docs != NULL ? docs[i].name : NULL;
      file_ok = import_file (&imp, f, bytes, &file_error);
      /* What is recorded about a document (its signature) joins its records' transaction. */
      if (file_ok && stored != NULL && first_error == NULL &&
          !stored (vault, i, imp.provenance_id, stored_data, error))
        {
          _hf_db_rollback (imp.db);
          goto out;
        }
      if (!file_ok)
        {
          if (!g_error_matches (file_error, HF_ERROR, HF_ERROR_INVALID_INPUT) ||
              !_hf_db_exec (imp.db, "ROLLBACK TO hf_import_file", NULL))
            {
              g_propagate_error (error, g_steal_pointer (&file_error));
              _hf_db_rollback (imp.db);
              goto out;
            }
          g_ptr_array_set_size (imp.pending, 0);
          g_hash_table_remove_all (imp.pending_keys);
          imp.pending_bytes = 0;
          g_ptr_array_add (bad, g_strdup (imp.display));
          g_ptr_array_add (bad_what, imp.what != NULL ? g_strdup (imp.what)
                                                      : g_strdup (file_error->message));
          if (first_error == NULL)
            first_error = g_steal_pointer (&file_error);
        }
      if (!_hf_db_exec (imp.db, "RELEASE hf_import_file", error))
        {
          _hf_db_rollback (imp.db);
          goto out;
        }
      if (imp.not_fhir)
        {
          if (result->skipped == NULL)
            result->skipped = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (result->skipped, g_strdup (imp.display));
        }
      else if (first_error == NULL)
        result->files++;
    }
  if (first_error != NULL)
    {
      _hf_db_rollback (imp.db);
      if (bad->len == 1)
        g_propagate_error (error, g_steal_pointer (&first_error));
      else
        g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                             (message = several_bad (bad, bad_what)));
      goto out;
    }
  if (!check_people (&imp, error))
    {
      _hf_db_rollback (imp.db);
      goto out;
    }
  if (result->added + result->updated + result->history + result->deleted > 0)
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
  if (out_provenance != NULL)
    *out_provenance = imp.first_provenance;

out:
  finalize_statements (&imp);
  sqlite3_exec (imp.db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);   /* SQLite's own */
  g_free (imp.display);
  g_free (imp.origin);
  g_free (imp.source);
  g_free (imp.sha256);
  g_free (imp.what);
  g_hash_table_unref (imp.file_counts);
  g_hash_table_unref (imp.rewrite);
  g_hash_table_unref (imp.names);
  g_hash_table_unref (imp.db_names);
  g_ptr_array_unref (imp.pending);
  g_hash_table_unref (imp.pending_keys);
  g_hash_table_unref (imp.vocab_seen);
  g_hash_table_unref (imp.vocab_new);
  g_ptr_array_unref (imp.people);
  g_hash_table_unref (imp.patient_person);
  g_hash_table_unref (imp.anonymous);
  g_hash_table_unref (imp.referenced);
  return ok;
}

gboolean
hf_vault_import_files_with (HfVault                *vault,
                            const char * const     *paths,
                            const HfImportOptions  *options,
                            HfImportProgressFunc    progress,
                            gpointer                user_data,
                            GCancellable           *cancellable,
                            HfImportResult        **out,
                            GError                **error)
{
  return import_run (vault, paths, options, NULL, 0, NULL, NULL, progress, user_data, cancellable,
                     out, NULL, error);
}

gboolean
hf_vault_import_bytes (HfVault                *vault,
                       GBytes                 *input,
                       const char             *name,
                       const char             *origin,
                       const HfImportOptions  *options,
                       GCancellable           *cancellable,
                       HfImportResult        **out,
                       gint64                 *out_provenance,
                       GError                **error)
{
  HfImportDocument doc = { input, name, origin };

  g_return_val_if_fail (input != NULL && name != NULL && origin != NULL, FALSE);

  if (out_provenance != NULL)
    *out_provenance = 0;
  return import_run (vault, NULL, options, &doc, 1, NULL, NULL, NULL, NULL, cancellable, out,
                     out_provenance, error);
}

gboolean
hf_vault_import_documents (HfVault                 *vault,
                           const HfImportDocument  *docs,
                           guint                    n,
                           const HfImportOptions   *options,
                           HfImportStoredFunc       stored,
                           gpointer                 user_data,
                           GCancellable            *cancellable,
                           HfImportResult         **out,
                           GError                 **error)
{
  g_return_val_if_fail (docs != NULL && n > 0, FALSE);

  return import_run (vault, NULL, options, docs, n, stored, user_data, NULL, NULL, cancellable,
                     out, NULL, error);
}

/* {{{ batches: the storing path for resources fetched by a source's sync */

struct _HfImportBatch
{
  Import          imp;
  HfImportResult *result;
  gboolean        fresh;          /* a new transaction: resource ids are read again */
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
  batch->fresh = TRUE;
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
  batch->imp.pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  batch->imp.pending_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  batch->imp.vocab_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  batch->imp.vocab_new = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!prepare (&batch->imp, error))
    return NULL;
  return g_steal_pointer (&batch);
}

gboolean
_hf_import_batch_add (HfImportBatch  *batch,
                      JsonObject     *resource,
                      const char     *text,
                      gsize           length,
                      const char     *where,
                      GError        **error)
{
  const char *type;
  g_autofree char *id = NULL;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (batch->fresh)
    {
      /* Names cached from a rolled-back page could be stale; they are cheap to look up
       * again. Ids are handed out inside the transaction. */
      g_hash_table_remove_all (batch->imp.db_names);
      if (!read_next_id (&batch->imp, error))
        return FALSE;
      batch->fresh = FALSE;
    }
  type = checked_type (&batch->imp, resource, where ? where : "the answer", error);
  if (type == NULL)
    return FALSE;
  if (g_str_equal (type, "Bundle"))
    return invalid (&batch->imp, error, "%s is a Bundle inside a search result, which is not "
                    "expected", where ? where : "the answer");
  if (!text_holds (text, length, resource))
    return invalid (&batch->imp, error, "%s could not be told apart from another entry in the "
                    "answer", where ? where : "the answer");
  id = resource_id (resource, NULL, text, length);
  return store_resource (&batch->imp, resource, type, id, trimmed_copy (text, length), error);
}

gboolean
_hf_import_batch_flush (HfImportBatch  *batch,
                        GError        **error)
{
  g_return_val_if_fail (batch != NULL, FALSE);

  batch->fresh = TRUE;
  return flush (&batch->imp, error);
}

void
_hf_import_batch_discard (HfImportBatch *batch)
{
  g_return_if_fail (batch != NULL);

  g_ptr_array_set_size (batch->imp.pending, 0);
  g_hash_table_remove_all (batch->imp.pending_keys);
  /* The rolled-back words may be missing from search_vocab: write them again when met. */
  g_hash_table_remove_all (batch->imp.vocab_seen);
  g_hash_table_remove_all (batch->imp.vocab_new);
  batch->imp.pending_bytes = 0;
  batch->fresh = TRUE;
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
  g_clear_pointer (&batch->imp.pending, g_ptr_array_unref);
  g_clear_pointer (&batch->imp.pending_keys, g_hash_table_unref);
  g_clear_pointer (&batch->imp.vocab_seen, g_hash_table_unref);
  g_clear_pointer (&batch->imp.vocab_new, g_hash_table_unref);
  hf_import_result_free (batch->result);
  g_free (batch);
}

/* }}} */
