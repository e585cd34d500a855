/* hf-cli.c — healthfolio-cli: the clinic's tool, the scripting interface, the test harness
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hf-audit.h"
#include "hf-demo.h"
#include "hf-error.h"
#include "hf-fhir.h"
#include "hf-import.h"
#include "hf-records.h"
#include "hf-secure.h"
#include "hf-source.h"
#include "hf-trend.h"
#include "hf-vault.h"

typedef struct
{
  char     *vault;
  char     *member;
  char     *passphrase_file;
  int       passphrase_fd;
  gboolean  json;
} Globals;

typedef int (*CommandFunc) (Globals *g, int argc, char **argv);

typedef struct
{
  const char  *group;
  const char  *name;
  const char  *args;
  const char  *summary;
  CommandFunc  func;
} Command;

static int
fail (GError *error)
{
  int code = hf_error_exit_code (error);

  g_printerr ("healthfolio-cli: %s\n", error->message);
  g_error_free (error);
  return code == 0 ? 1 : code;
}

static int
usage_error (const char *format,
             ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format,
             ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("healthfolio-cli: %s\n", msg);
  return 1;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  return dt ? g_date_time_format_iso8601 (dt) : g_strdup ("?");
}

static char *
format_time_us (gint64 usec)
{
  g_autoptr(GDateTime) whole = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) dt = whole ? g_date_time_add (whole, usec % G_USEC_PER_SEC) : NULL;

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.%fZ") : g_strdup ("?");
}

/* {{{ passphrases and opening */

static HfSecret *
read_passphrase (Globals     *g,
                 const char  *prompt,
                 GError     **error)
{
  if (g->passphrase_file != NULL)
    return hf_secret_read_file (g->passphrase_file, error);
  if (g->passphrase_fd >= 0)
    return hf_secret_read_fd (g->passphrase_fd, error);
  return hf_secret_prompt (prompt, error);
}

/* A new passphrase: from a file or descriptor given for it, else asked twice at the terminal. */
static HfSecret *
read_new_passphrase (const char  *file,
                     int          fd,
                     const char  *who,
                     GError     **error)
{
  g_autofree char *prompt = NULL;
  g_autoptr(HfSecret) first = NULL;
  g_autoptr(HfSecret) again = NULL;

  if (file != NULL)
    return hf_secret_read_file (file, error);
  if (fd >= 0)
    return hf_secret_read_fd (fd, error);

  prompt = g_strdup_printf ("New passphrase for %s: ", who);
  first = hf_secret_prompt (prompt, error);
  if (first == NULL)
    return NULL;
  again = hf_secret_prompt ("Repeat it: ", error);
  if (again == NULL)
    return NULL;
  if (!hf_secret_equal (first, again))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "The two passphrases differ; nothing was changed.");
      return NULL;
    }
  return g_steal_pointer (&first);
}

static char *
vault_path (Globals  *g,
            GError  **error)
{
  if (g->vault != NULL)
    return g_strdup (g->vault);
  return hf_vault_default_path (error);
}

static HfVault *
open_vault (Globals  *g,
            GError  **error)
{
  g_autofree char *path = vault_path (g, error);
  g_autofree char *prompt = NULL;
  g_autoptr(HfSecret) passphrase = NULL;

  if (path == NULL)
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "There is no vault at “%s”. Create one with “healthfolio-cli vault create”.",
                   path);
      return NULL;
    }
  prompt = g_strdup_printf ("Passphrase for %s: ", g->member ? g->member : "the owner");
  passphrase = read_passphrase (g, prompt, error);
  if (passphrase == NULL)
    return NULL;
  return hf_vault_open (path, g->member, passphrase, error);
}

static gboolean
parse_options (GOptionEntry  *entries,
               const char    *parameter,
               const char    *summary,
               int           *argc,
               char        ***argv,
               GError       **error)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (parameter);

  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx,
    "Global options (before the command): --vault FILE.hfvault, --member NAME,\n"
    "--passphrase-file FILE, --passphrase-fd N, --json. Run “healthfolio-cli --help” for all\n"
    "commands.");
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, error))
    {
      g_autofree char *msg = g_strdup ((*error)->message);
      g_clear_error (error);
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE, "%s (see --help).", msg);
      return FALSE;
    }
  return TRUE;
}

/* }}} */

/* {{{ vault */

