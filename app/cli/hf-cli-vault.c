/* hf-cli-vault.c — the vault and member commands: create, info, check; list, add, passwd, remove
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

#include "hf-cli-private.h"

#include "hf-demo.h"
#include "hf-person.h"
#include "hf-records.h"

/* {{{ vault */

int
hf_cli_vault_create (HfCliGlobals  *g,
                     int            argc,
                     char         **argv)
{
  g_autofree char *owner = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HfSecret) passphrase = NULL;
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autofree char *name = NULL;
  g_autofree char *birth_date = NULL;
  g_autoptr(HfPerson) person = NULL;
  gboolean demo = FALSE;
  guint64 records = 0;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "owner", 0, 0, G_OPTION_ARG_STRING, &owner, "The owner's member name (default: owner)",
      "NAME" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Whose record the vault holds: their given and "
      "family name (else the first Patient imported says it)", "\"GIVEN FAMILY\"" },
    { "birth-date", 0, 0, G_OPTION_ARG_STRING, &birth_date, "Their birth date", "YYYY-MM-DD" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Fill the vault with the demo record: an invented "
      "patient's five years of care, to try Healthfolio without real data", NULL },
    { NULL }
  };

  if (!hf_cli_parse_options (entries, "", "Create a vault with an owner and a recovery code. The "
                             "recovery code is printed once. With --demo, the vault holds an "
                             "invented patient's record (Maren Holloway, born 1968).",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc > 1)
    return hf_cli_usage_error ("vault create takes no arguments; give the file with --vault.");
  if ((name == NULL) != (birth_date == NULL))
    return hf_cli_usage_error ("Give both --name and --birth-date, or neither (the first Patient "
                               "imported then says whose record the vault holds).");
  if (name != NULL && demo)
    return hf_cli_usage_error ("The demo vault holds the demo patient's record; leave out "
                               "--name and --birth-date with --demo.");
  if (name != NULL)
    {
      guint y = 0, m = 0, d = 0;
      char end = '\0';
      g_autofree char *shown = hf_cli_terminal_text (birth_date, FALSE);

      if (strlen (birth_date) != 10 ||
          sscanf (birth_date, "%4u-%2u-%2u%c", &y, &m, &d, &end) != 3 ||
          !g_date_valid_dmy (d, m, y))
        return hf_cli_usage_error ("The birth date “%s” is not a date written YYYY-MM-DD "
                                   "(for example 2005-05-03).", shown);
      if (*g_strstrip (name) == '\0')
        return hf_cli_usage_error ("--name is empty; give the person's given and family name.");
      person = hf_person_new (name, birth_date);
    }

  path = hf_cli_vault_path (g, &error);
  if (path == NULL)
    return hf_cli_fail (error);

  if (g->passphrase_file != NULL || g->passphrase_fd >= 0)
    passphrase = hf_cli_read_passphrase (g, NULL, &error);
  else
    passphrase = hf_cli_read_new_passphrase (NULL, -1, owner ? owner : "the owner", &error);
  if (passphrase == NULL)
    return hf_cli_fail (error);

  if (demo)
    vault = hf_demo_create_vault (path, owner, passphrase, &code, NULL, &error);
  else
    vault = hf_vault_create (path, owner, passphrase, &code, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (person != NULL && !hf_vault_set_person (vault, person, &error))
    return hf_cli_fail (error);
  if (demo && (counts = hf_record_store_stats (vault, &records, &error)) == NULL)
    return hf_cli_fail (error);

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
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      g_print ("Created the vault %s with the owner “%s”.\n", hf_cli_printable (keep, path),
               hf_cli_printable (keep, hf_vault_get_member_name (vault)));
      if (person != NULL)
        {
          g_autofree char *who = hf_person_describe (person);
          g_print ("It holds the record of %s.\n", hf_cli_printable (keep, who));
        }
      if (demo)
        g_print ("It holds the demo record: %" G_GUINT64_FORMAT " records of an invented "
                 "patient. Try “healthfolio-cli list”.\n", records);
      g_print ("\n");
      g_print ("Recovery code (shown only now; write it down and keep it somewhere safe):\n\n"
               "    %s\n\n", hf_secret_get_string (code));
      g_print ("With it, anyone can open the vault as the member “recovery”, for example to set\n"
               "a new owner passphrase: healthfolio-cli --member recovery member passwd %s\n",
               hf_cli_printable (keep, hf_vault_get_member_name (vault)));
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_vault_info (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(HfPerson) person = NULL;
  g_autofree char *id = NULL;
  guint64 patients = 0;
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "",
                             "Show the vault's identity, whose record it holds (name, birth "
                             "date, identifiers and the Patient records linked to them), the "
                             "acting member and the members.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);

  id = hf_vault_dup_id (vault);
  members = hf_vault_list_members (vault);
  if (!hf_vault_get_person (vault, &person, &error) ||
      !hf_vault_count_patients (vault, &patients, &error))
    return hf_cli_fail (error);
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
      json_builder_set_member_name (b, "person");
      if (person == NULL)
        json_builder_add_null_value (b);
      else
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, person->name);
          json_builder_set_member_name (b, "birth_date");
          if (person->birth_date != NULL)
            json_builder_add_string_value (b, person->birth_date);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "identifiers");
          json_builder_begin_array (b);
          for (guint i = 0; i < person->identifiers->len; i++)
            json_builder_add_string_value (b, g_ptr_array_index (person->identifiers, i));
          json_builder_end_array (b);
          json_builder_set_member_name (b, "patient_records");
          json_builder_add_int_value (b, patients);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      g_print ("Vault:       %s\n", hf_cli_printable (keep, hf_vault_get_path (vault)));
      g_print ("Identifier:  %s\n", id);
      g_print ("Acting as:   %s (%s)\n", hf_cli_printable (keep, hf_vault_get_member_name (vault)),
               hf_role_to_string (hf_vault_get_member_role (vault)));
      g_print ("Generation:  %" G_GUINT64_FORMAT "\n", hf_vault_get_generation (vault));
      g_print ("Members:     %u\n", members->len);
      if (person == NULL)
        g_print ("Person:      not known yet (the first Patient imported says it)\n");
      else
        {
          g_autofree char *who = hf_person_describe (person);
          g_print ("Person:      %s\n", hf_cli_printable (keep, who));
          for (guint i = 0; i < person->identifiers->len; i++)
            g_print ("%-13s%s\n", i == 0 ? "Identifiers:" : "",
                     hf_cli_printable (keep, g_ptr_array_index (person->identifiers, i)));
          g_print ("Patient records linked: %" G_GUINT64_FORMAT "\n", patients);
        }
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_vault_check (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  HfVaultCheck check;
  g_autofree char *memory = NULL;
  gboolean verbose = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      "After the summary, print the database checks' own lines", NULL },
    { NULL }
  };
  int code;

  if (!hf_cli_parse_options (entries, "", "Check the keyring, every database page and the activity "
                             "log's chain. Exit code 4 if anything is wrong.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc > 1)
    return hf_cli_usage_error ("vault check takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_vault_check (vault, &check, &error))
    return hf_cli_fail (error);
  memory = hf_vault_describe_memory ();

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
      json_builder_set_member_name (b, "memory");
      json_builder_add_string_value (b, memory);
      json_builder_set_member_name (b, "problems");
      json_builder_begin_array (b);
      for (guint i = 0; i < check.problems->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (check.problems, i));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "details");
      json_builder_begin_array (b);
      for (guint i = 0; i < check.details->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (check.details, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else if (check.ok)
    g_print ("The vault is intact: keyring verified, %u database pages authenticated, "
             "%u activity-log entries chained.\n%s\n", check.pages, check.audit_entries,
             memory);
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      g_printerr ("healthfolio-cli: the vault has %u problem%s:\n", check.problems->len,
                  check.problems->len == 1 ? "" : "s");
      for (guint i = 0; i < check.problems->len; i++)
        g_printerr ("  - %s\n", hf_cli_printable (keep, g_ptr_array_index (check.problems, i)));
      if (verbose && check.details->len > 0)
        {
          g_printerr ("The database checks reported:\n");
          for (guint i = 0; i < check.details->len; i++)
            g_printerr ("    %s\n", hf_cli_printable (keep, g_ptr_array_index (check.details, i)));
        }
      else if (check.details->len > 0)
        g_printerr ("“healthfolio-cli vault check --verbose” prints the %u lines the database "
                    "checks reported.\n", check.details->len);
    }
  code = check.ok ? 0 : 4;
  hf_vault_check_clear (&check);
  hf_vault_lock (vault);
  return code;
}

/* }}} */

/* {{{ member */

int
hf_cli_member_list (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) members = NULL;
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "", "List the vault's members and their roles.", &argc, &argv,
                             &error))
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);

  members = hf_vault_list_members (vault);
  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < members->len; i++)
        {
          HfMemberInfo *m = g_ptr_array_index (members, i);
          g_autofree char *created = hf_cli_format_time (m->created);
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
      hf_cli_print_json (b);
    }
  else
    for (guint i = 0; i < members->len; i++)
      {
        HfMemberInfo *m = g_ptr_array_index (members, i);
        g_autofree char *created = hf_cli_format_time (m->created);
        g_autofree char *name = hf_cli_terminal_text (m->name, FALSE);

        g_print ("%-24s %-20s since %s\n", name, hf_role_to_string (m->role), created);
      }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_member_add (HfCliGlobals  *g,
                   int            argc,
                   char         **argv)
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

  if (!hf_cli_parse_options (entries, "NAME", "Add a member with their own passphrase. A recovery "
                             "member gets a generated code instead, printed once.", &argc, &argv,
                             &error))
    return hf_cli_fail (error);
  if (argc != 2)
    return hf_cli_usage_error ("member add takes one NAME.");
  if (role_text == NULL)
    return hf_cli_usage_error ("member add needs --role "
                               "owner|caregiver|caregiver-read-only|recovery.");
  if (!hf_role_from_string (role_text, &role))
    return hf_cli_usage_error ("Unknown role “%s”; use owner, caregiver, caregiver-read-only or "
                               "recovery.", role_text);

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "add members", &error))
    return hf_cli_fail (error);

  if (role != HF_ROLE_RECOVERY)
    {
      passphrase = hf_cli_read_new_passphrase (new_file, new_fd, argv[1], &error);
      if (passphrase == NULL)
        return hf_cli_fail (error);
    }
  if (!hf_vault_add_member (vault, argv[1], role, passphrase, &code, &error))
    return hf_cli_fail (error);

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
      hf_cli_print_json (b);
    }
  else
    {
      g_autofree char *name = hf_cli_terminal_text (argv[1], FALSE);

      g_print ("Added “%s” as %s.\n", name, hf_role_to_string (role));
      if (code != NULL)
        g_print ("\nRecovery code (shown only now; write it down):\n\n    %s\n",
                 hf_secret_get_string (code));
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_member_passwd (HfCliGlobals  *g,
                      int            argc,
                      char         **argv)
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

  if (!hf_cli_parse_options (entries, "[NAME]",
                             "Change a member's passphrase (your own by default). "
                             "For a recovery member, a new code is generated and printed once.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc > 2)
    return hf_cli_usage_error ("member passwd takes at most one NAME.");

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
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
        return hf_cli_fail (error);
      passphrase = hf_cli_read_new_passphrase (new_file, new_fd, name, &error);
      if (passphrase == NULL)
        return hf_cli_fail (error);
    }
  if (!hf_vault_change_passphrase (vault, name, passphrase, &code, &error))
    return hf_cli_fail (error);

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
      hf_cli_print_json (b);
    }
  else
    {
      g_autofree char *shown = hf_cli_terminal_text (name, FALSE);

      if (code != NULL)
        g_print ("New recovery code for “%s” (shown only now; write it down):\n\n    %s\n",
                 shown, hf_secret_get_string (code));
      else
        g_print ("Changed the passphrase of “%s”.\n", shown);
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_member_remove (HfCliGlobals  *g,
                      int            argc,
                      char         **argv)
{
  g_autoptr(HfVault) vault = NULL;
  GError *error = NULL;

  if (!hf_cli_parse_options (NULL, "NAME",
                             "Remove a member. The vault is re-keyed: a new data key, "
                             "every remaining slot re-wrapped, so the removed member's passphrase "
                             "opens nothing, not even with a saved copy of the old keyring.",
                             &argc, &argv, &error))
    return hf_cli_fail (error);
  if (argc != 2)
    return hf_cli_usage_error ("member remove takes one NAME.");

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  if (!hf_vault_remove_member (vault, argv[1], &error))
    return hf_cli_fail (error);

  if (g->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "removed");
      json_builder_add_string_value (b, argv[1]);
      json_builder_set_member_name (b, "rekeyed");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autofree char *name = hf_cli_terminal_text (argv[1], FALSE);

      g_print ("Removed “%s” and re-keyed the vault.\n", name);
    }
  hf_vault_lock (vault);
  return 0;
}

/* }}} */
