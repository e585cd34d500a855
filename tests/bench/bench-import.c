/* bench-import.c — importing many resources: speed against SQLCipher's floor, memory, queries
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN.md §9: an import (encrypted and indexed) within 1.5× of the floor, peak RSS ≤ 150 MB
 * for NDJSON of any size, a timeline page ≤ 5 ms and a search ≤ 50 ms at 1,000,000 resources.
 *
 * The data: bench-data.c's NDJSON, made from the resources of tests/data/synthea and
 * tests/data/bulk-ndjson.
 *
 * The floor (DESIGN §9): the same NDJSON file, read and joined into one JSON array in C, loaded
 * by INSERT … SELECT … FROM json_each(?) into a WAL table of a fresh SQLCipher database with
 * SQLCipher's defaults (cipher_memory_security off), in one transaction, in a process of its
 * own; and for reference the same with cipher_memory_security and the vault's PRAGMAs. SQLite refuses a value over 1e9 bytes, so the array is
 * cut into statements of at most FLOOR_CHUNK bytes; at 100,000 resources that is one.
 *
 * The import runs first, in a forked child whose peak RSS is reset just before it starts
 * (Linux's clear_refs), so that the peak is the import's own. This program prints
 * figures; it never fails on timing.
 */

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-data.h"
#include "hf-core.h"
#include "hf-import.h"
#include "hf-records.h"
#include "hf-vault-private.h"

#define PASSPHRASE   "correct horse battery staple, measured"
#define FLOOR_CHUNK  (256 * 1024 * 1024)
#define QUERY_ROUNDS 101

/* {{{ the floor */

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("bench-import: %s: %s", sql, sqlite3_errmsg (db));
}

static void
floor_flush (sqlite3_stmt *insert,
             GString      *array)
{
  g_string_append_c (array, ']');
  sqlite3_bind_text64 (insert, 1, array->str, array->len, SQLITE_STATIC, SQLITE_UTF8);
  if (sqlite3_step (insert) != SQLITE_DONE)
    g_error ("bench-import: the floor's INSERT failed: %s",
             sqlite3_errmsg (sqlite3_db_handle (insert)));
  sqlite3_reset (insert);
  g_string_assign (array, "[");
}

/* Seconds to load the file; *statements says how many INSERTs that took. SECURE: with
 * cipher_memory_security and the vault's PRAGMAs (the old reference); otherwise SQLCipher's
 * defaults but for WAL, as anyone using it directly gets. Run in a process of its own that
 * never called hf_core_init(), so SQLite has its own allocator (main's --floor). */
static double
measure_floor (const char *dir,
               const char *ndjson,
               gboolean    secure,
               guint      *statements,
               gint64     *rows)
{
  g_autofree char *path = g_build_filename (dir, "floor.db", NULL);
  g_autoptr(GString) array = g_string_new ("[");
  guint8 key[32];
  char hex[3 + 64 + 1];
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  sqlite3_stmt *count = NULL;
  FILE *f;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  gint64 start;
  double seconds;

  randombytes_buf (key, sizeof key);
  hex[0] = 'x';
  hex[1] = '\'';
  sodium_bin2hex (hex + 2, 65, key, sizeof key);
  hex[66] = '\'';
  hex[67] = '\0';
  if (sqlite3_open (path, &db) != SQLITE_OK || sqlite3_key (db, hex, 67) != SQLITE_OK)
    g_error ("bench-import: cannot create the floor's database");
  sodium_memzero (hex, sizeof hex);
  if (secure)
    exec_or_die (db, "PRAGMA cipher_memory_security = ON; PRAGMA temp_store = MEMORY;"
                     "PRAGMA secure_delete = ON; PRAGMA journal_mode = WAL;"
                     "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
  else
    exec_or_die (db, "PRAGMA journal_mode = WAL;");
  exec_or_die (db, "CREATE TABLE t (type TEXT, id TEXT, json TEXT)");
  if (sqlite3_prepare_v2 (db, "INSERT INTO t (type, id, json) SELECT value ->> 'resourceType', "
                              "value ->> 'id', value FROM json_each (?1)", -1, &insert,
                          NULL) != SQLITE_OK)
    g_error ("bench-import: %s", sqlite3_errmsg (db));

  *statements = 0;
  start = g_get_monotonic_time ();
  f = fopen (ndjson, "r");
  exec_or_die (db, "BEGIN IMMEDIATE");
  while ((len = getline (&line, &cap, f)) > 0)
    {
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
      if (len == 0)
        continue;
      if (array->len + len + 2 > FLOOR_CHUNK)
        {
          floor_flush (insert, array);
          (*statements)++;
        }
      if (array->len > 1)
        g_string_append_c (array, ',');
      g_string_append_len (array, line, len);
    }
  if (array->len > 1)
    {
      floor_flush (insert, array);
      (*statements)++;
    }
  exec_or_die (db, "COMMIT");
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  fclose (f);
  free (line);

  sqlite3_prepare_v2 (db, "SELECT count(*) FROM t", -1, &count, NULL);
  sqlite3_step (count);
  *rows = sqlite3_column_int64 (count, 0);
  sqlite3_finalize (count);
  sqlite3_finalize (insert);
  sqlite3_close (db);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
  }
  return seconds;
}