static int
cmd_vault_create (Globals  *g,
                  int       argc,
                  char    **argv)
{
  g_autofree char *owner = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GHashTable) counts = NULL;
  gboolean demo = FALSE;
  guint64 records = 0;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "owner", 0, 0, G_OPTION_ARG_STRING, &owner, "The owner's member name (default: owner)",
      "NAME" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Fill the vault with the demo record: an "
      "invented patient's five years of care, to try Healthfolio without real data", NULL },
    { NULL }
  };

  if (!parse_options (entries, "", "Create a vault with an owner and a recovery code. The "
                      "recovery code is printed once. With --demo, the vault holds an invented "
                      "patient's record (Maren Holloway, born 1968).", &argc, &argv, &error))
    return fail (error);
  if (argc > 1)
    return usage_error ("vault create takes no arguments; give the file with --vault.");

  path = vault_path (g, &error);
  if (path == NULL)
    return fail (error);

  if (g->passphrase_file != NULL || g->passphrase_fd >= 0)
    passphrase = read_passphrase (g, NULL, &error);
  else
    passphrase = read_new_passphrase (NULL, -1, owner ? owner : "the owner", &error);
  if (passphrase == NULL)
    return fail (error);

  if (demo)
    vault = hf_demo_create_vault (path, owner, passphrase, &code, NULL, &error);
  else
    vault = hf_vault_create (path, owner, passphrase, &code, &error);
  if (vault == NULL)
    return fail (error);
  if (demo && (counts = hf_record_store_stats (vault, &records, &error)) == NULL)
    return fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, path);
      json_builder_set_member_name (b, "owner");
      json_builder_add_string_value (b, hf_vault_get_member_name (vault));
      json_builder_set_member_name (b, "recovery_member");
      json_builder_add_string_value (b, "recovery");
      json_builder_set_member_name (b, "recovery_code");
      json_builder_add_string_value (b, hf_secret_get_string (code));
      if (demo)
        {
          json_builder_set_member_name (b, "demo_records");
          json_builder_add_int_value (b, records);
        }
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print ("Created the vault %s with the owner “%s”.\n", path,
               hf_vault_get_member_name (vault));
      if (demo)
        g_print ("It holds the demo record: %" G_GUINT64_FORMAT " records of an invented "
                 "patient. Try “healthfolio-cli list”.\n", records);
      g_print ("\n");
      g_print ("Recovery code (shown only now; write it down and keep it somewhere safe):\n\n"
               "    %s\n\n", hf_secret_get_string (code));
      g_print ("With it, anyone can open the vault as the member “recovery”, for example to set\n"
               "a new owner passphrase: healthfolio-cli --member recovery member passwd %s\n",
               hf_vault_get_member_name (vault));
    }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_vault_info (Globals  *g,
                int       argc,
                char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autofree char *id = NULL;
  GError *error = NULL;

  if (!parse_options (NULL, "", "Show the vault's identity, the acting member and the members.",
                      &argc, &argv, &error))
    return fail (error);
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);

  id = hf_vault_dup_id (vault);
  members = hf_vault_list_members (vault);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, hf_vault_get_path (vault));
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "member");
      json_builder_add_string_value (b, hf_vault_get_member_name (vault));
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, hf_role_to_string (hf_vault_get_member_role (vault)));
      json_builder_set_member_name (b, "generation");
      json_builder_add_int_value (b, hf_vault_get_generation (vault));
      json_builder_set_member_name (b, "members");
      json_builder_add_int_value (b, members->len);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print ("Vault:       %s\n", hf_vault_get_path (vault));
      g_print ("Identifier:  %s\n", id);
      g_print ("Acting as:   %s (%s)\n", hf_vault_get_member_name (vault),
               hf_role_to_string (hf_vault_get_member_role (vault)));
      g_print ("Generation:  %" G_GUINT64_FORMAT "\n", hf_vault_get_generation (vault));
      g_print ("Members:     %u\n", members->len);
    }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_vault_check (Globals  *g,
                 int       argc,
                 char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  HfVaultCheck check;
  GError *error = NULL;
  int code;

  if (!parse_options (NULL, "", "Check the keyring, every database page and the activity log's "
                      "chain. Exit code 4 if anything is wrong.", &argc, &argv, &error))
    return fail (error);
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_vault_check (vault, &check, &error))
    return fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, check.ok);
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, check.pages);
      json_builder_set_member_name (b, "audit_entries");
      json_builder_add_int_value (b, check.audit_entries);
      json_builder_set_member_name (b, "problems");
      json_builder_begin_array (b);
      for (guint i = 0; i < check.problems->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (check.problems, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else if (check.ok)
    g_print ("The vault is intact: keyring verified, %u database pages authenticated, "
             "%u activity-log entries chained.\n", check.pages, check.audit_entries);
  else
    {
      g_printerr ("healthfolio-cli: the vault has %u problem%s:\n", check.problems->len,
                  check.problems->len == 1 ? "" : "s");
      for (guint i = 0; i < check.problems->len; i++)
        g_printerr ("  - %s\n", (char *) g_ptr_array_index (check.problems, i));
    }
  code = check.ok ? 0 : 4;
  hf_vault_check_clear (&check);
  hf_vault_lock (vault);
  return code;
}

/* }}} */

/* {{{ member */

static int
cmd_member_list (Globals  *g,
                 int       argc,
                 char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) members = NULL;
  GError *error = NULL;

  if (!parse_options (NULL, "", "List the vault's members and their roles.", &argc, &argv,
                      &error))
    return fail (error);
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);

  members = hf_vault_list_members (vault);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < members->len; i++)
        {
          HfMemberInfo *m = g_ptr_array_index (members, i);
          g_autofree char *created = format_time (m->created);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, m->name);
          json_builder_set_member_name (b, "role");
          json_builder_add_string_value (b, hf_role_to_string (m->role));
          json_builder_set_member_name (b, "created");
          json_builder_add_string_value (b, created);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
    }
  else
    for (guint i = 0; i < members->len; i++)
      {
        HfMemberInfo *m = g_ptr_array_index (members, i);
        g_autofree char *created = format_time (m->created);
        g_print ("%-24s %-20s since %s\n", m->name, hf_role_to_string (m->role), created);
      }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_member_add (Globals  *g,
                int       argc,
                char    **argv)
{
  g_autofree char *role_text = NULL;
  g_autofree char *new_file = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  g_autoptr(HfSecret) code = NULL;
  int new_fd = -1;
  HfRole role;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text,
      "owner, caregiver, caregiver-read-only or recovery", "ROLE" },
    { "new-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file,
      "Read the new member's passphrase from FILE", "FILE" },
    { "new-passphrase-fd", 0, 0, G_OPTION_ARG_INT, &new_fd,
      "Read the new member's passphrase from file descriptor N", "N" },
    { NULL }
  };

  if (!parse_options (entries, "NAME", "Add a member with their own passphrase. A recovery "
                      "member gets a generated code instead, printed once.", &argc, &argv,
                      &error))
    return fail (error);
  if (argc != 2)
    return usage_error ("member add takes one NAME.");
  if (role_text == NULL)
    return usage_error ("member add needs --role owner|caregiver|caregiver-read-only|recovery.");
  if (!hf_role_from_string (role_text, &role))
    return usage_error ("Unknown role “%s”; use owner, caregiver, caregiver-read-only or "
                        "recovery.", role_text);

  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "add members", &error))
    return fail (error);

  if (role != HF_ROLE_RECOVERY)
    {
      passphrase = read_new_passphrase (new_file, new_fd, argv[1], &error);
      if (passphrase == NULL)
        return fail (error);
    }
  if (!hf_vault_add_member (vault, argv[1], role, passphrase, &code, &error))
    return fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, hf_role_to_string (role));
      if (code != NULL)
        {
          json_builder_set_member_name (b, "recovery_code");
          json_builder_add_string_value (b, hf_secret_get_string (code));
        }
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print ("Added “%s” as %s.\n", argv[1], hf_role_to_string (role));
      if (code != NULL)
        g_print ("\nRecovery code (shown only now; write it down):\n\n    %s\n",
                 hf_secret_get_string (code));
    }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_member_passwd (Globals  *g,
                   int       argc,
                   char    **argv)
{
  g_autofree char *new_file = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GPtrArray) members = NULL;
  const char *name;
  gboolean recovery = FALSE;
  int new_fd = -1;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "new-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file,
      "Read the new passphrase from FILE", "FILE" },
    { "new-passphrase-fd", 0, 0, G_OPTION_ARG_INT, &new_fd,
      "Read the new passphrase from file descriptor N", "N" },
    { NULL }
  };

  if (!parse_options (entries, "[NAME]", "Change a member's passphrase (your own by default). "
                      "For a recovery member, a new code is generated and printed once.",
                      &argc, &argv, &error))
    return fail (error);
  if (argc > 2)
    return usage_error ("member passwd takes at most one NAME.");

  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  name = argc == 2 ? argv[1] : hf_vault_get_member_name (vault);

  members = hf_vault_list_members (vault);
  for (guint i = 0; i < members->len; i++)
    {
      HfMemberInfo *m = g_ptr_array_index (members, i);
      if (g_str_equal (m->name, name))
        recovery = m->role == HF_ROLE_RECOVERY;
    }

  if (!recovery)
    {
      if (g_strcmp0 (name, hf_vault_get_member_name (vault)) != 0 &&
          !hf_vault_require (vault, HF_PERMISSION_MANAGE, "change other members' passphrases",
                             &error))
        return fail (error);
      passphrase = read_new_passphrase (new_file, new_fd, name, &error);
      if (passphrase == NULL)
        return fail (error);
    }
  if (!hf_vault_change_passphrase (vault, name, passphrase, &code, &error))
    return fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      if (code != NULL)
        {
          json_builder_set_member_name (b, "recovery_code");
          json_builder_add_string_value (b, hf_secret_get_string (code));
        }
      json_builder_end_object (b);
      print_json (b);
    }
  else if (code != NULL)
    g_print ("New recovery code for “%s” (shown only now; write it down):\n\n    %s\n",
             name, hf_secret_get_string (code));
  else
    g_print ("Changed the passphrase of “%s”.\n", name);
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_member_remove (Globals  *g,
                   int       argc,
                   char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  GError *error = NULL;

  if (!parse_options (NULL, "NAME", "Remove a member. The vault is re-keyed: a new data key, "
                      "every remaining slot re-wrapped, so the removed member's passphrase "
                      "opens nothing, not even with a saved copy of the old keyring.",
                      &argc, &argv, &error))
    return fail (error);
  if (argc != 2)
    return usage_error ("member remove takes one NAME.");

  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_vault_remove_member (vault, argv[1], &error))
    return fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "removed");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "rekeyed");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    g_print ("Removed “%s” and re-keyed the vault.\n", argv[1]);
  hf_vault_lock (vault);
  return 0;
}

