/* hf-vault.c — an encrypted vault: a SQLCipher database and its keyring
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change to the keyring is a transition from generation g to g + 1:
 *
 *   1. the new keyring is written atomically beside the old one as NAME.hfkeys.next;
 *   2. when the data key changes, the database is re-keyed (one SQLCipher transaction);
 *   3. the database's mirror of the generation is set to g + 1 with the activity-log entry,
 *      in one transaction: the commit point (for a re-key, step 2 already was);
 *   4. the .next file is renamed over NAME.hfkeys.
 *
 * Opening resolves whatever a crash left: the keyring whose key opens the database and whose
 * generation matches the database's wins. A keyring older than the database, or a database
 * older than the keyring, is a rollback and refused. Every unlock is itself a transition (the
 * generation moves on), so an older copy of either file from any earlier session is caught.
 * Transitions are serialised between processes by flock() on the database file, which does
 * not interact with SQLite's own fcntl() locks.
 *
 * The commit of step 3 also stores the new keyring's bytes in the database ("keyring" in the
 * meta table), authenticated with everything else by SQLCipher. The keyring's own MAC says
 * only that the file changed; that copy says what changed, and lets the next member who
 * unlocks restore it. A slot is bound to its metadata by its AEAD, which fails the same way for
 * a wrong passphrase as for an altered role or vault id: the member whose slot was altered
 * cannot be told more than "wrong passphrase or altered slot", but any other member's unlock
 * finds the alteration, logs it and restores the slot.
 */

#include "hf-vault-private.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-audit.h"
#include "hf-error.h"
#include "hf-keyring-private.h"

#define RECOVERY_CODE_BYTES 20   /* 160 bits, 32 base32 characters */

struct _HfVault
{
  GObject    parent_instance;

  char      *path;
  char      *keyring_path;
  char      *next_path;

  sqlite3   *db;
  HfSecret  *data_key;
  HfSecret  *audit_key;
  HfKeyring *keyring;
  char      *member;
  HfRole     role;
  char      *keyring_repair;   /* what this unlock found altered in the keyring and restored */
};

G_DEFINE_FINAL_TYPE (HfVault, hf_vault, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_MEMBER_NAME,
  PROP_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* {{{ paths */

char *
hf_vault_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "healthfolio", "vaults", NULL);
}

char *
hf_vault_keyring_path (const char *vault_path)
{
  if (g_str_has_suffix (vault_path, ".hfvault"))
    {
      g_autofree char *stem = g_strndup (vault_path, strlen (vault_path) - strlen (".hfvault"));
      return g_strconcat (stem, ".hfkeys", NULL);
    }
  return g_strconcat (vault_path, ".hfkeys", NULL);
}

char *
hf_vault_dup_display_name (const char *vault_path)
{
  g_autofree char *base = g_path_get_basename (vault_path);

  if (g_str_has_suffix (base, ".hfvault"))
    base[strlen (base) - strlen (".hfvault")] = '\0';
  return g_steal_pointer (&base);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
hf_vault_list_paths (const char *dir)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return g_steal_pointer (&paths);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      if (g_str_has_suffix (name, ".hfvault") && strlen (name) > strlen (".hfvault"))
        g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
    }
  g_ptr_array_sort (paths, compare_paths);
  return g_steal_pointer (&paths);
}

/* $HEALTHFOLIO_VAULT, else default.hfvault in the default folder, else the only vault there. */
char *
hf_vault_default_path (GError **error)
{
  const char *env = g_getenv ("HEALTHFOLIO_VAULT");
  g_autofree char *dir = NULL;
  g_autofree char *fallback = NULL;
  g_autoptr(GPtrArray) all = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  dir = hf_vault_default_dir ();
  fallback = g_build_filename (dir, "default.hfvault", NULL);
  if (g_file_test (fallback, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&fallback);

  all = hf_vault_list_paths (dir);
  if (all->len == 1)
    return g_strdup (g_ptr_array_index (all, 0));
  if (all->len > 1)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "There are %u vaults in %s; choose one with --vault or HEALTHFOLIO_VAULT.",
                   all->len, dir);
      return NULL;
    }
  return g_steal_pointer (&fallback);
}

/* }}} */

/* {{{ recovery codes */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* 32 Crockford base32 characters in groups of four: easy to write down, 160 bits. */
static HfSecret *
recovery_code_new (void)
{
  g_autoptr(HfSecret) raw = hf_secret_new_random (RECOVERY_CODE_BYTES);
  g_autoptr(HfSecret) code = hf_secret_new (32 + 7);
  const guint8 *in = hf_secret_peek (raw);
  char *out = (char *) hf_secret_get_data (code);
  guint bits = 0, acc = 0, n = 0;

  for (guint i = 0; i < RECOVERY_CODE_BYTES; i++)
    {
      acc = (acc << 8) | in[i];
      bits += 8;
      while (bits >= 5)
        {
          if (n > 0 && n % 4 == 0)
            *out++ = '-';
          *out++ = crockford[(acc >> (bits - 5)) & 31];
          bits -= 5;
          n++;
        }
    }
  acc = 0;
  return g_steal_pointer (&code);
}

/* Upper case, without separators; O reads as 0 and I, L as 1, as Crockford intends. */
char *
hf_recovery_code_normalize (const char *code)
{
  /* Sized once, so no reallocation leaves a copy of the code behind. */
  GString *s = g_string_sized_new (strlen (code) + 1);

  for (const char *p = code; *p; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || g_ascii_isspace (c))
        continue;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      g_string_append_c (s, c);
    }
  return g_string_free (s, FALSE);
}

static HfSecret *
recovery_secret (const HfSecret *typed)
{
  char *norm = hf_recovery_code_normalize (hf_secret_get_string (typed));
  HfSecret *secret = hf_secret_new_from_data (norm, strlen (norm));

  sodium_memzero (norm, strlen (norm));
  g_free (norm);
  return secret;
}

/* }}} */

/* {{{ database */

static HfSecret *
key_hex (const HfSecret *data_key)
{
  /* SQLCipher's raw-key form x'<64 hex>': the key is used as is, with no PBKDF2. */
  g_autoptr(HfSecret) hex = hf_secret_new (3 + 2 * HF_DATA_KEY_SIZE);
  char *p = (char *) hf_secret_get_data (hex);

  p[0] = 'x';
  p[1] = '\'';
  sodium_bin2hex (p + 2, 2 * HF_DATA_KEY_SIZE + 1, hf_secret_peek (data_key), HF_DATA_KEY_SIZE);
  p[2 + 2 * HF_DATA_KEY_SIZE] = '\'';
  return g_steal_pointer (&hex);
}

static void
db_close (sqlite3 **db)
{
  if (*db != NULL)
    {
      sqlite3_close_v2 (*db);
      *db = NULL;
    }
}

static gboolean
db_pragmas (sqlite3  *db,
            GError  **error)
{
  /* With our allocator SQLite's memory is locked, kept out of core dumps and wiped already
   * (hf-db-memory.c); without it, SQLCipher does that per allocation. */
  if (!_hf_db_exec (db, _hf_db_memory_is_installed () ? "PRAGMA cipher_memory_security = OFF;"
                                                      : "PRAGMA cipher_memory_security = ON;",
                    error))
    return FALSE;
  return _hf_db_exec (db,
                      "PRAGMA temp_store = MEMORY;"
                      "PRAGMA secure_delete = ON;"
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = FULL;"
                      "PRAGMA foreign_keys = ON;",
                      error);
}

/* Opens the database with a key. Returns FALSE with *refused set when the key does not open it
 * (a wrong key, or page 1 damaged), FALSE with @error for anything else. */
static gboolean integrity_error (sqlite3  *db,
                                 GError  **error);

