/* test-hostile.c — the hostile corpus through the real healthfolio-cli import
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/data/hostile (made by build-aux/gen-hostile.py) lists files an importer must refuse or
 * accept per FHIR R4 and RFC 8259. One vault holding one person's record (a Synthea patient,
 * and the bulk NDJSON fixtures' records about nobody: organizations, practitioners) is made once; each case imports into a copy of it with the real binary, under a time limit, so
 * a crash or a hang fails that case and the others still run (the test runs with -k).
 *
 * invalid: exit code 3, nothing on stdout, one line on stderr that is one sentence in valid
 *   UTF-8 (naming the file, when the case is a file), and then the vault as it was: the counts
 *   `stats --json` prints, an activity log whose chain verifies and which holds the old entries
 *   unchanged plus only unlocks and locks, and every row of every table (records, history,
 *   provenance, search index, sources) the same.
 * invalid-open: as invalid, by a check not built yet (its issue is in the description): a
 * case that is not refused yet is reported as incomplete (TODO), not as a failure.
 * valid: exit code 0 and a log that verifies; where stored/STEM.json lists the texts the
 *   import must store, the new records are exactly those texts, each under the resourceType
 *   and id it holds (for span decoys, read back with `show --raw` too).
 *
 * Every unlock costs the KDF's 64 MiB floor (HF_KDF_MINIMUM), about 0.2 s, so a case unlocks
 * twice: the import, and one in-process open that reads everything with the core's own calls.
 * The first case of each category also runs `stats --json` and `audit verify` through the CLI.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hf-audit.h"
#include "hf-json-util.h"
#include "hf-records.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS "hostile: a long test passphrase 42"
#define GIANT (64 * 1024 * 1024 + 1)

typedef struct
{
  char     *file;         /* a name in tests/data/hostile, or "@recipe" */
  gboolean  valid;
  gboolean  open;         /* invalid, by a check that is not built yet: incomplete, not failed */
  char     *category;
  char     *description;
} Case;

/* What a vault holds, as far as a refused import must leave it alone. */
typedef struct
{
  char       *stats;      /* the counts `stats --json` prints, from the same core calls */
  char       *digest;     /* of every table but meta and audit */
  GPtrArray  *audit;      /* the activity log, one text per entry */
  GHashTable *ids;        /* the current records' ids */
} State;

static void
state_clear (State *state)
{
  g_clear_pointer (&state->stats, g_free);
  g_clear_pointer (&state->digest, g_free);
  g_clear_pointer (&state->audit, g_ptr_array_unref);
  g_clear_pointer (&state->ids, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (State, state_clear)

/* The vault every case starts from, made once. */
static struct
{
  HfTestDir   td;
  char       *pass_file;
  char       *cli_stats;  /* `--json stats` */
  State       state;
  gboolean    ready;
} base;

/* Categories that have had one case checked through the CLI as well. */
static GHashTable *cli_checked;

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

/* NAME without its extension. */
static char *
stem_of (const char *name)
{
  const char *dot = strrchr (name, '.');

  return dot ? g_strndup (name, dot - name) : g_strdup (name);
}

static guint
time_limit (const Case *c)
{
  const char *env = g_getenv ("HF_HOSTILE_TIMEOUT");
  guint seconds = env ? (guint) atoi (env) : 10;

  /* Strings of 64 MiB take a while to write, hash and scan. */
  return g_str_equal (c->category, "giant") ? MAX (seconds, 120) : MAX (seconds, 1);
}

/* {{{ running the CLI under a time limit */

typedef struct
{
  GBytes   *out;
  GBytes   *err;
  GError   *error;
  gboolean  done;
} Communication;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communication *c = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &c->out, &c->err, &c->error);
  c->done = TRUE;
}

