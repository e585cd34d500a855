/* test-audit.c — the activity log: append-only, HMAC-chained, tampering named by entry
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>

#include "hf-audit.h"
#include "hf-error.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define OWNER      "maria"
#define PASSPHRASE "a long walk on Tuesday"
#define N_NOTES    5

/* {{{ helpers */

/* A vault owned by OWNER, locked once and opened again, with N_NOTES entries logged by the
 * owner ("note", "note 1" … "note 5") after the vault-created and unlock entries. */
static HfVault *
vault_with_notes (HfTestDir *td)
{
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) created = NULL;
  g_autoptr(GError) error = NULL;
  HfVault *vault;

  created = hf_vault_create (td->vault, OWNER, passphrase, &code, &error);
  g_assert_no_error (error);
  hf_vault_lock (created);

  vault = hf_vault_open (td->vault, NULL, passphrase, &error);
  g_assert_no_error (error);
  for (int i = 1; i <= N_NOTES; i++)
    {
      g_autofree char *detail = g_strdup_printf ("note %d", i);

      hf_audit_log (vault, "note", detail, &error);
      g_assert_no_error (error);
    }
  return vault;
}

static GPtrArray *
list_entries (HfVault *vault)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = hf_audit_list (vault, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static HfAuditEntry *
entry_at (GPtrArray *entries,
          guint      index)
{
  g_assert_cmpuint (index, <, entries->len);
  return g_ptr_array_index (entries, index);
}

static GPtrArray *
verify (HfVault *vault,
        guint   *n_entries)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *problems = NULL;

  g_assert_true (hf_audit_verify (vault, &problems, n_entries, &error));
  g_assert_no_error (error);
  g_assert_nonnull (problems);
  return problems;
}

/* Goes around the triggers, as someone holding the data key and an SQLite shell would. */
static void
tamper (HfVault    *vault,
        const char *sql)
{
  sqlite3 *db = _hf_vault_get_db (vault);
  char *msg = NULL;
  int rc;

  rc = sqlite3_exec (db,
                     "DROP TRIGGER audit_no_update;"
                     "DROP TRIGGER audit_no_delete;", NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("dropping the triggers failed: %s", msg);
  rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("“%s” failed: %s", sql, msg);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
}

static void
assert_problem (GPtrArray  *problems,
                guint       index,
                gint64      seq,
                const char *word)
{
  HfAuditProblem *p;
  g_autofree char *number = g_strdup_printf ("#%" G_GINT64_FORMAT, seq);

  g_assert_cmpuint (index, <, problems->len);
  p = g_ptr_array_index (problems, index);
  g_test_message ("problem at #%" G_GINT64_FORMAT ": %s", p->seq, p->message);
  g_assert_cmpint (p->seq, ==, seq);
  g_assert_nonnull (strstr (p->message, number));
  g_assert_nonnull (strstr (p->message, word));
}

static void
dump_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      HfAuditProblem *p = g_ptr_array_index (problems, i);
      g_test_message ("problem %u at #%" G_GINT64_FORMAT ": %s", i, p->seq, p->message);
    }
}

/* }}} */

/* {{{ an intact log */

static void
test_fresh_vault (HfTestDir    *td,
                  gconstpointer data)
{
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  guint n = 0;

  vault = hf_vault_create (td->vault, OWNER, passphrase, &code, &error);
  g_assert_no_error (error);
  hf_vault_lock (vault);
  g_clear_object (&vault);
  vault = hf_vault_open (td->vault, NULL, passphrase, &error);
  g_assert_no_error (error);

  entries = list_entries (vault);
  g_assert_cmpuint (entries->len, ==, 3);

  g_assert_cmpint (entry_at (entries, 0)->seq, ==, 1);
  g_assert_cmpstr (entry_at (entries, 0)->action, ==, "vault-created");
  g_assert_cmpstr (entry_at (entries, 0)->actor, ==, OWNER);
  g_assert_nonnull (strstr (entry_at (entries, 0)->detail, OWNER));

  g_assert_cmpint (entry_at (entries, 1)->seq, ==, 2);
  g_assert_cmpstr (entry_at (entries, 1)->action, ==, "lock");
  g_assert_cmpstr (entry_at (entries, 1)->actor, ==, OWNER);

  g_assert_cmpint (entry_at (entries, 2)->seq, ==, 3);
  g_assert_cmpstr (entry_at (entries, 2)->action, ==, "unlock");
  g_assert_cmpstr (entry_at (entries, 2)->actor, ==, OWNER);

  /* Times are real, in microseconds, and in order. */
  g_assert_cmpint (llabs (entry_at (entries, 0)->time - now), <, 60 * G_USEC_PER_SEC);
  g_assert_cmpint (entry_at (entries, 1)->time, >=, entry_at (entries, 0)->time);

  problems = verify (vault, &n);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (n, ==, 3);
}