static gboolean
db_open (const char      *path,
         const HfSecret  *data_key,
         gboolean         create,
         sqlite3        **out,
         gboolean        *refused,
         GError         **error)
{
  g_autoptr(HfSecret) hex = key_hex (data_key);
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_PRIVATECACHE | SQLITE_OPEN_FULLMUTEX;
  int rc;

  *refused = FALSE;
  if (create)
    flags |= SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, HF_ERROR, rc == SQLITE_CANTOPEN ? HF_ERROR_NOT_FOUND : HF_ERROR_FAILED,
                   "Could not open the vault “%s”: %s.", path,
                   db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      db_close (&db);
      return FALSE;
    }
  sqlite3_extended_result_codes (db, 1);
  rc = sqlite3_key (db, hf_secret_peek (hex), hf_secret_get_size (hex));
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "setting the key", error);
      db_close (&db);
      return FALSE;
    }

  /* SQLCipher logs page failures to stderr; the errors below say it in words instead. */
  sqlite3_exec (db, "PRAGMA cipher_log_level = NONE", NULL, NULL, NULL);

  rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  if ((rc & 0xff) == SQLITE_NOTADB)
    {
      *refused = TRUE;
      db_close (&db);
      return FALSE;
    }
  if (rc != SQLITE_OK || !db_pragmas (db, error))
    {
      /* A damaged schema page: the page check names it. */
      if (rc != SQLITE_OK && integrity_error (db, error))
        _hf_db_fail (db, rc, "reading the schema", error);
      db_close (&db);
      return FALSE;
    }

  *out = db;
  return TRUE;
}

static gboolean
meta_get_int (sqlite3     *db,
              const char  *key,
              gint64      *value,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_INTEGER)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      return TRUE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the vault's metadata", error);
  g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
               "The vault's metadata lacks “%s”: the database is damaged or is not a "
               "Healthfolio vault.", key);
  return FALSE;
}

static gboolean
meta_get_blob (sqlite3     *db,
               const char  *key,
               guint8      *value,
               gsize        size,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_BLOB &&
      (gsize) sqlite3_column_bytes (stmt, 0) == size)
    {
      memcpy (value, sqlite3_column_blob (stmt, 0), size);
      sqlite3_finalize (stmt);
      return TRUE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the vault's metadata", error);
  g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
               "The vault's metadata lacks “%s”: the database is damaged or is not a "
               "Healthfolio vault.", key);
  return FALSE;
}

static gboolean
meta_set (sqlite3       *db,
          const char    *key,
          gint64         int_value,
          gconstpointer  blob,
          gsize          blob_size,
          GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1, &stmt,
                      NULL);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (blob != NULL)
    sqlite3_bind_blob (stmt, 2, blob, blob_size, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 2, int_value);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "writing the vault's metadata", error);
  return TRUE;
}

/* {{{ schema migrations */

static gboolean
migrate_v1 (sqlite3  *db,
            GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE meta ("
    "  key   TEXT PRIMARY KEY NOT NULL,"
    "  value"
    ") WITHOUT ROWID;"
    "CREATE TABLE audit ("
    "  seq    INTEGER PRIMARY KEY,"
    "  time   INTEGER NOT NULL,"
    "  actor  TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT '',"
    "  mac    BLOB NOT NULL"
    ");"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE (ABORT, 'the activity log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE (ABORT, 'the activity log is append-only'); END;",
    error);
}

/* The schema is one number for the whole vault (user_version), so that a vault says at once
 * what it holds; each layer above owns its own tables and migrations and hands them to the
 * vault here, in layer order, from hf_core_init(). migrations[i] migrates user_version i to
 * i + 1. New migrations are appended, never edited. */
#define MAX_MIGRATIONS 64

static HfMigrateFunc migrations[MAX_MIGRATIONS] = { migrate_v1 };
static int n_migrations = 1;

void
_hf_vault_add_migration (int           version,
                         HfMigrateFunc migrate)
{
  g_return_if_fail (migrate != NULL);
  /* Registered once each, in order: a gap or a repeat is a programming error. */
  g_return_if_fail (version == n_migrations + 1);
  g_return_if_fail (n_migrations < MAX_MIGRATIONS);

  migrations[n_migrations++] = migrate;
}

#define SCHEMA_VERSION n_migrations

static gboolean
db_migrate (sqlite3  *db,
            GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (n_migrations == 1)
    {
      /* Only the vault's own tables: no layer above has added its own. */
      g_critical ("hf_core_init() must be called before a vault is created or opened");
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "This program cannot open vaults (it was built without its records).");
      return FALSE;
    }
  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return _hf_db_fail (db, sqlite3_errcode (db), "reading the schema version", error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "This vault was written by a newer version of Healthfolio (schema %d; this "
                   "version knows up to %d). Update Healthfolio to open it.",
                   version, SCHEMA_VERSION);
      return FALSE;
    }

  for (int v = version; v < SCHEMA_VERSION; v++)
    {
      g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (!_hf_db_begin (db, error))
        return FALSE;
      if (!migrations[v] (db, error) || !_hf_db_exec (db, set, error) ||
          !_hf_db_commit (db, error))
        {
          _hf_db_rollback (db);
          g_prefix_error (error, "Upgrading the vault to schema %d failed; it is unchanged: ",
                          v + 1);
          return FALSE;
        }
    }
  return TRUE;
}

int
_hf_vault_schema_version (void)
{
  return SCHEMA_VERSION;
}

/* }}} */

/* {{{ integrity checks */

/* Up to eight numbers as "6, 7 and 8", with how many more. */
static char *
format_numbers (GArray *numbers)
{
  GString *s = g_string_new (NULL);
  guint shown = MIN (numbers->len, 8);

  for (guint i = 0; i < shown; i++)
    {
      if (i > 0)
        g_string_append (s, i + 1 == shown && shown == numbers->len ? " and " : ", ");
      g_string_append_printf (s, "%u", g_array_index (numbers, guint, i));
    }
  if (numbers->len > shown)
    g_string_append_printf (s, " and %u more", numbers->len - shown);
  return g_string_free (s, FALSE);
}