/* }}} */
/* {{{ our import, in a child */

typedef struct
{
  double  seconds;
  gint64  rss_before_kb;   /* the child's peak RSS just before the import */
  gint64  rss_peak_kb;     /* and after it */
  guint64 added;
  int     ok;
} ChildReport;

static gboolean
measure_import (const char  *vault_path,
                const char  *ndjson,
                ChildReport *report)
{
  int fds[2];
  pid_t pid;
  int status = 0;

  if (pipe (fds) != 0)
    return FALSE;
  pid = fork ();
  if (pid == 0)
    {
      g_autoptr(HfSecret) pass = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
      g_autoptr(HfSecret) code = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HfImportResult) result = NULL;
      const char *paths[] = { ndjson, NULL };
      ChildReport r = { 0 };
      struct rusage ru;
      HfVault *vault;
      gint64 start;

      close (fds[0]);
      vault = hf_vault_create (vault_path, "owner", pass, &code, &error);
      if (vault != NULL)
        {
          /* The child starts with its parent's peak, and creating the vault ran Argon2id over
           * 64 MiB: Linux resets the peak on request, so it is the import's own. */
          int fd = open ("/proc/self/clear_refs", O_WRONLY);
          if (fd < 0 || write (fd, "5", 1) != 1)
            g_printerr ("bench-import: cannot reset the peak RSS; it includes the KDF\n");
          if (fd >= 0)
            close (fd);
          getrusage (RUSAGE_SELF, &ru);
          r.rss_before_kb = ru.ru_maxrss;
          start = g_get_monotonic_time ();
          r.ok = hf_vault_import_files (vault, paths, NULL, NULL, NULL, &result, &error);
          r.seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
          getrusage (RUSAGE_SELF, &ru);
          r.rss_peak_kb = ru.ru_maxrss;
          if (r.ok)
            r.added = result->added;
          hf_vault_lock (vault);
          g_object_unref (vault);
        }
      if (error != NULL)
        g_printerr ("bench-import: the import failed: %s\n", error->message);
      if (write (fds[1], &r, sizeof r) != sizeof r)
        _exit (2);
      _exit (r.ok ? 0 : 1);
    }
  close (fds[1]);
  if (pid < 0 || read (fds[0], report, sizeof *report) != sizeof *report)
    {
      close (fds[0]);
      return FALSE;
    }
  close (fds[0]);
  waitpid (pid, &status, 0);
  return report->ok && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* }}} */
/* {{{ queries */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *ms)
{
  g_array_sort (ms, compare_doubles);
  return g_array_index (ms, double, ms->len / 2);
}

static double
time_page (HfVault              *vault,
           const HfRecordCursor *after,
           guint                *rows)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < QUERY_ROUNDS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = NULL;
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      page = hf_record_store_query (vault, NULL, after, 50, &error);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      if (page == NULL)
        g_error ("bench-import: %s", error->message);
      *rows = page->len;
      g_array_append_val (ms, elapsed);
    }
  return median (ms);
}

static double
time_search (HfVault    *vault,
             const char *term,
             guint      *rows)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  gint64 began = g_get_monotonic_time ();

  /* A slow search is measured fewer times: at least 3, for up to 10 s. */
  for (guint i = 0; i < QUERY_ROUNDS / 4 &&
       (i < 3 || g_get_monotonic_time () - began < 10 * G_USEC_PER_SEC); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = NULL;
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      found = hf_record_store_search (vault, term, 50, &error);
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      if (found == NULL)
        g_error ("bench-import: %s", error->message);
      *rows = found->len;
      g_array_append_val (ms, elapsed);
    }
  return median (ms);
}

