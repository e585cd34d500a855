/* test-leak.c — plaintext never reaches the disk, and key material never reaches a core file
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A distinctive canary is written into an open vault, then SQLite is pushed into everything
 * that can spill to a temporary file (a VACUUM, a sort far larger than the page cache, DISTINCT,
 * CREATE INDEX). SQLite unlinks its temporary files as soon as it opens them, so looking at the
 * folder afterwards would miss them: a progress handler looks at every file the process has
 * open while the statements run, deleted ones included, and reads them. Afterwards every file
 * in the vault's folder is read too. The canary must appear nowhere, in UTF-8 or UTF-16LE.
 * A control test runs the same work on a plain SQLite database with temporary files allowed,
 * and requires the detector to find the canary there, so the main test can fail.
 */

#define _GNU_SOURCE   /* memmem */

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-audit.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASSPHRASE "leak test passphrase"
#define N_ROWS     200000

/* {{{ the canary and where it may hide */

typedef struct
{
  char   *utf8;
  char   *utf16;
  gsize   utf16_len;
} Canary;

static void
canary_init (Canary *canary)
{
  g_autoptr(GError) error = NULL;

  canary->utf8 = g_strdup_printf ("CANARY-Echevarría-7f3a-%08x%08x%08x", g_random_int (),
                                  g_random_int (), g_random_int ());
  canary->utf16 = g_convert (canary->utf8, -1, "UTF-16LE", "UTF-8", NULL, &canary->utf16_len,
                             &error);
  g_assert_no_error (error);
}

static void
canary_clear (Canary *canary)
{
  g_free (canary->utf8);
  g_free (canary->utf16);
}

/* Where in DATA the canary is, in either encoding; NULL if nowhere. */
static const char *
canary_find (const Canary *canary,
             const char   *data,
             gsize         size)
{
  if (memmem (data, size, canary->utf8, strlen (canary->utf8)) != NULL)
    return "UTF-8";
  if (memmem (data, size, canary->utf16, canary->utf16_len) != NULL)
    return "UTF-16LE";
  return NULL;
}

typedef struct
{
  guint  files;
  gsize  bytes;
  char  *leak;       /* the first file the canary was found in, and how */
} FolderScan;

static void
scan_folder (const Canary *canary,
             const char   *dir,
             FolderScan   *scan)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      const char *how;
      struct stat st;
      gsize size = 0;

      g_assert_cmpint (lstat (path, &st), ==, 0);
      if (S_ISDIR (st.st_mode))
        {
          scan_folder (canary, path, scan);
          continue;
        }
      if (!S_ISREG (st.st_mode))
        continue;
      g_file_get_contents (path, &data, &size, &error);
      g_assert_no_error (error);
      scan->files++;
      scan->bytes += size;
      how = canary_find (canary, data, size);
      if (how != NULL && scan->leak == NULL)
        scan->leak = g_strdup_printf ("%s (%s)", name, how);
    }
}

/* }}} */

/* {{{ a spy on the files the process has open */

typedef struct
{
  const Canary *canary;
  const char   *dir;          /* the vault's folder */
  GPtrArray    *known;        /* the vault's own files, checked afterwards */
  GHashTable   *sizes;        /* inode → size when last read */
  guint         calls;
  guint         temp_files;   /* distinct temporary files seen open */
  char         *leak;
} Spy;