static void
add_unique (GArray *numbers,
            guint   n)
{
  for (guint i = 0; i < numbers->len; i++)
    if (g_array_index (numbers, guint, i) == n)
      return;
  g_array_append_val (numbers, n);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* The number after WORD in LINE ("page 6", "Tree 5"), if any. */
static gboolean
number_after (const char *line,
              const char *word,
              guint      *out)
{
  const char *p = strstr (line, word);
  guint64 v;
  char *end;

  if (p == NULL)
    return FALSE;
  p += strlen (word);
  v = g_ascii_strtoull (p, &end, 10);
  if (end == p || v > G_MAXUINT)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* What the b-trees SQLite names by their root page are: tables and indexes by name, when the
 * schema can still be read. */
static char *
describe_trees (sqlite3 *db,
                GArray  *roots,
                GPtrArray *indexes)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) unnamed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) s = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  for (guint i = 0; i < roots->len; i++)
    {
      guint root = g_array_index (roots, guint, i);
      char *name = NULL;

      if (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE rootpage = ?", -1, &stmt,
                              NULL) == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, root);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
      if (name != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, name);
      else if (name == NULL)
        add_unique (unnamed, root);
      else
        g_free (name);
    }
  for (guint i = 0; i < indexes->len; i++)
    if (!g_ptr_array_find_with_equal_func (names, g_ptr_array_index (indexes, i), g_str_equal,
                                           NULL))
      g_ptr_array_add (names, g_strdup (g_ptr_array_index (indexes, i)));

  for (guint i = 0; i < names->len && i < 8; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", (char *) g_ptr_array_index (names, i));
  if (names->len > 8)
    g_string_append_printf (s, " and %u more", names->len - 8);
  if (unnamed->len > 0)
    {
      g_autofree char *list = NULL;

      g_array_sort (unnamed, compare_uint);
      list = format_numbers (unnamed);
      g_string_append_printf (s, "%sthe b-tree%s at page%s %s", s->len > 0 ? "; " : "",
                              unnamed->len == 1 ? "" : "s", unnamed->len == 1 ? "" : "s", list);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* SQLCipher's check of every page's HMAC, then SQLite's check of the b-trees. PROBLEMS gets
 * one sentence per check that failed, saying how many problems and where; DETAILS, if given,
 * the checks' own lines, which can run to hundreds for a few damaged pages. */
static void
db_integrity_check (sqlite3   *db,
                    guint     *pages,
                    GPtrArray *problems,
                    GPtrArray *details)
{
  g_autoptr(GArray) bad_pages = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) roots = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) indexes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *first_structure = NULL;
  g_autofree char *stopped = NULL;
  sqlite3_stmt *stmt = NULL;
  guint structure = 0;
  int rc;

  if (pages != NULL)
    {
      *pages = 0;
      if (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        *pages = sqlite3_column_int (stmt, 0);
      sqlite3_finalize (stmt);
      stmt = NULL;
    }

  /* Every page's HMAC: names the pages that were altered. */
  if (sqlite3_prepare_v2 (db, "PRAGMA cipher_integrity_check", -1, &stmt, NULL) == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *line = (const char *) sqlite3_column_text (stmt, 0);
          guint page;

          if (line == NULL)
            continue;
          if (details != NULL)
            g_ptr_array_add (details, g_strdup (line));
          if (number_after (line, "page ", &page))
            add_unique (bad_pages, page);
          else
            g_ptr_array_add (problems, g_strdup_printf ("Database: %s.", line));
        }
      if (rc != SQLITE_DONE)
        g_ptr_array_add (problems, g_strdup_printf ("Database: the page check stopped: %s.",
                                                    sqlite3_errmsg (db)));
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (bad_pages->len > 0)
    {
      g_autofree char *list = NULL;

      g_array_sort (bad_pages, compare_uint);
      list = format_numbers (bad_pages);
      g_ptr_array_insert (problems, 0, bad_pages->len == 1
        ? g_strdup_printf ("Database: page %s fails its authentication check: it was altered "
                           "or damaged on disk.", list)
        : g_strdup_printf ("Database: %u pages fail their authentication check (pages %s): "
                           "they were altered or damaged on disk.", bad_pages->len, list));
    }

  /* The b-tree structure: SQLite answers "ok", or lines that name b-trees by their root page,
   * pages, and indexes. */
  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, 0);
          g_auto(GStrv) lines = NULL;

          if (text == NULL || g_str_equal (text, "ok"))
            continue;
          lines = g_strsplit (text, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            {
              const char *line = lines[i];
              const char *index;
              guint root;

              if (*line == '\0' || g_str_has_prefix (line, "*** in database"))
                continue;
              if (details != NULL)
                g_ptr_array_add (details, g_strdup (line));
              structure++;
              if (first_structure == NULL)
                first_structure = g_strdup (line);
              if (number_after (line, "Tree ", &root))
                add_unique (roots, root);
              if ((index = strstr (line, "index ")) != NULL)
                {
                  g_autofree char *name = g_strndup (index + 6, strcspn (index + 6, " \t"));
                  if (*name != '\0' &&
                      !g_ptr_array_find_with_equal_func (indexes, name, g_str_equal, NULL))
                    g_ptr_array_add (indexes, g_steal_pointer (&name));
                }
            }
        }
      if (rc != SQLITE_DONE)
        stopped = g_strdup (sqlite3_errmsg (db));
    }
  else
    stopped = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (stmt);

  if (structure == 0 && stopped != NULL)
    g_ptr_array_add (problems, g_strdup_printf ("Database structure: the check could not run: "
                                                "%s.", stopped));
  else if (structure == 1 && stopped == NULL)
    g_ptr_array_add (problems, g_strdup_printf ("Database structure: %s.", first_structure));
  else if (structure > 0)
    {
      g_autofree char *where = describe_trees (db, roots, indexes);
      g_autofree char *then = stopped != NULL
        ? g_strdup_printf (" before it stopped (%s)", stopped) : g_strdup ("");
      /* quick_check stops after 100 problems. */
      const char *least = structure >= 100 ? "at least " : "";

      g_ptr_array_add (problems, *where != '\0'
        ? g_strdup_printf ("Database structure: SQLite's check found %s%u problem%s%s, in %s.",
                           least, structure, structure == 1 ? "" : "s", then, where)
        : g_strdup_printf ("Database structure: SQLite's check found %s%u problem%s%s.",
                           least, structure, structure == 1 ? "" : "s", then));
    }
}

static GPtrArray *
db_integrity_problems (sqlite3 *db)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);

  db_integrity_check (db, NULL, problems, NULL);
  return problems;
}

/* }}} */

/* Whatever the database said, run the page check so the error names what is damaged. */
static gboolean
integrity_error (sqlite3     *db,
                 GError     **error)
{
  g_autoptr(GPtrArray) problems = db_integrity_problems (db);

  if (problems->len == 0)
    return TRUE;
  g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
               "The vault's database is damaged or was modified outside Healthfolio. %s%s "
               "Restore the .hfvault file from a backup.",
               (char *) g_ptr_array_index (problems, 0),
               problems->len > 1 ? " More problems are listed by “healthfolio-cli vault check”."
                                 : "");
  return FALSE;
}

/* A database error during open said only "malformed": name the damaged pages instead. */
static HfVault *
explain_integrity (sqlite3  *db,
                   GError  **error)
{
  g_autoptr(GError) better = NULL;

  if (db != NULL && error != NULL && *error != NULL &&
      g_error_matches (*error, HF_ERROR, HF_ERROR_INTEGRITY) &&
      !integrity_error (db, &better))
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&better));
    }
  return NULL;
}

static gboolean
rekey_db (sqlite3         *db,
          const HfSecret  *new_key,
          GError         **error)
{
  g_autoptr(HfSecret) hex = key_hex (new_key);
  int rc;

  /* SQLCipher re-keys in one transaction, which needs a rollback journal rather than WAL. */
  if (!_hf_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE", error))
    return FALSE;
  rc = sqlite3_rekey (db, hf_secret_peek (hex), hf_secret_get_size (hex));
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "re-keying the database", error);
      _hf_db_exec (db, "PRAGMA journal_mode = WAL", NULL);
      return FALSE;
    }
  return _hf_db_exec (db, "PRAGMA journal_mode = WAL", error);
}

/* }}} */

/* {{{ locking between processes */

static int
lock_vault_file (const char  *path,
                 GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, HF_ERROR, saved == ENOENT ? HF_ERROR_NOT_FOUND : HF_ERROR_FAILED,
                   saved == ENOENT ? "There is no vault at “%s”." : "Could not open “%s”: %s.",
                   path, g_strerror (saved));
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not lock “%s”: %s.",
                       path, g_strerror (saved));
          return -1;
        }
    }
  return fd;
}

static void
unlock_vault_file (int fd)
{
  if (fd >= 0)
    {
      flock (fd, LOCK_UN);
      close (fd);
    }
}

/* hf_write_file_atomic's temporary name: the target, a dot, six letters or digits. */
static gboolean
is_temp_of (const char *name,
            const char *target)
{
  gsize n = strlen (target);

  if (strncmp (name, target, n) != 0 || name[n] != '.' || strlen (name + n + 1) != 6)
    return FALSE;
  for (const char *p = name + n + 1; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  /* NAME.hfkeys.hfkeys is the keyring of a vault called NAME.hfkeys, not a temporary file. */
  return !g_str_has_suffix (name, ".hfkeys");
}

/* A kill during a keyring write leaves its temporary file behind. Every keyring write holds
 * the vault's flock, and so does the caller: a temporary file that exists now belongs to a
 * writer that is gone. Only this vault's own temporary keyrings are touched. */
static void
remove_stale_temp_keyrings (HfVault *self)
{
  g_autofree char *dir_path = g_path_get_dirname (self->keyring_path);
  g_autofree char *keys = g_path_get_basename (self->keyring_path);
  g_autofree char *next = g_path_get_basename (self->next_path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (!is_temp_of (name, keys) && !is_temp_of (name, next))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != getuid ())
        continue;
      if (unlink (path) == 0)
        g_debug ("Removed %s, left by an interrupted keyring write", path);
    }
}