/* }}} */

/* {{{ audit */

static int
cmd_audit_list (Globals  *g,
                int       argc,
                char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int limit = 0;
  GError *error = NULL;
  GOptionEntry options[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show only the newest N entries", "N" },
    { NULL }
  };
  guint first = 0;

  if (!parse_options (options, "", "List the activity log, oldest first.", &argc, &argv, &error))
    return fail (error);
  if (limit < 0)
    return usage_error ("--limit must not be negative.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  entries = hf_audit_list (vault, 0, 0, &error);
  if (entries == NULL)
    return fail (error);
  if (limit > 0 && entries->len > (guint) limit)
    first = entries->len - limit;

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = first; i < entries->len; i++)
        {
          HfAuditEntry *e = g_ptr_array_index (entries, i);
          g_autofree char *when = format_time_us (e->time);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, e->seq);
          json_builder_set_member_name (b, "time");
          json_builder_add_string_value (b, when);
          json_builder_set_member_name (b, "actor");
          json_builder_add_string_value (b, e->actor);
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, e->action);
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, e->detail);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
    }
  else
    for (guint i = first; i < entries->len; i++)
      {
        HfAuditEntry *e = g_ptr_array_index (entries, i);
        g_autofree char *when = format_time_us (e->time);
        g_print ("%5" G_GINT64_FORMAT "  %s  %-16s %-20s %s\n", e->seq, when, e->actor, e->action,
                 e->detail);
      }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_audit_verify (Globals  *g,
                  int       argc,
                  char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  guint count = 0;
  GError *error = NULL;

  if (!parse_options (NULL, "", "Verify the activity log's HMAC chain; name every edited, "
                      "inserted or deleted entry. Exit code 4 if any.", &argc, &argv, &error))
    return fail (error);
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_audit_verify (vault, &problems, &count, &error))
    return fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, problems->len == 0);
      json_builder_set_member_name (b, "entries");
      json_builder_add_int_value (b, count);
      json_builder_set_member_name (b, "problems");
      json_builder_begin_array (b);
      for (guint i = 0; i < problems->len; i++)
        {
          HfAuditProblem *p = g_ptr_array_index (problems, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, p->seq);
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, p->message);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else if (problems->len == 0)
    g_print ("The activity log is intact: %u entries, chain verified.\n", count);
  else
    {
      g_printerr ("healthfolio-cli: the activity log was tampered with:\n");
      for (guint i = 0; i < problems->len; i++)
        g_printerr ("  - %s\n", ((HfAuditProblem *) g_ptr_array_index (problems, i))->message);
    }
  hf_vault_lock (vault);
  return problems->len == 0 ? 0 : 4;
}

/* }}} */

/* {{{ records */

static void
import_progress_cb (const char *file,
                    guint64     resources,
                    guint64     bytes_done,
                    guint64     bytes_total,
                    gpointer    user_data)
{
  if (file == NULL)
    {
      g_printerr ("\r%-79s\r", "");
      return;
    }
  g_printerr ("\rImporting: %" G_GUINT64_FORMAT " records, %3.0f%%", resources,
              bytes_total ? 100.0 * bytes_done / bytes_total : 100.0);
}

static int
cmd_import (Globals  *g,
            int       argc,
            char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GList) types = NULL;
  GError *error = NULL;

  if (!parse_options (NULL, "FILE|DIR …", "Import FHIR R4 files: Bundles of any type, single "
                      "resources, NDJSON (Bulk Data), or folders of them. All files are imported "
                      "in one transaction: if any is invalid, nothing is imported (exit code 3). "
                      "Importing the same content again changes nothing.", &argc, &argv, &error))
    return fail (error);
  if (argc < 2)
    return usage_error ("import needs at least one FILE or DIR.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_vault_import_files (vault, (const char * const *) argv + 1,
                              isatty (STDERR_FILENO) ? import_progress_cb : NULL, NULL, NULL,
                              &result, &error))
    return fail (error);
  types = g_list_sort (g_hash_table_get_keys (result->by_type), (GCompareFunc) strcmp);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "files");
      json_builder_add_int_value (b, result->files);
      json_builder_set_member_name (b, "added");
      json_builder_add_int_value (b, result->added);
      json_builder_set_member_name (b, "updated");
      json_builder_add_int_value (b, result->updated);
      json_builder_set_member_name (b, "history");
      json_builder_add_int_value (b, result->history);
      json_builder_set_member_name (b, "deleted");
      json_builder_add_int_value (b, result->deleted);
      json_builder_set_member_name (b, "unchanged");
      json_builder_add_int_value (b, result->unchanged);
      json_builder_set_member_name (b, "by_type");
      json_builder_begin_object (b);
      for (GList *l = types; l != NULL; l = l->next)
        {
          json_builder_set_member_name (b, l->data);
          json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type,
                                                                                l->data)));
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print ("Imported %u file%s: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
               " updated, %" G_GUINT64_FORMAT " older versions kept as history, %"
               G_GUINT64_FORMAT " deleted, %" G_GUINT64_FORMAT " unchanged.\n", result->files,
               result->files == 1 ? "" : "s", result->added, result->updated, result->history,
               result->deleted, result->unchanged);
      for (GList *l = types; l != NULL; l = l->next)
        g_print ("  %-28s %u\n", (char *) l->data,
                 GPOINTER_TO_UINT (g_hash_table_lookup (result->by_type, l->data)));
    }
  hf_vault_lock (vault);
  return 0;
}

