/* test-cli.c — healthfolio-cli as scripts and people use it: help, exit codes, roles,
 * recovery, passphrase channels, JSON, the default vault, and secrets kept out of output
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hf-test-util.h"

#define OWNER_PASS "Tuesday's owner passphrase 31"
#define BOB_PASS   "bob reads only 77"
#define NEW_PASS   "a brand new passphrase 12"
#define WRONG_PASS "not the passphrase at all 99"

/* {{{ helpers */

/* A launcher for runs that need their own environment or file descriptors. */
static GSubprocessLauncher *
cli_launcher (void)
{
  return g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                    G_SUBPROCESS_FLAGS_STDERR_PIPE);
}

static int
cli_with_v (GSubprocessLauncher *launcher,
            char               **out,
            char               **err,
            const char * const  *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;

  g_ptr_array_add (args, (gpointer) hf_test_cli_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

static int
cli_with (GSubprocessLauncher  *launcher,
          char                **out,
          char                **err,
          const char           *first_arg,
          ...) G_GNUC_NULL_TERMINATED;

static int
cli_with (GSubprocessLauncher  *launcher,
          char                **out,
          char                **err,
          const char           *first_arg,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cli_with_v (launcher, out, err, (const char * const *) args->pdata);
}

/* Hands TEXT to the child as file descriptor TARGET, through a pipe. */
static void
give_fd (GSubprocessLauncher *launcher,
         const char          *text,
         int                  target)
{
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_unix_open_pipe (fds, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fds[1], text, strlen (text)), ==, (gssize) strlen (text));
  close (fds[1]);
  g_subprocess_launcher_take_fd (launcher, fds[0], target);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (text);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("expected “%s” in:\n%s", needle, haystack ? haystack : "(null)");
}

static void
assert_lacks (const char *haystack,
              const char *needle)
{
  if (haystack != NULL && strstr (haystack, needle) != NULL)
    g_error ("did not expect “%s” in:\n%s", needle, haystack);
}

/* Creates a vault with the CLI; returns the recovery code it printed. */
static char *
create_vault (const char *vault,
              const char *pass_file)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  int status;

  status = hf_test_cli (&out, &err, "--vault", vault, "--passphrase-file", pass_file, "--json",
                        "vault", "create", NULL);
  if (status != 0)
    g_error ("vault create: %d %s", status, err);
  root = parse_json (out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, vault);
  g_assert_cmpstr (json_object_get_string_member (o, "owner"), ==, "owner");
  g_assert_cmpstr (json_object_get_string_member (o, "recovery_member"), ==, "recovery");
  return g_strdup (json_object_get_string_member (o, "recovery_code"));
}

/* "actor action" of every activity-log entry, oldest first. */
static GPtrArray *
audit_actions (const char *vault,
               const char *pass_file)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *actions = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;
  int status;

  status = hf_test_cli (&out, &err, "--vault", vault, "--passphrase-file", pass_file, "--json",
                        "audit", "list", NULL);
  if (status != 0)
    g_error ("audit list: %d %s", status, err);
  root = parse_json (out);
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *e = json_array_get_object_element (array, i);

      g_assert_cmpint (json_object_get_int_member (e, "seq"), ==, i + 1);
      g_ptr_array_add (actions, g_strdup_printf ("%s %s",
                                                 json_object_get_string_member (e, "actor"),
                                                 json_object_get_string_member (e, "action")));
    }
  return actions;
}

static guint
count_string (GPtrArray  *strings,
              const char *s)
{
  guint n = 0;

  for (guint i = 0; i < strings->len; i++)
    n += g_str_equal (g_ptr_array_index (strings, i), s);
  return n;
}

/* The entries that are not unlocks or locks: what members did, as against who looked. */
static char *
audit_changes (GPtrArray *actions)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < actions->len; i++)
    if (!g_str_has_suffix (g_ptr_array_index (actions, i), " unlock") &&
        !g_str_has_suffix (g_ptr_array_index (actions, i), " lock"))
      g_string_append_printf (s, "%s\n", (char *) g_ptr_array_index (actions, i));
  return g_string_free (s, FALSE);
}

static char *
member_list_json (const char *vault,
                  const char *pass_file)
{
  char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = hf_test_cli (&out, &err, "--vault", vault, "--passphrase-file", pass_file, "--json",
                        "member", "list", NULL);
  if (status != 0)
    g_error ("member list: %d %s", status, err);
  return out;
}

static int
vault_info (const char  *vault,
            const char  *member,
            const char  *pass_file,
            char       **err)
{
  if (member != NULL)
    return hf_test_cli (NULL, err, "--vault", vault, "--member", member, "--passphrase-file",
                        pass_file, "vault", "info", NULL);
  return hf_test_cli (NULL, err, "--vault", vault, "--passphrase-file", pass_file,
                      "vault", "info", NULL);
}

