/* hf-vault.h — an encrypted vault: a SQLCipher database and its keyring
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hf-role.h"
#include "hf-secure.h"

G_BEGIN_DECLS

#define HF_TYPE_VAULT (hf_vault_get_type ())

G_DECLARE_FINAL_TYPE (HfVault, hf_vault, HF, VAULT, GObject)

typedef struct
{
  char   *name;
  HfRole  role;
  gint64  created;   /* seconds since the epoch */
} HfMemberInfo;

void          hf_member_info_free        (HfMemberInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfMemberInfo, hf_member_info_free)

char         *hf_vault_default_dir       (void);
char         *hf_vault_default_path      (GError             **error);
GPtrArray    *hf_vault_list_paths        (const char          *dir);
char         *hf_vault_keyring_path      (const char          *vault_path);
char         *hf_vault_dup_display_name  (const char          *vault_path);
char         *hf_recovery_code_normalize (const char          *code);

HfVault      *hf_vault_create            (const char          *path,
                                          const char          *owner,
                                          const HfSecret      *passphrase,
                                          HfSecret           **recovery_code,
                                          GError             **error);
void          hf_vault_create_async      (const char          *path,
                                          const char          *owner,
                                          const HfSecret      *passphrase,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
HfVault      *hf_vault_create_finish     (GAsyncResult        *result,
                                          HfSecret           **recovery_code,
                                          GError             **error);

HfVault      *hf_vault_open              (const char          *path,
                                          const char          *member,
                                          const HfSecret      *passphrase,
                                          GError             **error);
void          hf_vault_open_async        (const char          *path,
                                          const char          *member,
                                          const HfSecret      *passphrase,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
HfVault      *hf_vault_open_finish       (GAsyncResult        *result,
                                          GError             **error);

void          hf_vault_lock              (HfVault             *self);
gboolean      hf_vault_is_locked         (HfVault             *self);
const char   *hf_vault_get_path          (HfVault             *self);
const char   *hf_vault_get_member_name   (HfVault             *self);
HfRole        hf_vault_get_member_role   (HfVault             *self);
guint64       hf_vault_get_generation    (HfVault             *self);
/* What this unlock found altered in the keyring and restored from the database's copy, as
 * a list for a sentence ("the key slot of “bob” was altered: …"); NULL if nothing was. */
const char   *hf_vault_get_keyring_repair
                                         (HfVault             *self);
char         *hf_vault_dup_id            (HfVault             *self);
gboolean      hf_vault_require           (HfVault             *self,
                                          HfPermission         permission,
                                          const char          *what,
                                          GError             **error);

GPtrArray    *hf_vault_list_members      (HfVault             *self);
gboolean      hf_vault_add_member        (HfVault             *self,
                                          const char          *name,
                                          HfRole               role,
                                          const HfSecret      *passphrase,
                                          HfSecret           **recovery_code,
                                          GError             **error);
gboolean      hf_vault_change_passphrase (HfVault             *self,
                                          const char          *name,
                                          const HfSecret      *new_passphrase,
                                          HfSecret           **recovery_code,
                                          GError             **error);
gboolean      hf_vault_remove_member     (HfVault             *self,
                                          const char          *name,
                                          GError             **error);

typedef struct
{
  gboolean   ok;
  GPtrArray *problems;   /* char*, one plain sentence each, at most one per database check */
  GPtrArray *details;    /* char*, the database checks' own lines, for those who ask */
  guint      pages;
  guint      audit_entries;
} HfVaultCheck;

void          hf_vault_check_clear       (HfVaultCheck        *check);
gboolean      hf_vault_check             (HfVault             *self,
                                          HfVaultCheck        *check,
                                          GError             **error);

/* One sentence on how SQLite's memory (decrypted pages, record text) is protected in this
 * process now: locked in RAM, kept out of core dumps, wiped when freed, and how much of it
 * the system refused to lock (RLIMIT_MEMLOCK). */
char           *hf_vault_describe_memory (void);

G_END_DECLS