/* The members every record has in --json output: id, type, fhir_id, category, effective,
 * title, subtitle (null when absent). */
static void
add_row_members (JsonBuilder       *b,
                 const HfRecordRow *r)
{
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, r->id);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, r->resource_type);
  json_builder_set_member_name (b, "fhir_id");
  json_builder_add_string_value (b, r->fhir_id);
  json_builder_set_member_name (b, "category");
  json_builder_add_string_value (b, r->category);
  json_builder_set_member_name (b, "effective");
  if (r->effective != NULL)
    json_builder_add_string_value (b, r->effective);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, r->title);
  json_builder_set_member_name (b, "subtitle");
  if (r->subtitle != NULL)
    json_builder_add_string_value (b, r->subtitle);
  else
    json_builder_add_null_value (b);
}

static void
print_rows (Globals   *g,
            GPtrArray *rows)
{
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < rows->len; i++)
        {
          HfRecordRow *r = g_ptr_array_index (rows, i);
          json_builder_begin_object (b);
          add_row_members (b, r);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      HfRecordRow *r = g_ptr_array_index (rows, i);
      g_print ("%8" G_GINT64_FORMAT "  %-10.10s  %-20s %s%s%s\n", r->id,
               r->effective ? r->effective : "", r->resource_type, r->title,
               r->subtitle ? " · " : "", r->subtitle ? r->subtitle : "");
    }
}

static gboolean
valid_date (const char *text)
{
  return text == NULL || (strlen (text) >= 4 && g_ascii_isdigit (text[0]) &&
                          g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]) &&
                          g_ascii_isdigit (text[3]));
}

static int
cmd_list (Globals  *g,
          int       argc,
          char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *type = NULL;
  g_autofree char *category = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  int limit = 50;
  HfRecordFilter filter;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, "Only this resource type", "TYPE" },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      "Only this category: problems, medications, allergies, immunizations, lab-results, "
      "vitals, procedures, encounters, documents, other", "CATEGORY" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only on or after DATE (YYYY-MM-DD)", "DATE" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until, "Only on or before DATE (YYYY-MM-DD)",
      "DATE" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N records (default 50)", "N" },
    { NULL }
  };

  if (!parse_options (entries, "", "List records, newest first.", &argc, &argv, &error))
    return fail (error);
  if (argc > 1)
    return usage_error ("list takes no arguments; see --help for its filters.");
  if (limit <= 0)
    return usage_error ("--limit must be a positive number.");
  if (type != NULL && !hf_fhir_is_resource_type (type))
    return usage_error ("“%s” is not a FHIR R4 resource type.", type);
  if (category != NULL && !hf_fhir_is_category (category))
    return usage_error ("Unknown category “%s”; see --help.", category);
  if (!valid_date (since) || !valid_date (until))
    return usage_error ("Give dates as YYYY-MM-DD.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  filter = (HfRecordFilter) { type, category, since, until };
  rows = hf_record_store_query (vault, &filter, NULL, limit, &error);
  if (rows == NULL)
    return fail (error);
  print_rows (g, rows);
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_search (Globals  *g,
            int       argc,
            char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *query = NULL;
  int limit = 50;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Show at most N records (default 50)", "N" },
    { NULL }
  };

  if (!parse_options (entries, "QUERY", "Search the records' titles, codes and notes. Case and "
                      "accents do not matter; each word matches the start of a word.",
                      &argc, &argv, &error))
    return fail (error);
  if (argc < 2)
    return usage_error ("search needs a QUERY.");
  if (limit <= 0)
    return usage_error ("--limit must be a positive number.");
  query = g_strjoinv (" ", argv + 1);
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  rows = hf_record_store_search (vault, query, limit, &error);
  if (rows == NULL)
    return fail (error);
  print_rows (g, rows);
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_show (Globals  *g,
          int       argc,
          char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecordRow) row = NULL;
  g_autoptr(JsonNode) resource = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GPtrArray) linked = NULL;
  g_autofree char *json = NULL;
  gboolean raw = FALSE;
  guint64 id;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw, "Print the resource's JSON as stored", NULL },
    { NULL }
  };

  if (!parse_options (entries, "ID", "Show one record as a patient reads it: what it is, its "
                      "result or dosage, status, dates, who and where. With --raw, the "
                      "resource's JSON as stored.", &argc, &argv, &error))
    return fail (error);
  if (argc != 2 || !g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    return usage_error ("show takes one record number, as printed by list or search.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_record_store_get (vault, (gint64) id, &row, &json, &error))
    return fail (error);
  resource = json_from_string (json, NULL);
  if (!hf_record_store_note_view (vault, row, resource != NULL && JSON_NODE_HOLDS_OBJECT (resource)
                                  ? json_node_get_object (resource) : NULL, &error))
    return fail (error);
  if (raw)
    {
      g_print ("%s\n", json);
      hf_vault_lock (vault);
      return 0;
    }
  if (resource != NULL && JSON_NODE_HOLDS_OBJECT (resource))
    fields = hf_fhir_describe (json_node_get_object (resource), hf_record_store_resolve, vault);
  else
    fields = g_ptr_array_new ();
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_row_members (b, row);
      json_builder_set_member_name (b, "details");
      json_builder_begin_array (b);
      for (guint i = 0; i < fields->len; i++)
        {
          HfFhirField *f = g_ptr_array_index (fields, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "label");
          json_builder_add_string_value (b, f->label);
          json_builder_set_member_name (b, "value");
          json_builder_add_string_value (b, f->value);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "resource");
      json_builder_add_value (b, g_steal_pointer (&resource));
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      glong width = 0;

      for (guint i = 0; i < fields->len; i++)
        width = MAX (width, g_utf8_strlen (((HfFhirField *) g_ptr_array_index (fields, i))->label,
                                           -1));
      g_print ("%s\n", row->title);
      if (row->subtitle != NULL)
        g_print ("%s\n", row->subtitle);
      g_print ("\n");
      for (guint i = 0; i < fields->len; i++)
        {
          HfFhirField *f = g_ptr_array_index (fields, i);
          g_auto(GStrv) lines = g_strsplit (f->value, "\n", -1);
          glong pad = width - g_utf8_strlen (f->label, -1);

          /* Padded by characters, not bytes: labels may be translated one day. */
          g_print ("  %s:%*s  %s\n", f->label, (int) pad, "", lines[0]);
          for (guint k = 1; lines[k] != NULL; k++)
            g_print ("  %*s   %s\n", (int) width, "", lines[k]);
        }
      g_print ("\n");
      g_print ("  Source:  %s\n", row->source);
      if (row->deleted_at != NULL)
        g_print ("  Deleted at its source %s; kept here with its history.\n", row->deleted_at);
      linked = hf_record_store_linked (vault, row->id, &error);
      if (linked == NULL)
        return fail (error);
      for (guint i = 0; i < linked->len; i++)
        {
          HfRecordRow *other = g_ptr_array_index (linked, i);
          g_print ("  %s record %" G_GINT64_FORMAT " (%s/%s from %s)\n",
                   i == 0 ? "Linked:  " : "         ", other->id, other->resource_type,
                   other->fhir_id, other->source);
        }
      g_print ("\nRecord %" G_GINT64_FORMAT " · %s/%s · %s%s%s\n", row->id, row->resource_type,
               row->fhir_id, hf_fhir_category_label (row->category),
               row->effective ? " · " : "", row->effective ? row->effective : "");
      g_print ("“healthfolio-cli show --raw %" G_GINT64_FORMAT "” prints the record as "
               "stored.\n", row->id);
    }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_stats (Globals  *g,
           int       argc,
           char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GList) types = NULL;
  guint64 total = 0;
  guint64 imports = 0;
  GError *error = NULL;

  if (!parse_options (NULL, "", "Count the current records per resource type, and the files "
                      "imported (those that added or changed something).", &argc, &argv,
                      &error))
    return fail (error);
  if (argc > 1)
    return usage_error ("stats takes no arguments.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  counts = hf_record_store_stats (vault, &total, &error);
  if (counts == NULL)
    return fail (error);
  imports = hf_record_store_count_provenance (vault, &error);
  if (error != NULL)
    return fail (error);
  types = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "total");
      json_builder_add_int_value (b, total);
      json_builder_set_member_name (b, "imports");
      json_builder_add_int_value (b, imports);
      json_builder_set_member_name (b, "by_type");
      json_builder_begin_object (b);
      for (GList *l = types; l != NULL; l = l->next)
        {
          json_builder_set_member_name (b, l->data);
          json_builder_add_int_value (b, GPOINTER_TO_INT (g_hash_table_lookup (counts, l->data)));
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      for (GList *l = types; l != NULL; l = l->next)
        g_print ("%-28s %d\n", (char *) l->data,
                 GPOINTER_TO_INT (g_hash_table_lookup (counts, l->data)));
      g_print ("%-28s %" G_GUINT64_FORMAT "\n", "Total", total);
      g_print ("%-28s %" G_GUINT64_FORMAT "\n", "Files imported", imports);
    }
  hf_vault_lock (vault);
  return 0;
}