/* }}} */

/* {{{ help and usage */

static void
test_help (HfTestDir    *td,
           gconstpointer data)
{
  static const char *const subcommands[][2] = {
    { "vault", "create" }, { "vault", "info" }, { "vault", "check" },
    { "member", "list" }, { "member", "add" }, { "member", "passwd" }, { "member", "remove" },
    { "audit", "list" }, { "audit", "verify" },
  };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = hf_test_cli (&out, &err, "--help", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "Usage: healthfolio-cli"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s %s", subcommands[i][0], subcommands[i][1]);
      assert_contains (out, line);
    }
  assert_contains (out, "Exit codes");

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      g_autofree char *prog = g_strdup_printf ("healthfolio-cli %s %s", subcommands[i][0],
                                               subcommands[i][1]);
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);

      /* No vault is needed to ask for help, and none is touched. */
      status = hf_test_cli (&out, &err, "--vault", td->vault, subcommands[i][0],
                            subcommands[i][1], "--help", NULL);
      g_test_message ("%s --help → %d", prog, status);
      g_assert_cmpint (status, ==, 0);
      assert_contains (out, "Usage:");
      assert_contains (out, prog);
      g_assert_false (g_file_test (td->vault, G_FILE_TEST_EXISTS));
    }

  g_clear_pointer (&out, g_free);
  status = hf_test_cli (&out, NULL, "--version", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "healthfolio-cli "));
}

static void
test_usage_errors (HfTestDir    *td,
                   gconstpointer data)
{
  static const char *const cases[][6] = {
    { "frobnicate" },
    { "vault" },
    { "vault", "explode" },
    { "--frobnicate", "vault", "info" },
    { "--vault" },
    { "--passphrase-fd", "seven", "vault", "info" },
    { "member", "add" },
    { "member", "add", "bob" },
    { "member", "add", "bob", "--role", "boss" },
    { "member", "add", "bob", "carol", "--role", "caregiver" },
    { "member", "remove" },
    { "member", "passwd", "bob", "carol" },
    { "vault", "create", "extra" },
    { "audit", "list", "--limit", "-3" },
    { "audit", "list", "--no-such-option" },
  };
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *before = hf_test_digest_dir (td->dir);
  g_autofree char *after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *joined = NULL;
      int status;

      g_ptr_array_add (args, (gpointer) "--vault");
      g_ptr_array_add (args, td->vault);
      g_ptr_array_add (args, (gpointer) "--passphrase-file");
      g_ptr_array_add (args, pass_file);
      for (guint k = 0; k < G_N_ELEMENTS (cases[i]) && cases[i][k] != NULL; k++)
        g_ptr_array_add (args, (gpointer) cases[i][k]);
      g_ptr_array_add (args, NULL);
      joined = g_strjoinv (" ", (char **) args->pdata + 4);

      status = hf_test_cli_v (&out, &err, (const char * const *) args->pdata);
      g_test_message ("%s → %d: %s", joined, status, err);
      g_assert_cmpint (status, ==, 1);
      assert_contains (err, "healthfolio-cli");
      g_assert_cmpstr (out, ==, "");
    }

  {
    g_autofree char *err = NULL;

    g_assert_cmpint (hf_test_cli (NULL, &err, "--vault", td->vault, "--passphrase-file",
                                  pass_file, "member", "add", "bob", "--role", "boss", NULL),
                     ==, 1);
    assert_contains (err, "Unknown role “boss”");
    assert_contains (err, "caregiver-read-only");
    g_clear_pointer (&err, g_free);

    /* Without a command: the overview, on stderr. */
    {
      const char *none[] = { NULL };
      g_assert_cmpint (hf_test_cli_v (NULL, &err, none), ==, 1);
    }
    assert_contains (err, "Usage:");
  }

  /* A usage error is refused before the vault is opened: not even an unlock is recorded. */
  after = hf_test_digest_dir (td->dir);
  g_assert_cmpstr (before, ==, after);
}

/* }}} */

/* {{{ authentication */

static void
test_wrong_passphrase (HfTestDir    *td,
                       gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *wrong_file = hf_test_write_file (td, "wrong", WRONG_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  int status;

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", wrong_file,
                        "vault", "info", NULL);
  g_test_message ("%d: %s", status, err);
  g_assert_cmpint (status, ==, 2);
  assert_contains (err, "assphrase");
  assert_lacks (err, WRONG_PASS);
  assert_lacks (err, OWNER_PASS);
  assert_lacks (out, WRONG_PASS);
  g_assert_cmpstr (out, ==, "");

  /* The right one still works, and the failed attempt unlocked nothing. */
  actions = audit_actions (td->vault, pass_file);
  g_assert_cmpuint (actions->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (actions, 0), ==, "owner vault-created");
  g_assert_cmpstr (g_ptr_array_index (actions, 1), ==, "owner lock");
  g_assert_cmpstr (g_ptr_array_index (actions, 2), ==, "owner unlock");
}