static gboolean
expired_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef struct
{
  int       status;       /* the exit status, if it exited */
  int       signal;       /* the signal that ended it, or 0 */
  gboolean  hung;         /* killed at the time limit */
  char     *out;
  char     *err;          /* bytes as written, NUL-terminated */
  gsize     err_length;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* TEXT as one line of valid UTF-8, for messages. */
static char *
printable (const char *text,
           gsize       length)
{
  char *line = g_utf8_make_valid (text, length);

  g_strchomp (line);
  g_strdelimit (line, "\r\n", ' ');
  return line;
}

/* Runs healthfolio-cli on VAULT (NULL: no --vault) with ARGS; stdin is /dev/null. */
static void
run_cli (const char         *vault,
         const char * const *args,
         guint               seconds,
         Run                *r)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GError) error = NULL;
  Communication c = { 0 };
  gboolean expired = FALSE;
  const char *data;
  gsize length = 0;

  memset (r, 0, sizeof *r);
  g_ptr_array_add (argv, (gpointer) hf_test_cli_path ());
  if (vault != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--vault");
      g_ptr_array_add (argv, (gpointer) vault);
      g_ptr_array_add (argv, (gpointer) "--passphrase-file");
      g_ptr_array_add (argv, base.pass_file);
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_main_context_push_thread_default (context);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_async (proc, NULL, NULL, communicated_cb, &c);
  timeout = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (timeout, expired_cb, &expired, NULL);
  g_source_attach (timeout, context);
  while (!c.done && !expired)
    g_main_context_iteration (context, TRUE);
  if (!c.done)
    {
      r->hung = TRUE;
      g_subprocess_force_exit (proc);
      while (!c.done)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_subprocess_wait (proc, NULL, NULL);
  g_main_context_pop_thread_default (context);
  g_assert_no_error (c.error);

  if (g_subprocess_get_if_signaled (proc))
    r->signal = g_subprocess_get_term_sig (proc);
  else
    r->status = g_subprocess_get_exit_status (proc);
  data = g_bytes_get_data (c.out, &length);
  r->out = g_strndup (data != NULL ? data : "", length);
  r->err = g_malloc (g_bytes_get_size (c.err) + 1);
  r->err_length = g_bytes_get_size (c.err);
  if (r->err_length > 0)
    memcpy (r->err, g_bytes_get_data (c.err, NULL), r->err_length);
  r->err[r->err_length] = '\0';
  g_bytes_unref (c.out);
  g_bytes_unref (c.err);
}

/* Runs a quick command that must succeed; returns its stdout, or NULL and why in PROBLEMS. */
static char *
run_ok (const char *vault,
        GString    *problems,
        const char *first,
        ...) G_GNUC_NULL_TERMINATED;

static char *
run_ok (const char *vault,
        GString    *problems,
        const char *first,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *command = NULL;
  Run r;
  char *out = NULL;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  run_cli (vault, (const char * const *) args->pdata, 60, &r);
  if (r.signal == 0 && !r.hung && r.status == 0)
    out = g_steal_pointer (&r.out);
  else
    {
      g_autofree char *said = printable (r.err, r.err_length);
      command = g_strjoinv (" ", (char **) args->pdata);
      g_string_append_printf (problems, "“%s” afterwards failed (exit %d, signal %d): %s; ",
                              command, r.status, r.signal, said);
    }
  run_clear (&r);
  return out;
}

/* }}} */
/* {{{ what a vault holds */

static HfVault *
open_vault (const char *path,
            GError    **error)
{
  g_autoptr(HfSecret) secret = hf_test_secret (PASS);

  return hf_vault_open (path, NULL, secret, error);
}

static void
append_value (GString      *row,
              sqlite3_stmt *stmt,
              int           col)
{
  switch (sqlite3_column_type (stmt, col))
    {
    case SQLITE_NULL:
      g_string_append (row, "N|");
      break;
    case SQLITE_INTEGER:
      g_string_append_printf (row, "I%lld|", (long long) sqlite3_column_int64 (stmt, col));
      break;
    case SQLITE_FLOAT:
      g_string_append_printf (row, "F%.17g|", sqlite3_column_double (stmt, col));
      break;
    default:
      {
        const void *bytes = sqlite3_column_blob (stmt, col);
        int n = sqlite3_column_bytes (stmt, col);
        g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, n);
        g_string_append_printf (row, "B%d:%s|", n, sum);
      }
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A digest of every row of each ordinary table but meta (unlock counters) and audit (compared
 * entry by entry): the records as stored, their history, provenance, search index and sources.
 * Returns "table\tdigest" lines, sorted by table. */
static char *
digest_tables (sqlite3  *db,
               GError  **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) digests = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                           "name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' AND "
                           "name NOT IN ('meta', 'audit') ORDER BY name", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "listing tables: %s",
                   sqlite3_errmsg (db));
      return NULL;
    }
  g_assert_cmpuint (tables->len, >, 3);

  for (guint t = 0; t < tables->len; t++)
    {
      const char *table = g_ptr_array_index (tables, t);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", table);
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

      rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
          {
            GString *row = g_string_new (NULL);
            for (int col = 0; col < sqlite3_column_count (stmt); col++)
              append_value (row, stmt, col);
            g_ptr_array_add (rows, g_string_free (row, FALSE));
          }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "reading %s: %s", table,
                       sqlite3_errmsg (db));
          return NULL;
        }
      /* Rows in any order: a table without rowid has no other. */
      g_ptr_array_sort (rows, compare_strings);
      for (guint i = 0; i < rows->len; i++)
        g_checksum_update (sum, g_ptr_array_index (rows, i), -1);
      g_string_append_printf (digests, "%s\t%u rows\t%s\n", table, rows->len,
                              g_checksum_get_string (sum));
    }
  return g_string_free (g_steal_pointer (&digests), FALSE);
}