/* }}} */

static void
add_number_or_null (JsonBuilder *b,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (b, name);
  if (isnan (value))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, value);
}

static int
cmd_trend (Globals  *g,
           int       argc,
           char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfTrend) trend = NULL;
  g_autofree char *system = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_STRING, &system,
      "The code's system, when the same code exists in several (e.g. http://loinc.org)",
      "URI" },
    { NULL }
  };

  if (!parse_options (entries, "[CODE]",
                      "Without CODE, list the observation codes that have several numeric "
                      "values; with CODE, print its values over time, oldest first, with "
                      "their reference ranges.", &argc, &argv, &error))
    return fail (error);
  if (argc > 2)
    return usage_error ("trend takes at most one code, as listed by “trend” alone.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);

  if (argc == 1)
    {
      g_autoptr(GPtrArray) trends = hf_trend_list (vault, 2, &error);
      g_autoptr(JsonBuilder) b = json_builder_new ();

      if (trends == NULL)
        return fail (error);
      json_builder_begin_array (b);
      for (guint i = 0; i < trends->len; i++)
        {
          HfTrend *t = g_ptr_array_index (trends, i);
          if (g->json)
            {
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "system");
              json_builder_add_string_value (b, t->code_system);
              json_builder_set_member_name (b, "code");
              json_builder_add_string_value (b, t->code);
              json_builder_set_member_name (b, "title");
              json_builder_add_string_value (b, t->title);
              json_builder_set_member_name (b, "observations");
              json_builder_add_int_value (b, t->n_points);
              json_builder_end_object (b);
            }
          else
            g_print ("%-12s %5u  %s\n", t->code, t->n_points, t->title);
        }
      json_builder_end_array (b);
      if (g->json)
        print_json (b);
      else if (trends->len == 0)
        g_print ("No observation code has two or more numeric values yet.\n");
      hf_vault_lock (vault);
      return 0;
    }

  trend = hf_trend_load (vault, system, argv[1], &error);
  if (trend == NULL)
    return fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, trend->code);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, trend->title);
      json_builder_set_member_name (b, "series");
      json_builder_begin_array (b);
      for (guint i = 0; i < trend->series->len; i++)
        {
          HfTrendSeries *s = g_ptr_array_index (trend->series, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          json_builder_set_member_name (b, "unit");
          json_builder_add_string_value (b, s->unit);
          json_builder_set_member_name (b, "points");
          json_builder_begin_array (b);
          for (guint j = 0; j < s->points->len; j++)
            {
              HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "record");
              json_builder_add_int_value (b, p->record_id);
              json_builder_set_member_name (b, "date");
              json_builder_add_string_value (b, p->date);
              add_number_or_null (b, "value", p->value);
              add_number_or_null (b, "low", p->low);
              add_number_or_null (b, "high", p->high);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print ("%s\n", trend->title);
      for (guint i = 0; i < trend->series->len; i++)
        {
          HfTrendSeries *s = g_ptr_array_index (trend->series, i);
          if (trend->series->len > 1)
            g_print ("\n%s\n", s->name);
          for (guint j = 0; j < s->points->len; j++)
            {
              HfTrendPoint *p = &g_array_index (s->points, HfTrendPoint, j);
              g_print ("%s  %10g %s", p->date, p->value, s->unit ? s->unit : "");
              if (!isnan (p->low) && !isnan (p->high))
                g_print ("   (normal %g–%g)", p->low, p->high);
              else if (!isnan (p->high))
                g_print ("   (normal below %g)", p->high);
              else if (!isnan (p->low))
                g_print ("   (normal above %g)", p->low);
              g_print ("   #%" G_GINT64_FORMAT "\n", p->record_id);
            }
        }
    }
  hf_vault_lock (vault);
  return 0;
}