static gint64
fts_hits (sqlite3    *db,
          const char *term)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  sqlite3_prepare_v2 (db, "SELECT count(*) FROM resource_fts WHERE resource_fts MATCH ?", -1,
                      &stmt, NULL);
  sqlite3_bind_text (stmt, 1, term, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
measure_queries (const char *vault_path,
                 guint       n,
                 const char *common,
                 const char *rare)
{
  g_autoptr(HfSecret) pass = hf_secret_new_from_data (PASSPHRASE, strlen (PASSPHRASE));
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = hf_vault_open (vault_path, NULL, pass, &error);
  HfRecordCursor deep = { NULL, 0 };
  sqlite3_stmt *stmt = NULL;
  guint rows = 0;
  double first, deeper, t_common, t_rare;

  if (vault == NULL)
    g_error ("bench-import: %s", error->message);

  /* The cursor of the row halfway down the timeline, as paging there would leave it. */
  sqlite3_prepare_v2 (_hf_vault_get_db (vault),
                      "SELECT effective, id FROM resource WHERE superseded_by IS NULL "
                      "ORDER BY effective DESC, id DESC LIMIT 1 OFFSET ?", -1, &stmt, NULL);
  sqlite3_bind_int64 (stmt, 1, n / 2);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      deep.effective = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      deep.id = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);

  first = time_page (vault, NULL, &rows);
  printf ("  timeline page of 50, first:        %8.3f ms median (%u rows)\n", first, rows);
  deeper = time_page (vault, &deep, &rows);
  printf ("  timeline page of 50, at row %-7u %8.3f ms median (%u rows)\n", n / 2, deeper, rows);
  t_common = time_search (vault, common, &rows);
  printf ("  search “%s” (%" G_GINT64_FORMAT " matches):%*s%8.3f ms median (%u rows)\n", common,
          fts_hits (_hf_vault_get_db (vault), common), 1, "", t_common, rows);
  t_rare = time_search (vault, rare, &rows);
  printf ("  search “%s” (%" G_GINT64_FORMAT " matches):%*s%8.3f ms median (%u rows)\n", rare,
          fts_hits (_hf_vault_get_db (vault), rare), 1, "", t_rare, rows);
  printf ("  budgets at 1,000,000: page ≤ 5 ms, search ≤ 50 ms\n");
  hf_record_cursor_clear (&deep);
  hf_vault_lock (vault);
}

/* }}} */

static char *
cpu_model (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown CPU");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name") && strchr (lines[i], ':') != NULL)
      return g_strstrip (g_strdup (strchr (lines[i], ':') + 1));
  return g_strdup ("unknown CPU");
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_remove (path);
      }
  g_rmdir (dir);
}

static char *self_path;

/* measure_floor() in a new process of this program (main's --floor): one whose SQLite never
 * had our allocator. */
static double
floor_in_child (const char *dir,
                const char *ndjson,
                gboolean    secure,
                guint      *statements,
                gint64     *rows)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { self_path, "--floor", ndjson, "--floor-dir", dir,
                         secure ? "--floor-secure" : NULL, NULL };
  double seconds = 0;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                     &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("bench-import: the floor's process failed: %s", error->message);
  if (sscanf (out, "%lf %u %" G_GINT64_FORMAT, &seconds, statements, rows) != 3)
    g_error ("bench-import: the floor's process printed “%s”", out);
  return seconds;
}