static void
test_unknown_member (HfTestDir    *td,
                     gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *err = NULL;
  int status;

  status = vault_info (td->vault, "nobody", pass_file, &err);
  g_test_message ("%d: %s", status, err);
  g_assert_cmpint (status, ==, 2);
  assert_contains (err, "nobody");
  assert_lacks (err, OWNER_PASS);
}

/* Makes bob's slot claim the owner's role and recomputes the keyring's unkeyed checksum, as
 * someone who can write the file but knows no passphrase would. */
static void
forge_bob_owner (const char *keys)
{
  g_autoptr(GBytes) bytes = hf_test_read (keys);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize size, len = 32, at = 8 + 16 + 8 + 2;
  g_autofree guint8 *d = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);
  guint count = d[8 + 16 + 8] << 8 | d[8 + 16 + 8 + 1];

  for (guint i = 0; i < count; i++)
    {
      gsize n = d[at];

      if (n == 3 && memcmp (d + at + 1, "bob", 3) == 0)
        break;
      at += 1 + n + 70 + 176;   /* name, metadata, sealed keys */
    }
  g_assert_cmpint (d[at + 1 + 3], ==, 3);   /* caregiver-read-only */
  d[at + 1 + 3] = 1;                          /* owner */
  g_checksum_update (sum, d, size - 32);
  g_checksum_get_digest (sum, d + size - 32, &len);
  g_assert_true (g_file_set_contents (keys, (char *) d, size, NULL));
}

/* A forged role: bob hears that his passphrase is wrong or his slot altered (exit code 2);
 * the owner's next command is refused as tampering (exit code 4) after the slot was restored
 * and the change logged, and then everyone works as before. */
static void
test_forged_slot (HfTestDir    *td,
                  gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *bob_file = hf_test_write_file (td, "bob", BOB_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  int status;

  g_assert_cmpint (hf_test_cli (NULL, NULL, "--vault", td->vault, "--passphrase-file", pass_file,
                                "member", "add", "bob", "--role", "caregiver-read-only",
                                "--new-passphrase-file", bob_file, NULL), ==, 0);
  forge_bob_owner (td->keys);

  status = vault_info (td->vault, "bob", bob_file, &err);
  g_test_message ("bob → %d: %s", status, err);
  g_assert_cmpint (status, ==, 2);
  assert_contains (err, "altered");
  g_clear_pointer (&err, g_free);

  status = vault_info (td->vault, NULL, pass_file, &err);
  g_test_message ("owner → %d: %s", status, err);
  g_assert_cmpint (status, ==, 4);
  assert_contains (err, "altered outside Healthfolio");
  assert_contains (err, "“bob”");
  assert_contains (err, "from caregiver-read-only to owner");
  assert_contains (err, "run the command again");
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (vault_info (td->vault, NULL, pass_file, NULL), ==, 0);
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--member", "bob", "--passphrase-file",
                        bob_file, "--json", "vault", "info", NULL);
  g_assert_cmpint (status, ==, 0);
  root = parse_json (out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "role"), ==,
                   "caregiver-read-only");
  actions = audit_actions (td->vault, pass_file);
  g_assert_cmpuint (count_string (actions, "owner keyring-restored"), ==, 1);
  g_assert_cmpint (hf_test_cli (NULL, NULL, "--vault", td->vault, "--passphrase-file", pass_file,
                                "vault", "check", NULL), ==, 0);
}

/* }}} */

/* {{{ roles */

