/* hf-cli-private.h — what healthfolio-cli's command groups share
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * hf-cli.c reads the global flags and runs one command; each group of commands is a file of
 * its own (hf-cli-vault.c, hf-cli-records.c, …) over this interface. A command takes the
 * global flags and its own arguments and returns the process's exit status.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-error.h"
#include "hf-secure.h"
#include "hf-vault.h"

G_BEGIN_DECLS

typedef struct
{
  char     *vault;
  char     *member;
  char     *passphrase_file;
  int       passphrase_fd;
  gboolean  json;
} HfCliGlobals;

void         hf_cli_globals_clear          (HfCliGlobals *g);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HfCliGlobals, hf_cli_globals_clear)

/* Shared by every command (hf-cli-util.c). */
char       *hf_cli_terminal_text       (const char *text,
                                        gboolean    as_json);
const char *hf_cli_printable           (GPtrArray  *keep,
                                        const char *text);
GPtrArray  *hf_cli_printable_new       (void);
void        hf_cli_print_error         (const char *message);
int         hf_cli_fail                (GError *error);
int         hf_cli_usage_error         (const char *format,
                                        ...) G_GNUC_PRINTF (1, 2);
void        hf_cli_print_json          (JsonBuilder *builder);
char       *hf_cli_format_time         (gint64 seconds);
char       *hf_cli_format_time_us      (gint64 usec);
HfSecret   *hf_cli_read_passphrase     (HfCliGlobals  *g,
                                        const char    *prompt,
                                        GError       **error);
HfSecret   *hf_cli_read_new_passphrase (const char  *file,
                                        int          fd,
                                        const char  *who,
                                        GError     **error);
char       *hf_cli_vault_path          (HfCliGlobals  *g,
                                        GError       **error);
HfVault    *hf_cli_open_vault          (HfCliGlobals  *g,
                                        GError       **error);
gboolean    hf_cli_parse_options       (GOptionEntry   *entries,
                                        const char     *parameter,
                                        const char     *summary,
                                        int            *argc,
                                        char         ***argv,
                                        GError        **error);