/* The tables whose digest lines differ between BEFORE and AFTER, as a phrase. */
static char *
changed_tables (const char *before,
                const char *after)
{
  g_auto(GStrv) a = g_strsplit (before, "\n", -1);
  g_auto(GStrv) b = g_strsplit (after, "\n", -1);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; b[i] != NULL; i++)
    if (*b[i] != '\0' && !g_strv_contains ((const char * const *) a, b[i]))
      g_string_append_printf (names, "%s%.*s", names->len ? ", " : "",
                              (int) strcspn (b[i], "\t"), b[i]);
  for (guint i = 0; a[i] != NULL; i++)
    if (*a[i] != '\0' && !g_strv_contains ((const char * const *) b, a[i]))
      {
        g_autofree char *name = g_strndup (a[i], strcspn (a[i], "\t"));
        if (strstr (names->str, name) == NULL)
          g_string_append_printf (names, "%s%s", names->len ? ", " : "", name);
      }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The activity log, one text per entry: seq, time, actor, action, detail, MAC. */
static GPtrArray *
read_audit (sqlite3 *db)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT seq, time, actor, action, detail, hex(mac) "
                                       "FROM audit ORDER BY seq", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (entries, g_strdup_printf ("%lld\t%lld\t%s\t%s\t%s\t%s",
                                               (long long) sqlite3_column_int64 (stmt, 0),
                                               (long long) sqlite3_column_int64 (stmt, 1),
                                               sqlite3_column_text (stmt, 2),
                                               sqlite3_column_text (stmt, 3),
                                               sqlite3_column_text (stmt, 4),
                                               sqlite3_column_text (stmt, 5)));
  sqlite3_finalize (stmt);
  return entries;
}

static const char *
audit_action (const char *entry)
{
  static char action[64];
  g_auto(GStrv) parts = g_strsplit (entry, "\t", 5);

  g_strlcpy (action, g_strv_length (parts) >= 4 ? parts[3] : "", sizeof action);
  return action;
}

/* The current records' ids. */
static GHashTable *
record_ids (HfVault  *vault,
            GError  **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  HfRecordFilter filter = { .all = TRUE };   /* billing and the directory too */
  HfRecordCursor cursor = { NULL };
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(GPtrArray) rows = hf_record_store_query (vault, &filter,
                                                         cursor.effective ? &cursor : NULL,
                                                         500, error);
      if (rows == NULL)
        {
          hf_record_cursor_clear (&cursor);
          return NULL;
        }
      for (guint i = 0; i < rows->len; i++)
        g_hash_table_add (ids, g_memdup2 (&((HfRecordRow *) g_ptr_array_index (rows, i))->id,
                                          sizeof (gint64)));
      more = rows->len == 500;
      if (more)
        hf_record_cursor_set (&cursor, g_ptr_array_index (rows, rows->len - 1));
    }
  hf_record_cursor_clear (&cursor);
  return g_steal_pointer (&ids);
}

/* The counts of `stats --json`: per type, the total and the files imported. */
static char *
core_stats (HfVault  *vault,
            GError  **error)
{
  guint64 total = 0, imports;
  g_autoptr(GHashTable) counts = hf_record_store_stats (vault, &total, error);
  g_autoptr(GList) types = NULL;
  GString *text;

  if (counts == NULL)
    return NULL;
  imports = hf_record_store_count_provenance (vault, error);
  if (*error != NULL)
    return NULL;
  text = g_string_new (NULL);
  g_string_append_printf (text, "total %" G_GUINT64_FORMAT ", imports %" G_GUINT64_FORMAT,
                          total, imports);
  types = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);
  for (GList *l = types; l != NULL; l = l->next)
    g_string_append_printf (text, ", %s %d", (char *) l->data,
                            GPOINTER_TO_INT (g_hash_table_lookup (counts, l->data)));
  return g_string_free (text, FALSE);
}