static void
test_read_only_caregiver (HfTestDir    *td,
                          gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *bob_file = hf_test_write_file (td, "bob", BOB_PASS "\n");
  g_autofree char *new_file = hf_test_write_file (td, "new", NEW_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *members_before = NULL;
  g_autofree char *members_after = NULL;
  g_autofree char *changes_before = NULL;
  g_autofree char *changes_after = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  int status;

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "member", "add", "bob", "--role", "caregiver-read-only",
                        "--new-passphrase-file", bob_file, NULL);
  g_assert_cmpint (status, ==, 0);
  assert_contains (out, "bob");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  members_before = member_list_json (td->vault, pass_file);
  before = audit_actions (td->vault, pass_file);
  changes_before = audit_changes (before);
  assert_contains (changes_before, "owner member-added");

  /* Adding, removing, and setting someone else's passphrase: all management. */
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--member", "bob", "--passphrase-file",
                        bob_file, "member", "add", "carol", "--role", "caregiver",
                        "--new-passphrase-file", new_file, NULL);
  g_test_message ("add → %d: %s", status, err);
  g_assert_cmpint (status, ==, 6);
  assert_contains (err, "read-only caregiver");
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--member", "bob", "--passphrase-file",
                        bob_file, "member", "remove", "owner", NULL);
  g_test_message ("remove → %d: %s", status, err);
  g_assert_cmpint (status, ==, 6);
  assert_contains (err, "read-only caregiver");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--member", "bob", "--passphrase-file",
                        bob_file, "member", "passwd", "owner", "--new-passphrase-file", new_file,
                        NULL);
  g_test_message ("passwd owner → %d: %s", status, err);
  g_assert_cmpint (status, ==, 6);
  assert_contains (err, "read-only caregiver");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Nothing changed: the same members, no new entries but bob's three unlocks (and the
   * owner's own, to look), and the owner's passphrase is still the old one. */
  members_after = member_list_json (td->vault, pass_file);
  g_assert_cmpstr (members_before, ==, members_after);
  after = audit_actions (td->vault, pass_file);
  changes_after = audit_changes (after);
  g_assert_cmpstr (changes_before, ==, changes_after);
  g_assert_cmpuint (count_string (after, "bob unlock"), ==,
                    count_string (before, "bob unlock") + 3);
  g_assert_cmpint (vault_info (td->vault, NULL, new_file, NULL), ==, 2);
  g_assert_cmpint (vault_info (td->vault, NULL, pass_file, NULL), ==, 0);

  /* Reading is allowed. */
  g_assert_cmpint (hf_test_cli (NULL, NULL, "--vault", td->vault, "--member", "bob",
                                "--passphrase-file", bob_file, "audit", "list", NULL), ==, 0);
}

/* A member's passphrase is their credential, not the record: even a read-only caregiver may
 * change their own (a deliberate decision; see hf_vault_change_passphrase). */
static void
test_own_passphrase (HfTestDir    *td,
                     gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *bob_file = hf_test_write_file (td, "bob", BOB_PASS "\n");
  g_autofree char *new_file = hf_test_write_file (td, "new", NEW_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  int status;

  g_assert_cmpint (hf_test_cli (NULL, NULL, "--vault", td->vault, "--passphrase-file", pass_file,
                                "member", "add", "bob", "--role", "caregiver-read-only",
                                "--new-passphrase-file", bob_file, NULL), ==, 0);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--member", "bob", "--passphrase-file",
                        bob_file, "member", "passwd", "--new-passphrase-file", new_file, NULL);
  g_test_message ("%d: %s%s", status, out, err);
  g_assert_cmpint (status, ==, 0);
  assert_contains (out, "bob");
  assert_lacks (out, NEW_PASS);

  g_assert_cmpint (vault_info (td->vault, "bob", new_file, NULL), ==, 0);
  g_assert_cmpint (vault_info (td->vault, "bob", bob_file, NULL), ==, 2);
  /* The owner is untouched. */
  g_assert_cmpint (vault_info (td->vault, NULL, pass_file, NULL), ==, 0);

  actions = audit_actions (td->vault, pass_file);
  g_assert_cmpuint (count_string (actions, "bob passphrase-changed"), ==, 1);
}

/* }}} */

/* {{{ recovery */

static void
assert_recovery_code_format (const char *code)
{
  g_assert_nonnull (code);
  if (!g_regex_match_simple ("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$", code, 0, 0))
    g_error ("not a recovery code: “%s”", code);
}

static void
test_recovery (HfTestDir    *td,
               gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *new_file = hf_test_write_file (td, "new", NEW_PASS "\n");
  g_autofree char *wrong_file = hf_test_write_file (td, "wrong", WRONG_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *code_line = g_strconcat (code, "\n", NULL);
  g_autofree char *code_file = hf_test_write_file (td, "code", code_line);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  int status;

  assert_recovery_code_format (code);

  /* A wrong code is a wrong passphrase. */
  g_assert_cmpint (vault_info (td->vault, "recovery", wrong_file, NULL), ==, 2);

  /* The owner forgot their passphrase: the code sets a new one. */
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--member", "recovery",
                        "--passphrase-file", code_file, "member", "passwd", "owner",
                        "--new-passphrase-file", new_file, NULL);
  g_test_message ("%d: %s%s", status, out, err);
  g_assert_cmpint (status, ==, 0);
  assert_lacks (out, code);

  g_assert_cmpint (vault_info (td->vault, NULL, new_file, NULL), ==, 0);
  g_assert_cmpint (vault_info (td->vault, NULL, pass_file, NULL), ==, 2);

  /* Its use is in the log, for the owner to see. */
  actions = audit_actions (td->vault, new_file);
  g_assert_cmpuint (count_string (actions, "recovery recovery-unlock"), ==, 1);
  g_assert_cmpuint (count_string (actions, "recovery passphrase-changed"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", new_file,
                        "audit", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  assert_contains (out, "recovery-unlock");
  assert_contains (out, "passphrase of “owner” changed");
  assert_lacks (out, code);
}

/* People copy codes by hand: lower case, spaces for dashes. */
static void
test_recovery_typed_loosely (HfTestDir    *td,
                             gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *loose = NULL;
  g_autofree char *loose_line = NULL;
  g_autofree char *loose_file = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  int status;

  assert_recovery_code_format (code);
  loose = g_ascii_strdown (code, -1);
  g_strdelimit (loose, "-", ' ');
  g_assert_cmpstr (loose, !=, code);
  loose_line = g_strconcat (loose, "\n", NULL);
  loose_file = hf_test_write_file (td, "loose", loose_line);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--member", "recovery",
                        "--passphrase-file", loose_file, "--json", "vault", "info", NULL);
  g_test_message ("%s → %d: %s", loose, status, err);
  g_assert_cmpint (status, ==, 0);
  root = parse_json (out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "role"), ==,
                   "recovery");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "member"), ==,
                   "recovery");
}