static void
test_log_actor (HfTestDir    *td,
                gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(HfSecret) bob_pass = hf_test_secret ("bob's own passphrase");
  g_autoptr(HfVault) as_bob = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  HfAuditEntry *last;
  guint before, n = 0;

  entries = list_entries (vault);
  before = entries->len;
  g_assert_cmpuint (before, >=, N_NOTES + 2);
  last = entry_at (entries, before - 1);
  g_assert_cmpstr (last->actor, ==, OWNER);
  g_assert_cmpstr (last->action, ==, "note");
  g_assert_cmpstr (last->detail, ==, "note 5");
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Another member's entries carry their name, not the owner's. */
  hf_vault_add_member (vault, "bob", HF_ROLE_CAREGIVER, bob_pass, NULL, &error);
  g_assert_no_error (error);
  hf_vault_lock (vault);

  as_bob = hf_vault_open (td->vault, "bob", bob_pass, &error);
  g_assert_no_error (error);
  hf_audit_log (as_bob, "view", "looked at the allergy list", &error);
  g_assert_no_error (error);

  entries = list_entries (as_bob);
  /* + member-added and lock by the owner, unlock by bob, the view. */
  g_assert_cmpuint (entries->len, ==, before + 4);
  g_assert_cmpstr (entry_at (entries, before)->action, ==, "member-added");
  g_assert_cmpstr (entry_at (entries, before)->actor, ==, OWNER);
  g_assert_cmpstr (entry_at (entries, before + 1)->action, ==, "lock");
  g_assert_cmpstr (entry_at (entries, before + 1)->actor, ==, OWNER);
  g_assert_cmpstr (entry_at (entries, before + 2)->action, ==, "unlock");
  g_assert_cmpstr (entry_at (entries, before + 2)->actor, ==, "bob");
  last = entry_at (entries, before + 3);
  g_assert_cmpstr (last->action, ==, "view");
  g_assert_cmpstr (last->actor, ==, "bob");
  g_assert_cmpstr (last->detail, ==, "looked at the allergy list");
  for (guint i = 0; i < entries->len; i++)
    g_assert_cmpint (entry_at (entries, i)->seq, ==, i + 1);

  /* A page of the log: after a sequence number, at most a limit. */
  {
    g_autoptr(GPtrArray) page = hf_audit_list (as_bob, 2, 3, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 3);
    g_assert_cmpint (entry_at (page, 0)->seq, ==, 3);
    g_assert_cmpint (entry_at (page, 2)->seq, ==, 5);
  }

  problems = verify (as_bob, &n);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (n, ==, entries->len);
}

static void
test_locked_vault (HfTestDir    *td,
                   gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GError) error = NULL;

  hf_vault_lock (vault);
  g_assert_false (hf_audit_log (vault, "note", "after locking", &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_USAGE);
}

/* }}} */

/* {{{ the triggers */

static void
assert_refused (HfVault    *vault,
                const char *sql)
{
  g_autoptr(GPtrArray) before = list_entries (vault);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  sqlite3 *db = _hf_vault_get_db (vault);
  char *msg = NULL;
  int rc;

  rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  g_test_message ("%s → %d %s", sql, rc, msg ? msg : "");
  g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_nonnull (msg);
  g_assert_nonnull (strstr (msg, "append-only"));
  sqlite3_free (msg);

  after = list_entries (vault);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    {
      g_assert_cmpint (entry_at (after, i)->seq, ==, entry_at (before, i)->seq);
      g_assert_cmpint (entry_at (after, i)->time, ==, entry_at (before, i)->time);
      g_assert_cmpstr (entry_at (after, i)->detail, ==, entry_at (before, i)->detail);
    }
  problems = verify (vault, NULL);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_triggers (HfTestDir    *td,
               gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);

  assert_refused (vault, "UPDATE audit SET detail = 'nothing happened' WHERE seq = 4");
  assert_refused (vault, "UPDATE audit SET time = 0");
  assert_refused (vault, "DELETE FROM audit WHERE seq = 4");
  assert_refused (vault, "DELETE FROM audit");
}

/* }}} */

/* {{{ tampering around the triggers */

static void
test_edited_row (HfTestDir    *td,
                 gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *sql = NULL;
  gint64 middle = entry_at (entries, entries->len / 2)->seq;
  guint n = 0;

  sql = g_strdup_printf ("UPDATE audit SET detail = 'nothing to see' WHERE seq = %"
                         G_GINT64_FORMAT, middle);
  tamper (vault, sql);

  problems = verify (vault, &n);
  dump_problems (problems);
  g_assert_cmpuint (n, ==, entries->len);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, middle, "altered");
}

