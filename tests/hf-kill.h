/* hf-kill.h — healthfolio-cli killed at chosen moments, and what its vault holds afterwards
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The Patient id of tests/data/synthea/Luigi_Wiegand_…, the vault the kill tests start from. */
#define LUIGI_PATIENT "1ae0605d-e5b8-4d6d-a96d-c93dcbd57e06"

/* Writes to PATH NDJSON of N resources made from tests/data/bulk-ndjson (HF_TEST_DATA, or
 * DATA_DIR if not NULL): copy k of a line has the first 8 hex digits of every UUID in it
 * replaced by k, so ids differ between copies and references inside a copy still resolve.
 * A vault holds one person's record: the export's Patients are left out and every record is
 * about PATIENT_ID (a Patient of the vault imported into). Adds to COUNTS (type →
 * GUINT_TO_POINTER count) what it wrote. */
void      hf_kill_write_bulk   (const char         *data_dir,
                                const char         *path,
                                guint               n,
                                const char         *patient_id,
                                GHashTable         *counts);

/* Copies a vault (FILE.hfvault, its -wal if any, FILE.hfkeys) to TO (a .hfvault path). */
void      hf_kill_copy_vault   (const char         *from,
                                const char         *to);

typedef struct
{
  gboolean killed;        /* FALSE: it exited before the kill */
  int      status;        /* its exit status, when it exited */
  gboolean unlocked;      /* the keyring was rewritten (the unlock done) before the kill */
  gint64   unlocked_us;   /* when that was first seen, from the start, or -1 */
  gint64   elapsed_us;    /* from the start to the kill or the exit */
} HfKillRun;

/* Runs healthfolio-cli --vault VAULT --passphrase-file PASS_FILE ARGS… and sends it SIGKILL
 * DELAY_US after the start (never, if negative), unless it has exited by then. With
 * WATCH_UNLOCK, polls the keyring every millisecond to see when the unlock is done. */
void      hf_kill_run          (const char         *vault,
                                const char         *pass_file,
                                const char * const *args,
                                gint64              delay_us,
                                gboolean            watch_unlock,
                                HfKillRun          *run);

/* After a run: `vault check` must pass and `stats --json` answer. Returns the counts per
 * type (char* → GUINT_TO_POINTER), or NULL with what went wrong in PROBLEM (if not NULL). */
GHashTable *hf_kill_inspect    (const char         *vault,
                                const char         *pass_file,
                                char              **problem);

/* "Type n, …" sorted by type, for messages. */
char     *hf_kill_describe     (GHashTable         *counts);
gboolean  hf_kill_counts_equal (GHashTable         *a,
                                GHashTable         *b);

/* The sync the kill tests run: these types, HF_KILL_SYNC_EACH of each (12 whole pages of 100
 * and a last one of 50). */
#define HF_KILL_SYNC_EACH 1250
extern const char *const hf_kill_sync_types[];

/* How many whole pages of PAGE resources COUNTS holds of that sync, or -1 if a type holds part
 * of a page (or there is more than one Patient). */
int       hf_kill_whole_pages  (GHashTable         *counts,
                                guint               page);

G_END_DECLS
