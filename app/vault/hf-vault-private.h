/* hf-vault-private.h — what other core modules need of an open vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-vault.h"

G_BEGIN_DECLS

/* SQLite's memory (hf-db-memory.c): locked chunks, no core dumps, wiped on free. Installed
 * by hf_core_init() before SQLite initialises; FALSE when it could not be (then the vault
 * turns SQLCipher's cipher_memory_security on instead). */
typedef struct
{
  gsize locked_bytes;     /* mapped and locked */
  gsize unlocked_bytes;   /* mapped, but mlock() was refused (RLIMIT_MEMLOCK) */
  gsize large_bytes;      /* of those, in allocations of their own now */
  guint chunks;
  guint lock_failures;
} HfDbMemoryStats;

gboolean       _hf_db_memory_install      (void);
gboolean       _hf_db_memory_is_installed (void);
void           _hf_db_memory_get_stats    (HfDbMemoryStats *stats);

sqlite3       *_hf_vault_get_db        (HfVault      *self);
const guint8  *_hf_vault_get_audit_key (HfVault      *self);

gboolean       _hf_db_exec             (sqlite3      *db,
                                        const char   *sql,
                                        GError      **error);
gboolean       _hf_db_fail             (sqlite3      *db,
                                        int           rc,
                                        const char   *what,
                                        GError      **error);
gboolean       _hf_db_begin            (sqlite3      *db,
                                        GError      **error);
gboolean       _hf_db_commit           (sqlite3      *db,
                                        GError      **error);
void           _hf_db_rollback         (sqlite3      *db);

/* One step of the vault's schema, owned by the layer whose tables it makes. */
typedef gboolean (*HfMigrateFunc) (sqlite3  *db,
                                   GError  **error);

/* VERSION is the user_version the step leads to; steps are added in order (hf_core_init). */
void           _hf_vault_add_migration (int           version,
                                        HfMigrateFunc migrate);
/* The newest schema this build knows: the vault's own and every layer's added. */
int            _hf_vault_schema_version (void);

/* Appends to the activity log inside the caller's transaction. */
gboolean       _hf_audit_append        (sqlite3      *db,
                                        const guint8 *key,
                                        const char   *actor,
                                        const char   *action,
                                        const char   *detail,
                                        GError      **error);

G_END_DECLS