static void
spy_init (Spy          *spy,
          const Canary *canary,
          const char   *dir)
{
  memset (spy, 0, sizeof *spy);
  spy->canary = canary;
  spy->dir = dir;
  spy->known = g_ptr_array_new_with_free_func (g_free);
  spy->sizes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
spy_clear (Spy *spy)
{
  g_ptr_array_unref (spy->known);
  g_hash_table_unref (spy->sizes);
  g_free (spy->leak);
}

static gboolean
spy_is_known (Spy        *spy,
              const char *target)
{
  for (guint i = 0; i < spy->known->len; i++)
    if (g_str_equal (target, g_ptr_array_index (spy->known, i)))
      return TRUE;
  return FALSE;
}

/* A file SQLite (or anything) opened that is not one of the vault's own: deleted, or in the
 * vault's folder under another name. Reads it through /proc if it grew since last time. */
static void
spy_look (Spy *spy)
{
  g_autoptr(GDir) d = g_dir_open ("/proc/self/fd", 0, NULL);
  g_autofree char *prefix = g_strconcat (spy->dir, "/", NULL);
  const char *name;

  spy->calls++;
  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);
      g_autofree char *data = NULL;
      gsize size = 0;
      struct stat st;
      gint64 inode;
      gpointer last;
      const char *how;

      if (target == NULL || target[0] != '/' || g_str_has_prefix (target, "/memfd:") ||
          g_str_has_prefix (target, "/dev/") || g_str_has_prefix (target, "/proc/"))
        continue;
      if (!g_str_has_suffix (target, " (deleted)") &&
          !(g_str_has_prefix (target, prefix) && !spy_is_known (spy, target)))
        continue;
      if (stat (link, &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      inode = (gint64) st.st_ino;
      if (!g_hash_table_lookup_extended (spy->sizes, &inode, NULL, &last))
        {
          spy->temp_files++;
          g_test_message ("temporary file open: %s", target);
          last = GSIZE_TO_POINTER (G_MAXSIZE);
        }
      if (GPOINTER_TO_SIZE (last) == (gsize) st.st_size)
        continue;
      g_hash_table_insert (spy->sizes, g_memdup2 (&inode, sizeof inode),
                           GSIZE_TO_POINTER ((gsize) st.st_size));

      if (!g_file_get_contents (link, &data, &size, NULL))
        continue;
      how = canary_find (spy->canary, data, size);
      if (how != NULL && spy->leak == NULL)
        spy->leak = g_strdup_printf ("%s (%s)", target, how);
    }
}

static int
spy_progress (gpointer data)
{
  spy_look (data);
  return 0;
}

/* }}} */

/* {{{ the work that could spill */

static void
exec_ok (sqlite3    *db,
         const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("“%s” failed: %s", sql, msg);
}

/* N_ROWS rows of the canary and random text; then VACUUM, a sort and a DISTINCT far larger
 * than a 1 MB page cache, and an index, with the spy looking throughout. */
static void
spill_work (sqlite3      *db,
            const Canary *canary,
            Spy          *spy)
{
  g_autofree char *like = g_strconcat (canary->utf8, "%", NULL);
  sqlite3_stmt *stmt = NULL;

  sqlite3_progress_handler (db, 20000, spy_progress, spy);

  exec_ok (db, "CREATE TABLE canary (t TEXT)");
  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2) "
    "INSERT INTO canary (t) SELECT ?1 || ' ' || hex (randomblob (24)) || ' ' || i FROM n",
    -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, canary->utf8, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, N_ROWS);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  /* It is really there. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM canary WHERE t LIKE ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, like, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, N_ROWS);
  sqlite3_finalize (stmt);

  exec_ok (db, "VACUUM");
  exec_ok (db, "PRAGMA cache_size = -1000");

  /* Without a LIMIT (which would let SQLite keep just one row): the whole table is sorted
   * before the first row comes back. The spy looks once more while the sorter is alive. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT t FROM canary ORDER BY random ()", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_true (g_str_has_prefix ((const char *) sqlite3_column_text (stmt, 0), canary->utf8));
  spy_look (spy);
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
    "SELECT count(*) FROM (SELECT DISTINCT substr (t, length (?1) + 2) FROM canary)", -1,
    &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, canary->utf8, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, N_ROWS);
  sqlite3_finalize (stmt);

  exec_ok (db, "CREATE INDEX canary_t ON canary (t)");

  sqlite3_progress_handler (db, 0, NULL, NULL);
  spy_look (spy);
}

/* }}} */

static void
restore_env (const char *name,
             const char *value)
{
  if (value != NULL)
    g_setenv (name, value, TRUE);
  else
    g_unsetenv (name);
}

