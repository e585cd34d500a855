/* hf-cli.c — healthfolio-cli: the clinic's tool, the scripting interface, the test harness
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hf-cli-private.h"

#include "hf-core.h"

void
hf_cli_globals_clear (HfCliGlobals *g)
{
  g_clear_pointer (&g->vault, g_free);
  g_clear_pointer (&g->member, g_free);
  g_clear_pointer (&g->passphrase_file, g_free);
}

typedef int (*CommandFunc) (HfCliGlobals *g, int argc, char **argv);

typedef struct
{
  const char  *group;
  const char  *name;
  const char  *args;
  const char  *summary;
  CommandFunc  func;
} Command;

static const Command commands[] = {
  { "vault", "create", "[--owner NAME] [--demo]",
    "create a vault; prints the recovery code once", 
    hf_cli_vault_create },
  { "vault", "info", "", "show the vault and the acting member", hf_cli_vault_info },
  { "vault", "check", "[--verbose]", "check keyring, database pages and activity log",
    hf_cli_vault_check },
  { "member", "list", "", "list members and roles", hf_cli_member_list },
  { "member", "add", "NAME --role ROLE [--new-passphrase-file FILE]", "add a member",
    hf_cli_member_add },
  { "member", "passwd", "[NAME] [--new-passphrase-file FILE]", "change a passphrase",
    hf_cli_member_passwd },
  { "member", "remove", "NAME", "remove a member and re-key the vault", hf_cli_member_remove },
  { "audit", "list", "[--limit N]", "list the activity log", hf_cli_audit_list },
  { "audit", "verify", "", "verify the activity log's chain", hf_cli_audit_verify },
  { "import", NULL, "FILE|DIR … | SIGNED_FILE [--key JWK_FILE] [--passphrase-file FILE] "
    "[--offline] [--unverified] | CARD.smart-health-card|shc:/…|QR.png … [--unverified] | "
    "shlink:/… [--recipient NAME] [--passcode-file FILE]",
    "import FHIR R4 JSON, Bundles and NDJSON, a signed bundle, SMART Health Cards or a SMART "
    "Health Link",
    hf_cli_import },
  { "list", NULL, "[--type T] [--category C | --all] [--since DATE] [--until DATE] [--limit N]",
    "list records, newest first", hf_cli_list },
  { "search", NULL, "[--category C | --all] QUERY", "search the records' text", hf_cli_search },
  { "show", NULL, "ID [--raw | --save FILE [--part N] [--force]]", "show one record",
    hf_cli_show },
  { "stats", NULL, "", "count the records per resource type", hf_cli_stats },
  { "trend", NULL, "[CODE] [--system URI]", "an observation's values over time", hf_cli_trend },
  { "source", "add", "NAME URL [--client-id ID] [--open --patient ID] | NAME shlink:/…",
    "add a FHIR server, or keep a SMART Health Link, to pull records from", hf_cli_source_add },
  { "source", "list", "", "list the FHIR servers", hf_cli_source_list },
  { "source", "login", "NAME", "sign in to a SMART on FHIR server", hf_cli_source_login },
  { "source", "sync", "NAME|--all", "fetch what changed on the server(s)", hf_cli_source_sync },
  { "source", "remove", "NAME", "forget a server (its records stay)", hf_cli_source_remove },
  { "recipient", "add", "NAME --kind KIND [--contact TEXT] [--key JWK_FILE]",
    "add someone to share with", hf_cli_recipient_add },
  { "recipient", "list", "", "list recipients, keys and consents", hf_cli_recipient_list },
  { "recipient", "show", "NAME", "show a recipient and their consent", hf_cli_recipient_show },
  { "recipient", "remove", "NAME", "remove a recipient; revokes their consent",
    hf_cli_recipient_remove },
  { "consent", "set", "RECIPIENT [--allow CATEGORY,…] [--from DATE] [--to DATE] "
    "[--permit-label LABEL,…] [--purpose CODE,…] [--expires DATE] [--valid-from DATE] "
    "[--include ID,…] [--exclude ID,…]", "set what a recipient may see (a new version)",
    hf_cli_consent_set },
  { "consent", "show", "RECIPIENT [--json]", "a consent in words, or as FHIR",
    hf_cli_consent_show },
  { "consent", "revoke", "RECIPIENT", "revoke a consent (a new version)", hf_cli_consent_revoke },
  { "consent", "history", "RECIPIENT", "every version of a consent", hf_cli_consent_history },
  { "label", "add", "ID LABEL", "label a record sensitive by hand", hf_cli_label_add },
  { "label", "remove", "ID LABEL", "take a label off a record by hand", hf_cli_label_remove },
  { "label", "list", "ID", "a record's labels and where they came from", hf_cli_label_list },
  { "label", "refresh", "", "label every record again by the rule table", hf_cli_label_refresh },
  { "label", "rules", "", "the rule table that labels records sensitive", hf_cli_label_rules },
  { "share", "preview", "RECIPIENT [--only CATEGORY,…] [--verbose] [--ips]",
    "what a recipient would get, and what is withheld and why", hf_cli_share_preview },
  { "export", NULL, "RECIPIENT --format fhir|ips|jws|jwe|shc --output FILE [--bundle ips] "
    "[--passphrase-file FILE] "
    "[--qr FILE.png] [--rid] [--only CATEGORY,…] | --format shl --dir DIR --base-url URL "
    "[--label TEXT] [--expires DATE] [--qr FILE.png] [--single-file] | --format pdf --output "
    "FILE [--layout summary|wallet] [--card FILE | --link-dir DIR --base-url URL]",
    "write what a recipient's consent shares; records the disclosure", hf_cli_export },
  { "shl", "list", "", "the SMART Health Links made, and which are revoked", hf_cli_shl_list },
  { "shl", "revoke", "ID", "delete a link's files from its folder and record it",
    hf_cli_shl_revoke },
  { "trust", "add", "ISS --jwks FILE", "trust an issuer's signing keys, added by hand",
    hf_cli_trust_add },
  { "trust", "list", "", "the trusted issuers and how their keys got here", hf_cli_trust_list },
  { "trust", "remove", "ISS", "stop trusting an issuer", hf_cli_trust_remove },
  { "trust", "add-crl", "ISS KID FILE", "keep an issuer's revocation list for a key, by hand",
    hf_cli_trust_add_crl },
  { "trust", "import-directory", "FILE",
    "trust the issuers (and keys) of a published directory such as VCI's",
    hf_cli_trust_import_directory },
  { "verify", NULL, "FILE|- [--key JWK_FILE] [--passphrase-file FILE] [--offline] | "
    "CARD.smart-health-card|shc:/…|QR.png … [--offline]",
    "check a signed bundle or SMART Health Card: who signed it, when, what it holds",
    hf_cli_verify },
  { "disclosures", "list", "[--recipient NAME] [--since DATE] [--fhir]",
    "every disclosure this vault made", hf_cli_disclosures_list },
  { "disclosures", "verify", "FILE", "whether a file is a disclosure this vault made",
    hf_cli_disclosures_verify },
  { "keys", "show", "[--json]", "the vault's public signing key and its kid", hf_cli_keys_show },
  { "keys", "export-jwks", "FILE", "write the public signing keys (JWKS) to publish",
    hf_cli_keys_export_jwks },
  { "keys", "rotate", "", "a new signing key; the old one stays in the JWKS",
    hf_cli_keys_rotate },
  { "keys", "revoke-card", "RID|DISCLOSURE [--crl-dir DIR]",
    "revoke a card made with --rid; writes the revocation list to publish",
    hf_cli_keys_revoke_card },
  { "issuer", "set", "URL", "the https address signed exports name as issuer",
    hf_cli_issuer_set },
  { "issuer", "show", "", "show the issuer", hf_cli_issuer_show },
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
take_value (int         *i,
            int          argc,
            char       **argv,
            const char  *flag)
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
  g_auto(HfCliGlobals) g = { .passphrase_fd = -1 };
  int i;

  setlocale (LC_ALL, "");
  hf_secure_disable_core_dumps ();
  if (!hf_core_init ())
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
            return hf_cli_usage_error ("--vault needs a FILE.hfvault.");
          g_free (g.vault);
          g.vault = g_strdup (value);
        }
      else if (FLAG ("--member"))
        {
          if ((value = take_value (&i, argc, argv, "--member")) == NULL)
            return hf_cli_usage_error ("--member needs a NAME.");
          g_free (g.member);
          g.member = g_strdup (value);
        }
      else if (FLAG ("--passphrase-file"))
        {
          if ((value = take_value (&i, argc, argv, "--passphrase-file")) == NULL)
            return hf_cli_usage_error ("--passphrase-file needs a FILE.");
          g_free (g.passphrase_file);
          g.passphrase_file = g_strdup (value);
        }
      else if (FLAG ("--passphrase-fd"))
        {
          guint64 fd;
          if ((value = take_value (&i, argc, argv, "--passphrase-fd")) == NULL ||
              !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT, &fd, NULL))
            return hf_cli_usage_error ("--passphrase-fd needs a file descriptor number.");
          g.passphrase_fd = (int) fd;
        }
      else
        return hf_cli_usage_error ("Unknown option “%s”; see --help.", arg);
#undef FLAG
    }

  if (g.passphrase_file != NULL && g.passphrase_fd >= 0)
    return hf_cli_usage_error ("Give either --passphrase-file or --passphrase-fd, not both.");

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
          return code;
        }
    }

  {
    gboolean known_group = FALSE;
    for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
      known_group |= g_str_equal (argv[i], commands[c].group);
    if (known_group)
      {
        g_autofree char *group = hf_cli_terminal_text (argv[i], FALSE);

        g_printerr ("healthfolio-cli: “%s” needs one of:", group);
        for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
          if (g_str_equal (argv[i], commands[c].group))
            g_printerr (" %s", commands[c].name);
        g_printerr (". See --help.\n");
        return 1;
      }
  }
  return hf_cli_usage_error ("Unknown command “%s”; see --help.", argv[i]);
}