/* }}} */

/* {{{ GObject */

static void
hf_vault_finalize (GObject *object)
{
  HfVault *self = (HfVault *) object;

  hf_vault_lock (self);
  g_free (self->path);
  g_free (self->keyring_path);
  g_free (self->next_path);
  g_free (self->member);
  g_free (self->keyring_repair);

  G_OBJECT_CLASS (hf_vault_parent_class)->finalize (object);
}

static void
hf_vault_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  HfVault *self = HF_VAULT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_MEMBER_NAME:
      g_value_set_string (value, self->member);
      break;
    case PROP_LOCKED:
      g_value_set_boolean (value, hf_vault_is_locked (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_vault_class_init (HfVaultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hf_vault_finalize;
  object_class->get_property = hf_vault_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEMBER_NAME] =
    g_param_spec_string ("member-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hf_vault_init (HfVault *self)
{
}

static HfVault *
vault_new (const char *path)
{
  HfVault *self = g_object_new (HF_TYPE_VAULT, NULL);

  self->path = g_strdup (path);
  self->keyring_path = hf_vault_keyring_path (path);
  self->next_path = g_strconcat (self->keyring_path, ".next", NULL);
  return self;
}

/* }}} */

/* {{{ transitions */

static gboolean
transition (HfVault         *self,
            HfKeyring       *next,
            HfSecret        *new_key,
            const char      *action,
            const char      *detail,
            GError         **error)
{
  const HfSecret *key = new_key != NULL ? new_key : self->data_key;

  if (!hf_keyring_write (next, key, self->next_path, error))
    return FALSE;
  _hf_crash_point (action, "after-next-written");

  if (new_key != NULL)
    {
      if (!rekey_db (self->db, new_key, error))
        {
          unlink (self->next_path);
          return FALSE;
        }
      _hf_crash_point (action, "after-rekey");
    }

  if (!_hf_db_begin (self->db, error) ||
      !meta_set (self->db, "generation", next->generation, NULL, 0, error) ||
      !meta_set (self->db, "keyring", 0, g_bytes_get_data (next->raw, NULL),
                 g_bytes_get_size (next->raw), error) ||
      !meta_set (self->db, "clean", 0, NULL, 0, error) ||
      !_hf_audit_append (self->db, hf_secret_peek (self->audit_key), self->member,
                         action, detail, error) ||
      !_hf_db_commit (self->db, error))
    {
      _hf_db_rollback (self->db);
      if (new_key == NULL)
        unlink (self->next_path);
      else
        {
          /* The database has the new key already; the next open completes the change. */
          hf_vault_lock (self);
        }
      return FALSE;
    }
  _hf_crash_point (action, "after-commit");

  if (rename (self->next_path, self->keyring_path) != 0)
    {
      int saved = errno;
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "Could not replace the keyring: %s. The change is saved and will be "
                   "completed the next time the vault is opened.", g_strerror (saved));
      return FALSE;
    }
  if (!hf_fsync_dir_of (self->keyring_path, error))
    return FALSE;

  g_clear_pointer (&self->keyring, hf_keyring_free);
  self->keyring = hf_keyring_copy (next);
  if (new_key != NULL)
    {
      g_clear_pointer (&self->data_key, hf_secret_free);
      self->data_key = hf_secret_dup (new_key);
    }
  return TRUE;
}

/* Another process may have moved the generation on since this one opened the vault; a
 * transition always starts from what is on disk. Called with the file lock held. */
static gboolean
refresh_keyring (HfVault  *self,
                 GError  **error)
{
  g_autoptr(HfKeyring) current = NULL;
  gint64 db_gen = 0;

  current = hf_keyring_load (self->keyring_path, error);
  if (current == NULL)
    return FALSE;
  if (memcmp (current->vault_id, self->keyring->vault_id, HF_VAULT_ID_SIZE) != 0 ||
      !hf_keyring_verify_mac (current, self->data_key, NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "The vault's keys were changed by another program. Lock the vault and "
                   "unlock it again.");
      return FALSE;
    }
  if (!meta_get_int (self->db, "generation", &db_gen, error))
    return FALSE;
  if ((guint64) db_gen != current->generation)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED,
                   "Another program is changing this vault's keys. Try again in a moment.");
      return FALSE;
    }
  if (hf_keyring_find_slot (current, self->member) == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "“%s” is no longer a member of this vault.", self->member);
      return FALSE;
    }
  g_clear_pointer (&self->keyring, hf_keyring_free);
  self->keyring = g_steal_pointer (&current);
  return TRUE;
}

/* }}} */

/* {{{ create */

static gboolean
add_recovery_slot (HfKeyring          *keyring,
                   const char         *name,
                   const HfKdfParams  *kdf,
                   HfSecret          **code,
                   GError            **error)
{
  g_autoptr(HfSecret) shown = recovery_code_new ();
  g_autoptr(HfSecret) secret = recovery_secret (shown);
  HfKeySlot *slot;

  slot = hf_key_slot_new (keyring, name, HF_ROLE_RECOVERY, 0, secret, kdf, error);
  if (slot == NULL)
    return FALSE;
  hf_keyring_add_slot (keyring, slot);
  *code = g_steal_pointer (&shown);
  return TRUE;
}

HfVault *
hf_vault_create (const char      *path,
                 const char      *owner,
                 const HfSecret  *passphrase,
                 HfSecret       **recovery_code,
                 GError         **error)
{
  g_autoptr(HfVault) self = NULL;
  g_autoptr(HfKeyring) keyring = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *detail = NULL;
  HfKdfParams kdf;
  HfKeySlot *slot;
  gboolean refused;
  int fd, lock_fd = -1;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (recovery_code != NULL, NULL);

  if (owner == NULL)
    owner = "owner";
  if (hf_secret_get_size (passphrase) == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "The passphrase is empty.");
      return NULL;
    }

  self = vault_new (path);
  if (g_file_test (self->keyring_path, G_FILE_TEST_EXISTS) || g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_EXISTS,
                   "A vault already exists at “%s”; choose another name.", path);
      return NULL;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not create the folder “%s”: %s.",
                   dir, g_strerror (saved));
      return NULL;
    }
  fd = open (path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, HF_ERROR, saved == EEXIST ? HF_ERROR_EXISTS : HF_ERROR_FAILED,
                   "Could not create the vault “%s”: %s.", path, g_strerror (saved));
      return NULL;
    }
  close (fd);

  hf_kdf_params_for_new_slot (&kdf);
  keyring = hf_keyring_new (NULL, 1);
  slot = hf_key_slot_new (keyring, owner, HF_ROLE_OWNER, 0, passphrase, &kdf, error);
  if (slot == NULL)
    goto fail;
  hf_keyring_add_slot (keyring, slot);
  if (!add_recovery_slot (keyring, "recovery", &kdf, &code, error))
    goto fail;

  lock_fd = lock_vault_file (path, error);
  if (lock_fd < 0)
    goto fail;

  self->data_key = hf_secret_new_random (HF_DATA_KEY_SIZE);
  self->audit_key = hf_secret_new_random (32);
  self->member = g_strdup (owner);
  self->role = HF_ROLE_OWNER;

  if (!db_open (path, self->data_key, TRUE, &self->db, &refused, error) ||
      !db_migrate (self->db, error))
    goto fail;

  bytes = hf_keyring_serialize (keyring, self->data_key);
  if (bytes == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_FAILED, "Could not seal the data key.");
      goto fail;
    }
  detail = g_strdup_printf ("vault created with owner “%s” and a recovery code", owner);
  if (!_hf_db_begin (self->db, error) ||
      !meta_set (self->db, "vault_id", 0, keyring->vault_id, HF_VAULT_ID_SIZE, error) ||
      !meta_set (self->db, "keyring", 0, g_bytes_get_data (bytes, NULL),
                 g_bytes_get_size (bytes), error) ||
      !meta_set (self->db, "generation", 1, NULL, 0, error) ||
      !meta_set (self->db, "audit_key", 0, hf_secret_peek (self->audit_key), 32, error) ||
      !meta_set (self->db, "created", g_get_real_time () / G_USEC_PER_SEC, NULL, 0, error) ||
      !meta_set (self->db, "clean", 0, NULL, 0, error) ||
      !_hf_audit_append (self->db, hf_secret_peek (self->audit_key), owner,
                         "vault-created", detail, error) ||
      !_hf_db_commit (self->db, error))
    goto fail;

  if (!hf_write_file_atomic (self->keyring_path, bytes, error))
    goto fail;

  self->keyring = g_steal_pointer (&keyring);
  unlock_vault_file (lock_fd);
  *recovery_code = g_steal_pointer (&code);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  return g_steal_pointer (&self);