static void
test_canary (HfTestDir    *td,
             gconstpointer data)
{
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_tmpdir = g_strdup (g_getenv ("TMPDIR"));
  g_autofree char *saved_sqlite_tmpdir = g_strdup (g_getenv ("SQLITE_TMPDIR"));
  FolderScan open_scan = { 0 }, locked_scan = { 0 };
  Canary canary;
  Spy spy;
  struct stat st;

  /* Any temporary file SQLite makes goes here, where the scan will see it if it survives.
   * SQLite reads these when it initialises, so this test runs first in this program. */
  g_setenv ("TMPDIR", td->dir, TRUE);
  g_setenv ("SQLITE_TMPDIR", td->dir, TRUE);

  canary_init (&canary);
  spy_init (&spy, &canary, td->dir);
  g_ptr_array_add (spy.known, g_strdup (td->vault));
  g_ptr_array_add (spy.known, g_strconcat (td->vault, "-wal", NULL));
  g_ptr_array_add (spy.known, g_strconcat (td->vault, "-shm", NULL));

  vault = hf_vault_create (td->vault, "owner", passphrase, &code, &error);
  g_assert_no_error (error);

  hf_audit_log (vault, "note", canary.utf8, &error);
  g_assert_no_error (error);

  spill_work (_hf_vault_get_db (vault), &canary, &spy);

  hf_audit_log (vault, "note", canary.utf8, &error);
  g_assert_no_error (error);
  entries = hf_audit_list (vault, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((HfAuditEntry *) g_ptr_array_index (entries, entries->len - 1))->detail, ==,
                   canary.utf8);

  /* While open: the write-ahead log holds the latest pages. */
  scan_folder (&canary, td->dir, &open_scan);
  g_test_message ("open: %u files, %" G_GSIZE_FORMAT " bytes", open_scan.files, open_scan.bytes);
  if (open_scan.leak != NULL)
    g_error ("the canary is on disk in plain text, in %s", open_scan.leak);

  hf_vault_lock (vault);

  scan_folder (&canary, td->dir, &locked_scan);
  g_test_message ("locked: %u files, %" G_GSIZE_FORMAT " bytes; the spy looked %u times and saw "
                  "%u temporary files", locked_scan.files, locked_scan.bytes, spy.calls,
                  spy.temp_files);
  if (locked_scan.leak != NULL)
    g_error ("the canary is on disk in plain text, in %s", locked_scan.leak);
  if (spy.leak != NULL)
    g_error ("the canary was written in plain text to %s", spy.leak);

  /* Something was written and looked at: the test could have failed. */
  g_assert_cmpint (stat (td->vault, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1024 * 1024);
  g_assert_cmpuint (locked_scan.bytes, >=, (gsize) st.st_size);
  g_assert_cmpuint (spy.calls, >, 10);

  spy_clear (&spy);
  canary_clear (&canary);
  g_free (open_scan.leak);
  g_free (locked_scan.leak);

  /* The folder goes away with this test; later ones and their subprocesses need a real one. */
  restore_env ("TMPDIR", saved_tmpdir);
  restore_env ("SQLITE_TMPDIR", saved_sqlite_tmpdir);
}

/* The same work on a plain database that may use temporary files: the detectors must find the
 * canary, or the test above proves nothing. */
static void
test_detector_control (HfTestDir    *td,
                       gconstpointer data)
{
  g_autofree char *path = g_build_filename (td->dir, "plain.db", NULL);
  FolderScan scan = { 0 };
  sqlite3 *db = NULL;
  Canary canary;
  Spy spy;

  canary_init (&canary);
  spy_init (&spy, &canary, td->dir);
  g_ptr_array_add (spy.known, g_strdup (path));

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  exec_ok (db, "PRAGMA temp_store = FILE");
  spill_work (db, &canary, &spy);
  sqlite3_close (db);

  scan_folder (&canary, td->dir, &scan);
  g_test_message ("control: the spy looked %u times, saw %u temporary files, found %s; the "
                  "folder scan found %s", spy.calls, spy.temp_files,
                  spy.leak ? spy.leak : "nothing", scan.leak ? scan.leak : "nothing");
  g_assert_nonnull (scan.leak);
  g_assert_true (g_str_has_prefix (scan.leak, "plain.db"));
  g_assert_cmpuint (spy.temp_files, >, 0);
  g_assert_nonnull (spy.leak);

  spy_clear (&spy);
  canary_clear (&canary);
  g_free (scan.leak);
}

/* {{{ core dumps */

/* Gives a child a core-file limit above 0, where the system lets us, so that a CLI that did
 * not lower it again would be caught. Runs between fork and exec: async-signal-safe calls. */
static void
allow_core_files (gpointer data)
{
  struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

  if (setrlimit (RLIMIT_CORE, &rl) != 0 && getrlimit (RLIMIT_CORE, &rl) == 0)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_CORE, &rl);
    }
}

static gboolean
core_files_possible (void)
{
  struct rlimit rl;

  return geteuid () == 0 || (getrlimit (RLIMIT_CORE, &rl) == 0 && rl.rlim_max > 0);
}