static void
test_edited_time (HfTestDir    *td,
                  gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *sql = NULL;
  gint64 seq = entry_at (entries, 2)->seq;

  /* Back-dating an entry by one second. */
  sql = g_strdup_printf ("UPDATE audit SET time = time - 1000000 WHERE seq = %" G_GINT64_FORMAT,
                         seq);
  tamper (vault, sql);

  problems = verify (vault, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, seq, "altered");
}

static void
test_deleted_row (HfTestDir    *td,
                  gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *sql = NULL;
  gint64 middle = entry_at (entries, entries->len / 2)->seq;
  guint n = 0;

  sql = g_strdup_printf ("DELETE FROM audit WHERE seq = %" G_GINT64_FORMAT, middle);
  tamper (vault, sql);

  problems = verify (vault, &n);
  dump_problems (problems);
  g_assert_cmpuint (n, ==, entries->len - 1);
  /* The deletion, once; the entry after it is intact and must not be blamed. */
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, middle, "deleted");
}

static void
test_deleted_last (HfTestDir    *td,
                   gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *sql = NULL;
  gint64 last = entry_at (entries, entries->len - 1)->seq;

  sql = g_strdup_printf ("DELETE FROM audit WHERE seq = %" G_GINT64_FORMAT, last);
  tamper (vault, sql);

  problems = verify (vault, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, last, "deleted");
}