fail:
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    db_close (&self->db);
    unlink (path);
    unlink (wal);
    unlink (shm);
    unlock_vault_file (lock_fd);
    return NULL;
  }
}

/* }}} */

/* {{{ open */

/* The keyring the database holds, as the last transition committed it, if it is there and
 * is the one for generation DB_GEN under the data key. */
static HfKeyring *
load_keyring_copy (HfVault *self,
                   gint64   db_gen)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(HfKeyring) copy = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM meta WHERE key = 'keyring'", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  if (bytes == NULL)
    return NULL;

  copy = hf_keyring_parse (bytes, NULL);
  if (copy == NULL || !hf_keyring_verify_mac (copy, self->data_key, NULL) ||
      copy->generation != (guint64) db_gen)
    return NULL;
  return g_steal_pointer (&copy);
}

static gboolean
load_audit_key (HfVault  *self,
                GError  **error)
{
  if (self->audit_key != NULL)
    return TRUE;
  self->audit_key = hf_secret_new (32);
  if (!meta_get_blob (self->db, "audit_key", hf_secret_get_data (self->audit_key), 32, error))
    {
      g_clear_pointer (&self->audit_key, hf_secret_free);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_open (HfVault     *self,
             HfKeyring   *keyring,
             gint64       db_gen,
             const char  *extra_action,
             const char  *extra_detail,
             GError     **error)
{
  g_autoptr(HfKeyring) next = hf_keyring_copy (keyring);
  g_autofree char *detail = NULL;
  gint64 clean = 1;
  guint8 vault_id[HF_VAULT_ID_SIZE];

  if (!meta_get_blob (self->db, "vault_id", vault_id, sizeof vault_id, error))
    return FALSE;
  if (memcmp (vault_id, keyring->vault_id, HF_VAULT_ID_SIZE) != 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The keyring belongs to a different vault than the database “%s”. Put the "
                   "right .hfkeys file beside it.", self->path);
      return FALSE;
    }

  if (!load_audit_key (self, error))
    return FALSE;

  /* After a crash, look at every page before trusting the file again. */
  meta_get_int (self->db, "clean", &clean, NULL);
  if (clean == 0 && !integrity_error (self->db, error))
    return FALSE;

  self->keyring = hf_keyring_copy (keyring);
  next->generation = MAX ((guint64) db_gen, keyring->generation) + 1;

  if (extra_action != NULL)
    {
      g_autofree char *what = extra_detail != NULL
        ? g_strdup (extra_detail)
        : g_strdup_printf ("an interrupted key change (generation %" G_GUINT64_FORMAT ") was "
                           "completed", keyring->generation);
      if (!_hf_db_begin (self->db, error) ||
          !_hf_audit_append (self->db, hf_secret_peek (self->audit_key), self->member,
                             extra_action, what, error) ||
          !_hf_db_commit (self->db, error))
        return FALSE;
    }

  detail = g_strdup_printf ("unlocked as %s%s", hf_role_to_string (self->role),
                            self->role == HF_ROLE_RECOVERY ? " (recovery code used)" : "");
  return transition (self, next, NULL, self->role == HF_ROLE_RECOVERY ? "recovery-unlock"
                                                                       : "unlock",
                     detail, error);
}

/* What was changed in FOUND, against the genuine COPY, as a list for a sentence. */
static char *
describe_changes (const HfKeyring *found,
                  const HfKeyring *copy)
{
  g_autoptr(GPtrArray) changes = hf_keyring_describe_changes (found, copy);

  g_ptr_array_add (changes, NULL);
  return g_strjoinv ("; ", (char **) changes->pdata);
}

/* Logs that the keyring was found altered and closes the database again: the unlock is
 * refused. */
static void
refuse_tampered (HfVault    *self,
                 const char *detail)
{
  if (load_audit_key (self, NULL) && _hf_db_begin (self->db, NULL))
    {
      if (!_hf_audit_append (self->db, hf_secret_peek (self->audit_key), self->member,
                             "keyring-tampered", detail, NULL) ||
          !_hf_db_commit (self->db, NULL))
        _hf_db_rollback (self->db);
    }
  db_close (&self->db);
  g_clear_pointer (&self->audit_key, hf_secret_free);
  g_clear_pointer (&self->data_key, hf_secret_free);
}

/* The member's slot opened, and the key it held opens the database, but the keyring's MAC
 * fails: something else in the file was changed by someone without the data key. The
 * database's copy of the keyring says what; the unlock goes on with that copy, which the
 * unlock's own transition writes back over the altered file. */
static gboolean
open_tampered (HfVault          *self,
               const HfKeyring  *found,
               const HfKeySlot  *used,
               gint64            db_gen,
               GError          **error)
{
  g_autoptr(HfKeyring) copy = load_keyring_copy (self, db_gen);
  g_autofree char *detail = NULL;

  if (copy == NULL)
    {
      refuse_tampered (self, "the keyring's authentication code does not match: it was altered "
                       "outside Healthfolio, and the vault keeps no copy of it to restore");
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The keyring was altered outside Healthfolio and this vault keeps no copy of "
                   "it to restore from, so the unlock was refused and recorded in the activity "
                   "log; restore the .hfkeys file from a backup.");
      return FALSE;
    }

  /* A slot of this member's that the copy does not have: an old one put back, say, to let an
   * old passphrase in. Genuine, but not current. */
  if (!hf_key_slot_same_credentials (used, hf_keyring_find_slot (copy, self->member)))
    {
      detail = g_strdup_printf ("an unlock as “%s” with a key slot that is not their current "
                                "one was refused: the keyring was altered outside Healthfolio",
                                self->member);
      refuse_tampered (self, detail);
      g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                   "The keyring was altered outside Healthfolio: the key slot of “%s” in it is "
                   "not the current one, so the unlock was refused and recorded in the activity "
                   "log; unlock as another member to restore the keyring, or restore the "
                   ".hfkeys file from a backup.", self->member);
      return FALSE;
    }

  self->keyring_repair = describe_changes (found, copy);
  detail = g_strdup_printf ("the keyring had been altered outside Healthfolio (%s); it was "
                            "restored from the vault's copy", self->keyring_repair);
  return finish_open (self, copy, db_gen, "keyring-restored", detail, error);
}