/* }}} */

/* {{{ passphrase channels and JSON */

static void
test_passphrase_fd (HfTestDir    *td,
                    gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *new_file = hf_test_write_file (td, "new", NEW_PASS "\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  int status;

  {
    g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();

    give_fd (launcher, OWNER_PASS "\n", 3);
    status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-fd", "3",
                       "--json", "vault", "info", NULL);
    g_test_message ("%d: %s", status, err);
    g_assert_cmpint (status, ==, 0);
    root = parse_json (out);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "member"), ==,
                     "owner");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    /* Without a trailing newline, on another descriptor, in the --flag=N form. */
    g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();

    give_fd (launcher, WRONG_PASS, 7);
    status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-fd=7",
                       "vault", "info", NULL);
    g_assert_cmpint (status, ==, 2);
    assert_lacks (err, WRONG_PASS);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    /* The current passphrase on one descriptor, the new one on another. */
    g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();

    give_fd (launcher, OWNER_PASS, 3);
    give_fd (launcher, NEW_PASS "\n", 4);
    status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-fd", "3",
                       "member", "passwd", "--new-passphrase-fd", "4", NULL);
    g_test_message ("%d: %s", status, err);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  g_assert_cmpint (vault_info (td->vault, NULL, new_file, NULL), ==, 0);
  g_assert_cmpint (vault_info (td->vault, NULL, pass_file, NULL), ==, 2);

  /* Both channels at once make no sense. */
  {
    g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();

    give_fd (launcher, NEW_PASS, 3);
    status = cli_with (launcher, NULL, &err, "--vault", td->vault, "--passphrase-fd", "3",
                       "--passphrase-file", new_file, "vault", "info", NULL);
    g_assert_cmpint (status, ==, 1);
  }
}

static void
test_json (HfTestDir    *td,
           gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  JsonArray *a;
  const char *id;
  int status;

  /* vault info: the first unlock after creation moves the generation from 1 to 2. */
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "--json", "vault", "info", NULL);
  g_assert_cmpint (status, ==, 0);
  root = parse_json (out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, td->vault);
  g_assert_cmpstr (json_object_get_string_member (o, "member"), ==, "owner");
  g_assert_cmpstr (json_object_get_string_member (o, "role"), ==, "owner");
  g_assert_cmpint (json_object_get_int_member (o, "members"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (o, "generation"), ==, 2);
  id = json_object_get_string_member (o, "id");
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{32}$", id, 0, 0));
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "--json", "member", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  root = parse_json (out);
  a = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (a), ==, 2);
  o = json_array_get_object_element (a, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "owner");
  g_assert_cmpstr (json_object_get_string_member (o, "role"), ==, "owner");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (o, "created"), "Z"));
  o = json_array_get_object_element (a, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "recovery");
  g_assert_cmpstr (json_object_get_string_member (o, "role"), ==, "recovery");
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* vault check: created, info, list and their locks, and the check's own unlock: seven. */
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "--json", "vault", "check", NULL);
  g_test_message ("%d: %s%s", status, out, err);
  g_assert_cmpint (status, ==, 0);
  root = parse_json (out);
  o = json_node_get_object (root);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpint (json_object_get_int_member (o, "pages"), >, 0);
  g_assert_cmpint (json_object_get_int_member (o, "audit_entries"), ==, 7);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "problems")), ==, 0);
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Text, for people. */
  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "vault", "check", NULL);
  g_assert_cmpint (status, ==, 0);
  assert_contains (out, "intact");
}