static void
test_deleted_last_two (HfTestDir    *td,
                       gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *last_number = NULL;
  gint64 last = entry_at (entries, entries->len - 1)->seq;

  sql = g_strdup_printf ("DELETE FROM audit WHERE seq = %" G_GINT64_FORMAT, last);
  tamper (vault, sql);
  g_free (sql);
  sql = g_strdup_printf ("DELETE FROM audit WHERE seq = %" G_GINT64_FORMAT, last - 1);
  g_assert_cmpint (sqlite3_exec (_hf_vault_get_db (vault), sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);

  problems = verify (vault, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  /* One problem, at the first missing entry, naming the whole range. */
  assert_problem (problems, 0, last - 1, "deleted");
  last_number = g_strdup_printf ("#%" G_GINT64_FORMAT, last);
  g_assert_nonnull (strstr (((HfAuditProblem *) g_ptr_array_index (problems, 0))->message,
                            last_number));
}

/* The log's end survives the next unlock: every open appends an entry, so a deletion at the
 * end must not be papered over by the entry that follows it. This is what a user running
 * “healthfolio-cli audit verify” sees, since the command unlocks the vault first. */
static void
test_deleted_last_then_unlock (HfTestDir    *td,
                               gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 last = entry_at (entries, entries->len - 1)->seq;

  sql = g_strdup_printf ("DELETE FROM audit WHERE seq = %" G_GINT64_FORMAT, last);
  tamper (vault, sql);
  hf_vault_lock (vault);
  g_clear_object (&vault);

  vault = hf_vault_open (td->vault, NULL, passphrase, &error);
  g_assert_no_error (error);
  problems = verify (vault, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, >=, 1);
  assert_problem (problems, 0, last, "deleted");
}

static void
test_inserted_row (HfTestDir    *td,
                   gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *sql = NULL;
  gint64 forged = entry_at (entries, entries->len - 1)->seq + 1;
  guint n = 0;

  sql = g_strdup_printf ("INSERT INTO audit (seq, time, actor, action, detail, mac) "
                         "VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", '" OWNER "', "
                         "'consent-changed', 'allowed everything', randomblob(32))",
                         forged, g_get_real_time ());
  tamper (vault, sql);

  problems = verify (vault, &n);
  dump_problems (problems);
  g_assert_cmpuint (n, ==, entries->len + 1);
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, forged, "inserted");
}

/* }}} */

/* {{{ the command line */

static void
test_cli_verify (HfTestDir    *td,
                 gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(HfSecret) passphrase = hf_test_secret (PASSPHRASE);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autofree char *pass_file = hf_test_write_file (td, "pass", PASSPHRASE "\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *number = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *problems;
  gint64 edited = entry_at (entries, 4)->seq;
  int status;

  hf_vault_lock (vault);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "audit", "verify", NULL);
  g_test_message ("intact: %d\n%s%s", status, out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "intact"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_clear_object (&vault);
  vault = hf_vault_open (td->vault, NULL, passphrase, &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("UPDATE audit SET detail = 'nothing to see' WHERE seq = %"
                         G_GINT64_FORMAT, edited);
  tamper (vault, sql);
  hf_vault_lock (vault);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "audit", "verify", NULL);
  g_test_message ("tampered: %d\n%s%s", status, out, err);
  g_assert_cmpint (status, ==, 4);
  number = g_strdup_printf ("#%" G_GINT64_FORMAT, edited);
  g_assert_nonnull (strstr (err, number));
  g_assert_nonnull (strstr (err, "altered"));
  g_assert_null (strstr (out, "intact"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The same through --json, for scripts. */
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "--json", "audit", "verify", NULL);
  g_assert_cmpint (status, ==, 4);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (root, "ok"));
  problems = json_object_get_array_member (root, "problems");
  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (problems, 0),
                                               "seq"), ==, edited);

  /* vault check reports the log too. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "vault", "check", NULL);
  g_assert_cmpint (status, ==, 4);
  g_assert_nonnull (strstr (err, number));
}

/* Deleting the newest entry, then asking the command line: the command's own unlock must
 * not hide the gap. */
static void
test_cli_verify_deleted_last (HfTestDir    *td,
                              gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autofree char *pass_file = hf_test_write_file (td, "pass", PASSPHRASE "\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *number = NULL;
  gint64 last = entry_at (entries, entries->len - 1)->seq;
  int status;

  sql = g_strdup_printf ("DELETE FROM audit WHERE seq = %" G_GINT64_FORMAT, last);
  tamper (vault, sql);
  hf_vault_lock (vault);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "audit", "verify", NULL);
  g_test_message ("%d\n%s%s", status, out, err);
  g_assert_cmpint (status, ==, 4);
  number = g_strdup_printf ("#%" G_GINT64_FORMAT, last);
  g_assert_nonnull (strstr (err, number));
  g_assert_nonnull (strstr (err, "deleted"));
}

static void
test_cli_list_json (HfTestDir    *td,
                    gconstpointer data)
{
  g_autoptr(HfVault) vault = vault_with_notes (td);
  g_autoptr(GPtrArray) entries = list_entries (vault);
  g_autofree char *pass_file = hf_test_write_file (td, "pass", PASSPHRASE "\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  JsonObject *o;
  int status;

  hf_vault_lock (vault);
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "--json", "audit", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));

  /* Everything logged so far, in order, then the lock above and the command's own unlock. */
  g_assert_cmpuint (json_array_get_length (array), ==, entries->len + 2);
  for (guint i = 0; i < entries->len; i++)
    {
      HfAuditEntry *e = entry_at (entries, i);

      o = json_array_get_object_element (array, i);
      g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, e->seq);
      g_assert_cmpstr (json_object_get_string_member (o, "actor"), ==, e->actor);
      g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, e->action);
      g_assert_cmpstr (json_object_get_string_member (o, "detail"), ==, e->detail);
      g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "time"), "Z"));
    }
  o = json_array_get_object_element (array, entries->len);
  g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, entries->len + 1);
  g_assert_cmpstr (json_object_get_string_member (o, "actor"), ==, OWNER);
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "lock");
  o = json_array_get_object_element (array, entries->len + 1);
  g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, entries->len + 2);
  g_assert_cmpstr (json_object_get_string_member (o, "actor"), ==, OWNER);
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "unlock");

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "action"), ==, "vault-created");
  /* Created, locked, unlocked, then the notes. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 3),
                                                  "detail"), ==, "note 1");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --limit N: the newest N. */
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "--json", "audit", "list", "--limit", "2", NULL);
  g_assert_cmpint (status, ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  /* The newest: this command's unlock, after the first command's unlock and lock. */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 1), "seq"),
                   ==, entries->len + 4);
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, HfTestDir, NULL, hf_test_dir_setup, func, hf_test_dir_teardown)

  ADD ("/hf/audit/fresh-vault", test_fresh_vault);
  ADD ("/hf/audit/log-actor", test_log_actor);
  ADD ("/hf/audit/locked-vault", test_locked_vault);
  ADD ("/hf/audit/triggers", test_triggers);
  ADD ("/hf/audit/edited-row", test_edited_row);
  ADD ("/hf/audit/edited-time", test_edited_time);
  ADD ("/hf/audit/deleted-row", test_deleted_row);
  ADD ("/hf/audit/deleted-last", test_deleted_last);
  ADD ("/hf/audit/deleted-last-two", test_deleted_last_two);
  ADD ("/hf/audit/deleted-last-then-unlock", test_deleted_last_then_unlock);
  ADD ("/hf/audit/inserted-row", test_inserted_row);
  ADD ("/hf/audit/cli-verify", test_cli_verify);
  ADD ("/hf/audit/cli-verify-deleted-last", test_cli_verify_deleted_last);
  ADD ("/hf/audit/cli-list-json", test_cli_list_json);

#undef ADD

  return g_test_run ();
}