static HfVault *
open_locked (const char      *path,
             const char      *member,
             const HfSecret  *passphrase,
             GError         **error)
{
  g_autoptr(HfVault) self = vault_new (path);
  g_autoptr(HfKeyring) main_kr = NULL;
  g_autoptr(HfKeyring) next_kr = NULL;
  g_autoptr(GError) auth_error = NULL;
  g_autoptr(GError) mac_error = NULL;
  HfKeyring *candidates[2];
  HfKeyring *opened_with = NULL;
  HfKeySlot *main_slot = NULL;
  gboolean main_auth_failed = FALSE, main_key_refused = FALSE, any_slot = FALSE;
  gint64 db_gen = 0;

  remove_stale_temp_keyrings (self);
  main_kr = hf_keyring_load (self->keyring_path, error);
  if (main_kr == NULL)
    {
      if (error != NULL && g_error_matches (*error, HF_ERROR, HF_ERROR_NOT_FOUND))
        (*error)->code = HF_ERROR_INTEGRITY;
      return NULL;
    }
  if (g_file_test (self->next_path, G_FILE_TEST_EXISTS))
    next_kr = hf_keyring_load (self->next_path, NULL);

  if (member == NULL)
    {
      HfKeySlot *owner = hf_keyring_first_owner (main_kr);
      if (owner == NULL && next_kr != NULL)
        owner = hf_keyring_first_owner (next_kr);
      if (owner == NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY, "The keyring has no owner.");
          return NULL;
        }
      member = owner->name;
    }
  self->member = g_strdup (member);

  candidates[0] = main_kr;
  candidates[1] = next_kr;
  main_slot = hf_keyring_find_slot (main_kr, member);

  for (guint i = 0; i < G_N_ELEMENTS (candidates) && self->db == NULL; i++)
    {
      HfKeyring *kr = candidates[i];
      g_autoptr(HfSecret) typed = NULL;
      g_autoptr(HfSecret) key = NULL;
      g_autoptr(GError) local_error = NULL;
      HfKeySlot *slot;
      gboolean refused = FALSE;

      if (kr == NULL || (slot = hf_keyring_find_slot (kr, member)) == NULL)
        continue;
      any_slot = TRUE;
      /* The same slot in both files gives the same answer; the KDF is not run twice. */
      if (i == 1 && main_auth_failed && hf_key_slot_same_credentials (main_slot, slot))
        continue;

      typed = slot->role == HF_ROLE_RECOVERY ? recovery_secret (passphrase)
                                             : hf_secret_dup (passphrase);
      key = hf_key_slot_unlock (kr, slot, typed, &local_error);
      if (key == NULL)
        {
          if (!g_error_matches (local_error, HF_ERROR, HF_ERROR_AUTH))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (i == 0)
            main_auth_failed = TRUE;
          g_clear_error (&auth_error);
          auth_error = g_steal_pointer (&local_error);
          continue;
        }
      if (!hf_keyring_verify_mac (kr, key, i == 0 ? &mac_error : error))
        {
          /* The slot opened, so it is genuine; what else changed, the database can tell. */
          if (i != 0)
            return NULL;
        }

      if (!db_open (path, key, FALSE, &self->db, &refused, error))
        {
          if (refused && mac_error != NULL)
            {
              /* Not even the data key is the vault's: an old slot from before a re-key. */
              g_propagate_error (error, g_steal_pointer (&mac_error));
              return NULL;
            }
          if (!refused)
            return NULL;
          if (i == 0)
            main_key_refused = TRUE;
          continue;
        }
      self->data_key = g_steal_pointer (&key);
      self->role = slot->role;
      opened_with = kr;
    }

  if (self->db == NULL)
    {
      if (main_key_refused)
        g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                     "The database “%s” does not accept the key from its keyring: its first "
                     "page is damaged, or it was replaced by another vault's database. Restore "
                     "it from a backup.", path);
      else if (!any_slot)
        g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                     "This vault has no member named “%s”.", member);
      else if (auth_error != NULL)
        g_propagate_error (error, g_steal_pointer (&auth_error));
      else
        g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                     "The database “%s” does not accept the key from its keyring. Restore "
                     "it from a backup.", path);
      return NULL;
    }

  if (!db_migrate (self->db, error) ||
      !meta_get_int (self->db, "generation", &db_gen, error))
    return explain_integrity (self->db, error), NULL;

  if (mac_error != NULL)
    return open_tampered (self, main_kr, main_slot, db_gen, error)
           ? g_steal_pointer (&self) : explain_integrity (self->db, error);

  if (opened_with == main_kr)
    {
      if ((guint64) db_gen == main_kr->generation)
        return finish_open (self, main_kr, db_gen, NULL, NULL, error)
               ? g_steal_pointer (&self) : explain_integrity (self->db, error);

      if ((guint64) db_gen > main_kr->generation && next_kr != NULL &&
          next_kr->generation == (guint64) db_gen &&
          hf_keyring_verify_mac (next_kr, self->data_key, NULL))
        {
          /* A committed change whose keyring rename was cut off: the .next file is current.
           * The member's slot must still be the one that was used. */
          if (!hf_key_slot_same_credentials (main_slot, hf_keyring_find_slot (next_kr, member)))
            {
              g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                           "Wrong passphrase for “%s”: it was changed.", member);
              return NULL;
            }
          return finish_open (self, next_kr, db_gen, "key-change-completed", NULL, error)
                 ? g_steal_pointer (&self) : explain_integrity (self->db, error);
        }

      if ((guint64) db_gen > main_kr->generation)
        g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                     "The keyring is older than the database (generation %" G_GUINT64_FORMAT
                     " against %" G_GINT64_FORMAT "): it was replaced by an earlier copy of "
                     "itself. Restore the current .hfkeys file; an old keyring could let "
                     "removed members or old passphrases back in.",
                     main_kr->generation, db_gen);
      else
        g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
                     "The database is older than its keyring (generation %" G_GINT64_FORMAT
                     " against %" G_GUINT64_FORMAT "): it was replaced by an earlier copy of "
                     "itself, and records or activity-log entries may be missing. Restore the "
                     "current .hfvault file.", db_gen, main_kr->generation);
      return NULL;
    }

  /* Opened with the .next keyring. */
  if ((guint64) db_gen == next_kr->generation)
    return finish_open (self, next_kr, db_gen, "key-change-completed", NULL, error)
           ? g_steal_pointer (&self) : explain_integrity (self->db, error);

  if ((guint64) db_gen == main_kr->generation && main_key_refused)
    {
      /* The re-key committed; the generation update after it did not. */
      return finish_open (self, next_kr, db_gen, "key-change-completed", NULL, error)
             ? g_steal_pointer (&self) : explain_integrity (self->db, error);
    }

  if ((guint64) db_gen == main_kr->generation)
    {
      /* The change that made this slot never reached its commit point. */
      db_close (&self->db);
      unlink (self->next_path);
      g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                   "Wrong passphrase for “%s”. The change that set this passphrase was "
                   "interrupted before it completed; use the previous one.", member);
      return NULL;
    }

  g_set_error (error, HF_ERROR, HF_ERROR_INTEGRITY,
               "The keyring and the database disagree about the vault's state (generations %"
               G_GUINT64_FORMAT " and %" G_GINT64_FORMAT "): one of them was replaced by an "
               "earlier copy. Restore both from the same backup.",
               main_kr->generation, db_gen);
  return NULL;
}

HfVault *
hf_vault_open (const char      *path,
               const char      *member,
               const HfSecret  *passphrase,
               GError         **error)
{
  HfVault *self;
  int lock_fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);

  lock_fd = lock_vault_file (path, error);
  if (lock_fd < 0)
    return NULL;
  self = open_locked (path, member, passphrase, error);
  unlock_vault_file (lock_fd);
  if (self != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  return self;
}

/* }}} */

/* {{{ async */