/* A file whose name starts with a dash is an operand after “--”, as with every other tool. */
static void
test_import_dash_file (HfTestDir    *td,
                       gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *file = hf_test_write_file (td, "-x.json",
                                              "{\"resourceType\":\"Patient\",\"id\":\"dash\"}");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();
  g_autoptr(JsonNode) root = NULL;
  int status;

  g_subprocess_launcher_set_cwd (launcher, td->dir);

  /* Without “--” it is an unknown option, and the error says what to do. */
  status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                     "import", "-x.json", NULL);
  g_test_message ("without -- → %d: %s", status, err);
  g_assert_cmpint (status, ==, 1);
  assert_contains (err, "“--”");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                     "--json", "import", "--", "-x.json", NULL);
  g_test_message ("with -- → %d: %s", status, err);
  g_assert_cmpint (status, ==, 0);
  root = parse_json (out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "files"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "added"), ==, 1);
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* “--” among other files, and a search for a word that starts with a dash. */
  status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                     "--json", "import", file, "--", "-x.json", NULL);
  g_assert_cmpint (status, ==, 0);
  root = parse_json (out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "files"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                     "search", "--", "-dash", NULL);
  g_test_message ("search -- -dash → %d: %s", status, err);
  g_assert_cmpint (status, ==, 0);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; p != NULL && *p; p++)
    n += *p == '\n';
  return n;
}

/* A damaged database makes SQLite report a line per page and per b-tree: the check says how
 * many problems and where, and shows SQLite's own lines only when asked. */
static void
test_check_summary (HfTestDir    *td,
                    gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  /* One person's record: a vault holds one person's. */
  g_autofree char *synthea = g_build_filename (g_getenv ("HF_TEST_DATA"), "synthea",
                                               "Carla_Echevarria_9a628ccd-2a55-4331-8e68-"
                                               "bb58458fd674.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonArray *problems, *details;
  gsize pages;
  int status;

  g_assert_cmpint (hf_test_cli (NULL, NULL, "--vault", td->vault, "--passphrase-file",
                                pass_file, "import", synthea, NULL), ==, 0);

  /* Six pages in the middle of the records, away from what an unlock reads. */
  bytes = hf_test_read (td->vault);
  pages = g_bytes_get_size (bytes) / 4096;
  g_assert_cmpuint (pages, >, 100);
  for (gsize p = pages / 2; p < pages / 2 + 6; p++)
    hf_test_flip_byte (td->vault, p * 4096 + 1000);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "vault", "check", NULL);
  g_test_message ("vault check → %d:\n%s", status, err);
  g_assert_cmpint (status, ==, 4);
  g_assert_cmpstr (out, ==, "");
  assert_contains (err, "6 pages");
  assert_contains (err, "--verbose");
  assert_lacks (err, "HMAC verification failed");
  g_assert_cmpuint (count_lines (err), <=, 6);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "vault", "check", "--verbose", NULL);
  g_assert_cmpint (status, ==, 4);
  assert_contains (err, "6 pages");
  assert_contains (err, "HMAC verification failed for page");
  g_assert_cmpuint (count_lines (err), >, 6);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                        "--json", "vault", "check", NULL);
  g_assert_cmpint (status, ==, 4);
  root = parse_json (out);
  problems = json_object_get_array_member (json_node_get_object (root), "problems");
  details = json_object_get_array_member (json_node_get_object (root), "details");
  g_assert_nonnull (details);
  g_assert_cmpuint (json_array_get_length (problems), <=, 3);
  g_assert_cmpuint (json_array_get_length (details), >=, 6);
  assert_contains (json_array_get_string_element (details, 0), "HMAC verification failed");
}

/* }}} */

/* {{{ creating, and which vault */

static void
assert_private_file (const char *path)
{
  struct stat st;

  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
}

static void
test_create_existing (HfTestDir    *td,
                      gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *new_file = hf_test_write_file (td, "new", NEW_PASS "\n");
  G_GNUC_UNUSED g_autofree char *code = create_vault (td->vault, pass_file);
  g_autofree char *before = hf_test_digest_dir (td->dir);
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  assert_private_file (td->vault);
  assert_private_file (td->keys);

  status = hf_test_cli (&out, &err, "--vault", td->vault, "--passphrase-file", new_file,
                        "vault", "create", NULL);
  g_test_message ("%d: %s", status, err);
  g_assert_cmpint (status, ==, 1);
  assert_contains (err, "already exists");
  g_assert_cmpstr (out, ==, "");

  after = hf_test_digest_dir (td->dir);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (vault_info (td->vault, NULL, pass_file, NULL), ==, 0);
  g_assert_cmpint (vault_info (td->vault, NULL, new_file, NULL), ==, 2);
}

static char *
info_path (GSubprocessLauncher *launcher,
           const char          *pass_file,
           int                 *status)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;

  *status = cli_with (launcher, &out, &err, "--passphrase-file", pass_file, "--json",
                      "vault", "info", NULL);
  g_test_message ("vault info → %d: %s", *status, err);
  if (*status != 0)
    return NULL;
  root = parse_json (out);
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "path"));
}