/* Opens the vault at PATH, verifies its activity log and reads STATE; returns the vault,
 * still open, or NULL with why in PROBLEMS. */
static HfVault *
read_state (const char *path,
            State      *state,
            GString    *problems)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) broken = NULL;
  g_autoptr(GError) error = NULL;
  guint entries = 0;

  vault = open_vault (path, &error);
  if (vault == NULL)
    {
      g_string_append_printf (problems, "the vault does not open any more: %s; ",
                              error->message);
      return NULL;
    }
  if (!hf_audit_verify (vault, &broken, &entries, &error))
    {
      g_string_append_printf (problems, "the activity log cannot be verified: %s; ",
                              error->message);
      return NULL;
    }
  if (broken->len > 0)
    g_string_append_printf (problems, "the activity log's chain is broken: %s; ",
                            ((HfAuditProblem *) g_ptr_array_index (broken, 0))->message);
  if ((state->stats = core_stats (vault, &error)) == NULL ||
      (state->digest = digest_tables (_hf_vault_get_db (vault), &error)) == NULL ||
      (state->ids = record_ids (vault, &error)) == NULL)
    {
      g_string_append_printf (problems, "the vault cannot be read: %s; ", error->message);
      return NULL;
    }
  state->audit = read_audit (_hf_vault_get_db (vault));
  return g_steal_pointer (&vault);
}

/* }}} */
/* {{{ the base vault */

static void
ensure_base (void)
{
  g_autofree char *carla = data_path ("synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-"
                                      "bb58458fd674.json");
  g_autofree char *locations = data_path ("bulk-ndjson/Location.000.ndjson");
  g_autofree char *organizations = data_path ("bulk-ndjson/Organization.000.ndjson");
  g_autofree char *practitioners = data_path ("bulk-ndjson/Practitioner.000.ndjson");
  g_autofree char *roles = data_path ("bulk-ndjson/PractitionerRole.000.ndjson");
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(JsonNode) stats = NULL;
  const char *create[] = { "vault", "create", NULL };
  Run r;

  if (base.ready)
    return;
  hf_test_dir_setup (&base.td, NULL);
  base.pass_file = hf_test_write_file (&base.td, "pass.txt", PASS "\n");
  run_cli (base.td.vault, create, 60, &r);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  g_free (run_ok (base.td.vault, problems, "import", carla, locations, organizations,
                 practitioners, roles, NULL));
  base.cli_stats = run_ok (base.td.vault, problems, "--json", "stats", NULL);
  if (problems->len == 0)
    vault = read_state (base.td.vault, &base.state, problems);
  if (problems->len > 0)
    g_error ("the base vault could not be made: %s", problems->str);
  hf_vault_lock (vault);

  /* The core's counts are the ones the CLI prints. */
  stats = json_from_string (base.cli_stats, NULL);
  g_assert_nonnull (stats);
  {
    g_autofree char *total = g_strdup_printf ("total %" G_GINT64_FORMAT ", imports %"
                                              G_GINT64_FORMAT ",",
                                              json_object_get_int_member (
                                                json_node_get_object (stats), "total"),
                                              json_object_get_int_member (
                                                json_node_get_object (stats), "imports"));
    g_assert_true (g_str_has_prefix (base.state.stats, total));
  }
  g_assert_cmpuint (g_hash_table_size (base.state.ids), >, 300);
  g_test_message ("base vault: %s; %u log entries", base.state.stats, base.state.audit->len);
  cli_checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  base.ready = TRUE;
}

static void
copy_base (HfTestDir *td)
{
  g_autofree char *wal = g_strconcat (base.td.vault, "-wal", NULL);

  hf_test_copy (base.td.vault, td->vault);
  hf_test_copy (base.td.keys, td->keys);
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_autofree char *to = g_strconcat (td->vault, "-wal", NULL);
      hf_test_copy (wal, to);
    }
}

/* }}} */
/* {{{ recipes: what git cannot hold */

static const char OBSERVATION[] =
  "{\"resourceType\":\"Observation\",\"id\":\"hostile-folder\",\"status\":\"final\","
  "\"code\":{\"text\":\"Heart rate\"},\"valueQuantity\":{\"value\":72,\"unit\":\"/min\"}}\n";