/* {{{ sources */

static gboolean
open_in_browser_cb (const char  *uri,
                    gpointer     user_data,
                    GError     **error)
{
  g_autoptr(GError) launch_error = NULL;

  /* The address carries no secret: only the PKCE challenge and a state the listener checks. */
  g_printerr ("Sign in with your provider in the web browser. If no browser opens, open this "
              "address:\n\n  %s\n\nWaiting for the sign-in…\n", uri);
  if (!g_app_info_launch_default_for_uri (uri, NULL, &launch_error))
    g_printerr ("(Could not open a browser: %s)\n", launch_error->message);
  return TRUE;
}

static void
sync_progress_cb (const HfSyncProgress *p,
                  gpointer              user_data)
{
  gboolean tty = GPOINTER_TO_INT (user_data);

  switch (p->event)
    {
    case HF_SYNC_EVENT_PAGE:
      if (tty)
        g_printerr ("\r%-79s\r%s: %s page %u, %" G_GUINT64_FORMAT " records (%u of %u types done)",
                    "", p->source, p->type, p->pages, p->resources, p->types_done,
                    p->types_total);
      if (p->message != NULL)
        g_printerr ("%s%s: the server notes: %s\n", tty ? "\n" : "", p->type, p->message);
      break;
    case HF_SYNC_EVENT_WAITING:
      g_printerr ("%s%s: %s\n", tty ? "\r" : "", p->type ? p->type : p->source, p->message);
      break;
    case HF_SYNC_EVENT_DONE:
      if (tty)
        g_printerr ("\r%-79s\r", "");
      g_printerr ("%s: %u page%s, %" G_GUINT64_FORMAT " records\n", p->type, p->pages,
                  p->pages == 1 ? "" : "s", p->resources);
      break;
    case HF_SYNC_EVENT_SKIPPED:
      g_printerr ("%s%s: skipped: %s\n", tty ? "\r" : "", p->type, p->message);
      break;
    case HF_SYNC_EVENT_FAILED:
      g_printerr ("%s%s\n", tty ? "\r" : "", p->message);
      break;
    case HF_SYNC_EVENT_STARTED:
    case HF_SYNC_EVENT_ATTACHMENT:
    default:
      break;
    }
}

static int
cmd_source_add (Globals  *g,
                int       argc,
                char    **argv)
{
  g_autofree char *client_id = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *ca_file = NULL;
  gboolean open = FALSE;
  int timeout = 0;
  GOptionEntry entries[] = {
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id,
      "The app's client id at this provider (default: register, if the server allows)", "ID" },
    { "open", 0, 0, G_OPTION_ARG_NONE, &open, "The server needs no sign-in (test servers)",
      NULL },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &patient,
      "With --open: the id of the Patient whose record to fetch", "ID" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      "An extra certificate authority (PEM) that the institution uses", "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for an answer (default 30)",
      "S" },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfSourceInfo) info = NULL;
  g_autoptr(HfSmartConfig) found = NULL;
  g_autofree char *text = NULL;
  HfSourceOptions options = { 0 };
  GError *error = NULL;

  if (!parse_options (entries, "NAME URL", "Add a FHIR R4 server (its base URL) to pull records "
                      "from. Healthfolio asks the server what it supports and says what it "
                      "found. Only https is used (plain http only to this computer). A server "
                      "with SMART on FHIR sign-in needs “source login NAME” next; an open test "
                      "server needs --open --patient ID.", &argc, &argv, &error))
    return fail (error);
  if (argc != 3)
    return usage_error ("source add needs a NAME and the server's URL.");
  if (patient != NULL && !open)
    return usage_error ("--patient goes with --open; a SMART server says whose record it is.");
  options.timeout_ms = timeout > 0 ? (guint) timeout * 1000 : 0;
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  info = hf_source_add (vault, argv[1], argv[2], open, client_id, patient, ca_file, &options,
                        &found, NULL, &error);
  if (info == NULL)
    return fail (error);
  text = hf_smart_config_describe (found);
  if (g->json)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *config = hf_smart_config_to_json (found);
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_parser_load_from_data (parser, config, -1, NULL);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, info->name);
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, info->base_url);
      json_builder_set_member_name (b, "auth");
      json_builder_add_string_value (b, open ? "open" : "smart");
      json_builder_set_member_name (b, "server");
      json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
      json_builder_end_object (b);
      print_json (b);
    }
  else
    {
      g_print ("Added “%s” (%s).\n%s\n", info->name, info->base_url, text);
      if (!open)
        g_print ("Next: sign in with “healthfolio-cli source login %s”.\n", info->name);
      else
        g_print ("Next: fetch the records with “healthfolio-cli source sync %s”.\n", info->name);
    }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_source_list (Globals  *g,
                 int       argc,
                 char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;

  if (!parse_options (NULL, "", "List the FHIR servers this vault pulls records from.", &argc,
                      &argv, &error))
    return fail (error);
  if (argc != 1)
    return usage_error ("source list takes no arguments.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  list = hf_source_list (vault, &error);
  if (list == NULL)
    return fail (error);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          HfSourceInfo *s = g_ptr_array_index (list, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, s->name);
          json_builder_set_member_name (b, "url");
          json_builder_add_string_value (b, s->base_url);
          json_builder_set_member_name (b, "auth");
          json_builder_add_string_value (b, s->auth == HF_SOURCE_AUTH_OPEN ? "open" : "smart");
          json_builder_set_member_name (b, "signed_in");
          json_builder_add_boolean_value (b, s->signed_in);
          json_builder_set_member_name (b, "patient");
          json_builder_add_string_value (b, s->patient_id);
          json_builder_set_member_name (b, "last_sync");
          if (s->last_sync)
            {
              g_autofree char *t = format_time (s->last_sync);
              json_builder_add_string_value (b, t);
            }
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "last_status");
          json_builder_add_string_value (b, s->last_status);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
    }
  else if (list->len == 0)
    g_print ("No sources yet. Add one with “healthfolio-cli source add NAME URL”.\n");
  else
    for (guint i = 0; i < list->len; i++)
      {
        HfSourceInfo *s = g_ptr_array_index (list, i);
        g_autofree char *t = s->last_sync ? format_time (s->last_sync) : g_strdup ("never");
        g_print ("%-16s %s\n  %s; last sync: %s%s%s\n", s->name, s->base_url,
                 s->auth == HF_SOURCE_AUTH_OPEN ? "open server"
                 : s->signed_in ? "SMART on FHIR, signed in" : "SMART on FHIR, not signed in",
                 t, s->last_status ? " — " : "", s->last_status ? s->last_status : "");
      }
  hf_vault_lock (vault);
  return 0;
}