static void
test_core_dumps_in_process (void)
{
  struct rlimit rl;

  if (g_test_subprocess ())
    {
      allow_core_files (NULL);
      /* A freshly started process is dumpable. */
      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);

      hf_secure_disable_core_dumps ();

      g_assert_cmpint (getrlimit (RLIMIT_CORE, &rl), ==, 0);
      g_assert_cmpuint (rl.rlim_cur, ==, 0);
      g_assert_cmpuint (rl.rlim_max, ==, 0);
      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static char *
proc_read (const char *pid,
           const char *file)
{
  g_autofree char *path = g_build_filename ("/proc", pid, file, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

/* Waits until the process sleeps in a read of its pipe (or, where /proc/PID/wchan is not
 * readable, sleeps at all for a while). */
static void
wait_until_blocked (const char *pid)
{
  gint64 start = g_get_monotonic_time ();

  while (g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    {
      g_autofree char *wchan = proc_read (pid, "wchan");
      g_autofree char *stat = proc_read (pid, "stat");
      const char *state = stat ? strrchr (stat, ')') : NULL;
      gboolean sleeping = state != NULL && state[1] == ' ' && state[2] == 'S';

      if (wchan != NULL && strstr (wchan, "pipe_read") != NULL)
        return;
      if (sleeping && g_get_monotonic_time () - start > 200 * 1000 &&
          (wchan == NULL || g_str_equal (wchan, "0") || wchan[0] == '\0'))
        return;
      g_usleep (10 * 1000);
    }
  g_error ("healthfolio-cli never waited for its passphrase");
}

static void
test_core_dumps_cli (HfTestDir *td)
{
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limits = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const char *pid;
  gboolean found = FALSE;
  int fds[2];
  struct stat st;
  g_autofree char *proc_dir = NULL;

  vault = hf_vault_create (td->vault, "owner", passphrase, &code, &error);
  g_assert_no_error (error);
  hf_vault_lock (vault);

  g_unix_open_pipe (fds, FD_CLOEXEC, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_take_fd (launcher, fds[0], 3);
  g_subprocess_launcher_set_child_setup (launcher, allow_core_files, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, hf_test_cli_path (), "--vault", td->vault,
                                      "--passphrase-fd", "3", "vault", "info", NULL);
  g_assert_no_error (error);
  pid = g_subprocess_get_identifier (proc);
  g_assert_nonnull (pid);

  /* It is waiting for the passphrase, long after main() began. */
  wait_until_blocked (pid);

  limits = proc_read (pid, "limits");
  g_assert_nonnull (limits);
  lines = g_strsplit (limits, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;

      if (!g_str_has_prefix (lines[i], "Max core file size"))
        continue;
      fields = g_strsplit_set (lines[i] + strlen ("Max core file size"), " \t", -1);
      {
        g_autoptr(GPtrArray) values = g_ptr_array_new ();
        for (guint k = 0; fields[k] != NULL; k++)
          if (fields[k][0] != '\0')
            g_ptr_array_add (values, fields[k]);
        g_test_message ("healthfolio-cli: %s", lines[i]);
        g_assert_cmpuint (values->len, >=, 2);
        g_assert_cmpstr (g_ptr_array_index (values, 0), ==, "0");
        g_assert_cmpstr (g_ptr_array_index (values, 1), ==, "0");
      }
      found = TRUE;
    }
  g_assert_true (found);
  if (!core_files_possible ())
    g_test_message ("core files are off for this user anyway; the limit check shows little");

  /* A process that is not dumpable has its /proc entries owned by root. */
  proc_dir = g_build_filename ("/proc", pid, NULL);
  g_assert_cmpint (stat (proc_dir, &st), ==, 0);
  if (geteuid () != 0)
    g_assert_cmpuint (st.st_uid, ==, 0);

  g_assert_cmpint (write (fds[1], PASSPHRASE "\n", strlen (PASSPHRASE) + 1), ==,
                   (gssize) strlen (PASSPHRASE) + 1);
  close (fds[1]);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (out, "Vault:"));
}

static void
test_core_dumps (HfTestDir    *td,
                 gconstpointer data)
{
  test_core_dumps_in_process ();
  if (!g_test_subprocess ())
    test_core_dumps_cli (td);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, HfTestDir, NULL, hf_test_dir_setup, func, hf_test_dir_teardown)

  ADD ("/hf/leak/canary", test_canary);
  ADD ("/hf/leak/detector-control", test_detector_control);
  ADD ("/hf/leak/core-dumps", test_core_dumps);

#undef ADD

  return g_test_run ();
}