static void
write_giant (const char *path,
             const char *head,
             char        fill,
             const char *tail)
{
  g_autofree char *chunk = g_malloc (1 << 20);
  FILE *f = fopen (path, "wb");
  gsize left = GIANT;

  g_assert_nonnull (f);
  memset (chunk, fill, 1 << 20);
  fputs (head, f);
  while (left > 0)
    {
      gsize n = MIN (left, (gsize) 1 << 20);
      g_assert_cmpuint (fwrite (chunk, 1, n, f), ==, n);
      left -= n;
    }
  fputs (tail, f);
  g_assert_cmpint (fclose (f), ==, 0);
}

static char *
nest_folders (const char *top,
              guint       levels)
{
  char *dir = g_strdup (top);

  for (guint i = 1; i <= levels; i++)
    {
      char *next = g_strdup_printf ("%s/d%02u", dir, i);
      g_free (dir);
      dir = next;
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* Builds the recipe NAME in DIR; returns the path to import. */
static char *
build_recipe (const char *dir,
              const char *name)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (name, "fifo"))
    {
      char *path = g_build_filename (dir, "pipe.json", NULL);
      g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      return path;
    }
  if (g_str_equal (name, "socket"))
    {
      char *path = g_build_filename (dir, "socket.json", NULL);
      struct sockaddr_un addr = { .sun_family = AF_UNIX };
      int fd = socket (AF_UNIX, SOCK_STREAM, 0);

      g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
      strcpy (addr.sun_path, path);
      g_assert_cmpint (fd, >=, 0);
      g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
      close (fd);
      return path;
    }
  if (g_str_equal (name, "symlink-loop"))
    {
      char *path = g_build_filename (dir, "a.json", NULL);
      g_autofree char *other = g_build_filename (dir, "b.json", NULL);
      g_assert_cmpint (symlink ("b.json", path), ==, 0);
      g_assert_cmpint (symlink ("a.json", other), ==, 0);
      return path;
    }
  if (g_str_equal (name, "dev-zero") || g_str_equal (name, "dev-null"))
    {
      char *path = g_build_filename (dir, "device.json", NULL);
      g_assert_cmpint (symlink (g_str_equal (name, "dev-zero") ? "/dev/zero" : "/dev/null",
                                path), ==, 0);
      return path;
    }
  if (g_str_equal (name, "dir-nested-40") || g_str_equal (name, "dir-nested-20"))
    {
      char *top = g_build_filename (dir, "nested", NULL);
      g_autofree char *deep = nest_folders (top, g_str_equal (name, "dir-nested-40") ? 40 : 20);
      g_autofree char *file = g_build_filename (deep, "observation.json", NULL);
      g_file_set_contents (file, OBSERVATION, -1, &error);
      g_assert_no_error (error);
      return top;
    }
  if (g_str_equal (name, "dir-symlink-loop") || g_str_equal (name, "dir-with-fifo") ||
      g_str_equal (name, "dir-empty"))
    {
      char *top = g_build_filename (dir, "folder", NULL);
      g_autofree char *good = g_build_filename (top, "good.json", NULL);
      g_autofree char *other = g_build_filename (top, "other.json", NULL);

      g_assert_cmpint (g_mkdir (top, 0700), ==, 0);
      if (g_str_equal (name, "dir-empty"))
        return top;
      g_file_set_contents (good, OBSERVATION, -1, &error);
      g_assert_no_error (error);
      if (g_str_equal (name, "dir-symlink-loop"))
        g_assert_cmpint (symlink (".", other), ==, 0);
      else
        g_assert_cmpint (mkfifo (other, 0600), ==, 0);
      return top;
    }
  if (g_str_equal (name, "giant-string-document"))
    {
      char *path = g_build_filename (dir, "giant.json", NULL);
      write_giant (path, "{\n\"resourceType\":\"Observation\",\"id\":\"giant\",\"status\":"
                   "\"final\",\"code\":{\"text\":\"x\"},\"valueString\":\"", 'a', "\"}\n");
      return path;
    }
  if (g_str_equal (name, "giant-string-ndjson"))
    {
      char *path = g_build_filename (dir, "giant.ndjson", NULL);
      write_giant (path, "{\"resourceType\":\"Observation\",\"id\":\"giant\",\"status\":"
                   "\"final\",\"code\":{\"text\":\"x\"},\"valueString\":\"", 'a',
                   "\"}\n{\"resourceType\":\"Basic\",\"id\":\"after\"}\n");
      return path;
    }
  if (g_str_equal (name, "giant-key"))
    {
      char *path = g_build_filename (dir, "giant-key.json", NULL);
      write_giant (path, "{\n\"resourceType\":\"Basic\",\"id\":\"giant-key\",\"", 'k',
                   "\":1}\n");
      return path;
    }
  g_error ("unknown recipe “%s” in MANIFEST.tsv", name);
}