static int
cmd_source_login (Globals  *g,
                  int       argc,
                  char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  HfSourceOptions options = { .open_uri = open_in_browser_cb };
  GError *error = NULL;

  if (!parse_options (NULL, "NAME", "Sign in to a SMART on FHIR server in your web browser. "
                      "Healthfolio listens on 127.0.0.1 for the browser's answer; the tokens "
                      "are kept only in the vault.", &argc, &argv, &error))
    return fail (error);
  if (argc != 2)
    return usage_error ("source login needs the source's NAME.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_source_login (vault, argv[1], &options, NULL, &error))
    return fail (error);
  g_print ("Signed in to “%s”. Fetch the records with “healthfolio-cli source sync %s”.\n",
           argv[1], argv[1]);
  hf_vault_lock (vault);
  return 0;
}

static void
add_sync_json (JsonBuilder  *b,
               HfSyncResult *r,
               const GError *error)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, r->source);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, error == NULL);
  if (error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->message);
    }
  json_builder_set_member_name (b, "added");
  json_builder_add_int_value (b, r->added);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, r->updated);
  json_builder_set_member_name (b, "unchanged");
  json_builder_add_int_value (b, r->unchanged);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, r->pages);
  json_builder_set_member_name (b, "attachments");
  json_builder_add_int_value (b, r->attachments);
  json_builder_set_member_name (b, "types");
  json_builder_begin_object (b);
  for (guint i = 0; i < r->types->len; i++)
    {
      HfSyncTypeResult *t = g_ptr_array_index (r->types, i);
      json_builder_set_member_name (b, t->type);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "outcome");
      json_builder_add_string_value (b, t->outcome == HF_SYNC_EVENT_DONE ? "done"
                                        : t->outcome == HF_SYNC_EVENT_SKIPPED ? "skipped"
                                        : t->outcome == HF_SYNC_EVENT_FAILED ? "failed"
                                        : "unfinished");
      json_builder_set_member_name (b, "pages");
      json_builder_add_int_value (b, t->pages);
      json_builder_set_member_name (b, "resources");
      json_builder_add_int_value (b, t->resources);
      if (t->message != NULL)
        {
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, t->message);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static int
cmd_source_sync (Globals  *g,
                 int       argc,
                 char    **argv)
{
  gboolean all = FALSE;
  int timeout = 0;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "Sync every source", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds to wait for an answer (default 30)",
      "S" },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  HfSourceOptions options = { 0 };
  GError *first = NULL;
  GError *error = NULL;

  if (!parse_options (entries, "NAME|--all", "Fetch what changed since the last sync: the "
                      "Patient, then every record type the server shares. A sync that fails or "
                      "is interrupted keeps what it stored and the next one goes on from there.",
                      &argc, &argv, &error))
    return fail (error);
  if ((all && argc != 1) || (!all && argc != 2))
    return usage_error ("source sync needs a source's NAME, or --all.");
  options.timeout_ms = timeout > 0 ? (guint) timeout * 1000 : 0;
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (all)
    {
      g_autoptr(GPtrArray) list = hf_source_list (vault, &error);
      if (list == NULL)
        return fail (error);
      for (guint i = 0; i < list->len; i++)
        g_ptr_array_add (names, g_strdup (((HfSourceInfo *) g_ptr_array_index (list, i))->name));
    }
  else
    g_ptr_array_add (names, g_strdup (argv[1]));

  json_builder_begin_array (b);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(HfSyncResult) result = NULL;
      const char *name = g_ptr_array_index (names, i);
      gboolean ok = hf_source_sync (vault, name, &options, g->json ? NULL : sync_progress_cb,
                                    GINT_TO_POINTER (isatty (STDERR_FILENO)), NULL, &result,
                                    &error);
      if (result != NULL && g->json)
        add_sync_json (b, result, error);
      else if (result != NULL)
        g_print ("%s: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT " updated, %"
                 G_GUINT64_FORMAT " unchanged; %u pages, %u documents, %u types skipped, "
                 "%u failed (%.1f s).\n", name, result->added, result->updated,
                 result->unchanged, result->pages, result->attachments, result->skipped,
                 result->failed, result->elapsed_us / 1e6);
      if (!ok)
        {
          g_printerr ("healthfolio-cli: %s\n", error->message);
          if (first == NULL)
            first = g_steal_pointer (&error);
          g_clear_error (&error);
        }
    }
  json_builder_end_array (b);
  if (g->json)
    print_json (b);
  hf_vault_lock (vault);
  if (first != NULL)
    {
      int code = hf_error_exit_code (first);
      g_error_free (first);
      return code == 0 ? 1 : code;
    }
  return 0;
}

static int
cmd_source_remove (Globals  *g,
                   int       argc,
                   char    **argv)
{
  g_autoptr(HfVault) vault = NULL;
  GError *error = NULL;

  if (!parse_options (NULL, "NAME", "Forget a source, its sign-in and its sync state. The "
                      "records it brought stay in the vault.", &argc, &argv, &error))
    return fail (error);
  if (argc != 2)
    return usage_error ("source remove needs the source's NAME.");
  vault = open_vault (g, &error);
  if (vault == NULL)
    return fail (error);
  if (!hf_source_remove (vault, argv[1], &error))
    return fail (error);
  g_print ("Removed “%s”; its records are kept.\n", argv[1]);
  hf_vault_lock (vault);
  return 0;
}

/* }}} */