static void
test_default_vault (HfTestDir    *td,
                    gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *other_file = hf_test_write_file (td, "other-pass", NEW_PASS "\n");
  g_autofree char *xdg = g_build_filename (td->dir, "data", NULL);
  g_autofree char *folder = g_build_filename (xdg, "healthfolio", "vaults", NULL);
  g_autofree char *expected = g_build_filename (folder, "default.hfvault", NULL);
  g_autofree char *expected_keys = g_build_filename (folder, "default.hfkeys", NULL);
  g_autofree char *other = g_build_filename (td->dir, "other.hfvault", NULL);
  g_autofree char *other_code = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();
  struct stat st;
  int status;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HEALTHFOLIO_VAULT");

  status = cli_with (launcher, &out, &err, "--passphrase-file", pass_file, "vault", "create",
                     NULL);
  g_test_message ("create → %d: %s%s", status, out, err);
  g_assert_cmpint (status, ==, 0);
  assert_contains (out, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (expected_keys, G_FILE_TEST_IS_REGULAR));
  assert_private_file (expected);
  assert_private_file (expected_keys);
  g_assert_cmpint (stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);

  /* Later commands find it without being told. */
  path = info_path (launcher, pass_file, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (path, ==, expected);
  g_clear_pointer (&path, g_free);

  /* HEALTHFOLIO_VAULT names another one; --vault beats both. */
  other_code = create_vault (other, other_file);
  g_subprocess_launcher_setenv (launcher, "HEALTHFOLIO_VAULT", other, TRUE);
  path = info_path (launcher, other_file, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (path, ==, other);
  g_clear_pointer (&path, g_free);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = cli_with (launcher, &out, &err, "--vault", expected, "--passphrase-file", pass_file,
                     "vault", "info", NULL);
  g_assert_cmpint (status, ==, 0);
  assert_contains (out, expected);
}

static void
test_several_vaults (HfTestDir    *td,
                     gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *xdg = g_build_filename (td->dir, "data", NULL);
  g_autofree char *folder = g_build_filename (xdg, "healthfolio", "vaults", NULL);
  g_autofree char *first = g_build_filename (folder, "mother.hfvault", NULL);
  g_autofree char *second = g_build_filename (folder, "child.hfvault", NULL);
  g_autofree char *code1 = NULL;
  g_autofree char *code2 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();
  int status;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", xdg, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HEALTHFOLIO_VAULT");

  /* One vault, not called default: it is the one. */
  code1 = create_vault (first, pass_file);
  path = info_path (launcher, pass_file, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (path, ==, first);

  /* Two: the tool will not guess. */
  code2 = create_vault (second, pass_file);
  status = cli_with (launcher, &out, &err, "--passphrase-file", pass_file, "vault", "info",
                     NULL);
  g_test_message ("%d: %s", status, err);
  g_assert_cmpint (status, ==, 1);
  assert_contains (err, "2 vaults");
  assert_contains (err, "--vault");
  assert_contains (err, "HEALTHFOLIO_VAULT");
  g_assert_cmpstr (out, ==, "");
}

/* }}} */

/* {{{ secrets */

static void
assert_no_secrets (const char  *what,
                   const char  *out,
                   const char  *err,
                   const char **secrets)
{
  for (guint i = 0; secrets[i] != NULL; i++)
    {
      if ((out && strstr (out, secrets[i])) || (err && strstr (err, secrets[i])))
        g_error ("%s printed a secret:\n%s\n%s", what, out, err);
    }
}

static void
test_no_secrets_in_output (HfTestDir    *td,
                           gconstpointer data)
{
  g_autofree char *pass_file = hf_test_write_file (td, "pass", OWNER_PASS "\n");
  g_autofree char *new_file = hf_test_write_file (td, "new", NEW_PASS "\n");
  g_autofree char *bob_file = hf_test_write_file (td, "bob", BOB_PASS "\n");
  g_autofree char *wrong_file = hf_test_write_file (td, "wrong", WRONG_PASS "\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *code = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *code_file = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher ();
  const char *secrets[7] = { OWNER_PASS, NEW_PASS, BOB_PASS, WRONG_PASS, NULL };
  const char *passphrases[5] = { OWNER_PASS, NEW_PASS, BOB_PASS, WRONG_PASS, NULL };
  const char *owner_file = pass_file;
  int status;
  struct
  {
    const char *member;
    const char *pass;
    const char *args[8];
    int         expect;
  } runs[] = {
    { NULL, NULL, { "vault", "info" }, 0 },
    { NULL, NULL, { "vault", "check" }, 0 },
    { NULL, NULL, { "member", "list" }, 0 },
    { NULL, NULL, { "member", "add", "bob", "--role", "caregiver", "--new-passphrase-file",
                    NULL }, 0 },
    { "bob", NULL, { "vault", "info" }, 0 },
    { NULL, NULL, { "member", "passwd", "--new-passphrase-file", NULL }, 0 },
    { NULL, NULL, { "vault", "info" }, 2 },
    { "recovery", NULL, { "vault", "info" }, 0 },
    { NULL, NULL, { "audit", "list" }, 0 },
    { NULL, NULL, { "--json", "audit", "list" }, 0 },
    { NULL, NULL, { "audit", "verify" }, 0 },
  };

  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);

  /* Creating prints the code, once, on stdout, and nothing secret anywhere else. */
  status = cli_with (launcher, &out, &err, "--vault", td->vault, "--passphrase-file", pass_file,
                     "vault", "create", NULL);
  g_assert_cmpint (status, ==, 0);
  regex = g_regex_new ("[0-9A-Z]{4}(-[0-9A-Z]{4}){7}", 0, 0, NULL);
  g_assert_true (g_regex_match (regex, out, 0, &match));
  code = g_match_info_fetch (match, 0);
  assert_recovery_code_format (code);
  {
    g_auto(GStrv) parts = g_strsplit (out, code, -1);
    g_assert_cmpuint (g_strv_length (parts), ==, 2);
  }
  {
    g_auto(GStrv) groups = g_strsplit (code, "-", -1);
    bare = g_strjoinv ("", groups);
  }
  lower = g_ascii_strdown (code, -1);
  assert_no_secrets ("vault create", out, err, passphrases);
  assert_lacks (err, code);
  assert_lacks (err, bare);

  secrets[4] = code;
  secrets[5] = bare;
  secrets[6] = NULL;
  {
    g_autofree char *line = g_strconcat (lower, "\n", NULL);
    code_file = hf_test_write_file (td, "code", line);
  }

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *joined = NULL;
      const char *pass = owner_file;

      if (g_strcmp0 (runs[i].member, "bob") == 0)
        pass = bob_file;
      else if (g_strcmp0 (runs[i].member, "recovery") == 0)
        pass = code_file;
      else if (runs[i].expect == 2)
        pass = wrong_file;

      g_ptr_array_add (args, (gpointer) "--vault");
      g_ptr_array_add (args, td->vault);
      if (runs[i].member != NULL)
        {
          g_ptr_array_add (args, (gpointer) "--member");
          g_ptr_array_add (args, (gpointer) runs[i].member);
        }
      g_ptr_array_add (args, (gpointer) "--passphrase-file");
      g_ptr_array_add (args, (gpointer) pass);
      for (guint k = 0; runs[i].args[k] != NULL; k++)
        {
          g_ptr_array_add (args, (gpointer) runs[i].args[k]);
          if (g_str_equal (runs[i].args[k], "--new-passphrase-file"))
            g_ptr_array_add (args, g_str_equal (runs[i].args[1], "add") ? bob_file : new_file);
        }
      g_ptr_array_add (args, NULL);
      joined = g_strjoinv (" ", (char **) args->pdata + 2);

      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      status = cli_with_v (launcher, &out, &err, (const char * const *) args->pdata);
      g_test_message ("%s → %d", joined, status);
      g_assert_cmpint (status, ==, runs[i].expect);
      assert_no_secrets (joined, out, err, secrets);
      if (g_str_equal (runs[i].args[1], "passwd"))
        owner_file = new_file;
    }
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add (path, HfTestDir, NULL, hf_test_dir_setup, func, hf_test_dir_teardown)

  ADD ("/hf/cli/help", test_help);
  ADD ("/hf/cli/usage-errors", test_usage_errors);
  ADD ("/hf/cli/wrong-passphrase", test_wrong_passphrase);
  ADD ("/hf/cli/unknown-member", test_unknown_member);
  ADD ("/hf/cli/forged-slot", test_forged_slot);
  ADD ("/hf/cli/read-only-caregiver", test_read_only_caregiver);
  ADD ("/hf/cli/own-passphrase", test_own_passphrase);
  ADD ("/hf/cli/recovery", test_recovery);
  ADD ("/hf/cli/recovery-typed-loosely", test_recovery_typed_loosely);
  ADD ("/hf/cli/passphrase-fd", test_passphrase_fd);
  ADD ("/hf/cli/json", test_json);
  ADD ("/hf/cli/import-dash-file", test_import_dash_file);
  ADD ("/hf/cli/check-summary", test_check_summary);
  ADD ("/hf/cli/create-existing", test_create_existing);
  ADD ("/hf/cli/default-vault", test_default_vault);
  ADD ("/hf/cli/several-vaults", test_several_vaults);
  ADD ("/hf/cli/no-secrets-in-output", test_no_secrets_in_output);

#undef ADD

  return g_test_run ();
}
