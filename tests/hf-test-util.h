/* hf-test-util.h — shared helpers for the core's test programs
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hf-secure.h"
#include "hf-vault.h"

G_BEGIN_DECLS

typedef struct
{
  char *dir;         /* a fresh folder, removed afterwards */
  char *vault;       /* DIR/test.hfvault (not created) */
  char *keys;        /* DIR/test.hfkeys */
} HfTestDir;

void       hf_test_init            (int          *argc,
                                    char       ***argv);
void       hf_test_dir_setup       (HfTestDir    *td,
                                    gconstpointer data);
void       hf_test_dir_teardown    (HfTestDir    *td,
                                    gconstpointer data);

HfSecret  *hf_test_secret          (const char   *text);
/* The first column of the first row of SQL run on VAULT's database (a count, say). */
gint64     hf_test_count_sql       (HfVault      *vault,
                                    const char   *sql);
char      *hf_test_write_file      (HfTestDir    *td,
                                    const char   *name,
                                    const char   *contents);
GBytes    *hf_test_read            (const char   *path);
void       hf_test_write           (const char   *path,
                                    GBytes       *bytes);
void       hf_test_copy            (const char   *from,
                                    const char   *to);
void       hf_test_flip_byte       (const char   *path,
                                    gsize         offset);
char      *hf_test_digest_dir      (const char   *dir);

/* Runs healthfolio-cli with ARGS (NULL-terminated); returns the exit status. */
int        hf_test_cli             (char        **out,
                                    char        **err,
                                    const char   *first_arg,
                                    ...) G_GNUC_NULL_TERMINATED;
/* The same, with INPUT_FILE on its standard input. */
int        hf_test_cli_stdin       (char        **out,
                                    char        **err,
                                    const char   *input_file,
                                    const char   *first_arg,
                                    ...) G_GNUC_NULL_TERMINATED;
int        hf_test_cli_v           (char        **out,
                                    char        **err,
                                    const char * const *argv);
const char *hf_test_cli_path       (void);
void       hf_test_count_file      (GHashTable   *expected,
                                    const char   *path);

/* FHIR R4 validity by HL7's R4 JSON schema and ajv (tests/fhir-validate.mjs under node, with
 * tests/node_modules from build-aux/dev): TRUE when valid, else FALSE with PROBLEMS (if not
 * NULL) naming each invalid file and its problems. A missing node or tests/node_modules ends
 * the test program: it is never taken for "invalid". */
gboolean   hf_test_validate_fhir   (const char   *path,
                                    char        **problems);
/* The same for the NULL-terminated PATHS in one run (node and the schema load once). */
gboolean   hf_test_validate_fhir_files (const char * const *paths,
                                        char              **problems);
/* Fails the test (g_test_fail_printf, with the problems) unless JSON_TEXT, or the file at PATH,
 * is valid FHIR R4. */
void       hf_test_assert_valid_fhir      (const char *json_text);
void       hf_test_assert_valid_fhir_file (const char *path);

G_END_DECLS
