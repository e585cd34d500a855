/* test-crash.c — kill -9 during key changes, imports and syncs: the vault always opens after
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real healthfolio-cli is killed with SIGKILL, either at named points of a keyring
 * transition (HF_TEST_CRASH_AT) or at random moments. Afterwards every passphrase that should
 * still work must open the vault, a changed passphrase must work in exactly one of its two
 * versions, the recovery code must always work, and the vault check must find nothing wrong.
 *
 * An import of tens of thousands of resources is one transaction: killed at any moment, the
 * vault holds the old counts or the new ones. A sync stores each page in its own transaction
 * with where its type's paging stands (so that the next sync goes on from there): killed, each
 * type holds a whole number of pages, and the next sync ends with exactly the server's
 * records. tests/bench/bench-kill does the same 100 times each and counts where kills landed.
 */

#include <signal.h>

#include "hf-error.h"
#include "hf-fhir-server.h"
#include "hf-kill.h"
#include "hf-test-util.h"

static const char A1[] = "alice passphrase one";
static const char A2[] = "alice passphrase two";
static const char B1[] = "bob passphrase one";
static const char B2[] = "bob passphrase two";
static const char C1[] = "carl passphrase";

typedef struct
{
  HfTestDir td;
  char     *recovery;
  char     *files[6];   /* A1 A2 B1 B2 C1 recovery */
} Fixture;

enum { F_A1, F_A2, F_B1, F_B2, F_C1, F_REC };

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (A1);
  g_autoptr(HfSecret) bob = hf_test_secret (B1);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
  g_assert_true (hf_vault_add_member (vault, "bob", HF_ROLE_CAREGIVER, bob, NULL, &error));
  g_assert_no_error (error);
  f->recovery = g_strdup (hf_secret_get_string (code));
  hf_vault_lock (vault);

  f->files[F_A1] = hf_test_write_file (&f->td, "a1", A1);
  f->files[F_A2] = hf_test_write_file (&f->td, "a2", A2);
  f->files[F_B1] = hf_test_write_file (&f->td, "b1", B1);
  f->files[F_B2] = hf_test_write_file (&f->td, "b2", B2);
  f->files[F_C1] = hf_test_write_file (&f->td, "c1", C1);
  f->files[F_REC] = hf_test_write_file (&f->td, "rec", f->recovery);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (f->files); i++)
    g_free (f->files[i]);
  g_free (f->recovery);
  hf_test_dir_teardown (&f->td, data);
}

/* TRUE if it opens; FALSE on a wrong passphrase or unknown member; anything else fails. */
static gboolean
opens (Fixture    *f,
       const char *member,
       const char *pass)
{
  g_autoptr(HfSecret) secret = hf_test_secret (pass);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = hf_vault_open (f->td.vault, member, secret, &error);

  if (vault == NULL)
    {
      g_test_message ("%s cannot open: %s", member ? member : "owner", error->message);
      if (!g_error_matches (error, HF_ERROR, HF_ERROR_AUTH))
        g_error ("opening as %s after a crash failed with: %s", member, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
assert_intact (Fixture    *f,
               const char *pass)
{
  g_autoptr(HfSecret) secret = hf_test_secret (pass);
  g_autoptr(GError) error = NULL;
  g_autoptr(HfVault) vault = hf_vault_open (f->td.vault, NULL, secret, &error);
  HfVaultCheck check;

  g_assert_no_error (error);
  g_assert_true (hf_vault_check (vault, &check, &error));
  g_assert_no_error (error);
  if (!check.ok)
    g_error ("vault check after a crash: %s", (char *) g_ptr_array_index (check.problems, 0));
  hf_vault_check_clear (&check);
}

/* A kill while a keyring is being written leaves its temporary file; the next open, which
 * holds the vault's lock, removes it. */
static void
assert_no_temp_keyrings (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->td.dir, 0, NULL);
  g_autofree char *base = g_path_get_basename (f->td.keys);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, base) && strlen (name) == strlen (base) + strlen (".next.XXXXXX"))
      g_error ("a temporary keyring was left behind: %s", name);
}