typedef struct
{
  char     *path;
  char     *member;
  HfSecret *passphrase;
  HfSecret *recovery_code;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_free (data->member);
  hf_secret_free (data->passphrase);
  hf_secret_free (data->recovery_code);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  HfVault *vault;

  vault = hf_vault_open (data->path, data->member, data->passphrase, &error);
  g_clear_pointer (&data->passphrase, hf_secret_free);
  if (vault == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, vault, g_object_unref);
}

void
hf_vault_open_async (const char          *path,
                     const char          *member,
                     const HfSecret      *passphrase,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  data->path = g_strdup (path);
  data->member = g_strdup (member);
  data->passphrase = hf_secret_dup (passphrase);
  g_task_set_source_tag (task, (gpointer) (guintptr) hf_vault_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

HfVault *
hf_vault_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
create_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  HfVault *vault;

  vault = hf_vault_create (data->path, data->member, data->passphrase, &data->recovery_code,
                           &error);
  g_clear_pointer (&data->passphrase, hf_secret_free);
  if (vault == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, vault, g_object_unref);
}

void
hf_vault_create_async (const char          *path,
                       const char          *owner,
                       const HfSecret      *passphrase,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  OpenData *data = g_new0 (OpenData, 1);

  data->path = g_strdup (path);
  data->member = g_strdup (owner);
  data->passphrase = hf_secret_dup (passphrase);
  g_task_set_source_tag (task, (gpointer) (guintptr) hf_vault_create_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, create_thread);
}

HfVault *
hf_vault_create_finish (GAsyncResult  *result,
                        HfSecret     **recovery_code,
                        GError       **error)
{
  OpenData *data;
  HfVault *vault;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  vault = g_task_propagate_pointer (G_TASK (result), error);
  data = g_task_get_task_data (G_TASK (result));
  if (vault != NULL && recovery_code != NULL)
    *recovery_code = g_steal_pointer (&data->recovery_code);
  return vault;
}

/* }}} */

/* {{{ state */

void
hf_vault_lock (HfVault *self)
{
  gboolean was_open;

  g_return_if_fail (HF_IS_VAULT (self));

  was_open = self->db != NULL;
  if (self->db != NULL)
    {
      /* Logged, and a clean close: the next open need not check every page. Best effort: a
       * vault that cannot be written to (a full disk) still locks. */
      if (_hf_db_begin (self->db, NULL))
        {
          if (self->audit_key != NULL &&
              _hf_audit_append (self->db, hf_secret_peek (self->audit_key), self->member,
                                "lock", NULL, NULL) &&
              meta_set (self->db, "clean", 1, NULL, 0, NULL) &&
              _hf_db_commit (self->db, NULL))
            sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
          else
            _hf_db_rollback (self->db);
        }
      db_close (&self->db);
    }
  g_clear_pointer (&self->data_key, hf_secret_free);
  g_clear_pointer (&self->audit_key, hf_secret_free);
  g_clear_pointer (&self->keyring, hf_keyring_free);

  if (was_open)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
}

gboolean
hf_vault_is_locked (HfVault *self)
{
  g_return_val_if_fail (HF_IS_VAULT (self), TRUE);

  return self->db == NULL;
}

const char *
hf_vault_get_path (HfVault *self)
{
  g_return_val_if_fail (HF_IS_VAULT (self), NULL);

  return self->path;
}

const char *
hf_vault_get_member_name (HfVault *self)
{
  g_return_val_if_fail (HF_IS_VAULT (self), NULL);

  return self->member;
}

HfRole
hf_vault_get_member_role (HfVault *self)
{
  g_return_val_if_fail (HF_IS_VAULT (self), 0);

  return self->role;
}

const char *
hf_vault_get_keyring_repair (HfVault *self)
{
  g_return_val_if_fail (HF_IS_VAULT (self), NULL);

  return self->keyring_repair;
}

guint64
hf_vault_get_generation (HfVault *self)
{
  g_return_val_if_fail (HF_IS_VAULT (self), 0);

  return self->keyring != NULL ? self->keyring->generation : 0;
}

char *
hf_vault_dup_id (HfVault *self)
{
  char hex[2 * HF_VAULT_ID_SIZE + 1];

  g_return_val_if_fail (HF_IS_VAULT (self), NULL);

  if (self->keyring == NULL)
    return NULL;
  sodium_bin2hex (hex, sizeof hex, self->keyring->vault_id, HF_VAULT_ID_SIZE);
  return g_strdup (hex);
}

sqlite3 *
_hf_vault_get_db (HfVault *self)
{
  return self->db;
}

const guint8 *
_hf_vault_get_audit_key (HfVault *self)
{
  return self->audit_key ? hf_secret_peek (self->audit_key) : NULL;
}

gboolean
hf_vault_require (HfVault       *self,
                  HfPermission   permission,
                  const char    *what,
                  GError       **error)
{
  static const char *const role_names[] = {
    [HF_ROLE_OWNER] = "an owner",
    [HF_ROLE_CAREGIVER] = "a caregiver",
    [HF_ROLE_CAREGIVER_READ_ONLY] = "a read-only caregiver",
    [HF_ROLE_RECOVERY] = "the recovery code",
  };

  g_return_val_if_fail (HF_IS_VAULT (self), FALSE);

  if (hf_vault_is_locked (self))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "The vault is locked; unlock it first.");
      return FALSE;
    }
  if (!hf_role_allows (self->role, permission))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "“%s” is %s and may not %s. Ask the vault's owner.",
                   self->member, role_names[self->role], what);
      return FALSE;
    }
  return TRUE;
}

/* }}} */

/* {{{ members */

void
hf_member_info_free (HfMemberInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info);
}

GPtrArray *
hf_vault_list_members (HfVault *self)
{
  GPtrArray *members = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_member_info_free);

  g_return_val_if_fail (HF_IS_VAULT (self), members);

  if (self->keyring == NULL)
    return members;
  for (guint i = 0; i < self->keyring->slots->len; i++)
    {
      HfKeySlot *slot = g_ptr_array_index (self->keyring->slots, i);
      HfMemberInfo *info = g_new0 (HfMemberInfo, 1);

      info->name = g_strdup (slot->name);
      info->role = slot->role;
      info->created = slot->created;
      g_ptr_array_add (members, info);
    }
  return members;
}

gboolean
hf_vault_add_member (HfVault         *self,
                     const char      *name,
                     HfRole           role,
                     const HfSecret  *passphrase,
                     HfSecret       **recovery_code,
                     GError         **error)
{
  g_autoptr(HfKeyring) next = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autofree char *detail = NULL;
  HfKdfParams kdf;
  gboolean ok = FALSE;
  int lock_fd;

  g_return_val_if_fail (HF_IS_VAULT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (role == HF_ROLE_RECOVERY ? recovery_code != NULL : passphrase != NULL,
                        FALSE);

  if (!hf_vault_require (self, HF_PERMISSION_MANAGE, "add members", error))
    return FALSE;

  lock_fd = lock_vault_file (self->path, error);
  if (lock_fd < 0)
    return FALSE;
  if (!refresh_keyring (self, error))
    goto out;

  if (hf_keyring_find_slot (self->keyring, name) != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_EXISTS,
                   "The vault already has a member named “%s”.", name);
      goto out;
    }
  if (self->keyring->slots->len >= HF_KEYRING_MAX_SLOTS)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "A vault can have at most %d members.",
                   HF_KEYRING_MAX_SLOTS);
      goto out;
    }

  next = hf_keyring_copy (self->keyring);
  next->generation++;
  hf_kdf_params_for_new_slot (&kdf);
  if (role == HF_ROLE_RECOVERY)
    {
      if (!add_recovery_slot (next, name, &kdf, &code, error))
        goto out;
    }
  else
    {
      HfKeySlot *slot = hf_key_slot_new (next, name, role, 0, passphrase, &kdf, error);
      if (slot == NULL)
        goto out;
      hf_keyring_add_slot (next, slot);
    }

  detail = g_strdup_printf ("member “%s” added as %s", name, hf_role_to_string (role));
  ok = transition (self, next, NULL, "member-added", detail, error);
  if (ok && recovery_code != NULL)
    *recovery_code = g_steal_pointer (&code);