/* }}} */
/* {{{ checks */

/* One line, one sentence, valid UTF-8, naming NAME if given. */
static void
check_sentence (const Run  *r,
                const char *name,
                GString    *problems)
{
  const char *text = r->err + strlen ("healthfolio-cli: ");
  const char *nl = memchr (r->err, '\n', r->err_length);

  if (!g_utf8_validate_len (r->err, r->err_length, NULL))
    g_string_append (problems, "stderr is not valid UTF-8; ");
  if (!g_str_has_prefix (r->err, "healthfolio-cli: "))
    {
      g_string_append (problems, "stderr does not start with “healthfolio-cli: ”; ");
      return;
    }
  if (nl == NULL || (gsize) (nl - r->err) != r->err_length - 1)
    g_string_append (problems, "stderr is not exactly one line; ");
  if (r->err_length < 2 || r->err[r->err_length - 2] != '.')
    g_string_append (problems, "stderr does not end its sentence with a full stop; ");
  for (const char *p = text; *p != '\0'; p++)
    if (p[0] == '.' && p[1] == ' ' && g_ascii_isupper (p[2]))
      {
        g_string_append (problems, "stderr holds more than one sentence; ");
        break;
      }
  if (name != NULL && strstr (r->err, name) == NULL)
    g_string_append_printf (problems, "stderr does not name the file “%s”; ", name);
}

/* After a refusal: everything as before. Once per category, through the CLI too. */
static void
check_unchanged (const Case *c,
                 const char *vault_path,
                 GString    *problems)
{
  g_auto(State) after = { NULL };
  g_autoptr(HfVault) vault = read_state (vault_path, &after, problems);

  if (vault == NULL)
    return;
  hf_vault_lock (vault);
  if (!g_str_equal (after.stats, base.state.stats))
    {
      g_auto(GStrv) was = g_strsplit (base.state.stats, ", ", -1);
      g_auto(GStrv) is = g_strsplit (after.stats, ", ", -1);
      guint i = 0;

      while (was[i] != NULL && is[i] != NULL && g_str_equal (was[i], is[i]))
        i++;
      g_string_append_printf (problems, "the counts changed (%s before, %s after); ",
                              was[i] ? was[i] : "nothing", is[i] ? is[i] : "nothing");
    }
  if (!g_str_equal (after.digest, base.state.digest))
    {
      g_autofree char *names = changed_tables (base.state.digest, after.digest);
      g_string_append_printf (problems, "rows changed in the tables %s; ", names);
    }
  if (after.audit->len < base.state.audit->len)
    g_string_append (problems, "the activity log lost entries; ");
  else
    for (guint i = 0; i < after.audit->len; i++)
      {
        const char *entry = g_ptr_array_index (after.audit, i);
        const char *action = audit_action (entry);

        if (i < base.state.audit->len &&
            !g_str_equal (entry, g_ptr_array_index (base.state.audit, i)))
          {
            g_string_append_printf (problems, "activity log entry %u changed; ", i + 1);
            break;
          }
        if (i >= base.state.audit->len && !g_str_equal (action, "unlock") &&
            !g_str_equal (action, "lock"))
          {
            g_string_append_printf (problems, "the activity log gained “%s”; ", action);
            break;
          }
      }

  if (!g_hash_table_contains (cli_checked, c->category))
    {
      g_autofree char *stats = run_ok (vault_path, problems, "--json", "stats", NULL);
      G_GNUC_UNUSED g_autofree char *verified = run_ok (vault_path, problems, "audit", "verify",
                                                       NULL);

      g_hash_table_add (cli_checked, g_strdup (c->category));
      if (stats != NULL && !g_str_equal (stats, base.cli_stats))
        g_string_append (problems, "stats --json prints other counts; ");
    }
}

static GPtrArray *
read_stored (const char *path,
             GString    *problems)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  JsonArray *list;

  if (!json_parser_load_from_mapped_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);
  list = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (list); i++)
    g_ptr_array_add (texts, g_strdup (json_array_get_string_element (list, i)));
  return texts;
}