static GSubprocess *
spawn_cli (Fixture            *f,
           const char         *crash_at,
           const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  if (crash_at != NULL)
    g_subprocess_launcher_setenv (launcher, "HF_TEST_CRASH_AT", crash_at, TRUE);
  g_ptr_array_add (argv, (gpointer) hf_test_cli_path ());
  g_ptr_array_add (argv, "--vault");
  g_ptr_array_add (argv, f->td.vault);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

static void
run_until_killed (Fixture            *f,
                  const char         *crash_at,
                  const char * const *args)
{
  g_autoptr(GSubprocess) proc = spawn_cli (f, crash_at, args);
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
}

typedef enum { OP_PASSWD_SELF, OP_PASSWD_OTHER, OP_ADD, OP_REMOVE } Op;

static const char * const *
op_args (Fixture *f,
         Op       op)
{
  static const char *args[12];
  guint n = 0;

  args[n++] = "--passphrase-file";
  args[n++] = f->files[F_A1];
  switch (op)
    {
    case OP_PASSWD_SELF:
      args[n++] = "member"; args[n++] = "passwd";
      args[n++] = "--new-passphrase-file"; args[n++] = f->files[F_A2];
      break;
    case OP_PASSWD_OTHER:
      args[n++] = "member"; args[n++] = "passwd"; args[n++] = "bob";
      args[n++] = "--new-passphrase-file"; args[n++] = f->files[F_B2];
      break;
    case OP_ADD:
      args[n++] = "member"; args[n++] = "add"; args[n++] = "carl";
      args[n++] = "--role"; args[n++] = "caregiver";
      args[n++] = "--new-passphrase-file"; args[n++] = f->files[F_C1];
      break;
    case OP_REMOVE:
      args[n++] = "member"; args[n++] = "remove"; args[n++] = "bob";
      break;
    }
  args[n] = NULL;
  return args;
}

typedef struct
{
  Op          op;
  const char *point;
  gboolean    committed;
} CrashCase;

static void
test_crash_points (Fixture       *f,
                   gconstpointer  data)
{
  const CrashCase *c = data;
  const char *alice;

  run_until_killed (f, c->point, op_args (f, c->op));

  /* The recovery code always opens, whatever happened. */
  g_assert_true (opens (f, "recovery", f->recovery));

  alice = (c->op == OP_PASSWD_SELF && c->committed) ? A2 : A1;
  g_assert_true (opens (f, NULL, alice));
  g_assert_false (opens (f, NULL, alice == A1 ? A2 : A1));

  switch (c->op)
    {
    case OP_PASSWD_SELF:
      g_assert_true (opens (f, "bob", B1));
      break;
    case OP_PASSWD_OTHER:
      g_assert_true (opens (f, "bob", c->committed ? B2 : B1));
      g_assert_false (opens (f, "bob", c->committed ? B1 : B2));
      break;
    case OP_ADD:
      g_assert_true (opens (f, "bob", B1));
      g_assert_cmpint (opens (f, "carl", C1), ==, c->committed);
      break;
    case OP_REMOVE:
      g_assert_cmpint (opens (f, "bob", B1), ==, !c->committed);
      break;
    }
  assert_intact (f, alice);
  assert_no_temp_keyrings (f);
}

/* Random SIGKILLs at any moment of an operation, many times over. */
static void
test_random_kills (Fixture       *f,
                   gconstpointer  data)
{
  const char *alice = A1, *bob = B1;
  gboolean bob_member = TRUE;
  guint iterations = 40;
  guint killed = 0, finished = 0;

  if (g_getenv ("HF_CRASH_ITERATIONS") != NULL)
    iterations = atoi (g_getenv ("HF_CRASH_ITERATIONS"));

  for (guint i = 0; i < iterations; i++)
    {
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      const char *args[12];
      Op op = g_test_rand_int_range (0, 3);
      const char *new_alice = alice == A1 ? A2 : A1;
      const char *new_bob = bob == B1 ? B2 : B1;
      guint n = 0;

      args[n++] = "--passphrase-file";
      args[n++] = f->files[alice == A1 ? F_A1 : F_A2];
      args[n++] = "member";
      if (op == OP_PASSWD_SELF)
        {
          args[n++] = "passwd"; args[n++] = "--new-passphrase-file";
          args[n++] = f->files[new_alice == A1 ? F_A1 : F_A2];
        }
      else if (op == OP_PASSWD_OTHER && bob_member)
        {
          args[n++] = "passwd"; args[n++] = "bob"; args[n++] = "--new-passphrase-file";
          args[n++] = f->files[new_bob == B1 ? F_B1 : F_B2];
        }
      else if (bob_member)
        {
          op = OP_REMOVE;
          args[n++] = "remove"; args[n++] = "bob";
        }
      else
        {
          op = OP_ADD;
          args[n++] = "add"; args[n++] = "bob"; args[n++] = "--role"; args[n++] = "caregiver";
          args[n++] = "--new-passphrase-file"; args[n++] = f->files[F_B1];
        }
      args[n] = NULL;

      proc = spawn_cli (f, NULL, args);
      g_usleep (g_test_rand_int_range (0, 300) * 1000);
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("iteration %u: op %d", i, op);
      if (g_subprocess_get_if_exited (proc))
        {
          g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
          finished++;
        }
      else
        killed++;

      g_assert_true (opens (f, "recovery", f->recovery));

      /* Alice: exactly one of her two passphrases. */
      if (opens (f, NULL, alice))
        g_assert_true (op != OP_PASSWD_SELF || !opens (f, NULL, new_alice));
      else
        {
          g_assert_cmpint (op, ==, OP_PASSWD_SELF);
          g_assert_true (opens (f, NULL, new_alice));
          alice = new_alice;
        }

      /* Bob: as before, or as the operation left him. */
      switch (op)
        {
        case OP_PASSWD_SELF:
          g_assert_cmpint (opens (f, "bob", bob), ==, bob_member);
          break;
        case OP_PASSWD_OTHER:
          if (!opens (f, "bob", bob))
            {
              g_assert_true (opens (f, "bob", new_bob));
              bob = new_bob;
            }
          break;
        case OP_REMOVE:
          bob_member = opens (f, "bob", bob);
          break;
        case OP_ADD:
          bob_member = opens (f, "bob", B1);
          if (bob_member)
            bob = B1;
          break;
        }
      if (!bob_member)
        g_assert_false (opens (f, "bob", bob));

      assert_no_temp_keyrings (f);
      if (i % 8 == 7)
        assert_intact (f, alice);
    }

  g_test_message ("%u runs killed, %u finished before the kill", killed, finished);
  g_assert_cmpuint (killed, >, 0);
  assert_intact (f, alice);
}

/* {{{ imports and syncs killed */

#define KILLS            5
#define IMPORT_RESOURCES 20000

typedef struct
{
  HfTestDir  td;
  char      *pass_file;
  char      *base;        /* the vault every run starts from */
  char      *work;        /* the copy a run is killed in */
} Work;

static void
work_setup (Work          *w,
            gconstpointer  data)
{
  const char *create[] = { "--vault", NULL, "--passphrase-file", NULL, "vault", "create", NULL };

  hf_test_dir_setup (&w->td, data);
  w->pass_file = hf_test_write_file (&w->td, "pass.txt", A1);
  w->base = g_build_filename (w->td.dir, "base.hfvault", NULL);
  w->work = g_build_filename (w->td.dir, "work.hfvault", NULL);
  create[1] = w->base;
  create[3] = w->pass_file;
  g_assert_cmpint (hf_test_cli_v (NULL, NULL, create), ==, 0);
}

static void
work_teardown (Work          *w,
               gconstpointer  data)
{
  g_free (w->pass_file);
  g_free (w->base);
  g_free (w->work);
  hf_test_dir_teardown (&w->td, data);
}

static GHashTable *
inspect (Work       *w,
         const char *vault)
{
  g_autofree char *problem = NULL;
  GHashTable *counts = hf_kill_inspect (vault, w->pass_file, &problem);

  if (counts == NULL)
    g_error ("after a kill: %s", problem);
  return counts;
}

static void
test_import_kills (Work          *w,
                   gconstpointer  data)
{
  g_autofree char *luigi = g_build_filename (g_getenv ("HF_TEST_DATA"), "synthea",
                                             "Luigi_Wiegand_e27d88b0-c5e5-4042-ad49-"
                                             "184f6a900ee3.json", NULL);
  g_autofree char *bulk = g_build_filename (w->td.dir, "bulk.ndjson", NULL);
  const char *first[] = { "--vault", w->base, "--passphrase-file", w->pass_file, "import", luigi,
                          NULL };
  const char *args[] = { "import", bulk, NULL };
  g_autoptr(GHashTable) old = NULL;
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(GHashTable) counts = NULL;
  HfKillRun run;
  gint64 unlock, whole;
  guint mid = 0;

  /* Old: one Synthea patient. New: that and the bulk data's copies, about him. */
  g_assert_cmpint (hf_test_cli_v (NULL, NULL, first), ==, 0);
  old = inspect (w, w->base);
  fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  {
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init (&iter, old);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (fresh, g_strdup (key), value);
  }
  hf_kill_write_bulk (NULL, bulk, IMPORT_RESOURCES, LUIGI_PATIENT, fresh);

  hf_kill_copy_vault (w->base, w->work);
  hf_kill_run (w->work, w->pass_file, args, -1, TRUE, &run);
  g_assert_false (run.killed);
  g_assert_cmpint (run.status, ==, 0);
  unlock = run.unlocked_us;
  whole = run.elapsed_us;
  g_test_message ("import of %u resources, not killed: unlocked after %.2f s, done after %.2f s",
                  IMPORT_RESOURCES, unlock / 1e6, whole / 1e6);
  counts = inspect (w, w->work);
  g_assert_true (hf_kill_counts_equal (counts, fresh));
  g_clear_pointer (&counts, g_hash_table_unref);

  /* Kills spread over the import itself, after the unlock. */
  for (guint i = 0; i < KILLS; i++)
    {
      gint64 delay = unlock + (whole - unlock) * (i + g_test_rand_double ()) / KILLS;
      gboolean is_old, is_new;
      g_autofree char *shown = NULL;

      hf_kill_copy_vault (w->base, w->work);
      hf_kill_run (w->work, w->pass_file, args, delay, FALSE, &run);
      counts = inspect (w, w->work);
      is_old = hf_kill_counts_equal (counts, old);
      is_new = hf_kill_counts_equal (counts, fresh);
      shown = hf_kill_describe (counts);
      g_test_message ("kill %u at %.2f s: %s, %s; the vault holds %s", i + 1, delay / 1e6,
                      !run.killed ? "it had finished" : run.unlocked ? "unlocked" : "unlocking",
                      is_old ? "the old counts" : is_new ? "the new counts" : "neither", shown);
      if (!is_old && !is_new)
        g_error ("a killed import left counts that are neither the old nor the new ones: %s",
                 shown);
      mid += run.killed && run.unlocked && is_old;
      g_clear_pointer (&counts, g_hash_table_unref);
    }
  g_assert_cmpuint (mid, >, 0);

  /* After a kill, the same import again brings the new counts. */
  hf_kill_copy_vault (w->base, w->work);
  hf_kill_run (w->work, w->pass_file, args, unlock + (whole - unlock) / 2, FALSE, &run);
  hf_kill_run (w->work, w->pass_file, args, -1, FALSE, &run);
  g_assert_cmpint (run.status, ==, 0);
  counts = inspect (w, w->work);
  g_assert_true (hf_kill_counts_equal (counts, fresh));
}

static void
test_sync_kills (Work          *w,
                 gconstpointer  data)
{
  HfFhirServer *server = hf_fhir_server_new (FALSE);
  HfFhirFaults *faults;
  const char *add[] = { "--vault", w->base, "--passphrase-file", w->pass_file, "source", "add",
                        "clinic", hf_fhir_server_get_base (server), "--open", "--patient", "p1",
                        NULL };
  const char *args[] = { "source", "sync", "clinic", NULL };
  g_autoptr(GHashTable) fresh = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autofree char *query = NULL;
  const char *count_param;
  HfKillRun run;
  gint64 unlock, whole;
  guint page, all_pages = 0, partial = 0;

  hf_fhir_server_populate (server, hf_kill_sync_types, HF_KILL_SYNC_EACH);
  faults = hf_fhir_server_lock_faults (server);
  faults->latency_ms = 10;
  hf_fhir_server_unlock_faults (server);
  g_assert_cmpint (hf_test_cli_v (NULL, NULL, add), ==, 0);

  hf_kill_copy_vault (w->base, w->work);
  hf_kill_run (w->work, w->pass_file, args, -1, TRUE, &run);
  g_assert_false (run.killed);
  g_assert_cmpint (run.status, ==, 0);
  unlock = run.unlocked_us;
  whole = run.elapsed_us;
  fresh = inspect (w, w->work);
  for (guint t = 0; hf_kill_sync_types[t] != NULL; t++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (fresh, hf_kill_sync_types[t])), ==,
                      HF_KILL_SYNC_EACH);
  query = hf_fhir_server_dup_last_query (server, "Condition");
  count_param = strstr (query, "_count=");
  g_assert_nonnull (count_param);
  page = atoi (count_param + strlen ("_count="));
  g_assert_cmpuint (page, >, 0);
  g_assert_cmpuint (HF_KILL_SYNC_EACH % page, !=, 0);
  for (guint t = 0; hf_kill_sync_types[t] != NULL; t++)
    all_pages += (HF_KILL_SYNC_EACH + page - 1) / page;
  g_test_message ("sync of %u pages of %u, not killed: unlocked after %.2f s, done after %.2f s",
                  all_pages, page, unlock / 1e6, whole / 1e6);

  for (guint i = 0; i < KILLS; i++)
    {
      gint64 delay = unlock + (whole - unlock) * (i + g_test_rand_double ()) / KILLS;
      g_autofree char *shown = NULL;
      int pages;

      hf_kill_copy_vault (w->base, w->work);
      hf_kill_run (w->work, w->pass_file, args, delay, FALSE, &run);
      counts = inspect (w, w->work);
      pages = hf_kill_whole_pages (counts, page);
      shown = hf_kill_describe (counts);
      g_test_message ("kill %u at %.2f s: %s; %d of %u pages stored: %s", i + 1, delay / 1e6,
                      !run.killed ? "it had finished" : run.unlocked ? "unlocked" : "unlocking",
                      pages, all_pages, shown);
      if (pages < 0)
        g_error ("a killed sync left part of a page: %s", shown);
      partial += pages > 0 && (guint) pages < all_pages;
      g_clear_pointer (&counts, g_hash_table_unref);
    }
  g_assert_cmpuint (partial, >, 0);

  /* After a kill, the next sync ends with the server's records, each once. */
  hf_kill_copy_vault (w->base, w->work);
  hf_kill_run (w->work, w->pass_file, args, unlock + (whole - unlock) / 2, FALSE, &run);
  hf_kill_run (w->work, w->pass_file, args, -1, FALSE, &run);
  g_assert_cmpint (run.status, ==, 0);
  counts = inspect (w, w->work);
  g_assert_true (hf_kill_counts_equal (counts, fresh));

  hf_fhir_server_free (server);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  static const CrashCase cases[] = {
    { OP_PASSWD_SELF, "keyring-write:before-rename", FALSE },
    { OP_PASSWD_SELF, "unlock:after-next-written", FALSE },
    { OP_PASSWD_SELF, "unlock:after-commit", FALSE },
    { OP_PASSWD_SELF, "passphrase-changed:after-next-written", FALSE },
    { OP_PASSWD_SELF, "passphrase-changed:after-commit", TRUE },
    { OP_PASSWD_OTHER, "passphrase-changed:after-next-written", FALSE },
    { OP_PASSWD_OTHER, "passphrase-changed:after-commit", TRUE },
    { OP_ADD, "member-added:after-next-written", FALSE },
    { OP_ADD, "member-added:after-commit", TRUE },
    { OP_REMOVE, "member-removed:after-next-written", FALSE },
    { OP_REMOVE, "member-removed:after-rekey", TRUE },
    { OP_REMOVE, "member-removed:after-commit", TRUE },
  };
  static const char *const names[] = { "passwd-self", "passwd-other", "add", "remove" };

  hf_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hf/crash/%s/%s", names[cases[i].op],
                                               cases[i].point);

      g_strdelimit (path + strlen ("/hf/crash/"), ":", '-');
      g_test_add (path, Fixture, &cases[i], setup, test_crash_points, teardown);
    }
  g_test_add ("/hf/crash/random-kills", Fixture, NULL, setup, test_random_kills, teardown);
  g_test_add ("/hf/crash/import-kills", Work, NULL, work_setup, test_import_kills,
              work_teardown);
  g_test_add ("/hf/crash/sync-kills", Work, NULL, work_setup, test_sync_kills, work_teardown);

  return g_test_run ();
}