static const Command commands[] = {
  { "vault", "create", "[--owner NAME] [--demo]",
    "create a vault; prints the recovery code once", 
    cmd_vault_create },
  { "vault", "info", "", "show the vault and the acting member", cmd_vault_info },
  { "vault", "check", "", "check keyring, database pages and activity log", cmd_vault_check },
  { "member", "list", "", "list members and roles", cmd_member_list },
  { "member", "add", "NAME --role ROLE [--new-passphrase-file FILE]", "add a member",
    cmd_member_add },
  { "member", "passwd", "[NAME] [--new-passphrase-file FILE]", "change a passphrase",
    cmd_member_passwd },
  { "member", "remove", "NAME", "remove a member and re-key the vault", cmd_member_remove },
  { "audit", "list", "[--limit N]", "list the activity log", cmd_audit_list },
  { "audit", "verify", "", "verify the activity log's chain", cmd_audit_verify },
  { "import", NULL, "FILE|DIR …", "import FHIR R4 JSON, Bundles and NDJSON", cmd_import },
  { "list", NULL, "[--type T] [--category C] [--since DATE] [--until DATE] [--limit N]",
    "list records, newest first", cmd_list },
  { "search", NULL, "QUERY", "search the records' text", cmd_search },
  { "show", NULL, "ID [--raw]", "show one record", cmd_show },
  { "stats", NULL, "", "count the records per resource type", cmd_stats },
  { "trend", NULL, "[CODE] [--system URI]", "an observation's values over time", cmd_trend },
  { "source", "add", "NAME URL [--client-id ID] [--open --patient ID]",
    "add a FHIR server to pull records from", cmd_source_add },
  { "source", "list", "", "list the FHIR servers", cmd_source_list },
  { "source", "login", "NAME", "sign in to a SMART on FHIR server", cmd_source_login },
  { "source", "sync", "NAME|--all", "fetch what changed on the server(s)", cmd_source_sync },
  { "source", "remove", "NAME", "forget a server (its records stay)", cmd_source_remove },
};

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage: healthfolio-cli [--vault FILE.hfvault] [--member NAME]\n"
           "                       [--passphrase-file FILE | --passphrase-fd N] [--json]\n"
           "                       COMMAND …\n\n"
           "Healthfolio's command-line tool: a patient-controlled, encrypted health record.\n\n"
           "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *left = commands[i].name == NULL
        ? g_strdup_printf ("%s %s", commands[i].group, commands[i].args)
        : g_strdup_printf ("%s %s %s", commands[i].group, commands[i].name, commands[i].args);
      glong width = g_utf8_strlen (left, -1);

      /* Padded by characters, not bytes; a long synopsis gets its summary on the next line. */
      if (width > 44)
        fprintf (out, "  %s\n  %46s %s\n", left, "", commands[i].summary);
      else
        fprintf (out, "  %s%*s %s\n", left, (int) (46 - width), "", commands[i].summary);
    }
  fprintf (out,
           "\nGlobal options:\n"
           "  --vault FILE        the vault (default: $HEALTHFOLIO_VAULT, else the default vault\n"
           "                      in $XDG_DATA_HOME/healthfolio/vaults)\n"
           "  --member NAME       act as this member (default: the owner)\n"
           "  --passphrase-file F read the passphrase from the first line of F\n"
           "  --passphrase-fd N   read the passphrase from file descriptor N\n"
           "  --json              machine-readable output\n"
           "  --help, --version\n\n"
           "“vault create --demo” makes a vault holding an invented patient's record, to try\n"
           "Healthfolio without real data.\n\n"
           "Passphrases are never taken from the command line; without a file or descriptor\n"
           "they are asked for at the terminal without echo.\n\n"
           "Exit codes: 0 success, 1 usage, 2 authentication failed, 3 bad input,\n"
           "4 integrity failure (tampering, corruption, rollback), 5 network or server\n"
           "failure, 6 not permitted.\n\n"
           "Run “healthfolio-cli COMMAND SUBCOMMAND --help” for a command's options.\n");
}

static const char *
take_value (int     *i,
            int      argc,
            char   **argv,
            const char *flag)
{
  const char *arg = argv[*i];
  gsize n = strlen (flag);

  if (strncmp (arg, flag, n) == 0 && arg[n] == '=')
    return arg + n + 1;
  if (*i + 1 < argc)
    return argv[++*i];
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  Globals g = { .passphrase_fd = -1 };
  int i;

  setlocale (LC_ALL, "");
  hf_secure_disable_core_dumps ();
  if (!hf_secure_init ())
    {
      g_printerr ("healthfolio-cli: could not initialise libsodium.\n");
      return 1;
    }

  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      const char *arg = argv[i];
      const char *value = NULL;

#define FLAG(name) (g_str_equal (arg, name) || g_str_has_prefix (arg, name "="))
      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_help (stdout);
          return 0;
        }
      else if (g_str_equal (arg, "--version"))
        {
          g_print ("healthfolio-cli %s\n", HF_VERSION);
          return 0;
        }
      else if (g_str_equal (arg, "--json"))
        g.json = TRUE;
      else if (FLAG ("--vault"))
        {
          if ((value = take_value (&i, argc, argv, "--vault")) == NULL)
            return usage_error ("--vault needs a FILE.hfvault.");
          g_free (g.vault);
          g.vault = g_strdup (value);
        }
      else if (FLAG ("--member"))
        {
          if ((value = take_value (&i, argc, argv, "--member")) == NULL)
            return usage_error ("--member needs a NAME.");
          g_free (g.member);
          g.member = g_strdup (value);
        }
      else if (FLAG ("--passphrase-file"))
        {
          if ((value = take_value (&i, argc, argv, "--passphrase-file")) == NULL)
            return usage_error ("--passphrase-file needs a FILE.");
          g_free (g.passphrase_file);
          g.passphrase_file = g_strdup (value);
        }
      else if (FLAG ("--passphrase-fd"))
        {
          guint64 fd;
          if ((value = take_value (&i, argc, argv, "--passphrase-fd")) == NULL ||
              !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT, &fd, NULL))
            return usage_error ("--passphrase-fd needs a file descriptor number.");
          g.passphrase_fd = (int) fd;
        }
      else
        return usage_error ("Unknown option “%s”; see --help.", arg);
#undef FLAG
    }

  if (g.passphrase_file != NULL && g.passphrase_fd >= 0)
    return usage_error ("Give either --passphrase-file or --passphrase-fd, not both.");

  if (i >= argc)
    {
      print_help (stderr);
      return 1;
    }

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      if (!g_str_equal (argv[i], commands[c].group))
        continue;
      /* A command without a subcommand ("import", "list") has no name. */
      if (commands[c].name == NULL ||
          (i + 1 < argc && g_str_equal (argv[i + 1], commands[c].name)))
        {
          g_autofree char *prog = commands[c].name == NULL
            ? g_strdup_printf ("healthfolio-cli %s", commands[c].group)
            : g_strdup_printf ("healthfolio-cli %s %s", commands[c].group, commands[c].name);
          char **sub = g_new0 (char *, argc - i + 1);
          int n = 0, code;

          sub[n++] = prog;
          for (int k = i + (commands[c].name == NULL ? 1 : 2); k < argc; k++)
            sub[n++] = argv[k];
          g_set_prgname (prog);
          code = commands[c].func (&g, n, sub);
          g_free (sub);
          g_free (g.vault);
          g_free (g.member);
          g_free (g.passphrase_file);
          return code;
        }
    }

  {
    gboolean known_group = FALSE;
    for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
      known_group |= g_str_equal (argv[i], commands[c].group);
    if (known_group)
      {
        g_printerr ("healthfolio-cli: “%s” needs one of:", argv[i]);
        for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
          if (g_str_equal (argv[i], commands[c].group))
            g_printerr (" %s", commands[c].name);
        g_printerr (". See --help.\n");
        return 1;
      }
  }
  return usage_error ("Unknown command “%s”; see --help.", argv[i]);
}