static char *
type_and_id (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *type = hf_json_string (o, "resourceType");
  const char *id = hf_json_string (o, "id");

  if (o == NULL)
    return g_strdup ("(not a JSON object)");
  return g_strdup_printf ("%s/%s", type ? type : "?", id ? id : "?");
}

/* The records the import added are exactly the texts of STORED, each once, and each is the
 * resource it is listed under (type and id). With SHOW, each is read with `show --raw` too,
 * which must print the same bytes. */
static void
check_stored (const char *vault_path,
              HfVault    *vault,
              State      *after,
              const char *stored,
              gboolean    show,
              GString    *problems)
{
  g_autoptr(GPtrArray) expected = read_stored (stored, problems);
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, after->ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(HfRecordRow) row = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *listed = NULL;
      g_autofree char *shown = NULL;
      char *json = NULL;

      if (g_hash_table_contains (base.state.ids, key))
        continue;
      if (!hf_record_store_get (vault, *(gint64 *) key, &row, &json, &error))
        {
          g_string_append_printf (problems, "a new record cannot be read: %s; ", error->message);
          return;
        }
      listed = g_strdup_printf ("%s/%s", row->resource_type, row->fhir_id);
      shown = type_and_id (json);
      if (!g_str_equal (shown, listed))
        g_string_append_printf (problems, "the record %s holds the resource %s; ", listed,
                                shown);
      g_ptr_array_add (keys, g_strdup_printf ("%" G_GINT64_FORMAT, row->id));
      g_ptr_array_add (got, json);
    }
  hf_vault_lock (vault);

  for (guint i = 0; show && i < keys->len; i++)
    {
      g_autofree char *raw = run_ok (vault_path, problems, "show", "--raw",
                                     (char *) g_ptr_array_index (keys, i), NULL);
      const char *json = g_ptr_array_index (got, i);

      if (raw != NULL && !(g_str_has_prefix (raw, json) && g_str_equal (raw + strlen (json),
                                                                        "\n")))
        g_string_append_printf (problems, "show --raw %s prints other bytes than were stored; ",
                                (char *) g_ptr_array_index (keys, i));
    }

  for (guint i = 0; i < expected->len; i++)
    {
      const char *want = g_ptr_array_index (expected, i);
      g_autofree char *wanted = NULL;
      guint k;

      for (k = 0; k < got->len; k++)
        if (g_str_equal (g_ptr_array_index (got, k), want))
          break;
      if (k < got->len)
        {
          g_ptr_array_remove_index (got, k);
          continue;
        }
      wanted = type_and_id (want);
      g_string_append_printf (problems, "no record holds %s as it is in the file; ", wanted);
    }
  for (guint k = 0; k < got->len; k++)
    {
      g_autofree char *extra = type_and_id (g_ptr_array_index (got, k));
      g_string_append_printf (problems, "a record holds %s, which is no entry's resource; ",
                              extra);
    }
}