static void
run (GPtrArray  *templates,
     guint       n,
     gboolean    floor,
     const char *common,
     const char *rare,
     gboolean    keep)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hf-bench-import-XXXXXX", &error);
  g_autofree char *ndjson = NULL;
  g_autofree char *vault_path = NULL;
  ChildReport ours = { 0 };
  guint64 bytes;
  double mb, floor_s = 0;
  gint64 start;

  if (dir == NULL)
    g_error ("bench-import: %s", error->message);
  ndjson = g_build_filename (dir, "resources.ndjson", NULL);
  vault_path = g_build_filename (dir, "bench.hfvault", NULL);

  start = g_get_monotonic_time ();
  bytes = bench_data_write_ndjson (templates, n, ndjson);
  mb = bytes / 1e6;
  printf ("\nimport: %u resources, %.1f MB of NDJSON (written in %.1f s)\n", n, mb,
          (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  if (!measure_import (vault_path, ndjson, &ours))
    {
      printf ("  ours: the import failed\n");
      if (!keep)
        remove_dir (dir);
      return;
    }
  printf ("  ours (hf_vault_import_files):      %7.2f s  %9.0f resources/s  %6.1f MB/s"
          "  (%" G_GUINT64_FORMAT " added)\n", ours.seconds, n / ours.seconds, mb / ours.seconds,
          ours.added);
  if (floor)
    {
      guint statements = 0;
      gint64 rows = 0;
      double secure_s;

      floor_s = floor_in_child (dir, ndjson, FALSE, &statements, &rows);
      printf ("  floor (json_each, %u INSERT … SELECT, SQLCipher's defaults): %7.2f s  "
              "%9.0f resources/s  %6.1f MB/s  (%" G_GINT64_FORMAT " rows)\n", statements, floor_s,
              n / floor_s, mb / floor_s, rows);
      secure_s = floor_in_child (dir, ndjson, TRUE, &statements, &rows);
      printf ("  floor with cipher_memory_security and the vault's PRAGMAs (reference): %7.2f s"
              "\n", secure_s);
      printf ("  ratio ours/floor: %.2f× (budget ≤ 1.5×); ours/reference floor: %.2f×\n",
              ours.seconds / floor_s, ours.seconds / secure_s);
    }
  printf ("  peak RSS of the importing process: %.1f MB (%.1f MB before the import; "
          "budget ≤ 150 MB)\n", ours.rss_peak_kb / 1024.0, ours.rss_before_kb / 1024.0);
  {
    GStatBuf st;
    if (g_stat (vault_path, &st) == 0)
      printf ("  vault file: %.1f MB\n", st.st_size / 1e6);
  }
  fflush (stdout);

  g_remove (ndjson);
  measure_queries (vault_path, n, common, rare);
  if (keep)
    printf ("  kept in %s\n", dir);
  else
    remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_auto(GStrv) sizes = NULL;
  g_autofree char *common = NULL;
  g_autofree char *rare = NULL;
  g_autofree char *model = NULL;
  g_autofree char *date = NULL;
  gboolean no_floor = FALSE;
  gboolean keep = FALSE;
  g_autofree char *floor_file = NULL;
  g_autofree char *floor_dir = NULL;
  gboolean floor_secure = FALSE;
  const char *data_dir;
  GOptionEntry entries[] = {
    { "n", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &sizes,
      "Resources to import (repeatable; default 100000 and 1000000)", "N" },
    { "no-floor", 0, 0, G_OPTION_ARG_NONE, &no_floor, "Skip the floor", NULL },
    { "common", 0, 0, G_OPTION_ARG_STRING, &common, "A common search term", "WORD" },
    { "rare", 0, 0, G_OPTION_ARG_STRING, &rare, "A rare search term", "WORD" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the vault and its folder", NULL },
    { "floor", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &floor_file, NULL, NULL },
    { "floor-dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &floor_dir, NULL, NULL },
    { "floor-secure", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &floor_secure, NULL, NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— how fast importing is, against SQLCipher's floor");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-import: %s\n", error->message);
      return 1;
    }
  if (floor_file != NULL)
    {
      guint statements = 0;
      gint64 rows = 0;
      double seconds;

      if (sodium_init () < 0)
        return 1;
      seconds = measure_floor (floor_dir, floor_file, floor_secure, &statements, &rows);
      printf ("%f %u %" G_GINT64_FORMAT "\n", seconds, statements, rows);
      return 0;
    }
  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (common == NULL)
    common = g_strdup ("encounter");
  if (rare == NULL)
    rare = g_strdup ("anaphylaxis");

  g_setenv ("HF_KDF_MINIMUM", "1", TRUE);
  g_unsetenv ("HF_TEST_CRASH_AT");
  if (!hf_core_init ())
    {
      g_printerr ("bench-import: could not initialise libsodium\n");
      return 1;
    }
  data_dir = g_getenv ("HF_TEST_DATA");
  if (data_dir == NULL)
    data_dir = HF_BENCH_DATA_DIR;

  now = g_date_time_new_now_utc ();
  date = g_date_time_format (now, "%Y-%m-%d %H:%M UTC");
  model = cpu_model ();
  printf ("import: machine: %u CPUs, %s; %s; SQLCipher over SQLite %s\n",
          g_get_num_processors (), model, date, sqlite3_libversion ());
  templates = bench_data_load_templates (data_dir);
  printf ("import: %u template resources\n", templates->len);

  if (sizes == NULL)
    {
      run (templates, 100000, !no_floor, common, rare, keep);
      run (templates, 1000000, !no_floor, common, rare, keep);
    }
  else
    for (guint i = 0; sizes[i] != NULL; i++)
      {
        guint64 n;
        if (!g_ascii_string_to_unsigned (sizes[i], 10, 1, G_MAXUINT32, &n, &error))
          {
            g_printerr ("bench-import: --n: %s\n", error->message);
            return 1;
          }
        run (templates, n, !no_floor, common, rare, keep);
      }
  return 0;
}