/* Commands: vault and member (hf-cli-vault.c). */
int hf_cli_vault_create  (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_vault_info    (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_vault_check   (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_member_list   (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_member_add    (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_member_passwd (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_member_remove (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);

/* Commands: audit (hf-cli-audit.c). */
int hf_cli_audit_list   (HfCliGlobals  *g,
                         int            argc,
                         char         **argv);
int hf_cli_audit_verify (HfCliGlobals  *g,
                         int            argc,
                         char         **argv);

/* Commands: records (hf-cli-records.c). */
int hf_cli_import (HfCliGlobals  *g,
                   int            argc,
                   char         **argv);
int hf_cli_list   (HfCliGlobals  *g,
                   int            argc,
                   char         **argv);
int hf_cli_search (HfCliGlobals  *g,
                   int            argc,
                   char         **argv);
int hf_cli_show   (HfCliGlobals  *g,
                   int            argc,
                   char         **argv);
int hf_cli_stats  (HfCliGlobals  *g,
                   int            argc,
                   char         **argv);
int hf_cli_trend  (HfCliGlobals  *g,
                   int            argc,
                   char         **argv);

/* Commands: trust and verify (hf-cli-verify.c), and import's signed bundles. */
int hf_cli_trust_add    (HfCliGlobals  *g,
                         int            argc,
                         char         **argv);
int hf_cli_trust_list   (HfCliGlobals  *g,
                         int            argc,
                         char         **argv);
int hf_cli_trust_remove (HfCliGlobals  *g,
                         int            argc,
                         char         **argv);
int hf_cli_verify       (HfCliGlobals  *g,
                         int            argc,
                         char         **argv);

typedef struct
{
  const char *key_file;
  const char *passphrase_file;
  const char *ca_file;
  gboolean    offline;
  gboolean    unverified;    /* import what cannot be verified, marked so */
} HfCliSignedImport;

/* Whether PATH is a regular file that starts like a compact JWS or JWE. */
gboolean hf_cli_is_signed_file (const char *path);
/* Verifies the signed bundle at PATH, then imports its Bundle with OPTIONS (an
 * HfImportOptions, from hf-import.h), and records how it was verified. */
int      hf_cli_import_signed  (HfCliGlobals            *g,
                                const char              *path,
                                const HfCliSignedImport *s,
                                const void              *options);

/* SMART Health Cards (hf-cli-shc.c): ARG is "shc:/…" text, or a file that is a
 * .smart-health-card file, shc:/ text, a card's JWS ("zip" in its header) or a PNG image. */
gboolean hf_cli_is_card_arg    (const char              *arg);
/* verify of the cards ARGS[0..N) hold (a legacy card's chunks: several ARGS). */
int      hf_cli_verify_cards   (HfCliGlobals            *g,
                                int                      n,
                                char                   **args,
                                gboolean                 offline,
                                const char              *ca_file);
/* import of them, all in one transaction. */
int      hf_cli_import_cards   (HfCliGlobals            *g,
                                int                      n,
                                char                   **args,
                                const HfCliSignedImport *s,
                                const void              *options);
int      hf_cli_trust_add_crl  (HfCliGlobals            *g,
                                int                      argc,
                                char                   **argv);
int      hf_cli_trust_import_directory (HfCliGlobals    *g,
                                        int              argc,
                                        char           **argv);

/* import of a SMART Health Link (hf-cli-shl.c). */
typedef struct
{
  const char *recipient;        /* sent to the link's server; NULL: the default */
  const char *passcode_file;
  const char *ca_file;
  gboolean    offline;          /* for cards in the link: never fetch their issuers' keys */
  gboolean    unverified;       /* and import one whose issuer is not trusted */
} HfCliLinkImport;

/* The shlink:/ link whose QR code the PNG image at PATH shows, or NULL (not a PNG, no QR code,
 * or a QR code of something else). */
char    *hf_cli_link_in_image (const char          *path);
/* Whether TEXT is a shlink:/ link (or one behind a viewer's https address). */
gboolean hf_cli_is_link     (const char            *text);
/* Opens the link TEXT and imports all it holds with OPTIONS (an HfImportOptions), all or
 * nothing. */
int      hf_cli_import_link (HfCliGlobals          *g,
                             const char            *text,
                             const HfCliLinkImport *l,
                             const void            *options);

/* Links kept as sources (hf-cli-shl.c), for hf-cli-sources.c. */
int      hf_cli_shl_source_add  (HfCliGlobals  *g,
                                 int            argc,
                                 char         **argv);
/* NOT_FOUND when NAME is not a kept link. B: the JSON array, with --json. */
gboolean hf_cli_shl_source_sync (HfCliGlobals  *g,
                                 HfVault       *vault,
                                 const char    *name,
                                 const char    *passcode_file,
                                 JsonBuilder   *b,
                                 GError       **error);
gboolean hf_cli_shl_source_list (HfCliGlobals  *g,
                                 HfVault       *vault,
                                 JsonBuilder   *b,
                                 guint         *n,
                                 GError       **error);

/* Commands: sources (hf-cli-sources.c). */
int hf_cli_source_add    (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_source_list   (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_source_login  (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_source_sync   (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);
int hf_cli_source_remove (HfCliGlobals  *g,
                          int            argc,
                          char         **argv);

/* Commands: recipients and consents (hf-cli-sharing.c). */
int hf_cli_recipient_add    (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);
int hf_cli_recipient_list   (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);
int hf_cli_recipient_show   (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);
int hf_cli_recipient_remove (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);
int hf_cli_consent_set      (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);
int hf_cli_consent_show     (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);
int hf_cli_consent_revoke   (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);
int hf_cli_consent_history  (HfCliGlobals  *g,
                             int            argc,
                             char         **argv);

/* Commands: sensitivity labels (hf-cli-labels.c), and the labels section of show. */
int      hf_cli_label_add       (HfCliGlobals  *g,
                                 int            argc,
                                 char         **argv);
int      hf_cli_label_remove    (HfCliGlobals  *g,
                                 int            argc,
                                 char         **argv);
int      hf_cli_label_list      (HfCliGlobals  *g,
                                 int            argc,
                                 char         **argv);
int      hf_cli_label_refresh   (HfCliGlobals  *g,
                                 int            argc,
                                 char         **argv);
int      hf_cli_label_rules     (HfCliGlobals  *g,
                                 int            argc,
                                 char         **argv);
gboolean hf_cli_labels_print    (HfVault       *vault,
                                 gint64         record_id,
                                 GPtrArray     *keep,
                                 GError       **error);
gboolean hf_cli_labels_add_json (JsonBuilder   *b,
                                 HfVault       *vault,
                                 gint64         record_id,
                                 GError       **error);

/* Commands: share preview, export, disclosures (hf-cli-share.c). */
/* "--only CATEGORY,…" as a list (NULL for none); 0, or a usage error's exit code. */
int hf_cli_only_categories    (const char    *text,
                               char        ***out);
int hf_cli_share_preview      (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_export             (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_disclosures_list   (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_disclosures_verify (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);

/* Commands: cards and links made (hf-cli-cards.c). */
int hf_cli_export_card        (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_export_link        (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_keys_revoke_card   (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_shl_list           (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_shl_revoke         (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);

/* Commands: keys and issuer (hf-cli-keys.c). */
int hf_cli_keys_show          (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_keys_export_jwks   (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_keys_rotate        (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_issuer_set         (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);
int hf_cli_issuer_show        (HfCliGlobals  *g,
                               int            argc,
                               char         **argv);

/* SENTENCE as a clause to go inside another sentence: its full stop dropped and its first
 * letter made small (unless the word is an abbreviation such as "QR"). */
char    *hf_cli_clause (const char *sentence);

/* A refusal of verify (hf-cli-verify.c): with --json the verdict ("invalid", "malformed",
 * "refused") and the reason are printed as JSON too; the exit code is ERROR's. */
int      hf_cli_fail_verify (HfCliGlobals *g,
                             GError       *error);

/* NAME: VALUE, or NAME: null when VALUE is NULL. */
void     hf_cli_json_add_string (JsonBuilder *b,
                                 const char  *name,
                                 const char  *value);

/* hf_cli_parse_options(), its failure reported: 0, or the exit code to return. */
int      hf_cli_getopt   (GOptionEntry  *entries,
                          const char    *parameter,
                          const char    *summary,
                          int           *argc,
                          char        ***argv);

G_END_DECLS