/* After an import that had to succeed: the log verifies, and what it stored is right. */
static void
check_accepted (const Case *c,
                const char *vault_path,
                GString    *problems)
{
  g_auto(State) after = { NULL };
  g_autoptr(HfVault) vault = read_state (vault_path, &after, problems);
  g_autofree char *stem = stem_of (c->file);
  g_autofree char *rel = g_strdup_printf ("hostile/stored/%s.json", stem);
  g_autofree char *stored = data_path (rel);

  if (vault == NULL)
    return;
  if (g_file_test (stored, G_FILE_TEST_EXISTS))
    check_stored (vault_path, vault, &after, stored, g_str_equal (c->category, "span-decoy"),
                  problems);
  hf_vault_lock (vault);
  if (!g_hash_table_contains (cli_checked, c->category))
    {
      G_GNUC_UNUSED g_autofree char *verified = run_ok (vault_path, problems, "audit", "verify",
                                                       NULL);
      g_hash_table_add (cli_checked, g_strdup (c->category));
    }
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autofree char *said = NULL;
  HfTestDir td;
  Run r;

  ensure_base ();
  hf_test_dir_setup (&td, NULL);
  copy_base (&td);
  if (c->file[0] == '@')
    path = build_recipe (td.dir, c->file + 1);
  else
    {
      g_autofree char *rel = g_build_filename ("hostile", c->file, NULL);
      path = data_path (rel);
    }
  g_test_message ("%s: %s (%s)", c->file, c->description, c->valid ? "valid" : "invalid");

  {
    const char *args[] = { "import", path, NULL };
    run_cli (td.vault, args, time_limit (c), &r);
  }
  said = printable (r.err, r.err_length);
  if (r.hung)
    g_string_append_printf (problems, "the import still ran after %u s (killed); ",
                            time_limit (c));
  else if (r.signal != 0)
    g_string_append_printf (problems, "the import crashed with signal %d (%s); ", r.signal,
                            g_strsignal (r.signal));
  else if (c->valid && r.status != 0)
    g_string_append_printf (problems, "refused (exit %d): %s; ", r.status, said);
  else if (!c->valid && r.status != 3)
    g_string_append_printf (problems, "exit %d instead of 3%s%s; ", r.status,
                            r.err_length ? ": " : "", said);
  else if (!c->valid)
    {
      if (r.out[0] != '\0')
        {
          g_autofree char *out = printable (r.out, strlen (r.out));
          g_string_append_printf (problems, "stdout is not empty: %s; ", out);
        }
      check_sentence (&r, c->file[0] == '@' ? NULL : c->file, problems);
      g_test_message ("stderr: %s", said);
    }

  if (!c->valid && !r.hung && r.signal == 0)
    check_unchanged (c, td.vault, problems);
  else if (c->valid && r.status == 0 && !r.hung && r.signal == 0)
    check_accepted (c, td.vault, problems);
  run_clear (&r);
  hf_test_dir_teardown (&td, NULL);

  if (problems->len > 0)
    {
      g_string_truncate (problems, problems->len - 2);
      /* One line: TAP reads anything after a line break as more protocol. */
      g_strdelimit (problems->str, "\r\n", ' ');
      if (c->open)
        g_test_incomplete_printf ("%s (%s, to be refused: %s): %s", c->file, c->category,
                                  c->description, problems->str);
      else
        g_test_fail_printf ("%s (%s, expected %s): %s", c->file, c->category,
                            c->valid ? "valid" : "invalid", problems->str);
    }
}

/* }}} */

/* The recipes leave links in the case's folder; removing it must not follow them. */
static void
test_teardown_keeps_link_targets (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outside = g_dir_make_tmp ("hf-test-outside-XXXXXX", &error);
  g_autofree char *kept = g_build_filename (outside, "kept.json", NULL);
  g_autofree char *link = NULL;
  HfTestDir td;

  g_assert_no_error (error);
  g_file_set_contents (kept, OBSERVATION, -1, &error);
  g_assert_no_error (error);
  hf_test_dir_setup (&td, NULL);
  link = g_build_filename (td.dir, "elsewhere", NULL);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  hf_test_dir_teardown (&td, NULL);

  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_unlink (kept), ==, 0);
  g_assert_cmpint (g_rmdir (outside), ==, 0);
}

static GPtrArray *
read_manifest (void)
{
  g_autofree char *path = data_path ("hostile/MANIFEST.tsv");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *cases = g_ptr_array_new ();

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      Case *c;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 4);
      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      g_assert_true (g_str_equal (fields[1], "valid") || g_str_equal (fields[1], "invalid") ||
                     g_str_equal (fields[1], "invalid-open"));
      c = g_new0 (Case, 1);
      c->file = g_strdup (fields[0]);
      c->valid = g_str_equal (fields[1], "valid");
      c->open = g_str_equal (fields[1], "invalid-open");
      c->category = g_strdup (fields[2]);
      c->description = g_strdup (fields[3]);
      g_ptr_array_add (cases, c);
    }
  return cases;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) cases = NULL;
  int status;

  hf_test_init (&argc, &argv);
  cases = read_manifest ();
  g_assert_cmpuint (cases->len, >=, 200);
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);
      g_autofree char *stem = stem_of (c->file[0] == '@' ? c->file + 1 : c->file);
      g_autofree char *test_path = g_strdup_printf ("/hf/hostile/%s/%s", c->category, stem);
      g_test_add_data_func (test_path, c, test_case);
    }
  g_test_add_func ("/hf/hostile/teardown-keeps-link-targets", test_teardown_keeps_link_targets);
  status = g_test_run ();
  if (base.ready)
    {
      hf_test_dir_teardown (&base.td, NULL);
      g_free (base.pass_file);
      g_free (base.cli_stats);
      state_clear (&base.state);
      g_hash_table_unref (cli_checked);
    }
  for (guint i = 0; i < cases->len; i++)
    {
      Case *c = g_ptr_array_index (cases, i);
      g_free (c->file);
      g_free (c->category);
      g_free (c->description);
      g_free (c);
    }
  return status;
}