out:
  unlock_vault_file (lock_fd);
  return ok;
}

gboolean
hf_vault_change_passphrase (HfVault         *self,
                            const char      *name,
                            const HfSecret  *new_passphrase,
                            HfSecret       **recovery_code,
                            GError         **error)
{
  g_autoptr(HfKeyring) next = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autofree char *detail = NULL;
  HfKeySlot *old, *slot;
  HfKdfParams kdf;
  gboolean ok = FALSE;
  int lock_fd;

  g_return_val_if_fail (HF_IS_VAULT (self), FALSE);

  if (name == NULL)
    name = self->member;

  /* Anyone may change their own passphrase: it is their credential, not the record. Setting
   * another member's is management. */
  if (g_strcmp0 (name, self->member) == 0)
    {
      if (!hf_vault_require (self, HF_PERMISSION_READ, "change passphrases", error))
        return FALSE;
    }
  else if (!hf_vault_require (self, HF_PERMISSION_MANAGE,
                              "change other members' passphrases", error))
    return FALSE;

  lock_fd = lock_vault_file (self->path, error);
  if (lock_fd < 0)
    return FALSE;
  if (!refresh_keyring (self, error))
    goto out;

  old = hf_keyring_find_slot (self->keyring, name);
  if (old == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "The vault has no member named “%s”.", name);
      goto out;
    }
  if (old->role != HF_ROLE_RECOVERY && (new_passphrase == NULL ||
                                        hf_secret_get_size (new_passphrase) == 0))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "The new passphrase is empty.");
      goto out;
    }

  next = hf_keyring_copy (self->keyring);
  next->generation++;
  hf_kdf_params_for_new_slot (&kdf);
  if (old->role == HF_ROLE_RECOVERY)
    {
      g_autoptr(HfSecret) secret = NULL;

      code = recovery_code_new ();
      secret = recovery_secret (code);
      slot = hf_key_slot_new (next, name, old->role, old->created, secret, &kdf, error);
    }
  else
    slot = hf_key_slot_new (next, name, old->role, old->created, new_passphrase, &kdf,
                            error);
  if (slot == NULL)
    goto out;
  for (guint i = 0; i < next->slots->len; i++)
    {
      HfKeySlot *s = g_ptr_array_index (next->slots, i);
      if (g_str_equal (s->name, name))
        {
          hf_key_slot_free (s);
          next->slots->pdata[i] = slot;
          break;
        }
    }

  detail = old->role == HF_ROLE_RECOVERY
           ? g_strdup_printf ("new recovery code for “%s”", name)
           : g_strdup_printf ("passphrase of “%s” changed", name);
  ok = transition (self, next, NULL, "passphrase-changed", detail, error);
  if (ok && recovery_code != NULL)
    *recovery_code = g_steal_pointer (&code);

out:
  unlock_vault_file (lock_fd);
  return ok;
}

gboolean
hf_vault_remove_member (HfVault     *self,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(HfKeyring) next = NULL;
  g_autoptr(HfSecret) new_key = NULL;
  g_autofree char *detail = NULL;
  HfKeySlot *slot;
  gboolean ok = FALSE;
  int lock_fd;

  g_return_val_if_fail (HF_IS_VAULT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!hf_vault_require (self, HF_PERMISSION_MANAGE, "remove members", error))
    return FALSE;

  lock_fd = lock_vault_file (self->path, error);
  if (lock_fd < 0)
    return FALSE;
  if (!refresh_keyring (self, error))
    goto out;

  slot = hf_keyring_find_slot (self->keyring, name);
  if (slot == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "The vault has no member named “%s”.", name);
      goto out;
    }
  if (slot->role == HF_ROLE_OWNER && hf_keyring_count_role (self->keyring, HF_ROLE_OWNER) == 1)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "“%s” is the only owner; add another owner before removing them.", name);
      goto out;
    }

  /* A new data key: a saved copy of the old keyring and the removed member's passphrase
   * yield the old key, which no longer opens anything. */
  next = hf_keyring_copy (self->keyring);
  next->generation++;
  hf_keyring_remove_slot (next, name);
  new_key = hf_secret_new_random (HF_DATA_KEY_SIZE);

  detail = g_strdup_printf ("member “%s” removed; the vault was re-keyed", name);
  ok = transition (self, next, new_key, "member-removed", detail, error);

out:
  unlock_vault_file (lock_fd);
  if (ok && g_strcmp0 (name, self->member) == 0)
    hf_vault_lock (self);
  return ok;
}

/* }}} */

/* {{{ check */

void
hf_vault_check_clear (HfVaultCheck *check)
{
  g_clear_pointer (&check->problems, g_ptr_array_unref);
  g_clear_pointer (&check->details, g_ptr_array_unref);
}

gboolean
hf_vault_check (HfVault       *self,
                HfVaultCheck  *check,
                GError       **error)
{
  g_autoptr(HfKeyring) on_disk = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) audit_problems = NULL;
  gint64 db_gen = 0;

  g_return_val_if_fail (HF_IS_VAULT (self), FALSE);
  g_return_val_if_fail (check != NULL, FALSE);

  if (!hf_vault_require (self, HF_PERMISSION_READ, "check the vault", error))
    return FALSE;

  memset (check, 0, sizeof *check);
  check->problems = g_ptr_array_new_with_free_func (g_free);
  check->details = g_ptr_array_new_with_free_func (g_free);

  on_disk = hf_keyring_load (self->keyring_path, &local_error);
  if (on_disk == NULL)
    g_ptr_array_add (check->problems, g_strdup_printf ("Keyring: %s", local_error->message));
  else if (!hf_keyring_verify_mac (on_disk, self->data_key, &local_error))
    {
      g_autoptr(HfKeyring) copy = NULL;
      g_autofree char *what = NULL;

      if (meta_get_int (self->db, "generation", &db_gen, NULL))
        copy = load_keyring_copy (self, db_gen);
      if (copy == NULL)
        g_ptr_array_add (check->problems, g_strdup_printf ("Keyring: %s", local_error->message));
      else
        {
          what = describe_changes (on_disk, copy);
          g_ptr_array_add (check->problems,
                           g_strdup_printf ("Keyring: it was altered outside Healthfolio (%s); "
                                            "the next unlock restores it from the vault's copy.",
                                            what));
        }
    }
  else if (!meta_get_int (self->db, "generation", &db_gen, &local_error))
    g_ptr_array_add (check->problems, g_strdup_printf ("Database: %s", local_error->message));
  else if ((guint64) db_gen != on_disk->generation)
    g_ptr_array_add (check->problems,
                     g_strdup_printf ("Keyring: its generation %" G_GUINT64_FORMAT " does not "
                                      "match the database's %" G_GINT64_FORMAT ".",
                                      on_disk->generation, db_gen));
  g_clear_error (&local_error);

  db_integrity_check (self->db, &check->pages, check->problems, check->details);

  if (!hf_audit_verify (self, &audit_problems, &check->audit_entries, &local_error))
    g_ptr_array_add (check->problems, g_strdup_printf ("Activity log: %s",
                                                       local_error->message));
  else
    for (guint i = 0; i < audit_problems->len; i++)
      {
        HfAuditProblem *p = g_ptr_array_index (audit_problems, i);
        g_ptr_array_add (check->problems, g_strdup_printf ("Activity log: %s", p->message));
      }

  check->ok = check->problems->len == 0;
  return TRUE;
}

/* }}} */
